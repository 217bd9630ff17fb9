/**
 * Lambda entry point: the HTTP API behind API Gateway's HTTP API (payload format 2.0). Routing, validation and
 * the response shapes live in functions/api; this file only wires the stores.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { createApiHandler } from './api/create-api-handler';
import { readApiConfig } from './shared/config';
import { createDocumentClient, createFunctionTelemetry, tracer } from './shared/lambda-runtime';
import { withoutMetrics } from './shared/telemetry';
import { DynamoCommentStore, DynamoRateLimiter } from './store/dynamo-comments';
import { DynamoArticleStore, DynamoSourceStore } from './store/dynamo-stores';
import { DynamoRelatedStore } from './store/dynamo-related-store';
import { withSummaryCache } from './store/summary-cache';
import { createRelatedQueries } from './use-cases/related-queries';

const { tableName, originSecret } = readApiConfig();
const { logger, telemetry, publishMetrics } = createFunctionTelemetry();
const client = createDocumentClient();

const articles = new DynamoArticleStore({ client, tableName });
// Related boxes, topic pages and search pages list the same articles again and again: their summaries, which never
// change, are kept in the container (a related call is then often one Query, no BatchGetItem).
const summaries = withSummaryCache(articles);

export const lambdaHandler = createApiHandler({
  articles,
  sources: new DynamoSourceStore({ client, tableName }),
  related: createRelatedQueries({ store: new DynamoRelatedStore({ client, tableName }), articles: summaries }),
  comments: new DynamoCommentStore({ client, tableName }),
  rateLimiter: new DynamoRateLimiter({ client, tableName }),
  // API Gateway's Count and Latency and Lambda's Duration measure every call already; as EMF these two would add a
  // log line to each (docs/cost.md, "The read path"). The local stack's operator page still counts them.
  telemetry: withoutMetrics(telemetry, ['ApiRequests', 'ApiLatency']),
  originSecret,
});

export const handler = middy(lambdaHandler)
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(injectLambdaContext(logger))
  // Most calls record no metric (API Gateway counts them): published only when there are some.
  .use(publishMetrics());
