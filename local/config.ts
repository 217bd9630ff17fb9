/**
 * The local stack's configuration, read from the environment in one place for `npm start` and the token command
 * (README, "Local stack"): they must agree on the port (the local issuer's URL is derived from it) and the data dir
 * (where the signing key is kept).
 */

export interface LocalConfig {
  readonly port: number;
  /** The address to listen on; the runtime's default (loopback) when absent. */
  readonly host?: string;
  /** A sources file; the bundled demo sources when absent. */
  readonly sourcesPath?: string;
  readonly dataDir: string;
  /**
   * A DynamoDB server to use instead of the embedded one (`AWS_ENDPOINT_URL_DYNAMODB`, the SDK's own variable):
   * DynamoDB Local, LocalStack, a shared dev server. Its table is created there if absent.
   */
  readonly dynamoEndpoint?: string;
  /** An SQS server to use instead of the embedded one (`AWS_ENDPOINT_URL_SQS`); its queues are created if absent. */
  readonly sqsEndpoint?: string;
  /** The handlers' log level (`LOG_LEVEL`, any case); the runtime's default (WARN) when absent. */
  readonly logLevel?: LogLevel;
}

/** The levels the README names for `LOG_LEVEL` (SILENT: none), as Powertools' logger takes them. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A variable that cannot be used; the message names it. */
export class LocalConfigError extends Error {
  override readonly name = 'LocalConfigError';
}

export const DEFAULT_PORT = 3000;
export const DEFAULT_DATA_DIR = '.newsweave';

export function readLocalConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  return {
    port: parsePort(env.PORT),
    host: env.HOST || undefined,
    sourcesPath: env.NEWSWEAVE_SOURCES || undefined,
    dataDir: env.NEWSWEAVE_DATA_DIR || DEFAULT_DATA_DIR,
    dynamoEndpoint: parseEndpoint('AWS_ENDPOINT_URL_DYNAMODB', env.AWS_ENDPOINT_URL_DYNAMODB),
    sqsEndpoint: parseEndpoint('AWS_ENDPOINT_URL_SQS', env.AWS_ENDPOINT_URL_SQS),
    logLevel: parseLogLevel(env.LOG_LEVEL),
  };
}

/** A level of LOG_LEVELS, in any case; undefined when unset. Anything else would be taken as INFO, silently. */
function parseLogLevel(value: string | undefined): LogLevel | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const level = LOG_LEVELS.find((each) => each === value.trim().toUpperCase());
  if (!level) throw new LocalConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${value}"`);
  return level;
}

/** An http(s) URL with no path, query or credentials, as the SDK takes an endpoint; undefined when unset. */
function parseEndpoint(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new LocalConfigError(`${name} must be a URL such as http://localhost:8000, not "${value}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash || url.pathname !== '/') {
    throw new LocalConfigError(`${name} must be an http or https URL with a host and port only (http://localhost:8000), not "${value}"`);
  }
  return url.origin;
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new LocalConfigError(`PORT must be an integer from 1 to 65535, not "${value}"`);
  }
  return port;
}
