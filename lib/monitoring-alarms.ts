/**
 * The alarms, as data: each one's severity, the metric it watches (monitoring-metrics.ts) and when it fires, with
 * the thresholds an operator may change from the CDK context. docs/operations.md says what to do about each.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type CfnAlarm, type IAlarmAction, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { REDRIVE_SETTINGS } from '../functions/contracts/queue-settings';
import { refreshMinutes } from '../functions/sources/refresh-interval';
import { API_FUNCTION_TIMEOUT } from './read-api';
import {
  FIVE_MINUTES,
  deadLetters,
  errorRate,
  pipelineMetric,
  pipelineMetricOf,
  ruleMetric,
  sourceFailureAge,
  tableThrottles,
  watchedFunctions,
  type WatchedResources,
  type WatchedSchedule,
} from './monitoring-metrics';

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
  /** Alarm when the table throttles more reads and writes than this in five minutes (its throttle events). */
  readonly tableThrottledRequests: number;
  /**
   * Alarm when more dead letters than this wait for their redrive for 15 minutes. The redrive brings single ones
   * back on its own; this many at once means an outage (ours, or of a large site).
   */
  readonly deadLetterBacklog: number;
  /** Alarm when a source has not been fetched successfully for this many hours and is failing. */
  readonly sourceFailingHours: number;
  /** Alarm when a function is throttled more than this many times in five minutes (two periods of three). */
  readonly functionThrottles: number;
}

export const DEFAULT_ALARM_THRESHOLDS: AlarmThresholds = {
  oldestMessageAgeSeconds: 1800,
  workerErrorRatePercent: 5,
  apiServerErrorRatePercent: 1,
  apiLatencyP99Millis: 2000,
  noArticlesMinutes: 120,
  tableThrottledRequests: 10,
  deadLetterBacklog: 50,
  sourceFailingHours: 24,
  functionThrottles: 0,
};

/**
 * critical: readers or ingestion are failing now; act at once. warning: something degrades or one part needs a
 * look within the day; nothing is lost meanwhile.
 */
export type Severity = 'critical' | 'warning';

/** One alarm: what it watches and when it fires. */
export interface AlarmSpec {
  readonly severity: Severity;
  /** What firing means, for the notification. */
  readonly summary: string;
  readonly metric: IMetric;
  readonly threshold: number;
  /** @default 'above' */
  readonly fires?: 'above' | 'below';
  /** The periods evaluated. @default 1 */
  readonly periods?: number;
  /** How many of them must breach. @default all of them */
  readonly breaching?: number;
  /** @default TreatMissingData.NOT_BREACHING: no data is no trouble */
  readonly missingData?: TreatMissingData;
  /**
   * Minutes after its creation during which the alarm stays INSUFFICIENT_DATA and takes no action, unless its data
   * fills its window sooner (CloudWatch's warm-up, 1 to 2,880): for an alarm on silence over something new.
   * @default - none: evaluated from its creation
   */
  readonly warmUpMinutes?: number;
}

/** A run missed, and time for a slow one: the operator page calls a source stale after as long (two intervals and 5). */
const STALE_MARGIN_MINUTES = 5;
/** The redrive's schedule is watched as a fetch schedule is: two of its intervals and 5 minutes. */
const REDRIVE_STOPPED_MINUTES = 2 * REDRIVE_SETTINGS.everyMinutes + STALE_MARGIN_MINUTES;
/** The longest warm-up CloudWatch allows: 2 days. */
const MAX_WARM_UP_MINUTES = 2 * 24 * 60;
/** From a run to its data point in the rule's metric (EventBridge publishes them a few minutes late), with room. */
const FIRST_RUN_DATA_MARGIN_MINUTES = 15;
/**
 * The longest interval an alarm can watch: a rule's first run comes up to an interval after it is created (a `rate`
 * one exactly one interval after), and its data point must arrive before the alarm's warm-up ends, or the alarm,
 * seeing no data and counting that as breaching, fires on a new rule that is fine (with `rate(3 days)`, from the
 * second day to the third). 2,865 minutes: every daily schedule, not `rate(2 days)`.
 */
const MAX_WATCHED_INTERVAL_MINUTES = MAX_WARM_UP_MINUTES - FIRST_RUN_DATA_MARGIN_MINUTES;

/**
 * How long a schedule's alarm waits for a run before it fires: two of its intervals and 5 minutes, as the operator
 * page judges a source stale, so that one missed run (or one data point EventBridge failed to send: its metrics are
 * best effort) is no alarm. Null when no alarm can watch it: a cron that runs on some days only has no one interval,
 * and an interval over MAX_WATCHED_INTERVAL_MINUTES (`rate(2 days)` and longer) would alarm on every new rule before
 * its first run. (The window then stays under the 7 days an alarm may look back: at most 5,735 minutes.)
 */
