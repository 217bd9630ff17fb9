import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { toFetchError } from '../../functions/fetch/fetch-errors';
import { classifyPageFailure } from '../../functions/fetch/classify-failure';
import { DEFAULT_USER_AGENT, createFetcher, parseRetryAfter, type FetcherOptions } from '../../functions/fetch/http-fetch';
import { FetchError } from '../../functions/ports';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const FEED = '<rss><channel><title>t</title></channel></rss>';
const routes = new Map<string, Handler>();
let server: Server;
let base = '';
const sockets = new Set<Socket>();
let inFlight = 0;
let maxInFlight = 0;

function route(path: string, handler: Handler): string {
  routes.set(path, handler);
  return `${base}${path}`;
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const handler = routes.get(new URL(request.url ?? '/', 'http://x').pathname);
    if (handler) handler(request, response);
    else response.writeHead(404).end();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function fetcher(options: FetcherOptions = {}) {
  return createFetcher({ allowPrivateAddresses: true, ...options });
}

async function fetchError(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

describe('fetching', () => {
  it('sends a named User-Agent and the Accept header, and returns headers and body', async () => {
    let seen: IncomingMessage['headers'] = {};
    const url = route('/feed', (request, response) => {
      seen = request.headers;
      response.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"' }).end(FEED);
    });
    const result = await fetcher().fetch(url, { accept: 'application/rss+xml' });
    expect(result).toMatchObject({ status: 200, url, notModified: false });
    expect(result.headers.etag).toBe('"v1"');
    expect(result.body.toString()).toBe(FEED);
    expect(seen['user-agent']).toBe(DEFAULT_USER_AGENT);
    expect(seen.accept).toBe('application/rss+xml');
    expect(seen['if-none-match']).toBeUndefined();
  });

  it('makes conditional GETs and reports 304 as not modified', async () => {
    const url = route('/conditional', (request, response) => {
      if (request.headers['if-none-match'] === '"v2"' && request.headers['if-modified-since'] === 'Tue, 10 Nov 2026 09:00:00 GMT') {
        response.writeHead(304, { etag: '"v2"' }).end();
      } else {
        response.writeHead(200, { etag: '"v2"' }).end(FEED);
      }
    });
    const conditional = await fetcher().fetch(url, { accept: '*/*', etag: '"v2"', lastModified: 'Tue, 10 Nov 2026 09:00:00 GMT' });
    expect(conditional).toMatchObject({ status: 304, notModified: true });
    expect(conditional.body).toHaveLength(0);
    expect((await fetcher().fetch(url, { accept: '*/*' })).status).toBe(200);
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['deflate', deflateRawSync],
    ['br', brotliCompressSync],
  ] as const)('decompresses %s', async (encoding, compress) => {
    const text = FEED.repeat(200);
    const url = route(`/compressed-${encoding}-${compress.name}`, (_request, response) => {
      response.writeHead(200, { 'content-encoding': encoding }).end(compress(Buffer.from(text)));
    });
    expect((await fetcher().fetch(url, { accept: '*/*' })).body.toString()).toBe(text);
  });
});

describe('HTTP errors and Retry-After', () => {
  it('reads Retry-After seconds on 429', async () => {
    const url = route('/throttled', (_request, response) => response.writeHead(429, { 'retry-after': '120' }).end());
    expect(await fetchError(fetcher().fetch(url, { accept: '*/*' }))).toMatchObject({ kind: 'http', status: 429, retryAfterMs: 120_000 });
  });

  it('reads a Retry-After HTTP date on 503', async () => {
    const now = Date.parse('2026-11-10T09:00:00Z');
    const url = route('/unavailable', (_request, response) =>
      response.writeHead(503, { 'retry-after': 'Tue, 10 Nov 2026 09:30:00 GMT' }).end(),
    );
    expect(await fetchError(fetcher({ now: () => now }).fetch(url, { accept: '*/*' }))).toMatchObject({
      kind: 'http',
      status: 503,
      retryAfterMs: 30 * 60_000,
    });
  });

  it('reports other statuses with no Retry-After', async () => {
    const error = await fetchError(fetcher().fetch(`${base}/missing`, { accept: '*/*' }));
    expect(error).toMatchObject({ kind: 'http', status: 404 });
    expect(error.retryAfterMs).toBeUndefined();
  });

  it.each([
    ['0', 0],
    ['17', 17_000],
    ['Tue, 10 Nov 2026 08:00:00 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('parseRetryAfter(%s) = %s', (value, expected) => {
    expect(parseRetryAfter(value, Date.parse('2026-11-10T09:00:00Z'))).toBe(expected);
  });
});

describe('redirects', () => {
  it('follows up to 5 redirects and reports the final URL', async () => {
    for (let i = 0; i < 5; i += 1) route(`/hop${i}`, (_request, response) => response.writeHead(i % 2 ? 301 : 307, { location: `/hop${i + 1}` }).end());
    const final = route('/hop5', (_request, response) => response.end(FEED));
    const result = await fetcher().fetch(`${base}/hop0`, { accept: '*/*' });
    expect(result.url).toBe(final);
    expect(result.body.toString()).toBe(FEED);
  });

  it('gives up after the fifth', async () => {
    for (let i = 0; i < 6; i += 1) route(`/long${i}`, (_request, response) => response.writeHead(302, { location: `/long${i + 1}` }).end());
    route('/long6', (_request, response) => response.end(FEED));
    expect(await fetchError(fetcher().fetch(`${base}/long0`, { accept: '*/*' }))).toMatchObject({ kind: 'too-many-redirects' });
  });

  it('stops a redirect loop', async () => {
    const url = route('/loop', (_request, response) => response.writeHead(302, { location: '/loop' }).end());
    expect(await fetchError(fetcher().fetch(url, { accept: '*/*' }))).toMatchObject({ kind: 'too-many-redirects' });
  });

  it('refuses a redirect to another scheme', async () => {
    const url = route('/to-file', (_request, response) => response.writeHead(301, { location: 'file:///etc/passwd' }).end());
    expect(await fetchError(fetcher().fetch(url, { accept: '*/*' }))).toMatchObject({ kind: 'bad-url' });
  });
});

describe('timeouts, resets and refusals', () => {
  it('times out a server that never answers', async () => {
    const url = route('/hang', () => undefined);
    const started = Date.now();
    expect(await fetchError(fetcher({ readTimeoutMs: 200 }).fetch(url, { accept: '*/*' }))).toMatchObject({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('times out a connection that is never made (here: a name that never resolves)', async () => {
    const stuck = fetcher({ connectTimeoutMs: 200, resolve: () => new Promise(() => undefined) });
    const started = Date.now();
    const error = await fetchError(stuck.fetch('http://stuck.example/', { accept: '*/*' }));
    expect(error).toMatchObject({ kind: 'timeout' });
    expect(error.message).toContain('could not connect');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('enforces the overall deadline on a server that trickles', async () => {
    const url = route('/trickle', (_request, response) => {
      response.writeHead(200);
      const timer = setInterval(() => response.write('<'), 50);
      response.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    expect(await fetchError(fetcher({ readTimeoutMs: 200, deadlineMs: 400 }).fetch(url, { accept: '*/*' }))).toMatchObject({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a connection reset before the response', async () => {
    const url = route('/reset', (request) => request.socket.destroy());
    expect(await fetchError(fetcher().fetch(url, { accept: '*/*' }))).toMatchObject({ kind: 'reset' });
  });

  it.each([
    ['headers over 16 KB', `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(20_000)}\r\nContent-Length: 2\r\n\r\nok`],
    ['a control character in a header', 'HTTP/1.1 200 OK\r\nX-Bad: a\u0001b\r\nContent-Length: 2\r\n\r\nok'],
    ['a bad chunk size in the body', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n'],
    ['something other than HTTP', 'SSH-2.0-OpenSSH_9.6\r\n'],
  ])('reports a response with %s as malformed, not as a reset that a retry could mend', async (_what, raw) => {
    const url = route(`/malformed-${raw.length}`, (request) => request.socket.end(raw));
    const error = await fetchError(fetcher().fetch(url, { accept: '*/*' }));
    expect(error).toMatchObject({ kind: 'malformed' });
    expect(error.message).toContain('invalid HTTP response');
  });

  it('reports a connection reset in the middle of the body as a truncated body', async () => {
    const url = route('/reset-body', (request, response) => {
      response.writeHead(200, { 'content-length': '10000' });
      response.write('x'.repeat(100), () => request.socket.destroy());
    });
    expect(await fetchError(fetcher().fetch(url, { accept: '*/*' }))).toMatchObject({ kind: 'truncated' });
  });

  it('reports a body shorter than its Content-Length, closed politely, as truncated', async () => {
    const url = route('/short-body', (request, response) => {
      response.writeHead(200, { 'content-length': '10000' });
      response.write('x'.repeat(100), () => request.socket.end());
    });
    expect(await fetchError(fetcher().fetch(url, { accept: '*/*' }))).toMatchObject({ kind: 'truncated' });
  });

  it('reports a chunked body whose last chunk never comes as truncated', async () => {
    const url = route('/cut-chunks', (request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.write('<html><body>half a page', () => request.socket.destroy());
    });
    expect(await fetchError(fetcher().fetch(url, { accept: '*/*' }))).toMatchObject({ kind: 'truncated' });
  });

  it('reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await fetchError(fetcher().fetch(`http://127.0.0.1:${port}/`, { accept: '*/*' }))).toMatchObject({ kind: 'connect' });
  });
});

describe('size limits', () => {
  const limit = 64 * 1024;

  it('refuses a declared Content-Length over the limit without reading', async () => {
    const url = route('/declared-large', (_request, response) => {
      response.writeHead(200, { 'content-length': String(limit + 1) });
      response.write('x');
    });
    expect(await fetchError(fetcher({ maxBodyBytes: limit }).fetch(url, { accept: '*/*' }))).toMatchObject({ kind: 'too-large' });
  });

  it('stops a chunked body once it passes the limit', async () => {
    let written = 0;
    const url = route('/endless', (_request, response) => {
      response.writeHead(200);
      const chunk = Buffer.alloc(16 * 1024, 'x');
      const timer = setInterval(() => {
        written += chunk.length;
        response.write(chunk);
      }, 1);
      response.on('close', () => clearInterval(timer));
    });
    expect(await fetchError(fetcher({ maxBodyBytes: limit }).fetch(url, { accept: '*/*' }))).toMatchObject({ kind: 'too-large' });
    expect(written).toBeLessThan(limit * 20);
  });

  it('stops a gzip bomb at the decompressed limit', async () => {
    const bomb = gzipSync(Buffer.alloc(16 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(limit);
    const url = route('/bomb', (_request, response) => response.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb));
    const started = Date.now();
    const error = await fetchError(fetcher({ maxBodyBytes: limit }).fetch(url, { accept: '*/*' }));
    expect(error).toMatchObject({ kind: 'too-large' });
    expect(error.message).toContain('decompressed');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a corrupt compressed body', async () => {
    const url = route('/corrupt', (_request, response) => response.writeHead(200, { 'content-encoding': 'gzip' }).end('not gzip at all'));
    expect(await fetchError(fetcher().fetch(url, { accept: '*/*' }))).toMatchObject({ kind: 'decompress' });
  });
});

describe('per-host concurrency', () => {
  it('keeps at most 2 requests in flight to one host', async () => {
    const url = route('/slow', (_request, response) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        response.end('done');
      }, 60);
    });
    const shared = fetcher({ perHostConcurrency: 2 });
    maxInFlight = 0;
    const results = await Promise.all(Array.from({ length: 6 }, () => shared.fetch(url, { accept: '*/*' })));
    expect(results.every((result) => result.body.toString() === 'done')).toBe(true);
    expect(maxInFlight).toBe(2);
  });

  it('lets a second fetcher instance keep its own count', async () => {
    const url = `${base}/slow`;
    maxInFlight = 0;
    await Promise.all([fetcher(), fetcher()].flatMap((instance) => [instance.fetch(url, { accept: '*/*' }), instance.fetch(url, { accept: '*/*' })]));
    expect(maxInFlight).toBe(4);
  });
});

describe('waiting for a host', () => {
  it("does not take the wait for the host's slot out of a fetch's own time: ten slow pages of one host all arrive", async () => {
    const url = (n: number) => route(`/slow-page-${n}`, (_request, response) => {
      setTimeout(() => response.end(`page ${n}`), 200);
    });
    // One at a time, 200 ms each: the last starts after 1.8 s of waiting, with a deadline of 1 s of its own.
    const shared = fetcher({ perHostConcurrency: 1, deadlineMs: 1_000 });
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, n) => shared.fetch(url(n), { accept: '*/*' })));
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value.body.toString() : String(result.reason)))).toEqual(
      Array.from({ length: 10 }, (_, n) => `page ${n}`),
    );
  });

  it('gives a fetch back as host-busy when no slot frees up within the wait allowed', async () => {
    const url = route('/hold', (_request, response) => void setTimeout(() => response.end('held'), 500));
    const shared = fetcher({ perHostConcurrency: 1, maxSlotWaitMs: 100 });
    const [first, second] = await Promise.allSettled([shared.fetch(url, { accept: '*/*' }), shared.fetch(url, { accept: '*/*' })]);
    expect(first.status).toBe('fulfilled');
    expect(second.status === 'rejected' && second.reason).toMatchObject({ kind: 'host-busy' });
  });
});

describe('names and certificates', () => {
  it('reports a host name that does not exist as unknown-host', async () => {
    const nowhere = fetcher({ resolve: async () => [] });
    expect(await fetchError(nowhere.fetch('http://no-such-host.example/', { accept: '*/*' }))).toMatchObject({ kind: 'unknown-host' });
  });

  it('reports a server whose certificate is self-signed as tls', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'newsweave-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const tls = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_request, response) => response.end('secret'));
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    try {
      const port = (tls.address() as AddressInfo).port;
      expect(await fetchError(fetcher().fetch(`https://127.0.0.1:${port}/`, { accept: '*/*' }))).toMatchObject({ kind: 'tls' });
    } finally {
      tls.closeAllConnections();
      await new Promise<void>((resolve) => tls.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['ENOTFOUND', 'unknown-host'],
    ['EAI_NONAME', 'unknown-host'],
    ['EAI_AGAIN', 'connect'],
    ['ECONNREFUSED', 'connect'],
    ['EHOSTUNREACH', 'connect'],
    ['CERT_HAS_EXPIRED', 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['EPROTO', 'connect'],
    ['ECONNRESET', 'reset'],
    ['ETIMEDOUT', 'timeout'],
    ['HPE_INVALID_CONSTANT', 'malformed'],
  ])('turns a %s error into a %s FetchError', (code, kind) => {
    expect(toFetchError(Object.assign(new Error(`failed: ${code}`), { code })).kind).toBe(kind);
  });
});

describe('robots.txt', () => {
  let robotsServer: Server;
  let origin = '';
  const hits = new Map<string, number>();
  const starts: number[] = [];
  let robotsTxt: { status: number; body: string; headers?: Record<string, string> } = { status: 404, body: '' };

  beforeAll(async () => {
    robotsServer = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      if (path === '/robots.txt') {
        response.writeHead(robotsTxt.status, { 'content-type': 'text/plain', ...robotsTxt.headers }).end(robotsTxt.body);
      } else if (path === '/to-private') {
        response.writeHead(302, { location: '/private/secret' }).end();
      } else {
        starts.push(Date.now());
        response.writeHead(200, { 'content-type': 'text/html' }).end(`page ${path}`);
      }
    });
    await new Promise<void>((resolve) => robotsServer.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(robotsServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => robotsServer.close(() => resolve()));
  });

  const polite = (options: FetcherOptions = {}) => fetcher({ robots: {}, userAgent: 'Newsweave/0.1 (+https://news.example.org/bot)', ...options });

  it('does not fetch what robots.txt disallows for our product token, fetches the rest, and asks for robots.txt once', async () => {
    hits.clear();
    robotsTxt = {
      status: 200,
      body: 'User-agent: *\nDisallow: /\n\nUser-agent: newsweave\nDisallow: /private/\nAllow: /private/open\n',
    };
    const client = polite();
    expect(await fetchError(client.fetch(`${origin}/private/secret`, { accept: '*/*' }))).toMatchObject({ kind: 'robots' });
    expect((await client.fetch(`${origin}/private/open`, { accept: '*/*' })).body.toString()).toBe('page /private/open');
    expect((await client.fetch(`${origin}/news/1`, { accept: '*/*' })).body.toString()).toBe('page /news/1');
    // A redirect into a disallowed path is checked too.
    expect(await fetchError(client.fetch(`${origin}/to-private`, { accept: '*/*' }))).toMatchObject({ kind: 'robots' });
    expect(hits.get('/private/secret')).toBeUndefined();
    expect(hits.get('/robots.txt')).toBe(1);
  });

  it('allows everything when robots.txt answers 404', async () => {
    hits.clear();
    robotsTxt = { status: 404, body: '' };
    expect((await polite().fetch(`${origin}/private/secret`, { accept: '*/*' })).status).toBe(200);
  });

  it('fetches nothing of the host while robots.txt answers 503, and says so', async () => {
    hits.clear();
    robotsTxt = { status: 503, body: '' };
    const error = await fetchError(polite().fetch(`${origin}/news/2`, { accept: '*/*' }));
    expect(error).toMatchObject({ kind: 'robots-unreachable' });
    expect(hits.get('/news/2')).toBeUndefined();
  });

  it('fails for good, asking nothing more, when robots.txt is answered with something that is not HTTP twice in a row', async () => {
    hits.clear();
    robotsTxt = { status: 200, body: '', headers: { 'x-big': 'a'.repeat(20_000) } };
    let now = Date.now();
    const client = polite({ now: () => now });
    // Headers over 16 KB once: unreachable for now, retried.
    expect(await fetchError(client.fetch(`${origin}/news/3`, { accept: '*/*' }))).toMatchObject({ kind: 'robots-unreachable' });
    now += 11 * 60_000;
    const error = await fetchError(client.fetch(`${origin}/news/3`, { accept: '*/*' }));
    // A server broken for every path: the page would be the same, so it is not asked for and not retried.
    expect(error).toMatchObject({ kind: 'malformed' });
    expect(error.message).toContain('robots.txt');
    expect(classifyPageFailure(error)).toMatchObject({ class: 'permanent' });
    expect(hits.get('/news/3')).toBeUndefined();
  });

  it("counts each hop's robots.txt check in the fetch's deadline: redirects through slow robots.txt files cannot stretch it", async () => {
    // Every origin's robots.txt takes 300 ms; the page redirects through five origins (hop0.test to hop5.test). Were
    // the checks outside the deadline, a 500 ms fetch would take six robots.txt answers, 1.8 s.
    const slow = createServer((request, response) => {
      const hop = Number(/^hop(\d+)\./.exec(request.headers.host ?? '')?.[1] ?? 0);
      if (new URL(request.url ?? '/', 'http://x').pathname === '/robots.txt') {
        setTimeout(() => response.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n'), 300);
      } else if (hop < 5) {
        response.writeHead(302, { location: `http://hop${hop + 1}.test:${(slow.address() as AddressInfo).port}/story` }).end();
      } else {
        response.writeHead(200, { 'content-type': 'text/html' }).end('the story');
      }
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const client = polite({ deadlineMs: 500, resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
      const began = Date.now();
      const error = await fetchError(client.fetch(`http://hop0.test:${(slow.address() as AddressInfo).port}/story`, { accept: '*/*' }));
      expect(error).toMatchObject({ kind: 'timeout' });
      expect(Date.now() - began).toBeLessThan(1_000);
    } finally {
      slow.closeAllConnections();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });

  it('spaces the requests to a host by its Crawl-delay', async () => {
    robotsTxt = { status: 200, body: 'User-agent: *\nCrawl-delay: 0.25\n' };
    starts.length = 0;
    const client = polite({ perHostConcurrency: 4 });
    const began = Date.now();
    await Promise.all(Array.from({ length: 4 }, (_, n) => client.fetch(`${origin}/delayed/${n}`, { accept: '*/*' })));
    expect(starts).toHaveLength(4);
    // Four starts 250 ms apart: at least 750 ms from the first to the last, where four slots would take a few ms.
    // Timers may fire a millisecond early, never much; a loaded machine only makes it longer.
    expect(Date.now() - began).toBeGreaterThanOrEqual(745);
  });
});
