/**
 * Everything the Lambda entry points share, created once per execution environment (at cold start): configuration
 * read from the environment and checked, Powertools' Logger, Metrics and Tracer, and the AWS SDK clients.
 * The local runtime sets the same variables (plus AWS_ENDPOINT_URL_*) and imports the same entry points.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_USER_AGENT, validateUserAgent } from '../fetch/user-agent';
import { notifyMetric } from './metric-observers';
import type { Telemetry } from './telemetry';
import { METRICS_NAMESPACE, SERVICE_NAME } from './telemetry-contract';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME;

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
});
export const tracer = new Tracer({ serviceName });

/** A required environment variable; a missing one stops the function at load with a clear message. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

export function envFlag(name: string, fallback: boolean): boolean {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new Error(`environment variable ${name} must be true or false, not "${value}"`);
}

/** NEWSWEAVE_USER_AGENT, checked (a product token and a contact: functions/fetch/user-agent.ts), or the default. */
export function userAgentFromEnv(): string {
  const value = process.env.NEWSWEAVE_USER_AGENT;
  if (value === undefined || value.trim() === '') return DEFAULT_USER_AGENT;
  try {
    return validateUserAgent(value);
  } catch (error) {
    throw new Error(`environment variable NEWSWEAVE_USER_AGENT: ${(error as Error).message}`, { cause: error });
  }
}

export function createDocumentClient(): DynamoDBDocumentClient {
  const client = tracer.captureAWSv3Client(new DynamoDBClient({}));
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** The domain's Telemetry over Powertools: logs through Logger, metrics as EMF through Metrics. */
export const telemetry: Telemetry = {
  log: {
    debug: (message, extra) => logger.debug(message, extra ?? {}),
    info: (message, extra) => logger.info(message, extra ?? {}),
    warn: (message, extra) => logger.warn(message, extra ?? {}),
    error: (message, extra) => logger.error(message, extra ?? {}),
  },
  count(name, value = 1, dimension) {
    if (dimension) {
      // A dimensioned metric goes out on its own so that it does not tag the function's other metrics.
      const single = metrics.singleMetric();
      single.addDimension(dimension.name, dimension.value);
      single.addMetric(name, MetricUnit.Count, value);
    } else {
      metrics.addMetric(name, MetricUnit.Count, value);
    }
    notifyMetric({ name, value, unit: 'Count', dimension });
  },
  timing(name, milliseconds) {
    metrics.addMetric(name, MetricUnit.Milliseconds, milliseconds);
    notifyMetric({ name, value: milliseconds, unit: 'Milliseconds' });
  },
  // Not passed to the local observers: the local operator page reads source health from the source records.
  gauge(name, seconds) {
    metrics.addMetric(name, MetricUnit.Seconds, seconds);
  },
};
