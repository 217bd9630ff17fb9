/**
 * Dead letters come back: the deployed worker, the local event source mapping, real local SQS and DynamoDB servers,
 * a site that is down for a while, and the redrive (the scheduled function's use case over SQS, with its clock moved
 * on by hours). A page whose site was down through every delivery is stored once the site is back; the redrive count
 * travels with the message through the dead-letter queue; a page that never comes back is given up and recorded.
 */
import { ChangeMessageVisibilityCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QUEUE_SETTINGS, REDRIVE_SETTINGS } from '../../functions/contracts/queue-settings';
import { REDRIVE_COUNT_ATTRIBUTE, SqsDeadLetterQueue } from '../../functions/queue/sqs-dead-letter-queue';
import { silentTelemetry } from '../../functions/shared/telemetry';
import { redriveDeadLetters } from '../../functions/use-cases/redrive-dead-letters';
import type { LocalQueues } from '../../local/servers';
import { articleMessage } from '../support/events';
import { articlePage, startPageServer, type PageServer } from './support/page-server';
import { startPipelineHarness, waitUntil, type PipelineHarness } from './support/pipeline-harness';

const HOUR = 3_600_000;
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

/** The scheduled redrive, run as if `hoursLater` hours had passed. */
const redriveLater = (queues: LocalQueues, hoursLater: number) =>
  redriveDeadLetters({
    deadLetters: new SqsDeadLetterQueue({ client: harness.sqs, deadLetterQueueUrl: queues.deadLetterQueueUrl, queueUrl: queues.queueUrl }),
    seen: harness.stores.seen,
    telemetry: silentTelemetry,
    now: () => new Date(Date.now() + hoursLater * HOUR),
  });

const waitForDeadLetters = (queues: LocalQueues, count: number) =>
  waitUntil(async () => ((await harness.depth(queues.deadLetterQueueUrl)).visible === count ? true : undefined), `${count} dead letter(s)`, 40_000);

/** The redrive count the dead letter carries, read and made visible again at once. */
async function redriveCountOfDeadLetter(queues: LocalQueues): Promise<string | undefined> {
  const { Messages: [message] = [] } = await harness.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queues.deadLetterQueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }),
  );
  await harness.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queues.deadLetterQueueUrl, ReceiptHandle: message?.ReceiptHandle, VisibilityTimeout: 0 }));
  return message?.MessageAttributes?.[REDRIVE_COUNT_ATTRIBUTE]?.StringValue;
}

describe('the dead-letter redrive', () => {
  it('stores, exactly once, a page whose site was down through every delivery and a redrive, once the site is back', async () => {
    harness.resetTally();
    const queues = await harness.createQueues();
    const url = `${pages.origin}/outage/article`;
    const message = articleMessage({ url, sourceId: 'outage-site', sourceName: 'Outage Site' });
    let down = true;
    pages.route('/outage/article', (_request, response) => {
      if (down) {
        response.writeHead(503).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(articlePage(909_090, url));
    });
    const poller = harness.poll(queues, harness.worker, { concurrency: 1 });
    await harness.send(queues.queueUrl, [message]);

    await waitForDeadLetters(queues, 1);
    expect(pages.hits('/outage/article')).toBe(QUEUE_SETTINGS.maxReceiveCount);
    expect(await harness.stores.seen.filterUnseen([url])).toEqual([url]);

    // Two hours on, still down: sent back, tried five more times, dead-lettered again with its count.
    expect(await redriveLater(queues, 2)).toMatchObject({ redriven: 1, postponed: 0 });
    await waitUntil(async () => (pages.hits('/outage/article') === 2 * QUEUE_SETTINGS.maxReceiveCount ? true : undefined), 'the second round of deliveries', 40_000);
    await waitForDeadLetters(queues, 1);
    expect(await redriveCountOfDeadLetter(queues)).toBe('1');

    // The site is back; five hours on, the dead letter has cooled down again and is stored.
    down = false;
    expect(await redriveLater(queues, 5)).toMatchObject({ redriven: 1 });
    await waitUntil(async () => ((await harness.stores.seen.filterUnseen([url])).length === 0 ? true : undefined), 'the page to be stored', 40_000);
    await poller.stop();
    const listing = await harness.stores.articles.listArticles({ sourceId: 'outage-site', limit: 10 });
    expect(listing.items.map((item) => item.url)).toEqual([url]);
    expect(harness.tally().totals.ArticlesStored).toBe(1);
    expect(await harness.depth(queues.deadLetterQueueUrl)).toEqual({ visible: 0, inFlight: 0 });
    expect(await harness.depth(queues.queueUrl)).toEqual({ visible: 0, inFlight: 0 });
  }, 120_000);

  it(`gives a page up after ${REDRIVE_SETTINGS.maxRedrives} redrives: rejected as retries-exhausted, not queued again, not asked for`, async () => {
    const queues = await harness.createQueues();
    const url = `${pages.origin}/outage/never-back`;
    await harness.sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.deadLetterQueueUrl,
        MessageBody: JSON.stringify(articleMessage({ url })),
        MessageAttributes: { [REDRIVE_COUNT_ATTRIBUTE]: { DataType: 'Number', StringValue: String(REDRIVE_SETTINGS.maxRedrives) } },
      }),
    );
    expect(await redriveLater(queues, 24)).toMatchObject({ givenUp: 1, redriven: 0 });
    expect(await harness.stores.seen.filterUnseen([url])).toEqual([]);
    expect(await harness.depth(queues.deadLetterQueueUrl)).toEqual({ visible: 0, inFlight: 0 });
    expect(await harness.depth(queues.queueUrl)).toEqual({ visible: 0, inFlight: 0 });
    expect(pages.hits('/outage/never-back')).toBe(0);
  });
});
