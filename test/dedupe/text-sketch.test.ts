import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  COPY_RESEMBLANCE,
  decodeSketch,
  encodeSketch,
  isCopy,
  MIN_WORDS,
  resemblance,
  SKETCH_SIZE,
  sketchText,
  type TextSketch,
} from '../../functions/dedupe/text-sketch';
import { sharedDataPath } from '../support/shared-data';
import { UNSPACED_REPORTS } from '../support/unspaced-texts';

const words = (count: number, prefix = 'w') => Array.from({ length: count }, (_, i) => `${prefix}${i}`).join(' ');
const sketch = (text: string): TextSketch => {
  const result = sketchText(text);
  if (!result) throw new Error('too short to sketch');
  return result;
};

const WIRE =
  'The central bank cut its benchmark rate by a quarter point to 3.25 per cent on Wednesday in a split vote, saying ' +
  'inflation had cooled faster than expected over the autumn while growth in exports and construction had slowed. ' +
  'Four members of the board voted for the cut and three wanted to wait until the new year, the minutes showed. The ' +
  'governor said further cuts would depend on wages and on the price of energy through the winter months. Banks ' +
  'said they would lower the rates on variable mortgages from next month, and savers were warned that returns on ' +
  'deposits would follow. Economists had been divided before the meeting, with most expecting the bank to hold ' +
  'until February; the currency weakened against the euro after the announcement and shares in builders rose.';

describe('sketchText', () => {
  it('has no sketch for a text under MIN_WORDS words, and one from MIN_WORDS on', () => {
    expect(sketchText(words(MIN_WORDS - 1))).toBeNull();
    expect(sketchText('')).toBeNull();
    expect(sketchText(words(MIN_WORDS))).toEqual({ shingles: MIN_WORDS - 3, hashes: expect.any(Array) });
  });

  it('keeps the SKETCH_SIZE smallest hashes of the distinct four-word shingles, ascending', () => {
    const long = sketch(words(500));
    expect(long.shingles).toBe(497);
    expect(long.hashes).toHaveLength(SKETCH_SIZE);
    expect([...long.hashes].sort((a, b) => a - b)).toEqual(long.hashes);
    expect(new Set(long.hashes).size).toBe(SKETCH_SIZE);
    // A repeated run adds no distinct shingle.
    expect(sketch(`${words(40)} ${words(40)}`).shingles).toBeLessThan(2 * 37);
  });

  it('is the same sketch on every deploy: the sketches stored in the index stay comparable with new ones', () => {
    // 32 words, 29 shingles: fewer than SKETCH_SIZE, so every hash is kept. Any change to the words, the shingles or the
    // hash changes these, and would make every stored sketch a stranger to the new ones.
    const text = 'The central bank cut its benchmark rate by a quarter point to 3.25 per cent on Wednesday in a split vote, saying inflation had cooled faster than expected over the autumn.';
    expect(encodeSketch(sketch(text))).toBe(
      '29:174bkc,37eqdp,3ux1m4,cg67ua,e1a4f4,ev9svr,ey4xwo,f6s4v4,m1orv8,oyedix,p54ete,v6hqhe,xemxjo,xucetr,118hc7h,11a7ryj,' +
        '148cjcw,1567qy6,19xg8k3,1b1u1m8,1ed754o,1gla33f,1ikjxce,1lo7ox1,1o1ysqt,1o4t2hw,1q860h7,1rcjo6w,1rs3xsz',
    );
    expect(sketchText('— … !!!')).toBeNull();
  });

  it('ignores case, punctuation and Unicode normalisation', () => {
    expect(sketch(WIRE.toUpperCase().replace(/ /g, ' — '))).toEqual(sketch(WIRE));
    expect(sketch(`Café ${WIRE}`)).toEqual(sketch(`Cafe\u0301 ${WIRE}`));
  });

  it('reads through characters that are never drawn: a hyphenated or marked-up copy is the same text', () => {
    // A site that hyphenates puts soft hyphens (&shy;) in its long words, and extraction keeps them: read as word
    // breaks, every long word would split and the copy would share few shingles with the plain text.
    const hyphenated = WIRE.replace(/\b([a-z]{4,})([a-z]{4,})\b/g, '$1\u00ad$2');
    expect(hyphenated).not.toBe(WIRE);
    expect(sketch(hyphenated)).toEqual(sketch(WIRE));
    // Zero-width non-joiner and joiner, word joiner, byte-order mark, direction marks, a variation selector.
    const marked = WIRE.replace('inflation', 'infla\u200ction')
      .replace('governor', 'gover\u200dnor')
      .replace('construction', 'construc\u2060tion')
      .replace('February', '\ufeffFebru\u200eary\u200f')
      .replace('currency', 'curr\ufe0fency');
    expect(sketch(marked)).toEqual(sketch(WIRE));
    // Still a word break wherever a drawn character is (a hyphen, a space, a dash), and at a zero-width space, which
    // marks one: the same words as with a space.
    expect(sketch(WIRE.replace('benchmark', 'bench-mark'))).not.toEqual(sketch(WIRE));
    expect(sketch(WIRE.replace('benchmark', 'bench\u200bmark'))).toEqual(sketch(WIRE.replace('benchmark', 'bench mark')));
  });

  it('reads Chinese and Japanese in words: a copy under a new headline, with an edited clause and an appeal, is a copy', () => {
    const wire = `${UNSPACED_REPORTS.zh1.body}${UNSPACED_REPORTS.zh2.body}`;
    // Read in runs from punctuation to punctuation, this text was 15 "words": too few for a sketch, no one's copy.
    expect(wire.split(/[，。、]/).filter(Boolean).length).toBeLessThan(MIN_WORDS);
    const copy = `央行今日宣布降准。${wire.replace('分析人士认为', '有专家认为')}欢迎订阅本报客户端。`;
    expect(resemblance(sketch(wire), sketch(copy))).toBeGreaterThanOrEqual(COPY_RESEMBLANCE);
    // Two outlets' own reports of the one event share words, not runs of them.
    expect(resemblance(sketch(UNSPACED_REPORTS.zh1.body + UNSPACED_REPORTS.zh1.title), sketch(UNSPACED_REPORTS.zh2.body + UNSPACED_REPORTS.zh2.title))).toBeLessThan(0.3);
    // The Latin words of such a text are its words too.
    expect(sketchText(`新华社 ${words(40)}`)?.shingles).toBe(38);
    const japanese = `${UNSPACED_REPORTS.ja1.body}${UNSPACED_REPORTS.ja2.body}`;
    expect(resemblance(sketch(japanese), sketch(`【速報】${japanese}（共同）`))).toBeGreaterThanOrEqual(COPY_RESEMBLANCE);
  });

  it('calls a real article and its hyphenated copy copies', () => {
    const [row] = readFileSync(sharedDataPath('related-dev', 'stories_basil.jsonl'), 'utf8').split('\n', 1).map((line) => JSON.parse(line) as { body: string });
    const hyphenated = row!.body.replace(/\b(\p{L}{5,})(\p{Ll}{4,})\b/gu, '$1\u00ad$2');
    expect(resemblance(sketch(row!.body), sketch(hyphenated))).toBe(1);
  });
});

