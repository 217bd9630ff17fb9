/**
 * Monitoring: alarms to an encrypted SNS topic, and one dashboard that follows an article from feed to API. Split as
 * cdk-monitoring-constructs does: the metrics (monitoring-metrics.ts), the alarms with their severities and
 * thresholds (monitoring-alarms.ts), the dashboard (monitoring-dashboard.ts); this construct wires them to the topic.
 */
import { Annotations, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Alarm, Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { refreshMinutes } from '../functions/sources/refresh-interval';
import { alarmSpecs, createAlarms, resolveThresholds, unwatchedSchedules, type AlarmThresholds } from './monitoring-alarms';
import { createDashboard } from './monitoring-dashboard';
import type { WatchedResources } from './monitoring-metrics';

export interface MonitoringProps extends Partial<AlarmThresholds>, WatchedResources {
  /** Used in the dashboard's name and the alarms' descriptions (`dev`, `prod`). */
  readonly stage: string;
  /** The fetcher's log group: its "source refreshed" lines make the dashboard's per-source table. */
  readonly fetcherLogGroup: ILogGroup;
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

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Readonly<Record<string, Alarm>>;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const thresholds = resolveThresholds(props);
    this.topic = alarmTopic(this, props);
    this.alarms = createAlarms(this, props.stage, alarmSpecs(props, thresholds), new SnsAction(this.topic));
    for (const schedule of unwatchedSchedules(props.schedules)) {
      // The operator should know that nothing tells them when these sources stop being fetched.
      const why = refreshMinutes(schedule.expression) === null
        ? 'it runs on some days only, so it has no one interval to wait for'
        : 'its first run comes more than 2 days after its rule is created, later than an alarm may wait for it (CloudWatch\'s warm-up), so the alarm would fire on every new rule';
      Annotations.of(this).addWarningV2(
        `newsweave:schedule-not-alarmed:${schedule.expression}`,
        `no alarm watches the schedule "${schedule.expression}" (${schedule.sourceCount} source(s)): ${why}. ` +
          'Check its sources in GET /sources by their lastSuccessAt (docs/operations.md, "Schedules that stop").',
      );
    }
    this.dashboard = createDashboard(this, 'Dashboard', { ...props, alarms: Object.values(this.alarms) });
  }
}

/** An SNS topic encrypted with a customer managed key: CloudWatch publishes to an encrypted topic only with one whose policy lets it. */
function alarmTopic(scope: Construct, props: MonitoringProps): Topic {
  const key = new Key(scope, 'TopicKey', {
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
  const topic = new Topic(scope, 'AlarmTopic', { displayName: `Newsweave ${props.stage} alarms`, masterKey: key, enforceSSL: true });
  // enforceSSL gives the topic a policy of its own, which replaces SNS's default one (that let the account's services
  // publish): this account's alarms are let in by name.
  const { account, partition, region } = Stack.of(scope);
  topic.addToResourcePolicy(
    new PolicyStatement({
      sid: 'AlarmsOfThisAccountPublish',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': account },
        ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
      },
    }),
  );
  if (props.alarmEmail) topic.addSubscription(new EmailSubscription(props.alarmEmail));
  return topic;
}
