/** The local stand-in for EventBridge's scheduled rules. */
import { expect, it } from '@jest/globals';
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
