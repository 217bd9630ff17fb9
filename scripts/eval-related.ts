/**
 * eval:related: stores a labelled corpus through the worker's storing code into a fresh local table, then asks the
 * read path for each article's related list, and writes `{ "<corpus id>": ["<related corpus id>", ...] }`.
 *
 *   npm run --silent eval:related -- <corpus.jsonl> [--out pred.json] [--shuffle <seed>]
 *   python3 ../shared/data/related-dev/score_related.py <corpus.jsonl> pred.json
 *
 * Fetch and extraction are skipped: each line's title and body become an ArticleDraft with a synthetic URL, one of
 * eight synthetic sources, and its publication time: the line's own `date` or `publishedAt` (ISO 8601) when every
 * line has one, as an article carries its page's date; else one minute after the previous line's in the storing
 * order. Labels are never read.
 * The corpora are sorted by label, so one story's articles arrive together; `--shuffle <seed>` stores them in an
 * order fixed by the seed instead, as a stream of news mixes stories (the output stays in file order).
 * On stderr: timings, how the lines were timed (with, when some lack a date, how many and why the first does), and
 * the DynamoDB requests and capacity units per ingested article and per related query (every request asks for
 * ReturnConsumedCapacity TOTAL).
 *
 * The store is dynalite in memory, in a child process of its own: the server's work (validation, LevelDB, JSON)
 * then runs on another core than the worker's code and the SDK, and the two heaps are collected apart. Articles are
 * stored eight at a time in file order (EVAL_CONCURRENCY=n to change it; 1 stores them one by one), as the worker
 * stores a batch's records side by side.
 */
import { writeFileSync } from 'node:fs';
import { mapLimited } from '../functions/shared/concurrency';
import { silentTelemetry } from '../functions/shared/telemetry';
import { DynamoRelatedStore } from '../functions/store/dynamo-related-store';
import { DynamoArticleStore, DynamoSourceStore } from '../functions/store/dynamo-stores';
import { createRelatedQueries } from '../functions/use-cases/related-queries';
import { storeArticle } from '../functions/use-cases/store-article';
import { createDynamoClients, ensureTable, startDynamoProcess } from '../local/servers';
import { articleIdOf, draftOf, loadCorpus, shuffled } from './support/corpus';

interface Usage {
  requests: number;
  readUnits: number;
  writeUnits: number;
}

/**
 * Articles stored (then related lists asked for) at once. The index is built for concurrent writers (postings go in
 * before candidates are read), and the worker's code and the local server then keep both cores busy. When this was
 * chosen, on two cores, 1,000 articles of the index as it then was took 48 s four at a time and 43 s eight at a
 * time (sixteen: the same), with the same scores; docs/related.md has today's time.
 */
const CONCURRENCY = Math.max(1, Math.floor(Number(process.env.EVAL_CONCURRENCY ?? 8)) || 1);

const USAGE = 'usage: eval-related <corpus.jsonl> [--out pred.json] [--shuffle <seed>]';

function parseArgs(argv: readonly string[]): { corpus: string; out: string | null; shuffle: number | null } {
  const rest = [...argv];
  const take = (flag: string): string | null => {
    const at = rest.indexOf(flag);
    if (at < 0) return null;
    const value = rest[at + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value; ${USAGE}`);
    rest.splice(at, 2);
    return value;
  };
  const out = take('--out');
  const seed = take('--shuffle');
  const shuffle = seed === null ? null : Number(seed);
  if (shuffle !== null && !(Number.isInteger(shuffle) && shuffle >= 0)) throw new Error(`--shuffle needs a whole number as seed; ${USAGE}`);
  const [corpus] = rest;
  if (!corpus || rest.length !== 1) throw new Error(USAGE);
  return { corpus, out, shuffle };
}

async function main(): Promise<void> {
  const { corpus, out, shuffle } = parseArgs(process.argv.slice(2));
  const { lines, times } = loadCorpus(corpus);
  const order = shuffle === null ? lines : shuffled(lines, shuffle);
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
      related: new DynamoRelatedStore({ client, tableName }),
      telemetry: silentTelemetry,
    };
    const queries = createRelatedQueries({ store: deps.related, articles: deps.articles });

    const ingestStarted = performance.now();
    const corpusIdOf = new Map<string, string>();
    // Each line's publication time is its own, or follows its place in the storing order.
    const drafts = order.map((line, index) => {
      const draft = draftOf(line, index);
      corpusIdOf.set(draft.id, line.id);
      return draft;
    });
    // In order, a few at a time, as the worker stores a batch's records side by side.
    await mapLimited(drafts, CONCURRENCY, (draft) => storeArticle(draft, deps));
    const ingest = { ...usage, ms: performance.now() - ingestStarted };

    const before = { ...usage };
    const queryStarted = performance.now();
    const rankings = new Array<string[]>(lines.length);
    let asked = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (asked < lines.length) {
          const i = asked++;
          const related = (await queries.findRelated(articleIdOf(lines[i]!.id), { limit: 50 })) ?? [];
          rankings[i] = related.map((entry) => corpusIdOf.get(entry.id) ?? entry.id);
        }
      }),
    );
    // In file order, whatever order the answers came in.
    const predictions: Record<string, string[]> = {};
    lines.forEach((line, i) => (predictions[line.id] = rankings[i]!));
    const queryMs = performance.now() - queryStarted;

    const json = JSON.stringify(predictions);
    if (out) writeFileSync(out, json);
    else process.stdout.write(`${json}\n`);

    const n = lines.length || 1;
    const per = (value: number) => (value / n).toFixed(2);
    process.stderr.write(
      [
        `articles ${lines.length}: ingest ${(ingest.ms / 1000).toFixed(1)} s, related queries ${(queryMs / 1000).toFixed(1)} s`,
        `publication times: ${times}`,
        `per ingested article (store + index): ${per(ingest.requests)} requests, ${per(ingest.readUnits)} RCU, ${per(ingest.writeUnits)} WCU`,
        `per related query: ${per(usage.requests - before.requests)} requests, ${per(usage.readUnits - before.readUnits)} RCU`,
      ].join('\n') + '\n',
    );
  } finally {
    raw.destroy();
    await server.stop();
  }
}

await main();
