/**
 * Which indexed articles an article is related to, and how strongly. Pure: the indexing use case hands it the
 * candidates it read and stores what it returns. Design and measurements: docs/related.md.
 *
 * The score of a pair is `0.9 x (smoothed + 2 x cosine) / 3 + 0.1 x meaning`, times its recency, between 0 and 1:
 * - cosine: of the two articles' term vectors (term-weight.ts): the words they share, each by what it says;
 * - smoothed: the cosine of the two vectors smoothed by their neighbourhoods (pseudo-relevance feedback, Rocchio):
 *   each vector plus its FEEDBACK_NEIGHBOURS nearest candidates, weighted by their similarity. Two reports of one
 *   story, or two articles on one subject, share a few words but many neighbours. Within the candidates an
 *   article read, so it costs no read.
 * - meaning: the cosine of the two texts' embeddings (text-embedding.ts), 0 at least: articles on one subject in
 *   other words. A pair of which one side has no embedding is scored on its terms alone. However alike two texts
 *   are, the words they share must score half of MIN_SCORE on their own (MIN_TERMS_SCORE).
 * Measured on the four related dev sets (docs/related.md): the cosine alone ranks like TF-IDF, the smoothing lifts
 * topics and events well above it, the cosine's double weight keeps reports of neighbouring stories apart (BASIL),
 * whose neighbourhoods overlap, and the embeddings lift broad topics (BBC's categories). Below MIN_SCORE a pair is
 * not related: it shares too little, and what it shares is common words, which weigh little (term-weight.ts). Nor is
 * one under a fifth of the best link of the list (RELATIVE_FLOOR): the demo's wildfire and dock strike, once linked
 * by `return` and `lines`, are not (test/related/demo-related.test.ts).
 *
 * A pair is scored once, when the later of the two is indexed, and kept on both sides with the same score.
 */
import type { VectorTerm } from './term-weight';
import { embeddingSimilarity, type TextEmbedding } from './text-embedding';

/** What the index keeps of an article to rank it against others. */
export interface IndexedArticle {
  readonly id: string;
  /** Shared by copies of one text; the article's own id otherwise. */
  readonly storyId: string;
  readonly publishedAt: string;
  /** Unit vector, best terms first. */
  readonly vector: readonly VectorTerm[];
  /** What its text is about (text-embedding.ts); null or absent for a text without one. */
  readonly embedding?: TextEmbedding | null;
}

/** The article being indexed: its vector's terms as the text wrote them, for `reasons`. */
export interface ArticleToRank extends IndexedArticle {
  readonly labels: ReadonlyMap<string, string>;
}

/** One related article as a list keeps it. */
export interface RelatedLink {
  readonly id: string;
  readonly storyId: string;
  readonly score: number;
  /** The shared terms that weigh most in the pair, as the later article wrote them. */
  readonly reasons: readonly string[];
}

/** Related articles kept per article: the API shows at most this many. */
export const RELATED_LIMIT = 50;
/**
 * Below this score two articles are not related. On the dev sets (docs/related.md) pairs of one story or topic
 * score 0.25 and more (5th percentile), unrelated pairs 0.02-0.1; the threshold drops a third of the weakest links
 * (and their writes) at no cost in ranking quality.
 */
export const MIN_SCORE = 0.08;
/**
 * What the words two articles share must score on their own, at least half of MIN_SCORE: the embeddings lift a pair
 * over the threshold, they do not relate two articles that share one common word (two football reports sharing only
 * "home"). Measured against no such floor: BBC -0.002 shuffled, 0.5-1.2 writes fewer an article (docs/related.md).
 */
const MIN_TERMS_SCORE = MIN_SCORE / 2;
/**
 * A link must score at least this share of the best link of the list it enters: a short list of strong items beats a
 * long weak one. An article on a story many outlets cover lists only what is comparably close (the demo's wildfire
 * reports, near each other at 0.64-0.72, no longer list the dock strike at 0.08-0.12 through `container`, `return`
 * and `lines`), while one with no close neighbour keeps its best weak ones. Applied to the new article's own list
 * (indexArticle), to the later links written on an earlier article's side (its floor, listFloor), and to every list
 * as it is read (related-queries.ts: an earlier article's list gains later links). rankRelated itself keeps every
 * link: one under a fifth of this list's best may be the best of the other article's. Measured on the four related
 * dev sets (docs/related.md): the same ranking within 0.001-0.004, up to 4 fewer write units an article.
 */
