/**
 * replay-related: the related index's incremental algorithm in memory, to try ranking ideas in seconds instead of
 * running eval:related against local DynamoDB. Same steps as `DynamoRelatedIndex.indexArticle` and
 * `DynamoStoryIndex.assignStory`, over maps instead of items:
 *
 *   npx tsx scripts/replay-related.ts <corpus.jsonl> [--out pred.json] [--terms 15] [--postings 40] [--clock wall]
 *     [--shuffle seed]
 *   python3 ../shared/data/related-dev/score_related.py <corpus.jsonl> pred.json
 *
 * Articles arrive in file order, one minute apart; each preselects candidates from the newest postings of its best
 * terms, rescores the best with their whole vectors, adds what the best of those are related to (the second hop),
 * and the pairs it scored are kept on both sides (on the other side for its best related articles only, and not
 * below the floor of that article's full list). On stderr: the pair items written under earlier articles.
 * Labels are never read. Without --out it prints the
 * scores of score_related.py.
 *
 * `--clock wall` (the default) dates the index's "now" as eval:related does, by the wall clock, months after the
 * corpus's synthetic publication times: every term with a full page of postings then counts as used by all
 * articles. `--clock published` takes each article's publication as "now", as in production. The dev corpora are
 * sorted by label, so articles of one story arrive together; `--shuffle <seed>` mixes them as a real stream does.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bandsOf, hammingDistance, NEAR_DUPLICATE_DISTANCE, simhash } from '../functions/dedupe/simhash';
import type { ArticleSummary, WeightedTerm } from '../functions/model';
import { analyzeArticle } from '../functions/related/analyze-article';
import {
  CANDIDATE_TERMS,
  compareEntries,
  completeStatistics,
  estimateDocumentFrequency,
  listFloor,
  NEIGHBOURS_UPDATED,
  POSTINGS_PER_TERM,
  preselectCandidates,
  RANK_DEFAULTS,
  RESCORED_CANDIDATES,
  scoreVectors,
  SECOND_HOP_CANDIDATES,
  SECOND_HOP_SOURCES,
  vectorNorm,
  type ArticleVector,
  type CandidatePosting,
  type RelatedEntry,
} from '../functions/related/rank-related';
import { collapseRelated } from '../functions/related/related-pairs';
import { articleIdOf, corpusArticle, readCorpus } from './support/corpus';

interface Options {
  readonly corpus: string;
  readonly out: string | null;
  readonly terms: number;
  readonly postings: number;
  readonly clock: 'wall' | 'published';
  /** Seed of a shuffle of the arrival order; null keeps the file's order, as eval:related does. */
  readonly shuffle: number | null;
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
  const count = (flag: string, fallback: number) => {
    const value = take(flag);
    const parsed = value === null ? fallback : Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${flag} needs a positive integer`);
    return parsed;
  };
  const out = take('--out');
  const terms = count('--terms', CANDIDATE_TERMS);
  const postings = count('--postings', POSTINGS_PER_TERM);
  const clock = take('--clock') ?? 'wall';
  if (clock !== 'wall' && clock !== 'published') throw new Error('--clock is wall or published');
  const seed = take('--shuffle');
  const shuffle = seed === null ? null : Number(seed);
  if (shuffle !== null && !Number.isInteger(shuffle)) throw new Error('--shuffle needs an integer seed');
  const [corpus] = rest;
  if (!corpus || rest.length !== 1) {
    throw new Error('usage: replay-related <corpus.jsonl> [--out pred.json] [--terms n] [--postings n] [--clock wall|published] [--shuffle seed]');
  }
  return { corpus, out, terms, postings, clock, shuffle };
}

/** The story index: band lookups, nearest hash within the distance, oldest story on ties. */
class MemoryStories {
  private readonly bands = new Map<string, { id: string; storyId: string; hash: string }[]>();

  assign(id: string, body: string): string {
    const hash = simhash(body);
    if (!hash) return id;
    const bands = bandsOf(hash);
    let storyId = id;
    let best = NEAR_DUPLICATE_DISTANCE + 1;
    for (const entry of bands.flatMap((band) => this.bands.get(band) ?? [])) {
      const distance = hammingDistance(hash, entry.hash);
      if (distance < best || (distance === best && entry.storyId < storyId)) {
        best = distance;
        storyId = entry.storyId;
      }
    }
    for (const band of bands) {
      const list = this.bands.get(band) ?? [];
      list.push({ id, storyId, hash });
      this.bands.set(band, list);
    }
    return storyId;
  }
}

interface Indexed {
  readonly summary: ArticleSummary;
  readonly storyId: string;
  readonly terms: readonly WeightedTerm[];
}

/**
 * The related index: postings per term (oldest first, as appended), each article's entry (its vector) and the pair
 * entries of each article.
 */
class MemoryRelated {
  private readonly postings = new Map<string, CandidatePosting[]>();
  private readonly entries = new Map<string, ArticleVector>();
  /** The floor of each article's own list: the last score when the list is full. */
  private readonly floors = new Map<string, number>();
  /** Pair items written under earlier articles, and those left out below a full list's floor. */
  readonly written = { pairs: 0, belowFloor: 0 };
  private readonly pairs = new Map<string, RelatedEntry[]>();
  private readonly stories = new Map<string, string>();
  private articleCount = 0;
  private firstPublishedAt: string | null = null;

  constructor(private readonly options: Options) {}

  index(article: Indexed): void {
    this.articleCount += 1;
    this.firstPublishedAt ??= article.summary.publishedAt;
    const now = this.options.clock === 'wall' ? new Date().toISOString() : article.summary.publishedAt;
    const context = { articleCount: this.articleCount, firstPublishedAt: this.firstPublishedAt, now };
    const owner = { id: article.summary.id, storyId: article.storyId, publishedAt: article.summary.publishedAt, terms: article.terms };

    const queried = article.terms.slice(0, this.options.terms);
    const documentFrequency = new Map<string, number>();
    const found: CandidatePosting[] = [];
    for (const term of queried) {
      const newest = (this.postings.get(term.term) ?? []).slice(-this.options.postings).reverse();
      documentFrequency.set(term.term, estimateDocumentFrequency(newest, this.options.postings, context));
      found.push(...newest);
    }
    const read = { articleCount: this.articleCount, documentFrequency };
    const vectors = new Map<string, ArticleVector>();
    for (const id of preselectCandidates(owner, found, read, RESCORED_CANDIDATES)) vectors.set(id, this.entries.get(id)!);
    const firstHop = scoreVectors(owner, vectors.values(), completeStatistics(owner, read, vectors.values()), {
      ...RANK_DEFAULTS,
      limit: SECOND_HOP_SOURCES,
    });
    const more: string[] = [];
    for (const source of firstHop) {
      for (const entry of [...this.pairsOf(source.id)].sort(compareEntries).slice(0, RANK_DEFAULTS.limit)) {
        if (entry.id === owner.id || vectors.has(entry.id) || more.includes(entry.id) || more.length === SECOND_HOP_CANDIDATES) continue;
        more.push(entry.id);
      }
    }
    for (const id of more) vectors.set(id, this.entries.get(id)!);
    const completed = completeStatistics(owner, read, vectors.values());
    const ranked = scoreVectors(owner, vectors.values(), completed);

    const provisional = vectorNorm(article.terms, { articleCount: this.articleCount, documentFrequency: new Map() });
    for (const term of article.terms) {
      const list = this.postings.get(term.term) ?? [];
      list.push({ term: term.term, id: owner.id, publishedAt: owner.publishedAt, storyId: owner.storyId, weight: term.weight, norm: provisional });
      this.postings.set(term.term, list);
    }
    this.entries.set(owner.id, {
      summary: article.summary,
      storyId: article.storyId,
      terms: article.terms,
      documentFrequency: new Map([...completed.known].map((term) => [term, completed.stats.documentFrequency.get(term)!])),
      norm: vectorNorm(article.terms, completed.stats),
    });
    // The pair, computed once, seen from both sides: in the own list, and under the earlier article unless it falls
    // below the floor of that article's full list.
    this.stories.set(owner.id, article.storyId);
    this.pairsOf(owner.id).push(...ranked);
    this.floors.set(owner.id, listFloor(ranked));
    for (const neighbour of ranked.slice(0, NEIGHBOURS_UPDATED)) {
      if (neighbour.score < (this.floors.get(neighbour.id) ?? 0)) {
        this.written.belowFloor += 1;
        continue;
      }
      this.written.pairs += 1;
      this.pairsOf(neighbour.id).push({ ...article.summary, storyId: article.storyId, score: neighbour.score, reasons: neighbour.reasons });
    }
  }

  /** As findRelated reads them: best first, one entry per article and per story. */
  related(id: string): readonly RelatedEntry[] {
    const owner = { id, storyId: this.stories.get(id) ?? id };
    return collapseRelated(owner, [...this.pairsOf(id)].sort(compareEntries), RANK_DEFAULTS.limit);
  }

  private pairsOf(id: string): RelatedEntry[] {
    let list = this.pairs.get(id);
    if (!list) {
      list = [];
      this.pairs.set(id, list);
    }
    return list;
  }
}

/** Fisher-Yates with a small seeded generator (mulberry32), so that a shuffled replay can be repeated. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const read = readCorpus(options.corpus);
  const lines = options.shuffle === null ? read : shuffled(read, options.shuffle);
  const stories = new MemoryStories();
  const related = new MemoryRelated(options);
  const corpusIdOf = new Map<string, string>();
  for (const [index, line] of lines.entries()) {
    // Ids, sources and times as eval:related makes them, so that ties break alike and site names are the same.
    const { id, url, source, publishedAt } = corpusArticle(line, index);
    corpusIdOf.set(id, line.id);
    const summary: ArticleSummary = { id, url, title: line.title, source, publishedAt, summary: '' };
    const terms = analyzeArticle({ title: line.title, body: line.body, summary: '', language: 'en', siteName: summary.source.name });
    related.index({ summary, storyId: stories.assign(id, line.body), terms });
  }
  const n = lines.length || 1;
  process.stderr.write(
    `pair items written under earlier articles: ${(related.written.pairs / n).toFixed(1)} per article (${(related.written.belowFloor / n).toFixed(1)} left out below a full list's floor)\n`,
  );
  const predictions = Object.fromEntries(
    lines.map((line) => [line.id, related.related(articleIdOf(line.id)).map((entry) => corpusIdOf.get(entry.id) ?? entry.id)]),
  );
  const out = options.out ?? join(mkdtempSync(join(tmpdir(), 'replay-related-')), 'pred.json');
  writeFileSync(out, JSON.stringify(predictions));
  if (!options.out) {
    const scorer = join(import.meta.dirname, '../../shared/data/related-dev/score_related.py');
    process.stdout.write(execFileSync('python3', [scorer, options.corpus, out], { encoding: 'utf8' }));
  }
}

main();
