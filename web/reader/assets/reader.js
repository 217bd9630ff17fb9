/* global window, setInterval */
/**
 * The reader: Newsweave seen the way a news-aggregator app shows it, built only on the public HTTP API.
 * One view at a time in <main>, chosen by the hash route (routes.js): a list (list-view.js) or an article
 * (article-view.js, with related-box.js and comments.js). This module wires them to the one state object (store.js).
 */
import { createApi, resolveApiBase } from './api.js';
import { renderArticle } from './article-view.js';
import { createAuth, readAuthConfig } from './auth.js';
import { h } from './dom.js';
import { renderList } from './list-view.js';
import { refreshRelativeTimes } from './meta-line.js';
import { hrefFor, parseRoute } from './routes.js';
import { tabStorage } from './session.js';
import { createShell } from './shell.js';
import { installShortcuts } from './shortcuts.js';
import { createSiteHeader } from './site-header.js';
import { beginView, createReaderState } from './store.js';

const REFRESH_TIMES_MS = 30_000;

const api = createApi(resolveApiBase());
// Signing in keeps its state in the tab's storage: a tab denied it shows the comments without a way to sign in.
const authConfig = tabStorage() ? readAuthConfig() : null;
const state = createReaderState();
const app = {
  api,
  auth: authConfig ? createAuth(authConfig) : null,
  state,
  shell: createShell(),
  header: createSiteHeader({ api, state, showAgain: () => render({ focus: true }) }),
  retry: () => render({ focus: true }),
};

async function render({ focus }) {
  const signal = beginView(state);
  if (state.sourcesFailed) app.header.loadSources();
  const route = parseRoute(window.location.hash);
  app.header.syncControls(route);
  if (route.view === 'article') {
    await renderArticle(app, route, signal, focus);
  } else {
    state.listHref = hrefFor(route);
    await renderList(app, route, signal, focus);
  }
}

app.header.loadSources();
installShortcuts({ main: app.shell.main, searchInput: app.header.searchInput });
window.addEventListener('hashchange', () => void render({ focus: true }));
setInterval(refreshRelativeTimes, REFRESH_TIMES_MS);

// Back from the managed login (`?code=`): the code becomes the tab's session before the first view.
const signIn = app.auth ? await app.auth.completeSignIn() : null;
void render({ focus: false }).then(() => {
  if (signIn && !signIn.ok) {
    app.shell.main.prepend(h('p', { class: 'notice notice-error', role: 'alert' }, signIn.error));
    app.shell.announce(signIn.error);
  }
});
