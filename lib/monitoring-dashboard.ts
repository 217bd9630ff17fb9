/**
 * The dashboard: the alarms first, then an article's way from feed to API (the sources, the schedules' runs, the
 * pipeline, the queues), then the functions, the API, the comments, the edge and the table. Its metrics come from monitoring-metrics.ts, the same the alarms watch.
 */
import { Duration } from 'aws-cdk-lib';
import { AlarmStatusWidget, Dashboard, GraphWidget, LogQueryWidget, MathExpression, TextWidget, type IAlarm, type IMetric, type IWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { PIPELINE_COUNTS } from '../functions/shared/telemetry-contract';
import { MANAGED_RULE_GROUPS, RATE_RULE_NAME, webAclMetric } from './edge-shield';
import {
  FIVE_MINUTES,
  anyDimension,
  byDimension,
  deadLetters,
  pipelineMetric,
  ruleMetric,
  sourceFailureAge,
  TABLE_INDEX_NAMES,
  tableThrottleEvents,
  watchedFunctions,
  withLabel,
  type WatchedResources,
} from './monitoring-metrics';

export interface DashboardProps extends WatchedResources {
  readonly stage: string;
  /** The fetcher's log group: its "source refreshed" lines make the per-source table. */
  readonly fetcherLogGroup: ILogGroup;
  /** @default - no WAF widgets */
  readonly webAclName?: string;
  /** Shown first, by state. */
  readonly alarms: readonly IAlarm[];
}

export function createDashboard(scope: Construct, id: string, props: DashboardProps): Dashboard {
  const dashboard = new Dashboard(scope, id, { dashboardName: `newsweave-${props.stage}`, defaultInterval: Duration.hours(6) });
  const rows: IWidget[][] = [
    [
      new TextWidget({
        markdown: `# Newsweave ${props.stage}\nFeed → fetcher → queue → worker → table → API. Per-source health (last error, error count, next attempt): \`GET /sources\`. What to do about an alarm: docs/operations.md.`,
        width: 24,
        height: 2,
      }),
    ],
    [new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 3 })],
    sourceWidgets(props),
    scheduleWidgets(props),
    pipelineWidgets(),
    queueWidgets(props),
    functionWidgets(props),
    apiWidgets(props),
    commentWidgets(),
    ...(props.webAclName ? [wafWidgets(props.webAclName)] : []),
    tableWidgets(props),
  ];
  for (const row of rows) dashboard.addWidgets(...row);
  return dashboard;
}

/**
 * Per-source health from the fetcher's "source refreshed" log lines (a source as a metric dimension would cost a
 * metric per source): the least recently run first, each with its interval (a daily source's last run is hours old
 * and fine; a 5-minute one's is not), and the failing ones; beside it, how long the worst one has been failing,
 * which the SourceFailing alarm watches.
 */
function sourceWidgets(props: DashboardProps): IWidget[] {
  return [
    new LogQueryWidget({
      title: 'Sources: last run, interval, last status and error (least recently run first)',
      width: 16,
      height: 6,
      logGroupNames: [props.fetcherLogGroup.logGroupName],
      queryLines: [
        'filter message = "source refreshed"',
        'stats latest(@timestamp) as lastRun, latest(refreshMinutes) as refreshMinutes, latest(status) as lastStatus, latest(error) as lastError, sum(queued) as queued, count(*) as runs by sourceId',
        'sort lastRun asc',
      ],
    }),
    new GraphWidget({
      title: 'Longest a source has been failing (hours)',
      width: 8,
      height: 6,
      left: [new MathExpression({ expression: 'age / 3600', usingMetrics: { age: sourceFailureAge(Duration.hours(1)) }, label: 'Hours', period: Duration.hours(1) })],
    }),
  ];
}

/**
 * Each schedule rule's runs (its `-Stopped` alarm watches the delivered ones): delivered to the fetcher beside
 * the fetcher's own invocations, and failed for good beside the rule's triggers. A disabled rule shows nothing at
 * all; a rule whose target fails is still triggered and shows failures.
 */
function scheduleWidgets({ schedules, fetcher }: DashboardProps): IWidget[] {
  const perRule = (name: Parameters<typeof ruleMetric>[1], what: string): IMetric[] =>
    schedules.map((schedule) => ruleMetric(schedule.rule, name, FIVE_MINUTES).with({ label: `${schedule.expression} ${what}` }));
  return [
    new GraphWidget({
      title: 'Schedules: runs delivered to the fetcher, and its invocations (per 5 minutes)',
      width: 12,
      left: perRule('SuccessfulInvocationAttempts', 'delivered'),
      right: [fetcher.metricInvocations({ statistic: 'Sum', period: FIVE_MINUTES, label: 'Fetcher invocations' })],
    }),
    new GraphWidget({
      title: 'Schedules: deliveries failed for good, and runs triggered (per 5 minutes)',
      width: 12,
      left: perRule('FailedInvocations', 'failed'),
      right: perRule('TriggeredRules', 'triggered'),
    }),
  ];
}

