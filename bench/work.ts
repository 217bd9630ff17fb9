/**
 * `npx tsx bench/work.ts`: the work each unit of traffic costs, measured through the deployed handlers' own code.
 * The local DynamoDB, SQS and the outlets run in a child process, so this process runs only the handlers
 * and its CPU time is theirs. The fetcher refreshes every feed once; the worker is then handed the queued messages
 * in SQS batches of ten, as the event source mapping would; the API handler then serves listing pages, articles and
 * related lists. Counted: HTTP requests to the outlets, DynamoDB requests and capacity units (see
 * support/aws-meter.ts), SQS requests, CPU milliseconds, and the bytes the table holds afterwards. For comparison in
 * the same run: the time extraction alone takes on the same pages.
 *
 * The outlets serve synthetic text by default. With `--corpus <file.jsonl>` (lines of `{ id, title, body }`, as in
 * ../shared/data/related-dev) they serve that file's articles instead, spread over the outlets' feeds in the file's
 * order, each an HTML page of its title and its body's lines as paragraphs: the synthetic text's small vocabulary
 * keeps the word index small, so its true cost per article shows only on real text. Either way, the stored bodies
 * of a sample of articles are read back through the API and compared with the text served (`fidelity`: identical
 * bodies, and the share of the served words found in the stored body). Write units are also split by the type of
 * item written (`worker.writesPerArticleByItemType`: the article, its index entry, its own list, later links,
 * postings, URL and source records; see support/aws-meter.ts). `perStoredArticle` sums fetcher and worker per
 * article stored (pages extraction rejects store nothing) and prices their DynamoDB units as bench/cost-model.ts does.
 *
 * Options: --corpus FILE, --articles N (default 600, or the whole corpus: with --corpus its first N lines),
 * --sources N (default 6), --json (print the figures as JSON only).
 * Writes `.bench/work.json`; its `corpus` names the file and lines served (null for synthetic text).
 */
