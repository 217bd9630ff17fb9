import { describe, expect, it } from '@jest/globals';
import { BACKOFF, FULL_FETCH_EVERY_MS, nextAttemptAfterFailure, shouldSendValidators } from '../../functions/fetch/backoff';

const now = new Date('2026-11-10T09:00:00Z');
const minutesAfter = (date: Date) => (date.getTime() - now.getTime()) / 60_000;
const noJitter = () => 0;

describe('nextAttemptAfterFailure', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 4],
    [5, 16],
    [10, 512],
    [11, 720],
    [50, 720],
    [0, 1],
  ])('after %i failures waits %i minutes', (errorCount, minutes) => {
    expect(minutesAfter(nextAttemptAfterFailure(errorCount, now, undefined, noJitter))).toBe(minutes);
  });

  it('takes at most 20% off at random, never adds', () => {
    expect(minutesAfter(nextAttemptAfterFailure(3, now, undefined, () => 0.5))).toBeCloseTo(3.6);
    expect(minutesAfter(nextAttemptAfterFailure(3, now, undefined, () => 0.999_999))).toBeGreaterThan(3.19);
    for (let i = 0; i < 100; i += 1) {
      const minutes = minutesAfter(nextAttemptAfterFailure(20, now));
      expect(minutes).toBeGreaterThanOrEqual(720 * 0.8);
      expect(minutes).toBeLessThanOrEqual(720);
    }
  });

  it('respects Retry-After as a floor, bounded to a day', () => {
    expect(minutesAfter(nextAttemptAfterFailure(1, now, 30 * 60_000, noJitter))).toBe(30);
    expect(minutesAfter(nextAttemptAfterFailure(10, now, 60_000, noJitter))).toBe(512);
    expect(minutesAfter(nextAttemptAfterFailure(1, now, 365 * 24 * 60 * 60_000, noJitter))).toBe(BACKOFF.maxRetryAfterMs / 60_000);
    expect(minutesAfter(nextAttemptAfterFailure(1, now, -5, noJitter))).toBe(1);
  });
});

describe('shouldSendValidators', () => {
  const recent = new Date(now.getTime() - 60 * 60_000).toISOString();
  const old = new Date(now.getTime() - FULL_FETCH_EVERY_MS - 1).toISOString();
  it.each([
    ['an ETag and a recent full fetch', { etag: '"a"', lastModified: null, lastFullFetchAt: recent }, true],
    ['Last-Modified and a recent full fetch', { etag: null, lastModified: 'Tue, 10 Nov 2026 08:00:00 GMT', lastFullFetchAt: recent }, true],
    ['a full fetch older than 6 hours', { etag: '"a"', lastModified: null, lastFullFetchAt: old }, false],
    ['no full fetch on record', { etag: '"a"', lastModified: null, lastFullFetchAt: null }, false],
    ['no validators', { etag: null, lastModified: null, lastFullFetchAt: recent }, false],
  ])('%s -> %s', (_what, state, expected) => {
    expect(shouldSendValidators(state, now)).toBe(expected);
  });
});
