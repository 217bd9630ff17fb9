/**
 * Scoring of related articles over the postings of the inverted index. Pure: the DynamoDB index feeds it the
 * postings it read and stores what it returns.
 *
 * The score of a pair is a cosine of TF-IDF vectors over the articles' terms, damped by the time between the two
 * articles. It is symmetric and computed once, when the later of the two is indexed, so that both articles' lists
 * hold the same score for the pair.
 */
import type { ArticleSummary, RelatedArticle, WeightedTerm } from '../model';
import { MAX_TERMS } from './analyze-article';

/** One article under one term, as the index stores it. */
export interface Posting {
  readonly term: string;
  readonly summary: ArticleSummary;
  readonly storyId: string;
  /** The article's weight for the term. */
  readonly weight: number;
  /** The norm of the article's TF-IDF vector when it was indexed. */
  readonly norm: number;
}

/** A related-list entry as stored: the API's RelatedArticle plus the story, to keep one entry per story. */
export interface RelatedEntry extends RelatedArticle {
  readonly storyId: string;
}

export interface IndexedArticle {
  readonly id: string;
  readonly storyId: string;
  readonly publishedAt: string;
  readonly terms: readonly WeightedTerm[];
}

/** How many articles use each term, estimated from what the index returned; see `estimateDocumentFrequency`. */
export interface TermStatistics {
  readonly articleCount: number;
  readonly documentFrequency: ReadonlyMap<string, number>;
}

export interface RankOptions {
  /** Entries kept in a related list. */
  readonly limit: number;
  /** Below this a pair is not related enough to show, nor to spend a write on. */
  readonly minScore: number;
}

export const RANK_DEFAULTS: RankOptions = { limit: 50, minScore: 0.02 };

/**
 * How many of an article's terms (best first) the index reads postings of at ingest: all of them. The dot product
 * of a pair only sees the terms read, so reading every term makes the score the cosine of the two articles' whole
 * vectors rather than of their heads, and finds candidates that share only lesser terms. Measured in the replay
 * (docs/related.md): 15 of 30 terms read, WikiRef MAP 0.921; all 30, 0.933, for 15 more Queries per article.
 */
export const CANDIDATE_TERMS = MAX_TERMS;
/** Newest postings read per candidate term: the candidates, and the sample document frequencies come from. */
export const POSTINGS_PER_TERM = 40;

/** Reasons shown per related article. */
const MAX_REASONS = 5;
/** Two articles a month apart score this fraction of what they would score on the same day (floor below). */
const RECENCY_HALF_LIFE_DAYS = 30;
/** Old articles about the same subject stay related, only ranked lower. */
const RECENCY_FLOOR = 0.5;

/**
 * Smoothing for a young index: the IDF is computed as if this many more articles, none with the term, were indexed.
 * With a few dozen articles every term looks common and the IDF is flat, so pairs scored then would sit in lists
 * on shared everyday words; measured on the dev corpora (docs/related.md), the prior lifts MAP on BASIL from 0.89
 * to 0.98. Past a few thousand articles it no longer matters.
 */
export const IDF_PRIOR_ARTICLES = 3000;

export function inverseDocumentFrequency(documentFrequency: number, articleCount: number): number {
  const articles = Math.max(articleCount, documentFrequency) + IDF_PRIOR_ARTICLES;
  return Math.log((1 + articles) / (1 + documentFrequency)) + 1;
}

/**
 * The document frequency of a term from its newest postings: exact when the index returned fewer than it was asked
 * for; otherwise extrapolated from how fast the term gathered those postings compared with the whole index.
 */
export function estimateDocumentFrequency(
  returned: readonly { readonly publishedAt: string }[],
  asked: number,
  index: { readonly articleCount: number; readonly firstPublishedAt: string; readonly now: string },
): number {
  const count = returned.length + 1;
  if (returned.length < asked) return count;
  const newest = Date.parse(returned[0]!.publishedAt);
  const oldest = Date.parse(returned.at(-1)!.publishedAt);
  const termSpan = Math.max(newest - oldest, 60_000);
  const indexSpan = Math.max(Date.parse(index.now) - Date.parse(index.firstPublishedAt), termSpan);
  return Math.min(index.articleCount, Math.round(count * (indexSpan / termSpan)));
}

export function vectorNorm(terms: readonly WeightedTerm[], stats: TermStatistics): number {
  let sum = 0;
  for (const { term, weight } of terms) {
    const value = weight * inverseDocumentFrequency(stats.documentFrequency.get(term) ?? 1, stats.articleCount);
    sum += value * value;
  }
  return Math.sqrt(sum) || 1;
}

