/**
 * Articles and sources in memory, for the replay script (scripts/replay-related.ts) and unit tests: the same ports
 * as the DynamoDB stores, over maps. Not used by the Lambda functions or the local stack.
 */
import type { Article, ArticleSummary } from '../contracts/model';
import type { ArticleStore, ArticleWithCommentCount, ListArticlesQuery, Page } from '../ports';

export class MemoryArticleStore implements ArticleStore {
  readonly articles = new Map<string, Article>();
  readonly sourceCounts = new Map<string, number>();

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
    return article ? { article, commentCount: 0 } : null;
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

  async listArticles(query: ListArticlesQuery): Promise<Page<ArticleSummary>> {
    const all = [...this.articles.values()]
      .filter((article) => !query.sourceId || article.source.id === query.sourceId)
      .sort((a, b) => b.publishedAt.localeCompare(a.publishedAt) || b.id.localeCompare(a.id));
    return { items: all.slice(0, query.limit).map(summaryOf), nextCursor: null };
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
