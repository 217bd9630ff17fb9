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
  /** A count metric (`ArticlesStored`, `PagesRejected`), with at most one low-cardinality dimension. */
  count(metric: string, value?: number, dimension?: { readonly name: string; readonly value: string }): void;
  /** A duration metric in milliseconds (`ExtractionTime`). */
  timing(metric: string, milliseconds: number): void;
}

const quiet: Log = { debug() {}, info() {}, warn() {}, error() {} };

export const silentTelemetry: Telemetry = { log: quiet, count() {}, timing() {} };
