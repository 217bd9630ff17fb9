/**
 * The local stack (local/runtime.ts, the deployed handlers behind local servers) against outlets on loopback that
 * misbehave: feeds that hang, reset, answer 500 or 429, redirect in a loop, are truncated, huge, entity bombs or
 * disallowed by robots.txt, and article pages that are too large, gzip bombs, mislabelled, not HTML at all, gone,
 * disallowed by robots.txt or refused with 403. Each bad source has its error on its record and is backed off, the
 * good sources are unaffected, every bad page is a rejection with its reason (or, for 403, put off and recorded on
 * its source), and every queued URL is accounted for. Checked over HTTP, as an operator would.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { restoreEnv } from '../support/stub-env';
import { labelled } from '../support/labelled';
import type { SourceConfig } from '../../functions/contracts/model';
import { loadHandlers } from '../../local/handlers';
import { createLambdaContext } from '../../local/lambda-context';
import { FETCHER_SETTINGS } from '../../functions/contracts/queue-settings';
import { startLocalStack, type LocalStack } from '../../local/runtime';
import { freePort, getJson } from '../support/local-stack-process';
import { articlePage, startPageServer, type PageServer } from './support/page-server';
import { waitUntil } from './support/pipeline-harness';

interface SourceView {
  id: string;
  lastPageError: string | null;
  pageErrorCount: number;
  lastError: string | null;
  lastErrorKind?: string | null;
  errorCount: number;
  nextAttemptAt: string | null;
  lastSuccessAt: string | null;
  articleCount: number;
}

interface Ops {
  totals: Record<string, number>;
  byDimension: Record<string, Record<string, number>>;
  queue: { visible: number; inFlight: number; deadLetters: number };
}

let pages: PageServer;
let stack: LocalStack;
let baseUrl = '';
let dir = '';
let sources: SourceConfig[];
let startedAt = 0;

const rss = (items: readonly string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Loopback</title><link>${pages.origin}/</link>${items
    .map((url, n) => `<item><title>Item ${n}</title><link>${url}</link><pubDate>Sun, 01 Nov 2026 10:0${n % 10}:00 GMT</pubDate></item>`)
    .join('')}</channel></rss>`;

const xml = (body: string) => (_: unknown, response: import('node:http').ServerResponse) => {
  response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
  response.end(body);
};

/** Good pages, duplicates and hostile pages, with the outcome each must have. */
const PAGES = {
  stored: ['/good/one', '/good/two', '/good/three', '/second/four', '/good/lying-charset', '/bomb/item'],
  duplicate: ['/second/copy-of-one'],
  rejected: {
    '/hostile/too-large': 'too-large',
    '/hostile/gzip-bomb': 'too-large',
    '/hostile/pdf': 'not-html',
    '/hostile/binary-as-html': 'binary',
    '/hostile/empty': 'empty',
    '/hostile/gone': 'not-found',
    '/hostile/redirect-loop': 'fetch-failed',
    '/private/disallowed': 'robots',
  } as Record<string, string>,
  /** Refused with 403: recorded on the source, queued again later. */
  deferred: ['/hostile/forbidden'],
};

/** The outlets' robots.txt: this group for our product token, a stricter one for everyone else. */
const ROBOTS_TXT = 'User-agent: *\nDisallow: /\n\nUser-agent: Newsweave\nDisallow: /private/\nAllow: /\n';

const BAD_FEEDS: Record<string, { path: string; kind: RegExp }> = {
  'feed-hangs': { path: '/bad/hang.xml', kind: /^timeout$/ },
  'feed-resets': { path: '/bad/reset.xml', kind: /^(reset|connect)$/ },
  'feed-500': { path: '/bad/500.xml', kind: /^http-500$/ },
  'feed-429': { path: '/bad/429.xml', kind: /^http-429$/ },
  'feed-redirect-loop': { path: '/bad/loop.xml', kind: /^too-many-redirects$/ },
  'feed-truncated': { path: '/bad/truncated.xml', kind: /^parse$/ },
  'feed-huge': { path: '/bad/huge.xml', kind: /^(too-large|parse)$/ },
  'feed-is-html': { path: '/bad/page.xml', kind: /^parse$/ },
  'feed-disallowed': { path: '/private/feed.xml', kind: /^robots$/ },
};

