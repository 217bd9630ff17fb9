/**
 * Hostile input to the read API: the deployed API handler (functions/http-api.ts) over a real local DynamoDB server
 * with a few stored and indexed articles, fed generated paths and query strings. Whatever a client sends, the answer
 * is a 2xx or a 4xx with a JSON error body, never a 5xx; and a cursor that the API did not make is refused.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { restoreEnv, stubEnv, stubLocalAws } from '../support/stub-env';
import { labelled } from '../support/labelled';
import { InvalidCursorError } from '../../functions/ports';
import { DynamoRelatedStore } from '../../functions/store/dynamo-related-store';
import { storeArticle } from '../../functions/use-cases/store-article';
import { silentTelemetry } from '../../functions/shared/telemetry';
import { decodeCursor, encodeCursor } from '../../functions/contracts/cursor';
import { DynamoArticleStore, DynamoSourceStore } from '../../functions/store/dynamo-stores';
import { createLambdaContext } from '../../local/lambda-context';
import { createJwtAuthorizer } from '../../local/jwt-authorizer';
import { loadLocalIssuer } from '../../local/oidc-issuer';
import { createWebServer } from '../../local/web-server';
import { createDemoSite } from '../../local/demo-site';
import { apiEvent } from '../api/events';
import { makeArticle } from '../support/articles';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const IDS = ['AAAAAAAAAAAAAAAAAAAAAA', 'BBBBBBBBBBBBBBBBBBBBBB', 'CCCCCCCCCCCCCCCCCCCCCC'];
/** Every article is about the harbour of Kestrel Bay: its topics and related lists are not empty. */
const TITLE = 'Harbour works at Kestrel Bay';
const BODY = 'The harbour of Kestrel Bay reopened after the storm.\n\nKestrel Bay harbour pilots returned to work on Monday.';

let dynamo: LocalDynamo;
let handler: Handler;
let validCursor = '';

async function call(path: string, query = ''): Promise<APIGatewayProxyStructuredResultV2> {
  return handler(apiEvent(query === '' ? path : `${path}?${query}`), createLambdaContext('newsweave-api', 10));
}

/** The API's promise for any request: no 5xx, and a 4xx says what was wrong in the documented error shape. */
function expectClientSafe(result: APIGatewayProxyStructuredResultV2, what: string): void {
  const status = result.statusCode ?? 200;
  if (status >= 500) throw new Error(`${what} answered ${status}: ${result.body}`);
  labelled(what, () => expect(status).toBeGreaterThanOrEqual(200));
  if (status >= 400) {
    const body = JSON.parse(result.body ?? '') as { error?: { code?: unknown; message?: unknown } };
    labelled(what, () => expect(typeof body.error?.code).toBe('string'));
    labelled(what, () => expect(typeof body.error?.message).toBe('string'));
  }
}

beforeAll(async () => {
  dynamo = await startLocalDynamo('api-input');
  const articles = new DynamoArticleStore(dynamo);
  const related = new DynamoRelatedStore(dynamo);
  const sources = new DynamoSourceStore(dynamo);
  await sources.registerSource({
    id: 'example',
    name: 'Example News',
    url: 'https://news.example.com/feed.xml',
    schedule: 'rate(1 hour)',
  });
  for (const [n, id] of IDS.entries()) {
    const { storyId: _story, terms: _terms, ...draft } = makeArticle({ id, publishedAt: `2026-11-2${n}T10:00:00.000Z`, title: TITLE, body: BODY });
    await storeArticle(draft, { articles, related, sources, telemetry: silentTelemetry });
  }
  validCursor = (await articles.listArticles({ limit: 1 })).nextCursor ?? '';

  stubLocalAws({ tableName: dynamo.tableName, dynamoEndpoint: dynamo.endpoint });
  stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');
  handler = (await import('../../functions/http-api')).handler as unknown as Handler;
}, 60_000);

