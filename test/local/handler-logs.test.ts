/**
 * The local stack runs every handler in one process, and their invocations overlap: a fetch waits on a slow feed
 * while the worker, the API and the redrive run. Each log line must still name the function and the invocation that
 * wrote it, as it does in Lambda (where each function has a process of its own), or an operator reading `npm start`'s
 * output cannot tell which stage wrote what. Their metrics stay their own too: an invocation publishes (as EMF) the
 * metrics it recorded, not those another handler has recorded meanwhile.
 */
import type { Context } from 'aws-lambda';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { handlerEnvironment } from '../../functions/shared/config';
import { SERVICE_NAME } from '../../functions/shared/telemetry-contract';
import { loadHandlers, loadRedriveHandler, type Handlers, type RedriveHandler } from '../../local/handlers';
import { createLambdaContext } from '../../local/lambda-context';
import { FETCHER_SETTINGS } from '../../functions/contracts/queue-settings';
import { createQueues, createSqsClient, startSqs, type LocalQueues, type LocalServer } from '../../local/servers';
import { apiEvent } from '../api/events';
import { captureOutput } from '../support/capture-output';
import { articleMessage, sqsEvent } from '../support/events';
import { eventually } from '../support/eventually';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { articlePage } from '../support/pages';
import { restoreEnv, stubEnv, stubLocalAws } from '../support/stub-env';

let dynamo: LocalDynamo;
let sqs: LocalServer;
let sqsClient: SQSClient;
let queues: LocalQueues;
let pages: Server;
let origin = '';
let handlers: Handlers;
let redrive: RedriveHandler;
const output: string[] = [];

/** Requests for a held path wait until the test lets them through; `arrived` says one is waiting. */
const held = new Map<string, { arrived: () => void; gate: Promise<void> }>();

function hold(path: string): { arrived: Promise<void>; release: () => void } {
  let arrived!: () => void;
  let release!: () => void;
  const arrival = new Promise<void>((resolve) => (arrived = resolve));
  held.set(path, { arrived, gate: new Promise<void>((resolve) => (release = resolve)) });
  return { arrived: arrival, release };
}

