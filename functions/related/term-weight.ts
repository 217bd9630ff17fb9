/**
 * An article's term vector: how much each of its terms says about what it is about. Pure.
 *
 * weight(term) = saturation(count) x sqrt(information(term)), over the article's best VECTOR_TERMS terms, L2-normalised:
 * - count: the analyzer's weighted count of the term (a title mention counts 3, the lead 2, a name 1.5 times as much);
 * - saturation: BM25's `c (k1 + 1) / (c + k1)`: the first mentions count almost fully, the tenth far less;
 * - information: how rare the word is in general English, `ln(1 + rank) + 1`, from a reference frequency list
 *   (SUBTLEX-US, reference-words.ts). By Zipf's law a word's probability is about proportional to 1 / rank, so this
 *   is its information content up to constants. A word the list does not have (names, numbers, phrases, most
 *   non-English words) counts as rarer than every listed one. The square root puts the information once, not
 *   twice, into the dot product of two vectors: a shared term adds `saturation x saturation x information`.
 *
 * Why a reference list rather than the index's own document frequencies: it is the same for every article at
 * every moment, so two articles indexed a month apart are weighed alike, a young index weighs terms as a mature
 * one does, and indexing needs no count of every term (a read and a write per term per article). Measured on the
 * four related dev sets (docs/related.md) it ranks as well as or better than the corpus's own frequencies.
 */
import type { WeightedTerm } from '../contracts/model';
import { REFERENCE_WORDS } from './reference-words';

/** Terms kept in an article's vector: its evidence for ranking, and the size of its index entry. */
export const VECTOR_TERMS = 100;
/** BM25's k1, in weighted mentions. */
const SATURATION = 5;

const RANKS: ReadonlyMap<string, number> = new Map(REFERENCE_WORDS.split(' ').map((word, index) => [word, index + 1]));
/** A term missing from the list is taken as this far down it: rarer than any listed word. */
const UNKNOWN_RANK = RANKS.size * 30;

/** A vector term: its weight is a coordinate of the unit vector. */
export interface VectorTerm {
  readonly term: string;
  readonly weight: number;
}

/** How rare a term is in general English: `ln(1 + rank) + 1`, from about 1.7 (`you`) to about 13 (an unknown word). */
export function termInformation(term: string): number {
  return Math.log(1 + (RANKS.get(term) ?? UNKNOWN_RANK)) + 1;
}

/** The frequency rank of a term in the reference list, or null when the list does not have it (a rare word). */
export function referenceRank(term: string): number | null {
  return RANKS.get(term) ?? null;
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
