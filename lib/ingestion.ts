import { createHash } from 'node:crypto';
import { Annotations, Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Function as LambdaFn } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { configuredSourcesItem, SOURCES_PARTITION } from '../functions/contracts/table-schema';
import { DEFAULT_USER_AGENT, validateUserAgent } from '../functions/fetch/user-agent';
import { FETCHER_SETTINGS, QUEUE_SETTINGS, REDRIVE_SETTINGS } from '../functions/contracts/queue-settings';
import type { SourceConfig } from '../functions/contracts/model';
import { ENV } from '../functions/shared/config';
import { NewsweaveFunction } from './newsweave-function';
import { acknowledgeLambda, acknowledgeLogGroup } from './policy-acknowledgements';

/** EventBridge refuses a target input larger than 8192 characters; sources are split across targets below it. */
const MAX_TARGET_INPUT = 8192;
/** EventBridge allows at most five targets per rule. */
const MAX_TARGETS_PER_RULE = 5;

/** One schedule rule: the sources that share a schedule expression, fetched together at each of its runs. */
export interface FetchSchedule {
  /** The rule's construct ID, made from the expression alone (scheduleId): its alarms are keyed by it too. */
  readonly id: string;
  /** The EventBridge schedule expression, as the sources file gives it. */
  readonly expression: string;
  readonly rule: Rule;
  /** How many sources each run fetches. */
  readonly sourceCount: number;
}

