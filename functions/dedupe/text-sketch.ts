/**
 * Copies of one text: a bottom-k MinHash sketch of an article's word shingles (Broder), and the resemblance of two
 * texts (the Jaccard index of their shingle sets) estimated from their sketches. Pure; no maintained JavaScript
 * library does this small job.
 *
 * Resemblance rather than SimHash bits: the estimate's error is known (about 1 / sqrt(SKETCH_SIZE)) and a
 * threshold on it means the same for every text length. A new headline, a standfirst, a byline and an appeal add a
 * few shingles to a wire story; two reports of one story share names and facts, not runs of words. Containment
 * (the shorter text's share in the longer) was tried and refused: ECB+'s reports of one event often quote a
 * wire story whole and add as much again, which containment calls a copy and a reader does not.
 */
import { withoutInvisibleMarks } from '../shared/invisible-marks';
import { hasUnspacedLetters, runWords } from '../shared/unspaced-words';

/** Word shingles: runs of this many words. */
const SHINGLE = 4;
/** The sketch keeps the smallest hashes of this many distinct shingles: resemblance to within about +-0.14 (1 / sqrt(48)). */
export const SKETCH_SIZE = 48;
/** Shorter texts have too few shingles for a sketch to mean anything: they are no one's copy. */
export const MIN_WORDS = 30;
/**
 * At or above this resemblance two texts are copies of one. The demo's agency story, run by two outlets with their
 * own headline, standfirst, byline and appeal, measures 0.96; the reports of one story by BASIL's three outlets
 * measure below 0.4; in ECB+, six pairs of reprints measure 0.90-1.00 and the next closest pair 0.73
 * (test/dedupe/text-sketch.test.ts).
 */
export const COPY_RESEMBLANCE = 0.75;

/**
 * A run of letters and digits with the marks that combine with them (a Thai vowel, a Devanagari vowel sign): split at
 * the marks, a Thai or Hindi text was read in fragments. A run of a script written without spaces (Chinese, Japanese,
 * Thai) is then read in its words, as ICU segments it (`runWords`): whole, a Chinese paragraph was a few clause-long
 * "words", too few for a sketch, and a copy with one edited clause lost every shingle around it.
 */
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu;

/** A text's sketch: how many distinct shingles it has, and the smallest hashes among them, ascending. */
export interface TextSketch {
  readonly shingles: number;
  readonly hashes: readonly number[];
}

/** The sketch of a text, or null when the text is too short to judge. */
export function sketchText(text: string): TextSketch | null {
  const plain = withoutInvisibleMarks(text.normalize('NFC')).toLowerCase();
  const runs = plain.match(WORD) ?? [];
  // Most texts have no letter of a script written without spaces: one test for the whole text, not one a run.
  const words = hasUnspacedLetters(plain) ? runs.flatMap((run) => runWords(run).map((word) => word.text)) : runs;
  if (words.length < MIN_WORDS) return null;
  const hashes = new Set<number>();
  for (let i = 0; i + SHINGLE <= words.length; i++) hashes.add(hash32(words.slice(i, i + SHINGLE).join(' ')));
  const sorted = [...hashes].sort((a, b) => a - b);
  return { shingles: sorted.length, hashes: sorted.slice(0, SKETCH_SIZE) };
}

/** The resemblance (Jaccard index) of two texts' shingle sets, over the smallest hashes of their union. */
export function resemblance(a: TextSketch, b: TextSketch): number {
  // One merge of the two ascending sketches: the union's smallest hashes, and how many of them both sketches hold
  // (a hash among the union's smallest is among its own set's smallest too, so a sketch has it iff its text does).
  const size = Math.min(SKETCH_SIZE, a.hashes.length + b.hashes.length);
  let union = 0;
  let shared = 0;
  let i = 0;
  let j = 0;
  while (union < size && (i < a.hashes.length || j < b.hashes.length)) {
    const x = a.hashes[i] ?? Infinity;
    const y = b.hashes[j] ?? Infinity;
    if (x === y) {
      shared += 1;
      i += 1;
      j += 1;
    } else if (x < y) i += 1;
    else j += 1;
    union += 1;
  }
  return union === 0 ? 0 : shared / union;
}

export function isCopy(a: TextSketch, b: TextSketch): boolean {
  return resemblance(a, b) >= COPY_RESEMBLANCE;
}

/** `<shingles>:<hashes in base 36, comma-separated>`: about 350 characters for a full sketch. */
export function encodeSketch(sketch: TextSketch): string {
  return `${sketch.shingles}:${sketch.hashes.map((hash) => hash.toString(36)).join(',')}`;
}

/** The sketch encodeSketch wrote, or null for anything else (an absent or damaged attribute). */
export function decodeSketch(value: unknown): TextSketch | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{1,9}):([0-9a-z,]{0,1000})$/.exec(value);
  if (!match) return null;
  const hashes = match[2] ? match[2].split(',').map((part) => Number.parseInt(part, 36)) : [];
  // The pattern admits no sign: a part is a hash, too large, or empty (NaN).
  if (hashes.length > SKETCH_SIZE || hashes.some((hash) => !Number.isInteger(hash) || hash > 0xffffffff)) return null;
  return { shingles: Number(match[1]), hashes: [...new Set(hashes)].sort((x, y) => x - y) };
}

/** FNV-1a with a murmur3 finaliser, so that every input bit moves every output bit. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
