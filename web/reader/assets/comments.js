/* global document */
/**
 * The comments under an article: newest first, "No comments yet" when there are none, sign in and out
 * (sign-in-box.js), post (comment-form.js), and delete one's own (a moderator: any). Comment text only ever becomes a
 * text node (dom.js), shown with its line breaks by CSS, so markup in a comment stays text.
 */
import { commentForm } from './comment-form.js';
import { explainCommentError, signedOutError } from './comment-messages.js';
import { h } from './dom.js';
import { formatCount } from './format.js';
import { moreButton } from './load-more.js';
import { timeElement } from './meta-line.js';
// A refused token clears only the tab's copy: auth.signOut() would also leave the page for the managed logout.
import { clearSession, readSession } from './session.js';
import { signInBox } from './sign-in-box.js';

const PAGE_SIZE = 20;

/**
 * Builds the section; `start()` loads it. `auth` is null when signing in is not set up here: the comments are then
 * shown without a form. `announce` speaks in the page's status region.
 */
export function commentsSection({ api, articleId, commentCount, auth, announce, signal }) {
  let count = null;
  const countText = h('span', { class: 'comment-count' });
  const heading = h('h2', { id: 'comments-title', tabindex: '-1' }, 'Comments', countText);
  const account = h('div', { class: 'comment-account' });
  const formSlot = h('div', {});
  const list = h('ol', { class: 'comment-list', 'aria-labelledby': 'comments-title' });
  const state = h('div', { class: 'comment-state' }, h('p', { class: 'loading' }, 'Loading comments…'));
  const more = h('div', { class: 'more' });
  const section = h('section', { class: 'comments', 'aria-labelledby': 'comments-title', 'aria-busy': 'true' }, heading, account, formSlot, state, list, more);

  function setCount(value) {
    count = value;
    countText.textContent = count === null ? '' : ` (${formatCount(count)})`;
  }
  setCount(Number.isInteger(commentCount) && commentCount >= 0 ? commentCount : null);

  const session = () => (auth ? readSession() : null);

  /**
   * A button that had focus went (Delete with its comment, Sign out with the account box) or was disabled while it
   * worked, which drops focus to the page's body: a keyboard user would start again from the top. Focus goes to
   * `target` (or, gone too, the heading), unless the reader has moved it elsewhere meanwhile.
   */
  function restoreFocus(target) {
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return;
    (target?.isConnected ? target : heading).focus();
  }
  const signInButton = () => account.querySelector('button');

  /** The account box, the form and the delete buttons, for the session as it is now. */
  function showSession() {
    const current = session();
    account.replaceChildren(...(auth ? signInBox({ auth, session: current, onSignOut: signOut }) : []));
    formSlot.replaceChildren(current ? commentForm({ api, articleId, session, announce, onPosted, onSignedOut }) : '');
    for (const item of list.querySelectorAll('li.comment')) offerDelete(item);
  }

  function signOut() {
    auth.signOut();
    showSession();
    restoreFocus(signInButton());
    announce('Signed out.');
  }

  function onPosted(comment) {
    list.prepend(commentItem(comment));
    state.replaceChildren();
    setCount((count ?? 0) + 1);
    announce('Your comment was posted.');
  }

  /** The API refused the token: forget it, and say so where the form was, so that it is still read. */
  function onSignedOut(message) {
    clearSession();
    showSession();
    formSlot.replaceChildren(h('p', { class: 'notice notice-error comment-error', role: 'alert' }, message));
    restoreFocus(signInButton());
    announce(message);
  }

  function commentItem(comment) {
    const time = timeElement(comment.createdAt);
    const item = h(
      'li',
      { class: 'comment', 'data-comment-id': comment.id, 'data-author-id': comment.author.id },
      h('p', { class: 'meta comment-meta' }, h('span', { class: 'comment-author' }, comment.author.name || 'Someone'), time ? [' · ', time] : null),
      h('p', { class: 'comment-body', dir: 'auto' }, comment.body),
      h('div', { class: 'comment-actions' }),
      h('p', { class: 'comment-error', role: 'alert', hidden: true }),
    );
    offerDelete(item);
    return item;
  }

  function removeItem(item) {
    item.remove();
    setCount(Math.max(0, (count ?? 1) - 1));
    if (!list.firstElementChild) state.replaceChildren(emptyNotice());
  }

  /** A Delete button on one's own comment (a moderator's: on every comment), none otherwise. */
  function offerDelete(item) {
    const actions = item.querySelector('.comment-actions');
    const problem = item.querySelector('.comment-error');
    const current = session();
    const mine = current && current.userId === item.dataset.authorId;
    if (!current || !(mine || current.moderator)) {
      actions.replaceChildren();
      return;
    }
    const author = item.querySelector('.comment-author')?.textContent ?? '';
    const label = mine ? 'Delete your comment' : `Delete the comment by ${author}`;
    const button = h('button', { type: 'button', class: 'secondary comment-delete', 'aria-label': label }, 'Delete');
    button.addEventListener('click', async () => {
      button.disabled = true;
      problem.hidden = true;
      // Once this comment is gone, focus goes to the Delete of the one after it (or before it).
      const neighbour = () => (item.nextElementSibling ?? item.previousElementSibling)?.querySelector('.comment-delete');
      try {
        const now = session();
        if (!now) throw signedOutError();
        await api.deleteComment(articleId, item.dataset.commentId, now.accessToken);
        const next = neighbour();
        removeItem(item);
        restoreFocus(next);
        announce('The comment was deleted.');
      } catch (error) {
        const explained = explainCommentError(error, { action: 'delete' });
        const next = neighbour();
        if (explained.signedOut) {
          clearSession();
          showSession();
        }
        if (error?.kind === 'not-found') {
          // The comment goes, and a message under it would go with it: it is said above the list instead.
          removeItem(item);
          state.querySelector('.comment-gone')?.remove();
          state.prepend(h('p', { class: 'notice comment-error comment-gone', role: 'alert' }, explained.message));
        } else {
          problem.textContent = explained.message;
          problem.hidden = false;
        }
        announce(explained.message);
        button.disabled = false;
        restoreFocus(explained.signedOut ? signInButton() : button.isConnected ? button : next);
      }
    });
    actions.replaceChildren(button);
  }

  const emptyNotice = () => h('p', { class: 'notice' }, 'No comments yet. Be the first to say something.');

  /** A comment has nothing of its own to take focus (a Delete is not on every one): the item takes it. */
  const focusable = (item) => Object.assign(item, { tabIndex: -1 });

  /** Shows a page of comments and resolves to their items (null once the view is gone). */
  async function load(cursor) {
    const page = await api.listComments(articleId, { limit: PAGE_SIZE, cursor }, signal);
    if (signal?.aborted) return null;
    const items = page.items.map(commentItem);
    list.append(...items);
    // The article's count may be older than the list (its answer is cached for minutes): a complete first page is
    // the exact count, and a longer list than the count proves the count low.
    if (!cursor && !page.nextCursor) setCount(page.items.length);
    else if (count === null || count < list.children.length) setCount(list.children.length);
    state.replaceChildren(list.firstElementChild ? '' : emptyNotice());
    more.replaceChildren(page.nextCursor ? moreButton({ container: more, what: 'comments', cursor: page.nextCursor, loadPage: load, announce, signal, focusable }) : '');
    return items;
  }

  /**
   * Loads the first page. `retried`: asked for again with "Try again", whose button went with the failure notice, so
   * focus goes on to the first comment (the heading when there is none), or to the next "Try again" if this fails too.
   */
  async function start({ retried = false } = {}) {
    showSession();
    try {
      const items = await load(undefined);
      if (retried && items) restoreFocus(items[0] ? focusable(items[0]) : heading);
    } catch {
      if (signal?.aborted) return;
      const retry = h('button', { type: 'button' }, 'Try again');
      retry.addEventListener('click', () => {
        state.replaceChildren(h('p', { class: 'loading' }, 'Loading comments…'));
        void start({ retried: true });
      });
      state.replaceChildren(h('div', { class: 'notice' }, h('p', {}, 'Comments could not be loaded right now.'), retry));
      if (retried) restoreFocus(retry);
    } finally {
      section.removeAttribute('aria-busy');
    }
  }

  return { element: section, start };
}
