/* global window */
/**
 * The comments under an article: newest first, "No comments yet" when there are none, sign in and out, post, and
 * delete one's own (a moderator: any). Comment text only ever becomes a text node (dom.js), shown with its line
 * breaks by CSS, so markup in a comment stays text. Errors are said plainly next to the form.
 */
import { h } from './dom.js';
import { absoluteTime, relativeTime } from './format.js';
// A refused token clears only the tab's copy: auth.signOut() would also leave the page for the managed logout.
import { clearSession, readSession } from './session.js';

export const MAX_COMMENT_LENGTH = 2000;
const PAGE_SIZE = 20;
const numbers = new Intl.NumberFormat('en');

/** Characters as the API counts them: code points, so an emoji is one. */
export function commentLength(text) {
  return [...text].length;
}

/** What to tell the reader when posting or deleting failed. `signedOut` asks the caller to forget the session. */
export function explainCommentError(error, { action = 'post', length = 0 } = {}) {
  const verb = action === 'post' ? 'posted' : 'deleted';
  switch (error?.code) {
    case 'comment_too_long':
      return { message: `Your comment is too long: ${numbers.format(length)} characters, and the limit is ${numbers.format(MAX_COMMENT_LENGTH)}. Shorten it and post again.` };
    case 'comment_empty':
      return { message: 'Your comment is empty. Write something first.' };
    case 'rate_limited': {
      const wait = error.retryAfter ? ` Try again in ${waitText(error.retryAfter)}.` : ' Try again in a moment.';
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

function waitText(seconds) {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 90 ? `${minutes} minutes` : `${Math.ceil(minutes / 60)} hours`;
}

/**
 * Builds the section and starts loading it. `auth` is null when signing in is not set up here: the comments are
 * then shown without a form. `announce` speaks in the page's status region.
 */
export function commentsSection({ api, articleId, commentCount, auth, announce, signal }) {
  let count = Number.isInteger(commentCount) && commentCount >= 0 ? commentCount : null;
  const countText = h('span', { class: 'comment-count' });
  const heading = h('h2', { id: 'comments-title' }, 'Comments', countText);
  const account = h('div', { class: 'comment-account' });
  const formSlot = h('div', {});
  const list = h('ol', { class: 'comment-list', 'aria-labelledby': 'comments-title' });
  const state = h('div', { class: 'comment-state' }, h('p', { class: 'loading' }, 'Loading comments…'));
  const more = h('div', { class: 'more' });
  const section = h('section', { class: 'comments', 'aria-labelledby': 'comments-title', 'aria-busy': 'true' }, heading, account, formSlot, state, list, more);

  function setCount(value) {
    count = value;
    countText.textContent = count === null ? '' : ` (${numbers.format(count)})`;
  }
  setCount(count);

  const session = () => (auth ? readSession() : null);

  function renderAccount() {
    const current = session();
    if (!auth) {
      account.replaceChildren();
      formSlot.replaceChildren();
      return;
    }
    if (current) {
      account.replaceChildren(
        h('p', {}, 'Signed in as ', h('strong', { class: 'comment-user' }, current.name), current.moderator ? ' (moderator)' : ''),
        h('button', { type: 'button', class: 'secondary', onclick: () => { auth.signOut(); renderAccount(); refreshDeleteButtons(); announce('Signed out.'); } }, 'Sign out'),
      );
      formSlot.replaceChildren(commentForm());
    } else {
      account.replaceChildren(
        h('p', {}, 'Sign in to join the conversation.'),
        h('button', { type: 'button', onclick: () => auth.signIn(window.location.hash) }, 'Sign in to comment'),
      );
      formSlot.replaceChildren();
    }
  }

  function commentForm() {
    const textarea = h('textarea', { id: 'comment-body', name: 'body', rows: '4', 'aria-describedby': 'comment-hint' });
    const hint = h('p', { class: 'comment-hint', id: 'comment-hint' }, `0 / ${numbers.format(MAX_COMMENT_LENGTH)} characters`);
    const problem = h('p', { class: 'notice notice-error comment-error', role: 'alert', hidden: true });
    const button = h('button', { type: 'submit' }, 'Post comment');
    textarea.addEventListener('input', () => {
      const length = commentLength(textarea.value);
      hint.textContent = `${numbers.format(length)} / ${numbers.format(MAX_COMMENT_LENGTH)} characters`;
      hint.classList.toggle('over', length > MAX_COMMENT_LENGTH);
    });
    const form = h('form', { class: 'comment-form' }, h('label', { for: 'comment-body' }, 'Your comment'), textarea, hint, problem, button);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const current = session();
      problem.hidden = true;
      if (!current) {
        showProblem(problem, explainCommentError({ code: 'unauthorized' }).message);
        renderAccount();
        return;
      }
      button.disabled = true;
      button.textContent = 'Posting…';
      try {
        const comment = await api.postComment(articleId, textarea.value, current.accessToken);
        textarea.value = '';
        textarea.dispatchEvent(new window.Event('input'));
        list.prepend(commentItem(comment));
        state.replaceChildren();
        setCount((count ?? 0) + 1);
        announce('Your comment was posted.');
      } catch (error) {
        const explained = explainCommentError(error, { action: 'post', length: commentLength(textarea.value) });
        if (explained.signedOut) {
          clearSession();
          renderAccount();
          refreshDeleteButtons();
        }
        // After a sign-out the form is gone: the message goes where the form was, so it is still read.
        showProblem(formSlot.contains(problem) ? problem : placeNotice(), explained.message);
      } finally {
        button.disabled = false;
        button.textContent = 'Post comment';
      }
    });
    return form;
  }

  function placeNotice() {
    const notice = h('p', { class: 'notice notice-error comment-error', role: 'alert' });
    formSlot.replaceChildren(notice);
    return notice;
  }

  function showProblem(element, message) {
    element.textContent = message;
    element.hidden = false;
    announce(message);
  }

  function commentItem(comment) {
    const time = relativeTime(comment.createdAt);
    const item = h(
      'li',
      { class: 'comment', 'data-comment-id': comment.id, 'data-author-id': comment.author.id },
      h(
        'p',
        { class: 'meta comment-meta' },
        h('span', { class: 'comment-author' }, comment.author.name || 'Someone'),
        time ? [' · ', h('time', { datetime: comment.createdAt, title: absoluteTime(comment.createdAt), 'data-relative': true }, time)] : null,
      ),
      h('p', { class: 'comment-body' }, comment.body),
      h('div', { class: 'comment-actions' }),
    );
    refreshDeleteButton(item);
    return item;
  }

  function refreshDeleteButtons() {
    for (const item of list.querySelectorAll('li.comment')) refreshDeleteButton(item);
  }

  function refreshDeleteButton(item) {
    const actions = item.querySelector('.comment-actions');
    const current = session();
    const mine = current && current.userId === item.dataset.authorId;
    if (!current || !(mine || current.moderator)) {
      actions.replaceChildren();
      return;
    }
    const author = item.querySelector('.comment-author')?.textContent ?? '';
    const button = h('button', { type: 'button', class: 'secondary comment-delete', 'aria-label': mine ? 'Delete your comment' : `Delete the comment by ${author}` }, 'Delete');
    const problem = h('p', { class: 'comment-error', role: 'alert', hidden: true });
    button.addEventListener('click', async () => {
      const now = session();
      button.disabled = true;
      try {
        if (!now) throw Object.assign(new Error('signed out'), { code: 'unauthorized' });
        await api.deleteComment(articleId, item.dataset.commentId, now.accessToken);
        item.remove();
        setCount(Math.max(0, (count ?? 1) - 1));
        if (!list.firstElementChild) state.replaceChildren(emptyNotice());
        announce('The comment was deleted.');
      } catch (error) {
        const explained = explainCommentError(error, { action: 'delete' });
        if (explained.signedOut) {
          clearSession();
          renderAccount();
        }
        if (error?.kind === 'not-found') {
          item.remove();
          setCount(Math.max(0, (count ?? 1) - 1));
        }
        showProblem(problem, explained.message);
        button.disabled = false;
      }
    });
    actions.replaceChildren(button, problem);
  }

  const emptyNotice = () => h('p', { class: 'notice' }, 'No comments yet. Be the first to say something.');

  async function load(cursor) {
    const page = await api.listComments(articleId, { limit: PAGE_SIZE, cursor }, signal);
    if (signal?.aborted) return;
    list.append(...page.items.map(commentItem));
    // The article's count may be older than the list (its answer is cached for minutes): a complete first page is
    // the exact count, and a longer list than the count proves the count low.
    if (!cursor && !page.nextCursor) setCount(page.items.length);
    else if (count === null || count < list.children.length) setCount(list.children.length);
    state.replaceChildren(list.firstElementChild ? '' : emptyNotice());
    if (page.nextCursor) {
      const button = h('button', { type: 'button', class: 'load-more' }, 'Load more comments');
      button.addEventListener('click', async () => {
        button.disabled = true;
        try {
          await load(page.nextCursor);
        } catch {
          button.disabled = false;
          button.textContent = 'Try again';
        }
      });
      more.replaceChildren(button);
    } else {
      more.replaceChildren();
    }
  }

  async function start() {
    renderAccount();
    try {
      await load(undefined);
    } catch {
      if (signal?.aborted) return;
      const retry = h('button', { type: 'button' }, 'Try again');
      retry.addEventListener('click', () => {
        state.replaceChildren(h('p', { class: 'loading' }, 'Loading comments…'));
        void start();
      });
      state.replaceChildren(h('div', { class: 'notice' }, h('p', {}, 'Comments could not be loaded right now.'), retry));
    } finally {
      section.removeAttribute('aria-busy');
    }
  }

  return { element: section, start };
}
