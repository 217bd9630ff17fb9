import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { toApiGatewayEvent, writeResult } from '../../local/http-to-apigw';
import { apiFixture, articleId } from './fixture';

/** A real loopback server: each request becomes an event, is recorded, and is answered by the current handler. */
let server: Server;
let origin = '';
let events: APIGatewayProxyEventV2[] = [];
let answer: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => done(Buffer.concat(chunks)));
    request.on('error', fail);
  });
}

beforeAll(async () => {
  server = createServer((request, response) => {
    void (async () => {
      const event = toApiGatewayEvent(request, await readBody(request));
      events.push(event);
      writeResult(response, await answer(event));
    })();
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

beforeEach(() => {
  events = [];
  answer = async () => ({ statusCode: 204 });
});

describe('toApiGatewayEvent', () => {
  it('builds a payload 2.0 event as a $default route receives it', async () => {
    const before = Date.now();
    await fetch(`${origin}/articles?limit=5&tag=a&tag=b%2Cc&q=two+words`, {
      headers: { 'X-Custom-Header': 'Value', Cookie: 'a=1; b=2' },
    });
    const event = events[0];
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/articles',
      rawQueryString: 'limit=5&tag=a&tag=b%2Cc&q=two+words',
      queryStringParameters: { limit: '5', tag: 'a,b,c', q: 'two words' },
      cookies: ['a=1', 'b=2'],
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'GET', path: '/articles', sourceIp: '127.0.0.1', protocol: 'HTTP/1.1' },
        routeKey: '$default',
        stage: '$default',
      },
    });
    expect(event?.headers['x-custom-header']).toBe('Value');
    expect(event?.headers).not.toHaveProperty('cookie');
    expect(event?.pathParameters).toBeUndefined();
    expect(event?.body).toBeUndefined();
    expect(event?.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event?.requestContext.timeEpoch).toBeGreaterThanOrEqual(before);
    expect(event?.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  });

  it('keeps the path raw, leaving decoding and routing to the handler', async () => {
    await fetch(`${origin}/articles/..%2F..%2Fetc/related`);
    expect(events[0]?.rawPath).toBe('/articles/..%2F..%2Fetc/related');
  });

  it('gives a new request id to every request and no query parameters when there is no query', async () => {
    await fetch(`${origin}/sources`);
    await fetch(`${origin}/sources?`);
    expect(events[0]?.requestContext.requestId).not.toBe(events[1]?.requestContext.requestId);
    expect(events.map((event) => event.queryStringParameters)).toEqual([undefined, undefined]);
  });

  it('treats parameter names such as constructor and __proto__ as plain names', async () => {
    await fetch(`${origin}/articles?constructor=x&__proto__=y&__proto__=z`);
    const parameters = events[0]?.queryStringParameters ?? {};
    expect(Object.getOwnPropertyNames(parameters).sort()).toEqual(['__proto__', 'constructor']);
    expect(parameters.constructor).toBe('x');
    expect(Object.getOwnPropertyDescriptor(parameters, '__proto__')?.value).toBe('y,z');
  });

  it('passes text bodies as text and binary ones base64-encoded', async () => {
    await fetch(`${origin}/articles`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"é"}' });
    await fetch(`${origin}/articles`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([0, 255, 1]) });
    expect(events[0]).toMatchObject({ body: '{"a":"é"}', isBase64Encoded: false, requestContext: { http: { method: 'POST' } } });
    expect(events[1]).toMatchObject({ body: 'AP8B', isBase64Encoded: true, requestContext: { http: { method: 'PUT' } } });
  });

  it('passes a text body that is not UTF-8 as its bytes, for the handler to refuse', async () => {
    const broken = Buffer.concat([Buffer.from('{"body":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    await fetch(`${origin}/articles`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: broken });
    expect(events[0]).toMatchObject({ body: broken.toString('base64'), isBase64Encoded: true });
  });
});

describe('writeResult', () => {
  it('writes the status, headers, cookies and body', async () => {
    answer = async () => ({
      statusCode: 418,
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-count': 3 },
      cookies: ['a=1; Path=/', 'b=2'],
      body: '{"ok":"é"}',
    });
    const response = await fetch(`${origin}/x`);
    expect(response.status).toBe(418);
    expect(response.headers.get('x-count')).toBe('3');
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength('{"ok":"é"}')));
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2']);
    expect(await response.json()).toEqual({ ok: 'é' });
  });

  it('decodes a base64 body and defaults the status to 200', async () => {
    answer = async () => ({ body: Buffer.from([1, 2, 3]).toString('base64'), isBase64Encoded: true });
    const response = await fetch(`${origin}/x`);
    expect(response.status).toBe(200);
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([1, 2, 3]);
  });
});

describe('the API handler behind the local transport', () => {
  it('serves the same answers over HTTP as in Lambda', async () => {
    answer = apiFixture().handler;
    const list = await fetch(`${origin}/articles?limit=2`);
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(2);

    const repeated = await fetch(`${origin}/articles?limit=1&limit=2`);
    expect(repeated.status).toBe(400);
    expect(await repeated.json()).toEqual({ error: { code: 'invalid_query', message: 'query parameter "limit" given more than once' } });

    const traversal = await fetch(`${origin}/articles/..%2F..%2Fsources`);
    expect(traversal.status).toBe(400);

    const head = await fetch(`${origin}/articles/${articleId(0)}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');

    const post = await fetch(`${origin}/sources`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers a conditional GET or HEAD with a bare 304, with neither body nor Content-Length', async () => {
    answer = apiFixture().handler;
    const url = `${origin}/articles/${articleId(0)}`;
    const full = await fetch(url);
    const etag = full.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    for (const method of ['GET', 'HEAD']) {
      const again = await rawRequest(url, method, { 'if-none-match': `W/${etag}` });
      expect(again).toMatchObject({ status: 304, body: '' });
      expect(again.headers).toMatchObject({ etag, 'cache-control': 'public, max-age=300' });
      expect(again.headers).not.toHaveProperty('content-length');
      expect(again.headers).not.toHaveProperty('content-type');
    }
  });

  it('answers a HEAD with the GET\'s headers and no Content-Length, not a false 0', async () => {
    answer = apiFixture().handler;
    const url = `${origin}/articles/${articleId(0)}`;
    const get = await rawRequest(url, 'GET');
    const head = await rawRequest(url, 'HEAD');
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(get.headers).toHaveProperty('content-length');
    expect(head.headers).not.toHaveProperty('content-length');
    expect(head.headers).not.toHaveProperty('transfer-encoding');
    expect(head.headers).toMatchObject({ etag: get.headers.etag, 'content-type': get.headers['content-type'] });
  });

  it('gives a HEAD answer that carries its body (an error of the local server) its length', async () => {
    answer = async () => ({ statusCode: 404, headers: { 'content-type': 'application/json' }, body: '{"error":{}}' });
    const head = await rawRequest(`${origin}/x`, 'HEAD');
    expect(head).toMatchObject({ status: 404, body: '' });
    expect(head.headers).toMatchObject({ 'content-length': String('{"error":{}}'.length) });
  });

  it('sends no Content-Length with a 204', async () => {
    answer = async () => ({ statusCode: 204, headers: { 'cache-control': 'no-store' } });
    const response = await rawRequest(`${origin}/x`, 'DELETE');
    expect(response.status).toBe(204);
    expect(response.headers).not.toHaveProperty('content-length');
  });
});

/** A request by node:http, which shows the headers exactly as sent (fetch would add what it infers). */
function rawRequest(url: string, method: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((done, fail) => {
    const request = httpRequest(url, { method, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => done({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', fail);
    request.end();
  });
}
