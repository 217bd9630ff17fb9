import { CfnOutput, RemovalPolicy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Tracing } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { SourceConfig } from '../functions/contracts/model';
import { ReaderIdentity } from './identity';
import { Ingestion } from './ingestion';
import { Monitoring } from './monitoring';
import type { AlarmThresholds } from './monitoring-alarms';
import { OriginSecret } from './origin-secret';
import { ReadApi } from './read-api';
import { ReaderSite } from './reader-site';
import { Storage } from './storage';

export type StageName = 'dev' | 'prod';

export interface NewsweaveStackProps extends StackProps {
  readonly stage: StageName;
  /** Validated sources; they become the fetcher's schedule rules. */
  readonly sources: readonly SourceConfig[];
  /**
   * Address that receives the alarms.
   * @default - no e-mail subscription
   */
  readonly alarmEmail?: string;
  /**
   * The User-Agent of every fetch, naming this deployment and a contact (`MyNews/1.0 (+https://news.example.org/bot)`).
   * @default - Newsweave and the project's address
   */
  readonly userAgent?: string;
  /**
   * Browser origins allowed to call the read API directly (CORS). Needs `keepExecuteApiEndpoint`: otherwise the API
   * refuses every request that does not come through the distribution.
   * @default - no CORS
   */
  readonly corsOrigins?: readonly string[];
  /**
   * Alarm thresholds that differ from DEFAULT_ALARM_THRESHOLDS.
   * @default - the defaults
   */
  readonly alarmThresholds?: Partial<AlarmThresholds>;
  /**
   * The prefix of the managed login's domain (`<prefix>.auth.<region>.amazoncognito.com`).
   * @default `newsweave-<stage>-<account id>`
   */
  readonly authDomainPrefix?: string;
  /**
   * Retention of every log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Powertools log level of every function.
   * @default 'INFO'
   */
  readonly logLevel?: string;
  /**
   * The WAF web ACL of the distribution (scope CLOUDFRONT, in us-east-1: lib/edge-shield.ts's EdgeStack), by ARN and
   * by name (its metrics go on the dashboard).
   * @default - no WAF
   */
  readonly webAcl?: { readonly arn: string; readonly name: string };
  /**
   * A custom domain for the API and its ACM certificate (in this stack's region). With one, CloudFront reaches the API
   * there and the execute-api endpoint is disabled, unless `keepExecuteApiEndpoint`.
   * @default - none: CloudFront reaches the API at its execute-api endpoint, which must then stay on
   */
  readonly apiDomain?: { readonly domainName: string; readonly certificateArn: string };
  /**
   * Keeps the execute-api endpoint on although the API has a domain: for deployments whose clients call the API
   * directly rather than through the distribution.
   * @default false
   */
  readonly keepExecuteApiEndpoint?: boolean;
  /**
   * X-Ray tracing of the API function.
   * @default false
   */
  readonly apiTracing?: boolean;
  /**
   * Concurrency reserved for (and capping) the API function.
   * @default 20
   */
  readonly apiReservedConcurrency?: number;
}

/**
 * Newsweave in one stack: storage, ingestion, the API, the readers' identity, the reader site and monitoring. A prod
 * stack retains its data (and its user pool) when deleted; a dev stack takes everything with it.
 */
