/**
 * What a comment's text may be. Bodies are plain text, stored exactly as written (no trimming, no HTML handling:
 * every page renders them as text); the only changes refused are the ones no reader could see or DynamoDB store.
 */
import { showsNothing } from '../shared/invisible-marks';

/** Counted in Unicode code points, as a reader counts characters (an emoji is one), not UTF-16 units. */
export const MAX_COMMENT_LENGTH = 2000;

export type CommentBodyCheck =
  | { readonly ok: true; readonly body: string }
  | { readonly ok: false; readonly problem: 'empty' | 'not-text' | 'too-long' | 'unprintable'; readonly message: string };

// C0, DEL and C1 (U+009B is a one-character ESC [), but for U+0085 (NEL), a line break.
// eslint-disable-next-line no-control-regex -- refusing control characters is the point (tab, LF, CR and NEL stay)
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f]/;
/** A surrogate without its pair: valid in a JS string and in JSON, not in UTF-8, so DynamoDB would refuse it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function commentLength(text: string): number {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}

export function checkCommentBody(value: unknown): CommentBodyCheck {
  if (value !== undefined && typeof value !== 'string') {
    return { ok: false, problem: 'not-text', message: 'the comment\'s "body" must be a string' };
  }
  if (value === undefined || showsNothing(value)) {
    return { ok: false, problem: 'empty', message: 'a comment needs some text' };
  }
  if (commentLength(value) > MAX_COMMENT_LENGTH) {
    return { ok: false, problem: 'too-long', message: `a comment is at most ${MAX_COMMENT_LENGTH} characters` };
  }
  if (CONTROL.test(value) || LONE_SURROGATE.test(value)) {
    return { ok: false, problem: 'unprintable', message: 'a comment cannot contain control characters or broken Unicode' };
  }
  return { ok: true, body: value };
}
