import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createFetcher } from '../../functions/fetch/http-fetch';
import { QUEUED_MARK } from '../../functions/contracts/queue-settings';
import { MAX_URL_CHARS } from '../../functions/feeds/parse-feed';
import { FetchError } from '../../functions/ports';
import type { SourceConfig } from '../../functions/contracts/model';
import { MAX_CHILD_SITEMAPS, refreshSource, refreshSources, type RefreshSourceDeps } from '../../functions/use-cases/refresh-source';
import { InMemorySeenUrlStore, InMemorySourceStore, RecordingQueue, RecordingTelemetry, ScriptedFetcher, notModified, ok } from './fakes';

const FEED_URL = 'https://news.example.com/rss';
const source: SourceConfig = { id: 'example', name: 'Example News', url: FEED_URL, schedule: 'rate(10 minutes)' };
const fixture = (name: string) => readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url));
const T0 = new Date('2026-11-10T09:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

let sources: InMemorySourceStore;
let seen: InMemorySeenUrlStore;
let queue: RecordingQueue;
let fetcher: ScriptedFetcher;
let telemetry: RecordingTelemetry;
let clock: Date;
let ids: number;

function deps(): RefreshSourceDeps {
  return { sources, seen, queue, fetcher, telemetry, now: () => clock, newCorrelationId: () => `corr-${++ids}` };
}

/** What the worker does after processing each message. */
async function markQueuedSeen() {
  for (const message of queue.sent) await seen.markSeen(message.url, { kind: 'stored', articleId: message.url });
}

beforeEach(() => {
  sources = new InMemorySourceStore();
  seen = new InMemorySeenUrlStore(() => clock.getTime());
  queue = new RecordingQueue();
  fetcher = new ScriptedFetcher();
  telemetry = new RecordingTelemetry();
  clock = T0;
  ids = 0;
});

describe('refreshSource', () => {
  it('queues the canonical URLs of a new feed and records success', async () => {
    fetcher.replies.set(FEED_URL, ok(FEED_URL, fixture('rss2.xml'), { etag: '"v1"', 'last-modified': 'Tue, 10 Nov 2026 08:00:00 GMT' }));
    const outcome = await refreshSource(source, deps());
    expect(outcome).toEqual({ sourceId: 'example', status: 'fetched', found: 4, queued: 4 });
    expect(queue.sent.map((message) => message.url)).toEqual([
      'https://news.example.com/economy/rates-rise?id=7',
      'https://news.example.com/world/guid-only',
      'https://news.example.com/local/relative-story',
      'https://news.example.com/life/cafe',
    ]);
    expect(queue.sent[0]).toMatchObject({
      v: 1,
      sourceId: 'example',
      sourceName: 'Example News',
      correlationId: 'corr-1',
      entry: { title: 'Rates rise again & markets fall', publishedAt: '2026-11-10T14:30:00.000Z' },
    });
    expect(new Set(queue.sent.map((message) => message.correlationId)).size).toBe(4);
    expect(sources.states.get('example')).toMatchObject({
      etag: '"v1"',
      lastModified: 'Tue, 10 Nov 2026 08:00:00 GMT',
      lastFetchedAt: T0.toISOString(),
      lastSuccessAt: T0.toISOString(),
      lastFullFetchAt: T0.toISOString(),
      errorCount: 0,
      lastError: null,
      nextAttemptAt: null,
    });
    expect(fetcher.requests[0]?.request.etag).toBeUndefined();
    expect(telemetry.total('SourcesFetched')).toBe(1);
    expect(telemetry.total('UrlsQueued')).toBe(4);
  });

  it('dedupes within a feed and across runs, queuing only what the seen store has not seen', async () => {
    const items = ['https://d.example/a?utm_source=x', 'https://d.example/a#top', 'https://D.example/a', 'https://d.example/b']
      .map((link) => `<item><link>${link}</link></item>`)
      .join('');
    fetcher.replies.set(FEED_URL, ok(FEED_URL, `<rss><channel>${items}</channel></rss>`));
    await seen.markSeen('https://d.example/b', { kind: 'rejected', reason: 'too-short' });

    expect(await refreshSource(source, deps())).toMatchObject({ status: 'fetched', found: 2, queued: 1 });
    expect(queue.sent.map((message) => message.url)).toEqual(['https://d.example/a']);

    await markQueuedSeen();
    clock = minutes(10);
    expect(await refreshSource(source, deps())).toMatchObject({ status: 'fetched', found: 2, queued: 0 });
    expect(queue.sent).toHaveLength(1);
  });

  it(`drops and logs an entry whose link is over ${MAX_URL_CHARS} characters, and queues the others with validators saved`, async () => {
    const long = `https://d.example/long?q=${'x'.repeat(MAX_URL_CHARS)}`;
    const items = ['https://d.example/a', long, 'https://d.example/b'].map((link) => `<item><link>${link}</link></item>`).join('');
    fetcher.replies.set(FEED_URL, ok(FEED_URL, `<rss><channel>${items}</channel></rss>`, { etag: '"v1"' }));

    expect(await refreshSource(source, deps())).toMatchObject({ status: 'fetched', found: 2, queued: 2 });
    expect(queue.sent.map((message) => message.url)).toEqual(['https://d.example/a', 'https://d.example/b']);
    expect(telemetry.logs).toContainEqual({ level: 'warn', message: 'entries with unusable URLs dropped', extra: { sourceId: 'example', invalid: 1 } });
    expect(sources.states.get('example')?.etag).toBe('"v1"');
  });

  it('writes no queued mark: a refresh before any delivery of its URLs has failed queues them again', async () => {
    fetcher.replies.set(FEED_URL, ok(FEED_URL, fixture('rss2.xml')));
    expect(await refreshSource(source, deps())).toMatchObject({ found: 4, queued: 4 });
    clock = minutes(1);
    expect(await refreshSource(source, deps())).toMatchObject({ found: 4, queued: 4 });
    expect(queue.sent.slice(4).map((message) => message.correlationId)).toEqual(['corr-5', 'corr-6', 'corr-7', 'corr-8']);
    expect(seen.markCalls).toEqual([]);
  });

  it('leaves a URL marked queued (a delivery of it failed, or its dead letter is held) to its message until the mark runs out', async () => {
    fetcher.replies.set(FEED_URL, ok(FEED_URL, fixture('rss2.xml')));
    await refreshSource(source, deps());
    const [retried, ...others] = queue.sent.map((message) => message.url);
    for (const url of others) await seen.markSeen(url, { kind: 'stored', articleId: url });
    await seen.markQueued(retried!, minutes(41));
    for (const later of [10, 40]) {
      clock = minutes(later);
      expect(await refreshSource(source, deps())).toMatchObject({ status: 'fetched', found: 4, queued: 0 });
    }
    clock = minutes(41);
    expect(await refreshSource(source, deps())).toMatchObject({ queued: 1 });
    expect(queue.sent.at(-1)?.url).toBe(retried);
    expect(seen.markCalls).toHaveLength(1);
  });

  it('never queues again a URL that was stored or rejected', async () => {
    fetcher.replies.set(FEED_URL, ok(FEED_URL, fixture('rss2.xml')));
    await refreshSource(source, deps());
    const [stored, rejected] = queue.sent.map((message) => message.url);
    await seen.markSeen(stored!, { kind: 'stored', articleId: 'a' });
    await seen.markSeen(rejected!, { kind: 'rejected', reason: 'not-an-article' });
    for (const later of [10, 20, 30]) {
      clock = minutes(later);
      await refreshSource(source, deps());
    }
    expect(queue.sent.filter((message) => message.url === stored || message.url === rejected)).toHaveLength(2);
    // The two others, neither settled nor marked, came back at every refresh.
    expect(queue.sent).toHaveLength(4 + 2 * 3);
  });

  it('keeps a deferred URL on its own delay: queued again when its deferral runs out, though a failed delivery had marked it', async () => {
    fetcher.replies.set(FEED_URL, ok(FEED_URL, fixture('rss2.xml')));
    await refreshSource(source, deps());
    const [refused, ...others] = queue.sent.map((message) => message.url);
    for (const url of others) await seen.markSeen(url, { kind: 'stored', articleId: url });
    // Its first delivery failed (marked for the rest of the message's way), its second was refused.
    await seen.markQueued(refused!, minutes(QUEUED_MARK.windowMs / 60_000));
    await seen.deferUrl(refused!, 'forbidden', () => 15 * 60_000);
    clock = minutes(14);
    expect(await refreshSource(source, deps())).toMatchObject({ queued: 0 });
    clock = minutes(16);
    expect(await refreshSource(source, deps())).toMatchObject({ queued: 1 });
    expect(queue.sent.at(-1)?.url).toBe(refused);
  });

  it('queues, when forced, every URL without an outcome, marked or not: the local stack starts so, its in-memory queue lost', async () => {
    fetcher.replies.set(FEED_URL, ok(FEED_URL, fixture('rss2.xml')));
    await refreshSource(source, deps());
    const [stored, ...unsettled] = queue.sent.map((message) => message.url);
    await seen.markSeen(stored!, { kind: 'stored', articleId: 'a' });
    for (const url of unsettled) await seen.markQueued(url, minutes(QUEUED_MARK.windowMs / 60_000));
    clock = minutes(1);
    expect(await refreshSource(source, deps())).toMatchObject({ queued: 0 });
    expect(await refreshSource(source, deps(), { force: true })).toMatchObject({ queued: 3 });
    expect(queue.sent.slice(4).map((message) => message.url)).toEqual(unsettled);
    expect(seen.markCalls).toHaveLength(unsettled.length);
  });

  it('sends validators on the next fetch and treats 304 as a success', async () => {
    fetcher.replies.set(FEED_URL, (request) =>
      request.etag === '"v1"' ? notModified(FEED_URL) : ok(FEED_URL, fixture('rss2.xml'), { etag: '"v1"' }),
    );
    await refreshSource(source, deps());
    clock = minutes(10);
    expect(await refreshSource(source, deps())).toEqual({ sourceId: 'example', status: 'not-modified', found: 0, queued: 0 });
    expect(fetcher.requests[1]?.request.etag).toBe('"v1"');
    expect(sources.states.get('example')).toMatchObject({
      etag: '"v1"',
      lastSuccessAt: minutes(10).toISOString(),
      lastFullFetchAt: T0.toISOString(),
    });
    expect(telemetry.total('SourcesFetched')).toBe(2);
  });

  it('drops the validators for a full fetch every 6 hours, and when forced', async () => {
    fetcher.replies.set(FEED_URL, ok(FEED_URL, fixture('rss2.xml'), { etag: '"v1"' }));
    await refreshSource(source, deps());
    clock = minutes(6 * 60 + 1);
    await refreshSource(source, deps());
    expect(fetcher.requests[1]?.request.etag).toBeUndefined();
    expect(sources.states.get('example')?.lastFullFetchAt).toBe(clock.toISOString());
    clock = minutes(6 * 60 + 10);
    await refreshSource(source, deps(), { force: true });
    expect(fetcher.requests[2]?.request.etag).toBeUndefined();
  });

  it('records failures, backs off with growing delays, respects Retry-After, and resets on success', async () => {
    fetcher.replies.set(FEED_URL, new FetchError('http', 'HTTP 503 from the server', { status: 503, retryAfterMs: 30 * 60_000 }));
    expect(await refreshSource(source, deps())).toMatchObject({ status: 'failed', error: 'HTTP 503 from the server' });
    let state = sources.states.get('example');
    expect(state).toMatchObject({ errorCount: 1, lastErrorKind: 'http-503', lastError: 'HTTP 503 from the server', lastSuccessAt: null });
    expect(state?.nextAttemptAt).toBe(minutes(30).toISOString());
    expect(telemetry.total('FetchErrors', 'http')).toBe(1);

    clock = minutes(29);
    expect(await refreshSource(source, deps())).toMatchObject({ status: 'skipped-backoff' });
    expect(fetcher.requests).toHaveLength(1);

    fetcher.replies.set(FEED_URL, new FetchError('timeout', 'no answer'));
    const delays: number[] = [];
    for (let attempt = 2; attempt <= 6; attempt += 1) {
      clock = new Date(Date.parse(sources.states.get('example')?.nextAttemptAt ?? '') + 1);
      await refreshSource(source, deps());
      state = sources.states.get('example');
      expect(state).toMatchObject({ errorCount: attempt, lastErrorKind: 'timeout' });
      delays.push(Date.parse(state?.nextAttemptAt ?? '') - clock.getTime());
    }
    // Exponential: each delay is at least 1.6x the previous one even with the most jitter (2x * 0.8).
    for (let i = 1; i < delays.length; i += 1) expect(delays[i]).toBeGreaterThanOrEqual((delays[i - 1] ?? 0) * 1.6 - 1);
    expect(delays[4]).toBeLessThanOrEqual(32 * 60_000);

    fetcher.replies.set(FEED_URL, ok(FEED_URL, fixture('rss2.xml')));
    clock = new Date(Date.parse(state?.nextAttemptAt ?? '') + 1);
    expect(await refreshSource(source, deps())).toMatchObject({ status: 'fetched' });
    expect(sources.states.get('example')).toMatchObject({ errorCount: 0, lastError: null, lastErrorKind: null, nextAttemptAt: null });
  });

  it('reports how long the source has been failing at every refresh, skipped ones included, and 0 once it works', async () => {
    fetcher.replies.set(FEED_URL, ok(FEED_URL, fixture('rss2.xml')));
    await refreshSource(source, deps());
    fetcher.replies.set(FEED_URL, new FetchError('connect', 'refused'));
    clock = minutes(60);
    await refreshSource(source, deps());
    clock = new Date(minutes(60).getTime() + 10_000);
    expect(await refreshSource(source, deps())).toMatchObject({ status: 'skipped-backoff' });
    fetcher.replies.set(FEED_URL, ok(FEED_URL, fixture('rss2.xml')));
    clock = minutes(120);
    await refreshSource(source, deps());
    expect(telemetry.gauges).toEqual([
      { metric: 'SourceFailureAge', seconds: 0 },
      { metric: 'SourceFailureAge', seconds: 3600 },
      { metric: 'SourceFailureAge', seconds: 3610 },
      { metric: 'SourceFailureAge', seconds: 0 },
    ]);
  });

  it('does not report a failure of our own queue against the source', async () => {
    fetcher.replies.set(FEED_URL, ok(FEED_URL, fixture('rss2.xml')));
    queue.broken = true;
    await refreshSource(source, deps());
    expect(telemetry.gauges).toEqual([{ metric: 'SourceFailureAge', seconds: 0 }]);
  });

  it('lets force override the backoff', async () => {
    fetcher.replies.set(FEED_URL, new FetchError('connect', 'refused'));
    await refreshSource(source, deps());
    fetcher.replies.set(FEED_URL, ok(FEED_URL, fixture('atom.xml')));
    expect(await refreshSource(source, deps(), { force: true })).toMatchObject({ status: 'fetched', queued: 2 });
  });

  it.each([
    ['an HTML page', 'html-page.html', /HTML page/],
    ['a truncated feed', 'truncated.xml', /truncated/],
  ])('records %s as a parse failure', async (_what, name, message) => {
    fetcher.replies.set(FEED_URL, ok(FEED_URL, fixture(name)));
    const outcome = await refreshSource(source, deps());
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(message);
    expect(sources.states.get('example')).toMatchObject({ lastErrorKind: 'parse', errorCount: 1 });
    expect(telemetry.total('FetchErrors', 'parse')).toBe(1);
  });

  it('decodes a windows-1251 feed before parsing', async () => {
    fetcher.replies.set(FEED_URL, ok(FEED_URL, fixture('windows-1251.xml'), { 'content-type': 'application/rss+xml' }));
    await refreshSource(source, deps());
    expect(queue.sent[0]?.entry?.title).toBe('Москва: погода на выходные');
  });

  it("reads a feed in the encoding of its XML declaration, not of an HTML <meta charset> in an item's CDATA", async () => {
    const feed =
      '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><item><title>Café crème</title>' +
      '<link>https://news.example.com/cafe</link><content:encoded><![CDATA[<html><head><meta charset="windows-1251"></head>' +
      '<body><p>The whole page, as some feeds carry it.</p></body></html>]]></content:encoded></item></channel></rss>';
    fetcher.replies.set(FEED_URL, ok(FEED_URL, Buffer.from(feed, 'utf8'), { 'content-type': 'application/rss+xml' }));
    await refreshSource(source, deps());
    expect(queue.sent[0]?.entry?.title).toBe('Café crème');
  });

  it(`reads a sitemap index through its ${MAX_CHILD_SITEMAPS} newest sitemaps`, async () => {
    const child = (n: number) => `https://paper.example.in/sitemap-${n}.xml`;
    const index = Array.from({ length: 7 }, (_, n) => `<sitemap><loc>${child(n)}</loc><lastmod>2026-11-0${n + 1}T00:00:00Z</lastmod></sitemap>`);
    fetcher.replies.set(FEED_URL, ok(FEED_URL, `<sitemapindex>${index.join('')}</sitemapindex>`));
    fetcher.replies.set(child(6), ok(child(6), fixture('news-sitemap.xml')));
    fetcher.replies.set(child(5), new FetchError('http', 'HTTP 500', { status: 500 }));
    fetcher.replies.set(child(4), ok(child(4), fixture('sitemap-index.xml')));
    fetcher.replies.set(child(3), ok(child(3), '<urlset><url><loc>https://paper.example.in/news/older-story</loc></url><url><loc>https://paper.example.in/news/from-3</loc></url></urlset>'));

    const outcome = await refreshSource(source, deps());
    expect(outcome).toMatchObject({ status: 'fetched', found: 4, queued: 4 });
    expect(fetcher.requests.map((request) => request.url).sort()).toEqual([FEED_URL, child(2), child(3), child(4), child(5), child(6)].sort());
    expect(telemetry.logs.filter((log) => log.message === 'child sitemap failed')).toHaveLength(2);
  });

  it('fails a sitemap index whose sitemaps all fail', async () => {
    fetcher.replies.set(FEED_URL, ok(FEED_URL, fixture('sitemap-index.xml')));
    expect(await refreshSource(source, deps())).toMatchObject({ status: 'failed' });
    expect(sources.states.get('example')?.lastErrorKind).toBe('http-404');
  });

  it('counts messages the queue could not take, and finds them again next time', async () => {
    fetcher.replies.set(FEED_URL, ok(FEED_URL, fixture('rss2.xml')));
    queue.rejects = (message) => message.url.endsWith('/cafe');
    expect(await refreshSource(source, deps())).toMatchObject({ status: 'fetched', found: 4, queued: 3 });
    expect(telemetry.total('QueueSendFailures')).toBe(1);
    await markQueuedSeen();
    queue.rejects = () => false;
    clock = minutes(10);
    expect(await refreshSource(source, deps())).toMatchObject({ queued: 1 });
  });

  it('keeps the old validators when some items could not be queued, so that the next run reads the feed and queues them', async () => {
    const rss = (items: string[]) =>
      `<rss version="2.0"><channel><title>t</title>${items.map((item) => `<item><link>https://news.example.com/${item}</link></item>`).join('')}</channel></rss>`;
    let current = { etag: '"v1"', body: rss(['a', 'b']) };
    // A server that honours If-None-Match, as real feeds do: without the fix, a 304 would hide the unsent item.
    fetcher.replies.set(FEED_URL, (request) => (request.etag === current.etag ? notModified(FEED_URL) : ok(FEED_URL, current.body, { etag: current.etag })));
    expect(await refreshSource(source, deps())).toMatchObject({ status: 'fetched', queued: 2 });
    await markQueuedSeen();

    current = { etag: '"v2"', body: rss(['a', 'b', 'c', 'd']) };
    queue.rejects = (message) => message.url.endsWith('/d');
    clock = minutes(10);
    expect(await refreshSource(source, deps())).toMatchObject({ status: 'fetched', found: 4, queued: 1 });
    expect(sources.states.get('example')).toMatchObject({ etag: '"v1"', lastError: null, lastSuccessAt: clock.toISOString() });
    await markQueuedSeen();

    queue.rejects = () => false;
    clock = minutes(20);
    expect(await refreshSource(source, deps())).toMatchObject({ status: 'fetched', queued: 1 });
    expect(queue.sent.at(-1)?.url).toBe('https://news.example.com/d');
    expect(sources.states.get('example')?.etag).toBe('"v2"');
    await markQueuedSeen();

    clock = minutes(30);
    expect(await refreshSource(source, deps())).toMatchObject({ status: 'not-modified' });
  });

  it('records a broken queue without blaming the source', async () => {
    fetcher.replies.set(FEED_URL, ok(FEED_URL, fixture('rss2.xml'), { etag: '"v1"' }));
    queue.broken = true;
    const outcome = await refreshSource(source, deps());
    expect(outcome).toMatchObject({ status: 'failed', error: 'queue unavailable' });
    expect(sources.states.get('example')).toMatchObject({ lastErrorKind: 'internal', errorCount: 0, nextAttemptAt: null, etag: null });
    expect(telemetry.total('FetchErrors', 'internal')).toBe(1);
  });

  it('records a queue that takes none of the new articles as our failure, not a success, and reads the feed again next time', async () => {
    // SQS answers a denied or throttled call with an error the adapter turns into "every message failed"; the run
    // must not then look like a success (no alarm would fire: FetcherInternalErrors watches kind internal).
    fetcher.replies.set(FEED_URL, (request) => (request.etag === '"v1"' ? notModified(FEED_URL) : ok(FEED_URL, fixture('rss2.xml'), { etag: '"v1"' })));
    queue.rejects = () => true;
    const outcome = await refreshSource(source, deps());
    expect(outcome).toMatchObject({ status: 'failed', queued: 0, error: 'the article queue took none of the 4 new articles' });
    expect(sources.states.get('example')).toMatchObject({ lastErrorKind: 'internal', errorCount: 0, nextAttemptAt: null, etag: null, lastSuccessAt: null });
    expect(telemetry.total('FetchErrors', 'internal')).toBe(1);
    expect(telemetry.total('QueueSendFailures')).toBe(4);
    expect(telemetry.total('SourcesFetched')).toBe(0);
    // The cause (it names the account's role) goes to the log, never to the public lastError.
    expect(telemetry.logs).toContainEqual(expect.objectContaining({ level: 'error', extra: expect.objectContaining({ cause: expect.stringContaining('AccessDenied') }) }));
    expect(sources.states.get('example')?.lastError).not.toContain('arn:');

    queue.rejects = () => false;
    clock = minutes(10);
    expect(await refreshSource(source, deps())).toMatchObject({ status: 'fetched', queued: 4 });
    expect(sources.states.get('example')).toMatchObject({ lastErrorKind: null, etag: '"v1"' });
  });

  it('never throws, even when the source store is down', async () => {
    sources.failRegister = true;
    expect(await refreshSource(source, deps())).toMatchObject({ status: 'failed', error: expect.stringContaining('table unavailable') });
    expect(fetcher.requests).toHaveLength(0);
  });
});

describe('refreshSources', () => {
  it('refreshes every source with bounded concurrency and returns outcomes in order', async () => {
    const many = Array.from({ length: 7 }, (_, i): SourceConfig => ({ ...source, id: `s${i}`, url: `https://s${i}.example/feed` }));
    let running = 0;
    let maxRunning = 0;
    const slowFetcher: ScriptedFetcher = Object.assign(new ScriptedFetcher(), {
      async fetch(url: string) {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 10));
        running -= 1;
        if (url.includes('s3')) throw new FetchError('connect', 'refused');
        return ok(url, `<rss><channel><item><link>${url.replace('/feed', '/a')}</link></item></channel></rss>`);
      },
    });
    const outcomes = await refreshSources(many, { ...deps(), fetcher: slowFetcher }, { concurrency: 3 });
    expect(outcomes.map((outcome) => [outcome.sourceId, outcome.status])).toEqual(
      many.map((entry) => [entry.id, entry.id === 's3' ? 'failed' : 'fetched']),
    );
    expect(maxRunning).toBe(3);
    expect(queue.sent).toHaveLength(6);
  });
});

describe('refreshSource with the real fetcher', () => {
  let server: Server;
  let url = '';
  let requests = 0;
  beforeAll(async () => {
    const body = fixture('atom.xml');
    server = createServer((request, response) => {
      requests += 1;
      if (request.headers['if-none-match'] === '"atom-1"') response.writeHead(304).end();
      else response.writeHead(200, { 'content-type': 'application/atom+xml', etag: '"atom-1"' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/atom.xml`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches, then gets a 304 on the conditional GET', async () => {
    const local = { ...source, url };
    const real = { ...deps(), fetcher: createFetcher({ allowPrivateAddresses: true }) };
    expect(await refreshSource(local, real)).toMatchObject({ status: 'fetched', found: 2, queued: 2 });
    clock = minutes(10);
    expect(await refreshSource(local, real)).toMatchObject({ status: 'not-modified' });
    expect(requests).toBe(2);
  });

  it('records a blocked address when private addresses are not allowed', async () => {
    const outcome = await refreshSource({ ...source, url }, { ...deps(), fetcher: createFetcher() });
    expect(outcome.status).toBe('failed');
    expect(sources.states.get('example')?.lastErrorKind).toBe('blocked-address');
  });
});
