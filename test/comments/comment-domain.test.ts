/**
 * The comments' domain: what a body may be, who the claims name, who may delete, and the rate windows.
 */
import { describe, expect, it } from '@jest/globals';
import { mayDeleteComment } from '../../functions/comments/authorize';
import { parseGroups, userFromClaims } from '../../functions/comments/claims';
import { MAX_COMMENT_LENGTH, checkCommentBody, commentLength } from '../../functions/comments/comment-body';
import { COMMENT_ID_PATTERN, newCommentId } from '../../functions/comments/comment-id';
import { COMMENT_RATE_LIMITS, currentSlots, retryAfterSeconds } from '../../functions/comments/rate-limit';
import type { Comment } from '../../functions/contracts/model';

describe('checkCommentBody', () => {
  it.each([
    ['plain text', 'Good reporting.'],
    ['markup, kept as written', '<script>alert(1)</script>'],
    ['leading and trailing spaces, kept', '  spaced  '],
    ['line breaks and tabs', 'one\n\ttwo\r\nthree'],
    ['a next-line character (U+0085), a line break', 'one\u0085two'],
    ['exactly 2,000 characters', 'x'.repeat(MAX_COMMENT_LENGTH)],
    ['2,000 emoji (4,000 UTF-16 units)', '😀'.repeat(MAX_COMMENT_LENGTH)],
    ['an emoji joined by zero-width joiners', '\u{1f469}\u200d\u{1f52c}'],
    ['right-to-left text with a direction mark', '\u200fשלום'],
    ['a format character that is drawn (U+06DD, the end of an ayah)', '\u06dd'],
  ])('accepts %s, unchanged', (_, body) => {
    expect(checkCommentBody(body)).toEqual({ ok: true, body });
  });

  it.each([
    ['an empty string', '', 'empty'],
    ['only whitespace', ' \n\t ', 'empty'],
    ['no body at all', undefined, 'empty'],
    ['only zero-width spaces', '\u200b\u200b', 'empty'],
    ['only format characters and spaces', ' \ufeff\u2060\u200d\u200e ', 'empty'],
    ['only Hangul fillers and a blank Braille pattern', '\u3164\u115f\u2800', 'empty'],
    ['only variation selectors, a grapheme joiner and a soft hyphen', '\ufe0f\ufe0e\u034f\u00ad\u{e0100}', 'empty'],
    ['a number', 42, 'not-text'],
    ['null', null, 'not-text'],
    ['an array of text', ['hi'], 'not-text'],
    ['2,001 characters', 'x'.repeat(MAX_COMMENT_LENGTH + 1), 'too-long'],
    ['2,001 emoji', '😀'.repeat(MAX_COMMENT_LENGTH + 1), 'too-long'],
    ['a NUL', 'a\u0000b', 'unprintable'],
    ['an escape character', 'a\u001b[31mb', 'unprintable'],
    ['a C1 control character (CSI, the one-character escape)', 'a\u009b31mb', 'unprintable'],
    ['a C1 control character (U+0080)', 'a\u0080b', 'unprintable'],
    ['a lone high surrogate', 'a\ud800b', 'unprintable'],
    ['a lone low surrogate', 'a\udc00', 'unprintable'],
  ])('refuses %s', (_, body, problem) => {
    expect(checkCommentBody(body)).toMatchObject({ ok: false, problem });
  });

  it('counts code points', () => {
    expect(commentLength('a😀b')).toBe(3);
  });
});

