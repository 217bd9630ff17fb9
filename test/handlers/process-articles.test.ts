/**
 * The worker's Lambda entry point, as Lambda calls it, against a real local DynamoDB server and article pages served
 * on loopback: stores each article once, reports only the failed records, and logs structured JSON with the
 * correlation id.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { articlePage } from '../support/pages';
import { captureOutput } from '../support/capture-output';
import { restoreEnv, stubEnv, stubLocalAws } from '../support/stub-env';
import { METRICS_NAMESPACE } from '../../functions/shared/telemetry-contract';
import { createLambdaContext } from '../../local/lambda-context';
import { articleMessage, sqsEvent, sqsRecord } from '../support/events';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { DynamoArticleStore, DynamoSeenUrlStore, DynamoSourceStore } from '../../functions/store/dynamo-stores';

let dynamo: LocalDynamo;
let pages: Server;
let origin = '';
let handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
const logs: string[] = [];

beforeAll(async () => {
  dynamo = await startLocalDynamo('worker-handler');
  pages = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://pages').pathname;
    if (path.startsWith('/story')) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(articlePage('Dockworkers strike enters second week', `${origin}/story`, 'the strike'));
    } else if (path === '/unavailable') {
      response.writeHead(503).end();
    } else if (path === '/gone') {
      response.writeHead(404).end();
    } else {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html><body><ul><li><a href="/a">a</a></li></ul></body></html>');
    }
  });
  await new Promise<void>((ready) => pages.listen(0, '127.0.0.1', ready));
  origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;

  stubLocalAws({ tableName: dynamo.tableName, dynamoEndpoint: dynamo.endpoint });
  stubEnv('ALLOW_PRIVATE_ADDRESSES', 'true');
  stubEnv('POWERTOOLS_METRICS_NAMESPACE', METRICS_NAMESPACE);
  stubEnv('POWERTOOLS_DEV', 'true');
  captureOutput(logs);
  handler = (await import('../../functions/process-articles')).handler as unknown as typeof handler;
}, 60_000);

afterAll(async () => {
  jest.restoreAllMocks();
  restoreEnv();
  await new Promise((done) => pages.close(done));
  await dynamo.stop();
});

describe('process-articles handler', () => {
  it('stores an article once across two feeds and a redelivery, and reports only transient failures', async () => {
    const fromFeedA = articleMessage({ url: `${origin}/story?from=a` });
    const fromFeedB = articleMessage({ url: `${origin}/story?from=b`, sourceId: 'other', sourceName: 'Other' });
    const unavailable = articleMessage({ url: `${origin}/unavailable` });
    const event = sqsEvent([fromFeedA, fromFeedB, unavailable, articleMessage({ url: `${origin}/gone` }), articleMessage({ url: `${origin}/index` }), 'not json']);

    const response = await handler(event, createLambdaContext('worker', 60));
    const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    expect(failed).toEqual(new Set([event.Records[2]!.messageId, event.Records[5]!.messageId]));

    const redelivered = await handler(sqsEvent([fromFeedA]), createLambdaContext('worker', 60));
    expect(redelivered.batchItemFailures).toEqual([]);

    // A batch whose every record fails is reported record by record too, not thrown: a thrown batch counts as a failed
    // invocation, which WorkerErrorRate pages on.
    const allFailing = sqsEvent([unavailable, 'not json']);
    const failedBatch = await handler(allFailing, createLambdaContext('worker', 60));
    expect(new Set(failedBatch.batchItemFailures.map((failure) => failure.itemIdentifier))).toEqual(new Set(allFailing.Records.map((record) => record.messageId)));

    const articles = new DynamoArticleStore(dynamo);
    const listing = await articles.listArticles({ limit: 10 });
    expect(listing.items).toHaveLength(1);
    expect(listing.items[0]).toMatchObject({ url: `${origin}/story`, title: 'Dockworkers strike enters second week' });
    const sources = new DynamoSourceStore(dynamo);
    const counts = (await sources.listSources()).map((source) => source.articleCount);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("marks queued the URL of a record it leaves to SQS, for the rest of the message's way as its receive count says", async () => {
    const url = `${origin}/unavailable?receive=4`;
    const event: SQSEvent = { Records: [sqsRecord(JSON.stringify(articleMessage({ url })), 4)] };
    const before = Date.now();
    const response = await handler(event, createLambdaContext('worker', 60));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]!.messageId }]);
    // Its fourth receive of five: this one's visibility timeout and the one left (9 minutes each), and the redrive's
    // look (32 minutes). No outcome: the next delivery processes it.
    const seenAt = (minutes: number) => new DynamoSeenUrlStore({ ...dynamo, now: () => new Date(before + minutes * 60_000) });
    expect(await seenAt(0).filterUnseen([url])).toEqual([url]);
    expect(await seenAt(49).filterUnqueued([url])).toEqual([]);
    expect(await seenAt(51).filterUnqueued([url])).toEqual([url]);
  });

  it('logs JSON lines that carry the source id and the correlation id', async () => {
    const message = articleMessage({ url: `${origin}/gone?again=1`, correlationId: 'corr-123' });
    logs.length = 0;
    await handler(sqsEvent([message]), createLambdaContext('worker', 60));
    const records = logs.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
    const rejection = records.find((record) => record.message === 'page rejected');
    expect(rejection).toMatchObject({ correlationId: 'corr-123', sourceId: 'harbor-times', reason: 'not-found' });
    // A batch whose only metric is a dimensioned one (published on its own) gives no empty-metrics warning.
    expect(logs.join('\n')).not.toContain('No application metrics');
  });
});
