/**
 * Articles and sources in memory, for the replay script (scripts/replay-related.ts) and unit tests: the same ports
 * as the DynamoDB stores, over maps. Not used by the Lambda functions or the local stack.
 */
import { decodeCursor, encodeCursor } from '../contracts/cursor';
import type { Article, ArticleSummary } from '../contracts/model';
import { timeSortKey } from '../contracts/table-schema';
import type { ArticleStore, ArticleWithCommentCount, ListArticlesQuery, Page } from '../ports';

export class MemoryArticleStore implements ArticleStore {
  readonly articles = new Map<string, Article>();
  readonly sourceCounts = new Map<string, number>();
  /** Comment counts by article, as the comment store keeps them beside the comments. */
  readonly commentCounts = new Map<string, number>();

  constructor(articles: readonly Article[] = []) {
    for (const article of articles) this.articles.set(article.id, article);
  }

  async putArticleIfAbsent(article: Article): Promise<boolean> {
    if (this.articles.has(article.id)) return false;
    this.articles.set(article.id, article);
    return true;
  }

  async getArticle(id: string): Promise<Article | null> {
    return this.articles.get(id) ?? null;
  }

  async getArticleWithCommentCount(id: string): Promise<ArticleWithCommentCount | null> {
    const article = this.articles.get(id);
    return article ? { article, commentCount: this.commentCounts.get(id) ?? 0 } : null;
  }

  async hasArticle(id: string): Promise<boolean> {
    return this.articles.has(id);
  }

  async getSummaries(ids: readonly string[]): Promise<ArticleSummary[]> {
    return [...new Set(ids)].flatMap((id) => {
      const article = this.articles.get(id);
      return article ? [summaryOf(article)] : [];
    });
  }

  /** Newest first, paged with the same cursors as the DynamoDB store (a forged one is an InvalidCursorError). */
  async listArticles(query: ListArticlesQuery): Promise<Page<ArticleSummary>> {
    const after = query.cursor ? decodeCursor(query.cursor).sortKey : null;
    const all = [...this.articles.values()]
      .filter((article) => !query.sourceId || article.source.id === query.sourceId)
      .map((article) => ({ article, key: timeSortKey(article.publishedAt, article.id) }))
      .filter(({ key }) => after === null || key < after)
      .sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
    const page = all.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(({ article }) => summaryOf(article)),
      nextCursor: all.length > query.limit && last ? encodeCursor({ sortKey: last.key, id: last.article.id }) : null,
    };
  }

  /** The source port's one method the storing step calls. */
  async incrementArticleCount(sourceId: string, by = 1): Promise<void> {
    this.sourceCounts.set(sourceId, (this.sourceCounts.get(sourceId) ?? 0) + by);
  }
}

const summaryOf = (article: Article): ArticleSummary => ({
  id: article.id,
  url: article.url,
  title: article.title,
  source: article.source,
  publishedAt: article.publishedAt,
  summary: article.summary,
});
