/**
 * The dev stack, synthesized once with an e-mail address, a threshold override and a sources file
 * with two schedules. The policy checks have their own file (policy-checks.test.ts): cfn-guard takes a while.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { labelled } from '../support/labelled';
import { FETCHER_SETTINGS, QUEUE_SETTINGS } from '../../functions/contracts/queue-settings';
import { METRICS_NAMESPACE, PIPELINE_COUNTS, SERVICE_NAME } from '../../functions/shared/telemetry-contract';
import { configuredSourcesItem, LISTING_ATTRIBUTES } from '../../functions/contracts/table-schema';
import { buildApp } from '../../lib/app';
import { WORKER_ITEM_FAMILIES } from '../../lib/newsweave-function';
import { ACCESS_LOG_FIELDS, ACCESS_LOG_PERSONAL_DATA, API_ROUTES, SIGNED_IN_ROUTES } from '../../lib/read-api';
import { removeAssembly, resourcesOfType, synthApp, writeSourcesFile, type SynthesizedApp } from './synth-app';

const sources = [
  { id: 'bbc-world', name: 'BBC News: World', url: 'https://feeds.bbci.co.uk/news/world/rss.xml', schedule: 'rate(10 minutes)' },
  { id: 'npr-news', name: 'NPR News', url: 'https://feeds.npr.org/1001/rss.xml', schedule: 'cron(0 * * * ? *)' },
  { id: 'the-hindu', name: 'The Hindu', url: 'https://www.thehindu.com/news/national/feeder/default.rss', schedule: 'rate(10 minutes)' },
];

let synth: SynthesizedApp;

beforeAll(() => {
  synth = synthApp({
    stage: 'dev',
    sourcesFile: writeSourcesFile(sources),
    alarmEmail: 'ops@example.com',
    // The CLI passes every -c value as a string.
    apiLatencyP99Millis: '1500',
    userAgent: 'AcmeNews/2.0 (+https://news.acme.example/crawler; ops@acme.example)',
  });
});

afterAll(() => removeAssembly(synth));

type Resource = { Properties: Record<string, unknown>; DeletionPolicy?: string };
const only = (resources: Record<string, Resource>): Resource => {
  const values = Object.values(resources);
  expect(values).toHaveLength(1);
  return values[0] as Resource;
};
type FunctionName = 'fetcher' | 'worker' | 'redriver' | 'api';
const fn = (name: FunctionName) => {
  const { ingestion, readApi } = synth.stack;
  const construct = name === 'api' ? readApi.handler : ingestion[name];
  const id = synth.logicalId(construct.function);
  return { id, resource: synth.template.toJSON().Resources[id] as Resource, construct };
};

describe('storage', () => {
  it('creates the table the schema describes: string keys, two INCLUDE indexes of the listing attributes', () => {
    const table = only(synth.template.findResources('AWS::DynamoDB::Table') as Record<string, Resource>);
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ]);
    expect(table.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining(['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK'].map((name) => ({ AttributeName: name, AttributeType: 'S' }))),
    );
    const indexes = table.Properties.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown; Projection: unknown }[];
    expect(indexes.map((index) => index.IndexName)).toEqual(['GSI1', 'GSI2']);
    for (const index of indexes) {
      expect(index.KeySchema).toEqual([
        { AttributeName: `${index.IndexName}PK`, KeyType: 'HASH' },
        { AttributeName: `${index.IndexName}SK`, KeyType: 'RANGE' },
      ]);
      expect(index.Projection).toEqual({ ProjectionType: 'INCLUDE', NonKeyAttributes: [...LISTING_ATTRIBUTES] });
    }
  });

  it('is on-demand, encrypted, point-in-time recoverable, expires items on expiresAt, and dev may delete it', () => {
    const table = only(synth.template.findResources('AWS::DynamoDB::Table') as Record<string, Resource>);
    expect(table.Properties.DeletionProtectionEnabled).toBe(false);
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    expect(table.DeletionPolicy).toBe('Delete');
  });
});

describe('ingestion', () => {
  const queues = () => {
    const { ingestion } = synth.stack;
    const all = synth.template.toJSON().Resources;
    return {
      queueId: synth.logicalId(ingestion.queue),
      dlqId: synth.logicalId(ingestion.deadLetterQueue),
      queue: all[synth.logicalId(ingestion.queue)] as Resource,
      dlq: all[synth.logicalId(ingestion.deadLetterQueue)] as Resource,
    };
  };

  it('dead-letters an article after five deliveries and keeps dead letters 14 days', () => {
    const { queue, dlq, dlqId } = queues();
    expect(queue.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 });
    expect(dlq.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    expect(dlq.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('lets only the article queue dead-letter into the dead-letter queue, naming it by its ARN', () => {
    const { queue, dlq } = queues();
    const name = queue.Properties.QueueName as string;
    expect(name).toMatch(/^Newsweavedev-Ingestion-[0-9A-F]{8}-articles$/);
    expect(dlq.Properties.RedriveAllowPolicy).toEqual({
      redrivePermission: 'byQueue',
      sourceQueueArns: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sqs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${name}`]] },
      ],
    });
  });

  it('refuses plain HTTP on both queues', () => {
    const { queueId, dlqId } = queues();
    for (const id of [queueId, dlqId]) {
      synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('hides a message for at least six times the worker timeout', () => {
    const { queue } = queues();
    const workerTimeout = fn('worker').resource.Properties.Timeout as number;
    expect(workerTimeout).toBe(QUEUE_SETTINGS.workerTimeoutSeconds);
    expect(queue.Properties.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * workerTimeout);
  });

  it('feeds the worker batches of 10 with partial batch responses and bounded concurrency', () => {
    const { queueId } = queues();
    const mapping = only(synth.template.findResources('AWS::Lambda::EventSourceMapping') as Record<string, Resource>);
    expect(mapping.Properties).toMatchObject({
      FunctionName: { Ref: fn('worker').id },
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: QUEUE_SETTINGS.maxBatchingWindowSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  it('makes one rule per distinct schedule, whose input carries exactly that schedule\'s sources', () => {
    const redriveRuleId = synth.logicalId(synth.stack.ingestion.redriveRule);
    const rules = Object.entries(resourcesOfType(synth.template, 'AWS::Events::Rule'))
      .filter(([id]) => id !== redriveRuleId)
      .map(([, rule]) => rule);
    const bySchedule = Object.fromEntries(
      rules.map((rule) => {
        const targets = rule.Properties.Targets as { Arn: unknown; Input: string }[];
        expect(targets).toHaveLength(1);
        expect(targets[0]?.Arn).toEqual({ 'Fn::GetAtt': [fn('fetcher').id, 'Arn'] });
        return [rule.Properties.ScheduleExpression, JSON.parse(targets[0]?.Input ?? 'null')];
      }),
    );
    expect(bySchedule).toEqual({
      'rate(10 minutes)': { sources: [sources[0], sources[2]] },
      'cron(0 * * * ? *)': { sources: [sources[1]] },
    });
  });

  it('runs the dead-letter redrive every 15 minutes, with no input and no retries of a missed run', () => {
    const rule = synth.template.toJSON().Resources[synth.logicalId(synth.stack.ingestion.redriveRule)] as Resource;
    expect(rule.Properties.ScheduleExpression).toBe('rate(15 minutes)');
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({ Arn: { 'Fn::GetAtt': [fn('redriver').id, 'Arn'] }, RetryPolicy: { MaximumEventAgeInSeconds: 900, MaximumRetryAttempts: 0 } }),
    ]);
    expect((rule.Properties.Targets as { Input?: string }[])[0]?.Input).toBeUndefined();
  });

  it("lets Lambda retry neither the fetcher's nor the redrive's failed runs (the next scheduled run repeats them)", () => {
    const configs = Object.values(synth.template.findResources('AWS::Lambda::EventInvokeConfig')) as Resource[];
    const byFunction = new Map(configs.map((config) => [(config.Properties.FunctionName as { Ref: string }).Ref, config.Properties]));
    expect(byFunction.get(fn('fetcher').id)).toMatchObject({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 600 });
    expect(byFunction.get(fn('redriver').id)).toMatchObject({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 900 });
  });
});

describe('configured sources', () => {
  it("records the deployed sources' ids at every deployment that changes them, in the item the API lists by, and may put nothing else", () => {
    const tableId = synth.logicalId(synth.stack.storage.table);
    const resource = only(resourcesOfType(synth.template, 'Custom::NewsweaveConfiguredSources') as Record<string, Resource>);
    // The call's JSON, with the table's name standing where CloudFormation puts it.
    const call = (property: unknown) => {
      const [, parts] = (property as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
      return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part) === JSON.stringify({ Ref: tableId }) ? 'TABLE' : '?')).join(''));
    };
    const expected = {
      service: 'DynamoDB',
      action: 'PutItem',
      parameters: { TableName: 'TABLE', Item: configuredSourcesItem(sources.map((source) => source.id)) },
      physicalResourceId: { id: 'configured-sources' },
    };
    expect(call(resource.Properties.Create)).toEqual(expected);
    expect(call(resource.Properties.Update)).toEqual(expected);
    expect(resource.Properties.Delete).toBeUndefined();
    expect(resource.Properties.InstallLatestAwsSdk).toBe(false);
    const policies = Object.values(synth.template.findResources('AWS::IAM::Policy')) as Resource[];
    const policy = policies.find((candidate) => JSON.stringify(candidate.Properties.PolicyName).includes('ConfiguredSources'));
    expect((policy?.Properties.PolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      {
        Action: 'dynamodb:PutItem',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['SOURCES'] } },
      },
    ]);
  });
});

describe('alarm delivery', () => {
  it("lets this account's alarms publish to the topic, whose own policy replaces SNS's default, and names the topic in an output", () => {
    const policies = Object.values(synth.template.findResources('AWS::SNS::TopicPolicy')) as Resource[];
    const statements = policies.flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sns:Publish',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': expect.anything() } }),
      }),
    );
    const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.AlarmTopicArn?.Value).toEqual({ Ref: synth.logicalId(synth.stack.monitoring.topic) });
  });
});

describe('functions', () => {
  it.each([
    ['fetcher', 512, FETCHER_SETTINGS.timeoutSeconds, 'Active'],
    // The worker's timeout is shared with the local poller (functions/contracts/queue-settings.ts).
    ['worker', 1024, QUEUE_SETTINGS.workerTimeoutSeconds, 'Active'],
    ['redriver', 256, 120, 'Active'],
    // Traces of reads cost more than they show (docs/cost.md); -c apiTracing=true turns them on.
    ['api', 512, 10, 'PassThrough'],
  ] as const)('%s: Node.js 24 on arm64, %i MB, %i s, X-Ray %s, its own log group kept a month', (name, memory, timeout, tracing) => {
    const { resource } = fn(name);
    expect(resource.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: tracing },
      MemorySize: memory,
      Timeout: timeout,
      Handler: 'index.handler',
    });
    const logGroupId = ((resource.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup).Ref;
    const logGroup = synth.template.toJSON().Resources[logGroupId] as Resource;
    expect(logGroup.Properties.RetentionInDays).toBe(30);
  });

  it('leaves Lambda\'s START, END and REPORT lines out of the API\'s logs only (JSON format, system logs at WARN)', () => {
    expect(fn('api').resource.Properties.LoggingConfig).toMatchObject({ LogFormat: 'JSON', SystemLogLevel: 'WARN', ApplicationLogLevel: 'INFO' });
    for (const name of ['fetcher', 'worker', 'redriver'] as const) {
      labelled(name, () => expect((fn(name).resource.Properties.LoggingConfig as Record<string, unknown>).SystemLogLevel).toBeUndefined());
    }
  });

  it('reserves concurrency for the API (its cap too) and for the worker (as much as the queue may drive), and none for the others', () => {
    const reserved = (name: FunctionName) => fn(name).resource.Properties.ReservedConcurrentExecutions;
    expect({ api: reserved('api'), worker: reserved('worker'), fetcher: reserved('fetcher'), redriver: reserved('redriver') }).toEqual({
      api: 20,
      worker: 10,
      fetcher: undefined,
      redriver: undefined,
    });
    const mapping = only(synth.template.findResources('AWS::Lambda::EventSourceMapping') as Record<string, Resource>);
    expect((mapping.Properties.ScalingConfig as { MaximumConcurrency: number }).MaximumConcurrency).toBe(reserved('worker'));
  });

  it('sets each environment variable where it grants the matching access', () => {
    const env = (name: FunctionName) =>
      (fn(name).resource.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const tableId = synth.logicalId(synth.stack.storage.table);
    const queueId = synth.logicalId(synth.stack.ingestion.queue);
    for (const name of ['fetcher', 'worker', 'api'] as const) {
      expect(env(name)).toMatchObject({
        TABLE_NAME: { Ref: tableId },
        ALLOW_PRIVATE_ADDRESSES: 'false',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
    expect(env('fetcher').QUEUE_URL).toEqual({ Ref: queueId });
    expect(env('worker').QUEUE_URL).toBeUndefined();
    expect(env('api').QUEUE_URL).toBeUndefined();
    expect(env('redriver')).toMatchObject({
      TABLE_NAME: { Ref: tableId },
      QUEUE_URL: { Ref: queueId },
      DEAD_LETTER_QUEUE_URL: { Ref: synth.logicalId(synth.stack.ingestion.deadLetterQueue) },
    });
  });

  it('gives the fetcher and the worker the User-Agent from the context, and no other function', () => {
    const env = (name: FunctionName) => (fn(name).resource.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env('fetcher').NEWSWEAVE_USER_AGENT).toBe('AcmeNews/2.0 (+https://news.acme.example/crawler; ops@acme.example)');
    expect(env('worker').NEWSWEAVE_USER_AGENT).toBe('AcmeNews/2.0 (+https://news.acme.example/crawler; ops@acme.example)');
    expect(env('api').NEWSWEAVE_USER_AGENT).toBeUndefined();
    expect(env('redriver').NEWSWEAVE_USER_AGENT).toBeUndefined();
  });
});

describe('least privilege', () => {
  /** Every action each function's role may perform, with the resources it may perform it on. */
  const grants = (name: FunctionName) => {
    const roleId = synth.logicalId(fn(name).construct.function.role!);
    const statements = Object.values(resourcesOfType(synth.template, 'AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap(
        (policy) =>
          (policy.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown }[] })
            .Statement,
      );
    expect(statements.length).toBeGreaterThan(0);
    return statements.map((statement) => ({
      actions: ([] as string[]).concat(statement.Action),
      resources: ([] as unknown[]).concat(statement.Resource),
      effect: statement.Effect,
      conditions: (statement as { Condition?: unknown }).Condition,
    }));
  };
  const actions = (name: FunctionName) => new Set(grants(name).flatMap((grant) => grant.actions));
  const dynamoActions = (name: FunctionName) => [...actions(name)].filter((action) => action.startsWith('dynamodb:')).sort();

  it('lets the API read the table and its indexes, and write only comment and rate-window items', () => {
    expect(dynamoActions('api')).toEqual([
      'dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem',
    ]);
    expect([...actions('api')].filter((action) => action.startsWith('sqs:'))).toEqual([]);
    const tableArn = { 'Fn::GetAtt': [synth.logicalId(synth.stack.storage.table), 'Arn'] };
    const writes = grants('api').filter((grant) => grant.actions.some((action) => /^dynamodb:.*(Put|Update|Delete|Write)/.test(action)));
    expect(writes).toEqual([
      {
        actions: ['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [tableArn],
        effect: 'Allow',
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['COMMENTS#*', 'RATE#*'] } },
      },
    ]);
  });

  it('lets the fetcher update source records, read seen URLs and get and put robots.txt, each on its own family only (TABLE_ACCESS), and send to the queue', () => {
    const tableArn = { 'Fn::GetAtt': [synth.logicalId(synth.stack.storage.table), 'Arn'] };
    const only = (family: string) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [family] } });
    expect(grants('fetcher').filter((grant) => grant.actions.some((action) => action.startsWith('dynamodb:')))).toEqual([
      { actions: ['dynamodb:UpdateItem'], resources: [tableArn], effect: 'Allow', conditions: only('SOURCES') },
      // Read only: the worker and the redrive write a URL's outcome and its queued mark.
      { actions: ['dynamodb:BatchGetItem'], resources: [tableArn], effect: 'Allow', conditions: only('URL#*') },
      { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [tableArn], effect: 'Allow', conditions: only('ROBOTS#*') },
    ]);
    expect([...actions('fetcher')].filter((action) => action.startsWith('sqs:'))).toEqual(['sqs:SendMessage']);
  });

  it('lets the worker write items of its families only, on the table alone, and consume the queue, but never delete items or scan', () => {
    const tableArn = { 'Fn::GetAtt': [synth.logicalId(synth.stack.storage.table), 'Arn'] };
    expect(grants('worker').filter((grant) => grant.actions.some((action) => action.startsWith('dynamodb:')))).toEqual([
      {
        actions: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        resources: [tableArn],
        effect: 'Allow',
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...WORKER_ITEM_FAMILIES] } },
      },
    ]);
    expect([...WORKER_ITEM_FAMILIES].sort()).toEqual(['ARTICLE#*', 'ROBOTS#*', 'SOURCES', 'TERM#*', 'URL#*']);
    expect(actions('worker')).toContain('sqs:ReceiveMessage');
    expect(actions('worker')).toContain('sqs:DeleteMessage');
    expect(actions('worker')).not.toContain('sqs:SendMessage');
  });

  it('lets the redrive move messages from the dead-letter queue to the article queue, and touch only seen-URL items', () => {
    const dlqArn = { 'Fn::GetAtt': [synth.logicalId(synth.stack.ingestion.deadLetterQueue), 'Arn'] };
    const queueArn = { 'Fn::GetAtt': [synth.logicalId(synth.stack.ingestion.queue), 'Arn'] };
    const sqs = grants('redriver').filter((grant) => grant.actions.some((action) => action.startsWith('sqs:')));
    expect(sqs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actions: ['sqs:SendMessage'], resources: [queueArn] }),
        expect.objectContaining({ actions: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:ReceiveMessage'], resources: [dlqArn] }),
      ]),
    );
    expect(sqs).toHaveLength(2);
    const table = grants('redriver').filter((grant) => grant.actions.some((action) => action.startsWith('dynamodb:')));
    expect(table).toEqual([
      {
        actions: ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [{ 'Fn::GetAtt': [synth.logicalId(synth.stack.storage.table), 'Arn'] }],
        effect: 'Allow',
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['URL#*'] } },
      },
    ]);
  });

  it('names the table and its own indexes as the only resources of table actions, and no service wildcards', () => {
    const tableId = synth.logicalId(synth.stack.storage.table);
    const tableArn = { 'Fn::GetAtt': [tableId, 'Arn'] };
    const indexArns = { 'Fn::Join': ['', [tableArn, '/index/*']] };
    for (const name of ['fetcher', 'worker', 'redriver', 'api'] as const) {
      for (const grant of grants(name)) {
        expect(grant.effect).toBe('Allow');
        expect(grant.actions.every((action) => !action.endsWith(':*'))).toBe(true);
        if (grant.actions.some((action) => action.startsWith('dynamodb:'))) {
          // Only the API's reads reach the indexes, and only they go without a partition-key condition.
          expect(grant.resources).toEqual(grant.conditions ? [tableArn] : [tableArn, indexArns]);
          if (!grant.conditions) expect({ name, actions: grant.actions }).toEqual({ name: 'api', actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'] });
        }
        if (grant.resources.includes('*')) {
          expect(grant.actions.every((action) => action.startsWith('xray:'))).toBe(true);
        }
      }
    }
  });
});

