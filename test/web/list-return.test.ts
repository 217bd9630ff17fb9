/**
 * Going back to a list: the pages a reader loaded with "Load more", the cursor after them and their place in the list
 * come back, by the browser's Back and Forward and by the page's "Back to the articles" link; and when they cannot
 * (too old, a reload, a refused cursor, no storage), the list loads from the top as it always did, without an error.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../support/eventually';
import { denySessionStorage, launchChromium, openPage, PHONE, type WatchedPage } from './browser';
import type { FakeApi } from './fake-api';
import { useFakeApiAndChromium } from './page-test-setup';
import { openLatest } from './reader-checks';

/** The fake's lists answered in pages of 6 (whatever `limit` the page asks), so that 25 articles make five pages. */
const PAGE_SIZE = 6;
/** Scroll positions are compared in CSS pixels, give or take this much. */
const SCROLL_TOLERANCE = 4;

let fake: FakeApi;
let browser: Browser;
let watched: WatchedPage;
let page: Page;

useFakeApiAndChromium((started) => ({ fake, browser } = started));

afterEach(async () => {
  await watched?.context.close();
});

async function open(chromium = browser): Promise<Page> {
  watched = await openPage(chromium);
  page = watched.page;
  page.setDefaultTimeout(10_000);
  await page.route(/\/(articles|topics\/[^/?]+\/articles)\?/, (route) => {
    const url = new URL(route.request().url());
    url.searchParams.set('limit', String(PAGE_SIZE));
    return route.continue({ url: url.href });
  });
  return page;
}

const cards = () => page.locator('#main .card');
const cardTitles = () => page.locator('#main .card-title a').allTextContents();
const scrollY = () => page.evaluate(() => window.scrollY);
const focusedText = () => page.evaluate(() => document.activeElement?.textContent ?? null);
const focusedId = () => page.evaluate(() => document.activeElement?.id ?? null);
/** The list requests (first pages and cursors) the fake received since `from`. */
const listRequestsSince = (from: number) => fake.requests.slice(from).filter((request) => /^\/(articles|topics\/[^/]+\/articles)\?/.test(request));

async function loadMore(): Promise<void> {
  const before = await cards().count();
  await page.getByRole('button', { name: 'Load more articles' }).click();
  await eventually(async () => expect(await cards().count()).toBe(before + PAGE_SIZE));
}

/** Scrolls the list so that the card at `index` is at the top, opens its article, and returns where the list was. */
async function openArticleAt(index: number): Promise<{ title: string; scrolled: number }> {
  const card = cards().nth(index);
  await card.evaluate((element) => element.scrollIntoView());
  const scrolled = await scrollY();
  const title = (await card.locator('.card-title a').textContent()) ?? '';
  await card.locator('.card-title a').click();
  await eventually(async () => expect(await page.locator('#article-title').textContent()).toBe(title));
  return { title, scrolled };
}

async function expectScrolledTo(expected: number): Promise<void> {
  await eventually(async () => expect(Math.abs((await scrollY()) - expected)).toBeLessThanOrEqual(SCROLL_TOLERANCE));
}

/** The list as it is first shown: its first page, at the top, focus on its heading. */
async function expectFirstPageAtTop(): Promise<void> {
  await eventually(async () => expect(await cards().count()).toBe(PAGE_SIZE));
  expect(await scrollY()).toBe(0);
  await eventually(async () => expect(await focusedId()).toBe('view-title'));
  expect(await page.locator('#main [role="alert"]').count()).toBe(0);
}

const goBack = async () => {
  await page.goBack();
};
const backLink = async () => {
  await page.getByRole('link', { name: '← Back to the articles' }).click();
};

