import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { createApiHandler } from '../../functions/api/create-api-handler';
import { apiEvent, routeKeyEvent } from './events';
import { failingPorts, makeSource, recordingTelemetry } from './fakes';
import { ARTICLE_COUNT, apiFixture, articleId } from './fixture';

async function call(target: string, options?: Parameters<typeof apiEvent>[1]) {
  const { handler } = apiFixture();
  const result = await handler(apiEvent(target, options));
  return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
}

describe('GET /articles', () => {
  it('lists the newest 20 first and pages through the rest with the cursor', async () => {
    const { handler } = apiFixture();
    const first = JSON.parse((await handler(apiEvent('/articles'))).body ?? '');
    expect(first.items).toHaveLength(20);
    expect(first.items[0].id).toBe(articleId(0));
    expect(first.items[19].id).toBe(articleId(19));
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = JSON.parse((await handler(apiEvent(`/articles?cursor=${first.nextCursor}`))).body ?? '');
    expect(second.items.map((item: { id: string }) => item.id)).toEqual([20, 21, 22, 23, 24].map(articleId));
    expect(second.nextCursor).toBeNull();
  });

  it('returns summaries only, with JSON and short-cache headers', async () => {
    const response = await call('/articles?limit=1');
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'public, max-age=30',
      'x-content-type-options': 'nosniff',
    });
    expect(Object.keys(response.json.items[0]).sort()).toEqual(['id', 'publishedAt', 'source', 'summary', 'title', 'url']);
  });

  it.each([
    ['1', 1],
    ['100', ARTICLE_COUNT],
    ['007', 7],
  ])('accepts limit=%s', async (limit, expected) => {
    const response = await call(`/articles?limit=${limit}`);
    expect(response.statusCode).toBe(200);
    expect(response.json.items).toHaveLength(expected);
  });

  it.each(['0', '-1', '101', '1.5', '5.0', '0x10', '1e2', '%2B5', '%205', '', 'abc', '5%2C6', '99999999999999999999', 'Infinity', 'NaN'])(
    'refuses limit=%s with 400 invalid_limit, never clamping',
    async (limit) => {
      const response = await call(`/articles?limit=${limit}`);
      expect(response.statusCode).toBe(400);
      expect(response.json.error.code).toBe('invalid_limit');
      expect(response.headers?.['cache-control']).toBe('no-store');
    },
  );

  it('filters by source, and an unknown source is an empty list', async () => {
    const hindu = await call('/articles?source=the-hindu&limit=100');
    expect(hindu.json.items).toHaveLength(13);
    expect(hindu.json.items.every((item: { source: { id: string } }) => item.source.id === 'the-hindu')).toBe(true);
    const unknown = await call('/articles?source=nobody');
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json).toEqual({ items: [], nextCursor: null });
    expect((await call('/articles?source=')).json.items).toHaveLength(20);
  });

  it.each(['The-Hindu', 'a%2Fb', 'x'.repeat(65), 'the hindu', 'the-hindu%00'])('refuses source=%s', async (source) => {
    const response = await call(`/articles?source=${source}`);
    expect(response.statusCode).toBe(400);
    expect(response.json.error.code).toBe('invalid_source');
  });

  it.each(['bm90LW9uZS1vZiBvdXJz', '!!!', 'x'.repeat(1025)])('refuses a cursor it did not make (%s)', async (cursor) => {
    const response = await call(`/articles?cursor=${cursor}`);
    expect(response.statusCode).toBe(400);
    expect(response.json.error.code).toBe('invalid_cursor');
  });

  it('searches with q through the related index, words trimmed and collapsed', async () => {
    const { handler, related } = apiFixture();
    const response = await handler(apiEvent('/articles?q=%20%20Election%20%20results+&limit=3'));
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body ?? '');
    expect(body.items.map((item: { id: string }) => item.id)).toEqual([0, 5, 10].map(articleId));
    expect(body.nextCursor).toEqual(expect.any(String));
    expect(related.calls).toEqual([{ method: 'search', argument: 'Election results', limit: 3 }]);
  });

  it.each([
    ['q=', 'empty q'],
    ['q=%20%20', 'blank q'],
    ['q=%E2%80%8B%E2%80%8C', 'a q of zero-width characters only'],
    [`q=${'a'.repeat(201)}`, 'q over 200 characters'],
    ['q=news&source=bbc-news', 'q with source'],
    ['limt=5', 'an unknown parameter'],
    ['limit=5&limit=6', 'a repeated parameter'],
  ])('refuses %s (%s) with 400 invalid_query', async (query) => {
    const response = await call(`/articles?${query}`);
    expect(response.statusCode).toBe(400);
    expect(response.json.error.code).toBe('invalid_query');
  });

  it('refuses a query string over 2 KB with 414', async () => {
    const response = await call(`/articles?q=${'a'.repeat(2100)}`);
    expect(response.statusCode).toBe(414);
    expect(response.json.error.code).toBe('uri_too_long');
  });
});

