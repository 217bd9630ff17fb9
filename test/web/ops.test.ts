/**
 * The operator page in Chromium against the fake runtime's /ops/metrics.json.
 */
import type { Browser, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from '@jest/globals';
import { eventually } from '../support/eventually';
import { openPage, screenshotFile, type WatchedPage } from './browser';
import type { FakeApi } from './fake-api';
import { useFakeApiAndChromium } from './page-test-setup';
import { expectOpsPage } from './reader-checks';

let fake: FakeApi;
let browser: Browser;
let watched: WatchedPage;
let page: Page;

useFakeApiAndChromium((started) => ({ fake, browser } = started));

async function open(): Promise<Page> {
  watched = await openPage(browser);
  page = watched.page;
  page.setDefaultTimeout(10_000);
  return page;
}

afterEach(async () => {
  fake.setMode('ok');
  await watched?.context.close();
});

const counter = (metric: string) => page.locator(`[data-metric="${metric}"] dd`).textContent();

describe('operator page', () => {
  it('shows counters, the throughput chart, queue depth, rejections, timings and source health', async () => {
    await open();
    await expectOpsPage(page, fake.origin);
    expect(Number((await counter('ArticlesStored'))?.replaceAll(',', ''))).toBeGreaterThan(0);
    expect(await page.locator('#counters [data-metric="FetchErrors"]').getAttribute('data-alert')).toBe('true');
    expect(await page.locator('#counters [data-metric="ApiErrors"]').getAttribute('data-alert')).toBeNull();
    expect(await counter('deadLetters')).toBe('1');
    expect(await page.locator('#queue [data-metric="deadLetters"]').getAttribute('data-alert')).toBe('true');

    // 25 minutes of 10-second buckets, from the runtime's start to now.
    const points = await page.locator('polyline[data-series="ArticlesStored"]').getAttribute('points');
    expect(points?.split(' ').length).toBeGreaterThanOrEqual(150);
    expect(await page.locator('#throughput-legend li').allTextContents()).toContain('Pages rejected: 5');

    const bars = await page.locator('#rejections .bar-row').evaluateAll((rows) =>
      rows.map((row) => [row.firstElementChild?.textContent, row.lastElementChild?.textContent]),
    );
    expect(bars).toEqual([
      ['not-an-article', '3'],
      ['too-short', '2'],
      ['login-wall', '1'],
    ]);
    expect(await page.locator('#timings tbody tr').first().innerText()).toBe('Article extraction\t212\t38 ms\t412 ms');

    const rows = page.locator('#sources tbody tr');
    // Each source is judged by its own interval: the 5-minute one silent for 25 minutes is stale, the daily one last
    // fetched 41 minutes ago is fine, and the one whose record has no interval gets the fixed 30 minutes.
    expect(await rows.evaluateAll((elements) => elements.map((row) => [row.getAttribute('data-source'), row.getAttribute('data-health')]))).toEqual([
      ['northern-ledger', 'failing'],
      ['valley-courier', 'stale'],
      ['metro-wire', 'ok'],
      ['harbor-times', 'ok'],
    ]);
    expect(await rows.first().locator('.badge').textContent()).toBe('Failing');
    expect(await rows.first().locator('.error-detail').textContent()).toBe('timeout: connect ETIMEDOUT after 10000 ms');
    expect(await rows.nth(1).locator('td').nth(1).textContent()).toBe('25 minutes ago');
    expect(await rows.nth(1).locator('.badge').getAttribute('title')).toBe('Stale after 15 minutes without a successful fetch: two refresh intervals and 5 minutes.');
    expect(await rows.nth(3).locator('.badge').getAttribute('title')).toBe('Stale after 30 minutes without a successful fetch: the record does not say how often the source is refreshed.');
    expect(await page.locator('#sources thead th').allTextContents()).toContain('Refreshed');
    expect(await rows.locator('td[data-column="refresh"]').allTextContents()).toEqual(['every 10 minutes', 'every 5 minutes', 'every day', '–']);
    expect((await page.locator('footer').textContent())?.replace(/\s+/g, ' ')).toContain(
      'stale with no successful fetch in two of its refresh intervals and 5 minutes (a missed run, and time for a slow one), or in 30 minutes when its record does not say how often it is refreshed',
    );
    expect(watched.errors).toEqual([]);

    await page.screenshot({ path: screenshotFile('ops.png'), fullPage: true });
  });

  it('updates the figures while the pipeline runs', async () => {
    await open();
    await expectOpsPage(page, fake.origin);
    fake.setTotal('ArticlesStored', 4321);
    await eventually(async () => expect(await counter('ArticlesStored')).toBe('4,321'), { tries: 24, interval: 250 });
  });

  it('redrives the dead letters when the operator asks, as JSON, and says what became of them', async () => {
    await open();
    await expectOpsPage(page, fake.origin);
    await page.getByRole('button', { name: 'Redrive dead letters now' }).click();
    await eventually(
      async () => expect(await page.locator('#redrive-result').textContent()).toBe('3 sent back to the queue, 1 already processed, 0 malformed removed. More are left: redrive again.'),
      { tries: 24, interval: 250 },
    );
    expect(fake.redrives).toEqual(['application/json']);
    expect(watched.errors).toEqual([]);
  });

  it('keeps the last figures and says so while the metrics cannot be read, then recovers', async () => {
    await open();
    await expectOpsPage(page, fake.origin);
    fake.setMode('fail');
    await eventually(async () => expect(await page.locator('#ops-alert').textContent()).toMatch(/^Cannot read the pipeline's metrics \(internal error\)\. Retrying every 2 seconds; the figures below are from /), { tries: 24, interval: 250 });
    expect(await page.locator('#ops-status').getAttribute('data-state')).toBe('offline');
    expect(await page.locator('#sources tbody tr').count()).toBe(4);
    fake.setMode('ok');
    await eventually(async () => expect(await page.locator('#ops-alert').textContent()).toBe(''), { tries: 24, interval: 250 });
    expect(await page.locator('#ops-status').getAttribute('data-state')).toBe('live');
  });

  it('reads health and series from the snapshot: stale by each source\'s interval (30 minutes without one), failing on errors, gaps filled with zero', async () => {
    await open();
    await page.goto(`${fake.origin}/ops/`);
    // Passed as source text: a test transform may rewrite import() inside functions, and this import must run in the page.
    const result: unknown = await page.evaluate(`(async () => {
      const { sourceHealth, staleAfterMs, formatInterval, fillSeries, niceCeiling } = await import('/ops/health.js');
      const now = Date.parse('2026-11-29T12:00:00Z');
      const ago = (minutes) => new Date(now - minutes * 60000).toISOString();
      const filled = fillSeries(
        { startedAt: ago(2), now: new Date(now).toISOString(), bucketSeconds: 10, series: [{ t: now - 30000, values: { ArticlesStored: 4 } }] },
        ['ArticlesStored'],
      );
      return {
        health: [
          sourceHealth({ errorCount: 2, lastFetchedAt: ago(1), lastSuccessAt: ago(1) }, now),
          sourceHealth({ errorCount: 0, lastFetchedAt: ago(31), lastSuccessAt: ago(31) }, now),
          sourceHealth({ errorCount: 0, lastFetchedAt: ago(29), lastSuccessAt: ago(29) }, now),
          sourceHealth({ errorCount: 0, lastFetchedAt: null, lastSuccessAt: null }, now),
          sourceHealth({ errorCount: 0, lastFetchedAt: ago(1), lastSuccessAt: null }, now),
        ],
        // [interval in minutes, minutes since the last success] -> health: stale after two intervals and 5 minutes.
        byInterval: [[5, 14], [5, 16], [5, 25], [1, 6], [1, 8], [10, 24], [10, 26], [60, 90], [60, 124], [60, 126], [1440, 41], [1440, 20 * 60], [1440, 2885], [1440, 2890]].map(
          ([refreshMinutes, minutes]) => [refreshMinutes, minutes, sourceHealth({ errorCount: 0, lastFetchedAt: ago(minutes), lastSuccessAt: ago(minutes), refreshMinutes }, now)],
        ),
        // Records without a usable interval (old ones, hostile ones) keep the fixed 30 minutes.
        fallback: [undefined, null, 0, -5, 2.5, 1e300, 'ten', '10', Number.NaN, Infinity, {}, [10], true].map((refreshMinutes) => [
          sourceHealth({ errorCount: 0, lastFetchedAt: ago(29), lastSuccessAt: ago(29), refreshMinutes }, now),
          sourceHealth({ errorCount: 0, lastFetchedAt: ago(31), lastSuccessAt: ago(31), refreshMinutes }, now),
          staleAfterMs({ refreshMinutes }) / 60000,
        ]),
        staleAfter: [1, 5, 10, 60, 1440].map((refreshMinutes) => staleAfterMs({ refreshMinutes }) / 60000),
        intervals: [1, 5, 10, 60, 90, 120, 1440, 2880, 4320, null, 'x', -1, 2.5, 1e300].map(formatInterval),
        points: filled.points.length,
        spanMinutes: (filled.end - filled.start) / 60000,
        stored: filled.points.map((point) => point.values.ArticlesStored).filter((value) => value > 0),
        ceilings: [0, 0.4, 1, 7, 11, 16, 99, 101].map(niceCeiling),
      };
    })()`);
    expect(result).toEqual({
      health: ['failing', 'stale', 'ok', 'waiting', 'stale'],
      byInterval: [
        [5, 14, 'ok'],
        [5, 16, 'stale'],
        [5, 25, 'stale'],
        [1, 6, 'ok'],
        [1, 8, 'stale'],
        [10, 24, 'ok'],
        [10, 26, 'stale'],
        [60, 90, 'ok'],
        [60, 124, 'ok'],
        [60, 126, 'stale'],
        [1440, 41, 'ok'],
        [1440, 1200, 'ok'],
        [1440, 2885, 'ok'],
        [1440, 2890, 'stale'],
      ],
      fallback: Array(13).fill(['ok', 'stale', 30]),
      staleAfter: [7, 15, 25, 125, 2885],
      intervals: ['every minute', 'every 5 minutes', 'every 10 minutes', 'every hour', 'every 90 minutes', 'every 2 hours', 'every day', 'every 2 days', 'every 3 days', '–', '–', '–', '–', '–'],
      points: 31,
      spanMinutes: 5,
      stored: [4],
      ceilings: [1, 0.4, 1, 8, 15, 20, 100, 150],
    });
  });
});