import { ReceiveMessageCommand, DeleteMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';
import { mkdirSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { extractFromBytes } from '../functions/extract/extract-article';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../functions/shared/telemetry-contract';
import { articleKey, TABLE_KEYS } from '../functions/contracts/table-schema';
import { loadHandlers } from '../local/handlers';
import { createLambdaContext } from '../local/lambda-context';
import { FETCHER_SETTINGS } from '../functions/contracts/queue-settings';
import { createDynamoClients, LOCAL_AWS } from '../local/servers';
import { PRICES } from './cost-model';
import { installAwsMeter, itemSize, itemType, projectedSize, totalRequests } from './support/aws-meter';
import { startInfraProcess } from './support/infra-process';
import { outletCatalog, pageOf, type OutletOptions } from './support/synthetic-outlets';

const { values } = parseArgs({
  options: { corpus: { type: 'string' }, articles: { type: 'string' }, sources: { type: 'string' }, json: { type: 'boolean' } },
});
const sourceCount = Number(values.sources ?? 6);
const corpusPath = values.corpus === undefined ? undefined : resolve(values.corpus);
const outletOptions: OutletOptions = corpusPath
  ? { sources: sourceCount, perSource: 0, corpus: corpusPath, ...(values.articles ? { articles: Number(values.articles) } : {}) }
  : { sources: sourceCount, perSource: Math.ceil(Number(values.articles ?? 600) / sourceCount) };
const catalog = outletCatalog(outletOptions);
/** Article `n` of outlet `source` of the catalog, as its page's bytes. */
const pageBytes = (source: number, n: number) => new TextEncoder().encode(catalog.page('http://127.0.0.1', source, n));
const say = values.json ? () => undefined : (line: string) => console.log(line);

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

const infra = await startInfraProcess(outletOptions);
try {
  Object.assign(process.env, {
    TABLE_NAME: infra.tableName,
    QUEUE_URL: infra.queueUrl,
    ALLOW_PRIVATE_ADDRESSES: 'true',
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: infra.dynamoEndpoint,
    AWS_ENDPOINT_URL_SQS: infra.sqsEndpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    // Metrics stay on (EMF lines are part of the work); their output is silenced below, not skipped.
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  });
  const meter = installAwsMeter();
  const logBytes = silenceStdout();

  const { fetchSources, processArticles, httpApi } = await loadHandlers();

  // Fetcher: one refresh of every feed.
  let usage = meter.snapshot();
  let logs = logBytes.total();
  let cpu = process.cpuUsage();
  const { outcomes } = await fetchSources({ sources: infra.sources, force: true }, createLambdaContext('bench-fetcher', FETCHER_SETTINGS.timeoutSeconds));
  const fetcherCpuMs = cpuMs(cpu);
  const fetcherUsage = meter.since(usage);
  const fetcherLogBytes = logBytes.total() - logs;
  const queued = outcomes.reduce((sum, outcome) => sum + outcome.queued, 0);
  const requestsAfterFeeds = await infra.outletRequests();

  // Worker: the queued messages in batches of ten; the first batch warms the JIT and is left out of the CPU figure.
  const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: infra.sqsEndpoint });
  usage = meter.snapshot();
  logs = logBytes.total();
  let processed = 0;
  let failed = 0;
  let batches = 0;
  let workerCpuMs = 0;
  let workerWallMs = 0;
  let warmupArticles = 0;
  let firstBatchCpuMs = 0;
  for (let empty = 0; processed + failed < queued && empty < 20; ) {
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: infra.queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 900, MessageSystemAttributeNames: ['All'] }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) {
      empty += 1;
      continue;
    }
    const event: SQSEvent = {
      Records: messages.map((message) => ({
        messageId: message.MessageId ?? '',
        receiptHandle: message.ReceiptHandle ?? '',
        body: message.Body ?? '',
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'bench',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: message.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench-articles',
        awsRegion: 'us-east-1',
      })),
    };
    cpu = process.cpuUsage();
    const started = performance.now();
    const result = await processArticles(event, createLambdaContext('bench-worker', 60));
    const batchCpuMs = cpuMs(cpu);
    if (batches === 0) {
      firstBatchCpuMs = batchCpuMs;
      warmupArticles = messages.length;
    } else {
      workerCpuMs += batchCpuMs;
      workerWallMs += performance.now() - started;
    }
    batches += 1;
    failed += result.batchItemFailures.length;
    processed += messages.length - result.batchItemFailures.length;
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: infra.queueUrl,
        Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' })),
      }),
    );
  }
  sqs.destroy();
  const workerUsage = meter.since(usage);
  const workerLogBytes = logBytes.total() - logs;
  const requestsAfterWorker = await infra.outletRequests();

  // API: listing pages, articles, related lists.
  const listing = async (path: string, query = '') => {
    const result = await httpApi(apiEvent(path, query), createLambdaContext('bench-api', 10));
    if (result.statusCode !== 200) throw new Error(`${path}?${query}: HTTP ${result.statusCode}`);
    return JSON.parse(String(result.body)) as { items?: { id: string }[] };
  };
  const ids = (await listing('/articles', 'limit=100')).items?.map((item) => item.id) ?? [];
  const perCall = async (calls: [string, string][]) => {
    const before = meter.snapshot();
    const logged = logBytes.total();
    const started = process.cpuUsage();
    for (const [path, query] of calls) await listing(path, query);
    const spent = meter.since(before);
    return {
      calls: calls.length,
      dynamoRequestsPerCall: round(totalRequests(spent.dynamoRequests) / calls.length),
      readUnitsPerCall: round(spent.readUnits / calls.length),
      cpuMsPerCall: round(cpuMs(started) / calls.length),
      logBytesPerCall: Math.round((logBytes.total() - logged) / calls.length),
      requests: spent.dynamoRequests,
    };
  };
  const sample = ids.slice(0, 50);
  const api = {
    listingPage: await perCall(Array.from({ length: 20 }, () => ['/articles', ''] as [string, string])),
    sourceListingPage: await perCall(infra.sources.map((source) => ['/articles', `source=${source.id}`] as [string, string])),
    article: await perCall(sample.map((id) => [`/articles/${id}`, ''] as [string, string])),
    related: await perCall(sample.map((id) => [`/articles/${id}/related`, ''] as [string, string])),
  };
  const fidelity = await checkFidelity(sample, async (id) => (await listing(`/articles/${id}`)) as StoredArticle);
  logBytes.restore();

  // The SDK's own CPU per DynamoDB request, for comparison: GetItem of one article, a client as the handlers make it.
  const sdkCpuMsPerRequest = await sdkCpuPerRequest(infra.dynamoEndpoint, infra.tableName, ids[0] ?? '');

  // Storage: every item in the table, with DynamoDB's 100-byte overhead per item, and the index entries.
  const storage = await measureStorage(infra.dynamoEndpoint, infra.tableName);

  // Comparison in the same run: extraction alone on the same pages (the first 200, taken across the outlets).
  const pages = Array.from({ length: Math.min(200, infra.articleCount) }, (_, n) => pageBytes(n % sourceCount, Math.floor(n / sourceCount)));
  for (const bytes of pages.slice(0, 20)) extractFromBytes(bytes, { url: 'http://127.0.0.1/s0/a0.html', contentType: 'text/html' });
  cpu = process.cpuUsage();
  for (const bytes of pages) extractFromBytes(bytes, { url: 'http://127.0.0.1/s0/a0.html', contentType: 'text/html' });
  const extractCpuMsPerPage = cpuMs(cpu) / pages.length;

  // Per article stored (a rejected page costs its URL record but stores nothing): what ingest (fetcher and worker
  // together) costs in DynamoDB, priced as in the cost model (bench/cost-model.ts), without Lambda, SQS or logs.
  const stored = storage.byItemType['ARTICLE/ARTICLE']?.items ?? 0;
  const ingestWriteUnits = workerUsage.writeUnits + workerUsage.indexWriteUnits + fetcherUsage.writeUnits + fetcherUsage.indexWriteUnits;
  const ingestReadUnits = workerUsage.readUnits + fetcherUsage.readUnits;
  const perStored = (value: number) => round(value / Math.max(1, stored), 3);
  const perStoredArticle = {
    stored,
    dynamoRequests: perStored(totalRequests(workerUsage.dynamoRequests) + totalRequests(fetcherUsage.dynamoRequests)),
    writeUnits: perStored(ingestWriteUnits),
    readUnits: perStored(ingestReadUnits),
    bytes: Math.round(storage.totalBytes / Math.max(1, stored)),
    dynamoUsdPerMillion: round((ingestWriteUnits * PRICES.dynamoWrite.usd + ingestReadUnits * PRICES.dynamoRead.usd) * (1e6 / Math.max(1, stored))),
  };

  const measured = processed + failed - warmupArticles;
  const per = (value: number, count: number) => round(value / Math.max(1, count), 3);
  const figures = {
    articles: infra.articleCount,
    sources: sourceCount,
    corpus: corpusPath ? { file: relative(process.cwd(), corpusPath), lines: infra.articleCount } : null,
    perStoredArticle,
    fidelity,
    fetcher: {
      sources: sourceCount,
      queued,
      cpuMsPerSource: per(fetcherCpuMs, sourceCount),
      httpRequestsPerSource: per(requestsAfterFeeds.feeds, sourceCount),
      dynamoRequestsPerSource: per(totalRequests(fetcherUsage.dynamoRequests), sourceCount),
      dynamoRequestsPerQueuedArticle: per(totalRequests(fetcherUsage.dynamoRequests), queued),
      writeUnitsPerQueuedArticle: per(fetcherUsage.writeUnits + fetcherUsage.indexWriteUnits, queued),
      readUnitsPerQueuedArticle: per(fetcherUsage.readUnits, queued),
      sqsRequestsPerQueuedArticle: per(totalRequests(fetcherUsage.sqsRequests), queued),
      logBytesPerSource: Math.round(fetcherLogBytes / sourceCount),
      usage: fetcherUsage,
    },
    worker: {
      processed,
      failed,
      batches,
      httpRequestsPerArticle: per(requestsAfterWorker.pages - requestsAfterFeeds.pages + requestsAfterWorker.other - requestsAfterFeeds.other, processed + failed),
      dynamoRequestsPerArticle: per(totalRequests(workerUsage.dynamoRequests), processed + failed),
      writeUnitsPerArticle: per(workerUsage.writeUnits, processed + failed),
      indexWriteUnitsPerArticle: per(workerUsage.indexWriteUnits, processed + failed),
      readUnitsPerArticle: per(workerUsage.readUnits, processed + failed),
      refusedWritesPerArticle: per(workerUsage.refusedWrites, processed + failed),
      writesPerArticleByItemType: Object.fromEntries(
        Object.entries(workerUsage.writesByItemType)
          .sort(([, a], [, b]) => b.units - a.units)
          .map(([type, { items, units }]) => [type, { items: per(items, processed + failed), units: per(units, processed + failed) }]),
      ),
      cpuMsPerArticle: per(workerCpuMs, measured),
      wallMsPerBatch: per(workerWallMs, batches - 1),
      firstBatchCpuMsPerArticle: per(firstBatchCpuMs, warmupArticles),
      logBytesPerArticle: Math.round(workerLogBytes / Math.max(1, processed + failed)),
      extractCpuMsPerPage: round(extractCpuMsPerPage, 3),
      sdkCpuMsPerRequest: round(sdkCpuMsPerRequest, 3),
      usage: workerUsage,
    },
    storage: { ...storage, bytesPerArticle: Math.round(storage.totalBytes / Math.max(1, processed)) },
    api,
  };
  mkdirSync('.bench', { recursive: true });
  writeFileSync('.bench/work.json', `${JSON.stringify(figures, null, 2)}\n`);
  if (values.json) {
    console.log(JSON.stringify(figures));
  } else {
    const w = figures.worker;
    const text = figures.corpus ? `articles of ${figures.corpus.file}` : 'synthetic articles';
    say(`work per unit: ${figures.articles} ${text} from ${sourceCount} sources (${processed} stored or skipped, ${failed} failed)`);
    say(`fetcher, per source refresh: ${figures.fetcher.httpRequestsPerSource} HTTP, ${figures.fetcher.dynamoRequestsPerSource} DynamoDB requests, ${figures.fetcher.cpuMsPerSource} ms CPU`);
    say(`fetcher, per queued article: ${figures.fetcher.dynamoRequestsPerQueuedArticle} DynamoDB requests, ${figures.fetcher.writeUnitsPerQueuedArticle} WCU, ${figures.fetcher.sqsRequestsPerQueuedArticle} SQS requests`);
    say(`worker, per article: ${w.httpRequestsPerArticle} HTTP, ${w.dynamoRequestsPerArticle} DynamoDB requests ${JSON.stringify(perArticle(workerUsage.dynamoRequests, processed + failed))}`);
    say(`  ${w.writeUnitsPerArticle} WCU table + ${w.indexWriteUnitsPerArticle} WCU indexes, ${w.readUnitsPerArticle} RCU, ${w.logBytesPerArticle} log bytes`);
    say(`  table WCU by item written: ${Object.entries(w.writesPerArticleByItemType).map(([type, v]) => `${type} ${v.units} (${v.items} items)`).join(', ')}`);
    say(`  ${w.cpuMsPerArticle} ms CPU; extraction alone ${w.extractCpuMsPerPage} ms per page, the SDK ${w.sdkCpuMsPerRequest} ms per DynamoDB request`);
    const p = perStoredArticle;
    say(
      `per article stored (${p.stored}), fetcher and worker: ${p.dynamoRequests} DynamoDB requests, ${p.writeUnits} WCU, ${p.readUnits} RCU, ` +
        `${p.bytes} bytes kept: $${p.dynamoUsdPerMillion} per million articles in DynamoDB requests`,
    );
    say(`storage: ${figures.storage.bytesPerArticle} bytes per article (${JSON.stringify(storage.byItemType)})`);
    say(
      `stored bodies: ${fidelity.identical} of ${fidelity.checked} identical to the text served; share of its words kept ` +
        `${fidelity.minWordRecall} at least, ${fidelity.meanWordRecall} on average`,
    );
    for (const [name, call] of Object.entries(api)) {
      say(`API ${name}: ${call.dynamoRequestsPerCall} DynamoDB requests, ${call.readUnitsPerCall} RCU, ${call.cpuMsPerCall} ms CPU per call`);
    }
  }
  if (failed > 0 || processed < queued) process.exitCode = 1;
} finally {
  await infra.stop();
}

