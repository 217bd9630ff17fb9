/**
 * Where the reader was in an article when the page went away (web/reader/assets/article-place.js), in node: kept for
 * the article it was taken in, read once, for 30 minutes, and nothing at all, without an exception, when the storage
 * is denied, full or holds something else.
 */
import { describe, expect, it } from '@jest/globals';
import { memoryStorage } from './memory-storage';

interface ArticlePlace {
  keep(hash: string, offset: number | null): void;
  take(hash: string): number | null;
}
const assets = new URL('../../web/reader/assets/', import.meta.url);
const { createArticlePlace }: { createArticlePlace(storage: Storage | null, keepForMs: number, now?: () => number): ArticlePlace } = await import(
  new URL('article-place.js', assets).href
);

const KEY = 'newsweave.articlePlace';
const KEEP_FOR_MS = 30 * 60_000;

function clock(start = Date.parse('2026-11-29T12:00:00Z')) {
  let time = start;
  return { now: () => time, pass: (ms: number) => void (time += ms) };
}

describe('article place', () => {
  it('gives the place back for the article it was taken in, once', () => {
    const storage = memoryStorage();
    const place = createArticlePlace(storage, KEEP_FOR_MS);
    place.keep('#/article/a1', 812.4);
    expect(place.take('#/article/a1')).toBe(812);
    expect(place.take('#/article/a1')).toBeNull();
  });

  it('keeps a place above the text (a reader still in the headline) as well as in it', () => {
    const place = createArticlePlace(memoryStorage(), KEEP_FOR_MS);
    place.keep('#/article/a1', -120);
    expect(place.take('#/article/a1')).toBe(-120);
  });

  it('gives nothing for an article left at its top, even where an older place of it was kept', () => {
    const place = createArticlePlace(memoryStorage(), KEEP_FOR_MS);
    place.keep('#/article/a1', 600);
    place.keep('#/article/a1', null);
    expect(place.take('#/article/a1')).toBeNull();
  });

  it('gives nothing for another article, and forgets what it had', () => {
    const storage = memoryStorage();
    const place = createArticlePlace(storage, KEEP_FOR_MS);
    place.keep('#/article/a1', 300);
    expect(place.take('#/article/a2')).toBeNull();
    expect(storage.items.has(KEY)).toBe(false);
  });

  it('gives nothing after 30 minutes', () => {
    const time = clock();
    const place = createArticlePlace(memoryStorage(), KEEP_FOR_MS, time.now);
    place.keep('#/article/a1', 300);
    time.pass(KEEP_FOR_MS + 1);
    expect(place.take('#/article/a1')).toBeNull();
  });

  it('keeps nothing, and throws nothing, where the storage is denied, full or holds something else', () => {
    expect(createArticlePlace(null, KEEP_FOR_MS).take('#/article/a1')).toBeNull();
    const full = createArticlePlace(memoryStorage(() => true), KEEP_FOR_MS);
    expect(() => full.keep('#/article/a1', 300)).not.toThrow();
    expect(full.take('#/article/a1')).toBeNull();
    for (const held of ['{not json', '"a string"', 'null', '{"hash":"#/article/a1","offset":"300","savedAt":0}']) {
      const storage = memoryStorage();
      storage.items.set(KEY, held);
      expect(createArticlePlace(storage, KEEP_FOR_MS, () => 0).take('#/article/a1')).toBeNull();
    }
  });
});
