/**
 * A handler over in-memory ports holding a small, known world: 25 articles from two sources (newest is
 * `article-0000000000`), topics on some of them, a related list with the article itself in it, and two sources.
 */
import { MemoryArticleStore } from '../../functions/store/memory-article-store';
import { createApiHandler } from '../../functions/api/create-api-handler';
import type { RateWindow } from '../../functions/comments/rate-limit';
import type { Article, Comment } from '../../functions/contracts/model';
import { ADA, BOB } from './events';
import { makeArticle } from '../support/articles';
import { FakeCommentStore, FakeRateLimiter, FakeRelatedQueries, FakeSourceStore, makeSource, recordingTelemetry } from './fakes';

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
              { term: 'elect', weight: 0.4, kind: 'keyword', label: 'elections' },
            ]
          : [],
    }),
  );
}

/** Ids of the fixture's comments on article 0, oldest first: two by Ada, then one by Bob. */
export const COMMENT_IDS = ['01JDR3V9Q4X8K2M6N7P0S5T1W1', '01JDR3V9Q4X8K2M6N7P0S5T1W2', '01JDR3V9Q4X8K2M6N7P0S5T1W3'] as const;

export function sampleComments(): Comment[] {
  return COMMENT_IDS.map((id, n) => {
    const user = n < 2 ? ADA : BOB;
    return {
      id,
      articleId: articleId(0),
      author: { id: user.sub, name: user.username },
      body: `Comment ${n}`,
      createdAt: new Date(Date.UTC(2026, 10, 20, 13, n)).toISOString(),
    };
  });
}

export interface FixtureOptions {
  readonly rateLimits?: readonly RateWindow[];
  readonly now?: () => Date;
  readonly originSecret?: string;
}

export function apiFixture(options: FixtureOptions = {}) {
  const articles = new MemoryArticleStore(sampleArticles());
  const related = new FakeRelatedQueries(articles);
  const sources = new FakeSourceStore([
    makeSource({ sourceId: 'the-hindu', name: 'The Hindu', schedule: 'rate(10 minutes)' }),
    // Written without a schedule, as a record from before the fetcher wrote one, or one put by hand, may be.
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
  const comments = new FakeCommentStore(articles);
  for (const comment of sampleComments()) comments.comments.set(comment.id, comment);
  articles.commentCounts.set(articleId(0), COMMENT_IDS.length);
  const rateLimiter = new FakeRateLimiter();
  const telemetry = recordingTelemetry();
  const handler = createApiHandler({ articles, sources, related, comments, rateLimiter, telemetry, ...options });
  return { handler, articles, related, sources, comments, rateLimiter, telemetry };
}
