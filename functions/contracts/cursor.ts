import { InvalidCursorError } from '../ports';

/**
 * Listing cursors: base64url JSON of the last item's sort key and id. They are opaque to clients; on the way in
 * every field is checked, so a forged or truncated cursor is an InvalidCursorError (400), never a 500. A well-formed
 * forged cursor can only move the start of a listing, which is harmless: the partition comes from the query itself.
 */
export interface ListingPosition {
  /** The sort key of the last item returned: `<publishedAt>#<id>`. */
  readonly sortKey: string;
  readonly id: string;
}

const MAX_CURSOR_LENGTH = 512;
const SORT_KEY = /^[0-9T:.+\-Z]{10,40}#[A-Za-z0-9_-]{1,64}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function encodeCursor(position: ListingPosition): string {
  return Buffer.from(JSON.stringify({ s: position.sortKey, i: position.id }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): ListingPosition {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new InvalidCursorError('cursor is not one this API returned');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor is not one this API returned');
  }
  const record = parsed as { s?: unknown; i?: unknown } | null;
  if (
    typeof record !== 'object' ||
    record === null ||
    typeof record.s !== 'string' ||
    typeof record.i !== 'string' ||
    !SORT_KEY.test(record.s) ||
    !ID.test(record.i) ||
    !record.s.endsWith(`#${record.i}`)
  ) {
    throw new InvalidCursorError('cursor is not one this API returned');
  }
  return { sortKey: record.s, id: record.i };
}