export function recencyFactor(a: string, b: string): number {
  const days = Math.abs(Date.parse(a) - Date.parse(b)) / 86_400_000;
  if (!Number.isFinite(days)) return RECENCY_FLOOR;
  return RECENCY_FLOOR + (1 - RECENCY_FLOOR) * 2 ** (-days / RECENCY_HALF_LIFE_DAYS);
}

/**
 * Ranks the articles found under the article's terms: never the article itself nor a copy of its text (same
 * story), one entry per story (the best scored copy), best first.
 */
export function rankCandidates(
  article: IndexedArticle,
  postings: readonly Posting[],
  stats: TermStatistics,
  options: RankOptions = RANK_DEFAULTS,
): RelatedEntry[] {
  const own = new Map(article.terms.map((term) => [term.term, term]));
  const norm = vectorNorm(article.terms, stats);
  const candidates = new Map<
    string,
    { posting: Posting; dot: number; terms: Set<string>; shared: { label: string; value: number }[] }
  >();

  for (const posting of postings) {
    const mine = own.get(posting.term);
    if (!mine || posting.summary.id === article.id || posting.storyId === article.storyId) continue;
    const idf = inverseDocumentFrequency(stats.documentFrequency.get(posting.term) ?? 1, stats.articleCount);
    const value = mine.weight * posting.weight * idf * idf;
    let candidate = candidates.get(posting.summary.id);
    if (!candidate) {
      candidate = { posting, dot: 0, terms: new Set(), shared: [] };
      candidates.set(posting.summary.id, candidate);
    }
    // A term is read once per article; a posting delivered twice must not count twice.
    if (candidate.terms.has(posting.term)) continue;
    candidate.terms.add(posting.term);
    candidate.dot += value;
    candidate.shared.push({ label: mine.label ?? mine.term, value });
  }

  const entries: RelatedEntry[] = [];
  for (const { posting, dot, shared } of candidates.values()) {
    const score = (dot / (norm * posting.norm)) * recencyFactor(article.publishedAt, posting.summary.publishedAt);
    if (score < options.minScore) continue;
    entries.push({
      ...posting.summary,
      storyId: posting.storyId,
      score: round(score),
      reasons: shared.sort((a, b) => b.value - a.value).slice(0, MAX_REASONS).map((reason) => reason.label),
    });
  }
  return onePerStory(entries).slice(0, options.limit);
}

/** Best first; ties broken by id so that every replica of a list orders them alike. */
export function compareEntries(a: RelatedEntry, b: RelatedEntry): number {
  return b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function onePerStory(entries: readonly RelatedEntry[]): RelatedEntry[] {
  const best = new Map<string, RelatedEntry>();
  for (const entry of [...entries].sort(compareEntries)) {
    if (!best.has(entry.storyId)) best.set(entry.storyId, entry);
  }
  return [...best.values()];
}

/**
 * Puts `entry` into an article's list when it belongs there: replacing the same article, or a copy of the same
 * story scored lower, else if the list has room or the entry beats its weakest. Returns null when nothing changes.
 */
export function mergeEntry(
  list: readonly RelatedEntry[],
  entry: RelatedEntry,
  owner: { readonly id: string; readonly storyId: string },
  options: RankOptions = RANK_DEFAULTS,
): RelatedEntry[] | null {
  if (entry.id === owner.id || entry.storyId === owner.storyId || entry.score < options.minScore) return null;
  const same = list.find((existing) => existing.id === entry.id);
  if (same && JSON.stringify(same) === JSON.stringify(entry)) return null;
  const rival = list.find((existing) => existing.id !== entry.id && existing.storyId === entry.storyId);
  if (rival && compareEntries(rival, entry) <= 0) return null;
  const others = list.filter((existing) => existing.id !== entry.id && existing !== rival);
  const merged = [...others, entry].sort(compareEntries).slice(0, options.limit);
  return merged.includes(entry) || same || rival ? merged : null;
}

/** Merges several entries into a list (see `mergeEntry`); null when nothing changes. */
export function mergeEntries(
  list: readonly RelatedEntry[],
  entries: readonly RelatedEntry[],
  owner: { readonly id: string; readonly storyId: string },
  options: RankOptions = RANK_DEFAULTS,
): RelatedEntry[] | null {
  let current: readonly RelatedEntry[] = list;
  let changed = false;
  for (const entry of entries) {
    const next = mergeEntry(current, entry, owner, options);
    if (next) {
      current = next;
      changed = true;
    }
  }
  return changed ? [...current] : null;
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;
