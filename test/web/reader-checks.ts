/**
 * Browser checks of the reader and the operator page that hold for any data, so that they run against the fake API
 * here and against the real local stack (`npm start`, demo sources) alike: each takes the base URL of the site.
 */
import type { Page } from 'playwright-core';
import { expect } from '@jest/globals';
import { eventually } from '../support/eventually';

/** What the reader prints for a publication time: "22 minutes ago", "1 day ago", "just now", "in 2 hours". */
export const RELATIVE_TIME = /^(just now|\d+ (minute|hour|day|month|year)s? ago|in \d+ (minute|hour|day|month|year)s?)$/;

/** Opens the latest list and waits until it has settled: articles, or the empty or error state. */
export async function openLatest(page: Page, baseUrl: string): Promise<void> {
  await page.goto(new URL('/#/', baseUrl).href);
  await page.locator('#main .article-list, #main .notice').first().waitFor();
}

/** The latest list shows articles, each with a link to it, its source and a relative time; returns the titles. */
export async function expectLatestList(page: Page, baseUrl: string): Promise<string[]> {
  await openLatest(page, baseUrl);
  const cards = page.locator('#main .article-list .card');
  const count = await cards.count();
  expect(count).toBeGreaterThan(0);
  const titles: string[] = [];
  for (let index = 0; index < Math.min(count, 10); index += 1) {
    const card = cards.nth(index);
    const link = card.locator('.card-title a');
    expect(await link.getAttribute('href')).toMatch(/^#\/article\/[A-Za-z0-9_%-]+$/);
    titles.push((await link.textContent())?.trim() ?? '');
    expect((await card.locator('.meta .source').textContent())?.trim()).not.toBe('');
    const time = card.locator('.meta time');
    expect((await time.textContent())?.trim()).toMatch(RELATIVE_TIME);
    expect(Number.isNaN(Date.parse((await time.getAttribute('datetime')) ?? ''))).toBe(false);
  }
  expect(titles.every((title) => title !== '')).toBe(true);
  return titles;
}

/**
 * Opening an article from the list shows its title, source, time and body, and a "Related articles" box that
 * settles to items (each saying why it is related) or to a "none yet" note. Returns how many related items it shows.
 */
export async function expectArticleOpens(page: Page, baseUrl: string, index = 0): Promise<{ title: string; related: number }> {
  await openLatest(page, baseUrl);
  const link = page.locator('#main .card-title a').nth(index);
  const title = ((await link.textContent()) ?? '').trim();
  await link.click();
  const heading = page.locator('#article-title');
  await heading.waitFor();
  expect((await heading.textContent())?.trim()).toBe(title);
  expect(await page.title()).toContain(title);
  expect(await page.locator('.story .meta .source').count()).toBe(1);
  expect((await page.locator('.story .meta time').textContent())?.trim()).toMatch(RELATIVE_TIME);
  expect(await page.locator('.story .story-body p, .story > .notice').count()).toBeGreaterThan(0);
  const related = page.locator('aside.related');
  expect((await related.locator('h2').textContent())?.trim()).toBe('Related articles');
  await page.locator('aside.related:not([aria-busy])').waitFor();
  const items = related.locator('.related-item');
  const count = await items.count();
  if (count === 0) {
    expect(await related.locator('.notice').count()).toBe(1);
  }
  for (let item = 0; item < count; item += 1) {
    expect(await items.nth(item).locator('.reasons .tag').count()).toBeGreaterThan(0);
    expect((await items.nth(item).locator('.meta time').textContent())?.trim()).toMatch(RELATIVE_TIME);
  }
  await expectCommentsSection(page);
  return { title, related: count };
}

/** With the keyboard alone (Tab, then Enter) a reader reaches an article and lands on its title. */
export async function expectKeyboardReachesArticle(page: Page, baseUrl: string): Promise<void> {
  await openLatest(page, baseUrl);
  let reached = false;
  for (let presses = 0; presses < 40 && !reached; presses += 1) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.matches('#main .card-title a') ?? false);
  }
  expect(reached).toBe(true);
  const title = await page.evaluate(() => document.activeElement?.textContent?.trim());
  await page.keyboard.press('Enter');
  await page.locator('#article-title').waitFor();
  await eventually(async () => expect(await page.evaluate(() => document.activeElement?.id)).toBe('article-title'));
  expect((await page.locator('#article-title').textContent())?.trim()).toBe(title);
}

/** The operator page shows the counters, a throughput chart with its lines, the queue and the sources table. */
export async function expectOpsPage(page: Page, baseUrl: string): Promise<void> {
  await page.goto(new URL('/ops/', baseUrl).href);
  await page.locator('#counters [data-metric="ArticlesStored"] dd').waitFor();
  for (const metric of ['ArticlesStored', 'DuplicatesSkipped', 'PagesRejected', 'UrlsQueued', 'FetchErrors']) {
    expect((await page.locator(`#counters [data-metric="${metric}"] dd`).textContent())?.trim()).toMatch(/^[\d,]+$/);
  }
  const chart = page.locator('#throughput-chart svg[role="img"]');
  expect(await chart.locator('polyline.series').count()).toBe(5);
  expect((await chart.locator('desc').textContent())?.trim()).toMatch(/^Over the last \d+ minutes: /);
  expect(await page.locator('#queue [data-metric="deadLetters"] dd').count()).toBe(1);
  expect(await page.locator('#sources tbody tr').count()).toBeGreaterThan(0);
  expect(await page.locator('#ops-status').getAttribute('data-state')).toBe('live');
}

/** Under the article: a "Comments" section, loaded, with its comments or the words "No comments yet". */
export async function expectCommentsSection(page: Page): Promise<number> {
  const section = page.locator('section.comments');
  expect((await section.locator('h2').textContent())?.trim()).toMatch(/^Comments( \(\d+\))?$/);
  await page.locator('section.comments:not([aria-busy])').waitFor();
  const comments = await section.locator('li.comment').count();
  if (comments === 0) expect(await section.locator('.comment-state .notice').textContent()).toMatch(/^No comments yet/);
  return comments;
}