function perArticle(requests: Record<string, number>, articles: number): Record<string, number> {
  return Object.fromEntries(Object.entries(requests).map(([operation, count]) => [operation, round(count / Math.max(1, articles))]));
}

function apiEvent(path: string, query: string): APIGatewayProxyEventV2 {
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: query,
    headers: { host: 'bench.local' },
    ...(query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(query)) } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: 'bench.local',
      domainPrefix: 'bench',
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: `bench-${now}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    isBase64Encoded: false,
  };
}

/** Counts and drops what the handlers write to stdout (Powertools logs and EMF lines): CloudWatch bills those bytes. */
function silenceStdout(): { total(): number; restore(): void } {
  const write = process.stdout.write.bind(process.stdout);
  let bytes = 0;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    return true;
  }) as typeof process.stdout.write;
  return {
    total: () => bytes,
    restore: () => {
      process.stdout.write = write;
    },
  };
}

async function sdkCpuPerRequest(endpoint: string, tableName: string, articleId: string): Promise<number> {
  const { document } = createDynamoClients(endpoint);
  const get = () => document.send(new GetCommand({ TableName: tableName, Key: articleKey(articleId) }));
  for (let i = 0; i < 50; i++) await get();
  const started = process.cpuUsage();
  const count = 300;
  for (let i = 0; i < count; i++) await get();
  const spent = cpuMs(started) / count;
  document.destroy();
  return spent;
}

interface StoredArticle {
  readonly url: string;
  readonly title: string;
  readonly body: string;
}

/**
 * Whether extraction kept the text served: each stored article's body against its page's paragraphs, identical (up
 * to whitespace) or by the share of the page's words (`\w+` runs, with repeats) found in the body. A first paragraph
 * that repeats the headline is not expected (extraction drops it as the heading; some corpus bodies begin so).
 */
async function checkFidelity(ids: readonly string[], read: (id: string) => Promise<StoredArticle>) {
  const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
  const words = (text: string) => text.match(/\w+/g) ?? [];
  let identical = 0;
  const recalls: number[] = [];
  const differing: { page: string; wordRecall: number }[] = [];
  for (const id of ids) {
    const stored = await read(id);
    const at = pageOf(stored.url);
    const served = at && catalog.article(at.source, at.n);
    if (!served) throw new Error(`stored article ${id} has a URL no outlet served: ${stored.url}`);
    const paragraphs = served.paragraphs.filter((paragraph, i) => i > 0 || squash(paragraph) !== squash(served.title));
    if (squash(stored.body) === squash(paragraphs.join(' '))) identical += 1;
    const left = new Map<string, number>();
    for (const word of words(stored.body)) left.set(word, (left.get(word) ?? 0) + 1);
    const expected = words(paragraphs.join(' '));
    const found = expected.filter((word) => {
      const count = left.get(word) ?? 0;
      if (count > 0) left.set(word, count - 1);
      return count > 0;
    }).length;
    const recall = found / Math.max(1, expected.length);
    recalls.push(recall);
    if (recall < 1) differing.push({ page: new URL(stored.url).pathname, wordRecall: round(recall, 3) });
  }
  return {
    checked: ids.length,
    identical,
    minWordRecall: recalls.length ? round(Math.min(...recalls), 3) : null,
    meanWordRecall: round(recalls.reduce((a, b) => a + b, 0) / Math.max(1, recalls.length), 3),
    differing: differing.slice(0, 10),
  };
}

async function measureStorage(endpoint: string, tableName: string) {
  const { document } = createDynamoClients(endpoint);
  const byItemType: Record<string, { items: number; bytes: number }> = {};
  let totalBytes = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const pageOfItems = await document.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    for (const item of pageOfItems.Items ?? []) {
      const kind = itemType(item);
      let bytes = itemSize(item) + 100;
      for (const index of [TABLE_KEYS.byTimeIndex, TABLE_KEYS.bySourceIndex]) {
        if (item[index.partitionKey] !== undefined) bytes += projectedSize(item, index) + 100;
      }
      const entry = (byItemType[kind] ??= { items: 0, bytes: 0 });
      entry.items += 1;
      entry.bytes += bytes;
      totalBytes += bytes;
    }
    start = pageOfItems.LastEvaluatedKey;
  } while (start);
  document.destroy();
  return { totalBytes, byItemType };
}
