/**
 * Checks on everything a client sends: path segments, query parameters and request bodies. Each check either returns
 * a clean value or throws a RequestError that the handler turns into a 4xx, so that no hostile input reaches a store.
 */
import { COMMENT_ID_PATTERN } from '../comments/comment-id';
import { showsNothing } from '../shared/invisible-marks';

/** The fetch stage makes ids of 22 base64url characters; the range leaves room without admitting anything else. */
export const ARTICLE_ID_PATTERN = /^[A-Za-z0-9_-]{16,32}$/;
/** The same rule as the sources config (functions/sources). */
export const SOURCE_ID_PATTERN = /^[a-z0-9-]{1,64}$/;

/** Longer query strings are refused with 414 before any parsing. */
export const MAX_QUERY_STRING_LENGTH = 2048;
const MAX_CURSOR_LENGTH = 1024;
const MAX_SEARCH_LENGTH = 200;
const MAX_TOPIC_LENGTH = 100;

export interface LimitBounds {
  readonly fallback: number;
  readonly max: number;
}

export const LIST_LIMIT: LimitBounds = { fallback: 20, max: 100 };
export const RELATED_LIMIT: LimitBounds = { fallback: 10, max: 50 };
export const COMMENT_LIMIT: LimitBounds = { fallback: 20, max: 100 };

/** Far above any valid comment (2,000 code points, each at most 12 bytes as a JSON escape pair). */
export const MAX_REQUEST_BODY_BYTES = 64 * 1024;

export type ErrorCode =
  | 'invalid_limit'
  | 'invalid_cursor'
  | 'invalid_id'
  | 'invalid_query'
  | 'invalid_source'
  | 'invalid_topic'
  | 'invalid_body'
  | 'comment_empty'
  | 'comment_too_long'
  | 'uri_too_long'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'rate_limited'
  | 'internal';

/** A request the API refuses; the message is shown to the client, so it never echoes the input at length. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The query string as a map of single values. Unknown and repeated parameters are refused rather than ignored:
 * a typo such as `limt=5` would otherwise silently answer with the default, and with `limit=5&limit=500` the
 * client and the API could disagree on which one counts.
 */
export function readQueryParameters(rawQueryString: string, allowed: readonly string[]): Map<string, string> {
  if (rawQueryString.length > MAX_QUERY_STRING_LENGTH) {
    throw new RequestError(414, 'uri_too_long', `query string longer than ${MAX_QUERY_STRING_LENGTH} characters`);
  }
  // URLSearchParams reads bytes that are not UTF-8 (`q=%FF`) as U+FFFD: refused, as a path segment's are. A `%` not
  // followed by two hex digits is a literal `%` to URLSearchParams, and so here.
  for (const part of rawQueryString.split(/[&=]/)) {
    try {
      decodeURIComponent(part.replace(/%(?![0-9a-f]{2})/gi, '%25'));
    } catch {
      throw new RequestError(400, 'invalid_query', 'a query parameter is not valid percent-encoded UTF-8');
    }
  }
  const parameters = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    if (!allowed.includes(name)) {
      const accepted = allowed.length > 0 ? `accepted: ${allowed.join(', ')}` : 'this route takes none';
      throw new RequestError(400, 'invalid_query', `unknown query parameter "${shorten(name)}" (${accepted})`);
    }
    if (parameters.has(name)) {
      throw new RequestError(400, 'invalid_query', `query parameter "${name}" given more than once`);
    }
    parameters.set(name, value);
  }
  return parameters;
}

/** Plain decimal digits only: `1e2`, `0x10`, `+5`, `5.0` and ` 5` are refused, and so is anything over the max. */
export function parseLimit(raw: string | undefined, bounds: LimitBounds): number {
  if (raw === undefined) return bounds.fallback;
  if (!/^[0-9]{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > bounds.max) {
    throw new RequestError(400, 'invalid_limit', `limit must be a whole number from 1 to ${bounds.max}`);
  }
  return Number(raw);
}

/** An empty cursor means the first page; anything else is checked by the store that made it. */
export function parseCursor(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw.length > MAX_CURSOR_LENGTH) throw new RequestError(400, 'invalid_cursor', 'cursor is not one this API returned');
  return raw;
}