afterAll(async () => {
  restoreEnv();
  await dynamo?.stop();
});

describe('decodeCursor', () => {
  const isValidPosition = (position: { sortKey: string; id: string }) =>
    /^[A-Za-z0-9_-]{1,64}$/.test(position.id) && position.sortKey.endsWith(`#${position.id}`) && position.sortKey.length <= 105;

  const decodeOrRefuse = (cursor: string) => {
    try {
      const position = decodeCursor(cursor);
      labelled(cursor, () => expect(isValidPosition(position)).toBe(true));
    } catch (error) {
      labelled(cursor, () => expect(error).toBeInstanceOf(InvalidCursorError));
    }
  };

  it('refuses with InvalidCursorError or returns a valid position for any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 700 }), decodeOrRefuse), { numRuns: 2_000 });
  });

  it('does the same for base64url text of any JSON, the shape a forger would start from', () => {
    const forged = fc.oneof(
      fc.jsonValue(),
      fc.record({ s: fc.oneof(fc.string(), fc.jsonValue()), i: fc.oneof(fc.string(), fc.jsonValue()) }),
      fc.record({ s: fc.string({ unit: 'binary' }), i: fc.constantFrom(...IDS) }),
    );
    fc.assert(
      fc.property(forged, (value) => decodeOrRefuse(Buffer.from(JSON.stringify(value) ?? '', 'utf8').toString('base64url'))),
      { numRuns: 2_000 },
    );
  });

  it('gives back every position it encoded', () => {
    const position = fc
      .record({
        time: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }),
        id: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
      })
      .map(({ time, id }) => ({ sortKey: `${time.toISOString()}#${id}`, id }));
    fc.assert(fc.property(position, (p) => {
        expect(decodeCursor(encodeCursor(p))).toEqual(p);
      }), { numRuns: 500 });
  });
});

