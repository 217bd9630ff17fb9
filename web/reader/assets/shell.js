/* global window, document */
/**
 * The frame every view is drawn in: <main>, the document title, the busy state and the polite status region that
 * announces loading and results.
 */
import { h } from './dom.js';

export function createShell(doc = document) {
  const main = doc.getElementById('main');
  const status = doc.getElementById('status');

  const announce = (message) => {
    status.textContent = message;
  };
  const setTitle = (title) => {
    doc.title = `${title} · Newsweave`;
  };

  return {
    main,
    announce,
    setTitle,
    /** A view's heading and a region below it that changes; the heading stays put so that focus on it survives. */
    mountView(title, focus) {
      setTitle(title);
      const heading = h('h1', { id: 'view-title', tabindex: '-1' }, title);
      const region = h('div', { class: 'view-body' });
      main.replaceChildren(heading, region);
      if (focus) {
        heading.focus();
        window.scrollTo(0, 0);
      }
      return { heading, region };
    },
    setBusy(region, message) {
      main.setAttribute('aria-busy', 'true');
      region.replaceChildren(h('p', { class: 'loading' }, message));
      announce(message);
    },
    setIdle() {
      main.removeAttribute('aria-busy');
    },
  };
}
