/**
 * Delete a comment: its author or a moderator may; then it is uncounted. As with posting, a failed count leaves
 * the comment deleted, and the miss is logged and counted for a recount.
 */
import { mayDeleteComment } from '../comments/authorize';
import type { User } from '../contracts/model';
import type { CommentStore } from '../ports';
import type { Telemetry } from '../shared/telemetry';
import { reportCountFailure } from './post-comment';

export interface DeleteCommentDeps {
  readonly comments: CommentStore;
  readonly telemetry: Telemetry;
}

export type DeleteOutcome = 'deleted' | 'not-found' | 'forbidden';

export async function deleteComment(
  input: { readonly articleId: string; readonly commentId: string; readonly user: User },
  deps: DeleteCommentDeps,
): Promise<DeleteOutcome> {
  const comment = await deps.comments.getComment(input.articleId, input.commentId);
  if (!comment) return 'not-found';
  if (!mayDeleteComment(input.user, comment)) return 'forbidden';
  // Two deletes racing: the one whose conditional delete lost answers as if the comment had never been there (unless
  // the SDK retried it: then its own lost attempt may be what deleted it, and the store says so).
  if (!(await deps.comments.deleteComment(comment.articleId, comment.id))) return 'not-found';
  deps.telemetry.count(input.user.id === comment.author.id ? 'CommentsDeleted' : 'CommentsModerated');
  try {
    await deps.comments.countComment(comment.articleId, comment.id, -1);
  } catch (error) {
    reportCountFailure(deps.telemetry, comment, -1, error);
  }
  return 'deleted';
}
