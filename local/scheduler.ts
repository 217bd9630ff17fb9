/**
 * EventBridge's scheduled rules, on one machine: sources that share a schedule are fetched together, once at start
 * and then at their interval (refreshMinutes, what GET /sources and the operator page judge them by). A cron schedule
 * runs at its longest gap between runs here, or hourly when it runs on some days only; the deployed stack runs it
 * exactly.
 */
import type { SourceConfig } from '../functions/contracts/model';
import { refreshMinutes } from '../functions/sources/refresh-interval';

export interface Scheduler {
  stop(): void;
}

export function groupBySchedule(sources: readonly SourceConfig[]): Map<string, SourceConfig[]> {
  const groups = new Map<string, SourceConfig[]>();
  for (const source of sources) groups.set(source.schedule, [...(groups.get(source.schedule) ?? []), source]);
  return groups;
}

/**
 * The longest delay setInterval takes (2^31-1 ms, 24.8 days): Node fires a longer one every millisecond. Rates beyond
 * it (EventBridge takes `rate(30 days)`) run at this interval locally.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function startScheduler(
  sources: readonly SourceConfig[],
  run: (sources: SourceConfig[], firstRun: boolean) => Promise<void>,
): Scheduler {
  const timers: NodeJS.Timeout[] = [];
  for (const [schedule, group] of groupBySchedule(sources)) {
    let busy = false;
    const tick = (firstRun: boolean) => {
      // A slow run is not overlapped by the next one, as a Lambda with reserved concurrency 1 would behave.
      if (busy) return;
      busy = true;
      void run(group, firstRun).finally(() => {
        busy = false;
      });
    };
    tick(true);
    timers.push(setInterval(() => tick(false), Math.min((refreshMinutes(schedule) ?? 60) * 60_000, MAX_TIMER_MS)));
  }
  return {
    stop() {
      for (const timer of timers) clearInterval(timer);
    },
  };
}
