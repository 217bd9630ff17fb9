/* global window, document, fetch, URL, URLSearchParams, AbortSignal */
/**
 * The pages' only door to Newsweave: its public HTTP API. Same origin by default; a deployed static site points at
 * the API with `window.NEWSWEAVE_API` (config.js) or `<meta name="newsweave-api" content="https://...">`.
 */

const TIMEOUT_MS = 10_000;

/**
 * Why a request failed, as the pages show it: `network` (API unreachable or timed out), `server` (5xx or a reply that
 * is not the API's JSON), `not-found` (404), `client` (other 4xx: our request was refused).
 */
export class ApiError extends Error {
  constructor(kind, status, code, message, retryAfter = null) {
    super(message);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
    this.code = code;
    /** Seconds, from a 429's Retry-After. */
    this.retryAfter = retryAfter;
  }
}

/** The API's base URL without a trailing slash, or '' for the page's own origin. */
export function resolveApiBase(win = window, doc = document) {
  const candidates = [win.NEWSWEAVE_API, doc.querySelector('meta[name="newsweave-api"]')?.getAttribute('content')];
  for (const candidate of candidates) {
    if (typeof candidate !== 'string' || candidate.trim() === '') continue;
    try {
      const url = new URL(candidate.trim(), win.location.href);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.href.replace(/\/+$/, '');
    } catch {
      // An unparsable setting falls through to the next one, then to the same origin.
    }
  }
  return '';
}

export function createApi(base) {
  /** `token` sends `Authorization: Bearer`; `json` is sent as the body. A 204 resolves to null. */
  async function request(method, path, { params = {}, json, token, signal } = {}) {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
    }
    const url = `${base}${path}${query.size > 0 ? `?${query}` : ''}`;
    const timeout = AbortSignal.timeout(TIMEOUT_MS);
    const headers = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (json !== undefined) headers['content-type'] = 'application/json';
    let response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError('network', 0, 'network', timeout.aborted ? 'The API did not answer in time.' : 'The API cannot be reached.');
    }
    if (response.status === 204) return null;
    const body = await response.json().catch(() => null);
    if (response.ok) {
      if (body === null || typeof body !== 'object') {
        throw new ApiError('server', response.status, 'bad_response', 'The API sent a reply that is not JSON.');
      }
      return body;
    }
    // API Gateway's JWT authorizer answers a refused token itself, with `{"message":"Unauthorized"}`.
    const code =
      typeof body?.error?.code === 'string' ? body.error.code : response.status === 401 ? 'unauthorized' : `http_${response.status}`;
    const message = typeof body?.error?.message === 'string' ? body.error.message : (body?.message ?? response.statusText);
    const kind = response.status === 404 ? 'not-found' : response.status >= 500 ? 'server' : 'client';
    const retryAfter = /^[0-9]{1,6}$/.test(response.headers.get('retry-after') ?? '') ? Number(response.headers.get('retry-after')) : null;
    throw new ApiError(kind, response.status, code, String(message), retryAfter);
  }

  const getJson = (path, params, signal) => request('GET', path, { params, signal });

  const page = (body) => ({
    items: Array.isArray(body.items) ? body.items.filter(isArticleSummary) : [],
    nextCursor: typeof body.nextCursor === 'string' && body.nextCursor !== '' ? body.nextCursor : null,
  });
  const segment = encodeURIComponent;
  /**
   * `.` and `..` cannot be sent as a path segment: the URL parser resolves them away (even written `%2E%2E`), so
   * `/topics/../articles` would ask for the latest articles and `/articles/..` for the page itself. No article or
   * topic has such a name.
   */
  const isDotSegment = (value) => value === '.' || value === '..';
  const noSuchArticle = () => new ApiError('not-found', 404, 'not_found', 'No article has that id.');

  return {
    listArticles: async ({ source, limit, cursor } = {}, signal) =>
      page(await getJson('/articles', { source, limit, cursor }, signal)),
    searchArticles: async (q, { limit, cursor } = {}, signal) =>
      page(await getJson('/articles', { q, limit, cursor }, signal)),
    listTopic: async (topic, { limit, cursor } = {}, signal) =>
      isDotSegment(topic) ? { items: [], nextCursor: null } : page(await getJson(`/topics/${segment(topic)}/articles`, { limit, cursor }, signal)),
    getArticle: async (id, signal) => {
      if (isDotSegment(id)) throw noSuchArticle();
      const article = await getJson(`/articles/${segment(id)}`, {}, signal);
      if (!isArticleSummary(article)) throw new ApiError('server', 200, 'bad_response', 'The API sent an unreadable article.');
      return article;
    },
    getRelated: async (id, { limit } = {}, signal) => {
      if (isDotSegment(id)) throw noSuchArticle();
      const body = await getJson(`/articles/${segment(id)}/related`, { limit }, signal);
      return Array.isArray(body.items) ? body.items.filter(isArticleSummary) : [];
    },
    listSources: async (signal) => {
      const body = await getJson('/sources', {}, signal);
      return Array.isArray(body.items) ? body.items.filter(isSource) : [];
    },
    getOpsMetrics: (signal) => getJson('/ops/metrics.json', {}, signal),
    listComments: async (id, { limit, cursor } = {}, signal) => {
      if (isDotSegment(id)) throw noSuchArticle();
      const body = await getJson(`/articles/${segment(id)}/comments`, { limit, cursor }, signal);
      return {
        items: Array.isArray(body.items) ? body.items.filter(isComment) : [],
        nextCursor: typeof body.nextCursor === 'string' && body.nextCursor !== '' ? body.nextCursor : null,
      };
    },
    postComment: async (id, text, token) => {
      const comment = await request('POST', `/articles/${segment(id)}/comments`, { json: { body: text }, token });
      if (!isComment(comment)) throw new ApiError('server', 201, 'bad_response', 'The API sent an unreadable comment.');
      return comment;
    },
    deleteComment: (id, commentId, token) => request('DELETE', `/articles/${segment(id)}/comments/${segment(commentId)}`, { token }),
  };
}

function isComment(item) {
  return typeof item?.id === 'string' && item.id !== '' && typeof item.body === 'string' && typeof item.author?.id === 'string';
}

/** Items the pages cannot show (no id or title) are dropped rather than rendered half-empty. */
function isArticleSummary(item) {
  return typeof item?.id === 'string' && item.id !== '' && typeof item.title === 'string';
}

function isSource(item) {
  return typeof item?.id === 'string' && item.id !== '' && typeof item.name === 'string';
}