describe('read API', () => {
  it('routes every route of the route table, and every other request ($default), to the API function', () => {
    const routes = Object.values(resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Route'));
    expect(routes.map((route) => route.Properties.RouteKey).sort()).toEqual(
      ['$default', ...API_ROUTES.map((route) => `${route.method} ${route.template}`)].sort(),
    );
    expect(API_ROUTES.map((route) => `${route.method} ${route.template}`)).toEqual([
      'GET /articles', 'GET /articles/{id}', 'GET /articles/{id}/related', 'GET /articles/{id}/comments',
      'POST /articles/{id}/comments', 'DELETE /articles/{id}/comments/{commentId}', 'GET /topics/{topic}/articles', 'GET /sources',
    ]);
  });

  it('puts the JWT authorizer on exactly the comment writes, and on no other route', () => {
    const authorizers = Object.entries(resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Authorizer'));
    expect(authorizers).toHaveLength(1);
    const [authorizerId] = authorizers[0]!;
    const routes = Object.values(resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Route'));
    const guarded = routes.filter((route) => route.Properties.AuthorizationType === 'JWT');
    expect(guarded.map((route) => route.Properties.RouteKey).sort()).toEqual(
      ['DELETE /articles/{id}/comments/{commentId}', 'POST /articles/{id}/comments'].sort(),
    );
    expect(SIGNED_IN_ROUTES.map((route) => `${route.method} ${route.template}`).sort()).toEqual(guarded.map((route) => route.Properties.RouteKey).sort());
    for (const route of guarded) expect(route.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
    for (const route of routes.filter((each) => each.Properties.AuthorizationType !== 'JWT')) {
      expect(route.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
    }
  });

  it('trusts only the user pool\'s tokens for the reader client, from the Authorization header', () => {
    const authorizer = Object.values(resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Authorizer'))[0]!.Properties;
    const poolId = synth.logicalId(synth.stack.identity.userPool);
    expect(authorizer).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: synth.logicalId(synth.stack.identity.readerClient) }],
        Issuer: { 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: poolId }]] },
      },
    });
  });

  it('throttles the default stage and writes JSON access logs to its own log group', () => {
    const stage = only(synth.template.findResources('AWS::ApiGatewayV2::Stage') as Record<string, Resource>);
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [synth.logicalId(synth.stack.readApi.accessLogs), 'Arn'] } },
    });
    const format = JSON.parse((stage.Properties.AccessLogSettings as { Format: string }).Format);
    expect(format).toEqual(ACCESS_LOG_FIELDS);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', routeKey: '$context.routeKey', ip: '$context.identity.sourceIp' });
    expect(Object.values(format).join(' ')).not.toMatch(/userAgent|header|authorization/i);
  });

  it('says in the access logs\' data protection policy what personal data they hold, and masks IP addresses', () => {
    const logs = synth.template.toJSON().Resources[synth.logicalId(synth.stack.readApi.accessLogs)] as Resource;
    const policy = logs.Properties.DataProtectionPolicy as { Description: string; Statement: { Operation: Record<string, unknown>; DataIdentifier: unknown[] }[] };
    expect(policy.Description).toBe(ACCESS_LOG_PERSONAL_DATA);
    expect(policy.Description).toMatch(/IP address/);
    expect(policy.Statement.map((statement) => Object.keys(statement.Operation)[0]).sort()).toEqual(['Audit', 'Deidentify']);
    for (const statement of policy.Statement) {
      expect(statement.DataIdentifier).toEqual([{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dataprotection::aws:data-identifier/IpAddress']] }]);
    }
  });

  it('keeps the execute-api endpoint when the API has no domain of its own (CloudFront reaches the API there)', () => {
    const api = only(synth.template.findResources('AWS::ApiGatewayV2::Api') as Record<string, Resource>);
    expect(api.Properties.DisableExecuteApiEndpoint).toBe(false);
    synth.template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
  });

  it('allows the configured origins to read and to post and delete comments with a token, and nothing else', () => {
    // CORS serves pages that call the API directly, which only an API kept open to them (keepExecuteApi) answers.
    const app = buildApp({
      context: { stage: 'dev', corsOrigins: 'https://news.example.com,https://app.example.com', keepExecuteApi: 'true', 'aws:cdk:bundling-stacks': [] },
      policyChecks: false,
    });
    Template.fromStack(app.stack).hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: ['https://news.example.com', 'https://app.example.com'],
        AllowMethods: ['GET', 'POST', 'DELETE'],
        AllowHeaders: ['content-type', 'authorization', 'if-none-match'],
        ExposeHeaders: ['retry-after', 'etag'],
      },
    });
  });
});

