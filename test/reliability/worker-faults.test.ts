/**
 * Faults in the worker's half of the pipeline, with the deployed worker handler driven by the local event source
 * mapping (local/queue-poller.ts) over real local SQS and DynamoDB servers and pages on loopback. Whatever fails,
 * every URL ends with an outcome, every article is stored exactly once, and what cannot be processed is dead-lettered.
 */
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_SETTINGS } from '../../functions/ingest/queue-settings';
import type { LocalQueues } from '../../local/servers';
import { articleMessage } from '../support/events';
import { articlePage, startPageServer, type PageServer } from './support/page-server';
import { startPipelineHarness, waitUntil, type PipelineHarness, type Worker } from './support/pipeline-harness';

let harness: PipelineHarness;
let pages: PageServer;

beforeAll(async () => {
  pages = await startPageServer();
  harness = await startPipelineHarness({ allowPrivateAddresses: true });
});

afterAll(async () => {
  await harness?.stop();
  await pages?.stop();
});

const sourceFor = (name: string) => ({ sourceId: name, sourceName: `Source ${name}` });

function messagesFor(name: string, count: number) {
  return Array.from({ length: count }, (_, n) => articleMessage({ url: `${pages.origin}/${name}/${n}`, ...sourceFor(name) }));
}

/**
 * Waits until the queue is empty and every URL has an outcome, then checks that each article is stored exactly once
 * and nothing was dead-lettered. (Source article counts are checked by interrupted-store.test.ts: see the report.)
 */
async function expectEachStoredOnce(queues: LocalQueues, name: string, urls: readonly string[], timeoutMs: number) {
  await waitUntil(
    async () => {
      const depth = await harness.depth(queues.queueUrl);
      const unseen = await harness.stores.seen.filterUnseen(urls);
      return depth.visible + depth.inFlight === 0 && unseen.length === 0 ? true : undefined;
    },
    `the queue of ${name} to drain with an outcome for every URL`,
    timeoutMs,
  );
  const listing = await harness.stores.articles.listArticles({ sourceId: name, limit: 100 });
  expect(listing.items.map((item) => item.url).sort()).toEqual([...urls].sort());
  expect(new Set(listing.items.map((item) => item.id)).size).toBe(urls.length);
  expect(await harness.depth(queues.deadLetterQueueUrl)).toEqual({ visible: 0, inFlight: 0 });
  // Never counted twice: a second conditional put of the same article is a duplicate, not a store.
  expect(harness.tally().totals.ArticlesStored ?? 0).toBeLessThanOrEqual(urls.length);
}

describe('a worker that fails in the middle of a batch', () => {
  it('after a crash half-way through a batch, the batch comes again and each article is stored once', async () => {
    harness.resetTally();
    const queues = await harness.createQueues();
    const messages = messagesFor('crash', 6);
    let crashes = 0;
    // Processes the first half of a first delivery, then dies the way an out-of-memory or a runtime crash does.
    const crashingWorker: Worker = async (event, context) => {
      if (event.Records.some((record) => record.attributes.ApproximateReceiveCount !== '1')) return harness.worker(event, context);
      const half = event.Records.slice(0, Math.ceil(event.Records.length / 2));
      await harness.worker({ Records: half }, context);
      crashes += 1;
      throw new Error('worker crashed');
    };
    const poller = harness.poll(queues, crashingWorker);
    await harness.send(queues.queueUrl, messages);

    await expectEachStoredOnce(queues, 'crash', messages.map((m) => m.url), 40_000);
    await poller.stop();
    const { deliveries } = harness.tally();
    expect(crashes).toBeGreaterThan(0);
    // Every record of a crashed batch came again, including those processed before the crash.
    expect(deliveries.received).toBeGreaterThanOrEqual(messages.length + crashes);
  });

  it('after a timeout, with the first invocation still running, each article is stored once', async () => {
    harness.resetTally();
    const queues = await harness.createQueues();
    const messages = messagesFor('timeout', 3);
    const slowPath = '/timeout/2';
    // The slow page outlives the invocation's deadline on its first request only.
    pages.route(slowPath, (_, response, hit) => {
      const answer = () => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(`<!doctype html><html lang="en"><head><title>Slow page</title></head><body><article><h1>The slow page</h1>${'<p>The harbour authority of Kestrel Bay said on Tuesday that talks with the union would resume next week, while ships waited offshore.</p>'.repeat(8)}</article></body></html>`);
      };
      if (hit === 1) setTimeout(answer, 6_000);
      else answer();
    });
    let timeouts = 0;
    // Lambda ends an invocation at its deadline and SQS delivers the whole batch again; here the first invocation
    // goes on running meanwhile, which is the harder case: two workers on the same URL at once.
    const deadlineWorker: Worker = (event: SQSEvent, context) =>
      Promise.race([
        harness.worker(event, context),
        new Promise<never>((_, fail) =>
          setTimeout(() => {
            timeouts += 1;
            fail(new Error('Task timed out'));
          }, context.getRemainingTimeInMillis()),
        ),
      ]);
    const poller = harness.poll(queues, deadlineWorker, { timeoutSeconds: 3 });
    await harness.send(queues.queueUrl, messages);

    await expectEachStoredOnce(queues, 'timeout', messages.map((m) => m.url), 40_000);
    // Let the first invocation finish its slow page too, then check again that it did not store a second copy.
    await waitUntil(async () => (pages.hits(slowPath) >= 2 ? true : undefined), 'the slow page to be asked again', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    await poller.stop();
    expect(timeouts).toBeGreaterThan(0);
    const listing = await harness.stores.articles.listArticles({ sourceId: 'timeout', limit: 100 });
    expect(listing.items).toHaveLength(messages.length);
    expect(harness.tally().totals.ArticlesStored ?? 0).toBeLessThanOrEqual(messages.length);
  });
});

