/**
 * The pure parts of the reader's comments, run in node: the session read from a token, PKCE's S256 challenge (the
 * RFC 7636 example), the sign-in settings config.js may give, and what a reader is told when posting fails (and, for
 * comparison, when a read fails: notices.js).
 */
import { describe, expect, it } from '@jest/globals';
import { memoryStorage } from './memory-storage';

interface Session {
  accessToken: string;
  userId: string;
  name: string;
  moderator: boolean;
  expiresAt: number;
}
interface SessionModule {
  decodeClaims(token: unknown): Record<string, unknown> | null;
  sessionFromToken(token: unknown): Session | null;
  saveSession(token: string, storage: Storage): Session | null;
  readSession(storage: Storage, now?: number): Session | null;
}
interface AuthModule {
  pkceChallenge(verifier: string): Promise<string>;
  readAuthConfig(value: unknown): Record<string, unknown> | null;
}
interface CommentsModule {
  commentLength(text: string): number;
  explainCommentError(error: unknown, options?: { action?: string; length?: number }): { message: string; signedOut?: boolean };
}

interface NoticesModule {
  explainError(error: unknown): { title: string; detail: string };
}

const assets = new URL('../../web/reader/assets/', import.meta.url);
const session: SessionModule = await import(new URL('session.js', assets).href);
const auth: AuthModule = await import(new URL('auth.js', assets).href);
const comments: CommentsModule = await import(new URL('comment-messages.js', assets).href);
const notices: NoticesModule = await import(new URL('notices.js', assets).href);

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const token = (claims: Record<string, unknown>) => `${encode({ alg: 'RS256' })}.${encode(claims)}.sig`;

describe('session', () => {
  const claims = { sub: 'sub-1', username: 'zoë', exp: 2_000_000_000, 'cognito:groups': ['moderators'] };

  it('reads who is signed in from the access token, UTF-8 included', () => {
    expect(session.sessionFromToken(token(claims))).toEqual({
      accessToken: token(claims),
      userId: 'sub-1',
      name: 'zoë',
      moderator: true,
      expiresAt: 2_000_000_000_000,
    });
    expect(session.sessionFromToken(token({ ...claims, 'cognito:groups': undefined }))?.moderator).toBe(false);
  });

  it.each([
    ['no token', undefined],
    ['not a JWT', 'garbage'],
    ['no subject', token({ username: 'a', exp: 1 })],
    ['no username', token({ sub: 'a', exp: 1 })],
    ['no expiry', token({ sub: 'a', username: 'a' })],
    ['a payload that is not JSON', `a.${Buffer.from('{').toString('base64url')}.c`],
  ])('makes no session of %s', (_, value) => {
    expect(session.sessionFromToken(value)).toBeNull();
  });

  it('keeps a session until 30 s before its token expires', () => {
    const storage = memoryStorage();
    const saved = session.saveSession(token(claims), storage);
    expect(session.readSession(storage, 2_000_000_000_000 - 31_000)).toEqual(saved);
    expect(session.readSession(storage, 2_000_000_000_000 - 29_000)).toBeNull();
    expect(storage.length).toBe(0);
  });
});

