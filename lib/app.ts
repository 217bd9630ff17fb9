import { resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks } from 'cdk-nag';
import { InvalidUserAgentError, validateUserAgent } from '../functions/fetch/user-agent';
import { loadSources } from '../functions/sources/parse-sources';
import { DEFAULT_ALARM_THRESHOLDS, validateThresholds, type AlarmThresholds } from './monitoring-alarms';
import { EdgeStack } from './edge-shield';
import { NewsweaveStack, type StageName } from './newsweave-stack';

/** A context value (`-c key=value`) that cannot be used. The message names the key. */
export class AppConfigError extends Error {
  override readonly name = 'AppConfigError';
}

export interface BuildAppOptions {
  /** Context values, as `-c key=value` would give them (tests pass them here; the CLI passes them itself). */
  readonly context?: Record<string, unknown>;
  /**
   * Where the cloud assembly goes.
   * @default - the CLI's choice, or a temporary directory
   */
  readonly outdir?: string;
  /**
   * Run cdk-nag (AwsSolutions) and cfn-guard (Control Tower proactive controls) at synth.
   * @default true
   */
  readonly policyChecks?: boolean;
  /**
   * CDK's built-in CloudFormation schema validation (slow: tens of seconds). `cdk synth --no-validation` also
   * turns it off.
   * @default true
   */
  readonly builtinValidation?: boolean;
}

export interface NewsweaveApp {
  readonly app: App;
  readonly stack: NewsweaveStack;
  /** The WAF's stack in us-east-1, when the stage has WAF (`-c waf=true`, the default in prod). */
  readonly edge?: EdgeStack;
}

/**
 * Builds the CDK app from its context. Throws SourcesConfigError for a bad sources file and AppConfigError for a
 * bad context value; bin/newsweave.ts turns both into a message and exit code 1.
 */
export function buildApp(options: BuildAppOptions = {}): NewsweaveApp {
  const app = new App({
    context: options.context,
    outdir: options.outdir,
    builtinCloudFormationValidation: options.builtinValidation ?? true,
  });
  const context = (key: string): unknown => app.node.tryGetContext(key);

  const stage = readStage(context('stage'));
  const sources = loadSources(resolve(readString(context('sourcesFile'), 'sourcesFile') ?? 'config/sources.json'));
  const waf = readFlag(context('waf'), 'waf') ?? stage === 'prod';
  // WAF's own lower bound for a rate-based rule, 10 (EdgeShield checks it too, but its error would not name the key).
  const wafRateLimit = readPositiveInteger(context('wafRateLimit'), 'wafRateLimit', 10);
  const edge = waf
    ? new EdgeStack(app, `Newsweave-${stage}-edge`, {
        stage,
        requestsPerIpPer5Minutes: wafRateLimit,
        env: { account: process.env.CDK_DEFAULT_ACCOUNT },
      })
    : undefined;
  const keepExecuteApiEndpoint = readFlag(context('keepExecuteApi'), 'keepExecuteApi');
  const corsOrigins = readOrigins(context('corsOrigins'));
  // Without keepExecuteApi the API refuses every request that does not come through the distribution (it lacks the
  // distribution's secret header), and the distribution passes no Origin header on: CORS would never apply.
  if ((corsOrigins?.length ?? 0) > 0 && keepExecuteApiEndpoint !== true) {
    throw new AppConfigError(
      'context "corsOrigins": a page on another origin calls the API directly, which it answers only with -c keepExecuteApi=true ' +
        '(otherwise it refuses every request that does not come through the CloudFront distribution)',
    );
  }
  const stack = new NewsweaveStack(app, `Newsweave-${stage}`, {
    stage,
    sources,
    alarmEmail: readEmail(context('alarmEmail')),
    userAgent: readUserAgent(context('userAgent')),
    corsOrigins,
    authDomainPrefix: readString(context('authDomainPrefix'), 'authDomainPrefix'),
    alarmThresholds: readThresholds(context),
    webAcl: edge && { arn: edge.webAclArnForOtherStacks, name: edge.shield.webAclName },
    apiDomain: readApiDomain(context),
    keepExecuteApiEndpoint,
    apiTracing: readFlag(context('apiTracing'), 'apiTracing'),
    apiReservedConcurrency: readPositiveInteger(context('apiReservedConcurrency'), 'apiReservedConcurrency'),
  });
  // The web ACL's ARN is read from the edge stack's output, which must exist first.
  if (edge) stack.addStackDependency(edge);

  if (options.policyChecks ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new CfnGuardValidator());
  }
  return { app, stack, edge };
}

