/**
 * The prod stack with the defaults (the repo's own config/sources.json, no e-mail, no CORS, default thresholds),
 * the constructs' own guards, and the app's refusal of bad sources files and bad context values.
 */
import { spawnSync } from 'node:child_process';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { labelled } from '../support/labelled';
import { SourcesConfigError, loadSources } from '../../functions/sources/parse-sources';
import { AppConfigError, buildApp } from '../../lib/app';
import { Ingestion } from '../../lib/ingestion';
import { DEFAULT_ALARM_THRESHOLDS } from '../../lib/monitoring-alarms';
import { NewsweaveStack } from '../../lib/newsweave-stack';
import { Storage } from '../../lib/storage';
import { quietly, removeAssembly, resourcesOfType, synthApp, writeSourcesFile, type SynthesizedApp } from './synth-app';

let prod: SynthesizedApp;

beforeAll(() => {
  prod = synthApp({ stage: 'prod' });
});

afterAll(() => removeAssembly(prod));

describe('prod stage', () => {
  it('is its own stack, named for the stage', () => {
    expect(prod.stack.stackName).toBe('Newsweave-prod');
    prod.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'newsweave-prod' });
  });

  it('retains the table, the dead-letter queue, the logs, the key and the readers\' user pool when the stack goes away', () => {
    const articleQueue = prod.logicalId(prod.stack.ingestion.queue);
    for (const type of ['AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::Logs::LogGroup', 'AWS::KMS::Key', 'AWS::Cognito::UserPool']) {
      const resources = Object.entries(prod.template.findResources(type))
        .filter(([id]) => id !== articleQueue)
        .map(([, resource]) => resource);
      labelled(type, () => expect(resources.length).toBeGreaterThan(0));
      for (const resource of resources) {
        labelled(type, () => expect(resource.DeletionPolicy).toBe('Retain'));
        labelled(type, () => expect(resource.UpdateReplacePolicy).toBe('Retain'));
      }
    }
  });

  it('deletes the article queue with the stack: it has a fixed name, which a retained one would keep from the next deployment', () => {
    const queue = prod.template.toJSON().Resources[prod.logicalId(prod.stack.ingestion.queue)];
    expect(queue).toMatchObject({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete', Properties: { QueueName: expect.stringMatching(/-articles$/) } });
  });

  it('protects the table from deletion, besides retaining it, and keeps point-in-time recovery on', () => {
    const [table] = Object.values(prod.template.findResources('AWS::DynamoDB::Table'));
    expect(table).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } },
    });
  });

  it('protects the user pool from deletion, and names its managed login for the stage', () => {
    prod.template.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'ACTIVE' });
    prod.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['', ['newsweave-prod-', { Ref: 'AWS::AccountId' }]] },
    });
  });

  it('uses the default thresholds, sends no e-mail and sets no CORS when none is configured', () => {
    const alarms = prod.stack.monitoring.alarms;
    const threshold = (name: string) =>
      (prod.template.toJSON().Resources[prod.logicalId(alarms[name]!)] as { Properties: { Threshold: number } }).Properties.Threshold;
    expect(threshold('ApiLatencyP99')).toBe(DEFAULT_ALARM_THRESHOLDS.apiLatencyP99Millis);
    expect(threshold('OldestMessageTooOld')).toBe(DEFAULT_ALARM_THRESHOLDS.oldestMessageAgeSeconds);
    expect(threshold('SourceFailing')).toBe(DEFAULT_ALARM_THRESHOLDS.sourceFailingHours * 3600);
    expect(threshold('ApiFunctionThrottled')).toBe(DEFAULT_ALARM_THRESHOLDS.functionThrottles);
    prod.template.resourceCountIs('AWS::SNS::Subscription', 0);
    const api = Object.values(resourcesOfType(prod.template, 'AWS::ApiGatewayV2::Api'))[0];
    expect(api?.Properties.CorsConfiguration).toBeUndefined();
  });

  it('schedules every source of config/sources.json, once', () => {
    // The fetcher's rules carry their sources as input; the redrive's rule has none.
    const scheduled = Object.values(resourcesOfType(prod.template, 'AWS::Events::Rule')).flatMap((rule) =>
      (rule.Properties.Targets as { Input?: string }[]).flatMap((target) =>
        target.Input === undefined ? [] : (JSON.parse(target.Input) as { sources: { id: string }[] }).sources,
      ),
    );
    expect(scheduled.map((source) => source.id).sort()).toEqual(loadSources('config/sources.json').map((source) => source.id).sort());
  });
});

