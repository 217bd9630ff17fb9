/**
 * The local stand-in for CloudWatch: collects the metrics the handlers emit (through the same Telemetry calls that
 * become EMF in Lambda) into 10-second buckets for the operator page at /ops.
 */
import { observeMetrics, type ObservedMetric } from '../functions/shared/metric-observers';

const BUCKET_SECONDS = 10;
const KEEP_BUCKETS = 180; // 30 minutes
const KEEP_TIMINGS = 2_000;

export interface OpsSnapshot {
  readonly startedAt: string;
  readonly now: string;
  readonly bucketSeconds: number;
  readonly totals: Record<string, number>;
  readonly series: { t: number; values: Record<string, number> }[];
  readonly byDimension: Record<string, Record<string, number>>;
  readonly timings: Record<string, { count: number; p50: number; p99: number }>;
}

export interface OpsMetrics {
  snapshot(): OpsSnapshot;
  stop(): void;
}

export function collectOpsMetrics(now: () => number = Date.now): OpsMetrics {
  const startedAt = new Date(now()).toISOString();
  const totals: Record<string, number> = {};
  const byDimension: Record<string, Record<string, number>> = {};
  const buckets = new Map<number, Record<string, number>>();
  const timings = new Map<string, { count: number; recent: number[] }>();

  const record = (metric: ObservedMetric) => {
    if (metric.unit === 'Milliseconds') {
      const timing = timings.get(metric.name) ?? { count: 0, recent: [] };
      timing.count += 1;
      timing.recent.push(metric.value);
      if (timing.recent.length > KEEP_TIMINGS) timing.recent.shift();
      timings.set(metric.name, timing);
      return;
    }
    totals[metric.name] = (totals[metric.name] ?? 0) + metric.value;
    if (metric.dimension) {
      const split = (byDimension[metric.name] ??= {});
      split[metric.dimension.value] = (split[metric.dimension.value] ?? 0) + metric.value;
    }
    const t = Math.floor(now() / 1000 / BUCKET_SECONDS) * BUCKET_SECONDS * 1000;
    const bucket = buckets.get(t) ?? {};
    bucket[metric.name] = (bucket[metric.name] ?? 0) + metric.value;
    buckets.set(t, bucket);
    if (buckets.size > KEEP_BUCKETS) buckets.delete(Math.min(...buckets.keys()));
  };
  const unsubscribe = observeMetrics(record);

  return {
    snapshot() {
      return {
        startedAt,
        now: new Date(now()).toISOString(),
        bucketSeconds: BUCKET_SECONDS,
        totals: { ...totals },
        series: [...buckets.entries()].sort(([a], [b]) => a - b).map(([t, values]) => ({ t, values: { ...values } })),
        byDimension: structuredClone(byDimension),
        timings: Object.fromEntries(
          [...timings.entries()].map(([name, timing]) => {
            const sorted = [...timing.recent].sort((a, b) => a - b);
            return [name, { count: timing.count, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) }];
          }),
        ),
      };
    },
    stop: () => {
      unsubscribe();
    },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? 0) * 100) / 100;
}
