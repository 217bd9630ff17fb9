/**
 * What the worker's use case does with each class of page failure (functions/fetch/classify-failure.ts), with
 * in-memory stores and a clock: a permanent failure is a rejection remembered for the fetcher, a transient one is
 * thrown for SQS and leaves no outcome, only its URL marked queued for the rest of the message's way, and a 403 is
 * recorded on the source and the URL put off, then queued again.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { QUEUE_SETTINGS } from '../../functions/contracts/queue-settings';
import { PAGE_DEFERRAL } from '../../functions/fetch/classify-failure';
import { FetchError, type PageFetcher } from '../../functions/ports';
import { MemoryArticleStore } from '../../functions/store/memory-article-store';
import { MemoryRelatedStore } from '../../functions/store/memory-related-store';
import { ingestArticle, type IngestArticleDeps } from '../../functions/use-cases/ingest-article';
import { articleMessage } from '../support/events';
import { articlePage } from '../support/pages';
import { InMemorySeenUrlStore, InMemorySourceStore, RecordingTelemetry } from '../fetch/fakes';

const URL_ = 'https://news.example.com/story';
const T0 = Date.parse('2026-11-28T10:00:00Z');
const MINUTE = 60_000;

let clock: number;
let seen: InMemorySeenUrlStore;
let sources: InMemorySourceStore;
let telemetry: RecordingTelemetry;
let failure: unknown;

const unreachable = async (): Promise<never> => {
  throw new Error('a failed fetch must not reach the stores');
};
/** The one read a rejection makes: whether a delivery of the URL began storing its article (none did here). */
const noArticle = async () => null;
const deps = (): IngestArticleDeps => ({
  fetcher: { fetchPage: async () => Promise.reject(failure) } satisfies PageFetcher,
  seen,
  sources,
  telemetry,
  now: () => new Date(clock),
  articles: {
    putArticleIfAbsent: unreachable,
    getArticle: noArticle,
    getArticleWithCommentCount: unreachable,
    hasArticle: unreachable,
    getSummaries: unreachable,
    listArticles: unreachable,
  },
  related: {
    putEntry: unreachable,
    updateEntry: unreachable,
    readEntries: unreachable,
    readPostings: unreachable,
    isIndexed: unreachable,
    readRelated: unreachable,
    putOwnList: unreachable,
    putLaterLinks: unreachable,
  },
});
const message = articleMessage({ url: URL_, sourceId: 'example', sourceName: 'Example' });

beforeEach(async () => {
  clock = T0;
  seen = new InMemorySeenUrlStore(() => clock);
  sources = new InMemorySourceStore();
  telemetry = new RecordingTelemetry();
  await sources.registerSource({ id: 'example', name: 'Example', url: 'https://news.example.com/rss', schedule: 'rate(10 minutes)' });
});

