/**
 * The comment routes of the API handler over in-memory ports: reading is public, writing needs the JWT authorizer's
 * claims, deleting needs authorship or the moderators group, and bodies, ids, limits and cursors are checked.
 */
import { describe, expect, it } from '@jest/globals';
import type { Comment } from '../../functions/contracts/model';
import { ADA, BOB, MODERATOR, apiEvent, claimsOf, signedInEvent, type TestUser } from './events';
import { COMMENT_IDS, apiFixture, articleId } from './fixture';

const id = articleId(0);
const quiet = articleId(3);
const NOW = new Date('2026-11-20T10:01:42.250Z');

function fixture(options: Parameters<typeof apiFixture>[0] = {}) {
  const world = apiFixture({ now: () => NOW, ...options });
  const send = async (event: Parameters<typeof world.handler>[0]) => {
    const result = await world.handler(event);
    return { result, status: result.statusCode, json: result.body ? JSON.parse(result.body) : undefined };
  };
  return {
    ...world,
    get: (target: string) => send(apiEvent(target)),
    /** `user` null: no claims, as a request that no authorizer checked. */
    post: (article: string, body: unknown, user: TestUser | null = ADA, contentType?: string) =>
      send(signedInEvent(`/articles/${article}/comments`, { method: 'POST', user: user ?? undefined, body, contentType })),
    remove: (commentId: string, user: TestUser | null, article = id) =>
      send(signedInEvent(`/articles/${article}/comments/${commentId}`, { method: 'DELETE', user: user ?? undefined })),
  };
}

describe('GET /articles/{id}/comments', () => {
  it('lists newest first in pages, with a cursor that leads to the rest', async () => {
    const api = fixture();
    const first = await api.get(`/articles/${id}/comments?limit=2`);
    expect(first.status).toBe(200);
    expect(first.result.headers?.['cache-control']).toBe('public, max-age=0, s-maxage=5');
    expect(first.json.items.map((c: Comment) => c.id)).toEqual([COMMENT_IDS[2], COMMENT_IDS[1]]);
    expect(first.json.items[0]).toEqual({
      id: COMMENT_IDS[2],
      articleId: id,
      author: { id: BOB.sub, name: 'bob' },
      body: 'Comment 2',
      createdAt: '2026-11-20T13:02:00.000Z',
    });
    const second = await api.get(`/articles/${id}/comments?limit=2&cursor=${first.json.nextCursor}`);
    expect(second.json).toMatchObject({ items: [{ id: COMMENT_IDS[0] }], nextCursor: null });
  });

  it('gives an article without comments an empty list, and an unknown article a 404', async () => {
    const api = fixture();
    expect((await api.get(`/articles/${quiet}/comments`)).json).toEqual({ items: [], nextCursor: null });
    expect((await api.get(`/articles/${'Q'.repeat(22)}/comments`)).status).toBe(404);
  });

  it.each([
    ['limit=0', 'invalid_limit'],
    ['limit=101', 'invalid_limit'],
    ['limit=1e1', 'invalid_limit'],
    ['limit=', 'invalid_limit'],
    ['cursor=forged', 'invalid_cursor'],
    ['limit=5&limit=6', 'invalid_query'],
    ['sort=oldest', 'invalid_query'],
  ])('refuses %s as every listing does', async (query, code) => {
    const response = await fixture().get(`/articles/${id}/comments?${query}`);
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe(code);
  });

  it('refuses an invalid article id with 400', async () => {
    expect((await fixture().get('/articles/..%2Fsources/comments')).json.error.code).toBe('invalid_id');
  });

  it('needs no token, and ignores one', async () => {
    const api = fixture();
    const event = apiEvent(`/articles/${id}/comments`, { claims: { sub: 'x', username: 'x' } });
    expect((await api.handler(event)).statusCode).toBe(200);
  });
});

describe('GET /articles/{id}', () => {
  it('carries the comment count', async () => {
    const api = fixture();
    expect((await api.get(`/articles/${id}`)).json.commentCount).toBe(3);
    expect((await api.get(`/articles/${quiet}`)).json.commentCount).toBe(0);
  });
});

