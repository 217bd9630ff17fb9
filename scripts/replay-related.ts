/**
 * replay-related: the related index's own use cases (storeArticle, findRelated) over the in-memory adapters of its
 * ports, to try ranking ideas in seconds instead of running eval:related against a local DynamoDB:
 *
 *   npx tsx scripts/replay-related.ts <corpus.jsonl> [--out pred.json] [--shuffle seed] [--concurrency n] [--search json]
 *   python3 ../shared/data/related-dev/score_related.py <corpus.jsonl> pred.json
 *
 * Articles arrive as eval:related stores them (the same ids, sources and publication times, scripts/support/corpus.ts),
 * `--concurrency` at a time (default 1; eval:related stores 8 at a time, whose side-by-side indexing this then
 * mimics). The corpora are sorted by label, so one story's articles arrive together; `--shuffle <seed>` mixes the
 * arrival order as a real stream does. Labels are never read. Without --out it prints score_related.py's scores.
 * `--search '{"terms":16}'` overrides fields of the candidate search (index-article.ts: CANDIDATE_SEARCH) to measure
 * another one. On stderr: how the lines are timed (eval:related says it alike), the items written per article and the
 * requests per article by kind.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapLimited } from '../functions/shared/concurrency';
import { silentTelemetry } from '../functions/shared/telemetry';
import { MemoryArticleStore } from '../functions/store/memory-article-store';
import { MemoryRelatedStore } from '../functions/store/memory-related-store';
import { CANDIDATE_SEARCH, type CandidateSearch } from '../functions/use-cases/index-article';
import { createRelatedQueries } from '../functions/use-cases/related-queries';
import { storeArticle } from '../functions/use-cases/store-article';
import { draftOf, loadCorpus, shuffled, type CorpusLine } from './support/corpus';

interface Options {
  readonly corpus: string;
  readonly out: string | null;
  readonly shuffle: number | null;
  readonly concurrency: number;
  readonly search: Partial<CandidateSearch>;
}

function parseArgs(argv: readonly string[]): Options {
  const rest = [...argv];
  const take = (flag: string): string | null => {
    const at = rest.indexOf(flag);
    if (at < 0) return null;
    const value = rest[at + 1];
    if (!value) throw new Error(`${flag} needs a value`);
    rest.splice(at, 2);
    return value;
  };
  const out = take('--out');
  const seed = take('--shuffle');
  const shuffle = seed === null ? null : Number(seed);
  if (shuffle !== null && !Number.isInteger(shuffle)) throw new Error('--shuffle needs an integer seed');
  const concurrency = Number(take('--concurrency') ?? 1);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('--concurrency needs a positive integer');
  const search = JSON.parse(take('--search') ?? '{}') as Partial<CandidateSearch>;
  const [corpus] = rest;
  if (!corpus || rest.length !== 1) {
    throw new Error('usage: replay-related <corpus.jsonl> [--out pred.json] [--shuffle seed] [--concurrency n] [--search json]');
  }
  return { corpus, out, shuffle, concurrency, search };
}

export async function replay(
  lines: readonly CorpusLine[],
  options: { readonly concurrency?: number; readonly search?: Partial<CandidateSearch> } = {},
): Promise<{ predictions: Record<string, string[]>; store: MemoryRelatedStore }> {
  const store = new MemoryRelatedStore();
  const articles = new MemoryArticleStore();
  const deps = { articles, related: store, sources: articles, telemetry: silentTelemetry, search: { ...CANDIDATE_SEARCH, ...options.search } };
  const concurrency = options.concurrency ?? 1;
  const drafts = lines.map(draftOf);
  await mapLimited(drafts, concurrency, (draft) => storeArticle(draft, deps));
  const queries = createRelatedQueries({ store, articles });
  const corpusIdOf = new Map(drafts.map((draft, i) => [draft.id, lines[i]!.id]));
  const predictions: Record<string, string[]> = {};
  for (const [i, line] of lines.entries()) {
    const related = (await queries.findRelated(drafts[i]!.id, { limit: 50 })) ?? [];
    predictions[line.id] = related.map((entry) => corpusIdOf.get(entry.id) ?? entry.id);
  }
  return { predictions, store };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const { lines: read, times } = loadCorpus(options.corpus);
  const lines = options.shuffle === null ? read : shuffled(read, options.shuffle);
  const { predictions, store } = await replay(lines, options);
  const n = lines.length || 1;
  const calls = [...store.calls.entries()].map(([method, count]) => `${method} ${(count / n).toFixed(2)}`).join(', ');
  process.stderr.write(`publication times: ${times}\nitems written per article: ${(store.itemsWritten / n).toFixed(1)}; calls per article: ${calls}\n`);
  const json = JSON.stringify(predictions);
  if (options.out) {
    writeFileSync(options.out, json);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'replay-'));
  try {
    const file = join(dir, 'pred.json');
    writeFileSync(file, json);
    const scorer = new URL('../../shared/data/related-dev/score_related.py', import.meta.url).pathname;
    process.stdout.write(execFileSync('python3', [scorer, options.corpus, file], { encoding: 'utf8' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