describe('PKCE and sign-in settings', () => {
  it('makes the S256 challenge of RFC 7636, appendix B', async () => {
    expect(await auth.pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('takes a local or a Cognito setting, and refuses what could send a code elsewhere', () => {
    expect(auth.readAuthConfig({ kind: 'local', signInUrl: '/local/oidc/sign-in' })).toEqual({ kind: 'local', signInUrl: '/local/oidc/sign-in' });
    const cognito = { kind: 'cognito', domain: 'https://news.auth.eu-west-1.amazoncognito.com', clientId: 'abc', redirectUri: 'https://d1.cloudfront.net' };
    expect(auth.readAuthConfig(cognito)).toEqual({ ...cognito, scope: 'openid' });
    expect(auth.readAuthConfig({ ...cognito, domain: 'http://news.auth.example.com' })).toBeNull();
    expect(auth.readAuthConfig({ ...cognito, domain: 'https://news.example.com/path' })).toBeNull();
    expect(auth.readAuthConfig({ ...cognito, redirectUri: 'javascript:alert(1)' })).toBeNull();
    expect(auth.readAuthConfig(null)).toBeNull();
    expect(auth.readAuthConfig({ kind: 'other' })).toBeNull();
  });
});

describe('what a reader is told', () => {
  it('counts characters as the API does', () => {
    expect(comments.commentLength('a😀b')).toBe(3);
  });

  it.each([
    [{ code: 'comment_too_long' }, { length: 2345 }, 'Your comment is too long: 2,345 characters, and the limit is 2,000. Shorten it and post again.'],
    [{ code: 'comment_empty' }, {}, 'Your comment is empty. Write something first.'],
    [{ code: 'rate_limited', retryAfter: 1 }, {}, 'You are commenting too fast. Try again in 1 second.'],
    [{ code: 'rate_limited', retryAfter: 42 }, {}, 'You are commenting too fast. Try again in 42 seconds.'],
    [{ code: 'rate_limited', retryAfter: 3600 }, {}, 'You are commenting too fast. Try again in 60 minutes.'],
    [{ code: 'rate_limited', retryAfter: 36_000 }, {}, 'You are commenting too fast. Try again in 10 hours.'],
    [{ code: 'forbidden' }, { action: 'delete' }, 'You can only delete your own comments.'],
    [{ kind: 'not-found', code: 'not_found' }, { action: 'post' }, 'This article is no longer available.'],
    [{ kind: 'network', code: 'network' }, { action: 'post' }, 'Newsweave cannot be reached, so your comment was not posted. Try again.'],
    [{ kind: 'server', status: 500, code: 'internal' }, { action: 'delete' }, 'Your comment could not be deleted (500). Try again in a moment.'],
  ])('%j', (error, options, message) => {
    expect(comments.explainCommentError(error, options).message).toBe(message);
  });

  // A 429 on a read is the API being busy, not a refusal of what the reader did; the wait is believed up to an hour.
  it.each([
    [{ kind: 'client', status: 429, code: 'http_429', message: 'Too Many Requests', retryAfter: 20 }, 'Newsweave is busy: try again in 20 seconds.'],
    [{ kind: 'client', status: 429, code: 'http_429', message: 'Too Many Requests', retryAfter: 1 }, 'Newsweave is busy: try again in 1 second.'],
    [{ kind: 'client', status: 429, code: 'rate_limited', message: 'slow down', retryAfter: 120 }, 'Newsweave is busy: try again in 2 minutes.'],
    [{ kind: 'client', status: 429, code: 'http_429', message: 'Too Many Requests', retryAfter: null }, 'Newsweave is busy: try again in a moment.'],
    [{ kind: 'client', status: 429, code: 'http_429', message: 'Too Many Requests', retryAfter: 0 }, 'Newsweave is busy: try again in a moment.'],
    [{ kind: 'client', status: 429, code: 'http_429', message: 'Too Many Requests', retryAfter: 86_400 }, 'Newsweave is busy: try again in a moment.'],
    [{ kind: 'client', status: 400, code: 'invalid_query', message: 'q must not be empty', retryAfter: null }, 'That request was refused.'],
  ])('a read: %j', (error, title) => {
    expect(notices.explainError(error).title).toBe(title);
  });

  it('keeps a comment\'s own 429: too fast, with its wait', () => {
    const refused = { kind: 'client', status: 429, code: 'rate_limited', message: 'slow down', retryAfter: 18 };
    expect(comments.explainCommentError(refused, { action: 'post' }).message).toBe('You are commenting too fast. Try again in 18 seconds.');
  });

  it('says a refused token means signed out, and asks the page to forget the session', () => {
    expect(comments.explainCommentError({ code: 'unauthorized' }, { action: 'post' })).toEqual({
      message: 'You are signed out, so your comment was not posted. Sign in again to go on.',
      signedOut: true,
    });
  });
});
