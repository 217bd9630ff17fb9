/**
 * `npm run bench:related`: latency and throughput of `GET /articles/{id}/related` on the local stack with at least
 * 10,000 stored articles, and the DynamoDB requests each call costs (counted at the local DynamoDB server).
 * The articles are stored through the worker's own storing and indexing code (fetch and extraction skipped).
 * Options: --articles N (default 10000), --connections N (default 50), --duration S (default 20).
 */
import autocannon from 'autocannon';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DynamoStoryIndex } from '../functions/dedupe/story-index';
import { articleIdFor } from '../functions/fetch/canonical-url';
import { DynamoRelatedIndex } from '../functions/related/dynamo-related-index';
import { silentTelemetry } from '../functions/shared/telemetry';
import { DynamoArticleStore, DynamoSourceStore } from '../functions/store/dynamo-stores';
import { storeArticle } from '../functions/use-cases/store-article';
import { createDynamoClients } from '../local/servers';
import { startBenchStack } from './support/local-stack';
import { articleText } from './support/synthetic-outlets';

const { values } = parseArgs({
  options: { articles: { type: 'string' }, connections: { type: 'string' }, duration: { type: 'string' } },
});
const articleCount = Number(values.articles ?? 10_000);
const connections = Number(values.connections ?? 50);
const duration = Number(values.duration ?? 20);
const SEED_CONCURRENCY = 8;

const bench = await startBenchStack();
try {
  const { document } = createDynamoClients(bench.stack.dynamo.endpoint);
  const tableName = bench.stack.tableName;
  const deps = {
    articles: new DynamoArticleStore({ client: document, tableName }),
    sources: new DynamoSourceStore({ client: document, tableName }),
    related: new DynamoRelatedIndex({ client: document, tableName }),
    stories: new DynamoStoryIndex({ client: document, tableName }),
    telemetry: silentTelemetry,
  };
  const ids: string[] = [];
  const seedStarted = performance.now();
  const requestsBeforeSeed = bench.stack.dynamo.requestCount();
  let next = 0;
  await Promise.all(
    Array.from({ length: SEED_CONCURRENCY }, async () => {
      while (next < articleCount) {
        const n = next++;
        const { title, paragraphs } = articleText(n);
        const url = `https://outlet-${n % 20}.example/news/${n}`;
        const id = articleIdFor(url);
        ids.push(id);
        const publishedAt = new Date(Date.UTC(2026, 10, 1) + n * 30_000).toISOString();
        await storeArticle(
          {
            id,
            url,
            title,
            source: { id: `outlet-${n % 20}`, name: `Outlet ${n % 20}` },
            publishedAt,
            summary: paragraphs[0]!.slice(0, 200),
            body: paragraphs.join('\n\n'),
            byline: null,
            imageUrl: null,
            language: 'en',
            fetchedAt: publishedAt,
            modifiedAt: null,
          },
          deps,
        );
      }
    }),
  );
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const seedRequests = bench.stack.dynamo.requestCount() - requestsBeforeSeed;

  let call = 0;
  const before = bench.stack.dynamo.requestCount();
  const result = await autocannon({
    url: bench.baseUrl,
    connections,
    duration,
    requests: [
      {
        setupRequest: (request) => ({ ...request, path: `/articles/${ids[(call++ * 7919) % ids.length]}/related` }),
      },
    ],
  });
  const dynamoRequests = bench.stack.dynamo.requestCount() - before;
  const figures = {
    storedArticles: ids.length,
    seedSeconds: Math.round(seedSeconds),
    dynamoRequestsPerIngestedArticle: Math.round((seedRequests / ids.length) * 10) / 10,
    connections,
    durationSeconds: duration,
    calls: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    dynamoRequestsPerCall: Math.round((dynamoRequests / Math.max(1, result.requests.total)) * 100) / 100,
  };
  console.log(`related: ${figures.storedArticles} articles stored in ${figures.seedSeconds} s (${figures.dynamoRequestsPerIngestedArticle} DynamoDB requests each)`);
  console.log(
    `GET /articles/{id}/related: ${figures.calls} calls, ${figures.requestsPerSecond} req/s, p50 ${figures.latencyP50Ms} ms, p99 ${figures.latencyP99Ms} ms, errors ${figures.errors}, DynamoDB requests per call ${figures.dynamoRequestsPerCall}`,
  );
  mkdirSync('.bench', { recursive: true });
  writeFileSync('.bench/related.json', JSON.stringify(figures, null, 2));
  document.destroy();
  if (figures.errors > 0) process.exitCode = 1;
} finally {
  await bench.stop();
}
