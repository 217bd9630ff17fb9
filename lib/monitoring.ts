import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  LogQueryWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  METRICS_NAMESPACE,
  PIPELINE_COUNTS,
  SERVICE_DIMENSION,
  SERVICE_NAME,
  type DimensionOf,
  type MetricName,
} from '../functions/shared/telemetry-contract';
import { MANAGED_RULE_GROUPS, RATE_RULE_NAME, webAclMetric } from './edge-shield';


/** Alarm thresholds, every one configurable from the CDK context (docs/operations.md). */
export interface AlarmThresholds {
  /** Alarm when the oldest queued article is older than this. */
  readonly oldestMessageAgeSeconds: number;
  /** Alarm when more than this share of worker invocations fail, in percent. */
  readonly workerErrorRatePercent: number;
  /** Alarm when more than this share of API requests answer 5xx, in percent. */
  readonly apiServerErrorRatePercent: number;
  /** Alarm when the API's p99 latency exceeds this. */
  readonly apiLatencyP99Millis: number;
  /** Alarm when no article was stored for this long (also when the metric is missing). */
  readonly noArticlesMinutes: number;
  /** Alarm when the table throttles more requests than this in five minutes. */
  readonly tableThrottledRequests: number;
  /**
   * Alarm when more dead letters than this wait for their redrive for 15 minutes. The redrive brings single ones
   * back on its own; this many at once means an outage (ours, or of a large site).
   */
  readonly deadLetterBacklog: number;
}

export const DEFAULT_ALARM_THRESHOLDS: AlarmThresholds = {
  oldestMessageAgeSeconds: 1800,
  workerErrorRatePercent: 5,
  apiServerErrorRatePercent: 1,
  apiLatencyP99Millis: 2000,
  noArticlesMinutes: 120,
  tableThrottledRequests: 10,
  deadLetterBacklog: 50,
};

export interface MonitoringProps extends Partial<AlarmThresholds> {
  /** Used in the dashboard's name and the alarms' descriptions (`dev`, `prod`). */
  readonly stage: string;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly table: ITable;
  readonly httpApi: IHttpApi;
  readonly fetcher: IFunction;
  /** The fetcher's log group: its "source refreshed" lines make the dashboard's per-source table. */
  readonly fetcherLogGroup: ILogGroup;
  readonly worker: IFunction;
  /** The dead-letter redrive (lib/ingestion.ts). */
  readonly redriver: IFunction;
  readonly apiHandler: IFunction;
  /**
   * The name of the distribution's WAF web ACL (lib/edge-shield.ts): its allowed and blocked requests, per rule, go
   * on the dashboard.
   * @default - no WAF widget
   */
  readonly webAclName?: string;
  /**
   * Address subscribed to the alarm topic (it must confirm the subscription).
   * @default - no subscription; subscribe to the topic by other means
   */
  readonly alarmEmail?: string;
  /**
   * Removal policy of the topic's KMS key.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const FIVE_MINUTES = Duration.minutes(5);

/** Alarms to an encrypted SNS topic, and one dashboard that follows an article from feed to API. */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Readonly<Record<string, Alarm>>;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const thresholds = validateThresholds({ ...DEFAULT_ALARM_THRESHOLDS, ...definedOnly(props) });
    const functions = { Fetcher: props.fetcher, Worker: props.worker, Redriver: props.redriver, Api: props.apiHandler };

