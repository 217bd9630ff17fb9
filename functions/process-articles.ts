/**
 * Lambda entry point: the SQS worker. Each record is one article URL; a record that fails is reported in
 * `batchItemFailures` so that only it is delivered again (and dead-lettered after maxReceiveCount).
 */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createPageFetcher } from './fetch/page-fetcher';
import { parseArticleMessage } from './contracts/article-message';
import { readWorkerConfig } from './shared/config';
import { createDocumentClient, createFunctionTelemetry, tracer } from './shared/lambda-runtime';
import { withLogKeys } from './shared/telemetry';
import { DynamoRelatedStore } from './store/dynamo-related-store';
import { DynamoRobotsStore } from './store/dynamo-robots-store';
import { DynamoArticleStore, DynamoSeenUrlStore, DynamoSourceStore } from './store/dynamo-stores';
import { ingestArticle } from './use-cases/ingest-article';

const { tableName, allowPrivateAddresses, userAgent } = readWorkerConfig();
const { logger, telemetry, publishMetrics } = createFunctionTelemetry();

const client = createDocumentClient();
const deps = {
  articles: new DynamoArticleStore({ client, tableName }),
  sources: new DynamoSourceStore({ client, tableName }),
  seen: new DynamoSeenUrlStore({ client, tableName }),
  related: new DynamoRelatedStore({ client, tableName }),
  fetcher: createPageFetcher({
    allowPrivateAddresses,
    userAgent,
    robotsStore: new DynamoRobotsStore({ client, tableName }),
    onRobotsStoreError: (error, origin) => logger.warn('robots.txt store unavailable; using memory', { origin, error: error as Error }),
  }),
  telemetry,
};

const processor = new BatchProcessor(EventType.SQS);

async function recordHandler(record: SQSRecord): Promise<void> {
  const message = parseArticleMessage(record.body);
  // The batch's records run in parallel: their keys go on their own log lines, never on the shared logger.
  const recordTelemetry = withLogKeys(telemetry, { sourceId: message.sourceId, correlationId: message.correlationId, url: message.url });
  try {
    const outcome = await ingestArticle(message, { ...deps, telemetry: recordTelemetry }, { receiveCount: receiveCountOf(record) });
    recordTelemetry.log.info('article processed', { outcome: outcome.kind, receiveCount: record.attributes.ApproximateReceiveCount });
  } catch (error) {
    recordTelemetry.log.error('article failed, it will be delivered again', { error: error as Error });
    throw error;
  }
}

/** SQS's count, or the first receive (the longest mark of a failure) when it is missing or unreadable. */
function receiveCountOf(record: SQSRecord): number {
  const count = Number(record.attributes.ApproximateReceiveCount);
  return Number.isInteger(count) && count >= 1 ? count : 1;
}

/**
 * Failed records are reported to SQS, which delivers them again; a batch whose every record failed is reported so too,
 * not thrown (Powertools' default): one site's bad hour, or a lone redelivery, must not count as a failed invocation
 * in `WorkerErrorRate`, which is for the function itself failing (docs/operations.md).
 */
export const lambdaHandler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });

export const handler = middy(lambdaHandler)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(publishMetrics({ coldStart: true }));