describe('reader: back to a list', () => {
  it.each([
    ['the browser’s Back', goBack],
    ['the “Back to the articles” link', backLink],
  ])('keeps the pages loaded, the place in the list and where Load more goes on, by %s', async (_how, back) => {
    await open();
    await openLatest(page, fake.origin);
    await loadMore();
    await loadMore();
    const titles = await cardTitles();
    expect(titles).toHaveLength(3 * PAGE_SIZE);
    const { title, scrolled } = await openArticleAt(13);
    expect(scrolled).toBeGreaterThan(500);
    const asked = fake.requests.length;

    await back();
    await eventually(async () => expect(await cardTitles()).toEqual(titles));
    await expectScrolledTo(scrolled);
    // Focus is back on the article the reader opened, not at the top of the page.
    expect(await focusedText()).toBe(title);
    expect(page.url()).toBe(`${fake.origin}/#/`);
    expect(listRequestsSince(asked)).toEqual([]);

    await page.getByRole('button', { name: 'Load more articles' }).click();
    await eventually(async () => expect(await cards().count()).toBe(4 * PAGE_SIZE));
    expect(listRequestsSince(asked)).toEqual([`/articles?limit=${PAGE_SIZE}&cursor=${3 * PAGE_SIZE}`]);
    expect(await focusedText()).toBe((await cardTitles())[3 * PAGE_SIZE]);
    expect(watched.errors).toEqual([]);
  });

  it('keeps each list its own pages and place: the latest news, a topic and a search, by Back and Forward', async () => {
    await open();
    await openLatest(page, fake.origin);
    await loadMore();
    await loadMore();
    const latest = await cardTitles();
    const { scrolled: latestScrolled } = await openArticleAt(12);

    // A filler article's topic, then a search: lists of 16 articles each.
    await page.locator('.topics .chip', { hasText: 'harbour notices' }).click();
    await eventually(async () => expect(await cards().count()).toBe(PAGE_SIZE));
    await loadMore();
    const topic = await cardTitles();
    const { scrolled: topicScrolled } = await openArticleAt(8);

    await page.getByRole('searchbox', { name: 'Search articles' }).fill('tide');
    await page.getByRole('searchbox', { name: 'Search articles' }).press('Enter');
    await eventually(async () => expect(await cards().count()).toBe(PAGE_SIZE));
    await loadMore();
    const search = await cardTitles();
    const { scrolled: searchScrolled } = await openArticleAt(9);

    const expectList = async (heading: string, titles: string[], scrolled?: number) => {
      await eventually(async () => expect(await page.locator('h1').textContent()).toBe(heading));
      await eventually(async () => expect(await cardTitles()).toEqual(titles));
      if (scrolled !== undefined) await expectScrolledTo(scrolled);
    };
    await page.goBack();
    await expectList('Search results for “tide”', search, searchScrolled);
    await page.goBack();
    await page.goBack();
    await expectList('Topic: harbour notices', topic, topicScrolled);
    await page.goBack();
    await page.goBack();
    await expectList('Latest news', latest, latestScrolled);
    await page.goForward();
    await page.goForward();
    await expectList('Topic: harbour notices', topic, topicScrolled);
    expect(watched.errors).toEqual([]);
  });

  it('keeps them when the reader comes back from another page (the operator page) with Back', async () => {
    await open();
    await openLatest(page, fake.origin);
    await loadMore();
    await loadMore();
    const titles = await cardTitles();
    await cards().nth(11).evaluate((element) => element.scrollIntoView());
    // The link is in the footer: the page scrolls down to it.
    const link = page.getByRole('link', { name: 'Operator page' });
    await link.scrollIntoViewIfNeeded();
    const scrolled = await scrollY();
    await link.click();
    await page.waitForURL(`${fake.origin}/ops/`);

    await page.goBack();
    await eventually(async () => expect(await cardTitles()).toEqual(titles));
    await expectScrolledTo(scrolled);
    await page.getByRole('button', { name: 'Load more articles' }).click();
    await eventually(async () => expect(await cards().count()).toBe(4 * PAGE_SIZE));
    expect(watched.errors).toEqual([]);
  });
});

