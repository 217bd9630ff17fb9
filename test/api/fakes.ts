/**
 * In-memory ports for the API's handler tests: small, but with the ports' contracts (newest first, cursors that
 * throw InvalidCursorError when forged, null for an unknown article's related list).
 */
import type { RateSlot } from '../../functions/comments/rate-limit';
import type { ArticleSummary, Comment, RelatedArticle, SourceState } from '../../functions/contracts/model';
import {
  InvalidCursorError,
  type ArticleStore,
  type CommentQuery,
  type CommentStore,
  type RateDecision,
  type RateLimiter,
  type Page,
  type SourceStore,
  type TopicQuery,
} from '../../functions/ports';
import { MemoryArticleStore } from '../../functions/store/memory-article-store';
import type { Telemetry } from '../../functions/shared/telemetry';
import type { CountMetric, TimingMetric } from '../../functions/shared/telemetry-contract';
import type { RelatedQueries } from '../../functions/use-cases/related-queries';

function newestFirst(a: ArticleSummary, b: ArticleSummary): number {
  return b.publishedAt.localeCompare(a.publishedAt) || b.id.localeCompare(a.id);
}

/** Offset cursors, signed with a prefix so that anything else is refused like a store refuses a forged cursor. */
function paginate<T>(all: readonly T[], limit: number, cursor: string | undefined): Page<T> {
  let start = 0;
  if (cursor !== undefined) {
    const match = /^off-(\d{1,6})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!match) throw new InvalidCursorError('cursor is not one this store returned');
    start = Number(match[1]);
  }
  const end = start + limit;
  return {
    items: all.slice(start, end),
    nextCursor: end < all.length ? Buffer.from(`off-${end}`, 'utf8').toString('base64url') : null,
  };
}

export class FakeSourceStore implements SourceStore {
  readonly sources = new Map<string, SourceState>();

  constructor(sources: readonly SourceState[] = []) {
    for (const source of sources) this.sources.set(source.sourceId, source);
  }

  async registerSource(): Promise<SourceState> {
    throw new Error('the API never registers sources');
  }

  async getSource(sourceId: string): Promise<SourceState | null> {
    return this.sources.get(sourceId) ?? null;
  }

  async saveFetchState(): Promise<void> {
    throw new Error('the API never writes fetch state');
  }

  async incrementArticleCount(): Promise<void> {
    throw new Error('the API never counts articles');
  }

  async recordPageError(): Promise<void> {
    throw new Error('the API never records page errors');
  }

  async listSources(): Promise<SourceState[]> {
    return [...this.sources.values()];
  }

  async recordConfiguredSources(): Promise<void> {
    throw new Error('the API never records the configuration');
  }
}

/** Related lists are set by the test; topics and search read the articles' terms and titles. */
export class FakeRelatedQueries implements RelatedQueries {
  readonly relatedLists = new Map<string, RelatedArticle[]>();
  readonly calls: { method: string; argument: string; limit: number }[] = [];

  constructor(private readonly store: MemoryArticleStore) {}

  async findRelated(articleId: string, query: { readonly limit: number }): Promise<RelatedArticle[] | null> {
    this.calls.push({ method: 'findRelated', argument: articleId, limit: query.limit });
    return this.relatedLists.get(articleId) ?? null;
  }

  async listTopic(topic: string, query: TopicQuery): Promise<Page<ArticleSummary>> {
    this.calls.push({ method: 'listTopic', argument: topic, limit: query.limit });
    const all = [...this.store.articles.values()].filter((a) => a.terms.some((t) => t.term === topic)).sort(newestFirst);
    return paginate(all, query.limit, query.cursor);
  }

  async search(words: string, query: TopicQuery): Promise<Page<ArticleSummary>> {
    this.calls.push({ method: 'search', argument: words, limit: query.limit });
    const wanted = words.toLowerCase().split(' ');
    const all = [...this.store.articles.values()]
      .filter((a) => wanted.every((word) => a.title.toLowerCase().includes(word)))
      .sort(newestFirst);
    return paginate(all, query.limit, query.cursor);
  }
}

/** Comments in memory; counts go to the article store's `commentCounts`, as the table keeps them beside comments. */
export class FakeCommentStore implements CommentStore {
  readonly comments = new Map<string, Comment>();

  constructor(private readonly store: MemoryArticleStore) {}

