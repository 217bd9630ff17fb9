/**
 * `npm start` against servers it did not start (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SQS), as a developer
 * points it at DynamoDB Local, LocalStack or a shared dev server: it creates its table and queues there and ingests
 * the demo into them. The "external" servers here are the same kinds the stack embeds, started by the test.
 */
import { execFile } from 'node:child_process';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoArticleStore, DynamoSourceStore } from '../../functions/store/dynamo-stores';
import { LocalConfigError, readLocalConfig } from '../../local/config';
import { createDynamoClients, createSqsClient, ensureTable, startDynamo, startSqs, type LocalServer } from '../../local/servers';
import { REPO_ROOT, freePort, getJson, startStackProcess, waitFor, type StackProcess } from '../support/local-stack-process';

describe('readLocalConfig', () => {
  it('takes the SDK endpoint variables as the servers to use, as origins', () => {
    const config = readLocalConfig({ AWS_ENDPOINT_URL_DYNAMODB: 'http://localhost:8000', AWS_ENDPOINT_URL_SQS: 'https://sqs.dev.example:4566/' });
    expect(config).toMatchObject({ dynamoEndpoint: 'http://localhost:8000', sqsEndpoint: 'https://sqs.dev.example:4566' });
    expect(readLocalConfig({})).toMatchObject({ dynamoEndpoint: undefined, sqsEndpoint: undefined });
    expect(readLocalConfig({ AWS_ENDPOINT_URL_DYNAMODB: ' ' }).dynamoEndpoint).toBeUndefined();
  });

  it.each(['localhost:8000', 'ftp://localhost:8000', 'http://user:pw@localhost:8000', 'http://localhost:8000/path', 'http://localhost:8000/?x=1', 'nonsense'])(
    'refuses %s with a message that names the variable',
    (value) => {
      expect(() => readLocalConfig({ AWS_ENDPOINT_URL_DYNAMODB: value })).toThrow(LocalConfigError);
      expect(() => readLocalConfig({ AWS_ENDPOINT_URL_SQS: value })).toThrow(/AWS_ENDPOINT_URL_SQS/);
    },
  );
});

describe('readLocalConfig: LOG_LEVEL', () => {
  it('takes the levels the README names, in any case, and none when unset', () => {
    expect(readLocalConfig({ LOG_LEVEL: 'info' }).logLevel).toBe('INFO');
    expect(readLocalConfig({ LOG_LEVEL: ' Debug ' }).logLevel).toBe('DEBUG');
    expect(readLocalConfig({ LOG_LEVEL: 'SILENT' }).logLevel).toBe('SILENT');
    expect(readLocalConfig({}).logLevel).toBeUndefined();
    expect(readLocalConfig({ LOG_LEVEL: '' }).logLevel).toBeUndefined();
  });

  it.each(['verbose', 'WARNING', '3'])('refuses %s, naming the variable and the levels it takes', (value) => {
    expect(() => readLocalConfig({ LOG_LEVEL: value })).toThrow(LocalConfigError);
    expect(() => readLocalConfig({ LOG_LEVEL: value })).toThrow(`LOG_LEVEL must be one of DEBUG, INFO, WARN, ERROR, SILENT, not "${value}"`);
  });
});

describe('npm start with external servers', () => {
  const RETIRED = { id: 'retired-outlet', name: 'Retired Outlet', url: 'https://retired.example/rss', schedule: 'rate(1 hour)' };
  let dynamo: LocalServer;
  let sqs: LocalServer;
  let stack: StackProcess;

  beforeAll(async () => {
    [dynamo, sqs] = await Promise.all([startDynamo(), startSqs()]);
    // A shared server that an earlier run with another sources file wrote to: its source's record is there.
    const { raw, document } = createDynamoClients(dynamo.endpoint);
    await ensureTable(raw, 'newsweave');
    await new DynamoSourceStore({ client: document, tableName: 'newsweave' }).registerSource(RETIRED);
    raw.destroy();
    stack = await startStackProcess({ env: { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_ENDPOINT_URL_SQS: sqs.endpoint } });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop('SIGKILL');
    await Promise.all([dynamo?.stop(), sqs?.stop()]);
  });

  it('creates its table and queues there and stores the demo articles in them', async () => {
    const { raw, document } = createDynamoClients(dynamo.endpoint);
    const sqsClient = createSqsClient(sqs.endpoint);
    try {
      expect((await raw.send(new DescribeTableCommand({ TableName: 'newsweave' }))).Table?.TableStatus).toBe('ACTIVE');
      for (const QueueName of ['newsweave-articles', 'newsweave-articles-dlq']) {
        expect((await sqsClient.send(new GetQueueUrlCommand({ QueueName }))).QueueUrl).toContain(QueueName);
      }
      const stored = await waitFor(async () => {
        const page = await new DynamoArticleStore({ client: document, tableName: 'newsweave' }).listArticles({ limit: 100 });
        return page.items.length >= 10 ? page.items : undefined;
      }, 'the demo articles in the external DynamoDB', 90_000);
      const { status, body } = await getJson(`${stack.baseUrl}/articles?limit=100`);
      expect(status).toBe(200);
      expect(body.items.map((item: { id: string }) => item.id)).toEqual(expect.arrayContaining(stored.map((item) => item.id)));
    } finally {
      raw.destroy();
      sqsClient.destroy();
    }
  }, 120_000);

  it("lists the sources it runs in GET /sources, not an earlier run's source, whose record it keeps", async () => {
    const { body } = await getJson(`${stack.baseUrl}/sources`);
    const listed = body.items.map((item: { id: string }) => item.id);
    expect(listed).toEqual(expect.arrayContaining(['harbor-times', 'meridian-post']));
    expect(listed).not.toContain(RETIRED.id);
    const { document } = createDynamoClients(dynamo.endpoint);
    try {
      expect(await new DynamoSourceStore({ client: document, tableName: 'newsweave' }).getSource(RETIRED.id)).toMatchObject({ name: RETIRED.name });
    } finally {
      document.destroy();
    }
  });

  it('stops with a message naming the variable when the server cannot be reached', async () => {
    const env = { ...process.env, PORT: String(await freePort()), AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' };
    const failed = await promisify(execFile)('npm', ['start', '--silent'], { cwd: REPO_ROOT, env, timeout: 60_000 }).then(
      () => null,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/cannot use DynamoDB at http:\/\/127\.0\.0\.1:9 \(AWS_ENDPOINT_URL_DYNAMODB\)/);
  }, 70_000);
});
