/* global document */
/**
 * The line under every article title (in lists, on the article, in the related box and on comments): source, time
 * and byline. Times are relative ("22 minutes ago"), kept fresh by refreshRelativeTimes, exact in `title`.
 */
import { h } from './dom.js';
import { absoluteTime, relativeTime } from './format.js';
import { hrefFor } from './routes.js';

export function metaLine(item, extra = null) {
  const parts = [];
  if (typeof item.source?.id === 'string' && item.source.id !== '') {
    parts.push(h('a', { class: 'source', href: hrefFor({ view: 'latest', source: item.source.id }) }, sourceLabel(item)));
  }
  const time = timeElement(item.publishedAt);
  if (time) parts.push(time);
  if (extra) parts.push(h('span', { class: 'byline' }, extra));
  return h('p', { class: 'meta' }, parts.flatMap((part, index) => (index === 0 ? [part] : [' · ', part])));
}

export function sourceLabel(item) {
  return (typeof item.source?.name === 'string' && item.source.name) || item.source?.id || 'the source';
}

/** A `<time>` with the relative time as text; null for a missing or invalid date. */
export function timeElement(iso) {
  const text = relativeTime(iso);
  return text ? h('time', { datetime: iso, title: absoluteTime(iso), 'data-relative': true }, text) : null;
}

export function refreshRelativeTimes(root = document) {
  for (const time of root.querySelectorAll('time[data-relative]')) {
    time.textContent = relativeTime(time.getAttribute('datetime')) || time.textContent;
  }
}
