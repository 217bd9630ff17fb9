/**
 * The "Related articles" box beside an article: the same story from other outlets, each with why it is related.
 * It is asked for alongside the article, and its failure leaves the article standing.
 */
import { h } from './dom.js';
import { metaLine } from './meta-line.js';
import { hrefFor } from './routes.js';

const RELATED_LIMIT = 6;

/** Starts the request; the promise never rejects: it resolves to `{ items }` or `{ error }`. */
export function requestRelated(api, articleId, signal) {
  return api.getRelated(articleId, { limit: RELATED_LIMIT }, signal).then(
    (items) => ({ items }),
    (error) => ({ error }),
  );
}

/** The box, loading until `show` gets the outcome of requestRelated. */
export function relatedBox() {
  const body = h('div', { class: 'related-body' }, h('p', { class: 'loading' }, 'Loading related articles…'));
  const element = h(
    'aside',
    { class: 'related', 'aria-labelledby': 'related-title', 'aria-busy': 'true' },
    h('h2', { id: 'related-title' }, 'Related articles'),
    body,
  );
  function show(outcome) {
    element.removeAttribute('aria-busy');
    if (outcome.error) {
      body.replaceChildren(h('p', { class: 'notice' }, 'Related articles could not be loaded right now.'));
    } else if (outcome.items.length === 0) {
      body.replaceChildren(h('p', { class: 'notice' }, 'No related articles yet.'));
    } else {
      body.replaceChildren(h('ol', { class: 'related-list' }, outcome.items.map(relatedItem)));
    }
  }
  return { element, show };
}

function relatedItem(item) {
  const reasons = Array.isArray(item.reasons) ? item.reasons.filter((reason) => typeof reason === 'string' && reason !== '') : [];
  return h(
    'li',
    { class: 'related-item' },
    h('h3', { class: 'card-title', dir: 'auto' }, h('a', { href: hrefFor({ view: 'article', id: item.id }) }, item.title || 'Untitled')),
    metaLine(item),
    item.summary ? h('p', { class: 'summary', dir: 'auto' }, item.summary) : null,
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
