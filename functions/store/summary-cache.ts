/**
 * Article summaries kept in the container's memory, in front of an ArticleStore: a related box, a topic page and a
 * search page each read the summaries of the articles they list (one BatchGetItem), and the same articles are listed
 * again and again. An article is written once (a conditional put) and never changed, so a summary read once stays
 * true for as long as the container lives: nothing to invalidate. Articles not found are not remembered (one may be
 * stored a moment later). The oldest-used entries go first beyond `maxEntries` (a Map keeps insertion order, and an
 * entry read is moved to the end): a few hundred bytes each, so the default costs a few megabytes of the API's 512.
 * Home-made rather than a cache library: this is the whole of it.
 */
import type { ArticleSummary } from '../contracts/model';
import type { ArticleStore } from '../ports';

export const SUMMARY_CACHE_ENTRIES = 10_000;

export function withSummaryCache(store: ArticleStore, maxEntries: number = SUMMARY_CACHE_ENTRIES): ArticleStore {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, not ${maxEntries}`);
  const cache = new Map<string, ArticleSummary>();
  const remember = (summary: ArticleSummary) => {
    cache.delete(summary.id);
    cache.set(summary.id, summary);
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
  };
  return {
    putArticleIfAbsent: (article) => store.putArticleIfAbsent(article),
    getArticle: (id) => store.getArticle(id),
    getArticleWithCommentCount: (id) => store.getArticleWithCommentCount(id),
    hasArticle: (id) => store.hasArticle(id),
    listArticles: (query) => store.listArticles(query),
    async getSummaries(ids) {
      const found: ArticleSummary[] = [];
      const missing: string[] = [];
      for (const id of new Set(ids)) {
        const cached = cache.get(id);
        if (cached) {
          remember(cached);
          found.push(cached);
        } else {
          missing.push(id);
        }
      }
      if (missing.length > 0) {
        for (const summary of await store.getSummaries(missing)) {
          remember(summary);
          found.push(summary);
        }
      }
      return found;
    },
  };
}
