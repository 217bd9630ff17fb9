import { describe, expect, it } from '@jest/globals';
import {
  decodeEmbedding,
  EMBEDDING_DIMENSIONS,
  embeddingSimilarity,
  embedText,
  encodeEmbedding,
  sharedDirection,
  wordWeight,
} from '../../functions/related/text-embedding';
import { VECTOR_WORDS, WORD_VECTOR_DIMENSIONS, WORD_VECTORS } from '../../functions/related/word-vectors';

// Two reports on football that share almost no word, and one on interest rates.
const MATCH = `The striker scored twice in the second half as the champions came from behind to beat their rivals.
  The home side had led at the break through a penalty, but the visitors dominated after the interval and the
  winner arrived in stoppage time, leaving the league leaders five points clear with eight games to play.`;
const LEAGUE = `A late header from the defender gave the club a draw away from home on Saturday. The manager praised his
  players for their spirit after the goalkeeper was sent off in the first minutes, and said the team would fight
  for a place in the cup final next month despite injuries to three midfielders.`;
const RATES = `The central bank raised its main interest rate by a quarter of a percentage point on Thursday, the third
  increase this year, saying inflation remained too high. Economists had expected the move; mortgage lenders are
  likely to pass the higher borrowing costs on to homeowners, and the currency rose against the dollar.`;

// The rates report in Spanish, with no language tag: its short words (de, la, el, los) are in the English list too.
const SPANISH = `El banco central subió el martes su principal tipo de interés en un cuarto de punto, la tercera subida de
  este año, y dijo que la inflación sigue siendo demasiado alta. Los economistas esperaban la decisión; los bancos
  trasladarán el mayor coste de los préstamos a las familias con hipoteca, y el euro subió frente al dólar.`;

describe('embedText', () => {
  it('places texts on one subject in other words nearer each other than a text on another subject', () => {
    const [match, league, rates] = [MATCH, LEAGUE, RATES].map((text) => embedText(text)!);
    expect(embeddingSimilarity(match, league)!).toBeGreaterThan(embeddingSimilarity(match, rates)! + 0.2);
    expect(embeddingSimilarity(league, match)!).toBeGreaterThan(embeddingSimilarity(league, rates)! + 0.2);
  });

  it('is a unit vector in signed bytes, the same for the same text, whatever its case', () => {
    const embedding = embedText(MATCH)!;
    expect(embedding).toHaveLength(EMBEDDING_DIMENSIONS);
    for (const value of embedding) expect(Number.isInteger(value) && Math.abs(value) <= 127).toBe(true);
    expect(Math.hypot(...embedding)).toBeCloseTo(127, -1);
    expect(embedText(MATCH)).toEqual(embedding);
    expect(embeddingSimilarity(embedText(MATCH.toUpperCase()), embedding)!).toBeGreaterThan(0.999);
    expect(embeddingSimilarity(embedding, embedding)!).toBeCloseTo(1, 6);
  });

  it('needs 20 known words, repeats counted: 19 place no text', () => {
    const words = VECTOR_WORDS.split(' ').filter((word) => /^[a-z]+$/.test(word)).slice(300, 320);
    expect(embedText(words.join(' '))).not.toBeNull();
    expect(embedText(words.slice(1).join(' '))).toBeNull();
    expect(embedText(`${words.slice(1).join(' ')} qwzxv vvqzt`)).toBeNull();
    expect(embedText(`${words.slice(0, 10).join(' ')} ${words.slice(0, 10).join(' ')}`)).not.toBeNull();
  });

  it('has none for a text most of whose words of four letters or more are not English, tagged or not', () => {
    expect(embedText(SPANISH)).toBeNull();
    expect(embedText(SPANISH, 'es')).toBeNull();
    // Half is enough: names and numbers the vectors do not know leave an English text its embedding.
    const english = VECTOR_WORDS.split(' ').filter((word) => /^[a-z]{4,}$/.test(word)).slice(300, 330);
    const unknown = Array.from({ length: 30 }, (_, i) => `zq${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}x`);
    expect(embedText([...english, ...unknown].join(' '))).not.toBeNull();
    expect(embedText([...english, ...unknown, 'zqzzx'].join(' '))).toBeNull();
    // Only words of four letters and nothing else count: short words, and words with digits or marks, do not.
    const others = ['the', 'of', 'and', 'to', 'in', 'is', 'on', 'at', 'by', 'it'];
    const mixed = Array.from({ length: 40 }, (_, i) => (i % 2 ? `q${i}zqxw` : `zqxw${i}q`));
    expect(embedText([...english, ...unknown, ...others, ...mixed].join(' '))).not.toBeNull();
  });

  it('reads no more of a text than the terms read of a body (60,000 characters, and two titles)', () => {
    // Punctuation, not one word: the text's first 62,000 characters are read, the rest not.
    const padding = (chars: number) => '.'.repeat(chars);
    expect(embedText(`${padding(62_000 - MATCH.length)}${MATCH}`)).toEqual(embedText(MATCH));
    expect(embedText(`${padding(62_000)}${MATCH}`)).toBeNull();
    expect(embedText(`${MATCH}${padding(100_000)}`)).toEqual(embedText(MATCH));
  });

  it('has none for another language, nor for a text with too few known words', () => {
    expect(embedText(MATCH, 'de')).toBeNull();
    expect(embedText(MATCH, 'en-GB')).not.toBeNull();
    expect(embedText(MATCH, null)).not.toBeNull();
    expect(embedText('')).toBeNull();
    expect(embedText('Zxqv Wlorp Quandry Frimble, 12 June: the council met.')).toBeNull();
    expect(embedText('xyzzy '.repeat(500))).toBeNull();
  });

  it('takes out the direction every text shares: two texts on unrelated subjects are far from alike', () => {
    expect(embeddingSimilarity(embedText(MATCH), embedText(RATES))!).toBeLessThan(0.5);
  });
});

