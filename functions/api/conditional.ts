/**
 * Validators and conditional GET (RFC 9110 §8.8.3, §13.1.2): every 200 answer carries a strong entity tag of its
 * body, and a GET or HEAD whose If-None-Match names it is answered 304 without a body. Pure.
 */
import { createHash } from 'node:crypto';

/**
 * A strong entity tag for a body: 128 bits of its SHA-256, base64url, quoted. Strong because equal tags mean equal
 * bytes; the same body always gets the same tag, on every instance and after every deployment.
 */
export function entityTag(body: string): string {
  return `"${createHash('sha256').update(body, 'utf8').digest('base64url').slice(0, 22)}"`;
}

/**
 * Whether an If-None-Match field value names `etag` (or is `*`), compared weakly as RFC 9110 §13.1.2 asks for GET
 * and HEAD: `W/"x"` and `"x"` match. A field that is not a valid list of entity tags matches nothing, so the request
 * is answered in full, never wrongly with a 304.
 */
export function ifNoneMatchNames(fieldValue: string | undefined, etag: string): boolean {
  if (fieldValue === undefined) return false;
  const value = fieldValue.trim();
  if (value === '*') return true;
  const tags = parseEntityTags(value);
  if (tags === null) return false;
  const wanted = opaqueTag(etag);
  return tags.some((tag) => tag === wanted);
}

/** The opaque tags of `#entity-tag` (commas and optional whitespace between them), or null when it is not one. */
function parseEntityTags(value: string): string[] | null {
  const tags: string[] = [];
  let at = 0;
  let expectTag = true;
  while (at < value.length) {
    const char = value[at]!;
    if (char === ' ' || char === '\t') {
      at++;
    } else if (char === ',') {
      // Empty list elements are allowed (RFC 9110 §5.6.1).
      expectTag = true;
      at++;
    } else {
      if (!expectTag) return null;
      const start = value.startsWith('W/', at) ? at + 2 : at;
      if (value[start] !== '"') return null;
      const end = value.indexOf('"', start + 1);
      if (end === -1) return null;
      const tag = value.slice(start, end + 1);
      // etagc: %x21 / %x23-7E / obs-text; no controls, spaces or quotes inside.
      if (!/^"[\x21\x23-\x7e\x80-\xff]*"$/.test(tag)) return null;
      tags.push(tag);
      expectTag = false;
      at = end + 1;
    }
  }
  return tags;
}

function opaqueTag(etag: string): string {
  return etag.startsWith('W/') ? etag.slice(2) : etag;
}
