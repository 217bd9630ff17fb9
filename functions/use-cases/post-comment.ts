/**
 * Post a comment: the article must exist, the user must be within their rate, then the comment is stored and
 * counted. The count is a second write (no transaction: see docs/table-design.md, "Comments"): if it fails the comment
 * stays, is answered as posted, and the miss is logged and counted (CommentCountFailed) for an operator's recount.
 */
import { newCommentId } from '../comments/comment-id';
import { currentSlots, retryAfterSeconds, type RateWindow } from '../comments/rate-limit';
import type { Comment, User } from '../contracts/model';
import type { ArticleStore, CommentStore, RateLimiter } from '../ports';
import type { Telemetry } from '../shared/telemetry';

export interface CommentDeps {
  readonly articles: ArticleStore;
  readonly comments: CommentStore;
  readonly rateLimiter: RateLimiter;
  readonly telemetry: Telemetry;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** @default COMMENT_RATE_LIMITS */
  readonly rateLimits?: readonly RateWindow[];
}

export interface NewComment {
  readonly articleId: string;
  readonly user: User;
  /** Already checked (functions/comments/comment-body.ts). */
  readonly body: string;
}

export type PostOutcome =
  | { readonly kind: 'posted'; readonly comment: Comment }
  | { readonly kind: 'article-not-found' }
  | { readonly kind: 'rate-limited'; readonly window: RateWindow['name']; readonly retryAfterSeconds: number };

export async function postComment(input: NewComment, deps: CommentDeps): Promise<PostOutcome> {
  const now = deps.now?.() ?? new Date();
  // The article first: a post under a wrong id uses none of the user's rate.
  if (!(await deps.articles.hasArticle(input.articleId))) return { kind: 'article-not-found' };

  const decision = await deps.rateLimiter.take(input.user.id, currentSlots(now, deps.rateLimits));
  if (!decision.allowed) {
    deps.telemetry.count('CommentsRateLimited', 1, { name: 'window', value: decision.slot.window.name });
    return { kind: 'rate-limited', window: decision.slot.window.name, retryAfterSeconds: retryAfterSeconds(decision.slot, now) };
  }

  const comment: Comment = {
    id: newCommentId(now),
    articleId: input.articleId,
    author: { id: input.user.id, name: input.user.name },
    body: input.body,
    createdAt: now.toISOString(),
  };
  await deps.comments.putComment(comment);
  deps.telemetry.count('CommentsPosted');
  try {
    await deps.comments.countComment(comment.articleId, comment.id, 1);
  } catch (error) {
    reportCountFailure(deps.telemetry, comment, 1, error);
  }
  return { kind: 'posted', comment };
}

export function reportCountFailure(telemetry: Telemetry, comment: Comment, delta: 1 | -1, error: unknown): void {
  telemetry.count('CommentCountFailed');
  telemetry.log.error('comment count may be wrong: recount this article', {
    articleId: comment.articleId,
    commentId: comment.id,
    delta,
    error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
  });
}