export const RELATIVE_FLOOR = 0.2;
/** How much more the pair's own cosine counts than its smoothed one. */
const COSINE_WEIGHT = 2;
/**
 * The embeddings' share of the score: enough to rank articles on one subject in other words above those that share
 * a few words only (BBC dev P@10 +0.015 to +0.019), little enough to keep reports of neighbouring events apart (BASIL
 * and WikiRef within run-to-run noise, ECB+ -0.001 to -0.004); 0.3 costs WikiRef and ECB+ up to 0.012
 * (docs/related.md).
 */
const EMBEDDING_WEIGHT = 0.1;
/** Neighbours in each vector's feedback, and their total weight relative to the vector. */
const FEEDBACK_NEIGHBOURS = 5;
const FEEDBACK_WEIGHT = 4;
const MAX_REASONS = 3;
/** Two articles a month apart score this fraction of what they would score on the same day (floor below). */
const RECENCY_HALF_LIFE_DAYS = 30;
/** Old articles about the same subject stay related, only ranked lower. */
const RECENCY_FLOOR = 0.5;

export function rankRelated(article: ArticleToRank, candidates: readonly IndexedArticle[]): RelatedLink[] {
  const pool = uniqueCandidates(article, candidates);
  // Every vector of this ranking over one numbering of its terms: the pairs' products over typed arrays, not maps
  // keyed by strings (the ranking's cost is the candidates' pairwise cosines, 90 x 90 of 100 terms).
  const space = new TermSpace();
  const own = space.pack(article.vector);
  const vectors = pool.map((candidate) => space.pack(candidate.vector));
  const scratch = new Float64Array(space.size);
  const similarities = scatteredProducts(own, vectors, scratch);
  const neighbourhoods = pairwiseProducts(vectors, scratch);
  const n = vectors.length;

  const ownSmoothed = new Float64Array(space.size);
  scatter(smooth(own, vectors, similarities, scratch), ownSmoothed);
  const links: RelatedLink[] = [];
  pool.forEach((candidate, i) => {
    if (candidate.storyId === article.storyId || similarities[i]! <= 0) return;
    // The candidate's neighbourhood among what was read, the new article included.
    const neighbourSimilarities = Array.from({ length: n + 1 }, (_, j) => (j === n ? similarities[i]! : j === i ? -1 : neighbourhoods[i * n + j]!));
    const smoothed = smooth(vectors[i]!, [...vectors, own], neighbourSimilarities, scratch);
    const terms = (gather(smoothed, ownSmoothed) + COSINE_WEIGHT * similarities[i]!) / (1 + COSINE_WEIGHT);
    const meaning = embeddingSimilarity(article.embedding, candidate.embedding);
    const pair = meaning === null ? terms : (1 - EMBEDDING_WEIGHT) * terms + EMBEDDING_WEIGHT * Math.max(0, meaning);
    const recency = recencyFactor(article.publishedAt, candidate.publishedAt);
    const score = pair * recency;
    if (score < MIN_SCORE || terms * recency < MIN_TERMS_SCORE) return;
    const shared = sharedTerms(own, vectors[i]!, scratch).map(({ id, value }) => ({ term: space.termOf(id), value }));
    shared.sort((x, y) => y.value - x.value || (x.term < y.term ? -1 : 1));
    links.push({
      id: candidate.id,
      storyId: candidate.storyId,
      score: round(score),
      reasons: pickReasons(shared.map(({ term }) => article.labels.get(term) ?? term)),
    });
  });
  // Copies of one story each keep their link: each is pushed to its own side; readers show one per story. Every link
  // over MIN_SCORE: one under RELATIVE_FLOOR of this list may be the best of the other article's (indexArticle).
  return links.sort(compareLinks).slice(0, RELATED_LIMIT);
}

/** The links, best first, that score at least RELATIVE_FLOOR of the first (the best). */
export function strongLinks<T extends { readonly score: number }>(bestFirst: readonly T[]): T[] {
  const floor = RELATIVE_FLOOR * (bestFirst[0]?.score ?? 0);
  return bestFirst.filter((link) => link.score >= floor);
}

