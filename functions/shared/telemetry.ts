import { notifyMetric } from './metric-observers';
import type { CountMetric, DimensionOf, GaugeMetric, MetricName, TimingMetric } from './telemetry-contract';

/**
 * What the domain needs from logging and metrics. The Lambda handlers pass Powertools' Logger and Metrics
 * behind this; the local runtime passes its own; domain tests pass `silentTelemetry` or a recorder.
 */
export interface Log {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface Telemetry {
  readonly log: Log;
  /** A count (`ArticlesStored`, `PagesRejected`), with the dimension the contract gives it, if any. */
  count<Metric extends CountMetric>(metric: Metric, value?: number, dimension?: DimensionOf<Metric>): void;
  /** A duration in milliseconds (`ExtractionTime`). */
  timing(metric: TimingMetric, milliseconds: number): void;
  /** A level at this moment, in seconds (`SourceFailureAge`). */
  gauge(metric: GaugeMetric, seconds: number): void;
}

const quiet: Log = { debug() {}, info() {}, warn() {}, error() {} };

export const silentTelemetry: Telemetry = { log: quiet, count() {}, timing() {}, gauge() {} };

/**
 * The same telemetry with `keys` on every log line: the per-record logger of a batch whose records run in parallel,
 * where keys appended to a shared logger would show up on other records' lines.
 */
export function withLogKeys(telemetry: Telemetry, keys: Record<string, unknown>): Telemetry {
  const log: Log = {
    debug: (message, extra) => telemetry.log.debug(message, { ...keys, ...extra }),
    info: (message, extra) => telemetry.log.info(message, { ...keys, ...extra }),
    warn: (message, extra) => telemetry.log.warn(message, { ...keys, ...extra }),
    error: (message, extra) => telemetry.log.error(message, { ...keys, ...extra }),
  };
  return {
    log,
    count: telemetry.count.bind(telemetry),
    timing: telemetry.timing.bind(telemetry),
    gauge: telemetry.gauge.bind(telemetry),
  };
}

/**
 * The same telemetry without the named metrics (their log lines stay): for metrics a platform already measures, such
 * as a request count that API Gateway keeps, which would only add bytes to every call's log. The local observers
 * (metric-observers.ts) still see them: the local operator page stands in for the dashboard, which shows the
 * platform's figures (in Lambda nobody observes, so this costs nothing there).
 */
export function withoutMetrics(telemetry: Telemetry, names: readonly MetricName[]): Telemetry {
  const dropped = new Set<MetricName>(names);
  return {
    log: telemetry.log,
    count: (metric, value = 1, dimension) => {
      if (!dropped.has(metric)) telemetry.count(metric, value, dimension);
      else notifyMetric({ name: metric, value, unit: 'Count', dimension });
    },
    timing: (metric, milliseconds) => {
      if (!dropped.has(metric)) telemetry.timing(metric, milliseconds);
      else notifyMetric({ name: metric, value: milliseconds, unit: 'Milliseconds' });
    },
    gauge: (metric, seconds) => {
      if (!dropped.has(metric)) telemetry.gauge(metric, seconds);
    },
  };
}