function pipelineWidgets(): IWidget[] {
  return [
    new GraphWidget({ title: 'Pipeline throughput (per 5 minutes)', width: 12, left: PIPELINE_COUNTS.map((name) => anyDimension(name)) }),
    new GraphWidget({
      title: 'Extraction time (ms)',
      width: 12,
      left: [pipelineMetric('ExtractionTime', FIVE_MINUTES, 'p50'), pipelineMetric('ExtractionTime', FIVE_MINUTES, 'p99')],
    }),
  ];
}

function queueWidgets({ queue, deadLetterQueue }: DashboardProps): IWidget[] {
  return [
    new GraphWidget({
      title: 'Article queue',
      width: 8,
      left: [
        queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', label: 'Visible' }),
        queue.metricApproximateNumberOfMessagesNotVisible({ statistic: 'Maximum', label: 'In flight' }),
      ],
      right: [queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', label: 'Oldest message age (s)' })],
    }),
    new GraphWidget({
      title: 'Dead-letter queue',
      width: 8,
      left: [deadLetters(deadLetterQueue)],
      right: [pipelineMetric('DeadLettersRedriven', FIVE_MINUTES), pipelineMetric('DeadLettersGivenUp', FIVE_MINUTES)],
    }),
    new GraphWidget({
      title: 'Fetch errors by kind, rejected pages by reason',
      width: 8,
      left: [byDimension('FetchErrors', 'kind')],
      right: [byDimension('PagesRejected', 'reason')],
    }),
  ];
}

function functionWidgets(props: DashboardProps): IWidget[] {
  const perFunction = (label: string, metric: (fn: IFunction) => IMetric): IMetric[] =>
    Object.entries(watchedFunctions(props)).map(([name, fn]) => withLabel(metric(fn), `${name} ${label}`));
  return [
    new GraphWidget({
      title: 'Lambda errors and throttles',
      width: 8,
      left: [
        ...perFunction('errors', (fn) => fn.metricErrors({ statistic: 'Sum' })),
        ...perFunction('throttles', (fn) => fn.metricThrottles({ statistic: 'Sum' })),
      ],
    }),
    new GraphWidget({ title: 'Lambda duration p99 (ms)', width: 8, left: perFunction('p99', (fn) => fn.metricDuration({ statistic: 'p99' })) }),
    new GraphWidget({
      title: 'Lambda concurrent executions',
      width: 8,
      left: perFunction('concurrency', (fn) => fn.metric('ConcurrentExecutions', { statistic: 'Maximum' })),
    }),
  ];
}

function apiWidgets({ httpApi }: DashboardProps): IWidget[] {
  return [
    new GraphWidget({
      title: 'API requests',
      width: 12,
      left: [
        httpApi.metricCount({ statistic: 'Sum', label: 'Requests' }),
        httpApi.metricClientError({ statistic: 'Sum', label: '4xx' }),
        httpApi.metricServerError({ statistic: 'Sum', label: '5xx' }),
      ],
    }),
    new GraphWidget({
      title: 'API latency (ms)',
      width: 12,
      left: [httpApi.metricLatency({ statistic: 'p50', label: 'p50' }), httpApi.metricLatency({ statistic: 'p99', label: 'p99' })],
    }),
  ];
}

/**
 * The comments: what readers post and delete and moderators remove; the posts refused by the rate limit, by window;
 * and the comment counts left wrong (CommentCountFailed: a manual recount, docs/operations.md).
 */
function commentWidgets(): IWidget[] {
  return [
    new GraphWidget({
      title: 'Comments (per 5 minutes)',
      width: 12,
      left: [
        pipelineMetric('CommentsPosted', FIVE_MINUTES),
        pipelineMetric('CommentsDeleted', FIVE_MINUTES),
        pipelineMetric('CommentsModerated', FIVE_MINUTES),
      ],
    }),
    new GraphWidget({
      title: 'Comments refused by the rate limit (by window), counts to recount',
      width: 12,
      left: [byDimension('CommentsRateLimited', 'window')],
      right: [pipelineMetric('CommentCountFailed', FIVE_MINUTES)],
    }),
  ];
}

function wafWidgets(webAcl: string): IWidget[] {
  return [
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
  ];
}

function tableWidgets({ table }: DashboardProps): IWidget[] {
  return [
    new GraphWidget({
      title: 'DynamoDB consumed capacity',
      width: 12,
      left: [
        table.metricConsumedReadCapacityUnits({ statistic: 'Sum', label: 'Read units' }),
        table.metricConsumedWriteCapacityUnits({ statistic: 'Sum', label: 'Write units' }),
      ],
    }),
    new GraphWidget({
      title: 'DynamoDB throttle events',
      width: 12,
      left: [
        tableThrottleEvents(table, 'Read'),
        tableThrottleEvents(table, 'Write'),
        ...TABLE_INDEX_NAMES.flatMap((index) => [tableThrottleEvents(table, 'Read', index), tableThrottleEvents(table, 'Write', index)]),
      ],
    }),
  ];
}
