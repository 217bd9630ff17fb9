/**
 * Scoring of related articles over the postings of the inverted index. Pure: the DynamoDB index feeds it the
 * postings it read and stores what it returns.
 *
 * The score of a pair is a cosine of TF-IDF vectors over the articles' terms, damped by the time between the two
 * articles. It is symmetric and computed once, when the later of the two is indexed, so that both articles' lists
 * hold the same score for the pair. Candidates are first ranked on the terms that were read (`preselectCandidates`),
 * then the best are scored on their whole vectors (`scoreVectors`).
 */
import type { ArticleSummary, RelatedArticle, WeightedTerm } from '../model';

/** A posting as candidates are preselected from it: the key fields only. */
export interface CandidatePosting {
  readonly term: string;
  readonly id: string;
  readonly publishedAt: string;
  readonly storyId: string;
  readonly weight: number;
  /** Provisional: every term of the article taken as rare. */
  readonly norm: number;
}

/**
 * An indexed article as the index keeps it for rescoring: its whole term vector, the document frequencies it knew
 * when it was indexed, and its norm (null while its indexing is still under way).
 */
export interface ArticleVector {
  readonly summary: ArticleSummary;
  readonly storyId: string;
  readonly terms: readonly { readonly term: string; readonly weight: number }[];
  readonly documentFrequency: ReadonlyMap<string, number>;
  readonly norm: number | null;
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

/** A pair is also written on the side of at most this many of an article's best related articles. */
export const NEIGHBOURS_UPDATED = 50;

/**
 * The floor of an article's own list: its last score when the list is full (RANK_DEFAULTS.limit entries, the most
 * the API shows), else 0. A later pair that scores below it could never be shown on that article's side.
 */
export function listFloor(ranked: readonly { readonly score: number }[]): number {
  return ranked.length >= RANK_DEFAULTS.limit ? ranked.at(-1)!.score : 0;
}

/**
 * How many of an article's terms (best first) the index reads postings of at ingest. The candidates they find are
 * rescored with their whole vectors (`scoreVectors`), and the best few lead to their own related lists (the second
 * hop), which finds the articles that share the lesser terms; so about a quarter of the terms is read. Measured in
 * the replay (docs/related.md), WikiRef MAP: all 30 terms read, 0.933 for 30 Queries; 10 terms, rescoring and the
 * second hop, 0.934 for 15 requests (10 + 3 Queries, 2 BatchGetItem); 8 terms, 0.934 (shuffled orders and the
 * 3,000-article corpus: the same as 10 or better); 6 terms, 0.930; 15 terms without either, 0.921.
 */
export const CANDIDATE_TERMS = 8;
/** Newest postings read per candidate term: the candidates, and the sample document frequencies come from. */
export const POSTINGS_PER_TERM = 40;
/** Candidates found under the terms that are rescored with their whole vectors: one BatchGetItem. */
export const RESCORED_CANDIDATES = 30;
/**
 * The best rescored candidates whose related lists are read for more candidates (the second hop): that many Queries.
 * Replay (MAP BASIL / WikiRef / the 3,000-article corpus): 3, 0.984 / 0.934 / 0.936; 2, 0.984 / 0.935 / 0.936, and
 * shuffled orders alike; eval:related, eight at a time, WikiRef 0.933-0.935 with 2. Rescoring 20 candidates instead
 * of 30 scored the same in the replay but 0.929-0.931 on WikiRef in eval:related, where articles in flight are
 * candidates without their final norm.
 */
export const SECOND_HOP_SOURCES = 2;
/** Candidates the second hop may add: one more BatchGetItem. */
export const SECOND_HOP_CANDIDATES = 30;

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

/**
 * The ids of the candidates worth rescoring, best first: ranked on the terms read (the dot product over them, the
 * postings' provisional norms, recency). Never the article itself nor its story.
 */
export function preselectCandidates(
  article: IndexedArticle,
  postings: readonly CandidatePosting[],
  stats: TermStatistics,
  limit: number,
): string[] {
  const own = new Map(article.terms.map((term) => [term.term, term.weight]));
  const candidates = new Map<string, { posting: CandidatePosting; dot: number; terms: Set<string> }>();
  for (const posting of postings) {
    const mine = own.get(posting.term);
    if (mine === undefined || posting.id === article.id || posting.storyId === article.storyId) continue;
    const idf = inverseDocumentFrequency(stats.documentFrequency.get(posting.term) ?? 1, stats.articleCount);
    let candidate = candidates.get(posting.id);
    if (!candidate) {
      candidate = { posting, dot: 0, terms: new Set() };
      candidates.set(posting.id, candidate);
    }
    if (candidate.terms.has(posting.term)) continue;
    candidate.terms.add(posting.term);
    candidate.dot += mine * posting.weight * idf * idf;
  }
  return [...candidates.entries()]
    .map(([id, { posting, dot }]) => ({ id, score: (dot / (posting.norm || 1)) * recencyFactor(article.publishedAt, posting.publishedAt) }))
    .sort(compareEntries)
    .slice(0, limit)
    .map((candidate) => candidate.id);
}

export interface CompletedStatistics {
  readonly stats: TermStatistics;
  /** The terms whose frequency was read or taken from a candidate. */
  readonly known: ReadonlySet<string>;
  /** The mean frequency of the terms read: what any other term is taken to have. */
  readonly typical: number;
}

/**
 * The article's statistics completed from its candidates: a term it did not read takes the largest document
 * frequency a candidate knew for it (the candidates were indexed earlier, so they knew fewer articles), else the
 * typical one of the terms it read. Returns the statistics and the terms whose frequency is now known.
 */
export function completeStatistics(
  article: IndexedArticle,
  read: TermStatistics,
  vectors: Iterable<ArticleVector>,
): CompletedStatistics {
  const documentFrequency = new Map(read.documentFrequency);
  const known = new Set(documentFrequency.keys());
  const values = [...documentFrequency.values()];
  const typical = values.length > 0 ? values.reduce((sum, value) => sum + value, 0) / values.length : 1;
  const borrowed = new Map<string, number>();
  for (const vector of vectors) {
    for (const [term, frequency] of vector.documentFrequency) {
      if (!known.has(term)) borrowed.set(term, Math.max(borrowed.get(term) ?? 0, frequency));
    }
  }
  for (const { term } of article.terms) {
    if (known.has(term)) continue;
    const frequency = borrowed.get(term);
    if (frequency === undefined) documentFrequency.set(term, typical);
    else {
      documentFrequency.set(term, frequency);
      known.add(term);
    }
  }
  return { stats: { articleCount: read.articleCount, documentFrequency }, known, typical };
}

/**
 * Scores candidates with their whole vectors: the cosine over every shared term (a term's frequency as the article
 * knows it, else as the candidate knew it), damped by the time between the two. Never the article itself nor its
 * story; one entry per story, best first.
 */
export function scoreVectors(
  article: IndexedArticle,
  vectors: Iterable<ArticleVector>,
  completed: CompletedStatistics,
  options: RankOptions = RANK_DEFAULTS,
): RelatedEntry[] {
  const { stats, known, typical } = completed;
  const own = new Map(article.terms.map((term) => [term.term, term]));
  const norm = vectorNorm(article.terms, stats);
  const entries: RelatedEntry[] = [];
  for (const vector of vectors) {
    if (vector.summary.id === article.id || vector.storyId === article.storyId) continue;
    const frequencyOf = (term: string) =>
      (known.has(term) ? stats.documentFrequency.get(term) : vector.documentFrequency.get(term)) ?? stats.documentFrequency.get(term) ?? typical;
    let dot = 0;
    const shared: { label: string; value: number }[] = [];
    for (const { term, weight } of vector.terms) {
      const mine = own.get(term);
      if (!mine) continue;
      const idf = inverseDocumentFrequency(frequencyOf(term), stats.articleCount);
      const value = mine.weight * weight * idf * idf;
      dot += value;
      shared.push({ label: mine.label ?? mine.term, value });
    }
    if (dot === 0) continue;
    const otherNorm =
      vector.norm ??
      Math.sqrt(vector.terms.reduce((sum, { term, weight }) => sum + (weight * inverseDocumentFrequency(frequencyOf(term), stats.articleCount)) ** 2, 0));
    const score = (dot / (norm * (otherNorm || 1))) * recencyFactor(article.publishedAt, vector.summary.publishedAt);
    if (score < options.minScore) continue;
    entries.push({
      ...vector.summary,
      storyId: vector.storyId,
      score: round(score),
      reasons: shared.sort((a, b) => b.value - a.value).slice(0, MAX_REASONS).map((reason) => reason.label),
    });
  }
  return onePerStory(entries).slice(0, options.limit);
}

export function recencyFactor(a: string, b: string): number {
  const days = Math.abs(Date.parse(a) - Date.parse(b)) / 86_400_000;
  if (!Number.isFinite(days)) return RECENCY_FLOOR;
  return RECENCY_FLOOR + (1 - RECENCY_FLOOR) * 2 ** (-days / RECENCY_HALF_LIFE_DAYS);
}

/** Best first; ties broken by id so that every replica of a list orders them alike. */
export function compareEntries(a: Pick<RelatedEntry, 'score' | 'id'>, b: Pick<RelatedEntry, 'score' | 'id'>): number {
  return b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function onePerStory(entries: readonly RelatedEntry[]): RelatedEntry[] {
  const best = new Map<string, RelatedEntry>();
  for (const entry of [...entries].sort(compareEntries)) {
    if (!best.has(entry.storyId)) best.set(entry.storyId, entry);
  }
  return [...best.values()];
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;
