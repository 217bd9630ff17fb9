/**
 * Conditional GET: the entity tag of an answer and RFC 9110's If-None-Match (weak comparison, lists, `*`), first
 * as pure functions, then through the handler on every GET route and on HEAD, the comment list included.
 */
import { describe, expect, it } from '@jest/globals';
import { entityTag, ifNoneMatchNames } from '../../functions/api/conditional';
import { ROUTES } from '../../functions/api/match-route';
import { CACHE } from '../../functions/api/responses';
import { ADA, apiEvent, signedInEvent } from './events';
import { apiFixture, articleId } from './fixture';

describe('entityTag', () => {
  it('is a quoted, strong tag of 22 base64url characters that depends on every byte of the body only', () => {
    const tag = entityTag('{"items":[]}');
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(entityTag('{"items":[]}')).toBe(tag);
    expect(entityTag('{"items":[] }')).not.toBe(tag);
    expect(entityTag('é')).not.toBe(entityTag('e'));
  });
});

describe('ifNoneMatchNames (RFC 9110 §13.1.2, weak comparison)', () => {
  const tag = '"abc"';
  it.each([
    ['"abc"', true],
    ['W/"abc"', true],
    ['*', true],
    [' * ', true],
    ['"x", "abc"', true],
    ['"x",W/"abc"', true],
    ['"x" ,\t"abc" ', true],
    [', "abc",', true],
    ['"a,b", "abc"', true],
    ['"x"', false],
    ['"ABC"', false],
    ['w/"abc"', false],
    ['abc', false],
    ['"abc', false],
    ['"abc" "x"', false],
    ['"ab c"', false],
    ['"x", abc', false],
    ['', false],
    ['*, "abc"', false],
  ])('%j names "abc": %s', (field, expected) => {
    expect(ifNoneMatchNames(field, tag)).toBe(expected);
  });

  it('names nothing without the field', () => {
    expect(ifNoneMatchNames(undefined, tag)).toBe(false);
  });

  it('compares the opaque tags when the answer\'s tag is weak too', () => {
    expect(ifNoneMatchNames('"abc"', 'W/"abc"')).toBe(true);
  });
});

describe('the handler', () => {
  const id = articleId(0);
  const getRoutes = ROUTES.filter((route) => route.method === 'GET');
  const targets: Record<string, string> = {
    '/articles': '/articles?limit=3',
    '/articles/{id}': `/articles/${id}`,
    '/articles/{id}/related': `/articles/${id}/related`,
    '/articles/{id}/comments': `/articles/${id}/comments`,
    '/topics/{topic}/articles': '/topics/election/articles',
    '/sources': '/sources',
  };

  it('has a target here for every GET route', () => {
    expect(getRoutes.map((route) => route.template).sort()).toEqual(Object.keys(targets).sort());
  });

  it.each(Object.entries(targets))('%s: a 200 with the ETag of its body, then a 304 with no body for that ETag', async (_, target) => {
    const { handler } = apiFixture();
    const full = await handler(apiEvent(target));
    expect(full.statusCode).toBe(200);
    const etag = String(full.headers?.etag);
    expect(etag).toBe(entityTag(full.body ?? ''));
    const cacheControl = full.headers?.['cache-control'];

    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await handler(apiEvent(target, { headers: { 'If-None-Match': ifNoneMatch } }));
      expect(again.statusCode).toBe(304);
      expect(again.body).toBeUndefined();
      expect(again.headers).toEqual({ etag, 'cache-control': cacheControl });
    }
    const changed = await handler(apiEvent(target, { headers: { 'if-none-match': '"something-else"' } }));
    expect(changed).toEqual(full);
  });

  it('answers HEAD with the headers of GET, its ETag included, and no body; and 304 on a match', async () => {
    const { handler } = apiFixture();
    const get = await handler(apiEvent(`/articles/${id}`));
    const head = await handler(apiEvent(`/articles/${id}`, { method: 'HEAD' }));
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers).toEqual(get.headers);
    const conditional = await handler(apiEvent(`/articles/${id}`, { method: 'HEAD', headers: { 'if-none-match': String(get.headers?.etag) } }));
    expect(conditional).toEqual({ statusCode: 304, headers: { etag: get.headers?.etag, 'cache-control': CACHE.article } });
  });

  it('gives a new ETag when the answer changes: a comment posted changes the list\'s', async () => {
    const { handler } = apiFixture();
    const before = await handler(apiEvent(`/articles/${id}/comments`));
    expect((await handler(signedInEvent(`/articles/${id}/comments`, { method: 'POST', user: ADA, body: { body: 'New one' } }))).statusCode).toBe(201);
    const after = await handler(apiEvent(`/articles/${id}/comments`, { headers: { 'if-none-match': String(before.headers?.etag) } }));
    expect(after.statusCode).toBe(200);
    expect(after.headers?.etag).not.toBe(before.headers?.etag);
    // Comments stay uncached in browsers: the validator only saves the body of an unchanged list.
    expect(after.headers?.['cache-control']).toBe(CACHE.comments);
  });

  it('puts no ETag on errors or on the writes, and ignores If-None-Match there', async () => {
    const { handler } = apiFixture();
    const missing = await handler(apiEvent(`/articles/${'Q'.repeat(22)}`, { headers: { 'if-none-match': '*' } }));
    expect(missing.statusCode).toBe(404);
    expect(missing.headers).not.toHaveProperty('etag');
    const invalid = await handler(apiEvent('/articles?limit=0', { headers: { 'if-none-match': '*' } }));
    expect(invalid.statusCode).toBe(400);
    const posted = await handler({
      ...signedInEvent(`/articles/${id}/comments`, { method: 'POST', user: ADA, body: { body: 'Hi' } }),
    });
    expect(posted.statusCode).toBe(201);
    expect(posted.headers).not.toHaveProperty('etag');
  });
});
