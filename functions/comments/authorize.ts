/**
 * Who may do what with comments. Reading is public and posting needs only a signed-in user; deleting is for the
 * comment's author and for moderators (the `moderators` group).
 */
import type { Comment, User } from '../contracts/model';

export function mayDeleteComment(user: User, comment: Comment): boolean {
  return user.isModerator || user.id === comment.author.id;
}
