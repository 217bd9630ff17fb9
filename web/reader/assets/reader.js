/* global window, performance, setInterval */
/**
 * The reader: Newsweave seen the way a news-aggregator app shows it, built only on the public HTTP API.
 * One view at a time in <main>, chosen by the hash route (routes.js): a list (list-view.js) or an article
 * (article-view.js, with related-box.js and comments.js). This module wires them to the one state object (store.js),
 * and keeps a list as the reader leaves it, for their way back to it (list-memory.js).
 */
import { createApi, resolveApiBase } from './api.js';
import { createArticlePlace } from './article-place.js';
import { readingOffset, renderArticle } from './article-view.js';
import { createAuth, readAuthConfig } from './auth.js';
import { h } from './dom.js';
import { createListMemory, KEEP_FOR_MS } from './list-memory.js';
import { renderList } from './list-view.js';
import { refreshRelativeTimes } from './meta-line.js';
import { hrefFor, parseRoute } from './routes.js';
import { tabStorage } from './session.js';
import { createShell } from './shell.js';
import { installShortcuts } from './shortcuts.js';
import { createSiteHeader } from './site-header.js';
import { beginView, createReaderState } from './store.js';

const REFRESH_TIMES_MS = 30_000;

// The reader puts every view where it belongs itself: a list it goes back to where it was left (list-memory.js), a
// list loaded afresh (a reload among them) at the top, an article opened at the top and one that comes back with the
// page (a reload, Back from another page) where it was being read (article-place.js). The browser's own restoring
// would scroll a reloaded list to where the old one was, once the page finishes loading after the new list is shown;
// for an article, whose text arrives after the page has loaded, it comes too late.
window.history.scrollRestoration = 'manual';

const storage = tabStorage();
const api = createApi(resolveApiBase());
// Signing in keeps its state in the tab's storage: a tab denied it shows the comments without a way to sign in.
const authConfig = storage ? readAuthConfig() : null;
const state = createReaderState();
const lists = createListMemory(storage);
const articlePlace = createArticlePlace(storage, KEEP_FOR_MS);
const app = {
  api,
  auth: authConfig ? createAuth(authConfig) : null,
  state,
  shell: createShell(),
  header: createSiteHeader({ api, state, showAgain: () => render({ focus: true }) }),
  retry: () => render({ focus: true }),
  /** The list on screen from its first page again, saying why: the API refused the cursor it was kept with. */
  startOver: (note) => renderListAfresh({ note }),
};

/** Keeps the list on screen, if one is, as it is being left; `openedId` is the article it is left for. */
function keepListOnScreen(openedId, scrollY) {
  if (state.list) lists.remember(state.list.href, { items: state.list.items, cursor: state.list.cursor, scrollY, openedId });
}

/**
 * Renders the view the hash route names. `arriving` is true where the reader may be going back to a list (a hash
 * change, the page's load from the history), false where they asked for it afresh (a reload, Try again, a search
 * submitted again). `note` is said above a list that starts from the top again unasked.
 */
async function render({ focus, arriving = false, note = null, place = null }) {
  const route = parseRoute(window.location.hash);
  const href = hrefFor(route);
  const { leaving } = state;
  state.leaving = null;
  keepListOnScreen(route.view === 'article' ? route.id : null, leaving?.hash === window.location.hash ? leaving.scrollY : window.scrollY);
  // Back to a list: Back or Forward to an entry it was shown in (marked below), or its "Back to the articles" link.
  const returning = arriving && (state.returningTo === href || window.history.state?.newsweaveList === href);
  state.returningTo = null;
  const signal = beginView(state);
  if (state.sourcesFailed) app.header.loadSources();
  app.header.syncControls(route);
  if (route.view === 'article') {
    await renderArticle(app, route, signal, focus, { place });
  } else {
    state.listHref = href;
    markHistoryEntry(href);
    await renderList(app, route, signal, { focus, kept: returning ? lists.recall(href) : null, note });
  }
}

/** The list on screen from its first page, what was kept of it forgotten; `note` says why, if the reader did not ask. */
function renderListAfresh({ note = null } = {}) {
  if (state.list) lists.forget(state.list.href);
  state.list = null;
  return render({ focus: true, note });
}

function markHistoryEntry(href) {
  try {
    window.history.replaceState({ newsweaveList: href }, '');
  } catch {
    // Safari refuses more than 100 calls in 30 s: the entry stays unmarked, and Back to it loads the list afresh.
  }
}

app.header.loadSources();
installShortcuts({ main: app.shell.main, searchInput: app.header.searchInput });
// The list's place is taken at `popstate`, before anything moves the page: a browser that restores scroll itself (one
// that ignores `scrollRestoration`) scrolls to the entry it goes to between `popstate` and `hashchange`.
window.addEventListener('popstate', () => {
  state.leaving = { hash: window.location.hash, scrollY: window.scrollY };
});
window.addEventListener('hashchange', () => void render({ focus: true, arriving: true }));
setInterval(refreshRelativeTimes, REFRESH_TIMES_MS);

// Leaving the page (the operator page, another site, a reload): the list on screen is kept for a Back to it. There is
// no `unload` handler, which would keep the page out of the back-forward cache.
window.addEventListener('pagehide', () => {
  state.hiddenAt = Date.now();
  keepListOnScreen(null, window.scrollY);
  // At the top of an article too, so that an older place of it is not taken for this one.
  if (parseRoute(window.location.hash).view === 'article') articlePlace.keep(window.location.hash, readingOffset());
});
window.addEventListener('pageshow', (event) => {
  if (!event.persisted) return;
  // Back from the back-forward cache as it was left: the times move on, and a list left too long ago starts over.
  refreshRelativeTimes();
  if (state.list && Date.now() - state.hiddenAt > KEEP_FOR_MS) void renderListAfresh();
});

// Back from the managed login (`?code=`): the code becomes the tab's session before the first view.
const signIn = app.auth ? await app.auth.completeSignIn() : null;
// A reload asks for the news afresh; a page loaded from the history (Back to it from another page) may go back to a list.
// Either comes back to an article where it was being read.
const navigation = performance.getEntriesByType('navigation')[0]?.type;
const reloaded = navigation === 'reload';
const place = reloaded || navigation === 'back_forward' ? articlePlace.take(window.location.hash) : null;
void render({ focus: false, arriving: !reloaded, place }).then(() => {
  if (signIn && !signIn.ok) {
    app.shell.main.prepend(h('p', { class: 'notice notice-error', role: 'alert' }, signIn.error));
    app.shell.announce(signIn.error);
  }
});