describe('wordWeight', () => {
  it("is SIF's a / (a + p), p = 1 / (rank x H) by Zipf: the commonest word almost nothing, a word of p = a one half, rare words nearly 1", () => {
    const harmonic = Math.log(341_479) + 0.5772;
    expect(wordWeight(0)).toBeCloseTo(1e-3 / (1e-3 + 1 / harmonic), 9);
    expect(wordWeight(0)).toBeLessThan(0.02);
    // p = a where rank + 1 = 1 / (a H).
    expect(wordWeight(1 / (1e-3 * harmonic) - 1)).toBeCloseTo(0.5, 9);
    expect(wordWeight(9_999)).toBeGreaterThan(0.99);
    for (const rank of [0, 10, 100, 1_000]) expect(wordWeight(rank + 1)).toBeGreaterThan(wordWeight(rank));
  });
});

describe('sharedDirection', () => {
  it('is the average of the word vectors, each by its probability and weight, as a unit vector', () => {
    // Three words along three axes: the direction is their weights times probabilities, p = 1 / (rank x H).
    const vectors = new Int8Array(3 * EMBEDDING_DIMENSIONS);
    [0, 1, 2].forEach((rank) => (vectors[rank * EMBEDDING_DIMENSIONS + rank] = rank === 1 ? -100 : 100));
    const harmonic = Math.log(341_479) + 0.5772;
    const raw = [0, 1, 2].map((rank) => (rank === 1 ? -1 : 1) * (wordWeight(rank) / ((rank + 1) * harmonic)));
    const norm = Math.hypot(...raw);
    const shared = sharedDirection(vectors);
    raw.forEach((value, d) => expect(shared[d]).toBeCloseTo(value / norm, 12));
    expect(shared.slice(3).every((value) => value === 0)).toBe(true);
  });

  it('is taken out of every embedding: what is left is at right angles to it', () => {
    const shared = sharedDirection(new Int8Array(Buffer.from(WORD_VECTORS, 'base64')));
    for (const text of [MATCH, LEAGUE, RATES]) {
      const embedding = embedText(text)!;
      const along = embedding.reduce((sum, value, d) => sum + value * shared[d]!, 0) / 127;
      expect(Math.abs(along)).toBeLessThan(0.02);
    }
  });
});

describe('embeddingSimilarity', () => {
  it('is null when either side is missing, damaged or empty', () => {
    const embedding = embedText(MATCH)!;
    const zero = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
    expect(embeddingSimilarity(embedding, null)).toBeNull();
    expect(embeddingSimilarity(undefined, embedding)).toBeNull();
    expect(embeddingSimilarity(embedding, embedding.slice(1))).toBeNull();
    expect(embeddingSimilarity(embedding.slice(1), embedding)).toBeNull();
    expect(embeddingSimilarity([...embedding, 5], embedding)).toBeNull();
    expect(embeddingSimilarity(embedding, [...embedding, 5])).toBeNull();
    expect(embeddingSimilarity(embedding, zero)).toBeNull();
    expect(embeddingSimilarity(zero, embedding)).toBeNull();
  });
});

describe('encodeEmbedding / decodeEmbedding', () => {
  it('round-trips an embedding through 136 characters of base64', () => {
    const embedding = embedText(LEAGUE)!;
    const encoded = encodeEmbedding(embedding);
    expect(encoded).toHaveLength(136);
    expect(decodeEmbedding(encoded)).toEqual(embedding);
  });

  it('reads anything else as no embedding: absent, not a string, the wrong length, not base64, all zeros', () => {
    const encoded = encodeEmbedding(embedText(LEAGUE)!);
    // Node's base64 decoder skips what is not base64: `!!!!` before a sound value would still decode to 100 bytes.
    const lookalike = { toString: () => encoded };
    for (const damaged of [undefined, null, 42, [1, 2], lookalike, '', encoded.slice(4), `${encoded}AAAA`, `!!!!${encoded}`, `${encoded.slice(0, -3)}*==`]) {
      expect(decodeEmbedding(damaged)).toBeNull();
    }
    expect(decodeEmbedding(Buffer.alloc(EMBEDDING_DIMENSIONS).toString('base64'))).toBeNull();
  });
});

describe('word-vectors.ts (generated by scripts/build-word-vectors.ts)', () => {
  it('holds one vector per word, the most frequent words first, each word once', () => {
    const words = VECTOR_WORDS.split(' ');
    expect(words.length).toBe(10_000);
    expect(new Set(words).size).toBe(words.length);
    expect(words.slice(0, 3)).toEqual(['the', 'of', 'to']);
    expect(Buffer.from(WORD_VECTORS, 'base64').length).toBe(words.length * WORD_VECTOR_DIMENSIONS);
  });
});
