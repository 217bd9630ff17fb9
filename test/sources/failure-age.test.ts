import { describe, expect, it } from '@jest/globals';
import { leastTimeFailing, sourceFailureAgeSeconds } from '../../functions/sources/failure-age';

const now = new Date('2026-11-10T09:00:00Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000).toISOString();

describe('sourceFailureAgeSeconds', () => {
  it.each([
    ['a healthy source', { errorCount: 0, lastSuccessAt: hoursAgo(30) }, 0],
    ['a source never fetched', { errorCount: 0, lastSuccessAt: null }, 0],
    ['a source failing since its last success', { errorCount: 3, lastSuccessAt: hoursAgo(25) }, 25 * 3600],
    ['a source whose last success is an hour old', { errorCount: 1, lastSuccessAt: hoursAgo(1) }, 3600],
    ['a clock behind the record', { errorCount: 1, lastSuccessAt: hoursAgo(-1) }, 0],
  ])('%s', (_what, state, expected) => {
    expect(sourceFailureAgeSeconds(state, now)).toBe(expected);
  });

  it('counts a source that never succeeded by the least time its failures can have taken', () => {
    expect(sourceFailureAgeSeconds({ errorCount: 1, lastSuccessAt: null }, now)).toBe(0);
    expect(sourceFailureAgeSeconds({ errorCount: 3, lastSuccessAt: null }, now)).toBe(Math.floor(leastTimeFailing(3) / 1000));
    // Delays of 1, 2, 4 ... 512 minutes, then 12 hours, each cut by a fifth: 12 failures span at least 23.2 hours,
    // 13 at least 32.8, so a source that never worked reaches a 24-hour alarm at its 13th failure.
    expect(leastTimeFailing(12) / 3_600_000).toBeCloseTo(23.24, 2);
    expect(leastTimeFailing(13) / 3_600_000).toBeCloseTo(32.84, 2);
  });

  it('grows by the capped delay for each failure past the cap', () => {
    expect(leastTimeFailing(101) - leastTimeFailing(100)).toBe(12 * 3_600_000 * 0.8);
  });
});
