import { describe, expect, it } from '@jest/globals';
import { MemoryArticleStore } from '../../functions/store/memory-article-store';
import { withSummaryCache } from '../../functions/store/summary-cache';
import { makeArticle } from '../support/articles';

/** A memory store that counts the summaries it was asked for. */
function countingStore() {
  const store = new MemoryArticleStore();
  const asked: string[][] = [];
  const getSummaries = store.getSummaries.bind(store);
  store.getSummaries = async (ids) => {
    asked.push([...ids]);
    return getSummaries(ids);
  };
  return { store, asked };
}

describe('withSummaryCache', () => {
  it('reads each summary from the store once, and only the ones it does not hold', async () => {
    const { store, asked } = countingStore();
    for (const id of ['a', 'b', 'c']) await store.putArticleIfAbsent(makeArticle({ id }));
    const cached = withSummaryCache(store);
    expect((await cached.getSummaries(['a', 'b'])).map((s) => s.id).sort()).toEqual(['a', 'b']);
    expect((await cached.getSummaries(['b', 'c', 'a', 'c'])).map((s) => s.id).sort()).toEqual(['a', 'b', 'c']);
    expect(asked).toEqual([['a', 'b'], ['c']]);
    expect(await cached.getSummaries(['a', 'b', 'c'])).toEqual(await store.getSummaries(['a', 'b', 'c']));
    expect(asked).toHaveLength(3);
  });

  it('does not remember an article it did not find: one stored later is listed', async () => {
    const { store, asked } = countingStore();
    const cached = withSummaryCache(store);
    expect(await cached.getSummaries(['late'])).toEqual([]);
    await store.putArticleIfAbsent(makeArticle({ id: 'late' }));
    expect((await cached.getSummaries(['late'])).map((s) => s.id)).toEqual(['late']);
    expect(asked).toEqual([['late'], ['late']]);
  });

  it('keeps at most maxEntries, forgetting the least recently used first', async () => {
    const { store, asked } = countingStore();
    for (const id of ['a', 'b', 'c']) await store.putArticleIfAbsent(makeArticle({ id }));
    const cached = withSummaryCache(store, 2);
    await cached.getSummaries(['a', 'b']);
    await cached.getSummaries(['a']); // a is now the most recently used
    await cached.getSummaries(['c']); // b goes
    asked.length = 0;
    await cached.getSummaries(['a', 'c']);
    expect(asked).toEqual([]);
    await cached.getSummaries(['b']);
    expect(asked).toEqual([['b']]);
    expect(() => withSummaryCache(store, 0)).toThrow(RangeError);
    expect(() => withSummaryCache(store, 1.5)).toThrow(RangeError);
  });

  it('passes every other call through to the store', async () => {
    const { store } = countingStore();
    const cached = withSummaryCache(store);
    const article = makeArticle({ id: 'x' });
    expect(await cached.putArticleIfAbsent(article)).toBe(true);
    expect(await cached.putArticleIfAbsent(article)).toBe(false);
    expect(await cached.getArticle('x')).toEqual(article);
    expect(await cached.hasArticle('x')).toBe(true);
    expect(await cached.getArticleWithCommentCount('x')).toEqual({ article, commentCount: 0 });
    expect((await cached.listArticles({ limit: 5 })).items.map((s) => s.id)).toEqual(['x']);
  });
});
