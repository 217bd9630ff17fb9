/* global window */
/**
 * The form a signed-in reader posts with: a live character count (red past the limit) and, under it, what went
 * wrong in plain words (`role="alert"`).
 */
import { commentLength, explainCommentError, lengthHint, MAX_COMMENT_LENGTH, signedOutError } from './comment-messages.js';
import { h } from './dom.js';

/**
 * `session()` is read at each post. `onPosted(comment)` shows the new comment; `onSignedOut(message)` is called when
 * the API refused the token (or there was none): the form is then gone, and the caller says why where it was.
 */
export function commentForm({ api, articleId, session, announce, onPosted, onSignedOut }) {
  const textarea = h('textarea', { id: 'comment-body', name: 'body', rows: '4', 'aria-describedby': 'comment-hint' });
  const hint = h('p', { class: 'comment-hint', id: 'comment-hint' }, lengthHint(0));
  const problem = h('p', { class: 'notice notice-error comment-error', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit' }, 'Post comment');
  textarea.addEventListener('input', () => {
    const length = commentLength(textarea.value);
    hint.textContent = lengthHint(length);
    hint.classList.toggle('over', length > MAX_COMMENT_LENGTH);
  });
  /** Disabled while posting, the button dropped focus to the page's body: back to the text box, to write or fix. */
  const refocus = () => {
    const active = window.document.activeElement;
    if (!active || active === window.document.body) textarea.focus();
  };
  const form = h('form', { class: 'comment-form' }, h('label', { for: 'comment-body' }, 'Your comment'), textarea, hint, problem, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problem.hidden = true;
    button.disabled = true;
    button.textContent = 'Posting…';
    try {
      const current = session();
      if (!current) throw signedOutError();
      const comment = await api.postComment(articleId, textarea.value, current.accessToken);
      textarea.value = '';
      textarea.dispatchEvent(new window.Event('input'));
      onPosted(comment);
      refocus();
    } catch (error) {
      const explained = explainCommentError(error, { action: 'post', length: commentLength(textarea.value) });
      if (explained.signedOut) {
        onSignedOut(explained.message);
      } else {
        problem.textContent = explained.message;
        problem.hidden = false;
        announce(explained.message);
        refocus();
      }
    } finally {
      button.disabled = false;
      button.textContent = 'Post comment';
    }
  });
  return form;
}
