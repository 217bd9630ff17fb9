/* global window, document, AbortController, setInterval */
/**
 * The reader: Newsweave seen the way a news-aggregator app shows it, built only on the public HTTP API.
 * One view at a time in <main>, chosen by the hash route; every view has loading, empty and error states.
 */
import { createApi, resolveApiBase } from './api.js';
import { createAuth, readAuthConfig } from './auth.js';
import { commentsSection } from './comments.js';
import { h } from './dom.js';
import { absoluteTime, relativeTime, safeHttpUrl, splitParagraphs } from './format.js';
import { hrefFor, parseRoute } from './routes.js';

const PAGE_SIZE = 20;
const RELATED_LIMIT = 6;
const REFRESH_TIMES_MS = 30_000;

const api = createApi(resolveApiBase());
const authConfig = readAuthConfig();
const auth = authConfig ? createAuth(authConfig) : null;
const main = document.getElementById('main');
const status = document.getElementById('status');
const searchInput = document.getElementById('search-input');
const topicInput = document.getElementById('topic-input');
const sourceList = document.getElementById('source-list');
const topicSuggestions = document.getElementById('topic-suggestions');

const allSourcesChip = sourceList.firstElementChild;
let currentView = null;
let listHref = '#/';
let sourcesFailed = false;
let sourcesReady = loadSources();

function announce(message) {
  status.textContent = message;
}

async function render({ focus }) {
  currentView?.abort();
  const view = new AbortController();
  currentView = view;
  // A source list that failed to load (API down at start) is asked for again with the next view.
  if (sourcesFailed) sourcesReady = loadSources();
  const route = parseRoute(window.location.hash);
  syncControls(route);
  if (route.view === 'article') {
    await renderArticle(route, view.signal, focus);
  } else {
    listHref = hrefFor(route);
    await renderList(route, view.signal, focus);
  }
}

/** A view's heading and a region below it that changes; the heading stays put so that focus on it survives. */
function mountView(title, focus) {
  document.title = `${title} · Newsweave`;
  const heading = h('h1', { id: 'view-title', tabindex: '-1' }, title);
  const region = h('div', { class: 'view-body' });
  main.replaceChildren(heading, region);
  if (focus) {
    heading.focus();
    window.scrollTo(0, 0);
  }
  return { heading, region };
}

function setBusy(region, message) {
  main.setAttribute('aria-busy', 'true');
  region.replaceChildren(h('p', { class: 'loading' }, message));
  announce(message);
}

function setIdle() {
  main.removeAttribute('aria-busy');
}

async function describeList(route) {
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
    const source = (await sourcesReady)?.find((candidate) => candidate.id === route.source);
    const name = source?.name || route.source;
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

async function renderList(route, signal, focus) {
  const { title, load, empty } = await describeList(route);
  if (signal.aborted) return;
  const { region } = mountView(title, focus);
  setBusy(region, 'Loading articles…');
  let page;
  try {
    page = await load({ limit: PAGE_SIZE }, signal);
  } catch (error) {
    if (signal.aborted) return;
    setIdle();
    region.replaceChildren(errorNotice(error, () => render({ focus: true })));
    return;
  }
  if (signal.aborted) return;
  setIdle();
  if (page.items.length === 0) {
    region.replaceChildren(h('p', { class: 'notice' }, empty));
    announce(empty);
    return;
  }
  const list = h('ol', { class: 'article-list', 'aria-labelledby': 'view-title' }, page.items.map((item) => articleCard(item)));
  const more = h('div', { class: 'more' });
  region.replaceChildren(list, more);
  announce(`${page.items.length} articles shown.`);
  offerMore(more, list, page.nextCursor, load, signal);
}

/** "Load more" fetches the next page by cursor and moves focus to the first new article. */
function offerMore(container, list, cursor, load, signal) {
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
      const cards = page.items.map((item) => articleCard(item));
      list.append(...cards);
      announce(`${cards.length} more articles shown.`);
      offerMore(container, list, page.nextCursor, load, signal);
      cards[0]?.querySelector('a')?.focus();
    } catch (error) {
      if (signal.aborted) return;
      const { title } = explain(error);
      container.replaceChildren(h('p', { class: 'notice notice-error', role: 'alert' }, `${title} More articles could not be loaded.`), button);
      button.disabled = false;
      button.textContent = 'Try again';
    }
  });
  container.replaceChildren(button);
}