describe('identity', () => {
  const poolId = () => synth.logicalId(synth.stack.identity.userPool);

  it('is a user pool readers sign up to themselves, verified by e-mail, with a strong password policy', () => {
    const pool = only(synth.template.findResources('AWS::Cognito::UserPool') as Record<string, Resource>);
    expect(pool.Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      AutoVerifiedAttributes: ['email'],
      AliasAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
      MfaConfiguration: 'OPTIONAL',
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    });
    expect(pool.DeletionPolicy).toBe('Delete');
  });

  it('has a moderators group, and the newer managed login on its own domain', () => {
    synth.template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'moderators', UserPoolId: { Ref: poolId() } });
    synth.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['', ['newsweave-dev-', { Ref: 'AWS::AccountId' }]] },
      ManagedLoginVersion: 2,
    });
    synth.template.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      UserPoolId: { Ref: poolId() },
      ClientId: { Ref: synth.logicalId(synth.stack.identity.readerClient) },
      UseCognitoProvidedValues: true,
    });
  });

  it('gives the reader page a public client for the authorization code flow, back to the page\'s own address only', () => {
    const client = only(synth.template.findResources('AWS::Cognito::UserPoolClient') as Record<string, Resource>).Properties;
    const pageUrl = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [synth.logicalId(synth.stack.readerSite.distribution), 'DomainName'] }]] };
    expect(client).toMatchObject({
      UserPoolId: { Ref: poolId() },
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid'],
      CallbackURLs: [pageUrl],
      LogoutURLs: [pageUrl],
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
  });
});

