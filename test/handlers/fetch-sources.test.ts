/**
 * The fetcher's Lambda entry point, invoked with the input its EventBridge rule sends, against real local DynamoDB
 * and SQS servers and a feed served on loopback: queues each new article URL once, remembers the feed's validators,
 * and records a failing source's error on its record without failing the others.
 */
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import { restoreEnv, stubEnv, stubLocalAws } from '../support/stub-env';
import type { ArticleMessage } from '../../functions/contracts/model';
import { DynamoSourceStore } from '../../functions/store/dynamo-stores';
import { createLambdaContext } from '../../local/lambda-context';
import { createQueues, createSqsClient, startSqs, type LocalServer } from '../../local/servers';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';

let dynamo: LocalDynamo;
let sqs: LocalServer;
let sqsClient: SQSClient;
let queueUrl: string;
let feeds: Server;
let origin = '';
let feedRequests: { path: string; ifNoneMatch?: string }[] = [];
let handler: (event: unknown, context: Context) => Promise<{ outcomes: { sourceId: string; status: string; queued: number }[] }>;

const rss = (base: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Harbor Times</title><link>${base}/</link>
<item><title>Strike talks resume</title><link>${base}/news/strike-talks?utm_source=rss&amp;utm_medium=feed</link><pubDate>Tue, 24 Nov 2026 08:00:00 GMT</pubDate></item>
<item><title>Strike talks resume (again listed)</title><link>${base}/news/strike-talks</link></item>
<item><title>Rate decision</title><link>/news/rate-decision</link><pubDate>Tue, 24 Nov 2026 09:00:00 GMT</pubDate></item>
</channel></rss>`;

beforeAll(async () => {
  dynamo = await startLocalDynamo('fetcher-handler');
  sqs = await startSqs();
  sqsClient = createSqsClient(sqs.endpoint);
  ({ queueUrl } = await createQueues(sqsClient, 'fetcher-test'));
  feeds = createServer((request, response) => {
    feedRequests.push({ path: request.url ?? '', ifNoneMatch: request.headers['if-none-match'] as string | undefined });
    if (request.url === '/broken.xml') {
      response.writeHead(500).end();
      return;
    }
    if (request.headers['if-none-match'] === '"v1"') {
      response.writeHead(304).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"' });
    response.end(rss(origin));
  });
  await new Promise<void>((ready) => feeds.listen(0, '127.0.0.1', ready));
  origin = `http://127.0.0.1:${(feeds.address() as AddressInfo).port}`;

  stubLocalAws({ tableName: dynamo.tableName, dynamoEndpoint: dynamo.endpoint, sqsEndpoint: sqs.endpoint });
  stubEnv('QUEUE_URL', queueUrl);
  stubEnv('ALLOW_PRIVATE_ADDRESSES', 'true');
  stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');
  handler = (await import('../../functions/fetch-sources')).handler as unknown as typeof handler;
}, 60_000);

afterAll(async () => {
  restoreEnv();
  sqsClient.destroy();
  await new Promise((done) => feeds.close(done));
  await sqs.stop();
  await dynamo.stop();
});

async function drainQueue(): Promise<ArticleMessage[]> {
  const messages: ArticleMessage[] = [];
  for (let i = 0; i < 5; i++) {
    const result = await sqsClient.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    if (!result.Messages?.length) break;
    messages.push(...result.Messages.map((message) => JSON.parse(message.Body ?? '{}') as ArticleMessage));
  }
  return messages;
}

it('queues each new, canonical article URL once and records the source state', async () => {
  const sources = [
    { id: 'harbor-times', name: 'The Harbor Times', url: `${origin}/rss.xml`, schedule: 'rate(5 minutes)' },
    { id: 'broken', name: 'Broken Feed', url: `${origin}/broken.xml`, schedule: 'rate(5 minutes)' },
  ];
  const first = await handler({ sources }, createLambdaContext('fetcher', 120));
  expect(first.outcomes.find((o) => o.sourceId === 'harbor-times')).toMatchObject({ status: 'fetched', queued: 2 });
  expect(first.outcomes.find((o) => o.sourceId === 'broken')).toMatchObject({ status: 'failed', queued: 0 });

  const queued = await drainQueue();
  expect(queued.map((message) => message.url).sort()).toEqual([`${origin}/news/rate-decision`, `${origin}/news/strike-talks`]);
  for (const message of queued) {
    expect(message).toMatchObject({ v: 1, sourceId: 'harbor-times', sourceName: 'The Harbor Times' });
    expect(message.correlationId).toMatch(/\S{8,}/);
  }

  const store = new DynamoSourceStore(dynamo);
  expect(await store.getSource('harbor-times')).toMatchObject({ etag: '"v1"', errorCount: 0, lastError: null });
  const broken = await store.getSource('broken');
  expect(broken).toMatchObject({ errorCount: 1 });
  expect(broken?.lastError).toMatch(/500/);
  expect(broken?.nextAttemptAt).not.toBeNull();

  feedRequests = [];
  const second = await handler({ sources: sources.slice(0, 1) }, createLambdaContext('fetcher', 120));
  expect(second.outcomes[0]).toMatchObject({ status: 'not-modified', queued: 0 });
  expect(feedRequests[0]?.ifNoneMatch).toBe('"v1"');
});

it('starts its sources even with less time than it keeps in reserve for the ones started (a shorter timeout)', async () => {
  const sources = [{ id: 'harbor-times', name: 'The Harbor Times', url: `${origin}/rss.xml`, schedule: 'rate(5 minutes)' }];
  const { outcomes } = await handler({ sources, force: true }, createLambdaContext('fetcher', 60));
  expect(outcomes[0]?.status).not.toBe('not-reached');
  await drainQueue();
});

it('writes each source\'s schedule on its record, and its interval in its "source refreshed" line for the dashboard', async () => {
  // Each entry point has a Logger of its own (createFunctionTelemetry): watched through the class.
  const info = jest.spyOn(Logger.prototype, 'info');
  try {
    const sources = [
      { id: 'hourly', name: 'Hourly', url: `${origin}/rss.xml`, schedule: 'rate(1 hour)' },
      { id: 'weekdays', name: 'Weekdays', url: `${origin}/broken.xml`, schedule: 'cron(30 6 ? * MON-FRI *)' },
    ];
    await handler({ sources }, createLambdaContext('fetcher', 120));
    await handler({ sources: [{ ...sources[0]!, schedule: 'rate(1 day)' }] }, createLambdaContext('fetcher', 120));
    const store = new DynamoSourceStore(dynamo);
    expect((await store.getSource('hourly'))?.schedule).toBe('rate(1 day)');
    expect((await store.getSource('weekdays'))?.schedule).toBe('cron(30 6 ? * MON-FRI *)');
    const lines = info.mock.calls.filter(([message]) => message === 'source refreshed').map(([, fields]) => fields);
    expect(lines).toEqual([
      expect.objectContaining({ sourceId: 'hourly', refreshMinutes: 60 }),
      expect.objectContaining({ sourceId: 'weekdays', status: 'failed', refreshMinutes: null }),
      expect.objectContaining({ sourceId: 'hourly', refreshMinutes: 1440 }),
    ]);
  } finally {
    info.mockRestore();
  }
});

it('refuses an invalid event with a message naming the entry and field', async () => {
  await expect(handler({ sources: [{ id: 'x' }] }, createLambdaContext('fetcher', 120))).rejects.toThrow(
    /entry 0 \("x"\), field "name"/,
  );
});