export function scheduleAlarmWindowMinutes(schedule: string): number | null {
  const interval = refreshMinutes(schedule);
  if (interval === null || interval > MAX_WATCHED_INTERVAL_MINUTES) return null;
  return 2 * interval + STALE_MARGIN_MINUTES;
}

/** The schedules no alarm can watch (scheduleAlarmWindowMinutes), which the synth warns of. */
export function unwatchedSchedules(schedules: readonly WatchedSchedule[]): WatchedSchedule[] {
  return schedules.filter((schedule) => scheduleAlarmWindowMinutes(schedule.expression) === null);
}

/**
 * One alarm per schedule on the runs its rule handed to the fetcher (SuccessfulInvocationAttempts), summed over one
 * period as long as its window, which slides forward at each evaluation (CloudWatch's default): none in two intervals and 5 minutes means its sources are not fetched, whether
 * the rule was disabled or deleted (no data at all, hence breaching) or its target fails (the permission gone, the
 * function gone). Keyed by the rule's construct ID. Then one on the fetcher itself not running once in the shortest
 * window: events handed to Lambda that it never runs (reserved concurrency 0, throttled past the event's age).
 * A rule's first run comes up to an interval after its creation, so each warms up for its window (2 days at most,
 * which its first run's data point always beats: MAX_WATCHED_INTERVAL_MINUTES): silence before a new rule could have
 * run is no alarm, and the warm-up ends at its first run.
 */
function scheduleSpecs(watched: WatchedResources): Record<string, AlarmSpec> {
  const specs: Record<string, AlarmSpec> = {};
  const windows: number[] = [];
  for (const schedule of watched.schedules) {
    const window = scheduleAlarmWindowMinutes(schedule.expression);
    if (window === null) continue;
    windows.push(window);
    specs[`${schedule.id}-Stopped`] = {
      severity: 'critical',
      summary:
        `no run of the schedule ${schedule.expression} reached the fetcher in ${window} minutes, ` +
        'two of its intervals and 5: its rule is disabled or gone, or its target fails. Its sources are not fetched.',
      metric: ruleMetric(schedule.rule, 'SuccessfulInvocationAttempts', Duration.minutes(window)),
      threshold: 1,
      fires: 'below',
      missingData: TreatMissingData.BREACHING,
      warmUpMinutes: Math.min(window, MAX_WARM_UP_MINUTES),
    };
  }
  if (windows.length > 0) {
    const shortest = Math.min(...windows);
    specs.FetcherNotRunning = {
      severity: 'critical',
      summary: `the fetcher has not run once in ${shortest} minutes (two intervals and 5 of the most frequent schedule): no source is fetched.`,
      metric: watched.fetcher.metricInvocations({ statistic: 'Sum', period: Duration.minutes(shortest) }),
      threshold: 1,
      fires: 'below',
      missingData: TreatMissingData.BREACHING,
      warmUpMinutes: Math.min(shortest, MAX_WARM_UP_MINUTES),
    };
  }
  return specs;
}