describe('the API handler under hostile requests', () => {
  it('refuses the classic bad requests with a clear 4xx', async () => {
    const cases: [string, string, number, string][] = [
      ['/articles/not-an-id', '', 400, 'invalid_id'],
      ['/articles/..%2F..%2Fetc%2Fpasswd', '', 400, 'invalid_id'],
      ['/articles/%2e%2e', '', 400, 'invalid_id'],
      ['/articles/%E0%A4%A', '', 400, 'invalid_id'],
      ['/articles/../sources', '', 404, 'route_not_found'],
      ['/articles/DDDDDDDDDDDDDDDDDDDDDD', '', 404, 'not_found'],
      ['/articles/DDDDDDDDDDDDDDDDDDDDDD/related', '', 404, 'not_found'],
      ['/articles', 'limit=-1', 400, 'invalid_limit'],
      ['/articles', 'limit=0', 400, 'invalid_limit'],
      ['/articles', 'limit=101', 400, 'invalid_limit'],
      ['/articles', 'limit=99999999999999999999999', 400, 'invalid_limit'],
      ['/articles', 'limit=1e2', 400, 'invalid_limit'],
      ['/articles', 'limit=NaN', 400, 'invalid_limit'],
      ['/articles', 'limit=5&limit=500', 400, 'invalid_query'],
      ['/articles', 'cursor=forged', 400, 'invalid_cursor'],
      ['/articles', `cursor=${'A'.repeat(1_000)}`, 400, 'invalid_cursor'],
      ['/articles', `cursor=${Buffer.from('{"s":"2026-11-20T10:00:00.000Z#x","i":"y"}').toString('base64url')}`, 400, 'invalid_cursor'],
      ['/articles', `q=harbour&cursor=${Buffer.from('{"o":1,"q":"other"}').toString('base64url')}`, 400, 'invalid_cursor'],
      ['/topics/harbour/articles', 'cursor=%00%01', 400, 'invalid_cursor'],
      ['/topics/%00/articles', '', 400, 'invalid_topic'],
      ['/topics/%FF/articles', '', 400, 'invalid_topic'],
      ['/topics/..%2F..%2F/articles', '', 200, ''],
      ['/articles', 'source=..%2Fsecret', 400, 'invalid_source'],
      ['/articles', `q=${'word '.repeat(100)}`, 400, 'invalid_query'],
      ['/articles', `q=${'x'.repeat(3_000)}`, 414, 'uri_too_long'],
      ['/sources', 'limit=1', 400, 'invalid_query'],
      ['/../../etc/passwd', '', 404, 'route_not_found'],
    ];
    for (const [path, query, status, code] of cases) {
      const result = await call(path, query);
      expectClientSafe(result, `${path}?${query.slice(0, 60)}`);
      labelled(`${path}?${query.slice(0, 60)}`, () => expect(result.statusCode).toBe(status));
      if (code) labelled(path, () => expect(JSON.parse(result.body ?? '').error.code).toBe(code));
    }
  });

  it('pages with its own cursor', async () => {
    const result = await call('/articles', `limit=1&cursor=${validCursor}`);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? '').items[0].id).toBe(IDS[1]);
  });

  it('never answers 5xx, whatever the path', async () => {
    const segment = fc.oneof(
      fc.constantFrom('articles', 'topics', 'sources', 'related', ...IDS, '', '.', '..', '%2e%2e', '%2F', '%', '%zz', '%c0%af', '%00'),
      fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent),
      fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
    );
    const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((segments) => `/${segments.join('/')}`);
    await fc.assert(
      fc.asyncProperty(path, async (p) => expectClientSafe(await call(p), p)),
      { numRuns: 400 },
    );
  });

  it('never answers 5xx, whatever the query string', async () => {
    const value = fc.oneof(
      fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
      fc.bigInt().map(String),
      fc.constant(validCursor),
      fc.string({ unit: 'binary', maxLength: 80 }).map(encodeURIComponent),
      fc.string({ unit: 'grapheme-ascii', maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 120 }).map((text) => Buffer.from(text).toString('base64url')),
      fc.jsonValue().map((json) => Buffer.from(JSON.stringify(json) ?? '').toString('base64url')),
    );
    const parameter = fc.tuple(fc.constantFrom('limit', 'cursor', 'source', 'q', 'x', 'limit[]', ''), value);
    const query = fc.oneof(
      fc.array(parameter, { maxLength: 4 }).map((pairs) => pairs.map(([name, v]) => `${name}=${v}`).join('&')),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: 'grapheme-ascii', minLength: 2_000, maxLength: 5_000 }),
    );
    const route = fc.constantFrom('/articles', `/articles/${IDS[0]}`, `/articles/${IDS[0]}/related`, '/topics/harbour/articles', '/sources');
    await fc.assert(
      fc.asyncProperty(route, query, async (r, q) => expectClientSafe(await call(r, q), `${r}?${q.slice(0, 80)}`)),
      { numRuns: 500 },
    );
  });
});

