/**
 * eval:related: stores a labelled corpus through the worker's storing code into a fresh local table, then asks the
 * read path for each article's related list, and writes `{ "<corpus id>": ["<related corpus id>", ...] }`.
 *
 *   npm run --silent eval:related -- <corpus.jsonl> [--out pred.json]
 *   python3 ../shared/data/related-dev/score_related.py <corpus.jsonl> pred.json
 *
 * Fetch and extraction are skipped: each line's title and body become an ArticleDraft with a synthetic URL, one of
 * eight synthetic sources, and a publication time one minute after the previous line's. Labels are never read.
 * On stderr: timings, and the DynamoDB requests and capacity units per ingested article and per related query
 * (every request asks for ReturnConsumedCapacity TOTAL).
 *
 * The store is dynalite in memory, in a child process of its own: the server's work (validation, LevelDB, JSON)
 * then runs on another core than the worker's code and the SDK, and the two heaps are collected apart.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { DynamoStoryIndex } from '../functions/dedupe/story-index';
import { DynamoRelatedIndex } from '../functions/related/dynamo-related-index';
import { silentTelemetry } from '../functions/shared/telemetry';
import { DynamoArticleStore, DynamoSourceStore } from '../functions/store/dynamo-stores';
import { storeArticle, type ArticleDraft } from '../functions/use-cases/store-article';
import { createDynamoClients, ensureTable, startDynamoProcess } from '../local/servers';

interface CorpusLine {
  readonly id: string;
  readonly title: string;
  readonly body: string;
}

interface Usage {
  requests: number;
  readUnits: number;
  writeUnits: number;
}

const SOURCES = 8;
const START = Date.parse('2026-01-01T00:00:00.000Z');

function parseArgs(argv: readonly string[]): { corpus: string; out: string | null } {
  const rest = [...argv];
  let out: string | null = null;
  const outAt = rest.indexOf('--out');
  if (outAt >= 0) {
    out = rest[outAt + 1] ?? null;
    if (!out) throw new Error('--out needs a file name');
    rest.splice(outAt, 2);
  }
  const [corpus] = rest;
  if (!corpus || rest.length !== 1) throw new Error('usage: eval-related <corpus.jsonl> [--out pred.json]');
  return { corpus, out };
}

function readCorpus(path: string): CorpusLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line, i) => {
      const row = JSON.parse(line) as Partial<CorpusLine>;
      if (typeof row.id !== 'string' || typeof row.title !== 'string' || typeof row.body !== 'string') {
        throw new Error(`line ${i + 1}: needs string id, title and body`);
      }
      return { id: row.id, title: row.title, body: row.body };
    });
}

/** Corpus ids may hold any character; article ids are URL-safe. */
const articleIdOf = (corpusId: string) => createHash('sha256').update(corpusId).digest('base64url').slice(0, 22);

function draftOf(line: CorpusLine, index: number): ArticleDraft {
  const id = articleIdOf(line.id);
  const bucket = id.charCodeAt(0) % SOURCES;
  const publishedAt = new Date(START + index * 60_000).toISOString();
  return {
    id,
    url: `https://outlet-${bucket}.example/articles/${id}`,
    title: line.title,
    source: { id: `outlet-${bucket}`, name: `Outlet ${bucket}` },
    publishedAt,
    summary: '',
    body: line.body,
    byline: null,
    imageUrl: null,
    language: 'en',
    fetchedAt: publishedAt,
    modifiedAt: null,
  };
}

async function main(): Promise<void> {
  const { corpus, out } = parseArgs(process.argv.slice(2));
  const lines = readCorpus(corpus);
  const server = await startDynamoProcess();
  const { raw, document: client } = createDynamoClients(server.endpoint);
  const usage: Usage = { requests: 0, readUnits: 0, writeUnits: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const units = ((Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as { CapacityUnits?: number }[])
        .reduce((sum, capacity) => sum + (capacity.CapacityUnits ?? 0), 0);
      usage.requests += 1;
      if (/Put|Update|Delete|BatchWrite/.test(String(context.commandName))) usage.writeUnits += units;
      else usage.readUnits += units;
      return result;
    },
    { step: 'initialize', name: 'countConsumedCapacity' },
  );
  try {
    const tableName = 'newsweave-eval';
    await ensureTable(raw, tableName);
    const deps = {
      articles: new DynamoArticleStore({ client, tableName }),
      sources: new DynamoSourceStore({ client, tableName }),
      related: new DynamoRelatedIndex({ client, tableName }),
      stories: new DynamoStoryIndex({ client, tableName }),
      telemetry: silentTelemetry,
    };

    const ingestStarted = performance.now();
    const corpusIdOf = new Map<string, string>();
    for (const [index, line] of lines.entries()) {
      const draft = draftOf(line, index);
      corpusIdOf.set(draft.id, line.id);
      await storeArticle(draft, deps);
    }
    const ingest = { ...usage, ms: performance.now() - ingestStarted };

    const before = { ...usage };
    const queryStarted = performance.now();
    const predictions: Record<string, string[]> = {};
    for (const line of lines) {
      const related = (await deps.related.findRelated(articleIdOf(line.id), { limit: 50 })) ?? [];
      predictions[line.id] = related.map((entry) => corpusIdOf.get(entry.id) ?? entry.id);
    }
    const queryMs = performance.now() - queryStarted;

    const json = JSON.stringify(predictions);
    if (out) writeFileSync(out, json);
    else process.stdout.write(`${json}\n`);

    const n = lines.length || 1;
    const per = (value: number) => (value / n).toFixed(2);
    process.stderr.write(
      [
        `articles ${lines.length}: ingest ${(ingest.ms / 1000).toFixed(1)} s, related queries ${(queryMs / 1000).toFixed(1)} s`,
        `per ingested article (store + story + index): ${per(ingest.requests)} requests, ${per(ingest.readUnits)} RCU, ${per(ingest.writeUnits)} WCU`,
        `per related query: ${per(usage.requests - before.requests)} requests, ${per(usage.readUnits - before.readUnits)} RCU`,
      ].join('\n') + '\n',
    );
  } finally {
    raw.destroy();
    await server.stop();
  }
}

await main();