async function renderArticle(route, signal, focus) {
  const back = h('a', { class: 'back', href: listHref }, '← Back to the articles');
  const region = h('div', { class: 'view-body' });
  main.replaceChildren(h('nav', { 'aria-label': 'Back' }, back), region);
  document.title = 'Loading… · Newsweave';
  setBusy(region, 'Loading the article…');
  if (focus) back.focus();

  const related = api.getRelated(route.id, { limit: RELATED_LIMIT }, signal).then(
    (items) => ({ items }),
    (error) => ({ error }),
  );
  let article;
  try {
    article = await api.getArticle(route.id, signal);
  } catch (error) {
    if (signal.aborted) return;
    setIdle();
    showArticleFailure(region, error, focus);
    return;
  }
  if (signal.aborted) return;
  setIdle();
  document.title = `${article.title} · Newsweave`;
  const relatedBox = h('div', { class: 'related-body' }, h('p', { class: 'loading' }, 'Loading related articles…'));
  const aside = h(
    'aside',
    { class: 'related', 'aria-labelledby': 'related-title', 'aria-busy': 'true' },
    h('h2', { id: 'related-title' }, 'Related articles'),
    relatedBox,
  );
  const comments = commentsSection({ api, articleId: article.id, commentCount: article.commentCount, auth, announce, signal });
  region.classList.add('article-view');
  region.replaceChildren(h('div', { class: 'story-column' }, articleView(article), comments.element), aside);
  void comments.start();
  announce(`Article: ${article.title}`);
  if (focus) {
    document.getElementById('article-title')?.focus();
    window.scrollTo(0, 0);
  }

  const outcome = await related;
  if (signal.aborted) return;
  aside.removeAttribute('aria-busy');
  if (outcome.error) {
    relatedBox.replaceChildren(h('p', { class: 'notice' }, 'Related articles could not be loaded right now.'));
  } else if (outcome.items.length === 0) {
    relatedBox.replaceChildren(h('p', { class: 'notice' }, 'No related articles yet.'));
  } else {
    relatedBox.replaceChildren(h('ol', { class: 'related-list' }, outcome.items.map(relatedItem)));
  }
}

function showArticleFailure(region, error, focus) {
  const gone = error.kind === 'not-found' || error.code === 'invalid_id';
  const title = gone ? 'This article is no longer available' : 'The article could not be loaded';
  document.title = `${title} · Newsweave`;
  const heading = h('h1', { tabindex: '-1' }, title);
  region.replaceChildren(
    heading,
    gone
      ? h(
          'div',
          { class: 'notice', role: 'alert' },
          h('p', {}, 'It may have been removed by its source, or the link is wrong.'),
          h('p', {}, h('a', { href: '#/' }, 'See the latest news')),
        )
      : errorNotice(error, () => render({ focus: true })),
  );
  announce(title);
  if (focus) heading.focus();
}