const feed = (base: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Harbor Times</title><link>${base}/</link>
<item><title>Strike talks resume</title><link>${base}/news/strike-talks</link></item>
</channel></rss>`;

beforeAll(async () => {
  dynamo = await startLocalDynamo('handler-logs');
  sqs = await startSqs();
  sqsClient = createSqsClient(sqs.endpoint);
  queues = await createQueues(sqsClient, 'handler-logs');
  pages = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://pages').pathname;
    const hold = held.get(path);
    if (hold) {
      hold.arrived();
      await hold.gate;
    }
    if (path.endsWith('.xml')) response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed(origin));
    else if (path === '/unavailable') response.writeHead(503).end();
    else if (path === '/story') response.writeHead(200, { 'content-type': 'text/html' }).end(articlePage('Strike talks resume', `${origin}/story`, 'the strike'));
    else response.writeHead(404).end();
  });
  await new Promise<void>((ready) => pages.listen(0, '127.0.0.1', ready));
  origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;

  // The environment the local runtime sets before it loads the handlers (local/runtime.ts).
  stubLocalAws({ tableName: dynamo.tableName, dynamoEndpoint: dynamo.endpoint, sqsEndpoint: sqs.endpoint });
  const environment = handlerEnvironment({ tableName: dynamo.tableName, ...queues, allowPrivateAddresses: true });
  for (const [name, value] of Object.entries(environment)) stubEnv(name, value);
  // Metrics on (the local stack turns them off), to see what each invocation publishes.
  stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  stubEnv('POWERTOOLS_TRACE_ENABLED', 'false');
  stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
  handlers = await loadHandlers();
  redrive = await loadRedriveHandler();
  captureOutput(output);
}, 60_000);

afterAll(async () => {
  jest.restoreAllMocks();
  restoreEnv();
  sqsClient?.destroy();
  await new Promise((done) => pages?.close(done));
  await sqs?.stop();
  await dynamo?.stop();
});

interface LogLine {
  readonly message: string;
  readonly service?: string;
  readonly function_name?: string;
  readonly function_request_id?: string;
  readonly cold_start?: boolean;
}

function logLines(): LogLine[] {
  return output
    .join('')
    .split('\n')
    .flatMap((line) => {
      try {
        const parsed = JSON.parse(line) as Partial<LogLine>;
        return typeof parsed.message === 'string' ? [parsed as LogLine] : [];
      } catch {
        return [];
      }
    });
}

/**
 * Each line with one of `messages` names `context`'s function and invocation, and whether the invocation was its
 * function's first (a cold start, in Lambda); and there is at least one.
 */
function expectWrittenBy(context: Context, messages: readonly string[], coldStart = false): void {
  const lines = logLines().filter((line) => messages.includes(line.message));
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    const { message, service, function_name, function_request_id, cold_start } = line;
    expect({ message, service, function_name, function_request_id, cold_start }).toEqual({
      message,
      service: SERVICE_NAME,
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
      cold_start: coldStart,
    });
  }
}

/** The functions named by the ColdStart metrics written so far (Powertools gives the metric a function_name dimension). */
function coldStartMetrics(): string[] {
  return output
    .join('')
    .split('\n')
    .flatMap((line) => {
      try {
        const emf = JSON.parse(line) as { ColdStart?: number; function_name?: string };
        return emf.ColdStart === undefined ? [] : [emf.function_name ?? '(none)'];
      } catch {
        return [];
      }
    });
}

/** The names of the metrics in the EMF documents written so far, in order. */
function publishedMetrics(): string[] {
  return output
    .join('')
    .split('\n')
    .flatMap((line) => {
      try {
        const emf = JSON.parse(line) as { _aws?: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } };
        return emf._aws ? emf._aws.CloudWatchMetrics.flatMap((directive) => directive.Metrics.map((metric) => metric.Name)) : [];
      } catch {
        return [];
      }
    });
}

const FETCHER_LINES = ['source fetched', 'source refreshed'];
const WORKER_LINES = ['page rejected', 'article processed'];
const API_LINES = ['API request refused'];
const REDRIVE_LINES = ['dead letter sent back to the article queue'];

function fetchSources(feedPath: string, context: Context) {
  const source = { id: 'harbor-times', name: 'The Harbor Times', url: `${origin}${feedPath}`, schedule: 'rate(10 minutes)' };
  return handlers.fetchSources({ sources: [source], force: true }, context);
}

describe('log lines of handlers whose invocations overlap in one process', () => {
  // The file's first invocation of each handler: a cold start for each.
  it('name the fetcher while the worker, the API and the redrive run during its fetch', async () => {
    output.length = 0;
    const slowFeed = hold('/slow-feed.xml');
    const fetcher = createLambdaContext('newsweave-fetcher', FETCHER_SETTINGS.timeoutSeconds);
    const fetching = fetchSources('/slow-feed.xml', fetcher);
    await slowFeed.arrived;

    const worker = createLambdaContext('newsweave-worker', 60);
    await handlers.processArticles(sqsEvent([articleMessage({ url: `${origin}/gone` })]), worker);
    const api = createLambdaContext('newsweave-api', 10);
    expect((await handlers.httpApi(apiEvent('/no-such-route'), api)).statusCode).toBe(404);
    await sqsClient.send(
      new SendMessageCommand({ QueueUrl: queues.deadLetterQueueUrl, MessageBody: JSON.stringify(articleMessage({ url: `${origin}/dead` })) }),
    );
    const redriver = createLambdaContext('newsweave-redrive', 300);
    expect(await redrive({ force: true }, redriver)).toMatchObject({ redriven: 1 });

    slowFeed.release();
    expect((await fetching).outcomes).toMatchObject([{ sourceId: 'harbor-times', status: 'fetched' }]);

    expectWrittenBy(fetcher, FETCHER_LINES, true);
    expectWrittenBy(worker, WORKER_LINES, true);
    expectWrittenBy(api, API_LINES, true);
    expectWrittenBy(redriver, REDRIVE_LINES, true);
    // The API records no ColdStart: most of its calls record no metric at all (functions/http-api.ts).
    expect(coldStartMetrics().sort()).toEqual(['newsweave-fetcher', 'newsweave-redrive', 'newsweave-worker']);
  });

  it('name the worker while the fetcher runs during its batch, and each publishes its own metrics', async () => {
    output.length = 0;
    const slowPage = hold('/slow-gone');
    const worker = createLambdaContext('newsweave-worker', 60);
    const batch = sqsEvent([articleMessage({ url: `${origin}/story` }), articleMessage({ url: `${origin}/slow-gone` })]);
    const working = handlers.processArticles(batch, worker);
    await slowPage.arrived;
    // The batch's first article is stored, and counted, before the fetcher runs.
    await eventually(() => expect(logLines().map((line) => line.message)).toContain('article stored'));

    const fetcher = createLambdaContext('newsweave-fetcher', FETCHER_SETTINGS.timeoutSeconds);
    await fetchSources('/feed.xml', fetcher);
    const publishedByFetcher = publishedMetrics();

    slowPage.release();
    expect((await working).batchItemFailures).toEqual([]);

    expectWrittenBy(worker, WORKER_LINES);
    expectWrittenBy(fetcher, FETCHER_LINES);
    expect(coldStartMetrics()).toEqual([]);
    expect(publishedByFetcher).toContain('SourcesFetched');
    expect(publishedByFetcher).not.toContain('ArticlesStored');
    expect(publishedMetrics().slice(publishedByFetcher.length)).toContain('ArticlesStored');
  });

  it('name their own invocation when two batches of the worker overlap, and each batch reports its own failures', async () => {
    output.length = 0;
    const slowPage = hold('/slow-gone-2');
    const first = createLambdaContext('newsweave-worker', 60);
    const firstBatch = sqsEvent([articleMessage({ url: `${origin}/unavailable` }), articleMessage({ url: `${origin}/slow-gone-2` })]);
    const firstWorking = handlers.processArticles(firstBatch, first);
    await slowPage.arrived;
    // The first batch's first record has failed (a 503: it will be delivered again) before the second batch starts.
    await eventually(() => expect(logLines().map((line) => line.message)).toContain('article failed, it will be delivered again'));

    const second = createLambdaContext('newsweave-worker', 60);
    expect((await handlers.processArticles(sqsEvent([articleMessage({ url: `${origin}/gone-2` })]), second)).batchItemFailures).toEqual([]);

    slowPage.release();
    expect((await firstWorking).batchItemFailures).toEqual([{ itemIdentifier: firstBatch.Records[0]!.messageId }]);

    const byUrl = (url: string) => logLines().filter((line) => (line as { url?: string }).url === `${origin}${url}`);
    for (const line of [...byUrl('/unavailable'), ...byUrl('/slow-gone-2')]) expect(line.function_request_id).toBe(first.awsRequestId);
    for (const line of byUrl('/gone-2')) expect(line.function_request_id).toBe(second.awsRequestId);
    expect(byUrl('/slow-gone-2').length).toBeGreaterThan(0);
    expect(byUrl('/gone-2').length).toBeGreaterThan(0);
  });
});