  async putComment(comment: Comment): Promise<void> {
    if (this.comments.has(comment.id)) throw new Error('ConditionalCheckFailed');
    this.comments.set(comment.id, comment);
  }

  async getComment(articleId: string, commentId: string): Promise<Comment | null> {
    const comment = this.comments.get(commentId);
    return comment?.articleId === articleId ? comment : null;
  }

  async deleteComment(articleId: string, commentId: string): Promise<boolean> {
    if (!(await this.getComment(articleId, commentId))) return false;
    return this.comments.delete(commentId);
  }

  async countComment(articleId: string, _commentId: string, delta: 1 | -1): Promise<void> {
    this.store.commentCounts.set(articleId, (this.store.commentCounts.get(articleId) ?? 0) + delta);
  }

  async listComments(articleId: string, query: CommentQuery): Promise<Page<Comment>> {
    const all = [...this.comments.values()].filter((c) => c.articleId === articleId).sort((a, b) => b.id.localeCompare(a.id));
    return paginate(all, query.limit, query.cursor);
  }
}

/** Counts per user and slot key, like the table's window items. */
export class FakeRateLimiter implements RateLimiter {
  readonly counts = new Map<string, number>();

  async take(userId: string, slots: readonly RateSlot[]): Promise<RateDecision> {
    // As DynamoRateLimiter: each window in turn; a refusal names a later window that is full too.
    const count = (slot: RateSlot) => this.counts.get(`${userId}/${slot.key}`) ?? 0;
    for (const [at, slot] of slots.entries()) {
      if (count(slot) >= slot.window.max) {
        return { allowed: false, slot: slots.slice(at + 1).reduce((named, later) => (count(later) >= later.window.max ? later : named), slot) };
      }
      this.counts.set(`${userId}/${slot.key}`, count(slot) + 1);
    }
    return { allowed: true };
  }
}

export interface RecordingTelemetry extends Telemetry {
  readonly counts: { metric: CountMetric; value: number }[];
  readonly timings: { metric: TimingMetric; milliseconds: number }[];
  readonly logs: { level: string; message: string; extra?: Record<string, unknown> }[];
}

export function recordingTelemetry(): RecordingTelemetry {
  const counts: RecordingTelemetry['counts'] = [];
  const timings: RecordingTelemetry['timings'] = [];
  const logs: RecordingTelemetry['logs'] = [];
  const at = (level: string) => (message: string, extra?: Record<string, unknown>) => void logs.push({ level, message, extra });
  return {
    counts,
    timings,
    logs,
    log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    count: (metric, value = 1) => void counts.push({ metric, value }),
    timing: (metric, milliseconds) => void timings.push({ metric, milliseconds }),
    gauge: () => {},
  };
}

export function makeSource(overrides: Partial<SourceState> & { sourceId: string }): SourceState {
  return {
    name: `Source ${overrides.sourceId}`,
    url: `https://${overrides.sourceId}.example.com/feed.xml`,
    schedule: null,
    lastFetchedAt: '2026-11-20T10:00:00.000Z',
    lastSuccessAt: '2026-11-20T10:00:00.000Z',
    lastError: null,
    lastErrorKind: null,
    errorCount: 0,
    nextAttemptAt: '2026-11-20T10:10:00.000Z',
    etag: '"abc"',
    lastModified: null,
    lastFullFetchAt: null,
    articleCount: 3,
    lastPageError: null,
    lastPageErrorAt: null,
    pageErrorCount: 0,
    ...overrides,
  };
}

/** Ports whose every method fails as a broken database would, for the 500 paths. */
export function failingPorts(error = new Error('ProvisionedThroughputExceededException: secret table detail')) {
  const fail = async (): Promise<never> => {
    throw error;
  };
  const articles: ArticleStore = {
    putArticleIfAbsent: fail,
    getArticle: fail,
    getArticleWithCommentCount: fail,
    hasArticle: fail,
    getSummaries: fail,
    listArticles: fail,
  };
  const sources: SourceStore = { registerSource: fail, getSource: fail, saveFetchState: fail, incrementArticleCount: fail, recordPageError: fail, listSources: fail, recordConfiguredSources: fail };
  const related: RelatedQueries = { findRelated: fail, listTopic: fail, search: fail };
  const comments: CommentStore = { putComment: fail, getComment: fail, deleteComment: fail, countComment: fail, listComments: fail };
  const rateLimiter: RateLimiter = { take: fail };
  return { articles, sources, related, comments, rateLimiter };
}
