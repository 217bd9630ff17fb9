/**
 * The reader page in Chromium against the real local stack (local/runtime.ts: the deployed handlers behind local
 * DynamoDB and SQS) with the bundled demo outlets, once their ingest is done: the same checks as against the fake API,
 * then the demo's own stories: the Sorrel Ridge wildfire told by three outlets, a one-outlet story found by search,
 * and one outlet's articles alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../support/eventually';
import { labelled } from '../support/labelled';
import { READER_SITE_CSP } from '../../lib/reader-site';
import { startLocalStack, type LocalStack } from '../../local/runtime';
import { freePort, getJson, waitFor } from '../support/local-stack-process';
import { launchChromium, openPage, PHONE, saveSideBySide, type WatchedPage } from './browser';
import { expectArticleOpens, expectCommentsSection, expectLatestList, expectOpsPage, openLatest, RELATIVE_TIME } from './reader-checks';

interface Summary {
  id: string;
  title: string;
  source: { id: string; name: string };
}

/** The demo stories the checks below rely on (demo/README.md, "Stories"). */
const WILDFIRE = {
  title: 'Wrenfield residents begin returning as Sorrel Ridge fire is 60 percent contained',
  source: 'The Northern Ledger',
  otherOutlets: {
    'The Harbor Times': 'Sorrel Ridge fire forces evacuation of Wrenfield as winds push flames toward town',
    'Meridian Post': 'The night the fire came to Wrenfield',
  },
};
const FERRY = { title: 'Lake Seeborn ferry sails again after 41 years', word: 'Seeborn' };
const DEMO_ARTICLES = 16;

let stack: LocalStack;
let dataDir = '';
let baseUrl = '';
let articles: Summary[] = [];
let browser: Browser;
let watched: WatchedPage;
let page: Page;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'newsweave-reader-'));
  const port = await freePort();
  [stack, browser] = await Promise.all([
    startLocalStack({ port, dataDir, print: () => undefined }),
    launchChromium(),
  ]);
  baseUrl = `http://127.0.0.1:${port}`;
  // Every demo article listed and the queue drained: the related lists are written by the same deliveries.
  articles = await waitFor(async () => {
    const { body } = (await getJson(`${baseUrl}/articles?limit=100`)) as { body: { items: Summary[] } };
    if (body.items.length < DEMO_ARTICLES) return undefined;
    const ops = (await getJson(`${baseUrl}/ops/metrics.json`)) as { body: { queue: { visible: number; inFlight: number } } };
    return ops.body.queue.visible === 0 && ops.body.queue.inFlight === 0 ? body.items : undefined;
  }, 'the demo ingest', 120_000);
}, 150_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function open(viewport?: { width: number; height: number }): Promise<Page> {
  watched = await openPage(browser, viewport);
  page = watched.page;
  page.setDefaultTimeout(15_000);
  return page;
}

/** The demo's image URLs do not exist by design (demo/README.md): the page drops the figure, the browser logs a 404. */
const MISSING_DEMO_IMAGE = /^Failed to load resource: .*404/;
/** Further console errors the current test expects. */
let expectedErrors: RegExp[] = [];
const pageErrors = () => watched.errors.filter((error) => ![MISSING_DEMO_IMAGE, ...expectedErrors].some((pattern) => pattern.test(error)));

afterEach(async () => {
  const errors = pageErrors();
  expectedErrors = [];
  await watched.context.close();
  expect(errors).toEqual([]);
});

const cardTitles = () => page.locator('#main .article-list .card-title a').allTextContents();
const cardSources = () => page.locator('#main .article-list .card .meta .source').allTextContents();