function routeOutlets(): void {
  const o = pages.origin;
  pages.route('/robots.txt', (_, response) => void response.writeHead(200, { 'content-type': 'text/plain' }).end(ROBOTS_TXT));
  pages.route(
    '/good/feed.xml',
    xml(rss([...PAGES.stored.filter((p) => p.startsWith('/good')), ...Object.keys(PAGES.rejected), ...PAGES.deferred].map((p) => `${o}${p}?utm_source=rss`))),
  );
  pages.route('/hostile/forbidden', (_, response) => void response.writeHead(403, { 'content-type': 'text/html' }).end('<h1>Access denied</h1>'));
  pages.route('/second/feed.xml', xml(rss(['/second/four', '/second/copy-of-one'].map((p) => `${o}${p}`))));
  // Another outlet's copy of /good/one that names it as canonical: one article, not two.
  pages.route('/second/copy-of-one', (_, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(articlePage(424_242, `${o}/good/one`));
  });
  pages.route('/good/one', (_, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(articlePage(424_242, `${o}/good/one`));
  });
  // Declares UTF-8 and sends windows-1252: decoding must not turn "café" into replacement characters.
  pages.route('/good/lying-charset', (_, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(Buffer.from(articlePage(515_151, `${o}/good/lying-charset`).replaceAll('<title>', '<title>Café crème: ').replaceAll('<h1>', '<h1>Café crème: '), 'latin1'));
  });

  pages.route('/hostile/too-large', (_, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    for (let i = 0; i < 6; i++) response.write(chunk);
    response.end();
  });
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, ' '), { level: 9 });
  pages.route('/hostile/gzip-bomb', (_, response) => {
    response.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
    response.end(bomb);
  });
  pages.route('/hostile/pdf', (_, response) => {
    response.writeHead(200, { 'content-type': 'application/pdf' });
    response.end('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj');
  });
  pages.route('/hostile/binary-as-html', (_, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(Buffer.from(Array.from({ length: 4096 }, (_, n) => (n * 7919) % 256)));
  });
  pages.route('/hostile/empty', (_, response) => void response.writeHead(200, { 'content-type': 'text/html' }).end());
  pages.route('/hostile/gone', (_, response) => void response.writeHead(404).end());
  pages.route('/hostile/redirect-loop', (_, response) => void response.writeHead(302, { location: '/hostile/redirect-loop' }).end());

  // The hanging feed never answers; the fetcher's read timeout must end it.
  pages.route('/bad/hang.xml', () => undefined);
  pages.route('/bad/reset.xml', (request) => request.socket.destroy());
  pages.route('/bad/500.xml', (_, response) => void response.writeHead(500).end('oops'));
  pages.route('/bad/429.xml', (_, response) => void response.writeHead(429, { 'retry-after': '3600' }).end());
  pages.route('/bad/loop.xml', (_, response) => void response.writeHead(301, { location: `${o}/bad/loop.xml` }).end());
  pages.route('/bad/truncated.xml', xml(rss([`${o}/never/queued`]).slice(0, 200)));
  // Entities are not expanded: the feed is read, its titles stay short, and its one link is queued.
  pages.route(
    '/bomb/feed.xml',
    xml(`<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "${'x'.repeat(100)}">${Array.from({ length: 9 }, (_, n) => `<!ENTITY ${'b'.repeat(n + 1)} "${`&${n === 0 ? 'a' : 'b'.repeat(n)};`.repeat(10)}">`).join('')}]>
<rss version="2.0"><channel><title>&bbbbbbbbb;</title><item><title>&bbbbbbbbb;</title><link>${o}/bomb/item</link></item></channel></rss>`),
  );
  pages.route('/bad/huge.xml', (_, response) => {
    response.writeHead(200, { 'content-type': 'application/rss+xml' });
    const item = `<item><title>${'t'.repeat(900)}</title><link>${o}/never/huge</link></item>`;
    response.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>');
    for (let i = 0; i < 7_000; i++) response.write(item);
    response.end('</channel></rss>');
  });
  pages.route('/bad/page.xml', (_, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(articlePage(1, `${o}/bad/page.xml`));
  });
}