describe('POST /articles/{id}/comments', () => {
  it('stores the text exactly as written, by the token\'s user, and counts it', async () => {
    const api = fixture();
    const body = '<script>alert("x")</script>\n  and   spaces ';
    const response = await api.post(quiet, { body });
    expect(response.status).toBe(201);
    expect(response.result.headers?.['cache-control']).toBe('no-store');
    expect(response.json).toEqual({
      id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      articleId: quiet,
      author: { id: ADA.sub, name: 'ada' },
      body,
      createdAt: NOW.toISOString(),
    });
    expect((await api.get(`/articles/${quiet}/comments`)).json.items).toEqual([response.json]);
    expect((await api.get(`/articles/${quiet}`)).json.commentCount).toBe(1);
    expect(api.telemetry.counts.map((c) => c.metric)).toContain('CommentsPosted');
  });

  it('takes the author from the claims, never from the body', async () => {
    const response = await fixture().post(quiet, { body: 'hi', author: { id: BOB.sub, name: 'bob' } });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('invalid_body');
  });

  it('refuses a request without the authorizer\'s claims with 401, and stores nothing', async () => {
    const api = fixture();
    const response = await api.post(quiet, { body: 'hi' }, null);
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe('unauthorized');
    const claimsWithoutName = apiEvent(`/articles/${quiet}/comments`, {
      method: 'POST',
      body: '{"body":"hi"}',
      headers: { 'content-type': 'application/json' },
      claims: { sub: 'x', token_use: 'access' },
    });
    expect((await api.handler(claimsWithoutName)).statusCode).toBe(401);
    const idToken = apiEvent(`/articles/${quiet}/comments`, {
      method: 'POST',
      body: '{"body":"hi"}',
      headers: { 'content-type': 'application/json' },
      claims: { ...claimsOf(ADA), token_use: 'id' },
    });
    expect((await api.handler(idToken)).statusCode).toBe(401);
    expect(api.comments.comments.size).toBe(3);
  });

  it.each([
    ['an empty body', { body: '' }, 'comment_empty'],
    ['only whitespace', { body: '   \n' }, 'comment_empty'],
    ['no body field', {}, 'comment_empty'],
    ['a body that is not text', { body: 5 }, 'invalid_body'],
    ['a null body', { body: null }, 'invalid_body'],
    ['2,001 characters', { body: 'x'.repeat(2001) }, 'comment_too_long'],
    ['a control character', { body: 'a\u0007' }, 'invalid_body'],
    ['not JSON', '{"body": "hi"', 'invalid_body'],
    ['a JSON string', '"hi"', 'invalid_body'],
    ['a JSON array', '["hi"]', 'invalid_body'],
    ['JSON null', 'null', 'invalid_body'],
    ['nothing at all', '', 'invalid_body'],
  ])('refuses %s with 400', async (_, body, code) => {
    const response = await fixture().post(quiet, body);
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe(code);
  });

  it('accepts 2,000 characters', async () => {
    expect((await fixture().post(quiet, { body: 'é'.repeat(2000) })).status).toBe(201);
  });

  it('wants application/json (a charset is fine) and at most 64 KiB', async () => {
    const api = fixture();
    expect((await api.post(quiet, { body: 'hi' }, ADA, 'application/json; charset=utf-8')).status).toBe(201);
    expect((await api.post(quiet, 'body=hi', ADA, 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await api.post(quiet, { body: 'hi' }, ADA, 'text/plain')).status).toBe(415);
    expect((await api.post(quiet, { body: 'x'.repeat(70_000) })).status).toBe(413);
  });

  it('reads a base64-encoded JSON body as API Gateway may pass one', async () => {
    const api = fixture();
    const event = signedInEvent(`/articles/${quiet}/comments`, { method: 'POST', user: ADA, body: Buffer.from('{"body":"héllo"}').toString('base64') });
    const response = await api.handler({ ...event, isBase64Encoded: true });
    expect(response.statusCode).toBe(201);
    expect(JSON.parse(response.body ?? '').body).toBe('héllo');
  });

  it('answers 404 for an unknown article, without using the user\'s rate', async () => {
    const api = fixture({ rateLimits: [{ name: 'minute', seconds: 60, max: 1 }] });
    expect((await api.post('Q'.repeat(22), { body: 'hi' })).status).toBe(404);
    expect((await api.post(quiet, { body: 'hi' })).status).toBe(201);
  });

  it('answers 429 with Retry-After past the rate, per user', async () => {
    const api = fixture();
    for (let n = 0; n < 5; n++) expect((await api.post(quiet, { body: `post ${n}` })).status).toBe(201);
    const refused = await api.post(quiet, { body: 'one more' });
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('rate_limited');
    expect(refused.result.headers?.['retry-after']).toBe('18');
    expect((await api.post(quiet, { body: 'from Bob' }, BOB)).status).toBe(201);
    expect(api.comments.comments.size).toBe(3 + 6);
  });

  it('keeps a stored comment when its count fails, and reports the miss', async () => {
    const api = fixture();
    api.comments.countComment = async () => {
      throw new Error('throttled');
    };
    const response = await api.post(quiet, { body: 'hi' });
    expect(response.status).toBe(201);
    expect(api.telemetry.counts.map((c) => c.metric)).toContain('CommentCountFailed');
    expect(api.telemetry.logs).toContainEqual(expect.objectContaining({ level: 'error', extra: expect.objectContaining({ articleId: quiet, commentId: response.json.id }) }));
  });

  it('answers 500 when the comment cannot be stored', async () => {
    const api = fixture();
    api.comments.putComment = async () => {
      throw new Error('down');
    };
    expect((await api.post(quiet, { body: 'hi' })).status).toBe(500);
  });

  it('allows GET, HEAD and POST on the path', async () => {
    const response = await fixture().handler(apiEvent(`/articles/${id}/comments`, { method: 'PUT' }));
    expect(response.statusCode).toBe(405);
    expect(response.headers?.allow).toBe('GET, HEAD, POST');
  });
});

describe('DELETE /articles/{id}/comments/{commentId}', () => {
  it('lets the author delete their comment (204, uncounted), once', async () => {
    const api = fixture();
    const response = await api.remove(COMMENT_IDS[0], ADA);
    expect(response.status).toBe(204);
    expect(response.result.body).toBeUndefined();
    expect((await api.get(`/articles/${id}`)).json.commentCount).toBe(2);
    expect((await api.remove(COMMENT_IDS[0], ADA)).status).toBe(404);
  });

  it('refuses anyone else with 403, even with the same display name', async () => {
    const api = fixture();
    const response = await api.remove(COMMENT_IDS[0], BOB);
    expect(response.status).toBe(403);
    expect(response.json.error.code).toBe('forbidden');
    expect((await api.remove(COMMENT_IDS[0], { sub: 'impostor', username: 'ada' })).status).toBe(403);
    expect(api.comments.comments.has(COMMENT_IDS[0])).toBe(true);
  });

  it('lets a moderator delete any comment', async () => {
    const api = fixture();
    expect((await api.remove(COMMENT_IDS[2], MODERATOR)).status).toBe(204);
    expect(api.telemetry.counts.map((c) => c.metric)).toContain('CommentsModerated');
  });

  it('answers 404 for an unknown comment, and for a comment under another article', async () => {
    const api = fixture();
    expect((await api.remove('0'.repeat(26), MODERATOR)).status).toBe(404);
    expect((await api.remove(COMMENT_IDS[0], MODERATOR, quiet)).status).toBe(404);
  });

  it('refuses without claims (401) and a malformed comment id (400)', async () => {
    const api = fixture();
    expect((await api.remove(COMMENT_IDS[0], null)).status).toBe(401);
    const bad = await api.remove('not-a-ulid', ADA);
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('invalid_id');
    expect((await api.remove('01JDR3V9Q4X8K2M6N7P0S5T1WI', ADA)).status).toBe(400);
  });

  it('allows only DELETE on the path', async () => {
    const response = await fixture().handler(apiEvent(`/articles/${id}/comments/${COMMENT_IDS[0]}`));
    expect(response.statusCode).toBe(405);
    expect(response.headers?.allow).toBe('DELETE');
  });
});
