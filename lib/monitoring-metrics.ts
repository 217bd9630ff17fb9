/**
 * The metrics Newsweave is watched by, defined once for the alarms (monitoring-alarms.ts) and the dashboard
 * (monitoring-dashboard.ts): the functions' own metrics by the telemetry contract, and what AWS measures of the
 * queues, the table, the API and each function.
 */
import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { MathExpression, Metric, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IRule } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import {
  METRICS_NAMESPACE,
  SERVICE_DIMENSION,
  SERVICE_NAME,
  type DimensionOf,
  type MetricName,
} from '../functions/shared/telemetry-contract';
import { TABLE_KEYS } from '../functions/contracts/table-schema';

export const FIVE_MINUTES = Duration.minutes(5);

/** A schedule rule of the fetcher (lib/ingestion.ts's FetchSchedule), as monitoring sees it. */
export interface WatchedSchedule {
  /** The rule's construct ID: the schedule's alarm is keyed by it, so reordering sources does not replace it. */
  readonly id: string;
  /** Its schedule expression: `rate(10 minutes)`, `cron(0 * * * ? *)`. */
  readonly expression: string;
  readonly rule: IRule;
  readonly sourceCount: number;
}

/** What is watched: the stack's resources, as the Monitoring construct receives them. */
export interface WatchedResources {
  /** The fetcher's schedule rules. */
  readonly schedules: readonly WatchedSchedule[];
  /** The dead-letter redrive's schedule rule (every REDRIVE_SETTINGS.everyMinutes). */
  readonly redriveRule: IRule;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly table: ITable;
  readonly httpApi: IHttpApi;
  readonly fetcher: IFunction;
  readonly worker: IFunction;
  readonly redriver: IFunction;
  readonly apiHandler: IFunction;
}

/** Each function by the name its alarms and dashboard series carry. */
export function watchedFunctions(resources: WatchedResources): Readonly<Record<WatchedFunction, IFunction>> {
  return { Fetcher: resources.fetcher, Worker: resources.worker, Redriver: resources.redriver, ApiFunction: resources.apiHandler };
}

export type WatchedFunction = 'Fetcher' | 'Worker' | 'Redriver' | 'ApiFunction';

/** A metric as the functions emit it by the contract: its namespace, the `service` dimension. */
export function pipelineMetric(name: MetricName, period: Duration, statistic = 'Sum'): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { [SERVICE_DIMENSION]: SERVICE_NAME },
    statistic,
    period,
    label: statistic === 'Sum' ? name : `${name} ${statistic}`,
  });
}

/** One value of a count's contract dimension, as the functions emit it: FetchErrors of kind `internal`. */
export function pipelineMetricOf<Name extends MetricName>(name: Name, dimension: DimensionOf<Name>, period: Duration): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { [SERVICE_DIMENSION]: SERVICE_NAME, [dimension.name]: dimension.value },
    statistic: 'Sum',
    period,
    label: `${name} ${dimension.value}`,
  });
}

/**
 * One series per value of the metric's contract dimension: fetch errors by `kind`, rejected pages by `reason`. Never
 * by source: a metric per source would cost a metric per source, and per-source health is on the source records
 * (`GET /sources`) and in SourceFailureAge.
 */
export function byDimension<Name extends MetricName>(name: Name, dimension: DimensionOf<Name>['name']): MathExpression {
  return new MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},${SERVICE_DIMENSION},${dimension}} MetricName="${name}"', 'Sum', 300)`,
    label: '',
    period: FIVE_MINUTES,
  });
}

/**
 * The sum of a count over all its dimension sets: the counts with a contract dimension (PagesRejected by `reason`,
 * FetchErrors by `kind`) are emitted with it alone, and a plain metric would miss those series.
 */
export function anyDimension(name: MetricName): MathExpression {
  return new MathExpression({
    expression: `SUM(SEARCH('Namespace="${METRICS_NAMESPACE}" MetricName="${name}"', 'Sum', 300))`,
    label: name,
    period: FIVE_MINUTES,
  });
}