describe('ingestArticle when the page cannot be fetched', () => {
  it.each([
    ['404', new FetchError('http', 'HTTP 404', { status: 404 }), 'not-found'],
    ['an unknown host', new FetchError('unknown-host', 'no such host'), 'unknown-host'],
    ['a bad certificate', new FetchError('tls', 'certificate has expired'), 'bad-certificate'],
    ['robots.txt', new FetchError('robots', 'robots.txt disallows it'), 'robots'],
    ['a page too large', new FetchError('too-large', 'too large'), 'too-large'],
  ])('rejects it at the first attempt for %s, and remembers the reason', async (_name, error, reason) => {
    failure = error;
    expect(await ingestArticle(message, deps())).toMatchObject({ kind: 'rejected', reason });
    expect(seen.outcomes.get(URL_)).toEqual({ kind: 'rejected', reason });
    expect(telemetry.total('PagesRejected', reason)).toBe(1);
    // Settled: no message of it is on its way, and its outcome keeps the fetcher from queuing it.
    expect(seen.markCalls).toEqual([]);
  });

  it.each([
    ['503', new FetchError('http', 'HTTP 503', { status: 503 })],
    ['429', new FetchError('http', 'HTTP 429', { status: 429 })],
    ['a timeout', new FetchError('timeout', 'timed out')],
    ['a truncated body', new FetchError('truncated', 'cut short')],
    ['an unreachable robots.txt', new FetchError('robots-unreachable', 'robots.txt answers 503')],
  ])('throws for %s, so that SQS delivers it again, and leaves no outcome, only a queued mark', async (_name, error) => {
    failure = error;
    await expect(ingestArticle(message, deps())).rejects.toBe(error);
    expect(await seen.filterUnseen([URL_])).toEqual([URL_]);
    expect(await seen.filterUnqueued([URL_])).toEqual([]);
    expect(telemetry.total('PagesRejected')).toBe(0);
  });

  it.each([
    [1, 77],
    [3, 59],
    [QUEUE_SETTINGS.maxReceiveCount, 41],
    // The count is approximate, and may pass the limit: the message is on its last receive all the same.
    [QUEUE_SETTINGS.maxReceiveCount + 2, 41],
  ])(
    'marks the URL queued when it leaves the message to SQS at receive %i, for the rest of its way: %i minutes (this receive and those left, 9 minutes each, and the redrive\'s look, 32)',
    async (receiveCount, minutes) => {
      failure = new FetchError('http', 'HTTP 503', { status: 503 });
      await expect(ingestArticle(message, deps(), { receiveCount })).rejects.toBe(failure);
      expect(seen.markCalls).toEqual([{ url: URL_, until: T0 + minutes * MINUTE }]);
      // A mark is no outcome: the next delivery processes the URL; only the feed's refreshes leave it alone.
      clock = T0 + (minutes - 1) * MINUTE;
      expect(await seen.filterUnseen([URL_])).toEqual([URL_]);
      expect(await seen.filterUnqueued([URL_])).toEqual([]);
      clock = T0 + minutes * MINUTE;
      expect(await seen.filterUnqueued([URL_])).toEqual([URL_]);
    },
  );

  it('leaves the message to SQS all the same when its mark cannot be written, and logs and counts that', async () => {
    failure = new FetchError('timeout', 'timed out');
    seen.markFailure = new Error('ProvisionedThroughputExceededException: throttled');
    await expect(ingestArticle(message, deps(), { receiveCount: 2 })).rejects.toBe(failure);
    expect(telemetry.total('QueuedMarkFailures')).toBe(1);
    expect(telemetry.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', extra: expect.objectContaining({ url: URL_, error: expect.stringContaining('throttled') }) }),
    );
    expect(await seen.filterUnseen([URL_])).toEqual([URL_]);
  });

  it('writes no mark for a page it stores, nor for a URL already settled', async () => {
    const stored = {
      ...deps(),
      fetcher: { fetchPage: async (url: string) => ({ status: 200, url, contentType: 'text/html; charset=utf-8', body: Buffer.from(articlePage('Dockworkers return to the harbour', URL_, 'the strike')) }) },
      articles: new MemoryArticleStore(),
      related: new MemoryRelatedStore(),
    } satisfies IngestArticleDeps;
    expect(await ingestArticle(message, stored, { receiveCount: 2 })).toMatchObject({ kind: 'stored' });
    expect(await ingestArticle(message, stored, { receiveCount: 1 })).toMatchObject({ kind: 'duplicate', why: 'url-seen' });
    expect(seen.markCalls).toEqual([]);
  });

  it('records a 403 on the source and puts the URL off, longer each time, then rejects it as forbidden', async () => {
    failure = new FetchError('http', 'HTTP 403 from https://news.example.com/story', { status: 403 });
    expect(await ingestArticle(message, deps())).toEqual({
      kind: 'deferred',
      reason: 'forbidden',
      retryAt: new Date(T0 + 15 * MINUTE).toISOString(),
      detail: 'HTTP 403 from https://news.example.com/story',
    });
    expect(sources.states.get('example')).toMatchObject({
      lastPageError: 'HTTP 403 from https://news.example.com/story',
      lastPageErrorAt: new Date(T0).toISOString(),
      pageErrorCount: 1,
      // A refused page is not a failed feed: the source is not backed off.
      errorCount: 0,
      nextAttemptAt: null,
    });
    expect(telemetry.total('PagesDeferred', 'forbidden')).toBe(1);
    // Seen for 15 minutes (the fetcher does not queue it), then unseen: the next refresh queues it again.
    clock = T0 + 14 * MINUTE;
    expect(await seen.filterUnseen([URL_])).toEqual([]);
    clock = T0 + 16 * MINUTE;
    expect(await seen.filterUnseen([URL_])).toEqual([URL_]);

    const second = await ingestArticle(message, deps());
    expect(second).toMatchObject({ kind: 'deferred', retryAt: new Date(clock + 30 * MINUTE).toISOString() });
    // While it is put off, a delivery of it is a duplicate, as for any URL with an outcome.
    expect(await ingestArticle(message, deps())).toMatchObject({ kind: 'duplicate', why: 'url-seen' });
    for (let n = 3; n <= PAGE_DEFERRAL.maxDeferrals; n++) {
      clock += 13 * 60 * MINUTE;
      expect(await ingestArticle(message, deps())).toMatchObject({ kind: 'deferred' });
    }
    clock += 13 * 60 * MINUTE;
    expect(await ingestArticle(message, deps())).toMatchObject({ kind: 'rejected', reason: 'forbidden' });
    expect(seen.outcomes.get(URL_)).toEqual({ kind: 'rejected', reason: 'forbidden' });
    expect(sources.states.get('example')?.pageErrorCount).toBe(PAGE_DEFERRAL.maxDeferrals + 1);
    // A deferral settles the message: its own delay, not a mark, says when the URL is queued again.
    expect(seen.markCalls).toEqual([]);
  });
});