function articleView(article) {
  const imageUrl = safeHttpUrl(article.imageUrl);
  const originalUrl = safeHttpUrl(article.url);
  const paragraphs = splitParagraphs(article.body);
  // `topics` is `[{ topic, label }]`: `topic` is the normalised value for the route, `label` how it reads.
  const topics = (Array.isArray(article.topics) ? article.topics : [])
    .filter((item) => typeof item?.topic === 'string' && item.topic !== '')
    .map(({ topic, label }) => ({ topic, label: typeof label === 'string' && label !== '' ? label : topic }));
  rememberTopics(topics);
  let figure = null;
  if (imageUrl) {
    const image = h('img', { src: imageUrl, alt: `Lead image for: ${article.title}`, loading: 'lazy', decoding: 'async' });
    // A dead image link should leave no broken-image icon behind.
    image.addEventListener('error', () => figure?.remove());
    figure = h('figure', { class: 'lead-image' }, image);
  }
  return h(
    'article',
    { class: 'story', 'aria-labelledby': 'article-title', lang: typeof article.language === 'string' ? article.language : undefined },
    h(
      'header',
      {},
      h('h1', { id: 'article-title', tabindex: '-1' }, article.title || 'Untitled'),
      metaLine(article, typeof article.byline === 'string' && article.byline ? `By ${article.byline}` : null),
    ),
    figure,
    paragraphs.length > 0
      ? h('div', { class: 'story-body' }, paragraphs.map((paragraph) => h('p', {}, paragraph)))
      : h('p', { class: 'notice' }, article.summary || 'This article has no text to show.'),
    h(
      'footer',
      { class: 'story-footer' },
      topics.length > 0
        ? h(
            'div',
            { class: 'topics' },
            h('span', { class: 'filter-label', id: 'topics-label' }, 'Topics'),
            h(
              'ul',
              { class: 'chips', 'aria-labelledby': 'topics-label' },
              topics.map(({ topic, label }) => h('li', {}, h('a', { class: 'chip', href: hrefFor({ view: 'topic', topic }) }, label))),
            ),
          )
        : null,
      originalUrl
        ? h('p', {}, h('a', { href: originalUrl, rel: 'noopener noreferrer' }, `Read the original at ${sourceLabel(article)}`))
        : null,
    ),
  );
}

function articleCard(item) {
  return h(
    'li',
    {},
    h(
      'article',
      { class: 'card' },
      h('h2', { class: 'card-title' }, h('a', { href: hrefFor({ view: 'article', id: item.id }) }, item.title || 'Untitled')),
      metaLine(item),
      item.summary ? h('p', { class: 'summary' }, item.summary) : null,
    ),
  );
}

function relatedItem(item) {
  const reasons = Array.isArray(item.reasons) ? item.reasons.filter((reason) => typeof reason === 'string' && reason !== '') : [];
  return h(
    'li',
    { class: 'related-item' },
    h('h3', { class: 'card-title' }, h('a', { href: hrefFor({ view: 'article', id: item.id }) }, item.title || 'Untitled')),
    metaLine(item),
    item.summary ? h('p', { class: 'summary' }, item.summary) : null,
    reasons.length > 0
      ? h(
          'p',
          { class: 'reasons' },
          h('span', { class: 'reasons-label' }, 'Why related: '),
          reasons.map((reason) => h('span', { class: 'tag' }, reason)),
        )
      : null,
  );
}

function metaLine(item, extra = null) {
  const parts = [];
  if (typeof item.source?.id === 'string' && item.source.id !== '') {
    parts.push(h('a', { class: 'source', href: hrefFor({ view: 'latest', source: item.source.id }) }, sourceLabel(item)));
  }
  const time = timeElement(item.publishedAt);
  if (time) parts.push(time);
  if (extra) parts.push(h('span', { class: 'byline' }, extra));
  return h('p', { class: 'meta' }, parts.flatMap((part, index) => (index === 0 ? [part] : [' · ', part])));
}

function sourceLabel(item) {
  return (typeof item.source?.name === 'string' && item.source.name) || item.source?.id || 'the source';
}

function timeElement(iso) {
  const text = relativeTime(iso);
  return text ? h('time', { datetime: iso, title: absoluteTime(iso), 'data-relative': true }, text) : null;
}

function errorNotice(error, retry) {
  const { title, detail } = explain(error);
  return h(
    'div',
    { class: 'notice notice-error', role: 'alert' },
    h('p', { class: 'notice-title' }, title),
    h('p', {}, detail),
    h('button', { type: 'button', onclick: retry }, 'Try again'),
  );
}

