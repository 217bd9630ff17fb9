/**
 * What a reader is told when posting or deleting a comment failed, in plain words, and the length the API counts.
 * Pure: no DOM, so it runs in node (test/web/comments-modules.test.ts).
 */
import { formatCount, formatWait } from './format.js';

export const MAX_COMMENT_LENGTH = 2000;

/** Characters as the API counts them: code points, so an emoji is one. */
export function commentLength(text) {
  return [...text].length;
}

/** "1,234 / 2,000 characters". */
export function lengthHint(length) {
  return `${formatCount(length)} / ${formatCount(MAX_COMMENT_LENGTH)} characters`;
}

/** `signedOut` asks the caller to forget the session. */
export function explainCommentError(error, { action = 'post', length = 0 } = {}) {
  const verb = action === 'post' ? 'posted' : 'deleted';
  switch (error?.code) {
    case 'comment_too_long':
      return { message: `Your comment is too long: ${formatCount(length)} characters, and the limit is ${formatCount(MAX_COMMENT_LENGTH)}. Shorten it and post again.` };
    case 'comment_empty':
      return { message: 'Your comment is empty. Write something first.' };
    case 'rate_limited': {
      const wait = error.retryAfter ? ` Try again in ${formatWait(error.retryAfter)}.` : ' Try again in a moment.';
      return { message: `You are commenting too fast.${wait}` };
    }
    case 'unauthorized':
      return { message: `You are signed out, so your comment was not ${verb}. Sign in again to go on.`, signedOut: true };
    case 'forbidden':
      return { message: 'You can only delete your own comments.' };
    case 'invalid_body':
      return { message: `Your comment could not be ${verb}: ${error.message}` };
    default:
      break;
  }
  if (error?.kind === 'not-found') {
    return { message: action === 'post' ? 'This article is no longer available.' : 'That comment is already gone.' };
  }
  if (error?.kind === 'network') return { message: `Newsweave cannot be reached, so your comment was not ${verb}. Try again.` };
  return { message: `Your comment could not be ${verb} (${error?.status || 'error'}). Try again in a moment.` };
}

/** An error for an action tried without a session, explained like the API's own 401. */
export function signedOutError() {
  return Object.assign(new Error('signed out'), { code: 'unauthorized' });
}
