/**
 * The article lists: latest news, one source, one topic, search results. Newest first, paged by the API's cursor
 * ("Load more articles"), with loading, empty and error states.
 */
import { h } from './dom.js';
import { metaLine } from './meta-line.js';
import { moreButton } from './load-more.js';
import { errorNotice } from './notices.js';
import { hrefFor } from './routes.js';
import { findSource } from './store.js';

const PAGE_SIZE = 20;

/**
 * The title, the loader and the empty-state sentence of a list route. One source's list is named by `sourceName`
 * (its id until the sources are in).
 */
function describeList({ api }, route, sourceName = route.source) {
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
    return {
      title: `Latest from ${sourceName}`,
      load: (options, signal) => api.listArticles({ ...options, source: route.source }, signal),
      empty: `No articles from ${sourceName} yet.`,
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
  let described = describeList(app, route);
  const { load } = described;
  const { heading, region } = shell.mountView(described.title, focus);
  let emptyNotice = null;
  // The list does not wait for the sources: it is titled with the source's id, renamed once they are in (if they
  // fail, the id stays).
  if (route.source) {
    void findSource(app.state, route.source).then((source) => {
      if (signal.aborted || !source?.name) return;
      described = describeList(app, route, source.name);
      heading.textContent = described.title;
      shell.setTitle(described.title);
      emptyNotice?.replaceChildren(described.empty);
    });
  }
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
    emptyNotice = h('p', { class: 'notice' }, described.empty);
    region.replaceChildren(emptyNotice);
    shell.announce(described.empty);
    return;
  }
  const list = h('ol', { class: 'article-list', 'aria-labelledby': 'view-title' }, page.items.map(articleCard));
  const more = h('div', { class: 'more' });
  region.replaceChildren(list, more);
  shell.announce(`${page.items.length} articles shown.`);
  // "Load more articles": the next page by cursor; focus goes to the first new article's link.
  const offerMore = (cursor) =>
    more.replaceChildren(
      cursor ? moreButton({ container: more, what: 'articles', cursor, loadPage, announce: shell.announce, signal, focusable: (card) => card.querySelector('a') }) : '',
    );
  const loadPage = async (cursor) => {
    const next = await load({ limit: PAGE_SIZE, cursor }, signal);
    if (signal.aborted) return null;
    const cards = next.items.map(articleCard);
    list.append(...cards);
    offerMore(next.nextCursor);
    return cards;
  };
  offerMore(page.nextCursor);
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
