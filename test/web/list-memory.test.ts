/**
 * What a list leaves behind for the way back to it (web/reader/assets/list-memory.js), in node: each list its own,
 * kept for 30 minutes, bounded in lists and characters, and nothing at all, without an exception, when the storage is
 * denied, full or holds something else.
 */
import { describe, expect, it } from '@jest/globals';
import { memoryStorage } from './memory-storage';

interface Item {
  id: string;
  title: string;
  summary?: string;
  publishedAt?: string;
  source?: { id: string; name: string };
  [extra: string]: unknown;
}
interface Kept {
  items: Item[];
  cursor: string | null;
  scrollY: number;
  openedId: string | null;
}
interface ListMemory {
  recall(href: string): Kept | null;
  remember(href: string, list: { items: Item[]; cursor: string | null; scrollY: number; openedId?: string | null }): void;
  forget(href: string): void;
}
interface ListMemoryModule {
  KEEP_FOR_MS: number;
  createListMemory(storage: Storage | null, now?: () => number): ListMemory;
}

const assets = new URL('../../web/reader/assets/', import.meta.url);
const { KEEP_FOR_MS, createListMemory }: ListMemoryModule = await import(new URL('list-memory.js', assets).href);

const KEY = 'newsweave.lists';

const article = (n: number, summary = `Summary ${n}`): Item => ({
  id: `article-${n}`,
  title: `Title ${n}`,
  summary,
  publishedAt: '2026-11-29T12:00:00.000Z',
  source: { id: 'harbor-times', name: 'The Harbor Times' },
});
const articles = (count: number) => Array.from({ length: count }, (_, n) => article(n));

function clock(start = Date.parse('2026-11-29T12:00:00Z')) {
  let time = start;
  return { now: () => time, pass: (ms: number) => void (time += ms) };
}