describe('reader on the local stack with the demo sources', () => {
  it('lists all demo articles, newest first, with their outlet and a relative time', async () => {
    expect(articles).toHaveLength(DEMO_ARTICLES);
    await open();
    const shown = await expectLatestList(page, baseUrl);
    expect(shown).toEqual(articles.slice(0, shown.length).map((article) => article.title));
    expect(await cardTitles()).toEqual(articles.map((article) => article.title));
    expect(new Set(await cardSources())).toEqual(
      new Set(['The Harbor Times', 'The Northern Ledger', 'Meridian Post', 'The Continental Courier']),
    );
  });

  it('opens an article with its body and a related box of other outlets\' coverage of the same event', async () => {
    await open();
    const index = articles.findIndex((article) => article.title === WILDFIRE.title);
    expect(index).toBeGreaterThanOrEqual(0);
    const { title, related } = await expectArticleOpens(page, baseUrl, index);
    expect(title).toBe(WILDFIRE.title);
    expect((await page.locator('.story .meta .source').textContent())?.trim()).toBe(WILDFIRE.source);
    expect(await page.locator('.story .story-body p').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('.story .story-body').innerText()).toMatch(/Sorrel Ridge/);

    expect(related).toBeGreaterThanOrEqual(2);
    const items = page.locator('aside.related .related-item');
    const shown = await items.evaluateAll((elements) =>
      elements.map((element) => ({
        title: element.querySelector('a')?.textContent?.trim(),
        source: element.querySelector('.meta .source')?.textContent?.trim(),
        reasons: [...element.querySelectorAll('.reasons .tag')].map((tag) => tag.textContent?.trim()),
      })),
    );
    // The two other outlets' wildfire stories come first, each related by the event's own names.
    expect(shown.slice(0, 2).map((item) => [item.source, item.title]).sort()).toEqual(Object.entries(WILDFIRE.otherOutlets).sort());
    for (const item of shown.slice(0, 2)) expect(item.reasons).toEqual(expect.arrayContaining(['Wrenfield', 'Sorrel Ridge']));
    for (const item of shown) expect(item.source).not.toBe(undefined);
    expect(await items.first().locator('.meta time').textContent()).toMatch(RELATIVE_TIME);

    // Following a related item opens that article.
    await items.filter({ hasText: WILDFIRE.otherOutlets['Meridian Post'] }).locator('a').first().click();
    await eventually(async () => expect(await page.locator('#article-title').textContent()).toBe(WILDFIRE.otherOutlets['Meridian Post']));
  });

  it('finds an article by a word of it with the search box', async () => {
    await open();
    await openLatest(page, baseUrl);
    await page.locator('#search-input').fill(FERRY.word);
    await page.locator('#search-input').press('Enter');
    await eventually(async () => expect(await page.locator('#view-title').textContent()).toBe(`Search results for “${FERRY.word}”`));
    await page.locator('#main .article-list').waitFor();
    expect(await cardTitles()).toContain(FERRY.title);
    expect(new URL(page.url()).hash).toBe(`#/search/${FERRY.word}`);
  });

  it('shows one outlet\'s articles alone when its source chip is chosen', async () => {
    await open();
    await openLatest(page, baseUrl);
    const chip = page.locator('#source-list a.chip[data-source="continental-courier"]');
    await chip.click();
    await eventually(async () => expect(await page.locator('#view-title').textContent()).toBe('Latest from The Continental Courier'));
    await page.locator('#main .article-list').waitFor();
    const expected = articles.filter((article) => article.source.id === 'continental-courier').map((article) => article.title);
    expect(expected.length).toBeGreaterThan(1);
    expect(await cardTitles()).toEqual(expected);
    expect(new Set(await cardSources())).toEqual(new Set(['The Continental Courier']));
    expect(await chip.getAttribute('aria-current')).toBe('page');
  });

  it('works under the Content-Security-Policy the deployed site sends (lib/reader-site.ts)', async () => {
    await open();
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) =>
        (window as unknown as { reportViolation(text: string): void }).reportViolation(`${event.violatedDirective} ${event.blockedURI}`),
      );
    });
    // As CloudFront does: the same origin serves the page and the API, and every answer carries the header.
    await page.route(`${baseUrl}/**`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': READER_SITE_CSP } });
    });
    await expectLatestList(page, baseUrl);
    await expectArticleOpens(page, baseUrl, articles.findIndex((article) => article.title === WILDFIRE.title));
    // The demo outlets' images are on the page's own origin (the stack serves them at /demo), which the policy
    // allows; nothing the page itself loads may be blocked. An image from another origin over plain http is blocked
    // (proof that the policy is in force; on the HTTPS site it would be mixed content anyway).
    expect(violations).toEqual([]);
    await page.evaluate(() => {
      const probe = new Image();
      probe.src = 'http://192.0.2.1/probe.png';
      document.body.append(probe);
    });
    await eventually(async () => expect(violations).toEqual(['img-src http://192.0.2.1/probe.png']));
    expectedErrors = [/^Loading the image 'http:\/\/192\.0\.2\.1\/probe\.png'.*Content Security Policy/];
  });

  it('lets a reader sign in with the development sign-in, comment, be told plainly what went wrong, and delete', async () => {
    await open();
    const article = articles.find((each) => each.title === FERRY.title)!;
    await page.goto(`${baseUrl}/#/article/${article.id}`);
    const comments = page.locator('section.comments');
    expect(await expectCommentsSection(page)).toBe(0);
    expect(await comments.locator('h2').textContent()).toBe('Comments (0)');

    // Sign in: the development page asks a name, then brings the reader back to the article.
    await comments.locator('.comment-account button', { hasText: 'Sign in to comment' }).click();
    await page.locator('#username').fill('ada');
    await page.locator('#sign-in-form button[type="submit"]').click();
    await eventually(async () => expect(await comments.locator('.comment-user').textContent()).toBe('ada'));
    expect(new URL(page.url()).hash).toBe(`#/article/${article.id}`);

    const hostile = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
    const textarea = comments.locator('textarea#comment-body');
    const post = async (text: string) => {
      await textarea.fill(text);
      await comments.locator('form button[type="submit"]').click();
      await comments.locator('form button[type="submit"]:not([disabled])').waitFor();
    };

    // Too long: the counter warns, the API refuses (before counting it against the rate), the reader is told by how much.
    await textarea.fill('x'.repeat(2001));
    expect(await comments.locator('.comment-hint').textContent()).toBe('2,001 / 2,000 characters');
    await comments.locator('form button[type="submit"]').click();
    await eventually(async () =>
      expect(await comments.locator('form .comment-error').textContent()).toBe(
        'Your comment is too long: 2,001 characters, and the limit is 2,000. Shorten it and post again.',
      ),
    );

    // Too fast: five a minute, then the API's 429 and its Retry-After, in words. The API's minutes are fixed UTC
    // minutes: the six posts go back to back, started early in a minute, so that they share one on a slow machine too.
    const second = new Date().getUTCSeconds();
    if (second > 40) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
    await post(hostile);
    for (let n = 2; n <= 5; n += 1) await post(`Comment number ${n}`);
    await post('One too many');
    await eventually(async () => expect(await comments.locator('form .comment-error').textContent()).toMatch(/^You are commenting too fast\. Try again in \d+ seconds?\.$/));
    expect(await comments.locator('li.comment').count()).toBe(5);
    const bodies = ['Comment number 5', 'Comment number 4', 'Comment number 3', 'Comment number 2', hostile];
    expect(await comments.locator('li.comment .comment-body').allTextContents()).toEqual(bodies);

    // Markup is posted, stored and shown as text: nothing of it becomes an element or runs.
    expect(await comments.locator('.comment-list script, .comment-list img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await comments.locator('h2').textContent()).toBe('Comments (5)');
    // The API stored it exactly as written, and a reload shows it the same way.
    const stored = (await getJson(`${baseUrl}/articles/${article.id}/comments`)) as { body: { items: { body: string }[] } };
    expect(stored.body.items.map((item) => item.body)).toEqual(bodies);
    await page.reload();
    await page.locator('section.comments:not([aria-busy])').waitFor();
    expect(await comments.locator('li.comment .comment-body').allTextContents()).toEqual(bodies);
    expect(await comments.locator('h2').textContent()).toBe('Comments (5)');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    // Delete one's own comment.
    await comments.locator('li.comment').first().locator('.comment-delete').click();
    await eventually(async () => expect(await comments.locator('li.comment').count()).toBe(4));
    expect(await comments.locator('h2').textContent()).toBe('Comments (4)');

    // Signed out behind the page's back (a token the API no longer accepts): the reader is told, and asked to sign in.
    await page.evaluate(() => {
      const session = JSON.parse(window.sessionStorage.getItem('newsweave.session') ?? '{}');
      session.accessToken = `${session.accessToken.slice(0, -4)}AAAA`;
      window.sessionStorage.setItem('newsweave.session', JSON.stringify(session));
    });
    await comments.locator('li.comment').first().locator('.comment-delete').click();
    await eventually(async () => expect(await comments.locator('.comment-error[role="alert"]:not([hidden])').first().textContent()).toMatch(/^You are signed out/));
    await eventually(async () => expect(await comments.locator('.comment-account button').textContent()).toBe('Sign in to comment'));
    expect(await comments.locator('li.comment').count()).toBe(4);
    expect(await comments.locator('form').count()).toBe(0);
    expectedErrors = [/Failed to load resource: the server responded with a status of (400|401|429)/];
  }, 120_000);

  it('shows the demo run on the operator page: its counts, the throughput chart and each outlet\'s health', async () => {
    await open();
    await expectOpsPage(page, baseUrl);
    const counter = async (metric: string) =>
      Number((await page.locator(`#counters [data-metric="${metric}"] dd`).textContent())?.replace(/\D/g, ''));
    expect(await counter('ArticlesStored')).toBe(DEMO_ARTICLES);
    expect(await counter('UrlsQueued')).toBeGreaterThanOrEqual(DEMO_ARTICLES);
    // The chart's text alternative says what it draws: the demo's stored articles are in it.
    expect(await page.locator('#throughput-chart svg[role="img"] desc').textContent()).toMatch(new RegExp(`${DEMO_ARTICLES}\\b`));
    const rows = await page.locator('#sources tbody tr').allInnerTexts();
    expect(rows).toHaveLength(4);
    for (const name of ['The Harbor Times', 'The Northern Ledger', 'Meridian Post', 'The Continental Courier']) {
      labelled(name, () => expect(rows.some((row) => row.includes(name))).toBe(true));
    }
    // Each row by its id, with the interval of its schedule in demo/sources.json.
    const refreshed = await page.locator('#sources tbody tr').evaluateAll((elements) =>
      Object.fromEntries(elements.map((row) => [row.getAttribute('data-source'), row.querySelector('[data-column="refresh"]')?.textContent])),
    );
    expect(refreshed).toEqual({
      'harbor-times': 'every 5 minutes',
      'northern-ledger': 'every 5 minutes',
      'meridian-post': 'every 10 minutes',
      'continental-courier': 'every 10 minutes',
    });
  });

  it('screenshots an article with its related coverage for the docs', async () => {
    const wildfire = articles.find((article) => article.title === WILDFIRE.title)!;
    const settled = async () => {
      await page.goto(new URL(`/#/article/${wildfire.id}`, baseUrl).href);
      await page.locator('aside.related:not([aria-busy]) .related-item').first().waitFor();
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    };
    await open();
    await settled();
    const desktop = await page.screenshot();
    expect(pageErrors()).toEqual([]);
    await watched.context.close();
    // On a phone the related box follows the article's body: the shot shows where it begins.
    await open(PHONE);
    await settled();
    await page.locator('aside.related').evaluate((element) => element.scrollIntoView({ block: 'start' }));
    const phone = await page.screenshot();
    await saveSideBySide(
      browser,
      [
        { png: desktop, caption: 'A demo article, with the same story from two other outlets', width: 720 },
        { png: phone, caption: 'On a phone, after the article', width: 312 },
      ],
      'reader-demo.png',
    );
  });
});
