/**
 * A handler over in-memory ports holding a small, known world: 25 articles from two sources (newest is
 * `article-0000000000`), topics on some of them, a related list with the article itself in it, and two sources.
 */
import { createApiHandler } from '../../functions/api/create-api-handler';
import type { Article } from '../../functions/model';
import { makeArticle } from '../support/articles';
import { FakeArticleStore, FakeRelatedIndex, FakeSourceStore, makeSource, recordingTelemetry } from './fakes';

export const ARTICLE_COUNT = 25;

/** 22 characters, like the fetch stage's ids. */
export function articleId(n: number): string {
  return `article-${String(n).padStart(10, '0')}xyz`;
}

export function sampleArticles(): Article[] {
  return Array.from({ length: ARTICLE_COUNT }, (_, n) =>
    makeArticle({
      id: articleId(n),
      title: n % 5 === 0 ? `Election results ${n}` : `Harbour news ${n}`,
      source: n % 2 === 0 ? { id: 'the-hindu', name: 'The Hindu' } : { id: 'bbc-news', name: 'BBC News' },
      publishedAt: new Date(Date.UTC(2026, 10, 20, 12) - n * 60_000).toISOString(),
      terms:
        n % 3 === 0
          ? [
              { term: 'vladimir putin', weight: 0.9, kind: 'entity', label: 'Vladimir Putin' },
              { term: 'election', weight: 0.4, kind: 'keyword' },
            ]
          : [],
    }),
  );
}

export function apiFixture() {
  const articles = new FakeArticleStore(sampleArticles());
  const related = new FakeRelatedIndex(articles);
  const sources = new FakeSourceStore([
    makeSource({ sourceId: 'the-hindu', name: 'The Hindu' }),
    makeSource({
      sourceId: 'bbc-news',
      name: 'BBC News',
      lastError: 'HTTP 503 from the feed',
      lastErrorKind: 'http-503',
      errorCount: 2,
      lastSuccessAt: null,
    }),
  ]);
  const first = articles.articles.get(articleId(0));
  const second = articles.articles.get(articleId(1));
  const third = articles.articles.get(articleId(2));
  if (!first || !second || !third) throw new Error('fixture articles missing');
  related.relatedLists.set(articleId(0), [
    { ...second, score: 0.8, reasons: ['Vladimir Putin', 'election'] },
    { ...first, score: 0.99, reasons: ['itself'] },
    { ...third, score: 0.5, reasons: ['election'] },
  ]);
  const telemetry = recordingTelemetry();
  const handler = createApiHandler({ articles, sources, related, telemetry });
  return { handler, articles, related, sources, telemetry };
}
