/* global window */
/**
 * The article lists: latest news, one source, one topic, search results. Newest first, paged by the API's cursor
 * ("Load more articles"), with loading, empty and error states; shown again as the reader left them on the way back.
 */
import { h } from './dom.js';
import { countOf } from './format.js';
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

/**
 * Shows the list of `route`. `kept` is the list as the reader left it (list-memory.js), shown again instead of its
 * first page: its articles, its Load more, its place, and focus on the article they opened from it. `note` says why
 * a list starts from the top again when that is not what the reader asked for.
 */
export async function renderList(app, route, signal, { focus, kept = null, note = null }) {
  const { shell } = app;
  let described = describeList(app, route);
  const { load } = described;
  const { heading, region } = shell.mountView(described.title, focus && !kept);
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
  let page;
  if (kept) {
    page = { items: kept.items, nextCursor: kept.cursor };
  } else {
    shell.setBusy(region, 'Loading articles…');
    try {
      page = await load({ limit: PAGE_SIZE }, signal);
    } catch (error) {
      if (signal.aborted) return;
      shell.setIdle();
      region.replaceChildren(errorNotice(error, app.retry));
      return;
    }
    if (signal.aborted) return;
  }
  shell.setIdle();
  if (page.items.length === 0) {
    emptyNotice = h('p', { class: 'notice' }, described.empty);
    region.replaceChildren(emptyNotice);
    shell.announce(described.empty);
    return;
  }
  const cards = page.items.map(articleCard);
  const list = h('ol', { class: 'article-list', 'aria-labelledby': 'view-title' }, cards);
  const more = h('div', { class: 'more' });
  region.replaceChildren(...(note ? [h('p', { class: 'notice' }, note)] : []), list, more);
  shell.announce(`${note ? `${note} ` : ''}${countOf(page.items.length, 'articles')} shown.`);
  // What going back to this list will need, kept up to date as pages come in.
  const shown = { href: hrefFor(route), items: [...page.items], cursor: page.nextCursor };
  app.state.list = shown;
  // "Load more articles": the next page by cursor; focus goes to the first new article's link.
  const offerMore = (cursor) =>
    more.replaceChildren(
      cursor ? moreButton({ container: more, what: 'articles', cursor, loadPage, announce: shell.announce, signal, focusable: (card) => card.querySelector('a') }) : '',
    );
  const loadPage = async (cursor) => {
    let next;
    try {
      next = await load({ limit: PAGE_SIZE, cursor }, signal);
    } catch (error) {
      // A kept cursor the API refuses (expired, or from before a deployment): the list starts again from the top.
      if (!kept || error?.status !== 400 || signal.aborted) throw error;
      app.startOver('The list had changed, so it starts again from the newest.');
      return null;
    }
    if (signal.aborted) return null;
    const added = next.items.map(articleCard);
    list.append(...added);
    shown.items.push(...next.items);
    shown.cursor = next.nextCursor;
    offerMore(next.nextCursor);
    return added;
  };
  offerMore(page.nextCursor);
  if (kept) {
    // Back where the reader was, on the article they had opened (else the heading), without scrolling to either.
    const opened = cards[kept.items.findIndex((item) => item.id === kept.openedId)]?.querySelector('a');
    if (focus) (opened ?? heading).focus({ preventScroll: true });
    window.scrollTo(0, kept.scrollY);
  }
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
