/**
 * The worker's side of the pipeline on loopback, for fault tests: real local DynamoDB (dynalite on disk, in a child
 * process on a fixed port, so it can be killed and started again) and SQS servers, the deployed worker handler imported as Lambda would load it,
 * and a tally of the metrics it emits. Every wait is bounded.
 */
import { GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import { restoreEnv, stubEnv } from '../../support/stub-env';
import type { ArticleMessage } from '../../../functions/contracts/model';
import { articleMessage } from '../../support/events';
import { observeMetrics } from '../../../functions/shared/metric-observers';
import { DynamoArticleStore, DynamoSeenUrlStore, DynamoSourceStore } from '../../../functions/store/dynamo-stores';
import { createLambdaContext } from '../../../local/lambda-context';
import { startQueuePoller, type QueuePoller, type WorkerHandler } from '../../../local/queue-poller';
import {
  createDynamoClients,
  createQueues,
  createSqsClient,
  ensureTable,
  startSqs,
  type LocalQueues,
} from '../../../local/servers';
import { freePort } from '../../support/local-stack-process';
import { startDynamoProcess, type DynamoProcess } from './dynamo-process';

export type Worker = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

const TABLE_NAME = 'newsweave-reliability';

export interface Tally {
  /** Count metrics by name, and PagesRejected by reason. */
  readonly totals: Record<string, number>;
  readonly rejectedBy: Record<string, number>;
  /** Records handed to the worker, and records it reported failed or that failed with their batch. */
  readonly deliveries: { received: number; failed: number };
}

export interface PipelineHarness {
  readonly worker: Worker;
  readonly sqs: SQSClient;
  readonly sqsEndpoint: string;
  readonly tableName: string;
  readonly stores: { articles: DynamoArticleStore; seen: DynamoSeenUrlStore; sources: DynamoSourceStore };
  /** The seen-URL store on another clock: a test's fetcher or redrive run hours later. */
  seenAt(now: () => Date): DynamoSeenUrlStore;
  /**
   * A fresh queue and DLQ, so that each test's messages and counts are its own. @default visibility 2 s: local-aws-sqs
   * can return a message twice in one receive when its visibility timeout is not longer than the poller's 1 s wait.
   */
  createQueues(visibilityTimeoutSeconds?: number): Promise<LocalQueues>;
  send(queueUrl: string, bodies: readonly (ArticleMessage | string)[]): Promise<void>;
  depth(queueUrl: string): Promise<{ visible: number; inFlight: number }>;
  /**
   * Starts the event source mapping's stand-in over `handler` (the real worker unless given). With a visibility
   * timeout shorter than a batch takes on a loaded machine, `concurrency: 1` keeps a second poller from receiving a
   * batch again while it is still being processed, which would use up its receives.
   */
  poll(queues: LocalQueues, handler?: WorkerHandler, options?: { timeoutSeconds?: number; concurrency?: number }): QueuePoller;
  tally(): Tally;
  resetTally(): void;
  /** Kills the DynamoDB server (SIGKILL): in-flight requests fail as in a real outage. */
  stopDynamo(): Promise<void>;
  /** Starts it again on the same data and port. */
  restartDynamo(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the servers and loads the worker handler with the environment it reads at load. Call once per test file:
 * the handler, like a Lambda execution environment, keeps its configuration and clients for the file's lifetime.
 */
export async function startPipelineHarness(options: {
  allowPrivateAddresses: boolean;
  /** The handlers' log level; logs go through the global console (POWERTOOLS_DEV) when set. @default silent */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}): Promise<PipelineHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'newsweave-reliability-'));
  const dynamoPort = await freePort();
  const dynamoOptions = { path: join(dataDir, 'dynamodb'), port: dynamoPort };
  let dynamo: DynamoProcess | null = await startDynamoProcess(dynamoOptions);
  const { raw, document } = createDynamoClients(dynamo.endpoint);
  await ensureTable(raw, TABLE_NAME);
  const sqsServer = await startSqs();
  const sqs = createSqsClient(sqsServer.endpoint);

  const env: Record<string, string> = {
    TABLE_NAME,
    ALLOW_PRIVATE_ADDRESSES: String(options.allowPrivateAddresses),
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'SILENT',
    ...(options.logLevel ? { POWERTOOLS_DEV: 'true' } : {}),
  };
  for (const [name, value] of Object.entries(env)) stubEnv(name, value);
  const worker = (await import('../../../functions/process-articles')).handler as unknown as Worker;

  const totals: Record<string, number> = {};
  const rejectedBy: Record<string, number> = {};
  const deliveries = { received: 0, failed: 0 };
  const unsubscribe = observeMetrics((metric) => {
    if (metric.unit !== 'Count') return;
    totals[metric.name] = (totals[metric.name] ?? 0) + metric.value;
    if (metric.name === 'PagesRejected' && metric.dimension) {
      rejectedBy[metric.dimension.value] = (rejectedBy[metric.dimension.value] ?? 0) + metric.value;
    }
  });

  const pollers: QueuePoller[] = [];
  let queueCount = 0;
  const props = { client: document, tableName: TABLE_NAME };

  return {
    worker,
    sqs,
    sqsEndpoint: sqsServer.endpoint,
    tableName: TABLE_NAME,
    stores: { articles: new DynamoArticleStore(props), seen: new DynamoSeenUrlStore(props), sources: new DynamoSourceStore(props) },
    seenAt: (now) => new DynamoSeenUrlStore({ ...props, now }),
    createQueues: (visibilityTimeoutSeconds = 2) => createQueues(sqs, `reliability-${++queueCount}`, { visibilityTimeoutSeconds }),
    async send(queueUrl, bodies) {
      for (let i = 0; i < bodies.length; i += 10) {
        const entries = bodies.slice(i, i + 10).map((body, n) => ({
          Id: String(n),
          MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
        }));
        const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        if (result.Failed?.length) throw new Error(`local SQS refused ${result.Failed.length} messages`);
      }
    },
    async depth(queueUrl) {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return {
        visible: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
      };
    },
    poll(queues, handler = worker, pollOptions = {}) {
      const counted: WorkerHandler = async (event, context) => {
        deliveries.received += event.Records.length;
        try {
          const response = await handler(event, context);
          deliveries.failed += response?.batchItemFailures.length ?? 0;
          return response;
        } catch (error) {
          deliveries.failed += event.Records.length;
          throw error;
        }
      };
      const poller = startQueuePoller({
        client: sqs,
        queueUrl: queues.queueUrl,
        queueArn: `arn:aws:sqs:us-east-1:000000000000:${queues.queueUrl.split('/').pop()}`,
        handler: counted,
        createContext: () => createLambdaContext('newsweave-worker', pollOptions.timeoutSeconds ?? 60),
        batchSize: 10,
        concurrency: pollOptions.concurrency,
      });
      pollers.push(poller);
      return poller;
    },
    tally: () => ({ totals: { ...totals }, rejectedBy: { ...rejectedBy }, deliveries: { ...deliveries } }),
    resetTally() {
      for (const record of [totals, rejectedBy]) for (const key of Object.keys(record)) delete record[key];
      deliveries.received = 0;
      deliveries.failed = 0;
    },
    async stopDynamo() {
      await dynamo?.kill();
      dynamo = null;
    },
    async restartDynamo() {
      dynamo = await startDynamoProcess(dynamoOptions);
    },
    async stop() {
      unsubscribe();
      await Promise.all(pollers.map((poller) => poller.stop()));
      raw.destroy();
      sqs.destroy();
      await sqsServer.stop();
      await dynamo?.kill();
      rmSync(dataDir, { recursive: true, force: true });
      restoreEnv();
    },
  };
}

