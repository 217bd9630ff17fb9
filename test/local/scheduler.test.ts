/** The local stand-in for EventBridge's scheduled rules. */
import { expect, it, jest } from '@jest/globals';
import type { SourceConfig } from '../../functions/contracts/model';
import { startScheduler } from '../../local/scheduler';
import { sleep } from '../../functions/shared/concurrency';

const source = (schedule: string): SourceConfig => ({ id: 'slow', name: 'Slow', url: 'https://news.example/rss', schedule });

it('runs a source whose rate is longer than a timer can hold (rate(30 days)) once at start, then not again at once', async () => {
  // setInterval takes at most 2^31-1 ms (24.8 days); beyond it Node runs the timer every millisecond.
  let runs = 0;
  const scheduler = startScheduler([source('rate(30 days)')], async () => {
    runs += 1;
  });
  try {
    await sleep(200);
    expect(runs).toBe(1);
  } finally {
    scheduler.stop();
  }
});

it.each([
  // A cron that runs every day alike runs at its interval (the longest gap between its runs), as the operator page
  // expects of it; one on some days only has none, and runs hourly.
  ['cron(*/5 * * * ? *)', [1, 1, 2, 13]],
  ['cron(0 9,21 * * ? *)', [1, 1, 1, 1]],
  ['cron(30 6 ? * MON-FRI *)', [1, 1, 1, 2]],
  ['rate(5 minutes)', [1, 1, 2, 13]],
])('runs %s once at start, then at its interval', async (schedule, expected) => {
  jest.useFakeTimers();
  let runs = 0;
  const scheduler = startScheduler([source(schedule)], async () => {
    runs += 1;
  });
  try {
    const seen: number[] = [];
    for (const minutes of [0, 4, 2, 54]) {
      await jest.advanceTimersByTimeAsync(minutes * 60_000);
      seen.push(runs);
    }
    expect(seen).toEqual(expected);
  } finally {
    scheduler.stop();
    jest.useRealTimers();
  }
});
