import { describe, expect, it } from 'vitest';
import type { WeightedTerm } from '../../functions/model';
import {
  mergeEntry,
  rankCandidates,
  recencyFactor,
  type Posting,
  type RelatedEntry,
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
const posting = (id: string, name: string, storyId = id, publishedAt?: string): Posting => ({
  term: name,
  summary: summary(id, publishedAt),
  storyId,
  weight: 2,
  norm: 4,
});
const stats = { articleCount: 100, documentFrequency: new Map([['flood', 3], ['dam', 2], ['rain', 20]]) };
const article = { id: 'a', storyId: 'a', publishedAt: '2026-11-20T10:00:00.000Z', terms: [term('flood'), term('dam'), term('rain')] };

describe('rankCandidates', () => {
  it('never ranks the article itself nor a copy of its text', () => {
    const ranked = rankCandidates(article, [posting('a', 'flood'), posting('copy', 'flood', 'a'), posting('b', 'flood')], stats, {
      limit: 10,
      minScore: 0,
    });
    expect(ranked.map((entry) => entry.id)).toEqual(['b']);
  });

  it('keeps one entry per story, the best scored', () => {
    const ranked = rankCandidates(
      article,
      [posting('b1', 'flood', 'story-b'), posting('b1', 'dam', 'story-b'), posting('b2', 'rain', 'story-b'), posting('c', 'rain')],
      stats,
      { limit: 10, minScore: 0 },
    );
    expect(ranked.map((entry) => entry.id)).toEqual(['b1', 'c']);
  });

  it('ranks more and rarer shared terms higher and says which terms are shared', () => {
    const ranked = rankCandidates(article, [posting('b', 'flood'), posting('b', 'dam'), posting('c', 'rain')], stats, {
      limit: 10,
      minScore: 0,
    });
    expect(ranked[0]).toMatchObject({ id: 'b', reasons: ['dam', 'flood'] });
    expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score);
  });

  it('does not count a posting delivered twice', () => {
    const once = rankCandidates(article, [posting('b', 'flood')], stats, { limit: 10, minScore: 0 });
    const twice = rankCandidates(article, [posting('b', 'flood'), posting('b', 'flood')], stats, { limit: 10, minScore: 0 });
    expect(twice).toEqual(once);
  });

  it('prefers recent articles', () => {
    const ranked = rankCandidates(
      article,
      [posting('old', 'flood', 'old', '2025-01-01T00:00:00.000Z'), posting('new', 'flood', 'new', '2026-11-19T00:00:00.000Z')],
      stats,
      { limit: 10, minScore: 0 },
    );
    expect(ranked.map((entry) => entry.id)).toEqual(['new', 'old']);
    expect(recencyFactor('2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')).toBe(1);
    expect(recencyFactor('2020-01-01T00:00:00Z', '2026-01-01T00:00:00Z')).toBeCloseTo(0.5, 2);
  });
});

describe('mergeEntry', () => {
  const entry = (id: string, score: number, storyId = id): RelatedEntry => ({ ...summary(id), storyId, score, reasons: ['x'] });
  const owner = { id: 'a', storyId: 'a' };
  const options = { limit: 2, minScore: 0.01 };

  it('enters a list with room, or one whose weakest entry it beats', () => {
    expect(mergeEntry([entry('b', 0.5)], entry('c', 0.1), owner, options)?.map((e) => e.id)).toEqual(['b', 'c']);
    expect(mergeEntry([entry('b', 0.5), entry('c', 0.1)], entry('d', 0.3), owner, options)?.map((e) => e.id)).toEqual(['b', 'd']);
    expect(mergeEntry([entry('b', 0.5), entry('c', 0.4)], entry('d', 0.3), owner, options)).toBeNull();
  });

  it('never enters its own list, and replaces rather than repeats', () => {
    expect(mergeEntry([], entry('a', 0.9), owner, options)).toBeNull();
    expect(mergeEntry([], entry('x', 0.9, 'a'), owner, options)).toBeNull();
    expect(mergeEntry([entry('b', 0.5)], entry('b', 0.5), owner, options)).toBeNull();
    expect(mergeEntry([entry('b', 0.5)], entry('b', 0.7), owner, options)).toEqual([entry('b', 0.7)]);
  });

  it('keeps one entry per story', () => {
    expect(mergeEntry([entry('b1', 0.5, 's')], entry('b2', 0.4, 's'), owner, options)).toBeNull();
    expect(mergeEntry([entry('b1', 0.5, 's')], entry('b2', 0.6, 's'), owner, options)?.map((e) => e.id)).toEqual(['b2']);
  });
});