    // CloudWatch publishes to an encrypted topic only with a customer managed key whose policy lets it.
    const key = new Key(this, 'TopicKey', {
      description: `Newsweave ${props.stage}: encrypts the alarm topic`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'GrantsOnlyForAwsServices',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
    );
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: `Newsweave ${props.stage} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    const articlesStored = pipelineMetric('ArticlesStored', Duration.minutes(thresholds.noArticlesMinutes));
    const alarms: Record<string, Alarm> = {
      // Single dead letters are a site's bad hour and come back through the redrive; these two mean an outage.
      DeadLetterBacklog: new Alarm(this, 'DeadLetterBacklog', {
        alarmDescription: `Newsweave ${props.stage}: more than ${thresholds.deadLetterBacklog} articles failed every delivery and wait for their redrive: an outage of ours or of a large site.`,
        metric: deadLetters(props.deadLetterQueue),
        threshold: thresholds.deadLetterBacklog,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      DeadLettersGivenUp: new Alarm(this, 'DeadLettersGivenUp', {
        alarmDescription: `Newsweave ${props.stage}: articles kept failing through every redrive (about a day and a half) and were given up.`,
        metric: pipelineMetric('DeadLettersGivenUp', Duration.hours(1)),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      RedriveFailing: new Alarm(this, 'RedriveFailing', {
        alarmDescription: `Newsweave ${props.stage}: the dead-letter redrive fails; dead letters are not coming back.`,
        metric: props.redriver.metricErrors({ statistic: 'Sum', period: Duration.minutes(15) }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      OldestMessageTooOld: new Alarm(this, 'OldestMessageTooOld', {
        alarmDescription: `Newsweave ${props.stage}: the worker is not keeping up with the article queue.`,
        metric: props.queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        threshold: thresholds.oldestMessageAgeSeconds,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      WorkerErrorRate: new Alarm(this, 'WorkerErrorRate', {
        alarmDescription: `Newsweave ${props.stage}: worker invocations fail (percent of invocations).`,
        metric: errorRate(props.worker.metricErrors({ statistic: 'Sum' }), props.worker.metricInvocations({ statistic: 'Sum' }), 'Worker error rate (%)'),
        threshold: thresholds.workerErrorRatePercent,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      ApiServerErrorRate: new Alarm(this, 'ApiServerErrorRate', {
        alarmDescription: `Newsweave ${props.stage}: the read API answers 5xx (percent of requests).`,
        metric: errorRate(props.httpApi.metricServerError({ statistic: 'Sum' }), props.httpApi.metricCount({ statistic: 'Sum' }), 'API 5xx rate (%)'),
        threshold: thresholds.apiServerErrorRatePercent,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      ApiLatencyP99: new Alarm(this, 'ApiLatencyP99', {
        alarmDescription: `Newsweave ${props.stage}: the read API is slow (p99 latency, ms).`,
        metric: props.httpApi.metricLatency({ statistic: 'p99', period: FIVE_MINUTES }),
        threshold: thresholds.apiLatencyP99Millis,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      NoArticlesStored: new Alarm(this, 'NoArticlesStored', {
        alarmDescription: `Newsweave ${props.stage}: no article stored in ${thresholds.noArticlesMinutes} minutes.`,
        metric: articlesStored,
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // No data means nothing was stored, which is the very thing to report.
        treatMissingData: TreatMissingData.BREACHING,
      }),
      TableThrottled: new Alarm(this, 'TableThrottled', {
        alarmDescription: `Newsweave ${props.stage}: DynamoDB throttles requests to the table.`,
        metric: tableThrottles(props.table),
        threshold: thresholds.tableThrottledRequests,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    };
    const action = new SnsAction(this.topic);
    for (const alarm of Object.values(alarms)) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    this.alarms = alarms;

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `newsweave-${props.stage}`,
      defaultInterval: Duration.hours(6),
    });
    const perFunction = (label: string, metric: (fn: IFunction) => IMetric): IMetric[] =>
      Object.entries(functions).map(([name, fn]) => withLabel(metric(fn), `${name} ${label}`));
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# Newsweave ${props.stage}\nFeed → fetcher → queue → worker → table → API. Per-source health (last error, error count, next attempt): \`GET /sources\`.`,
        width: 24,
        height: 2,
      }),
    );
    // Per-source health from the fetcher's "source refreshed" log lines: a source as a metric dimension would cost a
    // metric per source, and a log query shows the stale ones (oldest last run first) and the failing ones.
    this.dashboard.addWidgets(
      new LogQueryWidget({
        title: 'Sources: last run, last status and error (stalest first)',
        width: 24,
        height: 6,
        logGroupNames: [props.fetcherLogGroup.logGroupName],
        queryLines: [
          'filter message = "source refreshed"',
          'stats latest(@timestamp) as lastRun, latest(status) as lastStatus, latest(error) as lastError, sum(queued) as queued, count(*) as runs by sourceId',
          'sort lastRun asc',
        ],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Pipeline throughput (per 5 minutes)',
        width: 12,
        left: PIPELINE_COUNTS.map((name) => anyDimension(name)),
      }),
      new GraphWidget({
        title: 'Extraction time (ms)',
        width: 12,
        left: [
          pipelineMetric('ExtractionTime', FIVE_MINUTES, 'p50'),
          pipelineMetric('ExtractionTime', FIVE_MINUTES, 'p99'),
        ],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Article queue',
        width: 8,
        left: [
          props.queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', label: 'Visible' }),
          props.queue.metricApproximateNumberOfMessagesNotVisible({ statistic: 'Maximum', label: 'In flight' }),
        ],
        right: [props.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', label: 'Oldest message age (s)' })],
      }),
      new GraphWidget({
        title: 'Dead-letter queue',
        width: 8,
        left: [deadLetters(props.deadLetterQueue)],
        right: [pipelineMetric('DeadLettersRedriven', FIVE_MINUTES), pipelineMetric('DeadLettersGivenUp', FIVE_MINUTES)],
      }),
      new GraphWidget({
        title: 'Fetch errors by kind, rejected pages by reason',
        width: 8,
        left: [byDimension('FetchErrors', 'kind')],
        right: [byDimension('PagesRejected', 'reason')],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda errors and throttles',
        width: 8,
        left: [
          ...perFunction('errors', (fn) => fn.metricErrors({ statistic: 'Sum' })),
          ...perFunction('throttles', (fn) => fn.metricThrottles({ statistic: 'Sum' })),
        ],
      }),
      new GraphWidget({
        title: 'Lambda duration p99 (ms)',
        width: 8,
        left: perFunction('p99', (fn) => fn.metricDuration({ statistic: 'p99' })),
      }),
      new GraphWidget({
        title: 'Lambda concurrent executions',
        width: 8,
        left: perFunction('concurrency', (fn) => fn.metric('ConcurrentExecutions', { statistic: 'Maximum' })),
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests',
        width: 12,
        left: [
          props.httpApi.metricCount({ statistic: 'Sum', label: 'Requests' }),
          props.httpApi.metricClientError({ statistic: 'Sum', label: '4xx' }),
          props.httpApi.metricServerError({ statistic: 'Sum', label: '5xx' }),
        ],
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        width: 12,
        left: [
          props.httpApi.metricLatency({ statistic: 'p50', label: 'p50' }),
          props.httpApi.metricLatency({ statistic: 'p99', label: 'p99' }),
        ],
      }),
    );
    if (props.webAclName) {
      const webAcl = props.webAclName;
      this.dashboard.addWidgets(
        new GraphWidget({
          title: 'WAF at the edge: requests allowed and blocked (us-east-1)',
          width: 12,
          left: [webAclMetric(webAcl, 'AllowedRequests'), webAclMetric(webAcl, 'BlockedRequests')],
        }),
        new GraphWidget({
          title: 'WAF: blocked requests by rule',
          width: 12,
          left: [...MANAGED_RULE_GROUPS, RATE_RULE_NAME].map((rule) => webAclMetric(webAcl, 'BlockedRequests', rule)),
        }),
      );
    }
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'DynamoDB consumed capacity',
        width: 12,
        left: [
          props.table.metricConsumedReadCapacityUnits({ statistic: 'Sum', label: 'Read units' }),
          props.table.metricConsumedWriteCapacityUnits({ statistic: 'Sum', label: 'Write units' }),
        ],
      }),
      new GraphWidget({
        title: 'DynamoDB throttled requests',
        width: 12,
        left: [tableThrottles(props.table)],
      }),
    );
  }
}