function readStage(value: unknown): StageName {
  if (value === undefined) return 'dev';
  if (value === 'dev' || value === 'prod') return value;
  throw new AppConfigError(`context "stage": expected "dev" or "prod", not ${JSON.stringify(value)}`);
}

function readString(value: unknown, key: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new AppConfigError(`context "${key}": expected a string`);
  return value.trim();
}

function readEmail(value: unknown): string | undefined {
  const email = readString(value, 'alarmEmail');
  if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new AppConfigError(`context "alarmEmail": "${email}" is not an e-mail address`);
  }
  return email;
}

/** `-c userAgent="MyNews/1.0 (+https://news.example.org/bot)"`: a product token and a contact, checked here. */
function readUserAgent(value: unknown): string | undefined {
  const userAgent = readString(value, 'userAgent');
  if (userAgent === undefined) return undefined;
  try {
    return validateUserAgent(userAgent);
  } catch (error) {
    if (!(error instanceof InvalidUserAgentError)) throw error;
    throw new AppConfigError(`context "userAgent": ${error.message}`, { cause: error });
  }
}

/** `-c waf=true`: a boolean, or its string from the command line. */
function readFlag(value: unknown, key: string): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new AppConfigError(`context "${key}": expected true or false, not ${JSON.stringify(value)}`);
}

function readPositiveInteger(value: unknown, key: string, least = 1): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(number) || number < least) throw new AppConfigError(`context "${key}": expected a whole number, ${least} or more, not ${JSON.stringify(value)}`);
  return number;
}

/** `-c apiDomain=api.news.example.org -c apiCertificateArn=arn:aws:acm:<region>:<account>:certificate/<id>`: both or neither. */
function readApiDomain(context: (key: string) => unknown): { domainName: string; certificateArn: string } | undefined {
  const domainName = readString(context('apiDomain'), 'apiDomain');
  const certificateArn = readString(context('apiCertificateArn'), 'apiCertificateArn');
  if (domainName === undefined && certificateArn === undefined) return undefined;
  if (domainName === undefined || certificateArn === undefined) {
    throw new AppConfigError('context "apiDomain" and "apiCertificateArn": give both or neither');
  }
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domainName)) {
    throw new AppConfigError(`context "apiDomain": "${domainName}" is not a lowercase host name such as api.news.example.org`);
  }
  if (!/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    throw new AppConfigError(`context "apiCertificateArn": "${certificateArn}" is not an ACM certificate ARN`);
  }
  return { domainName, certificateArn };
}

/** `https://a.example,https://b.example` on the command line, or a JSON array in cdk.json. */
function readOrigins(value: unknown): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null;
  if (!list) throw new AppConfigError('context "corsOrigins": expected a comma-separated string or a list');
  return list.map((item: unknown) => {
    const origin = typeof item === 'string' ? item.trim() : '';
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new AppConfigError(`context "corsOrigins": "${String(item)}" is not an origin such as https://news.example.com`);
    }
    return origin;
  });
}

/** Each threshold is its own context key (`-c apiLatencyP99Millis=1500`); the CLI passes numbers as strings. */
function readThresholds(context: (key: string) => unknown): AlarmThresholds {
  const thresholds: Record<string, number> = { ...DEFAULT_ALARM_THRESHOLDS };
  for (const key of Object.keys(DEFAULT_ALARM_THRESHOLDS)) {
    const raw = context(key);
    if (raw === undefined || raw === '') continue;
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
    if (!Number.isFinite(value)) throw new AppConfigError(`context "${key}": expected a number, not ${JSON.stringify(raw)}`);
    thresholds[key] = value;
  }
  try {
    return validateThresholds(thresholds as unknown as AlarmThresholds);
  } catch (error) {
    throw new AppConfigError(`context: ${(error as Error).message}`);
  }
}
