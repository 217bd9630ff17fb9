/**
 * A worker that fails in the middle of a batch, by crashing or by running past its deadline: the deployed worker
 * handler, driven by the local event source mapping (local/queue-poller.ts) over real local SQS and DynamoDB servers
 * and pages on loopback. The batch is delivered again and every article is stored exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { articlePage, startPageServer, type PageServer } from './support/page-server';
import {
  expectEachStoredOnce,
  messagesFor,
  startPipelineHarness,
  waitUntil,
  type PipelineHarness,
  type Worker,
} from './support/pipeline-harness';

let harness: PipelineHarness;
let pages: PageServer;

beforeAll(async () => {
  pages = await startPageServer();
  harness = await startPipelineHarness({ allowPrivateAddresses: true });
}, 60_000);

afterAll(async () => {
  await harness?.stop();
  await pages?.stop();
});

describe('a worker that fails in the middle of a batch', () => {
  it('after a crash half-way through a batch, the batch comes again and each article is stored once', async () => {
    harness.resetTally();
    const queues = await harness.createQueues();
    const messages = messagesFor(pages.origin, 'crash', 6);
    let crashes = 0;
    // Processes the first half of a batch that holds first deliveries, then dies the way an out-of-memory or a runtime
    // crash does.
    const crashingWorker: Worker = async (event, context) => {
      if (event.Records.every((record) => record.attributes.ApproximateReceiveCount !== '1')) return harness.worker(event, context);
      const half = event.Records.slice(0, Math.ceil(event.Records.length / 2));
      await harness.worker({ Records: half }, context);
      crashes += 1;
      throw new Error('worker crashed');
    };
    const poller = harness.poll(queues, crashingWorker, { concurrency: 1 });
    await harness.send(queues.queueUrl, messages);

    await expectEachStoredOnce(harness, queues, 'crash', messages.map((m) => m.url), 40_000);
    await poller.stop();
    const { deliveries } = harness.tally();
    expect(crashes).toBeGreaterThan(0);
    // Every record of a crashed batch came again, including those processed before the crash.
    expect(deliveries.received).toBeGreaterThanOrEqual(messages.length + crashes);
  });

  it('after a timeout, with the first invocation still running, each article is stored once', async () => {
    harness.resetTally();
    const queues = await harness.createQueues();
    const messages = messagesFor(pages.origin, 'timeout', 3);
    const slowPath = '/timeout/2';
    let slowAnswered = false;
    // The slow page outlives the invocation's deadline on its first request only.
    pages.route(slowPath, (_, response, hit) => {
      const answer = () => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(articlePage(77_777, `${pages.origin}${slowPath}`));
        if (hit === 1) slowAnswered = true;
      };
      if (hit === 1) setTimeout(answer, 4_500);
      else answer();
    });
    // The handler's middy wrapper ends the invocation at the context's deadline with a TimeoutError, as Lambda does,
    // and the poller then leaves the whole batch to be delivered again. Unlike Lambda, the first invocation goes on
    // running meanwhile: the harder case, two workers on the same URL at once.
    let timeouts = 0;
    const countingTimeouts: Worker = async (event, context) => {
      try {
        return await harness.worker(event, context);
      } catch (error) {
        if ((error as Error).name === 'TimeoutError') timeouts += 1;
        throw error;
      }
    };
    const poller = harness.poll(queues, countingTimeouts, { timeoutSeconds: 3, concurrency: 1 });
    await harness.send(queues.queueUrl, messages);

    await expectEachStoredOnce(harness, queues, 'timeout', messages.map((m) => m.url), 40_000);
    await poller.stop();
    expect(timeouts).toBeGreaterThan(0);
    // Let the first invocation finish with its slow page too, then check again that it did not store a second copy.
    await waitUntil(async () => (slowAnswered ? true : undefined), 'the slow page to be answered', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const listing = await harness.stores.articles.listArticles({ sourceId: 'timeout', limit: 100 });
    expect(listing.items).toHaveLength(messages.length);
    expect(harness.tally().totals.ArticlesStored).toBe(messages.length);
  });
});
