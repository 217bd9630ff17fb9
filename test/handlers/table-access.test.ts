/**
 * What the fetcher, the worker and the dead-letter redrive really ask of the table, seen on the wire: their Lambda
 * entry points run against a local DynamoDB server through a recording proxy, on a feed and article pages served on
 * loopback, and the redrive on dead letters that take each of its paths to the table (one due, sent back and marked
 * queued; one still cooling, postponed and its mark renewed; one whose redrives are used up, given up and rejected). Every request
 * must be an action its role is granted on the partition it names (lib/newsweave-function.ts, TABLE_ACCESS: each
 * grant is some actions on some item families, one statement with their `dynamodb:LeadingKeys`), and never on an
 * index; and every action of a grant must be used on one of its families, so that a grant nobody needs shows up here.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { TABLE_ACCESS, type TableGrant } from '../../lib/newsweave-function';
import { createLambdaContext } from '../../local/lambda-context';
import { createQueues, createSqsClient, startSqs, type LocalServer } from '../../local/servers';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { REDRIVE_SETTINGS } from '../../functions/contracts/queue-settings';
import { REDRIVE_COUNT_ATTRIBUTE } from '../../functions/queue/sqs-dead-letter-queue';
// Before any AWS SDK call (the servers' set-up makes some): it makes the process's invocation store (local/handlers.ts).
import { loadRedriveHandler, type RedriveHandler } from '../../local/handlers';
import { articleMessage, sqsEvent } from '../support/events';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { articlePage } from '../support/pages';
import { restoreEnv, stubEnv, stubLocalAws } from '../support/stub-env';

type Role = 'fetcher' | 'worker' | 'redriver';
interface Call {
  readonly role: Role;
  readonly action: string;
  readonly partitions: readonly string[];
  readonly indexName?: string;
}

type AttributeValue = { S?: string };
type Body = Record<string, unknown> & {
  Key?: Record<string, AttributeValue>;
  Item?: Record<string, AttributeValue>;
  RequestItems?: Record<string, unknown>;
  IndexName?: string;
  KeyConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
};

/** The partition keys a request names, as IAM's dynamodb:LeadingKeys sees them. */
function partitionsOf(action: string, body: Body): string[] {
  const pk = (item: Record<string, AttributeValue> | undefined) => item?.PK?.S ?? '(none)';
  switch (action) {
    case 'GetItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return [pk(body.Key)];
    case 'PutItem':
      return [pk(body.Item)];
    case 'BatchGetItem':
      return Object.values(body.RequestItems ?? {}).flatMap((table) => (table as { Keys: Record<string, AttributeValue>[] }).Keys.map(pk));
    case 'BatchWriteItem':
      return Object.values(body.RequestItems ?? {}).flatMap((requests) =>
        (requests as { PutRequest?: { Item: Record<string, AttributeValue> }; DeleteRequest?: { Key: Record<string, AttributeValue> } }[]).map(
          (each) => pk(each.PutRequest?.Item ?? each.DeleteRequest?.Key),
        ),
      );
    case 'Query': {
      const [, name, placeholder] = /^\s*(#?\w+)\s*=\s*(:\w+)/.exec(body.KeyConditionExpression ?? '') ?? [];
      const attribute = name?.startsWith('#') ? body.ExpressionAttributeNames?.[name] : name;
      const value = placeholder ? body.ExpressionAttributeValues?.[placeholder]?.S : undefined;
      return [attribute === 'PK' && value !== undefined ? value : `(${attribute ?? 'unknown'})`];
    }
    default:
      return ['(not an item request)'];
  }
}

/** IAM's StringLike: `*` any run of characters, `?` one. */
const like = (pattern: string, value: string) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`).test(value);

let dynamo: LocalDynamo;
let proxy: Server;
let sqs: LocalServer;
let sqsClient: SQSClient;
let pages: Server;
let origin = '';
let role: Role = 'fetcher';
const calls: Call[] = [];
let fetcher: (event: unknown, context: Context) => Promise<{ outcomes: { status: string; queued: number }[] }>;
let worker: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
let redrive: RedriveHandler;

const rss = (base: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Harbor Times</title><link>${base}/</link>
<item><title>Strike talks resume</title><link>${base}/news/strike</link><pubDate>Tue, 24 Nov 2026 08:00:00 GMT</pubDate></item>
<item><title>Ships wait offshore</title><link>${base}/news/ships</link><pubDate>Tue, 24 Nov 2026 09:00:00 GMT</pubDate></item>
</channel></rss>`;

beforeAll(async () => {
  dynamo = await startLocalDynamo('table-access');
  const upstream = new URL(dynamo.endpoint);
  proxy = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const action = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const parsed = JSON.parse(body.toString('utf8') || '{}') as Body;
      calls.push({ role, action, partitions: partitionsOf(action, parsed), indexName: parsed.IndexName });
      const forwarded = httpRequest(
        { host: upstream.hostname, port: upstream.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.end(body);
    });
  });
  await new Promise<void>((ready) => proxy.listen(0, '127.0.0.1', ready));
  sqs = await startSqs();
  sqsClient = createSqsClient(sqs.endpoint);
  const { queueUrl, deadLetterQueueUrl } = await createQueues(sqsClient, 'table-access');
  pages = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://pages').pathname;
    if (path === '/rss.xml') {
      response.writeHead(200, { 'content-type': 'application/rss+xml' });
      response.end(rss(origin));
    } else if (path.startsWith('/news/')) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(articlePage(`Strike story ${path}`, `${origin}${path}`, 'the strike'));
    } else if (path === '/refused') {
      response.writeHead(403).end();
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((ready) => pages.listen(0, '127.0.0.1', ready));
  origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;

  // DynamoDB through the recording proxy, so that every request the handlers send is checked against their grants.
  stubLocalAws({ tableName: dynamo.tableName, dynamoEndpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, sqsEndpoint: sqs.endpoint });
  stubEnv('QUEUE_URL', queueUrl);
  stubEnv('DEAD_LETTER_QUEUE_URL', deadLetterQueueUrl);
  stubEnv('ALLOW_PRIVATE_ADDRESSES', 'true');
  stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');
  fetcher = (await import('../../functions/fetch-sources')).handler as unknown as typeof fetcher;
  worker = (await import('../../functions/process-articles')).handler as unknown as typeof worker;

  role = 'fetcher';
  const source = { id: 'harbor-times', name: 'The Harbor Times', url: `${origin}/rss.xml`, schedule: 'rate(5 minutes)' };
  const fetched = await fetcher({ sources: [source] }, createLambdaContext('fetcher', 120));
  expect(fetched.outcomes).toEqual([expect.objectContaining({ status: 'fetched', queued: 2 })]);
  role = 'worker';
  // Two copies of one story (stored once, related to each other), a page that is no article, and a refused page.
  const messages = ['/news/strike', '/news/ships', '/missing', '/refused'].map((path) => articleMessage({ url: `${origin}${path}` }));
  await worker(sqsEvent(messages), createLambdaContext('worker', 120));

  // Loaded last: from then on the entry points run only inside an invocation's context (local/handlers.ts).
  redrive = await loadRedriveHandler();
  role = 'redriver';
  const sendLetter = (path: string, redrives = 0) =>
    sqsClient.send(
      new SendMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MessageBody: JSON.stringify(articleMessage({ url: `${origin}${path}` })),
        MessageAttributes: { [REDRIVE_COUNT_ATTRIBUTE]: { DataType: 'Number', StringValue: String(redrives) } },
      }),
    );
  // Due: the local SQS server stamps a message's SentTimestamp with Date.now(), here two hours back (its cool-down is one).
  const now = Date.now();
  const clock = jest.spyOn(Date, 'now').mockReturnValue(now - 2 * 3_600_000);
  await sendLetter('/news/due').finally(() => clock.mockRestore());
  await sendLetter('/news/cooling');
  await sendLetter('/news/exhausted', REDRIVE_SETTINGS.maxRedrives);
  const summary = await redrive({}, createLambdaContext('redriver', 120));
  expect(summary).toMatchObject({ redriven: 1, postponed: 1, givenUp: 1, alreadyDone: 0, failed: 0 });
}, 120_000);

