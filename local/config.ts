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
}

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
  };
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new LocalConfigError(`PORT must be an integer from 1 to 65535, not "${value}"`);
  }
  return port;
}