describe('list memory', () => {
  it('gives each list back as it was left: articles, cursor, scroll position and the article opened', () => {
    const memory = createListMemory(memoryStorage());
    memory.remember('#/', { items: articles(40), cursor: 'after-40', scrollY: 1234.6, openedId: 'article-13' });
    memory.remember('#/topic/strike', { items: articles(3), cursor: null, scrollY: 0 });
    expect(memory.recall('#/')).toEqual({ items: articles(40), cursor: 'after-40', scrollY: 1235, openedId: 'article-13' });
    expect(memory.recall('#/topic/strike')).toEqual({ items: articles(3), cursor: null, scrollY: 0, openedId: null });
    expect(memory.recall('#/search/tide')).toBeNull();
  });

  it('keeps what the cards show of an article, and nothing else', () => {
    const memory = createListMemory(memoryStorage());
    const full = { ...article(1), url: 'https://harbor-times.example/1', body: 'A long body', source: { id: 's', name: 'S', url: 'x' } };
    memory.remember('#/', { items: [full], cursor: null, scrollY: 0 });
    expect(memory.recall('#/')?.items).toEqual([{ ...article(1), source: { id: 's', name: 'S' } }]);
  });

  it('keeps the last state of a list, and forgets one on request', () => {
    const memory = createListMemory(memoryStorage());
    memory.remember('#/', { items: articles(20), cursor: 'a', scrollY: 10 });
    memory.remember('#/', { items: articles(40), cursor: 'b', scrollY: 20 });
    expect(memory.recall('#/')).toMatchObject({ cursor: 'b', scrollY: 20 });
    memory.forget('#/');
    expect(memory.recall('#/')).toBeNull();
  });

  it(`keeps a list for ${KEEP_FOR_MS / 60_000} minutes after it was left, and not when the clock went back`, () => {
    const time = clock();
    const memory = createListMemory(memoryStorage(), time.now);
    memory.remember('#/', { items: articles(1), cursor: null, scrollY: 0 });
    time.pass(KEEP_FOR_MS);
    expect(memory.recall('#/')).not.toBeNull();
    time.pass(1);
    expect(memory.recall('#/')).toBeNull();

    memory.remember('#/', { items: articles(1), cursor: null, scrollY: 0 });
    time.pass(-60_000);
    expect(memory.recall('#/')).toBeNull();
  });

  it('keeps six lists at most, the least recently left going first', () => {
    const memory = createListMemory(memoryStorage());
    const hrefs = Array.from({ length: 7 }, (_, n) => `#/search/word-${n}`);
    for (const href of hrefs) memory.remember(href, { items: articles(2), cursor: null, scrollY: 0 });
    expect(hrefs.map((href) => memory.recall(href) !== null)).toEqual([false, true, true, true, true, true, true]);
  });

  it('keeps a million characters at most: the oldest lists go, and a list longer than that alone is not kept', () => {
    const storage = memoryStorage();
    const memory = createListMemory(storage);
    const bulky = (n: number) => [article(n, 'x'.repeat(400_000))];
    memory.remember('#/topic/a', { items: bulky(1), cursor: null, scrollY: 0 });
    memory.remember('#/topic/b', { items: bulky(2), cursor: null, scrollY: 0 });
    memory.remember('#/topic/c', { items: bulky(3), cursor: null, scrollY: 0 });
    expect(['a', 'b', 'c'].map((topic) => memory.recall(`#/topic/${topic}`) !== null)).toEqual([false, true, true]);
    expect(storage.items.get(KEY)?.length).toBeLessThanOrEqual(1_000_000);

    memory.remember('#/topic/b', { items: [article(4, 'x'.repeat(1_000_000))], cursor: null, scrollY: 0 });
    expect(memory.recall('#/topic/b')).toBeNull();
    expect(memory.recall('#/topic/c')).not.toBeNull();
  });

  it('drops the oldest lists when the storage is full, and keeps nothing when even one does not fit', () => {
    const roomFor = (chars: number) => memoryStorage((_key, value) => value.length > chars);
    const storage = roomFor(2_500);
    const memory = createListMemory(storage);
    memory.remember('#/', { items: articles(10), cursor: null, scrollY: 0 });
    memory.remember('#/topic/strike', { items: articles(10), cursor: null, scrollY: 0 });
    expect(memory.recall('#/')).toBeNull();
    expect(memory.recall('#/topic/strike')).not.toBeNull();

    const full = createListMemory(memoryStorage(() => true));
    expect(() => full.remember('#/', { items: articles(10), cursor: 'c', scrollY: 5 })).not.toThrow();
    expect(full.recall('#/')).toBeNull();
  });

  it('does nothing, without an exception, when the tab has no storage or it holds something else', () => {
    const none = createListMemory(null);
    expect(() => none.remember('#/', { items: articles(2), cursor: null, scrollY: 0 })).not.toThrow();
    expect(none.recall('#/')).toBeNull();
    expect(() => none.forget('#/')).not.toThrow();

    const storage = memoryStorage();
    const memory = createListMemory(storage);
    const now = Date.now();
    for (const stored of [
      'not json',
      '{"#/":1}',
      JSON.stringify([{ href: '#/', items: [{ id: '', title: 'No id' }], cursor: null, scrollY: 0, openedId: null, savedAt: now }]),
      JSON.stringify([{ href: '#/', items: [], cursor: '', scrollY: 0, openedId: null, savedAt: now }]),
      JSON.stringify([{ href: '#/', items: [], cursor: null, scrollY: -5, openedId: null, savedAt: now }]),
      JSON.stringify([{ href: '#/', items: [], cursor: null, scrollY: 0, openedId: null }]),
    ]) {
      storage.setItem(KEY, stored);
      expect(memory.recall('#/')).toBeNull();
    }
    memory.remember('#/', { items: articles(1), cursor: null, scrollY: 0 });
    expect(memory.recall('#/')).not.toBeNull();
  });
});
