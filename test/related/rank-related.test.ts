import { describe, expect, it } from '@jest/globals';
import {
  compareLinks,
  listFloor,
  MIN_SCORE,
  rankRelated,
  recencyFactor,
  RELATED_LIMIT,
  similarity,
  type ArticleToRank,
  type IndexedArticle,
} from '../../functions/related/rank-related';
import type { VectorTerm } from '../../functions/related/term-weight';

const DAY = '2026-11-20T10:00:00.000Z';
/** A unit vector over the terms, the given raw weights (1 each by default). */
function unit(terms: Record<string, number> | readonly string[]): VectorTerm[] {
  const entries = Array.isArray(terms) ? terms.map((term) => [term, 1] as const) : Object.entries(terms);
  const norm = Math.sqrt(entries.reduce((sum, [, weight]) => sum + weight * weight, 0));
  return entries.map(([term, weight]) => ({ term, weight: weight / norm }));
}
const indexed = (id: string, terms: Record<string, number> | readonly string[], options: Partial<IndexedArticle> = {}): IndexedArticle => ({
  id,
  storyId: id,
  publishedAt: DAY,
  vector: unit(terms),
  ...options,
});
const toRank = (terms: Record<string, number> | readonly string[], options: Partial<ArticleToRank> = {}): ArticleToRank => ({
  ...indexed('new', terms),
  labels: new Map(),
  ...options,
});

describe('similarity', () => {
  it('is the cosine of two unit vectors: 1 for one vector, 0 with nothing shared, symmetric', () => {
    const a = unit({ flood: 3, dam: 2, rain: 1 });
    expect(similarity(a, a)).toBeCloseTo(1, 12);
    expect(similarity(a, unit(['chess']))).toBe(0);
    const b = unit({ flood: 1, vienna: 1 });
    expect(similarity(a, b)).toBeCloseTo(3 / Math.sqrt(14) / Math.sqrt(2), 12);
    expect(similarity(b, a)).toBe(similarity(a, b));
    expect(similarity(a, [{ term: 'flood', weight: Number.NaN }])).toBe(0);
  });
});

