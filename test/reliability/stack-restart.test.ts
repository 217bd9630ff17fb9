/**
 * `npm start`'s program killed with SIGKILL in the middle of an ingest, then started again on the same data dir. The
 * local SQS server lives in memory, so the messages in flight die with the process; what brings them back is the
 * forced fetch of every source at start, which queues again every URL that has no outcome yet. Checked over HTTP.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getJson, startStackProcess, waitFor, type StackProcess } from '../support/local-stack-process';
import { startPageServer, unrelatedArticlePage, type PageServer } from './support/page-server';

interface Ops {
  totals: Record<string, number>;
  queue: { visible: number; inFlight: number; deadLetters: number };
}

const OUTLETS = 2;
const PER_OUTLET = 10;

let pages: PageServer;
let dir = '';
let stack: StackProcess | undefined;
const articlePaths: string[] = [];
let released = false;

beforeAll(async () => {
  pages = await startPageServer();
  for (let outlet = 0; outlet < OUTLETS; outlet++) {
    const paths = Array.from({ length: PER_OUTLET }, (_, n) => `/o${outlet}/article-${n}`);
    articlePaths.push(...paths);
    const items = paths.map((path) => `<item><title>${path}</title><link>${pages.origin}${path}</link></item>`).join('');
    pages.route(`/o${outlet}/feed.xml`, (_, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml' });
      response.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet ${outlet}</title>${items}</channel></rss>`);
    });
    for (const [n, path] of paths.entries()) {
      // The second half of each outlet's pages is held until the first process is killed, so that the kill lands
      // in the middle of the ingest however fast or loaded the machine is.
      pages.route(path, (_, response) => {
        if (n >= PER_OUTLET / 2 && !released) return;
        setTimeout(() => {
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          response.end(unrelatedArticlePage(outlet * 1_000 + n, `${pages.origin}${path}`));
        }, 100);
      });
    }
  }
  dir = mkdtempSync(join(tmpdir(), 'newsweave-restart-'));
  writeFileSync(
    join(dir, 'sources.json'),
    JSON.stringify(
      Array.from({ length: OUTLETS }, (_, outlet) => ({
        id: `outlet-${outlet}`,
        name: `Outlet ${outlet}`,
        url: `${pages.origin}/o${outlet}/feed.xml`,
        schedule: 'rate(1 hour)',
      })),
    ),
  );
}, 60_000);

afterAll(async () => {
  await stack?.stop('SIGKILL');
  await pages?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ NEWSWEAVE_SOURCES: join(dir, 'sources.json'), LOG_LEVEL: 'ERROR' });

describe('the local stack killed with SIGKILL mid-ingest', () => {
  it('resumes on restart from what was stored, and ends with every article stored once', async () => {
    stack = await startStackProcess({ env: env(), dataDir: join(dir, 'data') });
    const first = stack;
    const storedBeforeKill = await waitFor(
      async () => {
        const { body } = (await getJson(`${first.baseUrl}/ops/metrics.json`)) as { body: Ops };
        const stored = body.totals.ArticlesStored ?? 0;
        return stored >= 3 ? stored : undefined;
      },
      'the first articles',
      60_000,
    );
    const killed = await first.stop('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    released = true;
    expect(storedBeforeKill).toBeLessThan(articlePaths.length);

    stack = await startStackProcess({ env: env(), dataDir: first.dataDir });
    const second = stack;
    const { body: afterRestart } = await getJson(`${second.baseUrl}/articles?limit=100`);
    // What was stored before the kill is there at once, before any new fetch completes.
    expect(afterRestart.items.length).toBeGreaterThanOrEqual(storedBeforeKill);

    let last: Ops | undefined;
    const ops = await waitFor(
      async () => {
        const { body } = (await getJson(`${second.baseUrl}/ops/metrics.json`)) as { body: Ops };
        last = body;
        const t = body.totals;
        const accounted = (t.ArticlesStored ?? 0) + (t.DuplicatesSkipped ?? 0) + (t.PagesRejected ?? 0);
        const drained = body.queue.visible + body.queue.inFlight === 0;
        return drained && (t.UrlsQueued ?? 0) > 0 && accounted >= (t.UrlsQueued ?? 0) ? body : undefined;
      },
      'the restarted stack to finish the ingest',
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last figures ${JSON.stringify(last && { totals: last.totals, queue: last.queue })}\n${second.output().slice(-3_000)}`);
    });
    // Only the URLs without an outcome were queued again, and each of them is accounted for.
    expect(ops.totals.UrlsQueued).toBeLessThanOrEqual(articlePaths.length - storedBeforeKill);
    expect(ops.queue.deadLetters).toBe(0);

    const { body: listing } = await getJson(`${second.baseUrl}/articles?limit=100`);
    const paths = (listing.items as { url: string }[]).map((item) => new URL(item.url).pathname).sort();
    expect(paths).toEqual([...articlePaths].sort());
    expect(new Set((listing.items as { id: string }[]).map((item) => item.id)).size).toBe(articlePaths.length);
  }, 120_000);
});
