/**
 * EventBridge's scheduled rules, on one machine: sources that share a schedule are fetched together, once at start
 * and then at their rate. Cron schedules run hourly here; the deployed stack runs them exactly.
 */
import type { SourceConfig } from '../functions/contracts/model';
import { rateToMillis } from '../functions/sources/parse-sources';

export interface Scheduler {
  stop(): void;
}

export function groupBySchedule(sources: readonly SourceConfig[]): Map<string, SourceConfig[]> {
  const groups = new Map<string, SourceConfig[]>();
  for (const source of sources) groups.set(source.schedule, [...(groups.get(source.schedule) ?? []), source]);
  return groups;
}

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
    timers.push(setInterval(() => tick(false), rateToMillis(schedule) ?? 3_600_000));
  }
  return {
    stop() {
      for (const timer of timers) clearInterval(timer);
    },
  };
}