export function alarmSpecs(watched: WatchedResources, thresholds: AlarmThresholds): Record<string, AlarmSpec> {
  const functions = watchedFunctions(watched);
  const throttles: Record<string, AlarmSpec> = {};
  for (const [name, fn] of Object.entries(functions)) {
    throttles[`${name}Throttled`] = {
      severity: 'warning',
      summary: `Lambda throttles the ${name} function (more than ${thresholds.functionThrottles} in five minutes).`,
      metric: fn.metricThrottles({ statistic: 'Sum', period: FIVE_MINUTES }),
      threshold: thresholds.functionThrottles,
      periods: 3,
      breaching: 2,
    };
  }
  return {
    // Single dead letters are a site's bad hour and come back through the redrive; a backlog means an outage.
    DeadLetterBacklog: {
      severity: 'critical',
      summary: `more than ${thresholds.deadLetterBacklog} articles failed every delivery and wait for their redrive: an outage of ours or of a large site.`,
      metric: deadLetters(watched.deadLetterQueue),
      threshold: thresholds.deadLetterBacklog,
      periods: 3,
    },
    DeadLettersGivenUp: {
      severity: 'warning',
      summary: 'articles kept failing through every redrive (about a day and a half) and were given up.',
      metric: pipelineMetric('DeadLettersGivenUp', Duration.hours(1)),
      threshold: 0,
    },
    // The redrive's rule disabled or gone, or its target failing: dead letters stay in their queue (for 14 days) and
    // their URLs' queued marks run out, so their feeds queue them again. Its runs are watched as a fetch schedule's.
    RedriveStopped: {
      severity: 'warning',
      summary:
        `no run of the dead-letter redrive's schedule reached it in ${REDRIVE_STOPPED_MINUTES} minutes, two of its intervals and 5: ` +
        'its rule is disabled or gone, or its target fails. Dead letters are not coming back.',
      metric: ruleMetric(watched.redriveRule, 'SuccessfulInvocationAttempts', Duration.minutes(REDRIVE_STOPPED_MINUTES)),
      threshold: 1,
      fires: 'below',
      missingData: TreatMissingData.BREACHING,
      warmUpMinutes: REDRIVE_STOPPED_MINUTES,
    },
    RedriveFailing: {
      severity: 'warning',
      summary: 'the dead-letter redrive fails; dead letters are not coming back.',
      metric: watched.redriver.metricErrors({ statistic: 'Sum', period: Duration.minutes(15) }),
      threshold: 0,
      periods: 2,
      breaching: 2,
    },
    // The fetcher reports a failure of our own table or queue as a run's outcome, not as a failed invocation (so that
    // the other sources of the run are still read): FetcherFailing cannot see it, and sources do not count it.
    FetcherInternalErrors: {
      severity: 'critical',
      summary: 'the fetcher cannot use the table or the queue (FetchErrors of kind internal): new articles are not queued.',
      metric: pipelineMetricOf('FetchErrors', { name: 'kind', value: 'internal' }, Duration.minutes(15)),
      threshold: 0,
      periods: 2,
      breaching: 2,
    },
    // Messages the queue refused: their feeds are read again in full until they go, so articles arrive late; lasting,
    // it is ours to mend. A queue that takes none of a run's messages fires FetcherInternalErrors too (critical).
    QueueSendFailing: {
      severity: 'warning',
      summary: 'the article queue refuses some of the fetcher\'s messages (QueueSendFailures): their articles wait for a later run.',
      metric: pipelineMetric('QueueSendFailures', Duration.minutes(15)),
      threshold: 0,
      periods: 2,
      breaching: 2,
    },
    // Sources runs left untried, two hours running: a schedule with more sources, or slower ones, than one run reaches,
    // or one host's many feeds behind its Crawl-delay (each run starts at a random place: stale, not failing).
    SourcesNotReached: {
      severity: 'warning',
      summary: 'fetcher runs leave sources untried (SourcesNotReached): out of time, or their host busy (its other feeds, its Crawl-delay); they are fetched less often than scheduled.',
      metric: pipelineMetric('SourcesNotReached', Duration.hours(1)),
      threshold: 0,
      periods: 2,
      breaching: 2,
    },
    // A comment stored but not counted: the count needs a manual recount (docs/operations.md).
    CommentCountFailed: {
      severity: 'warning',
      summary: "a comment was stored or deleted but its article's comment count was not updated, or may have counted it twice: recount it (docs/operations.md).",
      metric: pipelineMetric('CommentCountFailed', Duration.hours(1)),
      threshold: 0,
    },
    FetcherFailing: {
      severity: 'critical',
      summary: 'the fetcher fails whole runs: the sources of a schedule are not read.',
      metric: watched.fetcher.metricErrors({ statistic: 'Sum', period: Duration.minutes(15) }),
      threshold: 0,
      periods: 2,
      breaching: 2,
    },
    SourceFailing: {
      severity: 'warning',
      summary: `a source has failed for ${thresholds.sourceFailingHours} hours or more; GET /sources says which and why.`,
      metric: sourceFailureAge(Duration.hours(1)),
      threshold: thresholds.sourceFailingHours * 3600,
      // Every run reports every source of its schedule; an hour without runs leaves the state as it was.
      missingData: TreatMissingData.IGNORE,
    },
    OldestMessageTooOld: {
      severity: 'warning',
      summary: 'the worker is not keeping up with the article queue.',
      metric: watched.queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      threshold: thresholds.oldestMessageAgeSeconds,
      periods: 2,
    },
    WorkerErrorRate: {
      severity: 'critical',
      summary: 'worker invocations fail (percent of invocations).',
      metric: errorRate(watched.worker.metricErrors({ statistic: 'Sum' }), watched.worker.metricInvocations({ statistic: 'Sum' }), 'Worker error rate (%)'),
      threshold: thresholds.workerErrorRatePercent,
      periods: 3,
      breaching: 2,
    },
    ApiServerErrorRate: {
      severity: 'critical',
      summary: 'the read API answers 5xx (percent of requests).',
      metric: errorRate(watched.httpApi.metricServerError({ statistic: 'Sum' }), watched.httpApi.metricCount({ statistic: 'Sum' }), 'API 5xx rate (%)'),
      threshold: thresholds.apiServerErrorRatePercent,
      periods: 3,
      breaching: 2,
    },
    ApiFunctionErrors: {
      severity: 'warning',
      summary: 'the API function fails whole invocations (a crash at load, a timeout): its callers get 5xx.',
      metric: watched.apiHandler.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
      threshold: 0,
      periods: 3,
      breaching: 2,
    },
    ApiLatencyP99: {
      severity: 'warning',
      summary: 'the read API is slow (p99 latency, ms).',
      metric: watched.httpApi.metricLatency({ statistic: 'p99', period: FIVE_MINUTES }),
      threshold: thresholds.apiLatencyP99Millis,
      periods: 3,
      breaching: 2,
    },
    NoArticlesStored: {
      severity: 'critical',
      summary: `no article stored in ${thresholds.noArticlesMinutes} minutes.`,
      metric: pipelineMetric('ArticlesStored', Duration.minutes(thresholds.noArticlesMinutes)),
      threshold: 1,
      fires: 'below',
      // No data means nothing was stored, which is the very thing to report.
      missingData: TreatMissingData.BREACHING,
      // Except on a new deployment, whose first articles come after its first runs: not an alarm on its first window.
      warmUpMinutes: thresholds.noArticlesMinutes,
    },
    TableThrottled: {
      severity: 'warning',
      summary: 'DynamoDB throttles requests to the table.',
      metric: tableThrottles(watched.table),
      threshold: thresholds.tableThrottledRequests,
    },
    ...throttles,
    ...scheduleSpecs(watched),
  };
}