function explain(error) {
  switch (error?.kind) {
    case 'network':
      return { title: 'Newsweave cannot be reached.', detail: `${error.message} Check your connection, then try again.` };
    case 'server':
      return {
        title: 'Newsweave is having trouble.',
        detail: `The server answered with an error${error.status ? ` (${error.status})` : ''}. Please try again in a moment.`,
      };
    case 'client':
    case 'not-found':
      return { title: 'That request was refused.', detail: error.message || 'The server did not accept it.' };
    default:
      return { title: 'Something went wrong.', detail: 'Please try again.' };
  }
}

async function loadSources() {
  try {
    const sources = await api.listSources();
    sourceList.replaceChildren(
      allSourcesChip,
      ...sources.map((source) =>
        h(
          'li',
          {},
          h(
            'a',
            { class: 'chip', href: hrefFor({ view: 'latest', source: source.id }), 'data-source': source.id },
            source.name,
            typeof source.articleCount === 'number' ? h('span', { class: 'count' }, ` ${source.articleCount}`) : null,
          ),
        ),
      ),
    );
    sourcesFailed = false;
    syncControls(parseRoute(window.location.hash));
    return sources;
  } catch {
    sourcesFailed = true;
    sourceList.replaceChildren(allSourcesChip, h('li', { class: 'filter-note' }, 'Sources unavailable'));
    return null;
  }
}

function syncControls(route) {
  if (document.activeElement !== searchInput) searchInput.value = route.view === 'search' ? route.q : '';
  if (document.activeElement !== topicInput) topicInput.value = route.view === 'topic' ? route.topic : '';
  const currentSource = route.view === 'latest' ? (route.source ?? '') : null;
  for (const link of sourceList.querySelectorAll('a.chip')) {
    const matches = (link.dataset.source ?? '') === currentSource;
    if (matches) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function rememberTopics(topics) {
  const known = new Set([...topicSuggestions.options].map((option) => option.value));
  for (const { topic, label } of topics) {
    if (!known.has(topic)) topicSuggestions.append(h('option', { value: topic }, label));
  }
}

/** j/k move between article titles, / jumps to search: keys news readers (Miniflux among them) have taught. */
function onKey(event) {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  const target = event.target;
  if (target instanceof window.HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  if (event.key === '/') {
    event.preventDefault();
    searchInput.focus();
    return;
  }
  if (event.key !== 'j' && event.key !== 'k') return;
  const links = [...main.querySelectorAll('.card-title a')];
  if (links.length === 0) return;
  const index = links.indexOf(document.activeElement);
  const next = event.key === 'j' ? Math.min(index + 1, links.length - 1) : index === -1 ? 0 : Math.max(index - 1, 0);
  links[next].focus();
  event.preventDefault();
}

document.getElementById('search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const q = searchInput.value.trim();
  if (q) window.location.hash = hrefFor({ view: 'search', q });
});

document.getElementById('topic-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const topic = topicInput.value.trim();
  if (topic) window.location.hash = hrefFor({ view: 'topic', topic });
});

// The skip link must not change the hash: the hash is the route.
document.querySelector('.skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});

document.addEventListener('keydown', onKey);
window.addEventListener('hashchange', () => void render({ focus: true }));
setInterval(() => {
  for (const time of document.querySelectorAll('time[data-relative]')) {
    time.textContent = relativeTime(time.getAttribute('datetime')) || time.textContent;
  }
}, REFRESH_TIMES_MS);

// Back from the managed login (`?code=`): the code becomes the tab's session before the first view.
const signIn = auth ? await auth.completeSignIn() : null;
void render({ focus: false }).then(() => {
  if (signIn && !signIn.ok) {
    main.prepend(h('p', { class: 'notice notice-error', role: 'alert' }, signIn.error));
    announce(signIn.error);
  }
});