describe('userFromClaims', () => {
  const claims = { sub: 'user-1', username: 'ada', client_id: 'c', token_use: 'access', exp: '1795179600' };

  it('reads sub, username and the moderators group', () => {
    expect(userFromClaims(claims)).toEqual({ id: 'user-1', name: 'ada', isModerator: false });
    expect(userFromClaims({ ...claims, 'cognito:groups': '[moderators]' })).toEqual({ id: 'user-1', name: 'ada', isModerator: true });
  });

  it.each([
    ['no claims', undefined],
    ['a string', 'sub=user-1'],
    ['no sub', { token_use: 'access', username: 'ada' }],
    ['an empty sub', { token_use: 'access', sub: '', username: 'ada' }],
    ['no username', { token_use: 'access', sub: 'user-1' }],
    ['a blank username', { token_use: 'access', sub: 'user-1', username: '  ' }],
    ['a username that is not a string', { token_use: 'access', sub: 'user-1', username: ['ada'] }],
    ['an overlong sub', { token_use: 'access', sub: 'x'.repeat(129), username: 'ada' }],
    // API Gateway's JWT authorizer lets a Cognito ID token through (its aud is the app client).
    ['an ID token', { sub: 'user-1', username: 'ada', aud: 'c', token_use: 'id' }],
    ['a token that does not say what it is', { sub: 'user-1', username: 'ada', client_id: 'c' }],
  ])('names nobody with %s', (_, value) => {
    expect(userFromClaims(value)).toBeNull();
  });

  it.each([
    ['API Gateway, one group', '[moderators]', ['moderators']],
    ['API Gateway, two groups', '[readers moderators]', ['readers', 'moderators']],
    // Cognito allows quotes and commas in a group name: a string is never read as JSON.
    ['a group name that looks like JSON', '["readers","moderators"]', ['"readers","moderators"']],
    ['a real array', ['moderators', 7], ['moderators']],
    ['a group name holding a comma, as Cognito allows', '[editors,moderators]', ['editors,moderators']],
    ['whitespace without brackets', 'readers moderators', ['readers', 'moderators']],
    ['empty brackets', '[]', []],
    ['nothing', undefined, []],
    ['a number', 5, []],
  ])('parses groups from %s', (_, value, groups) => {
    expect(parseGroups(value)).toEqual(groups);
  });

  it('does not take a group whose name only contains "moderators"', () => {
    expect(userFromClaims({ ...claims, 'cognito:groups': '[not-moderators moderators-pending]' })?.isModerator).toBe(false);
    expect(userFromClaims({ ...claims, 'cognito:groups': '[editors,moderators]' })?.isModerator).toBe(false);
    expect(userFromClaims({ ...claims, 'cognito:groups': '["moderators"]' })?.isModerator).toBe(false);
  });
});

describe('mayDeleteComment', () => {
  const comment: Comment = {
    id: '01JDR3V9Q4X8K2M6N7P0S5T1W1',
    articleId: 'article-0000000000xyz',
    author: { id: 'author', name: 'ada' },
    body: 'x',
    createdAt: '2026-11-20T10:00:00.000Z',
  };
  it.each([
    ['its author', { id: 'author', name: 'ada', isModerator: false }, true],
    ['someone else', { id: 'other', name: 'ada', isModerator: false }, false],
    ['someone else with the same name', { id: 'other', name: 'ada', isModerator: false }, false],
    ['a moderator', { id: 'mod', name: 'mo', isModerator: true }, true],
  ])('%s: %s', (_, user, allowed) => {
    expect(mayDeleteComment(user, comment)).toBe(allowed);
  });
});

describe('rate windows', () => {
  const now = new Date('2026-11-20T10:01:42.250Z');

  it('are 5 a minute, then 100 a day, keyed by their start', () => {
    expect(COMMENT_RATE_LIMITS.map((w) => [w.name, w.seconds, w.max])).toEqual([
      ['minute', 60, 5],
      ['day', 86_400, 100],
    ]);
    const [minute, day] = currentSlots(now);
    expect(minute).toMatchObject({ key: 'minute#2026-11-20T10:01:00.000Z', endsAt: new Date('2026-11-20T10:02:00.000Z') });
    expect(day).toMatchObject({ key: 'day#2026-11-20T00:00:00.000Z', endsAt: new Date('2026-11-21T00:00:00.000Z') });
  });

  it('tell how long until the window ends, rounded up, at least a second', () => {
    const [minute, day] = currentSlots(now);
    expect(retryAfterSeconds(minute!, now)).toBe(18);
    expect(retryAfterSeconds(day!, now)).toBe(13 * 3600 + 58 * 60 + 18);
    expect(retryAfterSeconds(minute!, new Date('2026-11-20T10:01:59.999Z'))).toBe(1);
    expect(retryAfterSeconds(minute!, new Date('2026-11-20T10:02:05.000Z'))).toBe(1);
  });
});

describe('comment ids', () => {
  it('are ULIDs that sort in the order they were made, within one millisecond too', () => {
    const time = new Date('2026-11-20T10:00:00.000Z');
    const ids = [newCommentId(time), newCommentId(time), newCommentId(new Date(time.getTime() + 1))];
    for (const id of ids) expect(id).toMatch(COMMENT_ID_PATTERN);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(3);
  });
});
