/**
 * Politeness towards a host across its URLs and across the sources of one run, against a local server that plays
 * several hosts (their names resolved by a fake resolver to 127.0.0.1, so that each is its own host name).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFetcher, type FetcherOptions } from '../../functions/fetch/http-fetch';
import { refreshSources } from '../../functions/use-cases/refresh-source';
import type { SourceConfig } from '../../functions/contracts/model';
import { InMemorySeenUrlStore, InMemorySourceStore, RecordingQueue, RecordingTelemetry } from './fakes';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;
const hits: { host: string; path: string; at: number; ua?: string; inm?: string; ims?: string }[] = [];
let handlers: Record<string, Handler> = {};
let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    const host = (request.headers.host ?? '').split(':')[0] ?? '';
    const path = request.url ?? '/';
    hits.push({
      host,
      path,
      at: Date.now(),
      ua: request.headers['user-agent'],
      inm: request.headers['if-none-match'] as string | undefined,
      ims: request.headers['if-modified-since'] as string | undefined,
    });
    const handler = handlers[host] ?? handlers['*'];
    if (handler) handler(request, response);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const resolve = async () => [{ address: '127.0.0.1', family: 4 }];
const fetcherOf = (options: FetcherOptions = {}) => createFetcher({ allowPrivateAddresses: true, resolve, robots: {}, ...options });
const src = (id: string, host: string, path = `/${id}.rss`): SourceConfig => ({
  id,
  name: id,
  url: `http://${host}:${port}${path}`,
  schedule: 'rate(10 minutes)',
});
function deps(fetcher = fetcherOf()) {
  return {
    sources: new InMemorySourceStore(),
    seen: new InMemorySeenUrlStore(),
    queue: new RecordingQueue(),
    fetcher,
    telemetry: new RecordingTelemetry(),
  };
}
const feed = (host: string, n: number) =>
  `<rss><channel><title>${host}</title><item><title>a</title><link>http://${host}/story/${n}</link></item></channel></rss>`;

function serveFeeds(host: string, delayMs = 0): Handler {
  let n = 0;
  return (request, response) => {
    if (request.url === '/robots.txt') return void response.writeHead(404).end();
    n += 1;
    const body = feed(host, n);
    setTimeout(() => response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body), delayMs);
  };
}

describe('one run of many sources', () => {
  it("takes the hosts in turn: a slow host's many feeds do not hold every lane while another host waits", async () => {
    hits.length = 0;
    handlers = { 'slow.test': serveFeeds('slow.test', 600), 'quick.test': serveFeeds('quick.test') };
    const sources = [...Array.from({ length: 6 }, (_, i) => src(`slow-${i}`, 'slow.test')), src('quick-0', 'quick.test'), src('quick-1', 'quick.test')];
    const began = Date.now();
    const outcomes = await refreshSources(sources, deps());
    expect(outcomes.map((outcome) => outcome.sourceId)).toEqual(sources.map((source) => source.id));
    expect(outcomes.every((outcome) => outcome.status === 'fetched')).toBe(true);
    const quick = hits.filter((hit) => hit.host === 'quick.test' && hit.path !== '/robots.txt');
    // Before: reached only once the slow host's feeds had gone through (1.2 s, two rounds of 600 ms); a newspaper's
    // twenty section feeds answering in 19 s kept every other source of the run waiting past the fetcher's 120 s.
    expect(Math.max(...quick.map((hit) => hit.at)) - began).toBeLessThan(500);
  });

  it('starts no source after startBy: the rest are reported not reached, with nothing written on their records', async () => {
    hits.length = 0;
    handlers = { 'slow.test': serveFeeds('slow.test', 400), 'quick.test': serveFeeds('quick.test') };
    const sources = Array.from({ length: 6 }, (_, i) => src(`late-${i}`, 'slow.test'));
    const d = deps();
    const began = Date.now();
    const outcomes = await refreshSources(sources, d, { concurrency: 1, startBy: began + 600 });
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fetched', 'fetched', 'not-reached', 'not-reached', 'not-reached', 'not-reached']);
    expect(Date.now() - began).toBeLessThan(1_500);
    expect([...d.sources.states.keys()]).toEqual(['late-0', 'late-1']);
    expect(d.telemetry.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', extra: expect.objectContaining({ notReached: ['late-2', 'late-3', 'late-4', 'late-5'], count: 4 }) }),
    );
  });

  it('begins where rotate says, so that runs cut short leave out different sources', async () => {
    hits.length = 0;
    handlers = { 'quick.test': serveFeeds('quick.test') };
    const sources = Array.from({ length: 4 }, (_, i) => src(`turn-${i}`, 'quick.test'));
    await refreshSources(sources, deps(), { concurrency: 1, rotate: 6 });
    expect(hits.filter((hit) => hit.path !== '/robots.txt').map((hit) => hit.path)).toEqual(['/turn-2.rss', '/turn-3.rss', '/turn-0.rss', '/turn-1.rss']);
  });
});

describe('across instances (a documented limit: docs/fetching.md, Known limits)', () => {
  it('the fetcher and each worker container keep their own Crawl-delay: the host sees them at once', async () => {
    hits.length = 0;
    handlers = {
      'delay.test': (request, response) => {
        if (request.url === '/robots.txt') return void response.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nCrawl-delay: 2\n');
        response.writeHead(200, { 'content-type': 'text/html' }).end('<p>ok</p>');
      },
    };
    const instances = [fetcherOf(), ...Array.from({ length: 3 }, () => fetcherOf({ perHostConcurrency: 4 }))];
    await Promise.all(instances.map((instance, i) => instance.fetch(`http://delay.test:${port}/p/${i}`, { accept: '*/*' })));
    const times = hits.filter((hit) => hit.path.startsWith('/p/')).map((hit) => hit.at);
    expect(times).toHaveLength(4);
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(1_000);
  });
});
