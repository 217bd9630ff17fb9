/**
 * What a reader is told when the API fails: an unreachable API apart from a server in trouble, and a "Try again".
 */
import { h } from './dom.js';
import { formatWait } from './format.js';

/** A Retry-After longer than this is not believed: the reader is told to try again later, without a number. */
const MAX_BELIEVED_WAIT_SECONDS = 3600;

/** A title and a sentence for an ApiError (api.js), by its kind. */
export function explainError(error) {
  // Too many requests reached the API (its rate limit or API Gateway's throttling): not the reader's fault.
  if (error?.status === 429) {
    const wait = error.retryAfter;
    const sane = Number.isInteger(wait) && wait > 0 && wait <= MAX_BELIEVED_WAIT_SECONDS;
    return {
      title: `Newsweave is busy: try again in ${sane ? formatWait(wait) : 'a moment'}.`,
      detail: 'It is answering too many requests right now.',
    };
  }
  switch (error?.kind) {
    case 'network':
      return { title: 'Newsweave cannot be reached.', detail: `${error.message} Check your connection, then try again.` };
    case 'server':
      return {
        title: 'Newsweave is having trouble.',
        detail: `The server answered with an error${error.status ? ` (${error.status})` : ''}. Please try again in a moment.`,
      };
    case 'client':
    case 'not-found':
      return { title: 'That request was refused.', detail: error.message || 'The server did not accept it.' };
    default:
      return { title: 'Something went wrong.', detail: 'Please try again.' };
  }
}

export function errorNotice(error, retry) {
  const { title, detail } = explainError(error);
  return h(
    'div',
    { class: 'notice notice-error', role: 'alert' },
    h('p', { class: 'notice-title' }, title),
    h('p', {}, detail),
    h('button', { type: 'button', onclick: retry }, 'Try again'),
  );
}
