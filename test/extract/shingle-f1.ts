/**
 * A TypeScript port of the extraction benchmark's metric (`score.py`): 4-gram shingles of `\w+` tokens, per-page
 * (tp, fp, fn) normalised to sum to 1, macro-averaged precision and recall, F1 as their harmonic mean.
 */

export interface PageCounts {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

function shingles(text: string, size = 4): Map<string, number> {
  // Python's `\w` is Unicode-aware: letters, digits (incl. other numerals), marks and the underscore.
  const tokens = text.match(/[\p{L}\p{N}\p{M}_]+/gu) ?? [];
  const counts = new Map<string, number>();
  for (let index = 0; index < Math.max(1, tokens.length - size + 1); index += 1) {
    const shingle = tokens.slice(index, index + size);
    if (!shingle.length) continue;
    const key = shingle.join('\u0001');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export function pageCounts(truth: string, predicted: string): PageCounts {
  const expected = shingles(truth);
  const actual = shingles(predicted);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(key) ?? 0;
    const got = actual.get(key) ?? 0;
    tp += Math.min(want, got);
    fp += Math.max(0, got - want);
    fn += Math.max(0, want - got);
  }
  const sum = tp + fp + fn;
  return sum > 0 ? { tp: tp / sum, fp: fp / sum, fn: fn / sum } : { tp, fp, fn };
}

export function pageF1({ tp, fp, fn }: PageCounts): number {
  const precision = fp === 0 && fn === 0 ? 1 : tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = fp === 0 && fn === 0 ? 1 : tp + fn === 0 ? 0 : tp / (tp + fn);
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/** The benchmark's F1: harmonic mean of precision and recall macro-averaged over pages. */
export function benchmarkF1(pages: readonly PageCounts[]): number {
  const mean = (values: number[]): number => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
  const precision = mean(pages.filter((p) => p.tp + p.fp > 0).map((p) => (p.fp === 0 && p.fn === 0 ? 1 : p.tp / (p.tp + p.fp))));
  const recall = mean(pages.filter((p) => p.tp + p.fn > 0).map((p) => (p.fp === 0 && p.fn === 0 ? 1 : p.tp / (p.tp + p.fn))));
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}