describe('resemblance', () => {
  it('is 1 for one text, 0 for texts with no run of words in common, symmetric', () => {
    expect(resemblance(sketch(WIRE), sketch(WIRE))).toBe(1);
    expect(resemblance(sketch(words(200, 'a')), sketch(words(200, 'b')))).toBe(0);
    const a = sketch(`${words(100, 'x')} ${words(100, 'y')}`);
    const b = sketch(`${words(100, 'y')} ${words(100, 'z')}`);
    expect(resemblance(a, b)).toBe(resemblance(b, a));
  });

  it('is the share of the union\'s smallest hashes that both sketches hold, exactly', () => {
    const of = (...hashes: number[]): TextSketch => ({ shingles: hashes.length, hashes });
    // Union {1, 2, 3, 4}, both hold 3: whichever sketch runs out first.
    expect(resemblance(of(1, 2, 3), of(3, 4))).toBe(1 / 4);
    expect(resemblance(of(3, 4), of(1, 2, 3))).toBe(1 / 4);
    // Full sketches: the union's SKETCH_SIZE smallest are 0-47, of which 24-47 are in both.
    const low = of(...Array.from({ length: SKETCH_SIZE }, (_, i) => i));
    const high = of(...Array.from({ length: SKETCH_SIZE }, (_, i) => i + SKETCH_SIZE / 2));
    expect(resemblance(low, high)).toBe(0.5);
    expect(resemblance(high, low)).toBe(0.5);
    // An empty sketch (a decoded "0:") resembles nothing, itself included.
    expect(resemblance(of(), of())).toBe(0);
    expect(resemblance(of(), of(1, 2))).toBe(0);
  });

  it('calls texts copies from COPY_RESEMBLANCE on, the threshold included', () => {
    const of = (...hashes: number[]): TextSketch => ({ shingles: hashes.length, hashes });
    expect(resemblance(of(1, 2, 3, 4), of(1, 2, 3))).toBe(COPY_RESEMBLANCE);
    expect(isCopy(of(1, 2, 3, 4), of(1, 2, 3))).toBe(true);
    expect(isCopy(of(1, 2, 3, 4, 5), of(1, 2, 3, 4))).toBe(true);
    expect(isCopy(of(1, 2, 3, 4, 5), of(1, 2, 3))).toBe(false);
  });

  it('estimates the Jaccard index of the shingle sets, to within about 1 / sqrt(SKETCH_SIZE)', () => {
    // 300 shared shingles of about 900 in the union: a Jaccard index near 1/3.
    const a = sketch(`${words(300, 's')} ${words(300, 'a')}`);
    const b = sketch(`${words(300, 's')} ${words(300, 'b')}`);
    expect(resemblance(a, b)).toBeGreaterThan(1 / 3 - 0.15);
    expect(resemblance(a, b)).toBeLessThan(1 / 3 + 0.15);
  });

  it('calls a wire story under another headline, standfirst, byline and appeal a copy, and a rewrite not', () => {
    const reprint = `Borrowers get relief. By Dev Ramani, agency correspondent. ${WIRE} This journalism is free to read because readers like you support it. Become a supporter.`;
    expect(resemblance(sketch(WIRE), sketch(reprint))).toBeGreaterThanOrEqual(COPY_RESEMBLANCE);
    expect(isCopy(sketch(WIRE), sketch(reprint))).toBe(true);
    const rewrite =
      'In a split vote on Wednesday the central bank lowered its main rate to 3.25 per cent, a quarter point less, as ' +
      'inflation eased more quickly than forecast during the autumn. Exports and construction have slowed. Three of the ' +
      'seven board members would have waited for the new year; the governor tied any further cut to wages and energy.';
    expect(isCopy(sketch(WIRE), sketch(rewrite))).toBe(false);
    expect(resemblance(sketch(WIRE), sketch(rewrite))).toBeLessThan(0.2);
  });

  it('separates the reports of one story (BASIL) from reprints (ECB+), the measurements COPY_RESEMBLANCE rests on', () => {
    const read = (name: string) =>
      readFileSync(sharedDataPath('related-dev', name), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { id: string; body: string; label: string });
    // BASIL: three outlets' reports of each story, written separately: never copies.
    const basil = read('stories_basil.jsonl');
    const byStory = new Map<string, typeof basil>();
    for (const row of basil) byStory.set(row.label, [...(byStory.get(row.label) ?? []), row]);
    let highest = 0;
    for (const rows of byStory.values()) {
      const sketches = rows.flatMap((row) => sketchText(row.body) ?? []);
      for (let i = 0; i < sketches.length; i++) for (let j = i + 1; j < sketches.length; j++) highest = Math.max(highest, resemblance(sketches[i]!, sketches[j]!));
    }
    expect(highest).toBeLessThan(COPY_RESEMBLANCE);
    // ECB+: a few reprints of one text among many reports; all of them of one event.
    const ecb = read('stories_ecbplus_dev.jsonl');
    const sketches = ecb.map((row) => sketchText(row.body));
    const copies: [number, number][] = [];
    for (let i = 0; i < ecb.length; i++) {
      for (let j = i + 1; j < ecb.length; j++) {
        if (sketches[i] && sketches[j] && isCopy(sketches[i]!, sketches[j]!)) copies.push([i, j]);
      }
    }
    expect(copies.length).toBeGreaterThanOrEqual(1);
    expect(copies.length).toBeLessThan(ecb.length / 20);
    for (const [i, j] of copies) expect(ecb[i]!.label).toBe(ecb[j]!.label);
  });
});