/** A pipeline metric as the functions emit it: namespace `Newsweave`, default dimension `service`. */
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

/**
 * One series per value of the metric's extra dimension. Fetch errors carry their `kind`, not the source: a
 * per-source dimension would cost a metric per source, and per-source health is on the source records already
 * (`GET /sources`: last error, error count, next attempt).
 */
function byDimension<Name extends MetricName>(name: Name, dimension: DimensionOf<Name>['name']): MathExpression {
  return new MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},${SERVICE_DIMENSION},${dimension}} MetricName="${name}"', 'Sum', 300)`,
    label: '',
    period: FIVE_MINUTES,
  });
}

/**
 * The sum of a pipeline metric over all its dimension sets: some counts carry one extra dimension (PagesRejected
 * by `reason`, FetchErrors by `sourceId`), and a plain metric would miss those series.
 */
function anyDimension(name: MetricName): MathExpression {
  return new MathExpression({
    expression: `SUM(SEARCH('Namespace="${METRICS_NAMESPACE}" MetricName="${name}"', 'Sum', 300))`,
    label: name,
    period: FIVE_MINUTES,
  });
}

/** All dead letters, those the redrive has hidden until they cool down included. */
function deadLetters(queue: IQueue): MathExpression {
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

function errorRate(errors: IMetric, total: IMetric, label: string): MathExpression {
  return new MathExpression({
    expression: 'IF(total > 0, 100 * errors / total, 0)',
    usingMetrics: { errors, total },
    label,
    period: FIVE_MINUTES,
  });
}

function tableThrottles(table: ITable): IMetric {
  return table.metricThrottledRequestsForOperations({
    operations: [
      Operation.GET_ITEM,
      Operation.BATCH_GET_ITEM,
      Operation.QUERY,
      Operation.PUT_ITEM,
      Operation.UPDATE_ITEM,
      Operation.BATCH_WRITE_ITEM,
    ],
    period: FIVE_MINUTES,
    label: 'Throttled requests',
  });
}

function withLabel(metric: IMetric, label: string): IMetric {
  return metric instanceof Metric ? metric.with({ label }) : metric;
}

function definedOnly(props: Partial<AlarmThresholds>): Partial<AlarmThresholds> {
  const out: Partial<Record<keyof AlarmThresholds, number>> = {};
  for (const key of Object.keys(DEFAULT_ALARM_THRESHOLDS) as (keyof AlarmThresholds)[]) {
    const value = props[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Refuses thresholds CloudWatch would refuse at deploy time, or that would never fire. */
export function validateThresholds(thresholds: AlarmThresholds): AlarmThresholds {
  const check = (key: keyof AlarmThresholds, ok: (n: number) => boolean, rule: string): void => {
    const value = thresholds[key];
    if (!Number.isFinite(value) || !ok(value)) throw new Error(`alarm threshold ${key}: ${rule}, not ${value}`);
  };
  check('oldestMessageAgeSeconds', (n) => n >= 60, 'at least 60 seconds');
  check('workerErrorRatePercent', (n) => n > 0 && n < 100, 'a percentage above 0 and below 100');
  check('apiServerErrorRatePercent', (n) => n > 0 && n < 100, 'a percentage above 0 and below 100');
  check('apiLatencyP99Millis', (n) => n > 0 && n <= 30_000, 'above 0 and at most 30000 ms (the API timeout)');
  // An alarm may look back at most one day; its period must be whole minutes.
  check('noArticlesMinutes', (n) => Number.isInteger(n) && n >= 10 && n <= 1440, 'whole minutes from 10 to 1440');
  check('tableThrottledRequests', (n) => n >= 0, 'zero or more');
  check('deadLetterBacklog', (n) => Number.isInteger(n) && n >= 1, 'a whole number, 1 or more');
  return thresholds;
}
