/**
 * Dead letters come back: the deployed worker, the local event source mapping, real local SQS and DynamoDB servers,
 * a site that is down for a while, and the redrive (the scheduled function's use case over SQS, with its clock moved
 * on by hours). A page whose site was down through every delivery is stored once the site is back; the redrive count
 * travels with the message through the dead-letter queue; a page that never comes back is given up and recorded; and
 * the feed's refreshes meanwhile (the fetcher's use case over the same servers), once a delivery of each page has
 * failed, queue none of its pages again, so that each page has one message, and one dead letter.
 */
import { ChangeMessageVisibilityCommand, ReceiveMessageCommand, SendMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QUEUE_SETTINGS, QUEUED_MARK, REDRIVE_SETTINGS } from '../../functions/contracts/queue-settings';
import { createFetcher } from '../../functions/fetch/http-fetch';
import { SqsArticleQueue } from '../../functions/queue/sqs-article-queue';
import type { DeadLetter } from '../../functions/ports';
import { REDRIVE_COUNT_ATTRIBUTE, SqsDeadLetterQueue } from '../../functions/queue/sqs-dead-letter-queue';
import { silentTelemetry } from '../../functions/shared/telemetry';
import { redriveDeadLetters } from '../../functions/use-cases/redrive-dead-letters';
import { refreshSource } from '../../functions/use-cases/refresh-source';
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

/** The clock `hoursLater` hours on. */
const later = (hoursLater: number) => () => new Date(Date.now() + hoursLater * HOUR);

/**
 * The scheduled redrive, run as if `hoursLater` hours had passed. A letter it leaves to cool down is hidden until the
 * run is over; here the next run comes hours later in a moment, so the letter is shown again as soon as the run ends.
 */
async function redriveLater(queues: LocalQueues, hoursLater: number) {
  const letters = new SqsDeadLetterQueue({ client: harness.sqs, deadLetterQueueUrl: queues.deadLetterQueueUrl, queueUrl: queues.queueUrl });
  const postponed: DeadLetter[] = [];
  const summary = await redriveDeadLetters({
    deadLetters: {
      receive: (max) => letters.receive(max),
      redrive: (letter, redrives) => letters.redrive(letter, redrives),
      remove: (letter) => letters.remove(letter),
      postpone: async (letter) => void postponed.push(letter),
    },
    seen: harness.seenAt(later(hoursLater)),
    telemetry: silentTelemetry,
    now: later(hoursLater),
  });
  await Promise.all(postponed.map((letter) => letters.postpone(letter, 0)));
  return summary;
}

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

/** The URL of every dead letter, one per letter, sorted; the letters are made visible again once all are read. */
async function deadLetterUrls(queues: LocalQueues): Promise<string[]> {
  const messages: Message[] = [];
  for (;;) {
    const { Messages: received = [] } = await harness.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues.deadLetterQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 30 }),
    );
    if (received.length === 0) break;
    messages.push(...received);
  }
  await Promise.all(
    messages.map((message) =>
      harness.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queues.deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 })),
    ),
  );
  return messages.map((message) => (JSON.parse(message.Body ?? '{}') as { url: string }).url).sort();
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

  it('leaves one message and one dead letter per page of a site that is down, however often its feed is refreshed after the first failed deliveries', async () => {
    harness.resetTally();
    const queues = await harness.createQueues();
    const paths = ['/down-site/one', '/down-site/two', '/down-site/three'];
    const urls = paths.map((path) => `${pages.origin}${path}`);
    let down = true;
    pages.route('/down-site/feed.xml', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml' });
      response.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Down</title>${urls.map((url) => `<item><link>${url}</link></item>`).join('')}</channel></rss>`);
    });
    for (const [n, path] of paths.entries()) {
      pages.route(path, (_request, response) => {
        if (down) return void response.writeHead(503).end();
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(articlePage(707_000 + n, `${pages.origin}${path}`));
      });
    }
    const source = { id: 'down-site', name: 'Down Site', url: `${pages.origin}/down-site/feed.xml`, schedule: 'rate(10 minutes)' };
    const fetcher = createFetcher({ allowPrivateAddresses: true });
    const queue = new SqsArticleQueue({ client: harness.sqs, queueUrl: queues.queueUrl });
    /** The scheduled fetcher's run, `hoursLater` hours on: how many of the feed's pages it queued. */
    const refreshLater = async (hoursLater: number) => {
      const now = later(hoursLater);
      const deps = { sources: harness.stores.sources, seen: harness.seenAt(now), queue, fetcher, telemetry: silentTelemetry, now };
      const outcome = await refreshSource(source, deps);
      expect(outcome).toMatchObject({ status: 'fetched', found: paths.length });
      return outcome.queued;
    };
    const hits = () => paths.map((path) => pages.hits(path));
    const queuedByRefreshes: number[] = [];

    const poller = harness.poll(queues, harness.worker, { concurrency: 1 });
    queuedByRefreshes.push(await refreshLater(0));
    // Refreshed while the messages go from delivery to delivery (the worker marked each page's URL at its first failed
    // delivery; the first refresh, which sent them, marked nothing), then once they are all dead letters.
    await waitUntil(async () => (hits().every((hit) => hit >= 2) ? true : undefined), 'the second deliveries', 40_000);
    queuedByRefreshes.push(await refreshLater(0));
    await waitForDeadLetters(queues, paths.length);
    queuedByRefreshes.push(await refreshLater(0));
    expect(hits()).toEqual(paths.map(() => QUEUE_SETTINGS.maxReceiveCount));
    expect(await harness.depth(queues.queueUrl)).toEqual({ visible: 0, inFlight: 0 });
    expect(await deadLetterUrls(queues)).toEqual([...urls].sort());
    // The worker's marks run out 77 minutes after the first failed delivery at the latest; the redrive has renewed
    // them meanwhile, as it holds the letters.
    expect(await redriveLater(queues, 0.9)).toMatchObject({ postponed: paths.length, redriven: 0 });
    queuedByRefreshes.push(await refreshLater(QUEUED_MARK.afterFailedReceiveMs(1) / HOUR + 0.05));

    // Two hours on, the letters have cooled down: sent back, each page asked for five times more, dead-lettered again.
    expect(await redriveLater(queues, 2)).toMatchObject({ redriven: paths.length });
    queuedByRefreshes.push(await refreshLater(2.1));
    await waitUntil(async () => (hits().every((hit) => hit === 2 * QUEUE_SETTINGS.maxReceiveCount) ? true : undefined), 'the second round of deliveries', 40_000);
    await waitForDeadLetters(queues, paths.length);
    expect(await harness.depth(queues.queueUrl)).toEqual({ visible: 0, inFlight: 0 });
    expect(await deadLetterUrls(queues)).toEqual([...urls].sort());
    queuedByRefreshes.push(await refreshLater(3));

    // The site is back: the next redrive after the letters' cool-down stores each page, once.
    down = false;
    expect(await redriveLater(queues, 5)).toMatchObject({ redriven: paths.length });
    await waitUntil(async () => ((await harness.stores.seen.filterUnseen(urls)).length === 0 ? true : undefined), 'the pages to be stored', 40_000);
    queuedByRefreshes.push(await refreshLater(6));
    await poller.stop();

    expect(queuedByRefreshes).toEqual([paths.length, 0, 0, 0, 0, 0, 0]);
    expect(hits()).toEqual(paths.map(() => 2 * QUEUE_SETTINGS.maxReceiveCount + 1));
    expect(harness.tally().totals.ArticlesStored).toBe(paths.length);
    expect(harness.tally().totals.DuplicatesSkipped ?? 0).toBe(0);
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