/** A raw path segment, percent-decoded; a malformed escape is a 400 with the code the caller names. */
export function decodeSegment(segment: string, code: ErrorCode, what: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new RequestError(400, code, `${what} is not valid percent-encoded UTF-8`);
  }
}

export function parseArticleId(segment: string): string {
  const id = decodeSegment(segment, 'invalid_id', 'article id');
  if (!ARTICLE_ID_PATTERN.test(id)) {
    throw new RequestError(400, 'invalid_id', 'article id must be 16 to 32 letters, digits, "-" or "_"');
  }
  return id;
}

export function parseCommentId(segment: string): string {
  const id = decodeSegment(segment, 'invalid_id', 'comment id');
  if (!COMMENT_ID_PATTERN.test(id)) throw new RequestError(400, 'invalid_id', 'comment id must be 26 letters and digits (a ULID)');
  return id;
}

/** Refuses bytes that are not UTF-8 instead of reading them as U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A request body that must be a JSON object: `application/json` (any charset parameter), at most 64 KiB, UTF-8, and
 * valid JSON. API Gateway hands a JSON body over as text; a base64-encoded one (another content type) is refused by
 * type, and one whose bytes are not UTF-8 (the local transport hands those over as bytes) as not UTF-8.
 */
export function readJsonObject(body: string | undefined, isBase64Encoded: boolean | undefined, contentType: string | undefined): Record<string, unknown> {
  if (!/^application\/json\s*(;|$)/i.test(contentType ?? '')) {
    throw new RequestError(415, 'unsupported_media_type', 'send the body as application/json');
  }
  const raw = body ?? '';
  const bytes = isBase64Encoded ? Buffer.from(raw, 'base64') : undefined;
  if ((bytes ? bytes.length : Buffer.byteLength(raw)) > MAX_REQUEST_BODY_BYTES) {
    throw new RequestError(413, 'payload_too_large', `the body is over ${MAX_REQUEST_BODY_BYTES} bytes`);
  }
  let text = raw;
  if (bytes) {
    try {
      text = UTF8.decode(bytes);
    } catch {
      throw new RequestError(400, 'invalid_body', 'the body is not UTF-8');
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RequestError(400, 'invalid_body', 'the body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RequestError(400, 'invalid_body', 'the body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** An empty `source` means all sources, so that a form with an "all" choice needs no special case. */
export function parseSourceId(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!SOURCE_ID_PATTERN.test(raw)) {
    throw new RequestError(400, 'invalid_source', 'source must be 1 to 64 lowercase letters, digits or "-"');
  }
  return raw;
}

/** Search words: trimmed, whitespace collapsed, 1 to 200 characters. */
export function parseSearchWords(raw: string): string {
  const words = collapse(raw);
  // Nothing a reader could see (white space, zero-width characters) is no word.
  if (showsNothing(words)) throw new RequestError(400, 'invalid_query', 'q must contain at least one word');
  // Counted in code points, as the topic is: an emoji is one character, not two UTF-16 units.
  if ([...words].length > MAX_SEARCH_LENGTH) {
    throw new RequestError(400, 'invalid_query', `q must be at most ${MAX_SEARCH_LENGTH} characters`);
  }
  return words;
}

/**
 * The `{topic}` path segment as a reader wrote it: decoded, trimmed, whitespace collapsed, lowercase, NFC; 1 to 100
 * characters, no control characters and not only invisible ones. The related index looks it up under its term
 * (related/analyze-article.ts: topicTerm).
 */
export function parseTopic(segment: string): string {
  const topic = collapse(decodeSegment(segment, 'invalid_topic', 'topic')).toLowerCase();
  // Control characters: C0, DEL and C1 (\p{Cc}); a topic of nothing visible (zero-width characters) is empty.
  if (showsNothing(topic) || [...topic].length > MAX_TOPIC_LENGTH || /\p{Cc}/u.test(topic)) {
    throw new RequestError(400, 'invalid_topic', `topic must be 1 to ${MAX_TOPIC_LENGTH} printable characters`);
  }
  return topic;
}

function collapse(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

function shorten(text: string): string {
  const characters = [...text];
  return characters.length > 40 ? `${characters.slice(0, 40).join('')}…` : text;
}