describe('rankRelated', () => {
  it('ranks by shared evidence, best first, with the shared terms that weigh most as reasons, as the text wrote them', () => {
    const article = toRank({ danube: 4, vienna: 3, flood: 2, rain: 1 }, { labels: new Map([['danube', 'Danube'], ['vienna', 'Vienna']]) });
    const links = rankRelated(article, [
      indexed('weak', { rain: 3, football: 3 }),
      indexed('strong', { danube: 4, vienna: 3, flood: 1 }),
      indexed('middle', { danube: 2, flood: 2, boat: 2 }),
    ]);
    expect(links.map((link) => link.id)).toEqual(['strong', 'middle', 'weak'].filter((id) => links.some((link) => link.id === id)));
    expect(links[0]).toMatchObject({ id: 'strong', storyId: 'strong', reasons: ['Danube', 'Vienna', 'flood'] });
    expect(links[0]!.score).toBeGreaterThan(links[1]!.score);
    expect(links[0]!.score).toBeLessThanOrEqual(1);
    for (const link of links) expect(link.score).toBe(Math.round(link.score * 1e6) / 1e6);
  });

  it('keeps at most three reasons, heaviest pair product first, ties by term', () => {
    const [link] = rankRelated(toRank(['d', 'c', 'b', 'a', 'e']), [indexed('x', ['a', 'b', 'c', 'd', 'e'])]);
    expect(link!.reasons).toEqual(['a', 'b', 'c']);
  });

  it('never ranks the article itself, a copy of its own story, a candidate read twice, or one with nothing shared', () => {
    const links = rankRelated(toRank(['flood', 'dam'], { storyId: 'story' }), [
      indexed('new', ['flood', 'dam']),
      indexed('copy', ['flood', 'dam'], { storyId: 'story' }),
      indexed('twice', ['flood', 'dam']),
      indexed('twice', ['chess']),
      indexed('nothing', ['chess']),
    ]);
    expect(links.map((link) => link.id)).toEqual(['twice']);
    expect(rankRelated(toRank(['flood']), [])).toEqual([]);
  });

  it('keeps each copy of another story: lists are collapsed per story when read', () => {
    const links = rankRelated(toRank(['flood', 'dam']), [indexed('a', ['flood', 'dam'], { storyId: 'wire' }), indexed('b', ['flood', 'dam'], { storyId: 'wire' })]);
    expect(links.map((link) => link.id)).toEqual(['a', 'b']);
    expect(links.map((link) => link.storyId)).toEqual(['wire', 'wire']);
  });

  it('drops pairs below MIN_SCORE: one shared minor term among many is not a relation', () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`t${i}`, 1]));
    const links = rankRelated(toRank({ ...many, shared: 1 }), [indexed('far', { shared: 1, ...Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`u${i}`, 1])) })]);
    expect(links).toEqual([]);
    const near = rankRelated(toRank({ ...many, shared: 1 }), [indexed('near', many)]);
    expect(near[0]!.score).toBeGreaterThanOrEqual(MIN_SCORE);
  });

  it('lifts a pair whose neighbourhoods agree: the neighbours an article read are its feedback', () => {
    const article = toRank({ election: 3, senate: 2, vote: 1 });
    const candidate = indexed('c', { ballot: 3, senate: 1, turnout: 1 });
    const alone = rankRelated(article, [candidate])[0]!.score;
    const bridges = [indexed('n1', { election: 2, ballot: 2, senate: 1 }), indexed('n2', { election: 2, ballot: 2, turnout: 1 })];
    const withNeighbours = rankRelated(article, [candidate, ...bridges]).find((link) => link.id === 'c')!.score;
    expect(withNeighbours).toBeGreaterThan(alone);
  });

  it('ranks an older article lower than an equal recent one, never below half', () => {
    const links = rankRelated(toRank(['flood', 'dam'], { publishedAt: DAY }), [
      indexed('old', ['flood', 'dam'], { publishedAt: '2026-08-20T10:00:00.000Z' }),
      indexed('recent', ['flood', 'dam'], { publishedAt: '2026-11-19T10:00:00.000Z' }),
    ]);
    expect(links.map((link) => link.id)).toEqual(['recent', 'old']);
    expect(links[1]!.score).toBeGreaterThanOrEqual(links[0]!.score / 2);
  });

  it(`keeps at most RELATED_LIMIT (${RELATED_LIMIT}), the best`, () => {
    const candidates = Array.from({ length: RELATED_LIMIT + 10 }, (_, i) => indexed(`c${String(i).padStart(3, '0')}`, { flood: 10, [`own${i}`]: 1 + i / 10 }));
    const links = rankRelated(toRank({ flood: 10 }), candidates);
    expect(links).toHaveLength(RELATED_LIMIT);
    expect(links.map((link) => link.id)).toEqual([...links].sort(compareLinks).map((link) => link.id));
    expect(links.map((link) => link.id)).not.toContain(`c0${RELATED_LIMIT + 9}`);
  });
});

describe('recencyFactor', () => {
  it('is 1 on the same day, 3/4 a half-life (30 days) apart, tends to 1/2, and is symmetric', () => {
    expect(recencyFactor(DAY, DAY)).toBe(1);
    expect(recencyFactor(DAY, '2026-12-20T10:00:00.000Z')).toBeCloseTo(0.75, 12);
    expect(recencyFactor('2026-12-20T10:00:00.000Z', DAY)).toBeCloseTo(0.75, 12);
    expect(recencyFactor(DAY, '2030-01-01T00:00:00.000Z')).toBeCloseTo(0.5, 6);
    expect(recencyFactor(DAY, 'not a date')).toBe(0.5);
  });
});

describe('listFloor', () => {
  it('is the last score of a full list, and 0 for a list that is not full', () => {
    const list = (length: number) => Array.from({ length }, (_, i) => ({ score: 1 - i / 100 }));
    expect(listFloor(list(RELATED_LIMIT))).toBe(list(RELATED_LIMIT).at(-1)!.score);
    expect(listFloor(list(RELATED_LIMIT + 1))).toBe(list(RELATED_LIMIT + 1).at(-1)!.score);
    expect(listFloor(list(RELATED_LIMIT - 1))).toBe(0);
    expect(listFloor([])).toBe(0);
  });
});

describe('compareLinks', () => {
  it('orders best first, ties by id', () => {
    const links = [{ score: 0.5, id: 'b' }, { score: 0.9, id: 'z' }, { score: 0.5, id: 'a' }, { score: 0.5, id: 'b' }];
    expect([...links].sort(compareLinks)).toEqual([{ score: 0.9, id: 'z' }, { score: 0.5, id: 'a' }, { score: 0.5, id: 'b' }, { score: 0.5, id: 'b' }]);
  });
});