export interface IngestionProps {
  /** The table the fetcher and the worker read and write. */
  readonly table: ITable;
  /** Validated sources (functions/sources/parse-sources.ts); one schedule rule per distinct `schedule`. */
  readonly sources: readonly SourceConfig[];
  /**
   * Most worker invocations the queue may drive at once (SQS event source maxConcurrency, 2 to 1000).
   * @default 10
   */
  readonly workerMaxConcurrency?: number;
  /**
   * The User-Agent of every fetch: a product token and a contact (functions/fetch/user-agent.ts checks it).
   * @default DEFAULT_USER_AGENT: Newsweave and the project's address
   */
  readonly userAgent?: string;
  /**
   * Retention of the functions' log groups.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Powertools log level of both functions.
   * @default 'INFO'
   */
  readonly logLevel?: string;
  /**
   * Removal policy of the queues and log groups.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The ingestion pipeline: scheduled rules invoke the fetcher with their sources, the fetcher queues article URLs,
 * the worker consumes the queue in batches and reports failed records so that only they are retried; a record
 * that keeps failing lands in the dead-letter queue, from which the redrive sends it back once it has cooled down.
 */
export class Ingestion extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly fetcher: NewsweaveFunction;
  readonly worker: NewsweaveFunction;
  /** Sends cooled-down dead letters back to the queue, on REDRIVE_SETTINGS' schedule. */
  readonly redriver: NewsweaveFunction;
  /** One per distinct schedule of the sources. */
  readonly schedules: readonly FetchSchedule[];
  readonly redriveRule: Rule;
  /** Records the deployed sources' ids in the table (recordConfiguredSources). */
  readonly configuredSources: AwsCustomResource;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);
    if (props.sources.length === 0) throw new Error('Ingestion: at least one source is required');
    const workerTimeout = Duration.seconds(QUEUE_SETTINGS.workerTimeoutSeconds);
    const visibilityTimeout = Duration.seconds(QUEUE_SETTINGS.visibilityTimeoutSeconds);
    if (visibilityTimeout.toSeconds() < 6 * workerTimeout.toSeconds()) {
      throw new Error('Ingestion: the queue visibility timeout must be at least six times the worker timeout');
    }
    const maxConcurrency = props.workerMaxConcurrency ?? 10;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 2 || maxConcurrency > 1000) {
      throw new Error(`Ingestion: workerMaxConcurrency must be an integer from 2 to 1000, not ${maxConcurrency}`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const common = { logRetention: props.logRetention, logLevel: props.logLevel, removalPolicy };
    const userAgent = props.userAgent === undefined ? DEFAULT_USER_AGENT : checkedUserAgent(props.userAgent);
    if (props.userAgent === undefined) {
      // Publishers see the project's name and address on every fetch, and would write to it about this deployment.
      Annotations.of(this).addWarningV2(
        'newsweave:default-user-agent',
        `fetching as "${DEFAULT_USER_AGENT}": name this deployment and a contact with -c userAgent="YourNews/1.0 (+https://your.site/bot; ops@your.site)"`,
      );
    }

    // The article queue has a name chosen here, so that the dead-letter queue can name it as its only source by an
    // ARN built from that name: a reference to the queue itself would make the two queues depend on each other, which
    // CloudFormation cannot create.
    const articleQueueName = `${Names.uniqueResourceName(this, { maxLength: 60, separator: '-' })}-articles`;
    const articleQueueArn = Stack.of(this).formatArn({ service: 'sqs', resource: articleQueueName });
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(QUEUE_SETTINGS.deadLetterRetentionDays),
      // Only the article queue may dead-letter here.
      redriveAllowPolicy: {
        redrivePermission: RedrivePermission.BY_QUEUE,
        sourceQueues: [Queue.fromQueueArn(this, 'ArticleQueueByName', articleQueueArn)],
      },
      removalPolicy,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is the dead-letter queue of the article queue; the redrive function sends its messages back.',
    });
    this.queue = new Queue(this, 'ArticleQueue', {
      queueName: articleQueueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: QUEUE_SETTINGS.maxReceiveCount },
      // Deleted with the stack in every stage: it holds only messages on their way, which mean nothing to a new stack
      // (its table is a new one), and a retained queue would keep its fixed name, so that the stage could not be
      // deployed again until someone deleted it by hand. The dead-letter queue, named by CloudFormation, is kept.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.fetcher = new NewsweaveFunction(this, 'Fetcher', {
      ...common,
      entry: 'functions/fetch-sources.ts',
      description: 'Newsweave: fetch the scheduled sources and queue new article URLs',
      memorySize: 512,
      timeout: Duration.seconds(FETCHER_SETTINGS.timeoutSeconds),
    });
    // The rules' retry policy only covers handing the event to Lambda; Lambda itself would run a failed asynchronous
    // invocation twice more (and keep a throttled one for up to 6 hours). A failed run is repeated by the next one.
    this.fetcher.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(10) });
    this.fetcher.useTable(props.table, 'fetcher');
    this.fetcher.sendToQueue(this.queue);
    this.fetcher.function.addEnvironment(ENV.userAgent, userAgent);

    this.worker = new NewsweaveFunction(this, 'Worker', {
      ...common,
      entry: 'functions/process-articles.ts',
      description: 'Newsweave: extract, dedupe, relate and store queued articles',
      memorySize: 1024,
      timeout: workerTimeout,
      // As many as the queue may drive: guaranteed to ingestion whatever else runs in the account, and its cap.
      reservedConcurrency: maxConcurrency,
    });
    this.worker.useTable(props.table, 'worker');
    this.worker.function.addEnvironment(ENV.userAgent, userAgent);
    this.worker.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: QUEUE_SETTINGS.batchSize,
        maxBatchingWindow: Duration.seconds(QUEUE_SETTINGS.maxBatchingWindowSeconds),
        reportBatchItemFailures: true,
        maxConcurrency,
      }),
    );

    this.redriver = new NewsweaveFunction(this, 'Redriver', {
      ...common,
      entry: 'functions/redrive-dead-letters.ts',
      description: 'Newsweave: send cooled-down dead letters back to the article queue, give up on the exhausted',
      memorySize: 256,
      timeout: Duration.seconds(REDRIVE_SETTINGS.timeoutSeconds),
    });
    this.redriver.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(REDRIVE_SETTINGS.everyMinutes) });
    this.redriver.sendToQueue(this.queue);
    this.deadLetterQueue.grant(this.redriver.function, 'sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage');
    this.redriver.function.addEnvironment(ENV.deadLetterQueueUrl, this.deadLetterQueue.queueUrl);
    this.redriver.useTable(props.table, 'redriver');
    this.redriveRule = new Rule(this, 'RedriveSchedule', {
      schedule: Schedule.rate(Duration.minutes(REDRIVE_SETTINGS.everyMinutes)),
      description: 'Newsweave: redrive the article dead-letter queue',
    });
    this.redriveRule.addTarget(
      new LambdaFunction(this.redriver.function, {
        // The next run comes soon enough; a late or repeated one only finds less to do.
        maxEventAge: Duration.minutes(REDRIVE_SETTINGS.everyMinutes),
        retryAttempts: 0,
      }),
    );

    this.schedules = [...groupBySchedule(props.sources)].map(([schedule, sources]) => {
      const id = scheduleId(schedule);
      const rule = new Rule(this, id, {
        schedule: Schedule.expression(schedule),
        // The same whatever its sources (their list is in its targets' input): a changed description is an update of
        // the rule (PutRule), which adding a source to its schedule need not make.
        description: `Newsweave: fetch the sources on ${schedule}`,
      });
      for (const batch of splitForTargets(sources, schedule)) {
        rule.addTarget(
          new LambdaFunction(this.fetcher.function, {
            event: RuleTargetInput.fromObject({ sources: batch }),
            // A missed run is repeated by the next one; retrying an old one only piles up work.
            maxEventAge: Duration.minutes(10),
            retryAttempts: 2,
          }),
        );
      }
      return { id, expression: schedule, rule, sourceCount: sources.length };
    });

    this.configuredSources = recordConfiguredSources(this, props.table, props.sources, {
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy,
    });
  }
}

