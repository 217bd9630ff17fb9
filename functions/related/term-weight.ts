/**
 * An article's term vector: how much each of its terms says about what it is about. Pure.
 *
 * weight(term) = saturation(count) x sqrt(information(term)), over the article's best VECTOR_TERMS terms, L2-normalised:
 * - count: the analyzer's weighted count of the term (a title mention counts 3, the lead 2, a name 1.5 times as much);
 * - saturation: BM25's `c (k1 + 1) / (c + k1)`: the first mentions count almost fully, the tenth far less;
 * - information: how rare the word is in news, `ln(1 + rank) + 1`, with its frequency rank in a news corpus: the
 *   order of GloVe's vocabulary (Wikipedia and Gigaword newswire), whose 10,000 most frequent words the embeddings
 *   already carry (word-vectors.ts), Porter-stemmed as the analyzer stems keywords and one-word names (a stem at its
 *   most frequent word's place). By Zipf's law a word's probability is about proportional to 1 / rank, so this is
 *   its information content up to constants. A longer name (`vladimir putin`) is as rare as its rarest word, each
 *   stemmed; a number, and a word the list does not have, counts as rarer than every word of the whole vocabulary.
 *   The square root puts the information once, not twice, into the dot product of two vectors: a shared term adds
 *   `saturation x saturation x information`.
 *
 * Why a news corpus: names are most of what tells two news events apart, and a list of everyday English (the
 * subtitles' list this replaced) has none of them, so `microsoft` and `capaldi` weighed alike; in news the first is
 * common and the second rare. Why a reference list rather than the index's own document frequencies: it is the same
 * for every article at every moment, so two articles indexed a month apart are weighed alike, a young index weighs
 * terms as a mature one does, and indexing needs no count of every term (a read and a write per term per article).
 * Measured on the four related dev sets: docs/related.md.
 */
import { stemmer } from 'stemmer';
import type { WeightedTerm } from '../contracts/model';
import { VECTOR_WORDS, WORD_VECTOR_VOCABULARY } from './word-vectors';

/** Terms kept in an article's vector: its evidence for ranking, and the size of its index entry. */
export const VECTOR_TERMS = 100;
/** BM25's k1, in weighted mentions. */
const SATURATION = 5;

/** A word as the analyzer reads one (analyze-article.ts): letters or digits, inner `'` or `-`. */
const LIST_WORD = /^[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*$/u;
/** A term the list does not have (a number among them: the list keeps stems with a letter): rarer than every word. */
const UNKNOWN_RANK = WORD_VECTOR_VOCABULARY + 1;

let ranks: ReadonlyMap<string, number> | undefined;
/** Each stem's place in the list, counted in stems (built at the first use: about 15 ms here, once per container). */
function listRanks(): ReadonlyMap<string, number> {
  if (ranks) return ranks;
  const built = new Map<string, number>();
  for (const word of VECTOR_WORDS.split(' ')) {
    if (!LIST_WORD.test(word)) continue;
    const stem = stemmer(word);
    // A stem with a letter: a number (`1990` of `1990s`) stays unknown, as every number is.
    if (/\p{L}/u.test(stem) && !built.has(stem)) built.set(stem, built.size + 1);
  }
  return (ranks = built);
}

/** A vector term: its weight is a coordinate of the unit vector. */
export interface VectorTerm {
  readonly term: string;
  readonly weight: number;
}

/** How rare a term is in news: `ln(1 + rank) + 1`, from 1 + ln 2 (`the`) to about 13.7 (an unknown word). */
export function termInformation(term: string): number {
  return Math.log(1 + termRank(term)) + 1;
}

/** A term's frequency rank: a stem's place in the list; a longer name's rarest word's; else past the vocabulary. */
function termRank(term: string): number {
  if (!term.includes(' ')) return listRanks().get(term) ?? UNKNOWN_RANK;
  let rarest = 0;
  for (const word of term.split(' ')) if (word) rarest = Math.max(rarest, listRanks().get(stemmer(word)) ?? UNKNOWN_RANK);
  return rarest || UNKNOWN_RANK;
}

/** The frequency rank of a stem in the reference list, or null when the list does not have it (a rare word). */
export function referenceRank(term: string): number | null {
  return listRanks().get(term) ?? null;
}

export function saturate(count: number): number {
  return count <= 0 ? 0 : (count * (SATURATION + 1)) / (count + SATURATION);
}

/** The article's unit term vector over its VECTOR_TERMS best terms, best first (ties by term). */
export function termVector(terms: readonly Pick<WeightedTerm, 'term' | 'weight'>[]): VectorTerm[] {
  const weighted = terms
    .filter((term) => term.term.length > 0 && Number.isFinite(term.weight) && term.weight > 0)
    .map((term) => ({ term: term.term, weight: saturate(term.weight) * Math.sqrt(termInformation(term.term)) }))
    .sort(compareTerms)
    .slice(0, VECTOR_TERMS);
  const norm = Math.sqrt(weighted.reduce((sum, term) => sum + term.weight * term.weight, 0));
  return norm > 0 ? weighted.map((term) => ({ term: term.term, weight: term.weight / norm })) : [];
}

const compareTerms = (a: VectorTerm, b: VectorTerm) => b.weight - a.weight || (a.term < b.term ? -1 : 1);