/**
 * The alarms, each sending its firing and its recovery to `action`. Each is named `<stack name>-<id>`
 * (`Newsweave-prod-DeadLetterBacklog`), the name its notification carries and docs/operations.md lists it by: left to
 * CloudFormation, the name would be the logical ID with a random suffix (`...-MonitoringSchedulerate10minutes7a9d0052StoppedE57C8A9F-1X2Y3Z`),
 * which the runbook does not spell.
 */
export function createAlarms(scope: Construct, stage: string, specs: Record<string, AlarmSpec>, action: IAlarmAction): Record<string, Alarm> {
  const alarms: Record<string, Alarm> = {};
  const stackName = Stack.of(scope).stackName;
  for (const [id, spec] of Object.entries(specs)) {
    const alarm = new Alarm(scope, id, {
      alarmName: `${stackName}-${id}`,
      alarmDescription: `Newsweave ${stage}, ${spec.severity}: ${spec.summary}`,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.fires === 'below' ? ComparisonOperator.LESS_THAN_THRESHOLD : ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: spec.periods ?? 1,
      datapointsToAlarm: spec.breaching,
      treatMissingData: spec.missingData ?? TreatMissingData.NOT_BREACHING,
    });
    if (spec.warmUpMinutes !== undefined) {
      // The Alarm construct has no prop for it yet.
      (alarm.node.defaultChild as CfnAlarm).warmUpConfiguration = { warmUpPeriodDurationInMinutes: spec.warmUpMinutes };
    }
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    alarms[id] = alarm;
  }
  return alarms;
}

/** The thresholds given, over the defaults, checked. */
export function resolveThresholds(given: Partial<AlarmThresholds>): AlarmThresholds {
  const thresholds: Record<string, number> = { ...DEFAULT_ALARM_THRESHOLDS };
  for (const key of Object.keys(DEFAULT_ALARM_THRESHOLDS) as (keyof AlarmThresholds)[]) {
    const value = given[key];
    if (value !== undefined) thresholds[key] = value;
  }
  return validateThresholds(thresholds as unknown as AlarmThresholds);
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
  // The API function stops at its timeout and API Gateway answers 500 then: a p99 at or above it is never measured.
  const apiTimeoutMillis = API_FUNCTION_TIMEOUT.toMilliseconds();
  check('apiLatencyP99Millis', (n) => n > 0 && n < apiTimeoutMillis, `above 0 and below ${apiTimeoutMillis} ms (the API function's timeout)`);
  // An alarm may look back at most one day; its period must be whole minutes.
  check('noArticlesMinutes', (n) => Number.isInteger(n) && n >= 10 && n <= 1440, 'whole minutes from 10 to 1440');
  check('tableThrottledRequests', (n) => n >= 0, 'zero or more');
  check('deadLetterBacklog', (n) => Number.isInteger(n) && n >= 1, 'a whole number, 1 or more');
  check('sourceFailingHours', (n) => Number.isInteger(n) && n >= 1, 'whole hours, 1 or more');
  check('functionThrottles', (n) => Number.isInteger(n) && n >= 0, 'a whole number, 0 or more');
  return thresholds;
}
