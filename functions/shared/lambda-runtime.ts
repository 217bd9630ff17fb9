/**
 * What the Lambda entry points are made of, created at load (once per execution environment, at cold start):
 * Powertools' Logger, Metrics and Tracer, and the AWS SDK clients. Their own configuration is read by
 * functions/shared/config.ts. The local runtime sets the same variables (plus AWS_ENDPOINT_URL_*) and imports the same
 * entry points, all in one process.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { notifyMetric } from './metric-observers';
import type { Telemetry } from './telemetry';
import { METRICS_NAMESPACE, SERVICE_NAME } from './telemetry-contract';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME;

// Shared by the entry points: the local stack, where they share a process, does not trace.
export const tracer = new Tracer({ serviceName });

/** One function's Logger and Metrics, with the domain's Telemetry over them: see createFunctionTelemetry. */
export interface FunctionTelemetry {
  /** For Powertools' injectLambdaContext, and the few lines an entry point writes itself. */
  readonly logger: Logger;
  readonly telemetry: Telemetry;
  /**
   * Publishes an invocation's metrics when it recorded some (Powertools' own logMetrics logs a warning for every
   * invocation without any: most API calls, and a dead-letter redrive with nothing to do, every 15 minutes), and with
   * `coldStart` the ColdStart metric once per execution environment, as logMetrics' option does.
   */
  publishMetrics(options?: { readonly coldStart?: boolean }): MiddlewareObj<unknown, unknown, Error, Context>;
}

/**
 * A Logger and a Metrics of the function's own, which each entry point creates at load. In Lambda an entry point is
 * alone in its process, so this is created once per execution environment either way; the local stack loads every
 * entry point in one process, where a Logger shared by all would carry the Lambda context that the last invoked
 * handler gave it (function name, request id) on the lines of the others, and one handler's invocation would publish
 * the metrics that another had stored.
 */
export function createFunctionTelemetry(): FunctionTelemetry {
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({
    serviceName,
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
  });
  const telemetry: Telemetry = {
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
  const publish = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return {
    logger,
    telemetry,
    publishMetrics: (options = {}) => ({
      before: options.coldStart ? (request) => void metrics.captureColdStartMetric(request.context.functionName) : undefined,
      after: publish,
      onError: publish,
    }),
  };
}

export function createDocumentClient(): DynamoDBDocumentClient {
  const client = tracer.captureAWSv3Client(new DynamoDBClient({}));
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