describe('reader: back to a list that cannot be kept', () => {
  it('loads a list left more than 30 minutes ago from the top', async () => {
    await open();
    await page.clock.install();
    await openLatest(page, fake.origin);
    await loadMore();
    await openArticleAt(8);
    await page.clock.fastForward('31:00');
    await page.goBack();
    await expectFirstPageAtTop();
    expect(watched.errors).toEqual([]);
  });

  it('loads the list from the top when the reader reloads the page', async () => {
    await open();
    await openLatest(page, fake.origin);
    await loadMore();
    await loadMore();
    await cards().nth(12).evaluate((element) => element.scrollIntoView());
    // The browser puts a reloaded page back where it was scrolled once the page has loaded. Here the page finishes
    // loading (a slow image) only after its list is shown, tall enough for that place: the list still starts at the top.
    await page.route('**/slow-image.png', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.fulfill({ status: 404 });
    });
    await page.addInitScript(() => {
      document.addEventListener('DOMContentLoaded', () => {
        const image = document.createElement('img');
        image.src = '/slow-image.png';
        image.alt = '';
        document.body.append(image);
      });
    });
    await page.reload({ waitUntil: 'load' });
    await eventually(async () => expect(await cards().count()).toBe(PAGE_SIZE));
    expect(await scrollY()).toBe(0);
  });

  it('opens a reloaded article, and one the reader comes back to from another page, where it was being read', async () => {
    watched = await openPage(browser, PHONE);
    page = watched.page;
    page.setDefaultTimeout(10_000);
    await openLatest(page, fake.origin);
    await openArticleAt(0);
    const articleUrl = page.url();
    await eventually(async () => expect(await page.locator('#main [aria-busy="true"]').count()).toBe(0));
    // Its text arrives after the page has loaded, as a real API's does: too late for the browser's own restoring.
    await page.route(/\/articles\/[^/?]+$/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.continue();
    });
    // Where the reader is, as what they see: the text's top against the window's (the lead image, above it, may come
    // in after the place is restored, and the browser then keeps the text where it was).
    const textTop = () => page.evaluate(() => Math.round(document.querySelector('.story-body')!.getBoundingClientRect().top));
    const expectTextAt = (top: number) => eventually(async () => expect(Math.abs((await textTop()) - top)).toBeLessThanOrEqual(SCROLL_TOLERANCE));
    await page.evaluate(() => window.scrollTo(0, Math.round((document.documentElement.scrollHeight - window.innerHeight) / 2)));
    expect(await scrollY()).toBeGreaterThan(100);
    const reading = await textTop();

    await page.reload();
    await eventually(async () => expect(await page.locator('#article-title').count()).toBe(1));
    await expectTextAt(reading);
    expect(await scrollY()).toBeGreaterThan(100);

    const link = page.getByRole('link', { name: 'Operator page' });
    await link.scrollIntoViewIfNeeded();
    const further = await textTop();
    await link.click();
    await page.waitForURL(`${fake.origin}/ops/`);
    await page.goBack();
    expect(page.url()).toBe(articleUrl);
    await eventually(async () => expect(await page.locator('#article-title').count()).toBe(1));
    await expectTextAt(further);

    // Opened from the list again, it starts at the top.
    await page.getByRole('link', { name: '← Back to the articles' }).click();
    await openArticleAt(0);
    expect(await scrollY()).toBe(0);
    expect(watched.errors).toEqual([]);
  });

  it('loads the list again from the top, without an error, when the API refuses the cursor it was kept with', async () => {
    await open();
    await openLatest(page, fake.origin);
    await loadMore();
    await openArticleAt(8);
    await page.goBack();
    await eventually(async () => expect(await cards().count()).toBe(2 * PAGE_SIZE));
    const refuse = /\/articles\?.*cursor=/;
    await page.route(refuse, (route) => route.fulfill({ status: 400, json: { error: { code: 'invalid_cursor', message: 'cursor is not one this API returned' } } }));
    const asked = fake.requests.length;

    await page.getByRole('button', { name: 'Load more articles' }).click();
    await expectFirstPageAtTop();
    expect(listRequestsSince(asked)).toEqual([`/articles?limit=${PAGE_SIZE}`]);
    expect(await page.locator('#status').textContent()).toBe(`The list had changed, so it starts again from the newest. ${PAGE_SIZE} articles shown.`);
    await page.unroute(refuse);
    await loadMore();
    expect(watched.errors.filter((error) => !error.startsWith('Failed to load resource'))).toEqual([]);
  });

  it('keeps the list when its next page is only throttled (429), and says so as before', async () => {
    await open();
    await openLatest(page, fake.origin);
    await loadMore();
    await openArticleAt(8);
    await page.goBack();
    await eventually(async () => expect(await cards().count()).toBe(2 * PAGE_SIZE));
    await page.route(/\/articles\?.*cursor=/, (route) =>
      route.fulfill({ status: 429, headers: { 'retry-after': '20' }, json: { message: 'Too Many Requests' } }),
    );
    await page.getByRole('button', { name: 'Load more articles' }).click();
    await eventually(async () =>
      expect(await page.locator('#main .more [role="alert"]').textContent()).toBe('Newsweave is busy: try again in 20 seconds. More articles could not be loaded.'),
    );
    expect(await cards().count()).toBe(2 * PAGE_SIZE);
    expect(await focusedText()).toBe('Try again');
  });

  it('works as before when the tab’s storage is full: the list loads from the top', async () => {
    await open();
    await page.addInitScript(() => {
      Storage.prototype.setItem = () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    });
    await openLatest(page, fake.origin);
    await loadMore();
    await openArticleAt(8);
    await page.goBack();
    await expectFirstPageAtTop();
    await loadMore();
    expect(watched.errors).toEqual([]);
  });

  it('works as before when the tab has no storage at all (denied, as some private modes do)', async () => {
    await open();
    await denySessionStorage(page);
    await openLatest(page, fake.origin);
    await loadMore();
    await openArticleAt(8);
    await page.locator('section.comments:not([aria-busy])').waitFor();
    await page.goBack();
    await expectFirstPageAtTop();
    await loadMore();
    expect(watched.errors).toEqual([]);
  });
});