describe('monitoring', () => {
  const alarm = (name: keyof typeof synth.stack.monitoring.alarms) =>
    synth.template.toJSON().Resources[synth.logicalId(synth.stack.monitoring.alarms[name]!)] as Resource;
  const topicRef = () => ({ Ref: synth.logicalId(synth.stack.monitoring.topic) });

  it('sends every alarm, and its recovery, to the topic', () => {
    const alarms = Object.values(resourcesOfType(synth.template, 'AWS::CloudWatch::Alarm'));
    // 20, one per schedule (2), FetcherNotRunning and RedriveStopped.
    expect(alarms).toHaveLength(24);
    for (const each of alarms) {
      expect(each.Properties.AlarmActions).toEqual([topicRef()]);
      expect(each.Properties.OKActions).toEqual([topicRef()]);
    }
  });

  it("alarms on the fetcher's failures of our own table or queue, on messages the queue refused, and on a comment left uncounted, as the functions emit them", () => {
    type Stat = { MetricStat: { Metric: { Namespace: string; MetricName: string; Dimensions: unknown[] }; Period: number; Stat: string } };
    const statOf = (name: string) => ((alarm(name).Properties.Metrics as Stat[])[0]!).MetricStat;
    // FetchErrors of kind internal, with the dimensions telemetry writes ([service, kind]); the runs still succeed.
    expect(alarm('FetcherInternalErrors').Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 2, DatapointsToAlarm: 2 });
    const internal = statOf('FetcherInternalErrors');
    expect(internal).toMatchObject({ Metric: { Namespace: METRICS_NAMESPACE, MetricName: 'FetchErrors' }, Period: 900, Stat: 'Sum' });
    expect(internal.Metric.Dimensions).toHaveLength(2);
    expect(internal.Metric.Dimensions).toEqual(
      expect.arrayContaining([
        { Name: 'service', Value: SERVICE_NAME },
        { Name: 'kind', Value: 'internal' },
      ]),
    );
    // Messages the queue refused in runs that queued others, with the dimension telemetry writes ([service]).
    expect(alarm('QueueSendFailing').Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 2, DatapointsToAlarm: 2 });
    expect(statOf('QueueSendFailing')).toEqual({
      Metric: { Namespace: METRICS_NAMESPACE, MetricName: 'QueueSendFailures', Dimensions: [{ Name: 'service', Value: SERVICE_NAME }] },
      Period: 900,
      Stat: 'Sum',
    });
    // Sources runs had no time to start, two hours running.
    expect(alarm('SourcesNotReached').Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 2, DatapointsToAlarm: 2 });
    expect(statOf('SourcesNotReached')).toEqual({
      Metric: { Namespace: METRICS_NAMESPACE, MetricName: 'SourcesNotReached', Dimensions: [{ Name: 'service', Value: SERVICE_NAME }] },
      Period: 3600,
      Stat: 'Sum',
    });
    expect(alarm('CommentCountFailed').Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 });
    expect(statOf('CommentCountFailed')).toEqual({
      Metric: { Namespace: METRICS_NAMESPACE, MetricName: 'CommentCountFailed', Dimensions: [{ Name: 'service', Value: SERVICE_NAME }] },
      Period: 3600,
      Stat: 'Sum',
    });
  });

  it('alarms on a backlog of dead letters, on any given up, on a failing redrive and on an old oldest message', () => {
    // One dead letter is a site's bad hour, which the redrive mends: the backlog alarm counts every dead letter, those
    // hidden until they cool down included, and fires only on many of them for 15 minutes.
    const backlog = alarm('DeadLetterBacklog').Properties;
    expect(backlog).toMatchObject({ Threshold: 50, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3 });
    const metrics = backlog.Metrics as { Expression?: string; MetricStat?: { Metric: { MetricName: string; Dimensions: unknown } } }[];
    expect(metrics.find((metric) => metric.Expression)?.Expression).toBe('visible + hidden');
    expect(metrics.flatMap((metric) => (metric.MetricStat ? [metric.MetricStat.Metric.MetricName] : [])).sort()).toEqual([
      'ApproximateNumberOfMessagesNotVisible',
      'ApproximateNumberOfMessagesVisible',
    ]);
    for (const metric of metrics.filter((each) => each.MetricStat)) {
      expect(metric.MetricStat?.Metric.Dimensions).toEqual([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [synth.logicalId(synth.stack.ingestion.deadLetterQueue), 'QueueName'] } }]);
    }
    const givenUp = alarm('DeadLettersGivenUp').Properties;
    expect(givenUp).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect(JSON.stringify(givenUp.Metrics)).toContain('"MetricName":"DeadLettersGivenUp"');
    expect(alarm('RedriveFailing').Properties).toMatchObject({
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn('redriver').id } }],
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
    });
    expect(alarm('OldestMessageTooOld').Properties).toMatchObject({
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 1800,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarms on errors and on throttles of every function', () => {
    const functions = { Fetcher: 'fetcher', Worker: 'worker', Redriver: 'redriver', ApiFunction: 'api' } as const;
    for (const [name, id] of Object.entries(functions)) {
      labelled(name, () =>
        expect(alarm(`${name}Throttled`).Properties).toMatchObject({
          MetricName: 'Throttles',
          Namespace: 'AWS/Lambda',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn(id).id } }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 3,
          DatapointsToAlarm: 2,
          TreatMissingData: 'notBreaching',
        }),
      );
    }
    // The worker's errors are its error rate, the redrive's RedriveFailing (above).
    expect(alarm('FetcherFailing').Properties).toMatchObject({
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn('fetcher').id } }],
      Period: 900,
      Threshold: 0,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
    });
    expect(alarm('ApiFunctionErrors').Properties).toMatchObject({
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn('api').id } }],
      Period: 300,
      Threshold: 0,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
  });

  it('alarms when a source has failed for a day, by the longest failure the fetcher reports', () => {
    expect(alarm('SourceFailing').Properties).toMatchObject({
      Metrics: [
        {
          MetricStat: {
            Metric: { Namespace: METRICS_NAMESPACE, MetricName: 'SourceFailureAge', Dimensions: [{ Name: 'service', Value: SERVICE_NAME }] },
            Period: 3600,
            Stat: 'Maximum',
          },
        },
      ],
      Threshold: 24 * 3600,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'ignore',
    });
  });

  it('names each alarm\'s severity in its description', () => {
    expect(alarm('NoArticlesStored').Properties.AlarmDescription).toMatch(/^Newsweave dev, critical: /);
    expect(alarm('SourceFailing').Properties.AlarmDescription).toMatch(/^Newsweave dev, warning: a source has failed for 24 hours/);
  });

  it('alarms on error rates computed with metric math', () => {
    const expression = (name: 'WorkerErrorRate' | 'ApiServerErrorRate') =>
      (alarm(name).Properties.Metrics as { Expression?: string; MetricStat?: { Metric: { MetricName: string } } }[]);
    expect(expression('WorkerErrorRate').find((m) => m.Expression)?.Expression).toBe('IF(total > 0, 100 * errors / total, 0)');
    expect(expression('WorkerErrorRate').map((m) => m.MetricStat?.Metric.MetricName).filter(Boolean).sort()).toEqual(['Errors', 'Invocations']);
    expect(expression('ApiServerErrorRate').map((m) => m.MetricStat?.Metric.MetricName).filter(Boolean).sort()).toEqual(['5xx', 'Count']);
    expect(alarm('WorkerErrorRate').Properties.Threshold).toBe(5);
    expect(alarm('ApiServerErrorRate').Properties.Threshold).toBe(1);
  });

  it('takes the API latency threshold from the context', () => {
    expect(alarm('ApiLatencyP99').Properties).toMatchObject({ MetricName: 'Latency', ExtendedStatistic: 'p99', Threshold: 1500 });
  });

  it("alarms when the dead-letter redrive's schedule stops reaching it: none in two of its runs' intervals and 5 minutes", () => {
    expect(alarm('RedriveStopped').Properties).toMatchObject({
      Namespace: 'AWS/Events',
      MetricName: 'SuccessfulInvocationAttempts',
      Dimensions: [{ Name: 'RuleName', Value: { Ref: synth.logicalId(synth.stack.ingestion.redriveRule) } }],
      Statistic: 'Sum',
      Period: 35 * 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      WarmUpConfiguration: { WarmUpPeriodDurationInMinutes: 35 },
    });
    expect(alarm('RedriveStopped').Properties.AlarmDescription).toMatch(/^Newsweave dev, warning: /);
  });

  it('alarms when no article was stored, treating silence as breaching, but not in a new deployment\'s first window', () => {
    expect(alarm('NoArticlesStored').Properties).toMatchObject({
      Metrics: [
        {
          MetricStat: {
            Metric: { Namespace: METRICS_NAMESPACE, MetricName: 'ArticlesStored', Dimensions: [{ Name: 'service', Value: SERVICE_NAME }] },
            Period: 120 * 60,
            Stat: 'Sum',
          },
        },
      ],
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      WarmUpConfiguration: { WarmUpPeriodDurationInMinutes: 120 },
    });
  });

  it("alarms on DynamoDB throttling: the table's and its listing indexes' throttled reads and writes, partly throttled batches included", () => {
    const metrics = alarm('TableThrottled').Properties.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: unknown }[] }; Stat: string };
    }[];
    const expression = metrics.find((m) => m.Expression)?.Expression ?? '';
    const stats = metrics.filter((m) => m.MetricStat);
    // Every series is in the sum, each filled with 0 where it has no data.
    expect(expression.split(' + ').sort()).toEqual(stats.map((m) => `FILL(${m.Id}, 0)`).sort());
    const tableRef = { Ref: synth.logicalId(synth.stack.storage.table) };
    const series = stats.map(({ MetricStat: stat }) => {
      expect(stat?.Stat).toBe('Sum');
      const index = stat?.Metric.Dimensions.find((d) => d.Name === 'GlobalSecondaryIndexName')?.Value ?? 'table';
      expect(stat?.Metric.Dimensions).toContainEqual({ Name: 'TableName', Value: tableRef });
      return `${index} ${stat?.Metric.MetricName}`;
    });
    expect(series.sort()).toEqual(
      ['table', 'GSI1', 'GSI2'].flatMap((index) => [`${index} ReadThrottleEvents`, `${index} WriteThrottleEvents`]).sort(),
    );
    // The indexes are the table's own (storage.ts).
    const indexNames = (resourcesOfType(synth.template, 'AWS::DynamoDB::Table')[synth.logicalId(synth.stack.storage.table)]?.Properties
      .GlobalSecondaryIndexes as { IndexName: string }[]).map((index) => index.IndexName);
    expect(indexNames.sort()).toEqual(['GSI1', 'GSI2']);
    expect(alarm('TableThrottled').Properties.Threshold).toBe(10);
  });

  it('encrypts the topic with a rotated key CloudWatch may use, and subscribes the e-mail address', () => {
    const topicKeyId = synth.logicalId(synth.stack.monitoring.topic.masterKey!);
    synth.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [topicKeyId, 'Arn'] } });
    synth.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      },
    });
    synth.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: topicRef() });
  });

  it('draws the pipeline, per-source health, queues, functions, API, comments, table, fetch errors by kind and rejections by reason', () => {
    const dashboard = only(synth.template.findResources('AWS::CloudWatch::Dashboard') as Record<string, Resource>);
    expect(dashboard.Properties.DashboardName).toBe('newsweave-dev');
    // The body is a JSON string joined around references; a placeholder for each reference makes it parseable.
    const parts = (dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const body = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'REF')).join('')) as {
      widgets: { properties: { title?: string; metrics?: (string | { expression?: string })[][] } }[];
    };
    const series = body.widgets.flatMap((widget) => widget.properties.metrics ?? []);
    const metricNames = new Set(series.map((metric) => metric[1]).filter((name) => typeof name === 'string'));
    const expressions = series.flatMap((metric) => metric.map((part) => (typeof part === 'object' ? part.expression : undefined)));
    for (const metric of [
      'ExtractionTime', 'ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessagesNotVisible',
      'ApproximateAgeOfOldestMessage', 'Errors', 'Throttles', 'Duration', 'ConcurrentExecutions', 'Count', '4xx', '5xx',
      'Latency', 'CommentsPosted', 'CommentsDeleted', 'CommentsModerated', 'CommentCountFailed', 'ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits', 'ReadThrottleEvents', 'WriteThrottleEvents',
    ]) {
      labelled(metric, () => expect(metricNames).toContain(metric));
    }
    for (const metric of PIPELINE_COUNTS) {
      labelled(metric, () => expect(expressions).toContain(`SUM(SEARCH('Namespace="${METRICS_NAMESPACE}" MetricName="${metric}"', 'Sum', 300))`));
    }
    expect(expressions).toContain(`SEARCH('{${METRICS_NAMESPACE},service,kind} MetricName="FetchErrors"', 'Sum', 300)`);
    expect(expressions).toContain(`SEARCH('{${METRICS_NAMESPACE},service,reason} MetricName="PagesRejected"', 'Sum', 300)`);
    expect(expressions).toContain(`SEARCH('{${METRICS_NAMESPACE},service,window} MetricName="CommentsRateLimited"', 'Sum', 300)`);
    expect(expressions).toContain('age / 3600');
    const sources = body.widgets.find((widget) => widget.properties.title?.startsWith('Sources:'));
    expect((sources?.properties as { query?: string } | undefined)?.query).toMatch(/source refreshed.*latest\(refreshMinutes\) as refreshMinutes.*by sourceId.*sort lastRun asc/s);
  });
});

describe('stack', () => {
  it('outputs the API URL, the identity\'s ids and sign-in URL, table name, queue URLs and dashboard name', () => {
    for (const output of ['ApiUrl', 'UserPoolId', 'ReaderClientId', 'SignInUrl', 'TableName', 'QueueUrl', 'DeadLetterQueueUrl', 'DashboardName']) {
      synth.template.hasOutput(output, {});
    }
  });

  it('says that API Gateway\'s own address refuses what does not come through the distribution, and where to call instead', () => {
    synth.template.hasOutput('ApiUrl', { Description: Match.stringLikeRegexp('answers 403.*call the API at ReaderUrl') });
    const kept = buildApp({ context: { stage: 'dev', keepExecuteApi: 'true', 'aws:cdk:bundling-stacks': [] }, policyChecks: false });
    Template.fromStack(kept.stack).hasOutput('ApiUrl', { Description: 'Base URL of the read API' });
  });
});