export class NewsweaveStack extends Stack {
  readonly storage: Storage;
  readonly ingestion: Ingestion;
  readonly readApi: ReadApi;
  /** The header value the distribution adds and the API requires; absent with `keepExecuteApiEndpoint`. */
  readonly originSecret?: OriginSecret;
  readonly identity: ReaderIdentity;
  readonly readerSite: ReaderSite;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: NewsweaveStackProps) {
    super(scope, id, {
      description: `Newsweave (${props.stage}): serverless news aggregation`,
      ...props,
    });
    if ((props.corsOrigins?.length ?? 0) > 0 && props.keepExecuteApiEndpoint !== true) {
      throw new Error('NewsweaveStack: corsOrigins needs keepExecuteApiEndpoint, or the API refuses every cross-origin call (no distribution secret)');
    }
    const isProd = props.stage === 'prod';
    const removalPolicy = isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const common = {
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
      logLevel: props.logLevel,
      removalPolicy,
    };
    Tags.of(this).add('project', 'newsweave');
    Tags.of(this).add('stage', props.stage);

    // A prod table is retained with the stack and protected from deletion by anyone; point-in-time recovery is on
    // in every stage.
    this.storage = new Storage(this, 'Storage', { removalPolicy, allowDestroy: !isProd, deletionProtection: isProd });
    const table = this.storage.table;
    this.ingestion = new Ingestion(this, 'Ingestion', { ...common, table, sources: props.sources, userAgent: props.userAgent });
    this.readApi = new ReadApi(this, 'ReadApi', {
      ...common,
      table,
      corsOrigins: props.corsOrigins,
      reservedConcurrency: props.apiReservedConcurrency,
      tracing: props.apiTracing ? Tracing.ACTIVE : Tracing.PASS_THROUGH,
      domain: props.apiDomain && {
        domainName: props.apiDomain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'ApiCertificate', props.apiDomain.certificateArn),
      },
      // Everything reaches the API through the distribution (its cache, its WAF), unless clients are meant to call it.
      disableExecuteApiEndpoint: props.apiDomain !== undefined && props.keepExecuteApiEndpoint !== true,
    });
    // Unless clients are meant to call the API directly, it takes only what comes through the distribution.
    this.originSecret = props.keepExecuteApiEndpoint === true ? undefined : new OriginSecret(this, 'OriginSecret', { removalPolicy });
    if (this.originSecret) this.readApi.requireOriginSecret(this.originSecret.value);
    this.identity = new ReaderIdentity(this, 'Identity', { stage: props.stage, domainPrefix: props.authDomainPrefix, removalPolicy });
    this.readerSite = new ReaderSite(this, 'ReaderSite', {
      httpApi: this.readApi.httpApi,
      apiOriginDomainName: this.readApi.originDomainName,
      apiOriginSecret: this.originSecret?.value,
      webAclArn: props.webAcl?.arn,
      identity: this.identity,
      logRetention: common.logRetention,
      removalPolicy,
    });
    // The site's address is the reader client's callback, so the authorizer follows the site.
    this.readApi.requireSignIn(this.identity.userPool, this.identity.readerClient);
    this.monitoring = new Monitoring(this, 'Monitoring', {
      ...props.alarmThresholds,
      stage: props.stage,
      schedules: this.ingestion.schedules,
      redriveRule: this.ingestion.redriveRule,
      queue: this.ingestion.queue,
      deadLetterQueue: this.ingestion.deadLetterQueue,
      table,
      httpApi: this.readApi.httpApi,
      fetcher: this.ingestion.fetcher.function,
      fetcherLogGroup: this.ingestion.fetcher.logGroup,
      worker: this.ingestion.worker.function,
      redriver: this.ingestion.redriver.function,
      apiHandler: this.readApi.handler.function,
      webAclName: props.webAcl?.name,
      alarmEmail: props.alarmEmail,
      removalPolicy,
    });

    new CfnOutput(this, 'ApiUrl', {
      value: this.readApi.url,
      description: this.originSecret
        ? "API Gateway's own address, which answers 403 to whatever does not come through the distribution: call the API at ReaderUrl"
        : 'Base URL of the read API',
    });
    if (this.readApi.domainName) {
      new CfnOutput(this, 'ApiDomainTarget', {
        value: this.readApi.domainName.regionalDomainName,
        description: "Point the API domain's DNS record (CNAME or alias) here: CloudFront reaches the API by that name",
      });
    }
    new CfnOutput(this, 'ReaderUrl', { value: this.readerSite.url, description: 'The reader page, which also serves the read API' });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId, description: 'Readers; add moderators to its moderators group' });
    new CfnOutput(this, 'ReaderClientId', { value: this.identity.readerClient.userPoolClientId });
    new CfnOutput(this, 'SignInUrl', { value: this.identity.loginUrl, description: 'The managed login (sign-up and sign-in)' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'QueueUrl', { value: this.ingestion.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.ingestion.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueArn', { value: this.ingestion.deadLetterQueue.queueArn });
    new CfnOutput(this, 'RedriveFunctionName', {
      value: this.ingestion.redriver.function.functionName,
      description: 'Invoke with {"force": true} to send every dead letter back now (docs/operations.md)',
    });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.monitoring.topic.topicArn,
      description: 'Where the alarms go: subscribe to it (e-mail, chat, paging) unless alarmEmail did',
    });
  }
}