describe('encodeSketch and decodeSketch', () => {
  it('round-trip a sketch in a few hundred characters', () => {
    const original = sketch(words(300));
    const encoded = encodeSketch(original);
    expect(encoded.length).toBeLessThan(450);
    expect(decodeSketch(encoded)).toEqual(original);
    expect(decodeSketch(encodeSketch({ shingles: 0, hashes: [] }))).toEqual({ shingles: 0, hashes: [] });
  });

  it('read anything else as no sketch', () => {
    const damagedList: unknown[] = [undefined, null, 42, '', 'abc', '12', '12:ZZ', `1:${'1,'.repeat(SKETCH_SIZE)}1`, '1:-5', `1:${(2 ** 33).toString(36)}`, ' 1:a'];
    // An empty hash between commas or at the end; a hash past 32 bits; a list or an object that only reads as one.
    damagedList.push('2:a,,b', '1:a,', `1:${(2 ** 32).toString(36)}`, ['3:c,a,b'], { toString: () => '3:c,a,b' });
    for (const damaged of damagedList) expect(decodeSketch(damaged)).toBeNull();
    expect(decodeSketch('3:c,a,b')).toEqual({ shingles: 3, hashes: [10, 11, 12] });
    // Every 32-bit hash, 0 and 2^32 - 1 included.
    expect(decodeSketch(`2:${(2 ** 32 - 1).toString(36)},0`)).toEqual({ shingles: 2, hashes: [0, 2 ** 32 - 1] });
  });
});
