import { describe, expect, it } from '@jest/globals';
import { stemmer } from 'stemmer';
import { referenceRank, saturate, termInformation, termVector, VECTOR_TERMS } from '../../functions/related/term-weight';

describe('termInformation', () => {
  it('grows with a word\'s rank in news: common words say little, names and rare words much', () => {
    expect(referenceRank('the')).toBe(1);
    expect(termInformation('the')).toBeLessThan(3);
    expect(termInformation('the')).toBeLessThan(termInformation('return'));
    expect(termInformation('return')).toBeLessThan(termInformation('flood'));
    expect(termInformation('flood')).toBeLessThan(termInformation('nepomniachtchi'));
    expect(referenceRank('nepomniachtchi')).toBeNull();
    expect(termInformation('the')).toBeCloseTo(Math.log(1 + referenceRank('the')!) + 1, 12);
  });

  it('ranks from 1: the most frequent word, `the`, carries 1 + ln 2 (about 1.7)', () => {
    expect(termInformation('the')).toBeCloseTo(1 + Math.LN2, 12);
  });

  it('knows names as news does: a name in the news every day says less than a rare one', () => {
    expect(referenceRank('microsoft')).not.toBeNull();
    expect(referenceRank('capaldi')).toBeNull();
    expect(termInformation('microsoft')).toBeLessThan(termInformation('capaldi') - 3);
    expect(referenceRank(stemmer('elections'))).toBe(referenceRank(stemmer('election')));
  });

  it('weighs a longer name as its rarest word, each word stemmed, and an unknown one as the rarest', () => {
    expect(referenceRank('vladimir')).toBeGreaterThan(referenceRank('putin')!);
    expect(termInformation('vladimir putin')).toBe(termInformation('vladimir'));
    expect(termInformation('putin vladimir')).toBe(termInformation('vladimir'));
    expect(termInformation('united states')).toBe(Math.max(termInformation(stemmer('united')), termInformation(stemmer('states'))));
    expect(termInformation('magnus carlsen')).toBe(termInformation('nepomniachtchi'));
    expect(termInformation('vladimir  putin')).toBe(termInformation('vladimir'));
  });

  it('counts a number as rare, whatever the list holds', () => {
    for (const number of ['2024', '3.25', '1800', '6,1']) expect(termInformation(number)).toBe(termInformation('nepomniachtchi'));
    expect(termInformation('covid-19')).toBe(termInformation('nepomniachtchi'));
  });
});

describe('saturate', () => {
  it('counts the first mentions almost fully and levels off (BM25, k1 = 5)', () => {
    expect(saturate(0)).toBe(0);
    expect(saturate(-1)).toBe(0);
    expect(saturate(1)).toBe(1);
    expect(saturate(2)).toBeCloseTo(12 / 7, 12);
    expect(saturate(10) - saturate(9)).toBeLessThan(saturate(2) - saturate(1));
    expect(saturate(1_000_000)).toBeLessThan(6);
  });
});

describe('termVector', () => {
  it('is a unit vector, best first, weighing a rare word above a common one of the same count', () => {
    const vector = termVector([
      { term: 'return', weight: 3 },
      { term: 'danube', weight: 3 },
      { term: 'flood', weight: 1 },
    ]);
    expect(vector.map((term) => term.term)).toEqual(['danube', 'return', 'flood']);
    expect(vector.reduce((sum, term) => sum + term.weight * term.weight, 0)).toBeCloseTo(1, 12);
    expect(vector[0]!.weight / vector[1]!.weight).toBeCloseTo(Math.sqrt(termInformation('danube') / termInformation('return')), 12);
  });

  it(`keeps the best VECTOR_TERMS (${VECTOR_TERMS}), ties by term, and drops empty, zero and broken terms`, () => {
    const terms = Array.from({ length: VECTOR_TERMS + 20 }, (_, i) => ({ term: `zz${String(i).padStart(3, '0')}`, weight: 1 }));
    const vector = termVector([...terms, { term: '', weight: 5 }, { term: 'nan', weight: Number.NaN }, { term: 'zero', weight: 0 }, { term: 'neg', weight: -2 }]);
    expect(vector).toHaveLength(VECTOR_TERMS);
    expect(vector.map((term) => term.term)).toEqual(terms.slice(0, VECTOR_TERMS).map((term) => term.term));
    expect(termVector([])).toEqual([]);
    expect(termVector([{ term: 'zero', weight: 0 }])).toEqual([]);
    expect(termVector([{ term: 'zero', weight: 0 }, { term: 'flood', weight: 2 }, { term: 'neg', weight: -2 }])).toEqual([{ term: 'flood', weight: 1 }]);
  });

  it('orders ties by term whatever order the terms come in', () => {
    const terms = Array.from({ length: 40 }, (_, i) => `t${String((i * 17) % 40).padStart(2, '0')}`);
    const expected = [...terms].sort();
    expect(termVector(terms.map((term) => ({ term, weight: 2 }))).map((term) => term.term)).toEqual(expected);
    expect(termVector([...terms].reverse().map((term) => ({ term, weight: 2 }))).map((term) => term.term)).toEqual(expected);
  });

  it('is a unit vector or none: weights too small to square give none, never an infinite weight', () => {
    expect(termVector([{ term: 'flood', weight: 1e-300 }])).toEqual([]);
  });
});