/** Polls `probe` every 100 ms until it returns a value; fails after `timeoutMs` with what it last saw. */
export async function waitUntil<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** One message per path `/<sourceId>/<n>`, all from the source `sourceId`. */
export function messagesFor(origin: string, sourceId: string, count: number): ArticleMessage[] {
  return Array.from({ length: count }, (_, n) =>
    articleMessage({ url: `${origin}/${sourceId}/${n}`, sourceId, sourceName: `Source ${sourceId}` }),
  );
}

/**
 * Waits until the queue is empty and every URL has an outcome, then checks that each article is stored exactly once,
 * counted exactly once in ArticlesStored, and that nothing was dead-lettered. Article counts on the source are left
 * to interrupted-store.test.ts, which interrupts a store at the same place every time.
 *
 * `exactCount: false` accepts fewer counts than articles (never more): when the DynamoDB server is killed, the write
 * that marks an article counted may land while its answer is lost, and the retry then finds it counted already.
 */
export async function expectEachStoredOnce(
  harness: PipelineHarness,
  queues: LocalQueues,
  sourceId: string,
  urls: readonly string[],
  timeoutMs: number,
  options: { exactCount?: boolean } = {},
): Promise<void> {
  await waitUntil(
    async () => {
      const depth = await harness.depth(queues.queueUrl);
      const unseen = await harness.stores.seen.filterUnseen(urls);
      return depth.visible + depth.inFlight === 0 && unseen.length === 0 ? true : undefined;
    },
    `the queue of ${sourceId} to drain with an outcome for every URL`,
    timeoutMs,
  );
  const listing = await harness.stores.articles.listArticles({ sourceId, limit: 100 });
  expect(listing.items.map((item) => item.url).sort()).toEqual([...urls].sort());
  expect(new Set(listing.items.map((item) => item.id)).size).toBe(urls.length);
  expect(await harness.depth(queues.deadLetterQueueUrl)).toEqual({ visible: 0, inFlight: 0 });
  // Counted once: a second conditional put of the same article is a duplicate, not a store.
  if (options.exactCount ?? true) expect(harness.tally().totals.ArticlesStored ?? 0).toBe(urls.length);
  else expect(harness.tally().totals.ArticlesStored ?? 0).toBeLessThanOrEqual(urls.length);
}
