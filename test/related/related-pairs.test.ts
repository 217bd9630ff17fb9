import { describe, expect, it } from '@jest/globals';
import type { RelatedEntry } from '../../functions/related/rank-related';
import { collapseRelated, OWN_LIST_SORT_KEY, pairSortKey, parsePairSortKey, RELATED_PREFIX } from '../../functions/related/related-pairs';

const entry = (id: string, storyId: string, score: number): RelatedEntry => ({
  id,
  storyId,
  score,
  url: `https://news.example.com/${id}`,
  title: id,
  source: { id: 'example', name: 'Example' },
  publishedAt: '2026-11-20T10:00:00.000Z',
  summary: '',
  reasons: [],
});

describe('pairSortKey', () => {
  it('sorts the best score first, ties by id, after the entry and the own list', () => {
    const keys = [
      OWN_LIST_SORT_KEY,
      pairSortKey(0.02, 'a'),
      pairSortKey(1, 'z'),
      pairSortKey(0.5, 'b'),
      pairSortKey(0.5, 'a'),
      pairSortKey(0.123456, 'c'),
      RELATED_PREFIX,
    ];
    expect([...keys].sort()).toEqual([
      RELATED_PREFIX,
      OWN_LIST_SORT_KEY,
      pairSortKey(1, 'z'),
      pairSortKey(0.5, 'a'),
      pairSortKey(0.5, 'b'),
      pairSortKey(0.123456, 'c'),
      pairSortKey(0.02, 'a'),
    ]);
  });

  it('keeps hostile scores inside the key space', () => {
    for (const score of [Number.NaN, -1, Infinity, 1e12]) {
      expect(pairSortKey(score, 'x')).toMatch(/^REL#\d{10}#x$/);
    }
    expect(pairSortKey(1e12, 'x') < pairSortKey(2, 'x')).toBe(true);
    expect(pairSortKey(-1, 'x')).toBe(pairSortKey(0, 'x'));
  });

  it('reads back the score and id of a pair key, and nothing from other keys', () => {
    for (const [score, id] of [[0.123456, 'a'], [1, 'b#c'], [0, 'z'], [0.02, 'sha-1']] as const) {
      expect(parsePairSortKey(pairSortKey(score, id))).toEqual({ score, id });
    }
    for (const key of [RELATED_PREFIX, OWN_LIST_SORT_KEY, 'REL#12#x', 'ARTICLE', 'REL#0000000001#']) {
      expect(parsePairSortKey(key)).toBeNull();
    }
  });
});

describe('collapseRelated', () => {
  const owner = { id: 'me', storyId: 'my-story' };

  it('keeps the first (best) of each article and of each story, never the owner or its story, up to the limit', () => {
    const entries = [
      entry('me', 'my-story', 0.99),
      entry('copy', 'my-story', 0.98),
      entry('a', 'sa', 0.9),
      entry('a-copy', 'sa', 0.8),
      entry('b', 'sb', 0.7),
      entry('a', 'sa', 0.6),
      entry('c', 'sc', 0.5),
      entry('d', 'sd', 0.4),
    ];
    expect(collapseRelated(owner, entries, 3).map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(collapseRelated(owner, entries, 10).map((e) => e.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(collapseRelated(owner, [], 5)).toEqual([]);
  });
});