describe('reader: back to a list from the back-forward cache', () => {
  let cachingBrowser: Browser;

  beforeAll(async () => {
    cachingBrowser = await launchChromium({ backForwardCache: true });
  }, 60_000);

  afterAll(async () => {
    await cachingBrowser?.close();
  });

  /**
   * The list, two pages loaded and scrolled down, left for the operator page; returns what it showed and where.
   * `away` is how long the page's clock says it was away once it has been hidden.
   */
  async function leaveForOperatorPage(away = 0): Promise<{ titles: string[]; scrolled: number }> {
    await open(cachingBrowser);
    // The fake serves the page with no-store, which keeps it out of the cache; the local stack sends no-cache.
    await page.route(/\/(\?[^#]*)?$/, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'cache-control': 'no-cache' } });
    });
    await openLatest(page, fake.origin);
    await loadMore();
    const titles = await cardTitles();
    const link = page.getByRole('link', { name: 'Operator page' });
    await link.scrollIntoViewIfNeeded();
    const scrolled = await scrollY();
    await page.evaluate((ms) => {
      // Marks this document, to tell it from a new one after Back.
      (window as unknown as { leftAt: number }).leftAt = Date.now();
      // A page frozen in the cache runs no script, so its clock jumps when it is hidden: after the page's own
      // pagehide listener, registered first, has noted the time.
      const realNow = Date.now.bind(Date);
      let offset = 0;
      Date.now = () => realNow() + offset;
      window.addEventListener('pagehide', () => {
        offset = ms;
      });
    }, away);
    await link.click();
    await page.waitForURL(`${fake.origin}/ops/`);
    return { titles, scrolled };
  }

  /** Back, without waiting for a load event: a page from the cache has none. True when it came from the cache. */
  async function backFromCache(): Promise<boolean> {
    await page.goBack({ waitUntil: 'commit' });
    await page.locator('#main .card').first().waitFor();
    return page.evaluate(() => typeof (window as unknown as { leftAt?: number }).leftAt === 'number');
  }

  it('stays a page the cache can keep, and comes back from it as it was left', async () => {
    const { titles, scrolled } = await leaveForOperatorPage();
    expect(await backFromCache()).toBe(true);
    expect(await cardTitles()).toEqual(titles);
    await expectScrolledTo(scrolled);
    await loadMore();
    expect(watched.errors).toEqual([]);
  });

  it('loads a list that waited in the cache for more than 30 minutes from the top', async () => {
    const { titles } = await leaveForOperatorPage(31 * 60_000);
    expect(titles).toHaveLength(2 * PAGE_SIZE);
    expect(await backFromCache()).toBe(true);
    await expectFirstPageAtTop();
    expect(watched.errors).toEqual([]);
  });
});
