/**
 * Comment ids are ULIDs: 48 bits of milliseconds then 80 random bits, in Crockford's base32, so that sorting the ids
 * sorts the comments by time (the table's sort key is the id: docs/table-design.md).
 */
import { monotonicFactory } from 'ulid';

export const COMMENT_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

// Monotonic within one process, so that two comments in one millisecond keep their order; across processes the
// random part orders them, which is as good as the clocks.
const next = monotonicFactory();

export function newCommentId(time: Date): string {
  return next(time.getTime());
}