describe('GET /articles/{id}', () => {
  it('returns the full article with its topics, not its raw terms', async () => {
    const response = await call(`/articles/${articleId(0)}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['cache-control']).toBe('public, max-age=300');
    expect(response.json).toMatchObject({ id: articleId(0), body: 'First paragraph.\n\nSecond paragraph.', storyId: articleId(0) });
    expect(response.json.topics).toEqual([
      { topic: 'vladimir putin', label: 'Vladimir Putin' },
      { topic: 'elections', label: 'elections' },
    ]);
    expect(response.json).not.toHaveProperty('terms');
  });

  it('answers 404 not_found for an unknown id', async () => {
    const response = await call(`/articles/${'z'.repeat(22)}`);
    expect(response.statusCode).toBe(404);
    expect(response.json.error.code).toBe('not_found');
  });

  it.each(['short', 'x'.repeat(33), '..%2F..%2F..%2Fetc%2Fpasswd', '%E0%A4%A', 'abc%20defghijklmnopqrs', 'abcdefghijklmnop%00', '%C3%A9'.repeat(16)])(
    'refuses the id %s with 400 invalid_id',
    async (id) => {
      const response = await call(`/articles/${id}`);
      expect(response.statusCode).toBe(400);
      expect(response.json.error.code).toBe('invalid_id');
    },
  );

  it('takes no query parameters', async () => {
    const response = await call(`/articles/${articleId(0)}?fields=all`);
    expect(response.statusCode).toBe(400);
    expect(response.json.error.code).toBe('invalid_query');
  });
});

describe('GET /articles/{id}/related', () => {
  it('lists related articles best first, never the article itself', async () => {
    const { handler, related } = apiFixture();
    const response = await handler(apiEvent(`/articles/${articleId(0)}/related?limit=5`));
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body ?? '');
    expect(body.items.map((item: { id: string }) => item.id)).toEqual([articleId(1), articleId(2)]);
    expect(body.items[0]).toEqual(expect.objectContaining({ score: 0.8, reasons: ['Vladimir Putin', 'election'] }));
    expect(body.items[0]).not.toHaveProperty('body');
    expect(related.calls).toEqual([{ method: 'findRelated', argument: articleId(0), limit: 5 }]);
  });

  it('cuts a list longer than the limit', async () => {
    const response = await call(`/articles/${articleId(0)}/related?limit=1`);
    expect(response.json.items).toHaveLength(1);
  });

  it('answers 404 for an unknown article and an empty list for one stored but not yet indexed', async () => {
    expect((await call(`/articles/${'z'.repeat(22)}/related`)).statusCode).toBe(404);
    const unindexed = await call(`/articles/${articleId(3)}/related`);
    expect(unindexed.statusCode).toBe(200);
    expect(unindexed.json).toEqual({ items: [] });
  });

  it.each(['0', '51', '-3', '2.5'])('refuses limit=%s', async (limit) => {
    const response = await call(`/articles/${articleId(0)}/related?limit=${limit}`);
    expect(response.statusCode).toBe(400);
    expect(response.json.error.code).toBe('invalid_limit');
  });
});

describe('GET /topics/{topic}/articles', () => {
  it('normalises the topic: decoded, trimmed, collapsed, lowercased', async () => {
    const { handler, related } = apiFixture();
    const response = await handler(apiEvent('/topics/%20Vladimir%20%20PUTIN%20/articles?limit=2'));
    const body = JSON.parse(response.body ?? '');
    expect(response.statusCode).toBe(200);
    expect(body.items.map((item: { id: string }) => item.id)).toEqual([articleId(0), articleId(3)]);
    expect(body.nextCursor).toEqual(expect.any(String));
    expect(related.calls[0]).toEqual({ method: 'listTopic', argument: 'vladimir putin', limit: 2 });
  });

  it('answers an unknown topic with an empty list', async () => {
    const response = await call('/topics/nothing-here/articles');
    expect(response.statusCode).toBe(200);
    expect(response.json).toEqual({ items: [], nextCursor: null });
  });

  // Empty, too long, bad encoding; control characters of C0, DEL and C1 (U+0085, U+009B); nothing visible (a zero-width
  // space, a word joiner and a soft hyphen).
  it.each(['%20%20', 'x'.repeat(101), '%E0%A4%A', 'a%00b', 'a%1Fb', 'a%7Fb', '%C2%85', 'rovers%C2%85', 'a%C2%9Bb', '%E2%80%8B', '%E2%81%A0%C2%AD%20'])('refuses the topic %s with 400 invalid_topic', async (topic) => {
    const response = await call(`/topics/${topic}/articles`);
    expect(response.statusCode).toBe(400);
    expect(response.json.error.code).toBe('invalid_topic');
  });

  it('accepts a 100-character topic and one with an encoded slash', async () => {
    expect((await call(`/topics/${'é'.repeat(100)}/articles`)).statusCode).toBe(200);
    expect((await call('/topics/ac%2Fdc/articles')).statusCode).toBe(200);
  });
});

describe('GET /sources', () => {
  it('lists the sources by id with their health, without fetch internals', async () => {
    const response = await call('/sources');
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['cache-control']).toBe('public, max-age=15');
    expect(response.json.items.map((source: { id: string }) => source.id)).toEqual(['bbc-news', 'the-hindu']);
    expect(response.json.items[0]).toEqual({
      id: 'bbc-news',
      name: 'BBC News',
      url: 'https://bbc-news.example.com/feed.xml',
      lastFetchedAt: '2026-11-20T10:00:00.000Z',
      lastSuccessAt: null,
      lastError: 'HTTP 503 from the feed',
      lastErrorKind: 'http-503',
      errorCount: 2,
      nextAttemptAt: '2026-11-20T10:10:00.000Z',
      articleCount: 3,
      lastPageError: null,
      lastPageErrorAt: null,
      pageErrorCount: 0,
      refreshMinutes: null,
    });
  });

  it('says how often each source is refreshed, from the schedule its record holds', async () => {
    const response = await call('/sources');
    expect(response.json.items.map((source: { id: string; refreshMinutes: unknown }) => [source.id, source.refreshMinutes])).toEqual([
      ['bbc-news', null],
      ['the-hindu', 10],
    ]);
  });

  it('lists records whose schedule is missing or garbage, with no interval, instead of failing', async () => {
    const { handler, sources } = apiFixture();
    const hostile: [string, unknown][] = [
      ['a-number', 10],
      ['an-object', { rate: 10 }],
      ['not-a-schedule', 'every ten minutes'],
      ['a-zero-rate', 'rate(0 minutes)'],
      ['weekdays-only', 'cron(30 6 ? * MON-FRI *)'],
      ['an-hourly-cron', 'cron(0 * * * ? *)'],
    ];
    for (const [sourceId, schedule] of hostile) sources.sources.set(sourceId, makeSource({ sourceId, schedule: schedule as string }));
    const result = await handler(apiEvent('/sources'));
    expect(result.statusCode).toBe(200);
    const items: { id: string; refreshMinutes: unknown }[] = JSON.parse(result.body ?? '').items;
    expect(Object.fromEntries(items.map((source) => [source.id, source.refreshMinutes]))).toEqual({
      'a-number': null,
      'an-object': null,
      'not-a-schedule': null,
      'a-zero-rate': null,
      'weekdays-only': null,
      'an-hourly-cron': 60,
      'bbc-news': null,
      'the-hindu': 10,
    });
  });
});

describe('routing', () => {
  it.each(['/', '/articles/', '//articles', '/articles/../sources', '/articles/./x', '/Articles', '/sources/x', '/topics//articles', '/nope'])(
    'answers %s with 404 route_not_found',
    async (path) => {
      const response = await call(path);
      expect(response.statusCode).toBe(404);
      expect(response.json.error.code).toBe('route_not_found');
    },
  );

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'])('answers %s with 405 and an Allow header', async (method) => {
    const response = await call('/articles', { method });
    expect(response.statusCode).toBe(405);
    expect(response.headers?.allow).toBe('GET, HEAD');
    expect(response.json.error).toEqual({ code: 'method_not_allowed', message: 'this path takes GET, HEAD' });
  });

  it('answers HEAD like GET without a body', async () => {
    const { handler } = apiFixture();
    const response = await handler(apiEvent('/sources', { method: 'HEAD' }));
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('');
    expect(response.headers?.['content-type']).toBe('application/json; charset=utf-8');
  });

  it('strips a named stage from rawPath', async () => {
    const response = await call('/articles?limit=2', { stage: 'prod' });
    expect(response.statusCode).toBe(200);
    expect(response.json.items).toHaveLength(2);
  });

  it('routes an event that has only a route key and path parameters', async () => {
    const { handler } = apiFixture();
    const response = await handler(routeKeyEvent('GET /articles/{id}/related', { id: articleId(0) }));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '').items).toHaveLength(2);
  });

  it('routes on the path, whatever concrete route key API Gateway matched', async () => {
    const response = await call(`/articles/${articleId(4)}`, { routeKey: 'GET /articles/{id}', pathParameters: { id: articleId(4) } });
    expect(response.json.id).toBe(articleId(4));
  });
});

describe('failures and telemetry', () => {
  it('answers 500 with a generic message when a store fails, and logs the cause', async () => {
    const telemetry = recordingTelemetry();
    const handler = createApiHandler({ ...failingPorts(), telemetry });
    const response = await handler(apiEvent('/articles'));
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body ?? '')).toEqual({ error: { code: 'internal', message: 'internal error' } });
    expect(response.body).not.toContain('secret');
    expect(telemetry.logs).toEqual([
      expect.objectContaining({
        level: 'error',
        extra: expect.objectContaining({ route: '/articles', requestId: 'req-1', error: expect.objectContaining({ message: expect.stringContaining('secret') }) }),
      }),
    ]);
    expect(telemetry.counts.map((c) => c.metric)).toEqual(['ApiRequests', 'ApiErrors']);
  });

  it('logs a refused request at debug level with its route, status, error code and API Gateway request id', async () => {
    const telemetry = recordingTelemetry();
    const handler = createApiHandler({ ...failingPorts(), telemetry });
    expect((await handler(apiEvent('/articles?limit=0'))).statusCode).toBe(400);
    expect(telemetry.logs).toEqual([
      expect.objectContaining({
        level: 'debug',
        message: 'API request refused',
        extra: { route: '/articles', status: 400, code: 'invalid_limit', requestId: 'req-1' },
      }),
    ]);
  });

  it('still validates before touching a failing store', async () => {
    const handler = createApiHandler({ ...failingPorts(), telemetry: recordingTelemetry() });
    expect((await handler(apiEvent('/articles?limit=0'))).statusCode).toBe(400);
  });

  it('counts every request, client errors apart from server errors, and times each one', async () => {
    const { handler, telemetry } = apiFixture();
    await handler(apiEvent('/articles'));
    await handler(apiEvent('/articles?limit=-1'));
    await handler(apiEvent('/nope'));
    expect(telemetry.counts.map((c) => c.metric)).toEqual(['ApiRequests', 'ApiRequests', 'ApiClientErrors', 'ApiRequests', 'ApiClientErrors']);
    expect(telemetry.timings).toHaveLength(3);
    expect(telemetry.timings.every((t) => t.metric === 'ApiLatency' && t.milliseconds >= 0)).toBe(true);
  });

  it('never answers hostile paths and query strings with a 5xx or a non-JSON error', async () => {
    const { handler } = apiFixture();
    const segment = fc.oneof(
      fc.constantFrom('articles', 'topics', 'sources', 'related', '..', '.', '', '%', '%2F', '%00', '%E0%A4%A', articleId(1)),
      fc.string({ maxLength: 40 }),
    );
    const query = fc.oneof(
      fc.constantFrom('', 'limit=', 'limit=-1', 'limit=1e9', 'cursor=%FF', 'q=%00', 'source=../x', 'limit=5&limit=5'),
      fc.string({ maxLength: 3000 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { maxLength: 5 }), query, fc.constantFrom('GET', 'HEAD', 'POST'), async (segments, rawQuery, method) => {
        const response = await handler(apiEvent(`/${segments.join('/')}?${rawQuery}`, { method }));
        expect(response.statusCode).toBeLessThan(500);
        if (response.statusCode !== 200 && method !== 'HEAD') {
          expect(JSON.parse(response.body ?? '').error.code).toEqual(expect.any(String));
        }
      }),
      { numRuns: 400 },
    );
  });
});