afterAll(async () => {
  restoreEnv();
  sqsClient.destroy();
  await new Promise((done) => pages.close(done));
  await new Promise((done) => proxy.close(done));
  await sqs.stop();
  await dynamo.stop();
});

describe.each(['fetcher', 'worker', 'redriver'] as const)('the %s', (name) => {
  const own = () => calls.filter((call) => call.role === name);
  const grants: readonly TableGrant[] = TABLE_ACCESS[name].grants;
  /** Whether the role may send `action` on `partition`: one of its grants has both. */
  const granted = (action: string, partition: string) =>
    grants.some((grant) => grant.actions.includes(`dynamodb:${action}`) && grant.itemFamilies.some((family) => like(family, partition)));

  it('sends each action only on partitions of the item families it is granted on, and never to an index', () => {
    expect(own().length).toBeGreaterThan(0);
    const outside = own().flatMap((call) =>
      call.partitions.filter((partition) => !granted(call.action, partition)).map((partition) => `${call.action} ${partition}`),
    );
    expect(outside).toEqual([]);
    expect(own().filter((call) => call.indexName !== undefined)).toEqual([]);
  });

  it('uses every action of each grant, and every item family', () => {
    const usedIn = (grant: TableGrant) =>
      own().filter((call) => grant.actions.includes(`dynamodb:${call.action}`) && call.partitions.some((partition) => grant.itemFamilies.some((family) => like(family, partition))));
    const unusedActions = grants.flatMap((grant) =>
      grant.actions.filter((action) => !usedIn(grant).some((call) => `dynamodb:${call.action}` === action)).map((action) => `${action} on ${grant.itemFamilies.join(', ')}`),
    );
    expect(unusedActions).toEqual([]);
    const partitions = own().flatMap((call) => call.partitions);
    const unusedFamilies = grants.flatMap((grant) => grant.itemFamilies).filter((family) => !partitions.some((partition) => like(family, partition)));
    expect(unusedFamilies).toEqual([]);
  });
});