beforeAll(async () => {
  pages = await startPageServer();
  routeOutlets();
  dir = mkdtempSync(join(tmpdir(), 'newsweave-hostile-'));
  sources = [
    { id: 'good-outlet', name: 'Good Outlet', url: `${pages.origin}/good/feed.xml`, schedule: 'rate(1 hour)' },
    { id: 'second-outlet', name: 'Second Outlet', url: `${pages.origin}/second/feed.xml`, schedule: 'rate(1 hour)' },
    { id: 'feed-entity-bomb', name: 'Entity Bomb', url: `${pages.origin}/bomb/feed.xml`, schedule: 'rate(1 hour)' },
    ...Object.entries(BAD_FEEDS).map(([id, { path }]) => ({ id, name: id, url: `${pages.origin}${path}`, schedule: 'rate(1 hour)' })),
  ];
  writeFileSync(join(dir, 'sources.json'), JSON.stringify(sources));
  const port = await freePort();
  startedAt = Date.now();
  stack = await startLocalStack({
    port,
    sourcesPath: join(dir, 'sources.json'),
    dataDir: join(dir, 'data'),
    // Long enough that no message is received again while a loaded machine still processes it: this test counts
    // each URL's outcome once (worker-faults.test.ts covers redelivery).
    visibilityTimeoutSeconds: 120,
    logLevel: 'SILENT',
    print: () => undefined,
  });
  baseUrl = `http://127.0.0.1:${port}`;
  // Loopback only, unless HOST says otherwise: the local stack has no authentication.
  expect(stack.url).toBe(baseUrl);
}, 30_000);

afterAll(async () => {
  await stack?.stop();
  await pages?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  restoreEnv();
});

async function sourcesView(): Promise<Map<string, SourceView>> {
  const { body } = await getJson(`${baseUrl}/sources`);
  return new Map((body.items as SourceView[]).map((source) => [source.id, source]));
}