describe('a poison message', () => {
  it('ends in the DLQ after maxReceiveCount receives, and the rest of its batch is stored', async () => {
    harness.resetTally();
    const queues = await harness.createQueues();
    const good = messagesFor('poison', 4);
    const unavailable = articleMessage({ url: `${pages.origin}/poison/unavailable`, ...sourceFor('poison') });
    pages.route('/poison/unavailable', (_, response) => void response.writeHead(503).end());
    const malformed = '{"v":1,"url":';
    const poller = harness.poll(queues);
    await harness.send(queues.queueUrl, [...good.slice(0, 2), malformed, unavailable, ...good.slice(2)]);

    await waitUntil(
      async () => ((await harness.depth(queues.deadLetterQueueUrl)).visible === 2 ? true : undefined),
      'both poison messages in the DLQ',
      40_000,
    );
    await poller.stop();
    const listing = await harness.stores.articles.listArticles({ sourceId: 'poison', limit: 100 });
    expect(listing.items.map((item) => item.url).sort()).toEqual(good.map((m) => m.url).sort());
    expect(await harness.depth(queues.queueUrl)).toEqual({ visible: 0, inFlight: 0 });
    // A transient failure is retried exactly as often as the redrive policy allows, then left alone.
    expect(pages.hits('/poison/unavailable')).toBe(QUEUE_SETTINGS.maxReceiveCount);
    expect(await harness.stores.seen.filterUnseen([unavailable.url])).toEqual([unavailable.url]);

    const dead = await harness.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues.deadLetterQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    expect((dead.Messages ?? []).map((message) => message.Body).sort()).toEqual([JSON.stringify(unavailable), malformed].sort());
  });
});

describe('the DynamoDB server stops and comes back during a run', () => {
  it('retries, and stores every article once', async () => {
    harness.resetTally();
    const queues = await harness.createQueues();
    const messages = messagesFor('outage', 8);
    // Slow pages spread the run out, so that the outage falls in its middle.
    for (const message of messages) {
      pages.route(new URL(message.url).pathname, (_, response) => {
        setTimeout(() => {
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          response.end(articlePage(Number(message.url.split('/').pop()) + 1_000, message.url));
        }, 300);
      });
    }
    // One batch at a time: on a loaded machine a second poller would receive the batch again while it is still being
    // processed, once the short visibility timeout of these tests has passed, and exhaust its receives.
    const poller = harness.poll(queues, harness.worker, { concurrency: 1 });
    await harness.send(queues.queueUrl, messages);

    const storedBeforeOutage = await waitUntil(
      async () => {
        const { items } = await harness.stores.articles.listArticles({ sourceId: 'outage', limit: 100 });
        return items.length >= 2 ? items.length : undefined;
      },
      'the first articles',
      30_000,
    );
    await harness.stopDynamo();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await harness.restartDynamo();

    await expectEachStoredOnce(queues, 'outage', messages.map((m) => m.url), 40_000);
    await poller.stop();
    expect(storedBeforeOutage).toBeLessThan(messages.length);
    expect(harness.tally().deliveries.failed).toBeGreaterThan(0);
  });
});
