/**
 * End to end: `npm start`'s program with the bundled demo sources, on a free port and a temporary data dir, checked
 * only through HTTP, as a client would.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { labelled } from '../support/labelled';
import { REPO_ROOT, getJson, processGroupSurvives, startStackProcess, waitFor, type StackProcess } from '../support/local-stack-process';

/** `npm run --silent token -- <args>` for the stack's data dir and port, as the README says to run it. */
async function token(...args: string[]): Promise<string> {
  const { stdout, stderr } = await tokenRun({ PORT: String(stack.port), NEWSWEAVE_DATA_DIR: stack.dataDir }, args);
  expect(stderr).toBe('');
  return stdout.trim();
}

function tokenRun(env: Record<string, string>, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)('npm', ['run', '--silent', 'token', '--', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
}

let stack: StackProcess;

interface OpsSnapshot {
  totals: Record<string, number>;
  queue: { visible: number; inFlight: number; deadLetters: number };
  sources: { id: string; lastSuccessAt: string | null; refreshMinutes: number | null }[];
}

/** Every demo source fetched, the queue drained, and every queued URL accounted for. */
async function waitUntilIngested(baseUrl: string): Promise<OpsSnapshot> {
  return waitFor(async () => {
    const { body } = (await getJson(`${baseUrl}/ops/metrics.json`)) as { body: OpsSnapshot };
    const t = body.totals;
    const accounted = (t.ArticlesStored ?? 0) + (t.DuplicatesSkipped ?? 0) + (t.PagesRejected ?? 0);
    const fetched = body.sources.length > 0 && body.sources.every((source) => source.lastSuccessAt !== null);
    const drained = body.queue.visible === 0 && body.queue.inFlight === 0;
    return fetched && drained && (t.UrlsQueued ?? 0) > 0 && accounted >= (t.UrlsQueued ?? 0) ? body : undefined;
  }, 'the demo sources to be ingested', 90_000);
}

/** Every demo source fetched by this run of the stack (the first, forced fetch at start). */
async function waitUntilFetched(baseUrl: string): Promise<OpsSnapshot> {
  return waitFor(async () => {
    const { body } = (await getJson(`${baseUrl}/ops/metrics.json`)) as { body: OpsSnapshot };
    return (body.totals.SourcesFetched ?? 0) >= body.sources.length && body.sources.length > 0 ? body : undefined;
  }, 'the demo sources to be fetched', 60_000);
}

beforeAll(async () => {
  stack = await startStackProcess();
  await waitUntilIngested(stack.baseUrl);
}, 120_000);

afterAll(async () => {
  await stack?.stop('SIGKILL');
});

describe('local stack with the demo sources', () => {
  it('lists articles newest first, from several outlets, in pages that chain', async () => {
    const { status, body } = await getJson(`${stack.baseUrl}/articles?limit=100`);
    expect(status).toBe(200);
    expect(body.items.length).toBeGreaterThanOrEqual(10);
    expect(body.nextCursor).toBeNull();
    const times = body.items.map((item: { publishedAt: string }) => item.publishedAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(new Set(body.items.map((item: { source: { id: string } }) => item.source.id)).size).toBeGreaterThanOrEqual(3);
    for (const item of body.items) {
      expect(Object.keys(item).sort()).toEqual(['id', 'publishedAt', 'source', 'summary', 'title', 'url']);
      expect(item.url).not.toContain('utm_');
    }

    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await getJson(
        `${stack.baseUrl}/articles?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      ids.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(ids).toEqual(body.items.map((item: { id: string }) => item.id));
  });

  it('serves a full, clean article', async () => {
    const { body: list } = await getJson(`${stack.baseUrl}/articles?limit=1`);
    const { status, body } = await getJson(`${stack.baseUrl}/articles/${list.items[0].id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: list.items[0].id, title: list.items[0].title });
    expect(body.body.split('\n\n').length).toBeGreaterThanOrEqual(3);
    expect(body.body).not.toMatch(/Advertisement|STORY CONTINUES BELOW|Also read/i);
    expect(typeof body.fetchedAt).toBe('string');
    for (const key of ['byline', 'imageUrl', 'language']) expect(body).toHaveProperty(key);
  });

  it('revalidates an unchanged answer with a 304 and no body', async () => {
    const { body: list } = await getJson(`${stack.baseUrl}/articles?limit=1`);
    for (const path of ['/articles?limit=5', `/articles/${list.items[0].id}/related`]) {
      const full = await fetch(`${stack.baseUrl}${path}`);
      const etag = full.headers.get('etag');
      expect(etag).toMatch(/^"[\w-]{22}"$/);
      const again = await fetch(`${stack.baseUrl}${path}`, { headers: { 'if-none-match': etag ?? '' } });
      expect(again.status).toBe(304);
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('cache-control')).toBe(full.headers.get('cache-control'));
      expect(await again.text()).toBe('');
    }
  });

  it('relates stories across outlets, never the article itself', async () => {
    const { body: list } = await getJson(`${stack.baseUrl}/articles?limit=100`);
    let crossOutlet = 0;
    for (const article of list.items) {
      const { status, body } = await getJson(`${stack.baseUrl}/articles/${article.id}/related`);
      expect(status).toBe(200);
      expect(body.items.map((item: { id: string }) => item.id)).not.toContain(article.id);
      const scores = body.items.map((item: { score: number }) => item.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      const top = body.items[0];
      if (top && top.source.id !== article.source.id && top.reasons.length > 0) crossOutlet++;
    }
    // Most demo stories are covered by several outlets: their best related article is another outlet's.
    expect(crossOutlet).toBeGreaterThanOrEqual(list.items.length / 2);
  });

  it('counts the API\'s requests and latency on the operator page, as the dashboard shows API Gateway\'s', async () => {
    const before = (await getJson(`${stack.baseUrl}/ops/metrics.json`)).body as OpsSnapshot & { timings: Record<string, { count: number }> };
    for (let i = 0; i < 3; i++) expect((await getJson(`${stack.baseUrl}/articles?limit=2`)).status).toBe(200);
    expect((await getJson(`${stack.baseUrl}/articles?limit=0`)).status).toBe(400);
    const after = (await getJson(`${stack.baseUrl}/ops/metrics.json`)).body as typeof before;
    expect((after.totals.ApiRequests ?? 0) - (before.totals.ApiRequests ?? 0)).toBe(4);
    expect(after.timings.ApiLatency!.count - (before.timings.ApiLatency?.count ?? 0)).toBe(4);
    expect(after.totals.ApiErrors ?? 0).toBe(0);
  });

  it('shows each source with its fetch state and article count', async () => {
    const { status, body } = await getJson(`${stack.baseUrl}/sources`);
    expect(status).toBe(200);
    expect(body.items.length).toBeGreaterThanOrEqual(4);
    for (const source of body.items) {
      expect(source.lastFetchedAt).not.toBeNull();
      expect(source.lastError).toBeNull();
      expect(source.articleCount).toBeGreaterThan(0);
    }
    // Each refreshed as demo/sources.json schedules it; the operator page reads the same views.
    const intervals = { 'harbor-times': 5, 'northern-ledger': 5, 'meridian-post': 10, 'continental-courier': 10 };
    expect(Object.fromEntries(body.items.map((source: { id: string; refreshMinutes: number | null }) => [source.id, source.refreshMinutes]))).toEqual(expect.objectContaining(intervals));
    const ops = (await getJson(`${stack.baseUrl}/ops/metrics.json`)).body as OpsSnapshot;
    expect(Object.fromEntries(ops.sources.map((source) => [source.id, source.refreshMinutes]))).toEqual(expect.objectContaining(intervals));
  });

  it('answers errors as JSON with the right status', async () => {
    const missing = await getJson(`${stack.baseUrl}/articles/AAAAAAAAAAAAAAAAAAAAAA`);
    expect(missing.status).toBe(404);
    expect(typeof missing.body.error.code).toBe('string');
    const badLimit = await getJson(`${stack.baseUrl}/articles?limit=1000`);
    expect(badLimit.status).toBe(400);
    const badCursor = await getJson(`${stack.baseUrl}/articles?cursor=forged`);
    expect(badCursor.status).toBe(400);
  });

  it('takes comments with a token from `npm run token`, and only with one', async () => {
    const { body: list } = await getJson(`${stack.baseUrl}/articles?limit=1`);
    const id = list.items[0].id as string;
    const url = `${stack.baseUrl}/articles/${id}/comments`;
    const discovery = await getJson(`${stack.baseUrl}/local/oidc/.well-known/openid-configuration`);
    expect(discovery.body.issuer).toBe(`http://localhost:${stack.port}/local/oidc`);
    const post = (bearer: string | null, body: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        body: JSON.stringify({ body }),
      });
    expect((await post(null, 'anonymous')).status).toBe(401);
    const shortLived = await token('ada', '--expires-in', '1');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await post(shortLived, 'too late')).status).toBe(401);
    const ada = await token('ada');
    const created = await post(ada, 'First!');
    expect(created.status).toBe(201);
    const comment = await created.json();
    expect(comment.author.name).toBe('ada');
    expect((await getJson(url)).body.items.map((c: { id: string }) => c.id)).toEqual([comment.id]);
    expect((await getJson(`${stack.baseUrl}/articles/${id}`)).body.commentCount).toBe(1);
    const remove = (bearer: string) => fetch(`${url}/${comment.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${bearer}` } });
    expect((await remove(await token('bob'))).status).toBe(403);
    expect((await remove(await token('mo', '--moderator'))).status).toBe(204);
    expect((await getJson(`${stack.baseUrl}/articles/${id}`)).body.commentCount).toBe(0);

    // A token for another port, or a data dir no stack runs on, is still made, and says why it will be refused.
    const elsewhere = await tokenRun({ PORT: String(stack.port + 1), NEWSWEAVE_DATA_DIR: stack.dataDir }, ['ada']);
    expect(elsewhere.stderr).toContain(`listens on port ${stack.port}, not ${stack.port + 1}: set PORT=${stack.port}`);
    expect((await post(elsewhere.stdout.trim(), 'wrong port')).status).toBe(401);
    const nowhere = await tokenRun({ PORT: String(stack.port), NEWSWEAVE_DATA_DIR: mkdtempSync(join(tmpdir(), 'newsweave-none-')) }, ['ada']);
    expect(nowhere.stderr).toContain('token: no npm start runs on ');
    expect((await post(nowhere.stdout.trim(), 'wrong data dir')).status).toBe(401);
  }, 60_000);

  it('refuses a second start on a data dir in use, in one line, and the first keeps serving', async () => {
    const failed = await startStackProcess({ dataDir: stack.dataDir, readyTimeoutMs: 20_000 }).then(
      async (second) => {
        await second.stop('SIGKILL');
        return null;
      },
      (error: unknown) => (error as Error).message,
    );
    expect(failed).toContain('local stack exited early');
    expect(failed).toContain(`newsweave: ${stack.dataDir} is in use by another Newsweave (pid `);
    expect(failed).not.toContain('    at ');
    expect((await getJson(`${stack.baseUrl}/articles?limit=1`)).status).toBe(200);
  }, 30_000);

  it('keeps what was ingested across a restart, stores nothing twice, and stops cleanly on SIGTERM within 5 s', async () => {
    const { body: before } = await getJson(`${stack.baseUrl}/articles?limit=100`);
    const first = await stack.stop('SIGTERM');
    labelled(stack.output(), () => expect(first.code).toBe(0));
    expect(first.millis).toBeLessThan(5_000);
    expect(await processGroupSurvives(stack.child.pid!)).toBe(false);

    // Started again as a user would, with the same data dir and port: the demo outlets are at the same URLs, so the
    // forced fetch of every source finds their articles already stored and queues none of them again.
    stack = await startStackProcess({ dataDir: stack.dataDir, port: stack.port });
    const { body: after } = await getJson(`${stack.baseUrl}/articles?limit=100`);
    expect(after.items.length).toBeGreaterThanOrEqual(before.items.length);
    const ops = await waitUntilFetched(stack.baseUrl);
    expect(ops.totals.UrlsQueued ?? 0).toBe(0);
    const { body: again } = await getJson(`${stack.baseUrl}/articles?limit=100`);
    expect(again.items.map((item: { id: string }) => item.id)).toEqual(before.items.map((item: { id: string }) => item.id));
    const second = await stack.stop('SIGINT');
    labelled(stack.output(), () => expect(second.code).toBe(0));
    expect(second.millis).toBeLessThan(5_000);
    expect(await processGroupSurvives(stack.child.pid!)).toBe(false);
  }, 60_000);

  it('refuses a User-Agent without a contact before starting anything, and says why', async () => {
    const failed = await startStackProcess({ env: { NEWSWEAVE_USER_AGENT: 'MyNews/1.0' }, readyTimeoutMs: 20_000 }).then(
      () => null,
      (error: unknown) => (error as Error).message,
    );
    expect(failed).toContain('local stack exited early');
    expect(failed).toContain('NEWSWEAVE_USER_AGENT: the User-Agent must name a contact');
  }, 30_000);

  it('refuses a LOG_LEVEL it does not know (Powertools would take it as INFO, silently), and says which it takes', async () => {
    const failed = await startStackProcess({ env: { LOG_LEVEL: 'verbose' }, readyTimeoutMs: 20_000 }).then(
      () => null,
      (error: unknown) => (error as Error).message,
    );
    expect(failed).toContain('local stack exited early');
    expect(failed).toContain('LOG_LEVEL must be one of DEBUG, INFO, WARN, ERROR, SILENT, not "verbose"');
  }, 30_000);
});