/**
 * What EventBridge counts of a rule on the default event bus (namespace AWS/Events, dimension RuleName alone): the
 * target invocations that succeeded (for a Lambda target, the event handed to Lambda), those that failed for good
 * after the rule's retries, and the runs of the rule itself (TriggeredRules). A disabled or deleted rule sends none
 * of them, and FailedInvocations is sent only when it is not zero.
 */
export function ruleMetric(rule: IRule, name: 'SuccessfulInvocationAttempts' | 'FailedInvocations' | 'TriggeredRules', period: Duration): Metric {
  return new Metric({ namespace: 'AWS/Events', metricName: name, dimensionsMap: { RuleName: rule.ruleName }, statistic: 'Sum', period });
}

/** The longest any source has been failing, in seconds, over the period (SourceFailureAge, by its maximum). */
export function sourceFailureAge(period: Duration): Metric {
  return pipelineMetric('SourceFailureAge', period, 'Maximum');
}

/** All dead letters, those the redrive has hidden until they cool down included. */
export function deadLetters(queue: IQueue): MathExpression {
  return new MathExpression({
    expression: 'visible + hidden',
    usingMetrics: {
      visible: queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
      hidden: queue.metricApproximateNumberOfMessagesNotVisible({ statistic: 'Maximum' }),
    },
    label: 'Dead letters',
    period: FIVE_MINUTES,
  });
}

export function errorRate(errors: IMetric, total: IMetric, label: string): MathExpression {
  return new MathExpression({
    expression: 'IF(total > 0, 100 * errors / total, 0)',
    usingMetrics: { errors, total },
    label,
    period: FIVE_MINUTES,
  });
}

/** The table's global secondary indexes (the listing indexes, which the API queries), whose throttling CloudWatch reports apart. */
export const TABLE_INDEX_NAMES = [TABLE_KEYS.byTimeIndex.name, TABLE_KEYS.bySourceIndex.name] as const;

/**
 * The table's throttled reads and writes, its indexes' included. Not `ThrottledRequests` by operation: for
 * BatchGetItem and BatchWriteItem DynamoDB counts a request there only when every item of it is throttled, and the
 * worker and the API retry the items of a partly throttled one (UnprocessedKeys, UnprocessedItems): the throttle
 * events count those too, for every operation. An index's throttle events are their own series (dimension
 * `GlobalSecondaryIndexName`): the API's listings read the indexes, and a write the table takes can be throttled by
 * an index's. A series with no data in a period counts 0 (FILL), so that the sum is not left empty.
 */
export function tableThrottles(table: ITable): IMetric {
  const usingMetrics: Record<string, IMetric> = { reads: tableThrottleEvents(table, 'Read'), writes: tableThrottleEvents(table, 'Write') };
  TABLE_INDEX_NAMES.forEach((index, i) => {
    usingMetrics[`index${i}reads`] = tableThrottleEvents(table, 'Read', index);
    usingMetrics[`index${i}writes`] = tableThrottleEvents(table, 'Write', index);
  });
  return new MathExpression({
    expression: Object.keys(usingMetrics).map((id) => `FILL(${id}, 0)`).join(' + '),
    usingMetrics,
    period: FIVE_MINUTES,
    label: 'Throttled reads and writes',
  });
}

/** The table's throttle events of one kind, or one index's (dimension `GlobalSecondaryIndexName`). */
export function tableThrottleEvents(table: ITable, kind: 'Read' | 'Write', index?: string): Metric {
  return table.metric(`${kind}ThrottleEvents`, {
    statistic: 'Sum',
    period: FIVE_MINUTES,
    label: index ? `${index} ${kind.toLowerCase()} throttle events` : `${kind} throttle events`,
    ...(index ? { dimensionsMap: { TableName: table.tableName, GlobalSecondaryIndexName: index } } : {}),
  });
}

export function withLabel(metric: IMetric, label: string): IMetric {
  return metric instanceof Metric ? metric.with({ label }) : metric;
}
