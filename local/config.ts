/**
 * The local stack's configuration, read from the environment in one place for `npm start` and the token command
 * (README, "Local stack"): they must agree on the port (the local issuer's URL is derived from it) and the data dir
 * (where the signing key is kept).
 */
import { isIP } from 'node:net';

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
    host: parseHost(env.HOST),
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

/**
 * An IP address or a host name, as `listen` takes it; undefined when unset. Checked here because the value also
 * makes the URLs of the demo sources: a scheme or a port in it (`http://127.0.0.1`, `127.0.0.1:3000`) would
 * otherwise be reported as a bad URL in the bundled sources file, which names neither HOST nor the mistake.
 */
function parseHost(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const host = value.trim();
  if (isIP(host) === 0 && !HOST_NAME.test(host)) {
    throw new LocalConfigError(`HOST must be an IP address or a host name of this machine (127.0.0.1, ::1, 0.0.0.0, localhost), not "${value}"`);
  }
  return host;
}

/** A host name as RFC 1123 writes one: dot-separated labels of letters, digits and inner hyphens. */
const HOST_NAME = /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/** Decimal digits only: `Number` would also take `0x1F90`, `8e3` or `4700.0`, and listen on a port nobody typed. */
function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PORT;
  const port = /^[0-9]{1,5}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new LocalConfigError(`PORT must be an integer from 1 to 65535, not "${value}"`);
  }
  return port;
}
