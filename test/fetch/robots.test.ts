/**
 * The robots.txt cache with a scripted publisher and a clock: once per origin per day (less when its Cache-Control
 * says so), 4xx allows everything, 5xx disallows everything for now unless a recent good copy is at hand, copies are
 * shared through the store, and concurrent checks make one request.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { FetchError } from '../../functions/ports';
import { ROBOTS_CACHE, RobotsCache, freshnessMs, type RobotsFetch } from '../../functions/fetch/robots';
import type { RobotsRecord, RobotsStore } from '../../functions/ports';

const HOUR = 3_600_000;
const ORIGIN = 'https://news.example.com';
const page = (path: string) => new URL(`${ORIGIN}${path}`);

type Answer = { status: number; body?: string; headers?: Record<string, string> } | Error;

class MemoryRobotsStore implements RobotsStore {
  readonly records = new Map<string, RobotsRecord>();
  broken = false;
  async getRobots(origin: string) {
    if (this.broken) throw new Error('table unavailable');
    return this.records.get(origin) ?? null;
  }
  async putRobots(record: RobotsRecord) {
    if (this.broken) throw new Error('table unavailable');
    this.records.set(record.origin, record);
  }
}

let clock: number;
let answer: Answer;
let requests: string[];
const fetchRobots: RobotsFetch = async (url) => {
  requests.push(url);
  await new Promise((resolve) => setTimeout(resolve, 5));
  if (answer instanceof Error) throw answer;
  if (answer.status >= 400) throw new FetchError('http', `HTTP ${answer.status}`, { status: answer.status });
  return { status: answer.status, headers: answer.headers ?? {}, body: Buffer.from(answer.body ?? '') };
};
const cache = (store?: RobotsStore, onStoreError?: (error: unknown) => void) =>
  new RobotsCache({ fetch: fetchRobots, productToken: 'Newsweave', store, onStoreError, now: () => clock });

beforeEach(() => {
  clock = Date.parse('2026-11-28T10:00:00Z');
  requests = [];
  answer = { status: 200, body: 'User-agent: *\nDisallow: /private/\n' };
});

describe('RobotsCache', () => {
  it('applies the group for our product token, else *', async () => {
    answer = { status: 200, body: 'User-agent: *\nDisallow: /\n\nUser-agent: NewsWeave\nDisallow: /drafts/\nCrawl-delay: 2\n' };
    const robots = cache();
    expect(await robots.verdict(page('/drafts/x'))).toEqual({ kind: 'disallowed', robotsUrl: `${ORIGIN}/robots.txt` });
    expect(await robots.verdict(page('/news/x'))).toEqual({ kind: 'allowed', crawlDelayMs: 2_000 });
  });

  it('reads a large Crawl-delay as the cap', async () => {
    answer = { status: 200, body: 'User-agent: *\nCrawl-delay: 600\n' };
    expect(await cache().verdict(page('/a'))).toEqual({ kind: 'allowed', crawlDelayMs: ROBOTS_CACHE.maxCrawlDelayMs });
  });

  it('asks once for concurrent checks, and again only after a day', async () => {
    const robots = cache();
    await Promise.all([robots.verdict(page('/a')), robots.verdict(page('/b')), robots.verdict(page('/private/c'))]);
    expect(requests).toEqual([`${ORIGIN}/robots.txt`]);
    clock += 23 * HOUR;
    await robots.verdict(page('/a'));
    expect(requests).toHaveLength(1);
    clock += 2 * HOUR;
    await robots.verdict(page('/a'));
    expect(requests).toHaveLength(2);
  });

  it("follows a shorter Cache-Control max-age, but asks no more than hourly and keeps no copy longer than a day", async () => {
    answer = { status: 200, body: '', headers: { 'cache-control': 'public, max-age=7200' } };
    const robots = cache();
    await robots.verdict(page('/a'));
    clock += 2 * HOUR + 1;
    await robots.verdict(page('/a'));
    expect(requests).toHaveLength(2);
  });

  it.each([
    [undefined, 24],
    ['max-age=7200', 2],
    ['public, max-age="10800"', 3],
    ['max-age=60', 1],
    ['no-cache', 1],
    ['no-store, max-age=86400', 1],
    ['max-age=604800', 24],
    ['s-maxage=60', 24],
  ])('keeps a robots.txt sent with Cache-Control %j for %i hours', (header, hours) => {
    expect(freshnessMs(header)).toBe(hours * HOUR);
  });

  it('allows everything when robots.txt answers 4xx, and remembers that for a day', async () => {
    answer = { status: 404 };
    const robots = cache();
    expect(await robots.verdict(page('/private/x'))).toEqual({ kind: 'allowed' });
    answer = { status: 403 };
    clock += 12 * HOUR;
    expect(await robots.verdict(page('/private/x'))).toEqual({ kind: 'allowed' });
    expect(requests).toHaveLength(1);
  });

  it.each([
    ['503', new FetchError('http', 'HTTP 503', { status: 503 })],
    ['429', new FetchError('http', 'HTTP 429', { status: 429 })],
    ['a timeout', new FetchError('timeout', 'timed out')],
    ['a reset', new FetchError('reset', 'connection reset')],
    ['a malformed response', new FetchError('malformed', 'invalid HTTP response: Parse Error: Header overflow')],
    ['an unexpected error', new Error('boom')],
  ])('disallows everything for now when robots.txt fails with %s, and asks again ten minutes later', async (_name, failure) => {
    answer = failure;
    const robots = cache();
    expect(await robots.verdict(page('/a'))).toMatchObject({ kind: 'unreachable', robotsUrl: `${ORIGIN}/robots.txt` });
    clock += 9 * 60_000;
    expect(await robots.verdict(page('/b'))).toMatchObject({ kind: 'unreachable' });
    expect(requests).toHaveLength(1);
    answer = { status: 200, body: '' };
    clock += 2 * 60_000;
    expect(await robots.verdict(page('/b'))).toEqual({ kind: 'allowed' });
  });

  it('says when robots.txt was answered with something that is not HTTP twice in a row, so that its pages fail for good', async () => {
    const robots = cache();
    answer = new FetchError('malformed', 'invalid HTTP response: Parse Error: Header overflow');
    // Once is a bad moment: unreachable, as a 5xx.
    expect(await robots.verdict(page('/a'))).not.toHaveProperty('malformed');
    clock += 11 * 60_000;
    expect(await robots.verdict(page('/a'))).toMatchObject({ kind: 'unreachable', malformed: true, detail: expect.stringContaining('not a valid HTTP response, 2 times in a row') });
    expect(requests).toHaveLength(2);
    // Another failure, or an answer, ends the streak.
    answer = new FetchError('reset', 'connection reset');
    clock += 11 * 60_000;
    expect(await robots.verdict(page('/a'))).not.toHaveProperty('malformed');
    answer = new FetchError('malformed', 'invalid HTTP response: Parse Error: Header overflow');
    clock += 11 * 60_000;
    expect(await robots.verdict(page('/a'))).not.toHaveProperty('malformed');
  });

  it('uses the last good copy, up to 30 days old, while robots.txt is unreachable', async () => {
    const robots = cache();
    expect(await robots.verdict(page('/private/x'))).toMatchObject({ kind: 'disallowed' });
    answer = new FetchError('http', 'HTTP 500', { status: 500 });
    clock += 2 * 24 * HOUR;
    expect(await robots.verdict(page('/private/x'))).toMatchObject({ kind: 'disallowed' });
    expect(await robots.verdict(page('/news/x'))).toEqual({ kind: 'allowed' });
    clock += 29 * 24 * HOUR;
    expect(await robots.verdict(page('/news/x'))).toMatchObject({ kind: 'unreachable' });
  });

  it('consults no rules when the host cannot be reached at all: the page fetch reports that itself', async () => {
    answer = new FetchError('blocked-address', 'refused');
    expect(await cache().verdict(page('/private/x'))).toEqual({ kind: 'allowed' });
    answer = new FetchError('unknown-host', 'no such host');
    expect(await cache().verdict(page('/private/x'))).toEqual({ kind: 'allowed' });
  });

  it('never checks robots.txt against itself', async () => {
    answer = { status: 200, body: 'User-agent: *\nDisallow: /\n' };
    expect(await cache().verdict(page('/robots.txt'))).toEqual({ kind: 'allowed' });
    expect(requests).toEqual([]);
  });

  it('shares copies through the store: a second process does not ask the publisher', async () => {
    const store = new MemoryRobotsStore();
    await cache(store).verdict(page('/a'));
    expect(store.records.get(ORIGIN)).toMatchObject({ status: 'parsed', body: 'User-agent: *\nDisallow: /private/\n' });
    const coldStart = cache(store);
    expect(await coldStart.verdict(page('/private/x'))).toMatchObject({ kind: 'disallowed' });
    expect(requests).toHaveLength(1);
    // Once the stored copy is stale, the publisher is asked again and the store updated.
    clock += 25 * HOUR;
    await cache(store).verdict(page('/a'));
    expect(requests).toHaveLength(2);
    expect(store.records.get(ORIGIN)?.fetchedAt).toBe(new Date(clock).toISOString());
  });

  it('works from memory and the publisher when the store is down, and says so', async () => {
    const store = new MemoryRobotsStore();
    store.broken = true;
    const errors: unknown[] = [];
    expect(await cache(store, (error) => errors.push(error)).verdict(page('/private/x'))).toMatchObject({ kind: 'disallowed' });
    expect(errors).toHaveLength(2);
  });
});
