import { CfnOutput, RemovalPolicy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { SourceConfig } from '../functions/model';
import { Ingestion } from './ingestion';
import { Monitoring, type AlarmThresholds } from './monitoring';
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
   * Browser origins allowed to call the read API.
   * @default - no CORS
   */
  readonly corsOrigins?: readonly string[];
  /**
   * Alarm thresholds that differ from DEFAULT_ALARM_THRESHOLDS.
   * @default - the defaults
   */
  readonly alarmThresholds?: Partial<AlarmThresholds>;
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
}

/**
 * Newsweave in one stack: storage, ingestion, read API and monitoring. A prod stack retains its data when
 * deleted; a dev stack takes everything with it.
 */
export class NewsweaveStack extends Stack {
  readonly storage: Storage;
  readonly ingestion: Ingestion;
  readonly readApi: ReadApi;
  readonly readerSite: ReaderSite;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: NewsweaveStackProps) {
    super(scope, id, {
      description: `Newsweave (${props.stage}): serverless news aggregation`,
      ...props,
    });
    const isProd = props.stage === 'prod';
    const removalPolicy = isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const common = {
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
      logLevel: props.logLevel,
      removalPolicy,
    };
    Tags.of(this).add('project', 'newsweave');
    Tags.of(this).add('stage', props.stage);

    this.storage = new Storage(this, 'Storage', { removalPolicy, allowDestroy: !isProd });
    const table = this.storage.table;
    this.ingestion = new Ingestion(this, 'Ingestion', { ...common, table, sources: props.sources, userAgent: props.userAgent });
    this.readApi = new ReadApi(this, 'ReadApi', { ...common, table, corsOrigins: props.corsOrigins });
    this.readerSite = new ReaderSite(this, 'ReaderSite', { httpApi: this.readApi.httpApi, logRetention: common.logRetention, removalPolicy });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      ...props.alarmThresholds,
      stage: props.stage,
      queue: this.ingestion.queue,
      deadLetterQueue: this.ingestion.deadLetterQueue,
      table,
      httpApi: this.readApi.httpApi,
      fetcher: this.ingestion.fetcher.function,
      fetcherLogGroup: this.ingestion.fetcher.logGroup,
      worker: this.ingestion.worker.function,
      redriver: this.ingestion.redriver.function,
      apiHandler: this.readApi.handler.function,
      alarmEmail: props.alarmEmail,
      removalPolicy,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.readApi.url, description: 'Base URL of the read API' });
    new CfnOutput(this, 'ReaderUrl', { value: this.readerSite.url, description: 'The reader page, which also serves the read API' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'QueueUrl', { value: this.ingestion.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.ingestion.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueArn', { value: this.ingestion.deadLetterQueue.queueArn });
    new CfnOutput(this, 'RedriveFunctionName', {
      value: this.ingestion.redriver.function.functionName,
      description: 'Invoke with {"force": true} to send every dead letter back now (docs/operations.md)',
    });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
  }
}