/** The cosines of a unit vector with each of others, every vector read as rankRelated reads it (TermSpace.pack). */
export function similarities(one: readonly VectorTerm[], others: readonly (readonly VectorTerm[])[]): number[] {
  const space = new TermSpace();
  const packed = space.pack(one);
  const rest = others.map((vector) => space.pack(vector));
  return [...scatteredProducts(packed, rest, new Float64Array(space.size))];
}

/**
 * The floor of an article's list, its ranked links best first: a later pair that scores below it could never be
 * shown on that article's side, so it is not written. The last score when the list is full (the most the API
 * shows), and RELATIVE_FLOOR of its best (the best only rises as later links come: a later link under it never
 * shows, but for the rare list whose best link turns out at read time to be a copy of the article itself and is
 * collapsed away); 0 when that is no more than MIN_SCORE, which every link passes anyway.
 */
export function listFloor(bestFirst: readonly { readonly score: number }[]): number {
  const full = bestFirst.length >= RELATED_LIMIT ? bestFirst.at(-1)!.score : 0;
  const floor = Math.max(full, RELATIVE_FLOOR * (bestFirst[0]?.score ?? 0));
  return floor > MIN_SCORE ? floor : 0;
}

export function recencyFactor(a: string, b: string): number {
  const days = Math.abs(Date.parse(a) - Date.parse(b)) / 86_400_000;
  if (!Number.isFinite(days)) return RECENCY_FLOOR;
  return RECENCY_FLOOR + (1 - RECENCY_FLOOR) * 2 ** (-days / RECENCY_HALF_LIFE_DAYS);
}

