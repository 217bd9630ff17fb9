/**
 * SimHash (Charikar) of a text: 64 bits over word 3-shingles. Near-identical texts (a wire story republished with
 * a changed headline, a dropped paragraph, a few edits) land within a few bits of each other; different texts about
 * the same event do not. Pure; no library does this small job for JavaScript in a maintained way.
 */

/**
 * Bits in which two copies of one text may differ. A copy with a new first line, a dropped paragraph and an edit
 * lands 2 to 8 bits away; different articles about the same story (BASIL) are 15 or more apart.
 */
export const NEAR_DUPLICATE_DISTANCE = 6;
/**
 * Six bands of 10-11 bits: two hashes within 5 bits agree on at least one band (pigeonhole), within 6 bits in 98%
 * of cases; a band has 2,048 values, so a lookup reads few entries even with millions of articles.
 */
const BAND_WIDTHS = [11, 11, 11, 11, 10, 10] as const;
/** Shorter texts have too few shingles for their hash to mean anything: they get a story of their own. */
export const MIN_WORDS = 30;

const SHINGLE = 3;
const WORD = /[\p{L}\p{N}]+/gu;

export function words(text: string): string[] {
  return text.normalize('NFC').toLowerCase().match(WORD) ?? [];
}

/** The 64-bit SimHash of a text as 16 hex digits, or null when the text is too short. */
export function simhash(text: string): string | null {
  const tokens = words(text);
  if (tokens.length < MIN_WORDS) return null;
  const counts = new Int32Array(64);
  for (let i = 0; i + SHINGLE <= tokens.length; i++) {
    const shingle = tokens.slice(i, i + SHINGLE).join(' ');
    const halves = [hash32(shingle, 0x811c9dc5), hash32(shingle, 0x01000193)];
    for (let half = 0; half < 2; half++) {
      const value = halves[half]!;
      for (let bit = 0; bit < 32; bit++) counts[half * 32 + bit]! += (value >>> bit) & 1 ? 1 : -1;
    }
  }
  let high = 0;
  let low = 0;
  for (let bit = 0; bit < 32; bit++) {
    if (counts[bit]! > 0) high |= 1 << bit;
    if (counts[32 + bit]! > 0) low |= 1 << bit;
  }
  return hex32(high) + hex32(low);
}

export function hammingDistance(a: string, b: string): number {
  let distance = 0;
  for (let i = 0; i < 16; i += 8) {
    let x = (Number.parseInt(a.slice(i, i + 8), 16) ^ Number.parseInt(b.slice(i, i + 8), 16)) >>> 0;
    while (x) {
      x &= x - 1;
      distance++;
    }
  }
  return distance;
}

/** The hash cut into bands, `<band>:<value in hex>`; each is a lookup key for near-duplicate candidates. */
export function bandsOf(hash: string): string[] {
  let value = BigInt(`0x${hash}`);
  return BAND_WIDTHS.map((width, band) => {
    const part = value & ((1n << BigInt(width)) - 1n);
    value >>= BigInt(width);
    return `${band}:${part.toString(16)}`;
  });
}

/** FNV-1a with a murmur3 finaliser, so that every input bit moves every output bit. */
function hash32(text: string, seed: number): number {
  let h = seed >>> 0;
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

const hex32 = (value: number) => (value >>> 0).toString(16).padStart(8, '0');
