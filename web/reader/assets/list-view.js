/**
 * The article lists: latest news, one source, one topic, search results. Newest first, paged by the API's cursor
 * ("Load more articles"), with loading, empty and error states.
 */
import { h } from './dom.js';
import { metaLine } from './meta-line.js';
import { errorNotice, explainError } from './notices.js';
import { hrefFor } from './routes.js';
import { findSource } from './store.js';

const PAGE_SIZE = 20;

/** The title, the loader and the empty-state sentence of a list route. */
async function describeList({ api, state }, route) {
  if (route.view === 'search') {
    return {
      title: `Search results for “${route.q}”`,
      load: (options, signal) => api.searchArticles(route.q, options, signal),
      empty: `No articles match “${route.q}”. Try fewer or different words.`,
    };
  }
  if (route.view === 'topic') {
    return {
      title: `Topic: ${route.topic}`,
      load: (options, signal) => api.listTopic(route.topic, options, signal),
      empty: `No articles about “${route.topic}” yet.`,
    };
  }
  if (route.source) {
    const name = (await findSource(state, route.source))?.name || route.source;
    return {
      title: `Latest from ${name}`,
      load: (options, signal) => api.listArticles({ ...options, source: route.source }, signal),
      empty: `No articles from ${name} yet.`,
    };
  }
  return {
    title: 'Latest news',
    load: (options, signal) => api.listArticles(options, signal),
    empty: 'No articles yet. They appear here as soon as the sources have been fetched.',
  };
}

export async function renderList(app, route, signal, focus) {
  const { shell } = app;
  const { title, load, empty } = await describeList(app, route);
  if (signal.aborted) return;
  const { region } = shell.mountView(title, focus);
  shell.setBusy(region, 'Loading articles…');
  let page;
  try {
    page = await load({ limit: PAGE_SIZE }, signal);
  } catch (error) {
    if (signal.aborted) return;
    shell.setIdle();
    region.replaceChildren(errorNotice(error, app.retry));
    return;
  }
  if (signal.aborted) return;
  shell.setIdle();
  if (page.items.length === 0) {
    region.replaceChildren(h('p', { class: 'notice' }, empty));
    shell.announce(empty);
    return;
  }
  const list = h('ol', { class: 'article-list', 'aria-labelledby': 'view-title' }, page.items.map(articleCard));
  const more = h('div', { class: 'more' });
  region.replaceChildren(list, more);
  shell.announce(`${page.items.length} articles shown.`);
  offerMore({ container: more, list, cursor: page.nextCursor, load, signal, announce: shell.announce });
}

/** "Load more" fetches the next page by cursor and moves focus to the first new article. */
function offerMore({ container, list, cursor, load, signal, announce }) {
  if (!cursor) {
    container.replaceChildren();
    return;
  }
  const button = h('button', { type: 'button', class: 'load-more' }, 'Load more articles');
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.textContent = 'Loading…';
    announce('Loading more articles…');
    try {
      const page = await load({ limit: PAGE_SIZE, cursor }, signal);
      if (signal.aborted) return;
      const cards = page.items.map(articleCard);
      list.append(...cards);
      announce(`${cards.length} more articles shown.`);
      offerMore({ container, list, cursor: page.nextCursor, load, signal, announce });
      cards[0]?.querySelector('a')?.focus();
    } catch (error) {
      if (signal.aborted) return;
      const { title } = explainError(error);
      container.replaceChildren(h('p', { class: 'notice notice-error', role: 'alert' }, `${title} More articles could not be loaded.`), button);
      button.disabled = false;
      button.textContent = 'Try again';
    }
  });
  container.replaceChildren(button);
}

function articleCard(item) {
  return h(
    'li',
    {},
    h(
      'article',
      { class: 'card' },
      h('h2', { class: 'card-title', dir: 'auto' }, h('a', { href: hrefFor({ view: 'article', id: item.id }) }, item.title || 'Untitled')),
      metaLine(item),
      item.summary ? h('p', { class: 'summary', dir: 'auto' }, item.summary) : null,
    ),
  );
}