/** Best first; ties broken by id so that every copy of a list orders them alike. */
export function compareLinks(a: Pick<RelatedLink, 'score' | 'id'>, b: Pick<RelatedLink, 'score' | 'id'>): number {
  return b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The vector plus its nearest neighbours, each weighted by its similarity (Rocchio), renormalised. */
function smooth(vector: Packed, neighbours: readonly Packed[], similarities: ArrayLike<number>, scratch: Float64Array): Packed {
  // Summed in the scratch array, its terms in the order first met (the vector's, then each neighbour's new ones).
  // Every weight is positive (TermSpace.pack), so a term's sum is never 0 once met.
  const order: number[] = [];
  for (let k = 0; k < vector.ids.length; k++) {
    order.push(vector.ids[k]!);
    scratch[vector.ids[k]!] = vector.weights[k]!;
  }
  for (const index of nearest(similarities)) {
    const share = (FEEDBACK_WEIGHT * similarities[index]!) / FEEDBACK_NEIGHBOURS;
    const neighbour = neighbours[index]!;
    for (let k = 0; k < neighbour.ids.length; k++) {
      const id = neighbour.ids[k]!;
      if (scratch[id] === 0) order.push(id);
      scratch[id] = scratch[id]! + share * neighbour.weights[k]!;
    }
  }
  const ids = Int32Array.from(order);
  const weights = new Float64Array(ids.length);
  let norm = 0;
  for (let k = 0; k < ids.length; k++) {
    weights[k] = scratch[ids[k]!]!;
    norm += weights[k]! * weights[k]!;
    scratch[ids[k]!] = 0;
  }
  norm = Math.sqrt(norm) || 1;
  for (let k = 0; k < weights.length; k++) weights[k] = weights[k]! / norm;
  return { ids, weights };
}

/**
 * The places of the FEEDBACK_NEIGHBOURS greatest similarities over 0, greatest first; among equal ones, the first
 * read (as a stable sort would order them).
 */
function nearest(similarities: ArrayLike<number>): number[] {
  const best: number[] = [];
  for (let index = 0; index < similarities.length; index++) {
    const value = similarities[index]!;
    if (!(value > 0)) continue;
    let place = best.length;
    while (place > 0 && similarities[best[place - 1]!]! < value) place--;
    if (place >= FEEDBACK_NEIGHBOURS) continue;
    best.splice(place, 0, index);
    if (best.length > FEEDBACK_NEIGHBOURS) best.pop();
  }
  return best;
}

/** The terms two vectors share, with their product, in the order of the first's terms. */
function sharedTerms(a: Packed, b: Packed, scratch: Float64Array): { id: number; value: number }[] {
  scatter(b, scratch);
  const shared: { id: number; value: number }[] = [];
  for (let k = 0; k < a.ids.length; k++) {
    const other = scratch[a.ids[k]!]!;
    if (other !== 0) shared.push({ id: a.ids[k]!, value: a.weights[k]! * other });
  }
  clear(b, scratch);
  return shared;
}

/**
 * The first MAX_REASONS labels, best first, that say something the ones before them do not: a name's word after the
 * name (`Sorrel` after `Sorrel Ridge`), or a longer name around a word already given (`Port of Velmouth` after
 * `Velmouth`), is left out for the next shared term.
 */
export function pickReasons(labels: readonly string[]): string[] {
  const picked: { label: string; words: Set<string> }[] = [];
  for (const label of labels) {
    const words = new Set(label.toLowerCase().split(/\s+/).filter(Boolean));
    if (words.size === 0) continue;
    const within = (outer: Set<string>, inner: Set<string>) => [...inner].every((word) => outer.has(word));
    if (picked.some((other) => within(other.words, words) || within(words, other.words))) continue;
    picked.push({ label, words });
    if (picked.length === MAX_REASONS) break;
  }
  return picked.map(({ label }) => label);
}

/** Never the article itself; one candidate per id (the first read). */
function uniqueCandidates(article: IndexedArticle, candidates: readonly IndexedArticle[]): IndexedArticle[] {
  const seen = new Set<string>([article.id]);
  return candidates.filter((candidate) => !seen.has(candidate.id) && Boolean(seen.add(candidate.id)));
}

/** A vector over a TermSpace's numbering: its terms' numbers and weights, in its own order (best first). */
interface Packed {
  readonly ids: Int32Array;
  readonly weights: Float64Array;
}

/** One numbering of the terms of the vectors ranked together. */
class TermSpace {
  private readonly numbers = new Map<string, number>();
  private readonly terms: string[] = [];

  get size(): number {
    return this.terms.length;
  }

  termOf(id: number): string {
    return this.terms[id]!;
  }

  /**
   * A vector's terms numbered, in its order, a repeated term's last weight kept. A weight that is not a positive
   * number (none of a vector term-weight.ts made; a damaged entry's) is left out: it could only take from a score.
   */
  pack(vector: readonly VectorTerm[]): Packed {
    const at = new Map<number, number>();
    const ids: number[] = [];
    const weights: number[] = [];
    for (const { term, weight } of vector) {
      if (!(weight > 0 && Number.isFinite(weight))) continue;
      let id = this.numbers.get(term);
      if (id === undefined) {
        id = this.terms.push(term) - 1;
        this.numbers.set(term, id);
      }
      const place = at.get(id);
      if (place === undefined) {
        at.set(id, ids.length);
        ids.push(id);
        weights.push(weight);
      } else weights[place] = weight;
    }
    return { ids: Int32Array.from(ids), weights: Float64Array.from(weights) };
  }
}

function scatter(vector: Packed, into: Float64Array): void {
  for (let k = 0; k < vector.ids.length; k++) into[vector.ids[k]!] = vector.weights[k]!;
}

function clear(vector: Packed, scratch: Float64Array): void {
  for (let k = 0; k < vector.ids.length; k++) scratch[vector.ids[k]!] = 0;
}

/** The dot product of a vector with the one scattered in `dense`. */
function gather(vector: Packed, dense: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < vector.ids.length; k++) sum += vector.weights[k]! * dense[vector.ids[k]!]!;
  return sum;
}

/** The dot products of one vector with each of the others. */
function scatteredProducts(one: Packed, others: readonly Packed[], scratch: Float64Array): Float64Array {
  scatter(one, scratch);
  const products = Float64Array.from(others, (other) => gather(other, scratch));
  clear(one, scratch);
  return products;
}

/** The dot products of every pair of the vectors, row by row (`n x n`, the diagonal left 0). */
function pairwiseProducts(vectors: readonly Packed[], scratch: Float64Array): Float64Array {
  const n = vectors.length;
  const products = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    scatter(vectors[i]!, scratch);
    for (let j = i + 1; j < n; j++) {
      const product = gather(vectors[j]!, scratch);
      products[i * n + j] = product;
      products[j * n + i] = product;
    }
    clear(vectors[i]!, scratch);
  }
  return products;
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;
