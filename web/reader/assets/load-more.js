/* global document */
/**
 * "Load more …" under the article list and under the comments: the next page by the API's cursor, and what the
 * reader is told and where their focus goes while it comes, once it is in, and when it fails.
 */
import { h } from './dom.js';
import { countOf } from './format.js';
import { explainError } from './notices.js';

/**
 * A "Load more <what>" button for `container`. `loadPage(cursor)` fetches and shows the next page (offering the button
 * again for the page after) and resolves to the elements it added, or null once the view is gone. Focus goes to the
 * first of them (`focusable` picks what in it takes focus); a failure says so above a "Try again" that keeps the
 * focus. The button is disabled while it works, which drops focus to the page's body: it is moved only from there,
 * never away from where the reader has put it meanwhile.
 */
export function moreButton({ container, what, cursor, loadPage, announce, signal, focusable = (element) => element }) {
  const button = h('button', { type: 'button', class: 'load-more' }, `Load more ${what}`);
  const focusIfLost = (target) => {
    const active = document.activeElement;
    if (target?.isConnected && (!active || active === document.body || !active.isConnected)) target.focus();
  };
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.textContent = 'Loading…';
    announce(`Loading more ${what}…`);
    try {
      const added = await loadPage(cursor);
      if (!added || signal?.aborted) return;
      announce(`${countOf(added.length, `more ${what}`)} shown.`);
      focusIfLost(added[0] ? focusable(added[0]) : container.querySelector('button'));
    } catch (error) {
      if (signal?.aborted) return;
      const { title } = explainError(error);
      container.replaceChildren(h('p', { class: 'notice notice-error', role: 'alert' }, `${title} More ${what} could not be loaded.`), button);
      button.disabled = false;
      button.textContent = 'Try again';
      focusIfLost(button);
    }
  });
  return button;
}
