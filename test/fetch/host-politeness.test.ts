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
  it("takes the hosts in turn: a host's many feeds do not take every lane while another host waits", async () => {
    hits.length = 0;
    handlers = { 'many.test': serveFeeds('many.test'), 'other.test': serveFeeds('other.test') };
    const sources = [...Array.from({ length: 4 }, (_, i) => src(`many-${i}`, 'many.test')), src('other-0', 'other.test'), src('other-1', 'other.test')];
    const d = deps();
    const outcomes = await refreshSources(sources, d, { concurrency: 1 });
    // The outcomes in the order given; the fetches one host at a time in turn (before: the four of many.test first,
    // so that a newspaper's twenty slow section feeds kept every other source of the run waiting).
    expect(outcomes.map((outcome) => [outcome.sourceId, outcome.status])).toEqual(sources.map((source) => [source.id, 'fetched']));
    expect(hits.filter((hit) => hit.path !== '/robots.txt').map((hit) => hit.path)).toEqual(
      ['/many-0.rss', '/other-0.rss', '/many-1.rss', '/other-1.rss', '/many-2.rss', '/many-3.rss'],
    );
    expect(d.telemetry.total('SourcesNotReached')).toBe(0);
  });

  it('starts no source after startBy: the rest are reported not reached and counted, with nothing written on their records', async () => {
    hits.length = 0;
    handlers = { 'late.test': serveFeeds('late.test') };
    const sources = Array.from({ length: 6 }, (_, i) => src(`late-${i}`, 'late.test'));
    const d = deps();
    // A clock that reads 0 for the first two sources' turns and 1,000 ms after: startBy is 500.
    let turns = 0;
    const now = () => (turns++ < 2 ? 0 : 1_000);
    const outcomes = await refreshSources(sources, d, { concurrency: 1, startBy: 500, now });
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fetched', 'fetched', 'not-reached', 'not-reached', 'not-reached', 'not-reached']);
    expect(outcomes.slice(2).every((outcome) => outcome.found === 0 && outcome.queued === 0)).toBe(true);
    expect([...d.sources.states.keys()]).toEqual(['late-0', 'late-1']);
    expect(hits.filter((hit) => hit.path !== '/robots.txt').map((hit) => hit.path)).toEqual(['/late-0.rss', '/late-1.rss']);
    expect(d.telemetry.total('SourcesNotReached')).toBe(4);
    expect(d.telemetry.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', extra: expect.objectContaining({ notReached: ['late-2', 'late-3', 'late-4', 'late-5'], count: 4 }) }),
    );
  });

  it("reports a feed whose host's slot did not free up in time as not reached, not as the source failing", async () => {
    hits.length = 0;
    handlers = {
      'slow-crawl.test': (request, response) => {
        if (request.url === '/robots.txt') return void response.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nCrawl-delay: 5\n');
        serveFeeds('slow-crawl.test')(request, response);
      },
    };
    const sources = Array.from({ length: 3 }, (_, i) => src(`section-${i}`, 'slow-crawl.test'));
    // A 5 s Crawl-delay and a slot wait of at most 100 ms: the host's second and third feeds get no slot in time.
    const d = deps(fetcherOf({ maxSlotWaitMs: 100 }));
    const outcomes = await refreshSources(sources, d, { concurrency: 1 });
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fetched', 'not-reached', 'not-reached']);
    for (const id of ['section-1', 'section-2']) {
      expect(d.sources.states.get(id)).toMatchObject({ errorCount: 0, lastError: null, nextAttemptAt: null });
    }
    expect(d.telemetry.total('FetchErrors')).toBe(0);
    expect(d.telemetry.total('SourcesNotReached')).toBe(2);
  });

  it('begins where rotate says, so that runs cut short leave out different sources', async () => {
    hits.length = 0;
    handlers = { 'quick.test': serveFeeds('quick.test') };
    const sources = Array.from({ length: 4 }, (_, i) => src(`turn-${i}`, 'quick.test'));
    await refreshSources(sources, deps(), { concurrency: 1, rotate: 6 });
    expect(hits.filter((hit) => hit.path !== '/robots.txt').map((hit) => hit.path)).toEqual(['/turn-2.rss', '/turn-3.rss', '/turn-0.rss', '/turn-1.rss']);
  });
});
