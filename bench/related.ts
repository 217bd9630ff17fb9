/**
 * `npm run bench:related`: latency and throughput of `GET /articles/{id}/related` on the local stack with at least
 * 10,000 stored articles, and the DynamoDB requests each call costs (counted at the local DynamoDB server).
 *
 * Seeding stores the articles through the worker's own storing and indexing code (`storeArticle`; fetch and
 * extraction skipped), several at a time, into dynalite running in a child process on the stack's data dir, so that
 * the server's half of the work runs on another core; the local stack then opens that data dir and serves the API.
 * Articles indexed at the same moment may miss each other as related (each reads the postings before the other
 * writes them): a seeding artefact that changes no request count.
 * Options: --articles N (default 10000), --seed-concurrency N (default 16), --connections N (default 50),
 * --duration S (default 20), --data-dir DIR (keep the seeded data there: a later run reuses it, and a run with more
 * --articles seeds only the articles that are missing).
 */
import autocannon from 'autocannon';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { articleIdFor } from '../functions/fetch/canonical-url';
import { mapLimited } from '../functions/shared/concurrency';
import { silentTelemetry } from '../functions/shared/telemetry';
import { DynamoRelatedStore } from '../functions/store/dynamo-related-store';
import { DynamoArticleStore, DynamoSourceStore } from '../functions/store/dynamo-stores';
import { storeArticle } from '../functions/use-cases/store-article';
import { startLocalStack } from '../local/runtime';
import { createDynamoClients, ensureTable, freePort, startDynamoProcess } from '../local/servers';
import { articleText } from './support/synthetic-outlets';

const { values } = parseArgs({
  options: {
    articles: { type: 'string' },
    'seed-concurrency': { type: 'string' },
    connections: { type: 'string' },
    duration: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
const articleCount = Number(values.articles ?? 10_000);
const seedConcurrency = Number(values['seed-concurrency'] ?? 16);
const connections = Number(values.connections ?? 50);
const duration = Number(values.duration ?? 20);
for (const [name, value] of Object.entries({ articleCount, seedConcurrency, connections, duration })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
}
/** The local stack's table (local/runtime.ts). */
const TABLE_NAME = 'newsweave';
const OUTLETS = 20;

const keepDir = values['data-dir'] !== undefined;
const dir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'newsweave-bench-related-'));
mkdirSync(dir, { recursive: true });
const dataDir = join(dir, 'data');
const seededMark = join(dir, 'seeded.json');
const ids = Array.from({ length: articleCount }, (_, n) => articleIdFor(articleUrl(n)));

function articleUrl(n: number): string {
  return `https://outlet-${n % OUTLETS}.example/news/${n}`;
}

/** Stores articles `from` to `articleCount - 1` (the same ones on every run: the text is seeded by the number). */
async function seed(from: number): Promise<{ from: number; seconds: number; requestsPerArticle: number }> {
  mkdirSync(dataDir, { recursive: true });
  const dynamo = await startDynamoProcess({ path: join(dataDir, 'dynamodb') });
  const { raw, document } = createDynamoClients(dynamo.endpoint);
  let requests = 0;
  document.middlewareStack.add(
    (next) => (args) => {
      requests += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  try {
    await ensureTable(raw, TABLE_NAME);
    const deps = {
      articles: new DynamoArticleStore({ client: document, tableName: TABLE_NAME }),
      sources: new DynamoSourceStore({ client: document, tableName: TABLE_NAME }),
      related: new DynamoRelatedStore({ client: document, tableName: TABLE_NAME }),
      telemetry: silentTelemetry,
    };
    const started = performance.now();
    const numbers = Array.from({ length: Math.max(0, articleCount - from) }, (_, i) => from + i);
    await mapLimited(numbers, seedConcurrency, async (n) => {
      const { title, paragraphs } = articleText(n);
      const publishedAt = new Date(Date.UTC(2026, 10, 1) + n * 30_000).toISOString();
      await storeArticle(
        {
          id: ids[n]!,
          url: articleUrl(n),
          title,
          source: { id: `outlet-${n % OUTLETS}`, name: `Outlet ${n % OUTLETS}` },
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
      if ((n + 1) % 1000 === 0) process.stderr.write(`seeded ${n + 1}\n`);
    });
    return { from, seconds: (performance.now() - started) / 1000, requestsPerArticle: requests / Math.max(1, articleCount - from) };
  } finally {
    raw.destroy();
    await dynamo.stop();
  }
}

const seeded = existsSync(seededMark)
  ? (JSON.parse(readFileSync(seededMark, 'utf8')) as { articles: number; from: number; seconds: number; requestsPerArticle: number })
  : null;
if (seeded && seeded.articles > articleCount) throw new Error(`${dir} holds ${seeded.articles} articles, more than ${articleCount}`);
const seeding =
  seeded?.articles === articleCount ? seeded : { articles: articleCount, ...(await seed(seeded?.articles ?? 0)) };
writeFileSync(seededMark, JSON.stringify(seeding));

const sourcesPath = join(dir, 'sources.json');
// The stack needs one source; it is never reachable, so the scheduler adds nothing while the benchmark runs.
writeFileSync(sourcesPath, JSON.stringify([{ id: 'outlet-0', name: 'Outlet 0', url: 'http://127.0.0.1:9/feed.xml', schedule: 'rate(1 day)' }]));
const port = await freePort();
const stack = await startLocalStack({ port, sourcesPath, dataDir, print: () => undefined });
try {
  // The scheduler's first (failing) refresh of the source writes its state: let it pass before counting requests.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  let call = 0;
  const before = stack.dynamo.requestCount();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration,
    requests: [{ setupRequest: (request) => ({ ...request, path: `/articles/${ids[(call++ * 7919) % ids.length]}/related` }) }],
  });
  const dynamoRequests = stack.dynamo.requestCount() - before;
  const figures = {
    storedArticles: articleCount,
    /** The last seeding run stored the articles from `seededFrom` on, in `seedSeconds`. */
    seededFrom: seeding.from,
    seedSeconds: Math.round(seeding.seconds),
    seedConcurrency,
    dynamoRequestsPerIngestedArticle: Math.round(seeding.requestsPerArticle * 10) / 10,
    connections,
    durationSeconds: duration,
    calls: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    dynamoRequestsPerCall: Math.round((dynamoRequests / Math.max(1, result.requests.total)) * 100) / 100,
  };
  console.log(
    `related: ${figures.storedArticles} articles, ${figures.storedArticles - figures.seededFrom} stored by the last seeding in ${figures.seedSeconds} s, ${seedConcurrency} at a time (${figures.dynamoRequestsPerIngestedArticle} DynamoDB requests each)`,
  );
  console.log(
    `GET /articles/{id}/related: ${figures.calls} calls, ${figures.requestsPerSecond} req/s, p50 ${figures.latencyP50Ms} ms, p99 ${figures.latencyP99Ms} ms, errors ${figures.errors}, DynamoDB requests per call ${figures.dynamoRequestsPerCall}`,
  );
  mkdirSync('.bench', { recursive: true });
  writeFileSync('.bench/related.json', JSON.stringify(figures, null, 2));
  if (figures.errors > 0) process.exitCode = 1;
} finally {
  await stack.stop();
  if (!keepDir) rmSync(dir, { recursive: true, force: true });
}
