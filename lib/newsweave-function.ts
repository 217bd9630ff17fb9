import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { Charset, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeLambda, acknowledgeLogGroup } from './policy-acknowledgements';
import {
  ARTICLE_PARTITION_PREFIX,
  ROBOTS_PARTITION_PREFIX,
  SOURCES_PARTITION,
  TERM_PARTITION_PREFIX,
  URL_PARTITION_PREFIX,
} from '../functions/contracts/table-schema';
import { ENV } from '../functions/shared/config';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../functions/shared/telemetry-contract';

/** The repository root: entries, the lock file and the esbuild project all live there. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The item families each role's code touches, as the partition-key patterns of an IAM `dynamodb:LeadingKeys`
 * condition (`*` any run of characters): its grants cover those partitions and no other. From the stores each entry
 * point builds (functions/fetch-sources.ts, process-articles.ts, redrive-dead-letters.ts) and the keys they write
 * (functions/contracts/table-schema.ts owns every key; docs/table-design.md).
 */
const SOURCES = SOURCES_PARTITION;
const URLS = `${URL_PARTITION_PREFIX}*`;
const ROBOTS = `${ROBOTS_PARTITION_PREFIX}*`;
export const WORKER_ITEM_FAMILIES = [
  `${ARTICLE_PARTITION_PREFIX}*`, // the article, its related-index entry (ENTRY) and its related lists (REL#! and REL#<score>#<id>)
  `${TERM_PARTITION_PREFIX}*`, // the related index's postings
  URLS, // seen, rejected and deferred URLs, and the queued marks of those whose delivery failed
  SOURCES, // article counts and refused pages on the sources' records
  ROBOTS, // robots.txt, shared with the fetcher
] as const;
export const REDRIVER_ITEM_FAMILIES = [
  URLS, // whether a dead letter's URL has an outcome by now, its queued mark, and the outcome of one given up
] as const;

/** Some table actions on some item families: one IAM statement, confined to those families' partitions. */
export interface TableGrant {
  readonly actions: readonly string[];
  readonly itemFamilies: readonly string[];
}

/**
 * Table access per role: exactly the actions its stores send (nothing scans, and only the API deletes, a comment,
 * under its own partitions: writeItemsUnder), whether it queries the listing indexes, and the item families each
 * action is confined to. Only the API reads every family (articles, sources, topics, comments) and the indexes. The
 * fetcher's families differ in what it does there, so each has its own grant: it never writes a seen URL.
 */
export const TABLE_ACCESS = {
  api: {
    actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'],
    indexes: true,
  },
  fetcher: {
    indexes: false,
    grants: [
      { actions: ['dynamodb:UpdateItem'], itemFamilies: [SOURCES] }, // the sources' records: registered and updated at every refresh
      { actions: ['dynamodb:BatchGetItem'], itemFamilies: [URLS] }, // which of a feed's links have an outcome or a queued mark
      { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], itemFamilies: [ROBOTS] }, // robots.txt, shared with the workers
    ],
  },
  worker: {
    indexes: false,
    grants: [
      {
        actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
        itemFamilies: WORKER_ITEM_FAMILIES,
      },
    ],
  },
  redriver: {
    indexes: false,
    grants: [{ actions: ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], itemFamilies: REDRIVER_ITEM_FAMILIES }],
  },
} as const satisfies Record<
  string,
  { readonly indexes: true; readonly actions: readonly string[] } | { readonly indexes: false; readonly grants: readonly TableGrant[] }
>;

export type TableAccess = keyof typeof TABLE_ACCESS;

/** What writeItemsUnder grants: exactly what functions/store/dynamo-comments.ts sends. */
export const PARTITION_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;

/**
 * The esbuild settings every bundle shares, exported so that `npm run bench:bundles` measures the same bundles.
 * `module` before `main` picks the SDK's and Powertools' ES builds, which tree-shake; the banner gives bundled
 * CommonJS dependencies the `require` that ESM lacks; UTF-8 output keeps non-ASCII tables (HTML entities, stop
 * words) as they are instead of six-byte escapes.
 */
export const BUNDLING = {
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  /**
   * Modules the SDK only reaches through a dynamic `import()` on paths a Lambda function never takes, left out of
   * every bundle. The credential chain stops at the environment (Lambda always sets the role's keys there), so
   * profiles, SSO, credential_process, web identity, login, and container or instance metadata are never loaded;
   * event streams serve only operations with a streaming member, and DynamoDB and SQS have none.
   */
  unreachableModules: [
    '@aws-sdk/credential-provider-ini',
    '@aws-sdk/credential-provider-sso',
    '@aws-sdk/credential-provider-process',
    '@aws-sdk/credential-provider-web-identity',
    '@aws-sdk/credential-provider-login',
    '@aws-sdk/credential-provider-http',
    '@smithy/credential-provider-imds',
    '@smithy/core/event-streams',
  ],
} as const;