describe('sources that misbehave', () => {
  it('each has its error recorded and is backed off; the good sources are unaffected; nothing is lost', async () => {
    const expectedQueued = PAGES.stored.length + PAGES.duplicate.length + Object.keys(PAGES.rejected).length + PAGES.deferred.length;
    const ops = await waitUntil(
      async () => {
        const view = await sourcesView();
        const allTried = sources.every((source) => view.get(source.id)?.lastError || view.get(source.id)?.lastSuccessAt);
        const { body } = (await getJson(`${baseUrl}/ops/metrics.json`)) as { body: Ops };
        const t = body.totals;
        const accounted = (t.ArticlesStored ?? 0) + (t.DuplicatesSkipped ?? 0) + (t.PagesRejected ?? 0) + (t.PagesDeferred ?? 0);
        const drained = body.queue.visible + body.queue.inFlight === 0;
        return allTried && drained && (t.UrlsQueued ?? 0) === expectedQueued && accounted >= expectedQueued ? body : undefined;
      },
      'every source tried and every queued URL accounted for',
      50_000,
    );

    // Accounting: every URL queued is stored, a duplicate, rejected with its reason, or deferred.
    const t = ops.totals;
    expect(t.UrlsQueued).toBe(expectedQueued);
    expect((t.ArticlesStored ?? 0) + (t.DuplicatesSkipped ?? 0) + (t.PagesRejected ?? 0) + (t.PagesDeferred ?? 0)).toBe(t.UrlsQueued);
    expect(t.PagesDeferred).toBe(PAGES.deferred.length);
    // Nothing disallowed was asked for: not the page, not the feed.
    expect(pages.hits('/private/disallowed')).toBe(0);
    expect(pages.hits('/private/feed.xml')).toBe(0);
    // robots.txt was asked for once, for the fetcher and the worker of the one process.
    expect(pages.hits('/robots.txt')).toBe(1);
    expect(t.ArticlesStored).toBe(PAGES.stored.length);
    expect(t.DuplicatesSkipped).toBe(PAGES.duplicate.length);
    const reasons: Record<string, number> = {};
    for (const reason of Object.values(PAGES.rejected)) reasons[reason] = (reasons[reason] ?? 0) + 1;
    expect(ops.byDimension.PagesRejected).toEqual(reasons);
    expect(ops.queue.deadLetters).toBe(0);

    const view = await sourcesView();
    for (const [id, { kind }] of Object.entries(BAD_FEEDS)) {
      const source = view.get(id)!;
      labelled(id, () => expect(typeof source.lastError).toBe('string'));
      labelled(id, () => expect(source.errorCount).toBe(1));
      labelled(id, () => expect(source.articleCount).toBe(0));
      // Backed off by at least the first step of the backoff (a minute, less its jitter).
      labelled(id, () => expect(Date.parse(source.nextAttemptAt ?? '')).toBeGreaterThan(startedAt + 45_000));
      if (source.lastErrorKind !== undefined) labelled(id, () => expect(source.lastErrorKind).toMatch(kind));
    }
    // Retry-After is honoured: the next attempt is no sooner than the hour the server asked for.
    expect(Date.parse(view.get('feed-429')!.nextAttemptAt!)).toBeGreaterThanOrEqual(startedAt + 3_600_000 - 5_000);
    // The 403 is on its source's record, which is otherwise healthy, and the page was asked for once.
    expect(view.get('good-outlet')).toMatchObject({ pageErrorCount: 1, lastPageError: expect.stringContaining('HTTP 403') });
    expect(pages.hits('/hostile/forbidden')).toBe(1);
    const healthy = ['good-outlet', 'second-outlet', 'feed-entity-bomb'];
    for (const id of healthy) labelled(id, () => expect(view.get(id)).toMatchObject({ lastError: null, errorCount: 0 }));
    expect(healthy.reduce((sum, id) => sum + view.get(id)!.articleCount, 0)).toBe(PAGES.stored.length);

    const { body: listing } = await getJson(`${baseUrl}/articles?limit=100`);
    const urls = (listing.items as { url: string }[]).map((item) => new URL(item.url).pathname).sort();
    expect(urls).toEqual([...PAGES.stored].sort());
    const lying = (listing.items as { url: string; title: string }[]).find((item) => item.url.endsWith('/good/lying-charset'));
    expect(lying?.title).toContain('Café crème');
    expect(lying?.title).not.toContain('\uFFFD');
  }, 60_000);

  it('the next scheduled run skips the sources in backoff and asks nothing of them', async () => {
    // The stack's own fetcher, invoked as its scheduler invokes it.
    const { fetchSources } = await loadHandlers();
    const hitsBefore = Object.values(BAD_FEEDS).map(({ path }) => pages.hits(path));
    const { outcomes } = await fetchSources({ sources }, createLambdaContext('newsweave-fetcher', FETCHER_SETTINGS.timeoutSeconds));
    const status = Object.fromEntries(outcomes.map((outcome) => [outcome.sourceId, outcome.status]));
    for (const id of Object.keys(BAD_FEEDS)) labelled(id, () => expect(status[id]).toBe('skipped-backoff'));
    expect(status['good-outlet']).toMatch(/^(fetched|not-modified)$/);
    expect(Object.values(BAD_FEEDS).map(({ path }) => pages.hits(path))).toEqual(hitsBefore);
  });

  it("redrives the dead letters at the operator's request (POST /ops/redrive, JSON only), with nothing left to redrive here", async () => {
    const post = (contentType: string) => fetch(`${baseUrl}/ops/redrive`, { method: 'POST', headers: { 'content-type': contentType }, body: '{}' });
    const refused = await post('application/x-www-form-urlencoded');
    expect(refused.status).toBe(415);
    const answered = await post('application/json');
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ redriven: 0, postponed: 0, alreadyDone: 0, givenUp: 0, malformed: 0, failed: 0, moreLeft: false });
  });
});
