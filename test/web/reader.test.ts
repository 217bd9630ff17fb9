/**
 * The reader page in Chromium against the fake API: what a reader sees, does with mouse and keyboard, and is told
 * when something is missing or broken.
 */
import type { Browser, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from '@jest/globals';
import { eventually } from '../support/eventually';
import { denySessionStorage, openPage, PHONE, saveSideBySide, type WatchedPage } from './browser';
import { FAKE_COGNITO_USER, IDS, startFakeApi, type FakeApi } from './fake-api';
import { useFakeApiAndChromium } from './page-test-setup';
import { expectArticleOpens, expectCommentsSection, expectKeyboardReachesArticle, expectLatestList, openLatest } from './reader-checks';

let fake: FakeApi;
let browser: Browser;
let watched: WatchedPage;
let page: Page;

useFakeApiAndChromium((started) => ({ fake, browser } = started));

async function open(viewport?: { width: number; height: number }): Promise<Page> {
  watched = await openPage(browser, viewport);
  page = watched.page;
  page.setDefaultTimeout(10_000);
  return page;
}

afterEach(async () => {
  fake.setMode('ok');
  await watched?.context.close();
});

const cardTitles = () => page.locator('#main .card-title a').allTextContents();

describe('reader: the latest articles', () => {
  it('lists the newest first with source names, relative times and the source filter', async () => {
    await open();
    const titles = await expectLatestList(page, fake.origin);
    expect(titles[0]).toBe('Dockworkers walk out at the Port of Calderhaven as pay talks collapse');
    const first = page.locator('#main .card').first();
    expect(await first.locator('.meta .source').textContent()).toBe('The Harbor Times');
    expect(await first.locator('.meta time').textContent()).toBe('22 minutes ago');
    expect(await page.locator('#main .card').nth(1).locator('time').textContent()).toBe('47 minutes ago');
    // The sources are asked for alongside the list, and may be answered after it.
    await eventually(async () =>
      expect(await page.locator('#source-list .chip').allTextContents()).toEqual([
        'All sources',
        'The Harbor Times 18',
        'Valley Courier 2',
        'The Northern Ledger 2',
        'Metro Wire 3',
      ]),
    );
    expect(await page.locator('#source-list .chip[aria-current="page"]').textContent()).toBe('All sources');
    expect(await page.locator('h1').textContent()).toBe('Latest news');
    expect(watched.errors).toEqual([]);
  });

  it('loads the next page by cursor and moves focus to the first new article', async () => {
    await open();
    await openLatest(page, fake.origin);
    expect(await page.locator('#main .card').count()).toBe(20);
    await page.getByRole('button', { name: 'Load more articles' }).click();
    await eventually(async () => expect(await page.locator('#main .card').count()).toBe(25));
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe((await cardTitles())[20]);
    expect(await page.getByRole('button', { name: 'Load more articles' }).count()).toBe(0);
    expect(fake.requests).toContain('/articles?limit=20&cursor=20');
  });

  it('says so when the next page fails, and keeps focus on "Try again"', async () => {
    await open();
    let refused = 0;
    await page.route(/\/articles\?limit=20&cursor=20$/, (route) => {
      refused += 1;
      return refused === 1 ? route.fulfill({ status: 500, json: { error: { code: 'internal', message: 'internal error' } } }) : route.fallback();
    });
    await openLatest(page, fake.origin);
    await page.getByRole('button', { name: 'Load more articles' }).focus();
    await page.keyboard.press('Enter');
    await eventually(async () =>
      expect(await page.locator('#main .more [role="alert"]').textContent()).toBe('Newsweave is having trouble. More articles could not be loaded.'),
    );
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Try again');
    await page.keyboard.press('Enter');
    await eventually(async () => expect(await page.locator('#main .card').count()).toBe(25));
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe((await cardTitles())[20]);
  });

  it('filters by source from the source chips', async () => {
    await open();
    await openLatest(page, fake.origin);
    await page.locator('#source-list .chip', { hasText: 'Valley Courier' }).click();
    await eventually(async () => expect(await page.locator('h1').textContent()).toBe('Latest from Valley Courier'));
    expect(page.url()).toMatch(/#\/source\/valley-courier$/);
    // The heading is renamed as soon as the list is asked for (the sources are in): its articles come after.
    await eventually(async () => expect(await page.locator('#main .card .meta .source').allTextContents()).toEqual(['Valley Courier', 'Valley Courier']));
    expect(await page.locator('#source-list .chip[aria-current="page"]').textContent()).toBe('Valley Courier 2');
  });

  it('shows one source’s list without waiting for the source list, and names the source when it comes', async () => {
    await open();
    // /sources held back until the list is on screen: the list is titled with the id meanwhile.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(/\/sources$/, async (route) => {
      await held;
      await route.fallback();
    });
    await page.goto(`${fake.origin}/#/source/valley-courier`);
    await eventually(async () => expect(await page.locator('#main .card').count()).toBe(2));
    expect(await page.locator('h1').textContent()).toBe('Latest from valley-courier');
    expect(await page.title()).toBe('Latest from valley-courier · Newsweave');
    release();
    await eventually(async () => expect(await page.locator('h1').textContent()).toBe('Latest from Valley Courier'));
    expect(await page.title()).toBe('Latest from Valley Courier · Newsweave');

    // Sources that fail leave the id in the title; the list is there all the same.
    await page.unroute(/\/sources$/);
    await page.route(/\/sources$/, (route) => route.fulfill({ status: 500, json: { error: { code: 'internal', message: 'internal error' } } }));
    await page.goto(`${fake.origin}/#/source/metro-wire`);
    await page.reload();
    await eventually(async () => expect(await page.locator('#main .card').count()).toBe(3));
    await eventually(async () => expect(await page.locator('#source-list').textContent()).toContain('Sources unavailable'));
    expect(await page.locator('h1').textContent()).toBe('Latest from metro-wire');
    expect(await page.title()).toBe('Latest from metro-wire · Newsweave');
  });

  it('filters by topic from the topic box and from an article’s topics', async () => {
    await open();
    await openLatest(page, fake.origin);
    await page.getByLabel('Topic').fill('Strike');
    await page.getByLabel('Topic').press('Enter');
    await eventually(async () => expect(await page.locator('h1').textContent()).toBe('Topic: Strike'));
    await eventually(async () => expect(await cardTitles()).toEqual([
      'Dockworkers walk out at the Port of Calderhaven as pay talks collapse',
      'Calderhaven port strike: what it means for shoppers before the holidays',
      'Port strike enters first day; mediator named',
    ]));
    await page.goto(`${fake.origin}/#/article/${IDS.rates}`);
    await page.locator('.topics .chip', { hasText: 'Ilse Brandt' }).click();
    await eventually(async () => expect(await page.locator('h1').textContent()).toBe('Topic: ilse brandt'));
    expect(page.url()).toMatch(/#\/topic\/ilse%20brandt$/);
    await eventually(async () => expect(await cardTitles()).toEqual(['Central bank holds its key rate at 3.25% and signals patience']));
  });

  it('searches by keyword, and says so when nothing matches', async () => {
    await open();
    await openLatest(page, fake.origin);
    await page.getByRole('searchbox', { name: 'Search articles' }).fill('pine hollow');
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(async () => expect(await page.locator('h1').textContent()).toBe('Search results for “pine hollow”'));
    expect(page.url()).toMatch(/#\/search\/pine%20hollow$/);
    await eventually(async () => expect(await cardTitles()).toEqual(['Wildfire near Pine Hollow forces 2,000 to leave their homes']));
    expect(fake.requests).toContain('/articles?q=pine+hollow&limit=20');

    await page.goto(`${fake.origin}/#/search/zeppelin`);
    await eventually(async () => expect(await page.locator('#main .notice').textContent()).toBe('No articles match “zeppelin”. Try fewer or different words.'));
    expect(await page.locator('#status').textContent()).toBe('No articles match “zeppelin”. Try fewer or different words.');
  });
  it('shows the search or topic on screen again when it is submitted again (the hash does not change)', async () => {
    await open();
    await page.goto(`${fake.origin}/#/search/pine%20hollow`);
    await page.locator('#main .card').first().waitFor();
    const asked = (path: string) => fake.requests.filter((request) => request === path).length;
    const before = asked('/articles?q=pine+hollow&limit=20');
    await page.getByRole('searchbox', { name: 'Search articles' }).fill('pine hollow');
    await page.getByRole('searchbox', { name: 'Search articles' }).press('Enter');
    await eventually(async () => expect(asked('/articles?q=pine+hollow&limit=20')).toBe(before + 1));
    await page.locator('#main .card').first().waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('view-title');

    await page.goto(`${fake.origin}/#/topic/strike`);
    await page.locator('#main .card').first().waitFor();
    const topicBefore = asked('/topics/strike/articles?limit=20');
    await page.locator('#topic-input').fill('strike');
    await page.locator('#topic-input').press('Enter');
    await eventually(async () => expect(asked('/topics/strike/articles?limit=20')).toBe(topicBefore + 1));
  });
});

describe('reader: an article', () => {
  it('shows title, source, time, byline, image, paragraphs and related articles with their reasons', async () => {
    await open();
    const { title, related } = await expectArticleOpens(page, fake.origin);
    expect(title).toBe('Dockworkers walk out at the Port of Calderhaven as pay talks collapse');
    expect(related).toBe(2);
    expect(await page.locator('.story .meta').textContent()).toBe('The Harbor Times · 22 minutes ago · By Lena Fairweather');
    expect(await page.locator('.story-body p').count()).toBe(4);
    expect(await page.locator('.story-body p').nth(1).textContent()).toMatch(/^Union leader Marta Okonkwo said/);
    const image = page.locator('.lead-image img');
    expect(await image.getAttribute('alt')).toBe(`Lead image for: ${title}`);
    await eventually(async () => expect(await image.evaluate((element: HTMLImageElement) => element.naturalWidth)).toBeGreaterThan(0));
    const first = page.locator('.related-item').first();
    expect(await first.locator('.card-title').textContent()).toBe('Calderhaven port strike: what it means for shoppers before the holidays');
    expect(await first.locator('.meta').textContent()).toBe('The Northern Ledger · 1 hour ago');
    expect(await first.locator('.summary').textContent()).toMatch(/^Retailers say shelves/);
    expect(await first.locator('.reasons .tag').allTextContents()).toEqual(['Port of Calderhaven', 'Marta Okonkwo', 'strike']);
    expect(await page.locator('.story-footer a', { hasText: 'Read the original at The Harbor Times' }).getAttribute('href')).toBe(
      `https://harbor-times.example/news/${IDS.strike}`,
    );
    expect(watched.errors).toEqual([]);
  });

  it('keeps the lead image\'s place while it loads: the text under it does not move when it comes in', async () => {
    await open();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/img\/[^/]+\.svg$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${fake.origin}/#/article/${IDS.strike}`);
    await page.locator('.story-body p').first().waitFor();
    const image = page.locator('.lead-image img');
    expect(await image.evaluate((element: HTMLImageElement) => element.complete)).toBe(false);
    const box = await image.boundingBox();
    // A 16:9 frame as wide as the text, at most 24rem (384 px) high, before a byte of the image has come.
    expect(box!.height).toBeCloseTo(Math.min((box!.width * 9) / 16, 384), 0);
    const textTop = () => page.locator('.story-body').evaluate((element) => element.getBoundingClientRect().top + window.scrollY);
    const before = await textTop();
    release();
    await eventually(async () => expect(await image.evaluate((element: HTMLImageElement) => element.naturalWidth)).toBeGreaterThan(0));
    expect(await textTop()).toBe(before);
    expect(watched.errors).toEqual([]);
  });

  it('drops a lead image that fails to load and says when there is nothing related', async () => {
    await open();
    await page.goto(`${fake.origin}/#/article/${IDS.wildfire}`);
    await page.locator('#article-title').waitFor();
    await eventually(async () => expect(await page.locator('.lead-image').count()).toBe(0));
    await page.goto(`${fake.origin}/#/article/${IDS.battery}`);
    await eventually(async () => expect(await page.locator('aside.related .notice').textContent()).toBe('No related articles yet.'));
  });

  it('says an article is no longer available when the API answers 404', async () => {
    await open();
    await page.goto(`${fake.origin}/#/article/${IDS.gone}`);
    await eventually(async () => expect(await page.locator('h1').textContent()).toBe('This article is no longer available'));
    expect(await page.locator('[role="alert"]').textContent()).toContain('It may have been removed by its source');
    await page.getByRole('link', { name: 'See the latest news' }).click();
    await eventually(async () => expect(await page.locator('h1').textContent()).toBe('Latest news'));
  });

  it('lays out right-to-left text right to left: titles, summaries, paragraphs and comments take their own direction', async () => {
    const arabic = 'أعلنت الحكومة اليوم عن خطة جديدة (2026) لتحسين النقل العام.';
    type Item = { title: string; summary?: string; body?: string };
    const inArabic = (item: Item): Item => ({ ...item, title: arabic, summary: arabic, body: `${arabic}\n\n${arabic}` });
    await open();
    // The strike story, in Arabic wherever it is shown, and one Arabic comment under it.
    await page.route(/\/articles(\/[^/?]+(\/related|\/comments)?)?(\?.*)?$/, async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { items?: (Item & { id: string })[] } & Item & { id: string };
      if (route.request().url().includes('/comments')) {
        const items = (body.items ?? []) as unknown as { body: string }[];
        await route.fulfill({ response, json: { ...body, items: items.map((item, index) => (index === 0 ? { ...item, body: arabic } : item)) } });
      } else if (Array.isArray(body.items)) {
        await route.fulfill({ response, json: { ...body, items: body.items.map((item) => (item.id === IDS.strike ? inArabic(item) : item)) } });
      } else {
        await route.fulfill({ response, json: body.id === IDS.strike ? inArabic(body) : body });
      }
    });
    const direction = (selector: string) => page.locator(selector).first().evaluate((element) => getComputedStyle(element).direction);
    await openLatest(page, fake.origin);
    expect(await page.locator('#main .card-title').first().textContent()).toBe(arabic);
    expect(await direction('#main .card-title')).toBe('rtl');
    expect(await direction('#main .summary')).toBe('rtl');
    expect(await page.locator('#main .card-title').nth(1).evaluate((element) => getComputedStyle(element).direction)).toBe('ltr');
    await page.goto(`${fake.origin}/#/article/${IDS.strike}`);
    await page.locator('section.comments:not([aria-busy])').waitFor();
    expect(await direction('#article-title')).toBe('rtl');
    expect(await direction('.story-body p')).toBe('rtl');
    expect(await direction('.comment-body')).toBe('rtl');
    expect(await page.locator('.comment-body').nth(1).evaluate((element) => getComputedStyle(element).direction)).toBe('ltr');
    // The page's own words stay left to right.
    expect(await direction('.story .meta')).toBe('ltr');
  });

  it('marks the article\'s own text with its language, and leaves the page\'s words (meta line, Topics, the link) in English', async () => {
    await open();
    await page.route(`**/articles/${IDS.strike}`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, json: { ...((await response.json()) as object), language: 'fr' } });
    });
    await page.goto(`${fake.origin}/#/article/${IDS.strike}`);
    await page.locator('section.comments:not([aria-busy])').waitFor();
    // The language a screen reader reads an element in: its nearest `lang`.
    const language = (selector: string) => page.locator(selector).first().evaluate((element) => element.closest('[lang]')?.getAttribute('lang'));
    expect(await language('#article-title')).toBe('fr');
    expect(await language('.story-body p')).toBe('fr');
    expect(await language('.story .meta time')).toBe('en');
    expect(await language('.story .byline')).toBe('en');
    expect(await language('.story-footer .filter-label')).toBe('en');
    expect(await language('.story-footer a[href^="https:"]')).toBe('en');
  });

  it('never sends "." or ".." as a path segment: a topic or article of that name is nothing, not the latest news', async () => {
    await open();
    const before = fake.requests.length;
    await page.goto(`${fake.origin}/#/topic/..`);
    await eventually(async () => expect(await page.locator('#main .notice').textContent()).toBe('No articles about “..” yet.'));
    expect(await page.locator('#main .card').count()).toBe(0);
    await page.goto(`${fake.origin}/#/article/..`);
    await eventually(async () => expect(await page.locator('h1').textContent()).toBe('This article is no longer available'));
    await page.goto(`${fake.origin}/#/article/.`);
    await eventually(async () => expect(await page.locator('h1').textContent()).toBe('This article is no longer available'));
    // The URL parser would have made them `/articles` and `/`: not one such request was sent.
    expect(fake.requests.slice(before).filter((request) => /^\/(articles)?(\?|$)/.test(request))).toEqual([]);
  });

  it('keeps API text as text: markup in titles, bodies and URLs is never run or rendered', async () => {
    await open();
    await page.goto(`${fake.origin}/#/article/${IDS.hostile}`);
    await page.locator('#article-title').waitFor();
    expect(await page.locator('#article-title').textContent()).toBe('Letters: <img src=x onerror="window.__pwned=1"> <b>not bold</b>');
    expect(await page.locator('.story-body p').textContent()).toBe('<p onclick="window.__pwned=1">Markup in a body stays text.</p>');
    expect(await page.locator('.story img, .story b, .story script').count()).toBe(0);
    await page.goto(`${fake.origin}/#/search/markup`);
    await page.locator('#main .card').first().waitFor();
    expect(await page.locator('#main img, #main script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });
});

describe('reader: failures and settings', () => {
  it('shows an error with a retry when the API answers 5xx, and recovers', async () => {
    await open();
    fake.setMode('fail');
    await page.goto(`${fake.origin}/#/`);
    const alert = page.locator('#main [role="alert"]');
    await alert.waitFor();
    expect(await alert.locator('.notice-title').textContent()).toBe('Newsweave is having trouble.');
    expect(await alert.textContent()).toContain('(500)');
    // The sources fail on their own request, which may be answered after the list's.
    await eventually(async () => expect(await page.locator('#source-list').textContent()).toContain('Sources unavailable'));
    fake.setMode('ok');
    await page.getByRole('button', { name: 'Try again' }).click();
    await eventually(async () => expect(await page.locator('#main .card').count()).toBe(20));
    expect(await page.locator('h1').evaluate((element) => element === document.activeElement)).toBe(true);
    await eventually(async () => expect(await page.locator('#source-list .chip').count()).toBe(5));
  });

  it('says when the API cannot be reached at all', async () => {
    await open();
    await page.route(/\/articles\?/, (route) => route.abort('connectionrefused'));
    await page.goto(`${fake.origin}/#/`);
    await eventually(async () => expect(await page.locator('#main [role="alert"] .notice-title').textContent()).toBe('Newsweave cannot be reached.'));
  });

  it('says the API is busy, and for how long, when it answers 429 (not that the reader was refused)', async () => {
    await open();
    await page.route(/\/articles\?/, (route) =>
      route.fulfill({ status: 429, headers: { 'retry-after': '20' }, json: { message: 'Too Many Requests' } }),
    );
    await page.goto(`${fake.origin}/#/`);
    const alert = page.locator('#main [role="alert"]');
    await eventually(async () => expect(await alert.locator('.notice-title').textContent()).toBe('Newsweave is busy: try again in 20 seconds.'));
    expect(await alert.textContent()).not.toContain('refused');
  });

  it('works in a tab the browser denies storage (all cookies blocked): articles and comments, without signing in', async () => {
    await open();
    await denySessionStorage(page);
    await expectArticleOpens(page, fake.origin);
    expect(await page.locator('section.comments li.comment').count()).toBe(3);
    expect(await page.locator('section.comments .comment-account').textContent()).toBe('');
    expect(watched.errors).toEqual([]);
  });

  it('calls the API named in config.js when the static site is served elsewhere', async () => {
    const api = await startFakeApi();
    try {
      await open();
      await page.route(`${fake.origin}/config.js`, (route) =>
        route.fulfill({ contentType: 'text/javascript', body: `window.NEWSWEAVE_API = '${api.origin}/';` }),
      );
      const before = fake.requests.length;
      await expectLatestList(page, fake.origin);
      expect(api.requests).toEqual(expect.arrayContaining(['/sources', '/articles?limit=20']));
      expect(fake.requests.length).toBe(before);
    } finally {
      await api.stop();
    }
  });
});

describe('reader: comments', () => {
  const comments = () => page.locator('section.comments');

  it('shows the comments under the article, newest first, as plain text with their line breaks', async () => {
    await open();
    await page.goto(`${fake.origin}/#/article/${IDS.strike}`);
    expect(await expectCommentsSection(page)).toBe(3);
    expect(await comments().locator('h2').textContent()).toBe('Comments (3)');
    expect(await comments().locator('.comment-author').allTextContents()).toEqual(['harbourwatcher', 'mallory', 'dockhand']);
    expect(await comments().locator('.comment-meta time').first().textContent()).toBe('3 minutes ago');
    // Markup in a comment is shown, not run: no element was made of it, and its handlers never fired.
    expect(await comments().locator('.comment-body').nth(1).textContent()).toBe('<img src=x onerror="window.__pwned=3"><script>window.__pwned=4</script>');
    expect(await comments().locator('.comment-list img, .comment-list script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    const lines = await comments().locator('.comment-body').nth(2).evaluate((element) => (element as HTMLElement).innerText);
    expect(lines.split('\n')).toHaveLength(2);
    // Signed out: an invitation to sign in, no form and no delete buttons.
    expect(await comments().locator('.comment-account button').textContent()).toBe('Sign in to comment');
    expect(await comments().locator('form, .comment-delete').count()).toBe(0);
    expect(watched.errors).toEqual([]);
  });

  it('says "No comments yet" under an article nobody has commented on', async () => {
    await open();
    await page.goto(`${fake.origin}/#/article/${IDS.rates}`);
    expect(await expectCommentsSection(page)).toBe(0);
    expect(await comments().locator('h2').textContent()).toBe('Comments (0)');
  });

  it('still shows the article when its comments cannot be loaded, and offers to try again', async () => {
    await open();
    await page.route(/\/articles\/[^/]+\/comments/, (route) => route.abort('connectionrefused'));
    await page.goto(`${fake.origin}/#/article/${IDS.strike}`);
    await page.locator('section.comments:not([aria-busy])').waitFor();
    expect(await comments().locator('.comment-state .notice p').textContent()).toBe('Comments could not be loaded right now.');
    expect(await page.locator('#article-title').count()).toBe(1);
    await page.unroute(/\/articles\/[^/]+\/comments/);
    await comments().locator('.comment-state button').click();
    await eventually(async () => expect(await comments().locator('li.comment').count()).toBe(3));
  });

  it('keeps keyboard focus in the comments after their "Try again": on the next "Try again", then on the first comment', async () => {
    await open();
    await page.route(/\/articles\/[^/]+\/comments/, (route) => route.abort('connectionrefused'));
    await page.goto(`${fake.origin}/#/article/${IDS.strike}`);
    await page.locator('section.comments:not([aria-busy])').waitFor();
    const focused = () => page.evaluate(() => ({ tag: document.activeElement?.tagName, text: document.activeElement?.textContent }));
    await comments().locator('.comment-state button').focus();
    await page.keyboard.press('Enter');
    // Failed again: focus is on the new "Try again", not dropped to the top of the page.
    await eventually(async () => expect(await focused()).toEqual({ tag: 'BUTTON', text: 'Try again' }));
    await page.unroute(/\/articles\/[^/]+\/comments/);
    await page.keyboard.press('Enter');
    await eventually(async () => expect(await comments().locator('li.comment').count()).toBe(3));
    await eventually(async () => expect(await page.evaluate(() => document.activeElement?.matches('li.comment:first-child'))).toBe(true));
  });

  /** The page's config.js pointing sign-in at the fake's stand-in for the managed login. */
  async function useFakeCognito(redirectUri: string) {
    await page.route(`${fake.origin}/config.js`, (route) =>
      route.fulfill({
        contentType: 'text/javascript',
        body: `window.NEWSWEAVE_API = ''; window.NEWSWEAVE_AUTH = ${JSON.stringify({ kind: 'cognito', domain: fake.origin, clientId: 'reader-client', redirectUri })};`,
      }),
    );
  }

  async function signInOnArticle(id: string) {
    await useFakeCognito(`${fake.origin}/`);
    await page.goto(`${fake.origin}/#/article/${id}`);
    await expectCommentsSection(page);
    await comments().locator('.comment-account button').click();
    await eventually(async () => expect(await comments().locator('.comment-user').textContent()).toBe(FAKE_COGNITO_USER.username));
    await page.locator('section.comments:not([aria-busy])').waitFor();
  }

  it('signs in with the managed login\'s authorization code flow and PKCE, and comes back to the article', async () => {
    await open();
    const redirectUri = `${fake.origin}/`;
    await useFakeCognito(redirectUri);
    const before = fake.tokenRequests.length;
    await page.goto(`${fake.origin}/#/article/${IDS.strike}`);
    await expectCommentsSection(page);
    await comments().locator('.comment-account button').click();
    await eventually(async () => expect(await comments().locator('.comment-user').textContent()).toBe(FAKE_COGNITO_USER.username));
    // Back on the article, with the code and state gone from the address.
    expect(page.url()).toBe(`${fake.origin}/#/article/${IDS.strike}`);
    const [exchange] = fake.tokenRequests.slice(before);
    expect(exchange?.pkceMatched).toBe(true);
    expect(exchange?.fields).toMatchObject({ grant_type: 'authorization_code', client_id: 'reader-client', redirect_uri: redirectUri });
    expect(exchange?.fields.code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only the signed-in user's own comment can be deleted; the form is there. The account box is drawn before the
    // comments have loaded, so wait for them.
    await page.locator('section.comments:not([aria-busy])').waitFor();
    expect(await comments().locator('.comment-delete').count()).toBe(1);
    expect(await comments().locator('li.comment').first().locator('.comment-delete').count()).toBe(1);
    expect(await comments().locator('textarea#comment-body').count()).toBe(1);
  });

  it('says so where the form was when the session ran out before posting, and offers to sign in again', async () => {
    await open();
    await signInOnArticle(IDS.strike);
    await comments().locator('textarea#comment-body').fill('Still here?');
    await page.evaluate(() => window.sessionStorage.clear());
    await comments().locator('form button[type="submit"]').click();
    await eventually(async () =>
      expect(await comments().locator('.comment-error[role="alert"]:not([hidden])').textContent()).toBe(
        'You are signed out, so your comment was not posted. Sign in again to go on.',
      ),
    );
    expect(await comments().locator('.comment-account button').textContent()).toBe('Sign in to comment');
    expect(await comments().locator('form, .comment-delete').count()).toBe(0);
    // The Post button went with the form: focus is on the way to sign in again, not back at the top of the page.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Sign in to comment');
  });

  it('says under the comment when a delete is refused as signed out, and takes every delete button away', async () => {
    await open();
    await signInOnArticle(IDS.strike);
    await page.route(/\/articles\/[^/]+\/comments\/[^/]+$/, (route) =>
      route.fulfill({ status: 401, contentType: 'application/json', body: '{"message":"Unauthorized"}' }),
    );
    const own = comments().locator('li.comment').first();
    await own.locator('.comment-delete').click();
    await eventually(async () =>
      expect(await own.locator('.comment-error[role="alert"]').textContent()).toBe(
        'You are signed out, so your comment was not deleted. Sign in again to go on.',
      ),
    );
    expect(await comments().locator('li.comment').count()).toBe(3);
    expect(await comments().locator('.comment-account button').textContent()).toBe('Sign in to comment');
    expect(await comments().locator('form, .comment-delete').count()).toBe(0);
  });

  it('says so above the list when a comment to delete is already gone, and takes it away', async () => {
    await open();
    await signInOnArticle(IDS.strike);
    await page.route(/\/articles\/[^/]+\/comments\/[^/]+$/, (route) =>
      route.fulfill({ status: 404, json: { error: { code: 'not_found', message: 'comment not found' } } }),
    );
    await comments().locator('li.comment').first().locator('.comment-delete').click();
    await eventually(async () => expect(await comments().locator('li.comment').count()).toBe(2));
    const said = comments().locator('.comment-state [role="alert"]');
    expect(await said.textContent()).toBe('That comment is already gone.');
    expect(await said.isVisible()).toBe(true);
    expect(await comments().locator('h2').textContent()).toBe('Comments (2)');
    expect(await page.locator('#status').textContent()).toBe('That comment is already gone.');
  });

  it('loads more comments by cursor, says so when that fails, and keeps keyboard focus on the way', async () => {
    await open();
    // Three comments on the first page with a cursor, two more after it; the second page fails once.
    let refused = 0;
    await page.route(/\/articles\/[^/]+\/comments\?/, async (route) => {
      const cursor = new URL(route.request().url()).searchParams.get('cursor');
      if (!cursor) {
        const response = await route.fetch();
        return route.fulfill({ response, json: { ...((await response.json()) as object), nextCursor: 'page-2' } });
      }
      refused += 1;
      if (refused === 1) return route.fulfill({ status: 500, json: { error: { code: 'internal', message: 'internal error' } } });
      const older = (id: string, minutesAgo: number) => ({
        id,
        articleId: IDS.strike,
        author: { id: 'sub-oldtimer', name: 'oldtimer' },
        body: `Older comment ${id}`,
        createdAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      });
      return route.fulfill({ json: { items: [older('older-1', 90), older('older-2', 95)], nextCursor: null } });
    });
    await page.goto(`${fake.origin}/#/article/${IDS.strike}`);
    expect(await expectCommentsSection(page)).toBe(3);
    await comments().getByRole('button', { name: 'Load more comments' }).focus();
    await page.keyboard.press('Enter');
    const alert = comments().locator('.more [role="alert"]');
    await eventually(async () => expect(await alert.textContent()).toBe('Newsweave is having trouble. More comments could not be loaded.'));
    expect(await alert.isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Try again');
    await page.keyboard.press('Enter');
    await eventually(async () => expect(await comments().locator('li.comment').count()).toBe(5));
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.commentId)).toBe('older-1');
    expect(await comments().locator('.more').textContent()).toBe('');
    expect(await page.locator('#status').textContent()).toBe('2 more comments shown.');
  });

  it('keeps keyboard focus in the comments when a button is busy or gone: after posting, deleting and signing out', async () => {
    await open();
    await page.goto(`${fake.origin}/#/article/${IDS.strike}`);
    // A moderator's session, as the local development sign-in leaves it (the shipped config.js: kind 'local').
    await page.evaluate(() => {
      const encode = (value: unknown) => btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      const claims = { sub: 'sub-moddy', username: 'moddy', 'cognito:groups': ['moderators'], exp: Math.floor(Date.now() / 1000) + 3600 };
      window.sessionStorage.setItem('newsweave.session', JSON.stringify({ accessToken: `${encode({ alg: 'RS256' })}.${encode(claims)}.signature` }));
    });
    await page.reload();
    await page.locator('section.comments:not([aria-busy])').waitFor();
    // The fake reads comments only: a stand-in for the API's POST and DELETE.
    await page.route(/\/articles\/[^/]+\/comments(\/[^/]+)?$/, (route) => {
      const method = route.request().method();
      if (method === 'POST') {
        const comment = { id: 'new-comment', articleId: IDS.strike, author: { id: 'sub-moddy', name: 'moddy' }, body: 'Typed and posted', createdAt: new Date().toISOString() };
        return route.fulfill({ status: 201, json: comment });
      }
      return method === 'DELETE' ? route.fulfill({ status: 204 }) : route.fallback();
    });
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') || document.activeElement?.id || document.activeElement?.textContent);

    await comments().locator('#comment-body').fill('Typed and posted');
    await comments().getByRole('button', { name: 'Post comment' }).focus();
    await page.keyboard.press('Enter');
    await eventually(async () => expect(await comments().locator('li.comment').count()).toBe(4));
    expect(await focused()).toBe('comment-body');

    await comments().locator('li.comment').first().locator('.comment-delete').focus();
    await page.keyboard.press('Enter');
    await eventually(async () => expect(await comments().locator('li.comment').count()).toBe(3));
    expect(await focused()).toBe('Delete the comment by harbourwatcher');

    await comments().getByRole('button', { name: 'Sign out' }).focus();
    await page.keyboard.press('Enter');
    await eventually(async () => expect(await focused()).toBe('Sign in to comment'));
  });

  it('refuses a sign-in answer this tab did not ask for', async () => {
    await open();
    await page.route(`${fake.origin}/config.js`, (route) =>
      route.fulfill({
        contentType: 'text/javascript',
        body: `window.NEWSWEAVE_AUTH = ${JSON.stringify({ kind: 'cognito', domain: fake.origin, clientId: 'reader-client', redirectUri: `${fake.origin}/` })};`,
      }),
    );
    const before = fake.tokenRequests.length;
    await page.goto(`${fake.origin}/?code=stolen-code&state=forged#/`);
    await eventually(async () => expect(await page.locator('#main > .notice-error').textContent()).toMatch(/not started here/));
    expect(fake.tokenRequests.length).toBe(before);
    expect(page.url()).toBe(`${fake.origin}/#/`);
  });
});

describe('reader: keyboard and small screens', () => {
  it('reaches and opens an article with Tab and Enter, and moves between articles with j and k', async () => {
    await open();
    await expectKeyboardReachesArticle(page, fake.origin);
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('← Back to the articles');
    await page.keyboard.press('Enter');
    await page.locator('#main .card').first().waitFor();
    // Back on the list, focus is on the article it was left for, and j/k go on from there.
    await eventually(async () => expect(await page.evaluate(() => document.activeElement?.textContent)).toBe((await cardTitles())[0]));
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe((await cardTitles())[1]);
    await page.keyboard.press('k');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe((await cardTitles())[0]);
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search-input');
  });

  it('wraps a word longer than the screen (a URL in a title, summary or body, a searched word) instead of widening the page', async () => {
    const long = `https://example.com/${'a'.repeat(300)}`;
    type Item = { title: string; summary?: string; body?: string };
    const stretch = (item: Item): Item => ({ ...item, title: `${item.title} ${long}`, summary: long, body: `${long}\n\n${item.body ?? ''}` });
    await open(PHONE);
    // The list, the article and its related box, each item with a 320-character word.
    await page.route(/\/articles(\/[^/?]+(\/related)?)?(\?.*)?$/, async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { items?: Item[] } & Item;
      await route.fulfill({ response, json: Array.isArray(body.items) ? { ...body, items: body.items.map(stretch) } : stretch(body) });
    });
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    await openLatest(page, fake.origin);
    expect(await page.locator('#main .card-title', { hasText: long }).count()).toBeGreaterThan(0);
    expect(await fits()).toBe(true);
    await page.goto(`${fake.origin}/#/article/${IDS.strike}`);
    await page.locator('aside.related:not([aria-busy])').waitFor();
    expect(await page.locator('#article-title').textContent()).toContain(long);
    expect(await page.locator('.related-item .card-title', { hasText: long }).count()).toBeGreaterThan(0);
    expect(await fits()).toBe(true);
    await page.goto(`${fake.origin}/#/search/${'w'.repeat(200)}`);
    await page.locator('#main .notice').waitFor();
    expect(await fits()).toBe(true);
  });

  it('fits the narrowest phones too (320 and 360 px): the header\'s forms shrink and a long topic name wraps', async () => {
    const label = 'Calderhaven Dockworkers Union and Port Authority Joint Mediation Committee';
    for (const width of [320, 360]) {
      await watched?.context.close();
      await open({ width, height: 740 });
      await page.route(`**/articles/${IDS.strike}`, async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as { topics: unknown[] };
        await route.fulfill({ response, json: { ...body, topics: [...body.topics, { topic: label.toLowerCase(), label }] } });
      });
      const rightEdge = (selector: string) => page.locator(selector).evaluate((element) => element.getBoundingClientRect().right);
      await openLatest(page, fake.origin);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(width);
      expect(await rightEdge('#search-form button')).toBeLessThanOrEqual(width);
      expect(await rightEdge('#topic-form button')).toBeLessThanOrEqual(width);
      await page.goto(`${fake.origin}/#/article/${IDS.strike}`);
      await page.locator('section.comments:not([aria-busy])').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(width);
      expect(await rightEdge(`.topics .chip >> text=${label}`)).toBeLessThanOrEqual(await rightEdge('.story-footer'));
    }
  });

  it('fits a phone-sized screen without sideways scrolling, and saves the screenshots', async () => {
    const settledArticle = async () => {
      await page.goto(`${fake.origin}/#/article/${IDS.strike}`);
      await page.locator('aside.related:not([aria-busy])').waitFor();
      await eventually(async () => expect(await page.locator('.lead-image img').evaluate((element: HTMLImageElement) => element.naturalWidth)).toBeGreaterThan(0));
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    };
    await open();
    await openLatest(page, fake.origin);
    const list = await page.screenshot();
    await settledArticle();
    const article = await page.screenshot();

    await open(PHONE);
    await openLatest(page, fake.origin);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    const phoneList = await page.screenshot();
    await settledArticle();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    await saveSideBySide(
      browser,
      [
        { png: list, caption: 'Latest news', width: 720 },
        { png: article, caption: 'An article and its related coverage', width: 720 },
        { png: phoneList, caption: 'On a phone', width: 312 },
      ],
      'reader.png',
    );
  });
});