export interface NewsweaveFunctionProps {
  /** Entry file, relative to the repository root (`functions/http-api.ts`). */
  readonly entry: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  /**
   * How long the function's log group keeps its logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Powertools log level (`LOG_LEVEL`).
   * @default 'INFO'
   */
  readonly logLevel?: string;
  /**
   * Removal policy of the log group.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Concurrency set aside for this function, which is also the most it may use.
   * @default - none: the function shares the account's unreserved concurrency
   */
  readonly reservedConcurrency?: number;
  /**
   * X-Ray tracing.
   * @default Tracing.ACTIVE
   */
  readonly tracing?: Tracing;
  /**
   * Leaves out Lambda's own START, END and REPORT lines (JSON log format, system log level WARN): about 350 bytes per
   * invocation, for a function called so often that they cost more than its own logs (the API; docs/cost.md).
   * @default false
   */
  readonly quietSystemLogs?: boolean;
}

/**
 * One Newsweave Lambda function with what every one of them shares: the runtime, Graviton, X-Ray, its own log
 * group with a retention, the Powertools settings and an ESM bundle that includes the AWS SDK (so that the SDK
 * version is the one in package-lock.json, not whatever the runtime ships).
 */
export class NewsweaveFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: NewsweaveFunctionProps) {
    super(scope, id);
    if (props.reservedConcurrency !== undefined && !(Number.isInteger(props.reservedConcurrency) && props.reservedConcurrency >= 1)) {
      throw new Error(`NewsweaveFunction: reservedConcurrency must be a whole number, 1 or more, not ${props.reservedConcurrency}`);
    }
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.function = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: props.tracing ?? Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrency,
      logGroup: this.logGroup,
      ...(props.quietSystemLogs
        ? {
            loggingFormat: LoggingFormat.JSON,
            systemLogLevelV2: SystemLogLevel.WARN,
            // With the JSON format Lambda also filters the application's lines: at the level Powertools logs at.
            applicationLogLevelV2: ApplicationLogLevel[(props.logLevel ?? 'INFO') as keyof typeof ApplicationLogLevel] ?? ApplicationLogLevel.INFO,
          }
        : {}),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        [ENV.allowPrivateAddresses]: 'false',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        LOG_LEVEL: props.logLevel ?? 'INFO',
        // Stack traces point into the TypeScript sources through the bundled source map.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        // Mappings only: with the sources' text the map is three times larger, and Node parses it at load.
        sourceMap: true,
        sourcesContent: false,
        target: BUNDLING.target,
        mainFields: [...BUNDLING.mainFields],
        banner: BUNDLING.banner,
        charset: Charset.UTF8,
        externalModules: [...BUNDLING.unreachableModules],
        forceDockerBundling: false,
      },
    });

    acknowledgeLambda(this.function, this.function.role, {
      whose: 'the function',
      noVpc: 'The functions reach public news sites and AWS APIs only; a VPC would add NAT cost and nothing to protect.',
      anyResource: 'X-Ray PutTraceSegments and PutTelemetryRecords do not support resource-level permissions.',
    });
    acknowledgeLogGroup(this.logGroup);
  }

  /**
   * Lets the function use the table as one role does (TABLE_ACCESS): each of its grants, on the table alone and under
   * the grant's item families, when it has grants; its actions on the table and its indexes otherwise; and tells it
   * the table's name.
   */
  useTable(table: ITable, access: TableAccess): void {
    const roleAccess: (typeof TABLE_ACCESS)[TableAccess] = TABLE_ACCESS[access];
    if (roleAccess.indexes) {
      table.grant(this.function, ...roleAccess.actions);
    } else {
      for (const grant of roleAccess.grants) {
        this.function.addToRolePolicy(
          new PolicyStatement({
            actions: [...grant.actions],
            resources: [table.tableArn],
            conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.itemFamilies] } },
          }),
        );
      }
    }
    this.function.addEnvironment(ENV.tableName, table.tableName);
    const role = this.function.role;
    const cfnTable = table.node.defaultChild;
    // An imported table has no resource in this stack, hence no index wildcard to name.
    if (roleAccess.indexes && role && cfnTable instanceof CfnElement) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(cfnTable)}.Arn>/index/*]`,
        reason: 'The listing indexes (GSI1, GSI2) of the one table; the wildcard covers only that table\'s indexes.',
      });
    }
  }

  /**
   * Lets the function put, update and delete items whose partition key starts with one of `prefixes`, and nothing
   * else (an IAM `dynamodb:LeadingKeys` condition): the API writes comments and rate windows, never an article.
   */
  writeItemsUnder(table: ITable, prefixes: readonly string[]): void {
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: [...PARTITION_WRITE_ACTIONS],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((prefix) => `${prefix}*`) } },
      }),
    );
  }

  /** Lets the function send to the queue (SendMessageBatch is authorised by sqs:SendMessage), and tells it the URL. */
  sendToQueue(queue: IQueue): void {
    queue.grant(this.function, 'sqs:SendMessage');
    this.function.addEnvironment(ENV.queueUrl, queue.queueUrl);
  }
}
