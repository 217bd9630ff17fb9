/**
 * Hash routes of the reader, so that the static site needs no server-side routing:
 * `#/` latest, `#/source/<id>`, `#/topic/<topic>`, `#/search/<words>`, `#/article/<id>`.
 */

const MAX_PARAM_LENGTH = 200;

export function parseRoute(hash) {
  const path = String(hash ?? '').replace(/^#/, '');
  const match = /^\/(source|topic|search|article)\/(.+)$/.exec(path);
  if (!match) return { view: 'latest' };
  const [, view, raw] = match;
  let value;
  try {
    value = decodeURIComponent(raw).trim();
  } catch {
    return { view: 'latest' };
  }
  if (value === '' || value.length > MAX_PARAM_LENGTH) return { view: 'latest' };
  switch (view) {
    case 'source':
      return { view: 'latest', source: value };
    case 'topic':
      return { view: 'topic', topic: value };
    case 'search':
      return { view: 'search', q: value };
    default:
      return { view: 'article', id: value };
  }
}

export function hrefFor(route) {
  switch (route.view) {
    case 'article':
      return `#/article/${encodeURIComponent(route.id)}`;
    case 'topic':
      return `#/topic/${encodeURIComponent(route.topic)}`;
    case 'search':
      return `#/search/${encodeURIComponent(route.q)}`;
    default:
      return route.source ? `#/source/${encodeURIComponent(route.source)}` : '#/';
  }
}
