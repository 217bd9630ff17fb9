/* global window, document */
/**
 * The header's controls, shared by every view: the source chips (the selected one marked `aria-current`), the search
 * box and the topic box with the topics seen so far as suggestions. Submitting either changes the hash route (or, the
 * route already on screen, shows it again).
 */
import { h } from './dom.js';
import { hrefFor, parseRoute } from './routes.js';

/** `showAgain` renders the view on screen anew: submitting the search or topic it already shows changes no hash. */
export function createSiteHeader({ api, state, showAgain }, doc = document) {
  const searchInput = doc.getElementById('search-input');
  const topicInput = doc.getElementById('topic-input');
  const sourceList = doc.getElementById('source-list');
  const topicSuggestions = doc.getElementById('topic-suggestions');
  const allSourcesChip = sourceList.firstElementChild;

  /** The inputs and the chips follow the route, except an input the reader is typing in. */
  function syncControls(route) {
    if (doc.activeElement !== searchInput) searchInput.value = route.view === 'search' ? route.q : '';
    if (doc.activeElement !== topicInput) topicInput.value = route.view === 'topic' ? route.topic : '';
    const currentSource = route.view === 'latest' ? (route.source ?? '') : null;
    for (const link of sourceList.querySelectorAll('a.chip')) {
      if ((link.dataset.source ?? '') === currentSource) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }

  async function fetchSources() {
    try {
      const sources = await api.listSources();
      sourceList.replaceChildren(allSourcesChip, ...sources.map(sourceChip));
      state.sourcesFailed = false;
      syncControls(parseRoute(window.location.hash));
      return sources;
    } catch {
      state.sourcesFailed = true;
      sourceList.replaceChildren(allSourcesChip, h('li', { class: 'filter-note' }, 'Sources unavailable'));
      return null;
    }
  }

  function rememberTopics(topics) {
    const known = new Set([...topicSuggestions.options].map((option) => option.value));
    for (const { topic, label } of topics) {
      if (!known.has(topic)) topicSuggestions.append(h('option', { value: topic }, label));
    }
  }

  function go(route) {
    const href = hrefFor(route);
    if (hrefFor(parseRoute(window.location.hash)) === href) showAgain();
    else window.location.hash = href;
  }
  doc.getElementById('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const q = searchInput.value.trim();
    if (q) go({ view: 'search', q });
  });
  doc.getElementById('topic-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const topic = topicInput.value.trim();
    if (topic) go({ view: 'topic', topic });
  });

  return {
    searchInput,
    syncControls,
    rememberTopics,
    /** Asks for the sources (again); the state keeps the promise, so lists can name their source. */
    loadSources() {
      state.sources = fetchSources();
    },
  };
}

function sourceChip(source) {
  return h(
    'li',
    {},
    h(
      'a',
      { class: 'chip', href: hrefFor({ view: 'latest', source: source.id }), 'data-source': source.id },
      source.name,
      typeof source.articleCount === 'number' ? h('span', { class: 'count' }, ` ${source.articleCount}`) : null,
    ),
  );
}
