import { describe, expect, it } from '@jest/globals';
import type { WeightedTerm } from '../../functions/model';
import {
  completeStatistics,
  listFloor,
  preselectCandidates,
  RANK_DEFAULTS,
  recencyFactor,
  scoreVectors,
  vectorNorm,
  type ArticleVector,
  type CandidatePosting,
} from '../../functions/related/rank-related';

const term = (name: string, weight = 2): WeightedTerm => ({ term: name, weight, kind: 'keyword', label: name });
const summary = (id: string, publishedAt = '2026-11-20T10:00:00.000Z') => ({
  id,
  url: `https://example.com/${id}`,
  title: id,
  source: { id: 's', name: 'S' },
  publishedAt,
  summary: '',
});
const posting = (id: string, name: string, storyId = id, publishedAt = '2026-11-20T10:00:00.000Z'): CandidatePosting => ({
  term: name,
  id,
  publishedAt,
  storyId,
  weight: 2,
  norm: 4,
});
const vector = (
  id: string,
  names: readonly string[],
  options: { storyId?: string; publishedAt?: string; frequencies?: [string, number][]; norm?: number | null } = {},
): ArticleVector => ({
  summary: summary(id, options.publishedAt),
  storyId: options.storyId ?? id,
  terms: names.map((name) => ({ term: name, weight: 2 })),
  documentFrequency: new Map(options.frequencies ?? []),
  norm: options.norm === undefined ? 4 : options.norm,
});
const stats = { articleCount: 100, documentFrequency: new Map([['flood', 3], ['dam', 2], ['rain', 20]]) };
const article = { id: 'a', storyId: 'a', publishedAt: '2026-11-20T10:00:00.000Z', terms: [term('flood'), term('dam'), term('rain')] };
const completed = { stats, known: new Set(stats.documentFrequency.keys()), typical: 1 };
const all = { limit: 10, minScore: 0 };

describe('listFloor', () => {
  it('is the last score of a full list, and 0 for a list that is not full', () => {
    const scores = (count: number) => Array.from({ length: count }, (_, i) => ({ score: 1 - i / 100 }));
    expect(listFloor(scores(RANK_DEFAULTS.limit))).toBe(1 - (RANK_DEFAULTS.limit - 1) / 100);
    expect(listFloor(scores(RANK_DEFAULTS.limit - 1))).toBe(0);
    expect(listFloor([])).toBe(0);
  });
});

describe('preselectCandidates', () => {
  it('never picks the article itself nor a copy of its text', () => {
    expect(preselectCandidates(article, [posting('a', 'flood'), posting('copy', 'flood', 'a'), posting('b', 'flood')], stats, 10)).toEqual(['b']);
  });

  it('ranks more and rarer shared terms first, counts a posting delivered twice once, and keeps the best few', () => {
    const postings = [posting('c', 'rain'), posting('b', 'flood'), posting('b', 'dam'), posting('d', 'rain'), posting('d', 'rain')];
    expect(preselectCandidates(article, postings, stats, 10)).toEqual(['b', 'c', 'd']);
    expect(preselectCandidates(article, postings, stats, 1)).toEqual(['b']);
  });

  it('prefers recent articles', () => {
    const postings = [posting('old', 'flood', 'old', '2025-01-01T00:00:00.000Z'), posting('new', 'flood', 'new', '2026-11-19T00:00:00.000Z')];
    expect(preselectCandidates(article, postings, stats, 10)).toEqual(['new', 'old']);
  });
});

describe('completeStatistics', () => {
  it('takes an unread term\'s frequency from the candidates (the largest they knew), else the typical read one', () => {
    const withUnread = { ...article, terms: [...article.terms, term('levee'), term('storm')] };
    const { stats: done, known, typical } = completeStatistics(withUnread, stats, [
      vector('b', ['levee'], { frequencies: [['levee', 5]] }),
      vector('c', ['levee'], { frequencies: [['levee', 9]] }),
    ]);
    expect(done.documentFrequency.get('levee')).toBe(9);
    expect(done.documentFrequency.get('storm')).toBeCloseTo((3 + 2 + 20) / 3);
    expect(done.documentFrequency.get('flood')).toBe(3);
    expect([...known].sort()).toEqual(['dam', 'flood', 'levee', 'rain']);
    expect(typical).toBeCloseTo((3 + 2 + 20) / 3);
  });
});

describe('scoreVectors', () => {
  it('never ranks the article itself nor a copy of its text, and keeps one entry per story, the best scored', () => {
    const ranked = scoreVectors(
      article,
      [vector('a', ['flood']), vector('copy', ['flood'], { storyId: 'a' }), vector('b1', ['flood', 'dam'], { storyId: 's' }), vector('b2', ['rain'], { storyId: 's' }), vector('c', ['rain'])],
      completed,
      all,
    );
    expect(ranked.map((entry) => entry.id)).toEqual(['b1', 'c']);
  });

  it('scores the cosine over every shared term, says which terms are shared, rarest first', () => {
    const [entry] = scoreVectors(article, [vector('b', ['flood', 'dam', 'rain'], { norm: null })], completed, all);
    // The same vector as the article's: a cosine of 1 (its norm computed, being under way).
    expect(entry!.score).toBeCloseTo(1, 5);
    expect(entry!.reasons).toEqual(['dam', 'flood', 'rain']);
    const [partial] = scoreVectors(article, [vector('b', ['flood', 'dam', 'other'], { norm: null })], completed, all);
    expect(partial!.score).toBeLessThan(entry!.score);
    expect(partial!.reasons).toEqual(['dam', 'flood']);
  });

  it('uses the frequency the candidate knew for a term the article does not know', () => {
    const withUnread = { ...article, terms: [...article.terms, term('levee')] };
    const partial = { ...completed, stats: { ...stats, documentFrequency: new Map([...stats.documentFrequency, ['levee', 8]]) } };
    const rare = scoreVectors(withUnread, [vector('b', ['levee'], { frequencies: [['levee', 1]] })], partial, all);
    const common = scoreVectors(withUnread, [vector('b', ['levee'], { frequencies: [['levee', 90]] })], partial, all);
    expect(rare[0]!.score).toBeGreaterThan(common[0]!.score);
  });

  it('drops what scores below the threshold, and prefers recent articles', () => {
    const ranked = scoreVectors(
      article,
      [vector('old', ['flood'], { publishedAt: '2025-01-01T00:00:00.000Z' }), vector('new', ['flood'], { publishedAt: '2026-11-19T00:00:00.000Z' })],
      completed,
      all,
    );
    expect(ranked.map((entry) => entry.id)).toEqual(['new', 'old']);
    expect(scoreVectors(article, [vector('b', ['flood'], { norm: 1e6 })], completed, { limit: 10, minScore: 0.02 })).toEqual([]);
    expect(recencyFactor('2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')).toBe(1);
    expect(recencyFactor('2020-01-01T00:00:00Z', '2026-01-01T00:00:00Z')).toBeCloseTo(0.5, 2);
    expect(vectorNorm(article.terms, stats)).toBeGreaterThan(0);
  });
});
