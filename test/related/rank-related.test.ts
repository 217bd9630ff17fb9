import { describe, expect, it } from '@jest/globals';
import {
  compareLinks,
  listFloor,
  MIN_SCORE,
  pickReasons,
  rankRelated,
  recencyFactor,
  RELATED_LIMIT,
  RELATIVE_FLOOR,
  similarities,
  strongLinks,
  type ArticleToRank,
  type IndexedArticle,
} from '../../functions/related/rank-related';
import type { VectorTerm } from '../../functions/related/term-weight';
import { embeddingSimilarity } from '../../functions/related/text-embedding';

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
/** A unit embedding along one axis (signed bytes, as text-embedding.ts keeps them). */
const axis = (d: number): number[] => Array.from({ length: 100 }, (_, i) => (i === d ? 127 : 0));
const toRank = (terms: Record<string, number> | readonly string[], options: Partial<ArticleToRank> = {}): ArticleToRank => ({
  ...indexed('new', terms),
  labels: new Map(),
  ...options,
});

/** The cosine of two unit vectors, as similarities gives it. */
const similarity = (a: readonly VectorTerm[], b: readonly VectorTerm[]) => similarities(a, [b])[0]!;

describe('similarities', () => {
  it('gives the cosine of a vector with each other one, in order', () => {
    const a = unit({ flood: 3, dam: 2, rain: 1 });
    expect(similarities(a, [a, unit(['chess']), unit({ flood: 1, vienna: 1 })]).map((value) => Number(value.toFixed(12)))).toEqual(
      [1, 0, 3 / Math.sqrt(14) / Math.sqrt(2)].map((value) => Number(value.toFixed(12))),
    );
    expect(similarities(a, [])).toEqual([]);
  });

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

/**
 * The score of every candidate as docs/related.md writes it, computed the plainest way (maps, a sorted neighbourhood):
 * `(0.9 x (smoothed + 2 x cosine) / 3 + 0.1 x meaning) x recency`, each vector smoothed by its 5 nearest among the
 * candidates and the new article (similarity over 0, the first read among equals), at total weight 4.
 */
function referenceScores(article: IndexedArticle, candidates: readonly IndexedArticle[]): Map<string, number> {
  return new Map([...referencePairs(article, candidates)].map(([id, { score }]) => [id, score]));
}

function referencePairs(article: IndexedArticle, candidates: readonly IndexedArticle[]): Map<string, { score: number; words: number; cosine: number }> {
  const sparse = (vector: readonly VectorTerm[]) => new Map(vector.map(({ term, weight }) => [term, weight] as const));
  const dotOf = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>) => [...a].reduce((sum, [term, weight]) => sum + weight * (b.get(term) ?? 0), 0);
  const smoothOf = (vector: ReadonlyMap<string, number>, neighbours: { vector: ReadonlyMap<string, number>; similarity: number }[]) => {
    const sum = new Map(vector);
    const nearest = neighbours.filter(({ similarity }) => similarity > 0).sort((a, b) => b.similarity - a.similarity).slice(0, 5);
    for (const { vector: other, similarity } of nearest) {
      for (const [term, weight] of other) sum.set(term, (sum.get(term) ?? 0) + ((4 * similarity) / 5) * weight);
    }
    const norm = Math.sqrt([...sum.values()].reduce((total, weight) => total + weight * weight, 0));
    return new Map([...sum].map(([term, weight]) => [term, weight / norm] as const));
  };
  const own = sparse(article.vector);
  const vectors = candidates.map((candidate) => sparse(candidate.vector));
  const ownSmoothed = smoothOf(own, vectors.map((vector) => ({ vector, similarity: dotOf(own, vector) })));
  const scores = new Map<string, { score: number; words: number; cosine: number }>();
  candidates.forEach((candidate, i) => {
    const cosine = dotOf(own, vectors[i]!);
    const neighbours = [...vectors.map((vector, j) => ({ vector, similarity: j === i ? -1 : dotOf(vectors[i]!, vector) })), { vector: own, similarity: cosine }];
    const terms = (dotOf(ownSmoothed, smoothOf(vectors[i]!, neighbours)) + 2 * cosine) / 3;
    const meaning = embeddingSimilarity(article.embedding, candidate.embedding);
    const recency = recencyFactor(article.publishedAt, candidate.publishedAt);
    scores.set(candidate.id, { score: (meaning === null ? terms : 0.9 * terms + 0.1 * Math.max(0, meaning)) * recency, words: terms * recency, cosine });
  });
  return scores;
}

/** A generator of numbers in [0, 1) fixed by its seed (mulberry32). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('rankRelated against the score as written', () => {
  it.each([1, 2, 3, 4, 5])('scores random candidates as the plain formula does (seed %i)', (seed) => {
    const random = seeded(seed);
    const vocabulary = Array.from({ length: 14 }, (_, i) => `t${i}`);
    const randomTerms = () => Object.fromEntries(vocabulary.filter(() => random() < 0.4).map((term) => [term, 0.2 + random()]));
    const randomEmbedding = () => (random() < 0.8 ? Array.from({ length: 100 }, () => Math.round(random() * 254 - 127)) : null);
    const day = (n: number) => new Date(Date.parse(DAY) - n * 86_400_000).toISOString();
    const candidates = Array.from({ length: 12 }, (_, i) =>
      indexed(`c${i}`, { ...randomTerms(), t0: 1 }, { embedding: randomEmbedding(), publishedAt: day(Math.floor(random() * 60)) }),
    );
    const article = toRank({ ...randomTerms(), t0: 1 }, { embedding: randomEmbedding() });
    const expected = referencePairs(article, candidates);
    const links = rankRelated(article, candidates);
    expect(links.length).toBeGreaterThan(3);
    for (const link of links) expect(link.score).toBeCloseTo(expected.get(link.id)!.score, 5);
    // Listed: every pair that shares a word, scores MIN_SCORE and whose shared words score half of it; no other.
    const kept = [...expected].filter(([, pair]) => pair.cosine > 0 && pair.score >= MIN_SCORE && pair.words >= MIN_SCORE / 2);
    expect(links.map((link) => link.id).sort()).toEqual(kept.map(([id]) => id).sort());
  });

  it('smooths with the first read among equally near neighbours, five at most', () => {
    // Seven candidates equally near the new article (one shared word, the same weights), each with a word of its own;
    // `probe` shares the words of the first five only, so its score depends on which five smooth the new article.
    const equals = Array.from({ length: 7 }, (_, i) => indexed(`e${i}`, { shared: 1, [`own${i}`]: 1 }));
    const probe = indexed('probe', { own0: 1, own1: 1, own2: 1, own3: 1, own4: 1, lone: 1 });
    const article = toRank({ shared: 1, lone: 1 });
    const expected = referenceScores(article, [...equals, probe]);
    const link = rankRelated(article, [...equals, probe]).find((each) => each.id === 'probe');
    expect(link?.score).toBeCloseTo(expected.get('probe')!, 6);
    // Read in the other order, the last five smooth it instead: another score.
    const reversed = referenceScores(article, [...equals].reverse().concat(probe));
    expect(reversed.get('probe')).not.toBeCloseTo(expected.get('probe')!, 3);
  });
});

describe('rankRelated', () => {
  it('reads a damaged stored vector (a weight not a positive number, a term twice) as the terms it can use', () => {
    const article = toRank({ danube: 4, vienna: 3, flood: 2 });
    const clean = indexed('clean', { danube: 4, vienna: 3, rain: 1 });
    const damaged: IndexedArticle = {
      ...clean,
      id: 'damaged',
      storyId: 'damaged',
      vector: [
        ...clean.vector.slice(0, 1),
        { term: 'flood', weight: -0.5 },
        { term: 'vienna', weight: 0.1 },
        ...clean.vector.slice(1),
        { term: 'boat', weight: Number.NaN },
        { term: 'harbour', weight: Number.POSITIVE_INFINITY },
        { term: 'lock', weight: 0 },
      ],
    };
    // A repeated term keeps its last weight, in its first place; the rest counts for nothing.
    const [fromClean] = rankRelated(article, [clean]);
    const [fromDamaged] = rankRelated(article, [damaged]);
    expect(fromDamaged).toEqual({ ...fromClean, id: 'damaged', storyId: 'damaged' });
    expect(fromDamaged?.reasons).toEqual(['danube', 'vienna']);
    // A weight of 0 on the new article's side makes no reason either.
    const zeroed = toRank({ danube: 4, vienna: 3, flood: 2 }, { vector: [...unit({ danube: 4, vienna: 3, flood: 2 }), { term: 'rain', weight: 0 }] });
    expect(rankRelated(zeroed, [clean])[0]?.reasons).toEqual(['danube', 'vienna']);
  });

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

  it('gives reasons that each say something new: no word of a name given, no name around a word given', () => {
    expect(pickReasons(['Wrenfield', 'Sorrel Ridge', 'Sorrel', 'fire'])).toEqual(['Wrenfield', 'Sorrel Ridge', 'fire']);
    expect(pickReasons(['Reserve Bank of Estmark', 'Estmark', 'rate', '3.25', 'Marchetti'])).toEqual(['Reserve Bank of Estmark', 'rate', '3.25']);
    expect(pickReasons(['Velmouth', 'Port of Velmouth', 'port', 'Port', 'strike', 'dock'])).toEqual(['Velmouth', 'port', 'strike']);
    expect(pickReasons(['Rovers', 'rovers'])).toEqual(['Rovers']);
    expect(pickReasons([])).toEqual([]);
    expect(pickReasons(['', '  ', 'flood'])).toEqual(['flood']);
    // Two names that share a word, neither holding the other, each say something.
    expect(pickReasons(['Ashcombe Rovers', 'Blackwater Rovers', 'final'])).toEqual(['Ashcombe Rovers', 'Blackwater Rovers', 'final']);
  });

  it('gives as reasons only terms the two share', () => {
    const [link] = rankRelated(toRank(['flood', 'dam', 'rain']), [indexed('x', ['flood', 'chess'])]);
    expect(link!.reasons).toEqual(['flood']);
  });

  it('scores (smoothed + 2 x cosine) / 3, each side smoothed by its neighbours at 4/5 of their cosine', () => {
    // A = x and B = (x + y) / sqrt 2: cosine 1 / sqrt 2, each the other's only neighbour, at k = 4 / (5 sqrt 2).
    // Over (x, y), A + kB = (1.4, 0.4) and B + kA = (0.9, 0.5) x sqrt 2: smoothed = 1.46 / sqrt(2.12 x 1.06).
    const article = toRank(['x']);
    const b = indexed('b', ['x', 'y']);
    const alone = (1.46 / Math.sqrt(2.12 * 1.06) + 2 / Math.SQRT2) / 3;
    expect(rankRelated(article, [b])[0]!.score).toBeCloseTo(alone, 6);
    // C = y shares nothing with A, so it is no neighbour of A's and gets no link, but it is B's neighbour at
    // 1 / sqrt 2 as A is: B + kA + kC = (0.9, 0.9) x sqrt 2, and smoothed = 1.8 / sqrt(2.12 x 2).
    const links = rankRelated(article, [b, indexed('c', ['y'])]);
    expect(links.map((link) => link.id)).toEqual(['b']);
    expect(links[0]!.score).toBeCloseTo((1.8 / Math.sqrt(2.12 * 2) + 2 / Math.SQRT2) / 3, 6);
  });

  it('mixes in the embeddings at a tenth: (1 - 0.1) x terms + 0.1 x their cosine, never below 0', () => {
    const article = toRank(['x'], { embedding: axis(0) });
    const terms = rankRelated(toRank(['x']), [indexed('b', ['x', 'y'])])[0]!.score;
    const score = (embedding: readonly number[] | null | undefined) => rankRelated(article, [indexed('b', ['x', 'y'], { embedding })])[0]!.score;
    expect(score(axis(0))).toBeCloseTo(0.9 * terms + 0.1, 6);
    // A quarter turn apart: cosine 0 adds nothing; opposite: -1 counts as 0, not against the terms.
    expect(score(axis(1))).toBeCloseTo(0.9 * terms, 6);
    expect(score(axis(0).map((value) => -value))).toBeCloseTo(0.9 * terms, 6);
    // Either side without one (another language, an entry indexed before embeddings): the terms alone.
    expect(score(null)).toBe(terms);
    expect(score(undefined)).toBe(terms);
    expect(rankRelated(toRank(['x']), [indexed('b', ['x', 'y'], { embedding: axis(0) })])[0]!.score).toBe(terms);
  });

  it('ranks the candidate whose text means the same first when the terms weigh them alike', () => {
    const article = toRank({ match: 2, goal: 1 }, { embedding: axis(0) });
    const links = rankRelated(article, [
      indexed('another-subject', { match: 2, goal: 1, fire: 1 }, { embedding: axis(1) }),
      indexed('same-subject', { match: 2, goal: 1, fire: 1 }, { embedding: axis(0) }),
    ]);
    // On equal scores the id would order them the other way round.
    expect(links.map((link) => link.id)).toEqual(['same-subject', 'another-subject']);
  });

  it('relates no pair on meaning alone: the words two articles share must score half of MIN_SCORE on their own', () => {
    // One shared word of weight 1 beside three of their own: of weight 4, the terms score about 0.03, of weight 3
    // about 0.05; both under MIN_SCORE alone, and alike texts add 0.1.
    const text = (own: string, weight: number) => ({ shared: 1, [`${own}1`]: weight, [`${own}2`]: weight, [`${own}3`]: weight });
    const pair = (weight: number, embedding?: number[]) =>
      rankRelated(toRank(text('a', weight), { embedding }), [indexed('b', text('b', weight), { embedding })]).map((link) => link.id);
    expect(pair(4)).toEqual([]);
    expect(pair(4, axis(0))).toEqual([]);
    expect(pair(3)).toEqual([]);
    expect(pair(3, axis(0))).toEqual(['b']);
    // Two months apart (recency 5/8), the shared words' 0.05 is 0.034, under the floor, though the score, 0.093, is not.
    const older = { embedding: axis(0), publishedAt: '2026-09-21T10:00:00.000Z' };
    expect(rankRelated(toRank(text('a', 3), { embedding: axis(0) }), [indexed('b', text('b', 3), older)])).toEqual([]);
  });

  it('never links a candidate that shares no term, however alike the embeddings', () => {
    expect(rankRelated(toRank(['a'], { embedding: axis(0) }), [indexed('apart', ['b'], { embedding: axis(0) })])).toEqual([]);
  });

  it('smooths each vector with its five nearest neighbours only, whatever order they were read in', () => {
    const article = toRank(['p', 'q']);
    // Five neighbours at cosine 1/2 (the target and four others, all sharing p); a weaker sixth, at about 0.22, that
    // shares only q with the article and nothing with the others, so it is not among the target's neighbours either.
    const target = indexed('target', ['p', 't']);
    const others = [1, 2, 3, 4].map((n) => indexed(`n${n}`, ['p', `n${n}`]));
    const weaker = indexed('weaker', { q: 1, w: 3 });
    const score = (candidates: IndexedArticle[]) => rankRelated(article, candidates).find((link) => link.id === 'target')!.score;
    const five = score([target, ...others]);
    expect(score([weaker, target, ...others])).toBe(five);
    expect(score([target, ...others, weaker])).toBe(five);
    // Without one of the five, the weaker one is among them and the score changes.
    expect(score([weaker, target, ...others.slice(1)])).not.toBe(score([target, ...others.slice(1)]));
  });

  it('never links a candidate that shares no term, however much its neighbourhood agrees', () => {
    const bridges = [1, 2, 3].map((n) => indexed(`bridge${n}`, ['a', 'b', 'c', 'd']));
    const links = rankRelated(toRank(['a', 'b']), [indexed('apart', ['c', 'd']), ...bridges]);
    expect(links.map((link) => link.id)).toEqual(['bridge1', 'bridge2', 'bridge3']);
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

  it('ranks every link over MIN_SCORE, and strongLinks keeps those of a fifth of the best (RELATIVE_FLOOR): a story with close reports lists no weak one', () => {
    const story = { fire: 3, wrenfield: 3, evacuation: 2, containment: 1, return: 1 };
    const weak = indexed('strike', { containment: 1, return: 1, dock: 3, velmouth: 3, union: 2, cranes: 2 });
    const alone = rankRelated(toRank(story), [weak]);
    expect(alone.map((link) => link.id)).toEqual(['strike']);
    // The weak link is still ranked: it may be the best of the other article's list (indexArticle writes it there).
    const withReport = rankRelated(toRank(story), [weak, indexed('report', { fire: 3, wrenfield: 3, evacuation: 1 })]);
    expect(withReport.map((link) => link.id)).toEqual(['report', 'strike']);
    expect(strongLinks(withReport).map((link) => link.id)).toEqual(['report']);
    expect(alone[0]!.score).toBeGreaterThan(MIN_SCORE);
    expect(alone[0]!.score).toBeLessThan(RELATIVE_FLOOR * withReport[0]!.score);
  });

  it('keeps every link of at least a fifth of the best, best first', () => {
    expect(strongLinks([{ score: 0.5 }, { score: 0.1 }, { score: 0.099 }])).toEqual([{ score: 0.5 }, { score: 0.1 }]);
    expect(strongLinks([])).toEqual([]);
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
  const list = (length: number, best = 1) => Array.from({ length }, (_, i) => ({ score: best - i / 100 }));

  it('is the last score of a full list, when that is more than a fifth of the best', () => {
    expect(listFloor(list(RELATED_LIMIT))).toBe(list(RELATED_LIMIT).at(-1)!.score);
    expect(listFloor(list(RELATED_LIMIT + 1))).toBe(list(RELATED_LIMIT + 1).at(-1)!.score);
  });

  it('is a fifth of the best (RELATIVE_FLOOR) for a list that is not full, or whose last is under it', () => {
    expect(listFloor(list(RELATED_LIMIT - 1))).toBeCloseTo(RELATIVE_FLOOR, 12);
    expect(listFloor([{ score: 0.9 }, { score: 0.1 }])).toBeCloseTo(0.18, 12);
    expect(listFloor([{ score: 0.9 }, ...list(RELATED_LIMIT - 1, 0.59)])).toBeCloseTo(0.18, 12);
  });

  it('is 0 when that is no more than MIN_SCORE, which every link passes, and for an empty list', () => {
    expect(listFloor([{ score: MIN_SCORE / RELATIVE_FLOOR }])).toBe(0);
    expect(listFloor([{ score: 0.3 }, { score: 0.2 }])).toBe(0);
    expect(listFloor([])).toBe(0);
  });
});

describe('compareLinks', () => {
  it('is a comparator: negative when the first comes first, positive when it comes after, 0 for the same link', () => {
    const a = { score: 0.5, id: 'a' };
    const b = { score: 0.5, id: 'b' };
    expect(compareLinks(a, b)).toBeLessThan(0);
    expect(compareLinks(b, a)).toBeGreaterThan(0);
    expect(compareLinks(a, { ...a })).toBe(0);
    expect(compareLinks({ score: 0.9, id: 'z' }, a)).toBeLessThan(0);
    expect(compareLinks(a, { score: 0.9, id: 'z' })).toBeGreaterThan(0);
  });

  it('orders best first, ties by id', () => {
    const links = [{ score: 0.5, id: 'b' }, { score: 0.9, id: 'z' }, { score: 0.5, id: 'a' }, { score: 0.5, id: 'b' }];
    expect([...links].sort(compareLinks)).toEqual([{ score: 0.9, id: 'z' }, { score: 0.5, id: 'a' }, { score: 0.5, id: 'b' }, { score: 0.5, id: 'b' }]);
  });
});
