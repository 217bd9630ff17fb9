/**
 * Lambda entry point: the scheduled fetcher. EventBridge invokes it with the sources that share one schedule
 * (`{ "sources": [SourceConfig, ...] }`, see lib/ingestion.ts); it refreshes each one and queues new article URLs.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { SQSClient } from '@aws-sdk/client-sqs';
import { randomInt } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { FETCH_DEFAULTS, createFetcher } from './fetch/http-fetch';
import { SqsArticleQueue } from './queue/sqs-article-queue';
import { readFetcherConfig } from './shared/config';
import { createDocumentClient, createFunctionTelemetry, tracer } from './shared/lambda-runtime';
import { parseSources } from './sources/parse-sources';
import { refreshMinutes } from './sources/refresh-interval';
import { DynamoRobotsStore } from './store/dynamo-robots-store';
import { DynamoSeenUrlStore, DynamoSourceStore } from './store/dynamo-stores';
import { refreshSources, type RefreshOutcome } from './use-cases/refresh-source';

const { tableName, queueUrl, allowPrivateAddresses, userAgent } = readFetcherConfig();
const { logger, telemetry, publishMetrics } = createFunctionTelemetry();

const client = createDocumentClient();
const deps = {
  sources: new DynamoSourceStore({ client, tableName }),
  seen: new DynamoSeenUrlStore({ client, tableName }),
  queue: new SqsArticleQueue({ client: tracer.captureAWSv3Client(new SQSClient({})), queueUrl }),
  fetcher: createFetcher({
    allowPrivateAddresses,
    userAgent,
    robots: {
      store: new DynamoRobotsStore({ client, tableName }),
      onStoreError: (error, origin) => logger.warn('robots.txt store unavailable; using memory', { origin, error: error as Error }),
    },
  }),
  telemetry,
};

export interface FetchSourcesEvent {
  readonly sources: unknown;
  /** Ignore backoff, validators and queued marks: the local runtime's fetch at start. */
  readonly force?: boolean;
}

/**
 * How long before the invocation's end the fetcher stops starting sources: the longest one feed's fetch may take once
 * started (its wait for the host's slot, then its own deadline), so that a run ends, and reports the sources it did
 * not reach, before Lambda stops it with nothing logged. A sitemap index's children can still take longer.
 */
export const START_RESERVE_MS = FETCH_DEFAULTS.maxSlotWaitMs + FETCH_DEFAULTS.deadlineMs;

export const lambdaHandler = async (event: FetchSourcesEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<{ outcomes: RefreshOutcome[] }> => {
  const sources = parseSources(event.sources, 'event.sources');
  const outcomes = await refreshSources(sources, deps, {
    force: event.force === true,
    // A third of the time at least, should the function be given less than twice the reserve (a misconfigured
    // timeout): a run that starts nothing would fetch nothing, ever.
    ...(context && { startBy: Date.now() + Math.max(context.getRemainingTimeInMillis() - START_RESERVE_MS, context.getRemainingTimeInMillis() / 3) }),
    // A different start each run: a run cut short leaves out different sources, not the same tail every time.
    rotate: randomInt(Math.max(sources.length, 1)),
  });
  // With its interval, so that the dashboard's per-source table tells a daily source from a 5-minute one gone quiet.
  outcomes.forEach((outcome, index) => logger.info('source refreshed', { ...outcome, refreshMinutes: refreshMinutes(sources[index]?.schedule) }));
  return { outcomes };
};

export const handler = middy(lambdaHandler)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(publishMetrics({ coldStart: true }));