describe('construct guards', () => {
  const bareStack = () =>
    new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false }), 'Bare');

  it('refuses to let a table be destroyed unless the stage allows it, or while it is protected from deletion', () => {
    expect(() => new Storage(bareStack(), 'Storage', { removalPolicy: RemovalPolicy.DESTROY })).toThrow(/only allowed for a development stage/);
    expect(() => new Storage(bareStack(), 'Storage', { removalPolicy: RemovalPolicy.DESTROY, allowDestroy: true })).not.toThrow();
    expect(
      () => new Storage(bareStack(), 'Storage', { removalPolicy: RemovalPolicy.DESTROY, allowDestroy: true, deletionProtection: true }),
    ).toThrow(/contradict/);
    // Protected by default when retained.
    const stack = bareStack();
    new Storage(stack, 'Storage');
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
  });

  it('warns at synth when the fetches would name the project rather than the deployment (no userAgent)', () => {
    const warnings = (userAgent?: string) => {
      const stack = bareStack();
      new Ingestion(stack, 'Ingestion', { table: new Storage(stack, 'Storage').table, sources: loadSources('config/sources.json'), userAgent });
      return quietly(() => Annotations.fromStack(stack)).findWarning('*', Match.stringLikeRegexp('fetching as "Newsweave/.*-c userAgent='));
    };
    expect(warnings()).toHaveLength(1);
    expect(warnings('AcmeNews/1.0 (+https://news.acme.example/bot)')).toHaveLength(0);
  });

  it('refuses CORS origins for an API that answers only its distribution (no keepExecuteApiEndpoint), not an empty list', () => {
    const props = { stage: 'dev' as const, sources: loadSources('config/sources.json'), corsOrigins: ['https://news.example.com'] };
    expect(() => new NewsweaveStack(new App(), 'Cors', props)).toThrow(/corsOrigins needs keepExecuteApiEndpoint/);
    // An empty list in cdk.json means no CORS.
    expect(buildApp({ context: { stage: 'dev', corsOrigins: [], 'aws:cdk:bundling-stacks': [] }, policyChecks: false }).stack).toBeDefined();
  });

  it('splits a crowded schedule over several targets, each within EventBridge\'s input limit', () => {
    const stack = bareStack();
    const { table } = new Storage(stack, 'Storage');
    const sources = Array.from({ length: 120 }, (_, i) => ({
      id: `source-${i}`,
      name: `Source number ${i} with a fairly long display name`,
      url: `https://news-${i}.example.com/feeds/all-the-news-that-fits/rss.xml`,
      schedule: 'rate(15 minutes)',
    }));
    new Ingestion(stack, 'Ingestion', { table, sources });
    const rule = Object.values(resourcesOfType(Template.fromStack(stack), 'AWS::Events::Rule')).find((candidate) =>
      (candidate.Properties.Targets as { Input?: string }[]).some((target) => target.Input !== undefined),
    );
    const inputs = (rule?.Properties.Targets as { Input: string }[]).map((target) => target.Input);
    expect(inputs.length).toBeGreaterThan(1);
    expect(inputs.every((input) => input.length <= 8192)).toBe(true);
    expect(inputs.flatMap((input) => (JSON.parse(input) as { sources: { id: string }[] }).sources.map((s) => s.id))).toEqual(
      sources.map((source) => source.id),
    );
  });
});

describe('bad configuration', () => {
  const badSources = [
    { id: 'bbc-world', name: 'BBC', url: 'https://feeds.bbci.co.uk/news/world/rss.xml', schedule: 'rate(10 minutes)' },
    { id: 'npr-news', name: 'NPR', url: 'https://feeds.npr.org/1001/rss.xml', schedule: 'every ten minutes' },
  ];

  it('stops at an invalid sources file with a message naming the entry and the field', () => {
    const sourcesFile = writeSourcesFile(badSources);
    expect(() => buildApp({ context: { sourcesFile }, policyChecks: false })).toThrow(SourcesConfigError);
    expect(() => buildApp({ context: { sourcesFile }, policyChecks: false })).toThrow(
      /entry 1 \("npr-news"\), field "schedule"/,
    );
  });

  it('makes `cdk synth` print that message and exit 1', () => {
    const sourcesFile = writeSourcesFile(badSources);
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/newsweave.ts'], {
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ sourcesFile }) },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('entry 1 ("npr-news"), field "schedule"');
    expect(run.stderr).not.toContain('    at ');
  });

  it.each([
    [{ stage: 'staging' }, 'context "stage"'],
    [{ alarmEmail: 'not-an-address' }, 'context "alarmEmail"'],
    [{ corsOrigins: 'news.example.com' }, 'context "corsOrigins"'],
    // The API refuses whatever does not come through the distribution, which passes no Origin on: CORS could not apply.
    [{ corsOrigins: 'https://news.example.com' }, 'context "corsOrigins": a page on another origin calls the API directly, which it answers only with -c keepExecuteApi=true'],
    [{ apiLatencyP99Millis: 'fast' }, 'context "apiLatencyP99Millis": expected a number'],
    // The API function stops at 10 s, so its p99 latency never reaches 10,000 ms: such an alarm could never fire.
    [{ apiLatencyP99Millis: '15000' }, 'apiLatencyP99Millis: above 0 and below 10000 ms'],
    [{ noArticlesMinutes: '5' }, 'noArticlesMinutes: whole minutes from 10 to 1440'],
    [{ workerErrorRatePercent: '150' }, 'workerErrorRatePercent'],
    [{ deadLetterBacklog: '0' }, 'deadLetterBacklog: a whole number, 1 or more'],
    [{ sourceFailingHours: '0' }, 'sourceFailingHours: whole hours, 1 or more'],
    [{ functionThrottles: '-1' }, 'functionThrottles: a whole number, 0 or more'],
    [{ userAgent: 'AcmeNews/2.0' }, 'context "userAgent": the User-Agent must name a contact'],
    [{ userAgent: '(compatible; AcmeNews; +https://news.acme.example)' }, 'context "userAgent": the User-Agent must start with a product token'],
  ])('refuses the context %j', (context, message) => {
    expect(() => buildApp({ context, policyChecks: false })).toThrow(AppConfigError);
    expect(() => buildApp({ context, policyChecks: false })).toThrow(message);
  });
});
