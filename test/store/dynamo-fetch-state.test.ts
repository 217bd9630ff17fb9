/**
 * The DynamoDB side of this pipeline's politeness and recovery, against a real local DynamoDB server: deferred URLs
 * (a 403's growing delay, counted on the marker), page errors on a source's record, and robots.txt copies shared
 * between processes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoRobotsStore } from '../../functions/store/dynamo-robots-store';
import { DynamoSeenUrlStore, DynamoSourceStore } from '../../functions/store/dynamo-stores';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';

let dynamo: LocalDynamo;
let clock = Date.parse('2026-11-28T10:00:00Z');

beforeAll(async () => {
  dynamo = await startLocalDynamo('fetch-state');
}, 60_000);

afterAll(async () => {
  await dynamo?.stop();
});

describe('DynamoSeenUrlStore.deferUrl', () => {
  it('hides a URL for the delay of its n-th deferral, counts the deferrals, and starts over once it has an outcome', async () => {
    const seen = new DynamoSeenUrlStore({ ...dynamo, now: () => new Date(clock) });
    const url = 'https://news.example.com/refused';
    const delay = (n: number) => n * 60 * 60_000;
    expect(await seen.deferUrl(url, 'forbidden', delay)).toBe(1);
    expect(await seen.filterUnseen([url])).toEqual([]);
    clock += 61 * 60_000;
    expect(await seen.filterUnseen([url])).toEqual([url]);
    expect(await seen.deferUrl(url, 'forbidden', delay)).toBe(2);
    clock += 61 * 60_000;
    expect(await seen.filterUnseen([url])).toEqual([]);
    clock += 60 * 60_000;
    expect(await seen.filterUnseen([url])).toEqual([url]);
    await seen.markSeen(url, { kind: 'stored', articleId: 'abc' });
    expect(await seen.deferUrl(url, 'forbidden', delay)).toBe(1);
  });
});

describe('DynamoSourceStore.recordPageError', () => {
  it('keeps the last page error and counts them, and a saved fetch state leaves them alone', async () => {
    const sources = new DynamoSourceStore(dynamo);
    const state = await sources.registerSource({ id: 'refusing', name: 'Refusing', url: 'https://refusing.example/rss', schedule: 'rate(1 hour)' });
    expect(state).toMatchObject({ lastPageError: null, lastPageErrorAt: null, pageErrorCount: 0 });
    await sources.recordPageError('refusing', { message: 'HTTP 403 from a', at: '2026-11-28T10:00:00.000Z' });
    await sources.recordPageError('refusing', { message: 'HTTP 403 from b', at: '2026-11-28T11:00:00.000Z' });
    await sources.saveFetchState({ ...state, lastSuccessAt: '2026-11-28T11:05:00.000Z' });
    expect(await sources.getSource('refusing')).toMatchObject({
      lastPageError: 'HTTP 403 from b',
      lastPageErrorAt: '2026-11-28T11:00:00.000Z',
      pageErrorCount: 2,
      lastSuccessAt: '2026-11-28T11:05:00.000Z',
    });
  });
});

describe('DynamoRobotsStore', () => {
  it('keeps a robots.txt per origin, gzipped, and an "unavailable" answer without a body', async () => {
    const robots = new DynamoRobotsStore(dynamo);
    const body = `User-agent: *\n${Array.from({ length: 2000 }, (_, n) => `Disallow: /private/${n}/`).join('\n')}\n`;
    const record = { origin: 'https://a.example', status: 'parsed' as const, body, fetchedAt: '2026-11-28T10:00:00.000Z', freshUntil: '2026-11-29T10:00:00.000Z' };
    await robots.putRobots(record);
    await robots.putRobots({ origin: 'https://b.example', status: 'unavailable', body: null, fetchedAt: record.fetchedAt, freshUntil: record.freshUntil });
    expect(await robots.getRobots('https://a.example')).toEqual(record);
    expect(await robots.getRobots('https://b.example')).toMatchObject({ status: 'unavailable', body: null });
    expect(await robots.getRobots('https://c.example')).toBeNull();
  });
});