/**
 * Writes the ids of the deployed sources to the table at every deployment that changes them (a custom resource's
 * PutItem, the item `configuredSourcesItem` describes), so that `GET /sources` lists the sources this deployment runs
 * and not one removed from the sources file, whose record stays with its articles. A failed write fails the
 * deployment, which CloudFormation rolls back.
 */
function recordConfiguredSources(
  scope: Construct,
  table: ITable,
  sources: readonly SourceConfig[],
  options: { readonly logRetention: RetentionDays; readonly removalPolicy: RemovalPolicy },
): AwsCustomResource {
  const logGroup = new LogGroup(scope, 'ConfiguredSourcesLogs', {
    retention: options.logRetention,
    removalPolicy: options.removalPolicy,
  });
  acknowledgeLogGroup(logGroup);
  const putItem = {
    service: 'DynamoDB',
    action: 'PutItem',
    parameters: { TableName: table.tableName, Item: configuredSourcesItem(sources.map((source) => source.id)) },
    physicalResourceId: PhysicalResourceId.of('configured-sources'),
  };
  const resource = new AwsCustomResource(scope, 'ConfiguredSources', {
    resourceType: 'Custom::NewsweaveConfiguredSources',
    onCreate: putItem,
    onUpdate: putItem,
    // Nothing on delete: the item describes the table's sources for the API, and goes with the table.
    policy: AwsCustomResourcePolicy.fromStatements([
      new PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [SOURCES_PARTITION] } },
      }),
    ]),
    installLatestAwsSdk: false,
    logGroup,
    timeout: Duration.minutes(2),
  });
  // aws-cdk-lib's provider function, one per stack, beside the resource's own policy.
  const provider = Stack.of(scope).node.tryFindChild(`AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
  acknowledgeLambda(provider, provider instanceof LambdaFn ? provider.role : undefined, {
    whose: "aws-cdk-lib's custom-resource function",
    noVpc: 'The function runs only during deployment and calls the DynamoDB API; a VPC would add NAT cost.',
  });
  return resource;
}

function checkedUserAgent(userAgent: string): string {
  try {
    return validateUserAgent(userAgent);
  } catch (error) {
    throw new Error(`Ingestion: userAgent: ${(error as Error).message}`, { cause: error });
  }
}

function groupBySchedule(sources: readonly SourceConfig[]): Map<string, SourceConfig[]> {
  const groups = new Map<string, SourceConfig[]>();
  for (const source of sources) {
    const group = groups.get(source.schedule);
    if (group) group.push(source);
    else groups.set(source.schedule, [source]);
  }
  return groups;
}

/**
 * A construct ID that depends on the schedule alone, so that adding or reordering sources never replaces a rule.
 * The hash keeps IDs apart for cron expressions that differ only in punctuation.
 */
function scheduleId(schedule: string): string {
  const slug = schedule.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const hash = createHash('sha256').update(schedule).digest('hex').slice(0, 8);
  return `Schedule-${slug}-${hash}`;
}

/** Packs sources into as few target inputs as fit EventBridge's input limit. */
function splitForTargets(sources: readonly SourceConfig[], schedule: string): SourceConfig[][] {
  const batches: SourceConfig[][] = [[]];
  for (const source of sources) {
    const current = batches[batches.length - 1] ?? [];
    if (current.length > 0 && JSON.stringify({ sources: [...current, source] }).length > MAX_TARGET_INPUT) {
      batches.push([source]);
    } else {
      current.push(source);
    }
  }
  if (batches.length > MAX_TARGETS_PER_RULE) {
    throw new Error(
      `Ingestion: too many sources share the schedule "${schedule}" for one EventBridge rule; spread them over more schedules`,
    );
  }
  return batches;
}
