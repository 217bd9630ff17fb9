/**
 * Lambda entry point: the dead-letter redrive. EventBridge invokes it every REDRIVE_SETTINGS.everyMinutes; it sends
 * the dead letters that have cooled down back to the article queue and gives up on those whose redrives are used
 * up. An operator invokes it with `{ "force": true }` to send every dead letter back now (docs/operations.md).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsDeadLetterQueue } from './queue/sqs-dead-letter-queue';
import { readRedriveConfig } from './shared/config';
import { createDocumentClient, createFunctionTelemetry, tracer } from './shared/lambda-runtime';
import { DynamoSeenUrlStore } from './store/dynamo-stores';
import { redriveDeadLetters, type RedriveSummary } from './use-cases/redrive-dead-letters';

const { tableName, queueUrl, deadLetterQueueUrl } = readRedriveConfig();
const { logger, telemetry, publishMetrics } = createFunctionTelemetry();

const deps = {
  deadLetters: new SqsDeadLetterQueue({ client: tracer.captureAWSv3Client(new SQSClient({})), deadLetterQueueUrl, queueUrl }),
  seen: new DynamoSeenUrlStore({ client: createDocumentClient(), tableName }),
  telemetry,
};

export interface RedriveEvent {
  /** Every dead letter back now, whatever its cool-down and redrive count. */
  readonly force?: boolean;
}

/** A run in which some letters could not be handled: the invocation fails (Lambda `Errors`, the RedriveFailing alarm). */
export class RedriveIncompleteError extends Error {
  override readonly name = 'RedriveIncompleteError';
  constructor(readonly summary: RedriveSummary) {
    super(
      `${summary.failed} dead letter(s) could not be handled and stay in the dead-letter queue (the log names the error): ${JSON.stringify(summary)}`,
    );
  }
}

export const lambdaHandler = async (event: RedriveEvent | null | undefined): Promise<RedriveSummary> => {
  const summary = await redriveDeadLetters(deps, { force: event?.force === true });
  // The letters that failed are logged one by one; failing the invocation is what the RedriveFailing alarm sees.
  if (summary.failed > 0) throw new RedriveIncompleteError(summary);
  return summary;
};

export const handler = middy(lambdaHandler)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  // A scheduled run with nothing to redrive records no metric: no empty-metrics warning every 15 minutes.
  .use(publishMetrics({ coldStart: true }));