describe('the local web server under hostile paths', () => {
  let server: Server;
  let dir = '';
  let port = 0;

  beforeAll(async () => {
    // A secret beside the web root, where a traversal would land.
    dir = mkdtempSync(join(tmpdir(), 'newsweave-web-'));
    writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET');
    mkdirSync(join(dir, 'web', 'reader'), { recursive: true });
    mkdirSync(join(dir, 'web', 'ops'), { recursive: true });
    writeFileSync(join(dir, 'web', 'reader', 'index.html'), '<!doctype html><title>reader</title>');
    const issuer = await loadLocalIssuer({ dataDir: dir, port: 3000 });
    const authorizer = createJwtAuthorizer({ issuer: issuer.issuer, audience: [issuer.clientId], jwks: issuer.jwks });
    // The bundled demo outlets too, as `npm start` serves them: the repository's own files are beside their folder.
    const demo = await createDemoSite({ baseUrl: 'http://127.0.0.1:3000/demo' });
    server = createWebServer({ api: handler, identity: { issuer, authorizer }, demo, opsSnapshot: async () => ({}), onError: () => undefined, webDir: join(dir, 'web') });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((done) => server?.close(done));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The raw request target, sent as is: fetch() would normalise the dots away before they reach the server. */
  const get = (target: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port, path: target, method: 'GET' }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on('error', reject);
      request.end();
    });

  it('serves nothing outside the web root, and refuses bad API requests with a 4xx', async () => {
    const targets = [
      '/..%2fsecret.txt',
      '/..%2f..%2fsecret.txt',
      '/ops/..%2f..%2fsecret.txt',
      '/ops/%2e%2e/%2e%2e/secret.txt',
      '/reader/..%5c..%5csecret.txt',
      '/%2e%2e/%2e%2e/secret.txt',
      '/../secret.txt',
      '/%ff',
      '/%00',
      '/articles/..%2f..%2fsecret.txt',
      `/articles?q=${'x'.repeat(3_000)}`,
      '/articles?limit=-5',
      '/demo/..%2f..%2fpackage.json',
      '/demo/%2e%2e/%2e%2e/package.json',
      '/demo/harbor-times/..%2f..%2f..%2fpackage.json',
      '/demo/../../package.json',
      '/demo/%ff',
      '/demo/%00',
      '/demo/',
      '/demo/harbor-times',
    ];
    for (const target of targets) {
      const { status, body } = await get(target);
      labelled(target, () => expect(status).toBeGreaterThanOrEqual(400));
      labelled(target, () => expect(status).toBeLessThan(500));
      labelled(target, () => expect(body).not.toContain('TOP-SECRET'));
      labelled(target, () => expect(body).not.toContain('"devDependencies"'));
    }
    expect((await get('/')).status).toBe(200);
    expect((await get('/demo/harbor-times/rss.xml')).status).toBe(200);
  });

  it('answers a page it does not have with a 404 that is never cached', async () => {
    for (const path of ['/ARTICLES', '/no-such-page.html', '/local/oidc/nothing']) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      labelled(path, () => expect(response.status).toBe(404));
      labelled(path, () => expect(response.headers.get('cache-control')).toBe('no-store'));
      expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
    }
  });

  it('answers another method on a page with a 405 that says which methods are served (Allow), never cached', async () => {
    const cases = [
      ['POST', '/', 'GET, HEAD'],
      ['DELETE', '/ops/', 'GET, HEAD'],
      ['PUT', '/ops/metrics.json', 'GET, HEAD'],
      ['POST', '/local/oidc/sign-in', 'GET, HEAD'],
      ['PUT', '/ops/redrive', 'POST'],
      ['GET', '/ops/redrive', 'POST'],
      ['GET', '/local/oidc/token', 'POST'],
    ];
    for (const [method, path, allow] of cases) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, body: method === 'DELETE' || method === 'GET' ? undefined : 'x' });
      labelled(`${method} ${path}`, () => expect(response.status).toBe(405));
      labelled(`${method} ${path}`, () => expect(response.headers.get('allow')).toBe(allow));
      labelled(`${method} ${path}`, () => expect(response.headers.get('cache-control')).toBe('no-store'));
      expect(await response.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
    }
  });
});

describe('the local web server when its own work fails', () => {
  it('answers a 500 in the API\'s shape, never cached, and reports the failure', async () => {
    const errors: string[] = [];
    const server = createWebServer({
      api: handler,
      identity: {} as never,
      opsSnapshot: async () => {
        throw new Error('metrics unreadable');
      },
      onError: (message) => errors.push(message),
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/ops/metrics.json`);
      expect(response.status).toBe(500);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.json()).toEqual({ error: { code: 'internal', message: 'internal error' } });
      expect(errors).toEqual(['http: metrics unreadable']);
    } finally {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  });
});
