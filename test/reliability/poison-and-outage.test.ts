/**
 * A poison message, and a DynamoDB server that dies and comes back: the deployed worker handler, driven by the local
 * event source mapping (local/queue-poller.ts) over real local SQS and DynamoDB servers and pages on loopback. What
 * cannot be processed is dead-lettered after maxReceiveCount receives; everything else is stored exactly once.
 */
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QUEUE_SETTINGS } from '../../functions/contracts/queue-settings';
import { articleMessage } from '../support/events';
import { articlePage, startPageServer, type PageServer } from './support/page-server';
import { expectEachStoredOnce, messagesFor, startPipelineHarness, waitUntil, type PipelineHarness } from './support/pipeline-harness';

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

describe('a poison message', () => {
  it('ends in the DLQ after maxReceiveCount receives, and the rest of its batch is stored', async () => {
    harness.resetTally();
    const queues = await harness.createQueues();
    const good = messagesFor(pages.origin, 'poison', 4);
    const unavailable = articleMessage({ url: `${pages.origin}/poison/unavailable`, sourceId: 'poison', sourceName: 'Source poison' });
    pages.route('/poison/unavailable', (_, response) => void response.writeHead(503).end());
    const malformed = '{"v":1,"url":';
    const poller = harness.poll(queues, harness.worker, { concurrency: 1 });
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
    // Long enough that the outage and the restart of the server use up no more than a couple of receives.
    const queues = await harness.createQueues(3);
    const messages = messagesFor(pages.origin, 'outage', 8);
    // Slow pages spread the run out, so that the outage falls in its middle.
    for (const message of messages) {
      pages.route(new URL(message.url).pathname, (_, response) => {
        setTimeout(() => {
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          response.end(articlePage(Number(message.url.split('/').pop()) + 1_000, message.url));
        }, 300);
      });
    }
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

    await expectEachStoredOnce(harness, queues, 'outage', messages.map((m) => m.url), 40_000, { exactCount: false });
    await poller.stop();
    expect(storedBeforeOutage).toBeLessThan(messages.length);
    expect(harness.tally().deliveries.failed).toBeGreaterThan(0);
  });
});
