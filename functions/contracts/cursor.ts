import { InvalidCursorError } from '../ports';
import { timeSortKey } from './table-schema';

/**
 * Every cursor the API hands out: base64url JSON, opaque to clients. There are two kinds, because there are two
 * kinds of page. A listing (articles, a source's or a topic's articles, comments) pages through a key range, so its
 * cursor is the position of the last item returned; a search ranks postings in memory, so its cursor is an offset
 * into that ranking, bound to the query that made it. On the way in every field is checked, so a forged or
 * truncated cursor is an InvalidCursorError (400), never a 500. A well-formed forged listing cursor can only move the
 * start of a listing, which is harmless: the partition comes from the query itself.
 */
export interface ListingPosition {
  /** The sort key of the last item returned: `<time>#<id>` (functions/contracts/table-schema.ts: timeSortKey). */
  readonly sortKey: string;
  readonly id: string;
}

const MAX_LISTING_CURSOR_LENGTH = 512;
const MAX_SEARCH_CURSOR_LENGTH = 200;
const SORT_KEY = /^[0-9T:.+\-Z]{10,40}#[A-Za-z0-9_-]{1,64}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function encodeCursor(position: ListingPosition): string {
  return encodeToken({ s: position.sortKey, i: position.id });
}

/** The cursor of a page whose last item is `id`, at `time` (published or created). */
export const cursorAfter = (time: string, id: string): string => encodeCursor({ sortKey: timeSortKey(time, id), id });

export function decodeCursor(cursor: string): ListingPosition {
  const record = decodeToken(cursor, MAX_LISTING_CURSOR_LENGTH);
  if (
    typeof record.s !== 'string' ||
    typeof record.i !== 'string' ||
    !SORT_KEY.test(record.s) ||
    !ID.test(record.i) ||
    !record.s.endsWith(`#${record.i}`)
  ) {
    throw invalid();
  }
  return { sortKey: record.s, id: record.i };
}

/** A search cursor: the offset of the next page in the ranking, and a tag of the query it ranks. */
export function encodeSearchCursor(offset: number, queryTag: string): string {
  return encodeToken({ o: offset, q: queryTag });
}

/** The offset a search cursor holds; a cursor of another query, or an offset outside 1..maxOffset, is invalid. */
export function decodeSearchCursor(cursor: string, queryTag: string, maxOffset: number): number {
  const record = decodeToken(cursor, MAX_SEARCH_CURSOR_LENGTH);
  const offset = record.o;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 1 || offset > maxOffset || record.q !== queryTag) {
    throw invalid();
  }
  return offset;
}

const invalid = () => new InvalidCursorError('cursor is not one this API returned');

function encodeToken(record: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(record), 'utf8').toString('base64url');
}

function decodeToken(cursor: string, maxLength: number): Record<string, unknown> {
  if (cursor.length === 0 || cursor.length > maxLength || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  return parsed as Record<string, unknown>;
}
