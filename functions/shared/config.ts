/**
 * The entry points' configuration: one reader per Lambda, each called once at load, checking every variable it
 * reads so that a missing or malformed one stops the function at cold start with a message that names it. The CDK
 * (lib/) sets these variables and the local runtime (local/runtime.ts, through handlerEnvironment) sets the same.
 * Powertools' own variables (POWERTOOLS_*) are Powertools' business: functions/shared/lambda-runtime.ts.
 */
import { DEFAULT_USER_AGENT, validateUserAgent } from '../fetch/user-agent';

type Env = Readonly<Record<string, string | undefined>>;

/** The variables' names: the CDK (lib/) and the local runtime set them, the readers below read them. */
export const ENV = {
  tableName: 'TABLE_NAME',
  queueUrl: 'QUEUE_URL',
  deadLetterQueueUrl: 'DEAD_LETTER_QUEUE_URL',
  allowPrivateAddresses: 'ALLOW_PRIVATE_ADDRESSES',
  userAgent: 'NEWSWEAVE_USER_AGENT',
  originSecret: 'ORIGIN_SECRET',
} as const;

export interface FetcherConfig {
  readonly tableName: string;
  readonly queueUrl: string;
  /** Loopback and private addresses may be fetched: the local stack only. */
  readonly allowPrivateAddresses: boolean;
  readonly userAgent: string;
}

export type WorkerConfig = Omit<FetcherConfig, 'queueUrl'>;

export interface RedriveConfig {
  readonly tableName: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
}

export interface ApiConfig {
  readonly tableName: string;
  /** The CloudFront distribution's secret header value (functions/api/origin-check.ts); unset: every request is taken. */
  readonly originSecret?: string;
}

export function readFetcherConfig(env: Env = process.env): FetcherConfig {
  return { ...readWorkerConfig(env), queueUrl: required(env, ENV.queueUrl) };
}

export function readWorkerConfig(env: Env = process.env): WorkerConfig {
  return {
    tableName: required(env, ENV.tableName),
    allowPrivateAddresses: flag(env, ENV.allowPrivateAddresses, false),
    userAgent: userAgent(env),
  };
}

export function readRedriveConfig(env: Env = process.env): RedriveConfig {
  return {
    tableName: required(env, ENV.tableName),
    queueUrl: required(env, ENV.queueUrl),
    deadLetterQueueUrl: required(env, ENV.deadLetterQueueUrl),
  };
}

export function readApiConfig(env: Env = process.env): ApiConfig {
  const originSecret = env[ENV.originSecret] || undefined;
  if (originSecret !== undefined && originSecret.length < 32) {
    throw new Error(`environment variable ${ENV.originSecret} must be at least 32 characters when set`);
  }
  return { tableName: required(env, ENV.tableName), ...(originSecret ? { originSecret } : {}) };
}

/**
 * The variables the readers above take, for a runtime that sets them itself (the local stack). The User-Agent is
 * left out: it passes through from the operator's own environment.
 */
export function handlerEnvironment(config: Omit<FetcherConfig & RedriveConfig, 'userAgent'>): Record<string, string> {
  return {
    [ENV.tableName]: config.tableName,
    [ENV.queueUrl]: config.queueUrl,
    [ENV.deadLetterQueueUrl]: config.deadLetterQueueUrl,
    [ENV.allowPrivateAddresses]: String(config.allowPrivateAddresses),
  };
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new Error(`environment variable ${name} must be true or false, not "${value}"`);
}

/** NEWSWEAVE_USER_AGENT, checked (a product token and a contact: functions/fetch/user-agent.ts), or the default. */
function userAgent(env: Env): string {
  const value = env[ENV.userAgent];
  if (value === undefined || value.trim() === '') return DEFAULT_USER_AGENT;
  try {
    return validateUserAgent(value);
  } catch (error) {
    throw new Error(`environment variable ${ENV.userAgent}: ${(error as Error).message}`, { cause: error });
  }
}
