/**
 * The telemetry contract: what the functions emit and what lib/monitoring/ watches, in one place. The service name,
 * the metric namespace, every custom metric with its unit, and the one extra dimension a metric may carry. Plain data
 * with no imports, so that the Lambda bundles, the local runtime and the CDK app all read the same names.
 */

/** Powertools' service name: the `service` dimension of every metric, and the `service` key of every log line. */
export const SERVICE_NAME = 'newsweave';
export const METRICS_NAMESPACE = 'Newsweave';
/** The dimension Powertools adds to every metric, whose value is SERVICE_NAME. */
export const SERVICE_DIMENSION = 'service';

interface MetricDefinition {
  readonly unit: 'Count' | 'Milliseconds' | 'Seconds';
  /** The one low-cardinality dimension the metric carries besides `service`, on every data point. */
  readonly dimension?: string;
}

export const METRICS = {
  // The fetcher: one refresh of a source, the URLs it queued, its failures by kind (never by source: a metric per
  // source would cost a metric per source; per-source health is on the source records, GET /sources).
  SourcesFetched: { unit: 'Count' },
  FetchErrors: { unit: 'Count', dimension: 'kind' },
  UrlsQueued: { unit: 'Count' },
  QueueSendFailures: { unit: 'Count' },
  /** Sources a run had no time to start (refreshSources' `startBy`): its schedule holds more than one run can reach. */
  SourcesNotReached: { unit: 'Count' },
  /** URLs left for another delivery (by the worker) or held or sent back (by the redrive) whose queued mark could not be written. */
  QueuedMarkFailures: { unit: 'Count' },
  /**
   * How long a source has been failing, at each refresh (backed-off ones included): 0 when its last fetch succeeded,
   * else the time since its last success (functions/sources/failure-age.ts). Watched by its maximum.
   */
  SourceFailureAge: { unit: 'Seconds' },
  // The worker.
  ArticlesStored: { unit: 'Count' },
  DuplicatesSkipped: { unit: 'Count' },
  PagesRejected: { unit: 'Count', dimension: 'reason' },
  PagesDeferred: { unit: 'Count', dimension: 'reason' },
  RelatedIndexUpdates: { unit: 'Count' },
  ExtractionTime: { unit: 'Milliseconds' },
  // The dead-letter redrive.
  DeadLettersRedriven: { unit: 'Count' },
  DeadLettersGivenUp: { unit: 'Count' },
  // The API.
  ApiRequests: { unit: 'Count' },
  ApiErrors: { unit: 'Count' },
  ApiClientErrors: { unit: 'Count' },
  ApiLatency: { unit: 'Milliseconds' },
  CommentsPosted: { unit: 'Count' },
  CommentsDeleted: { unit: 'Count' },
  CommentsModerated: { unit: 'Count' },
  CommentsRateLimited: { unit: 'Count', dimension: 'window' },
  CommentCountFailed: { unit: 'Count' },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRICS;
type MetricsWithUnit<Unit extends MetricDefinition['unit']> = {
  [Name in MetricName]: (typeof METRICS)[Name]['unit'] extends Unit ? Name : never;
}[MetricName];
/** Counts, summed: `Telemetry.count`. */
export type CountMetric = MetricsWithUnit<'Count'>;
/** Durations of a step, in milliseconds: `Telemetry.timing`. */
export type TimingMetric = MetricsWithUnit<'Milliseconds'>;
/** A level at one moment, in seconds: `Telemetry.gauge`. */
export type GaugeMetric = MetricsWithUnit<'Seconds'>;

/** The dimension a count carries, by the contract: `{ name: 'kind', value: 'timeout' }` for FetchErrors, none for others. */
export type DimensionOf<Name extends MetricName> = (typeof METRICS)[Name] extends { readonly dimension: infer Dimension extends string }
  ? { readonly name: Dimension; readonly value: string }
  : never;

/** The counts the pipeline's throughput graph sums (lib/monitoring/), fetcher to redrive. */
export const PIPELINE_COUNTS = [
  'SourcesFetched',
  'FetchErrors',
  'UrlsQueued',
  'ArticlesStored',
  'DuplicatesSkipped',
  'PagesRejected',
  'RelatedIndexUpdates',
  'QueueSendFailures',
  'SourcesNotReached',
  'QueuedMarkFailures',
  'PagesDeferred',
  'DeadLettersRedriven',
  'DeadLettersGivenUp',
] as const satisfies readonly CountMetric[];
