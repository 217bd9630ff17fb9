/**
 * Chromium for the browser tests of web/: Debian's package (`apt-get install -y chromium`), driven by playwright-core.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Playwright turns Chromium's back-forward cache off; `backForwardCache` leaves it on, for the tests of it. */
export function launchChromium({ backForwardCache = false } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    ignoreDefaultArgs: backForwardCache ? ['--disable-back-forward-cache'] : undefined,
  });
}

export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1200, height: 900 } as const;

export interface WatchedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught exceptions and console errors of the page: a page that works shows none. */
  readonly errors: string[];
}

/** A fresh context (no shared storage or cache between tests) and a page whose errors are collected. */
export async function openPage(
  browser: Browser,
  viewport: { width: number; height: number } = DESKTOP,
  colorScheme: 'light' | 'dark' = 'light',
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, locale: 'en-US', reducedMotion: 'reduce', colorScheme });
  const page = await context.newPage();
  await throttleCpu(page);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { context, page, errors };
}

/**
 * `NEWSWEAVE_CPU_THROTTLE=6` runs the page's CPU that many times slower (Chromium's own throttling, as DevTools
 * does): a slower or busier machine than this one, to find a test that reads a page before it has settled.
 */
async function throttleCpu(page: Page): Promise<void> {
  const rate = Number(process.env.NEWSWEAVE_CPU_THROTTLE ?? '1');
  if (!(rate > 1)) return;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
}

/** From the next load on, the page's sessionStorage throws as a browser that denies it does (all cookies blocked). */
export async function denySessionStorage(page: Page): Promise<void> {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'sessionStorage', {
      configurable: true,
      get() {
        throw new DOMException('Access is denied for this document.', 'SecurityError');
      },
    });
  });
}

const SCREENSHOTS_DIR = resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots');

/**
 * Where a screenshot for the docs goes, or undefined unless `NEWSWEAVE_SCREENSHOTS=1`: PNGs rewritten at every test
 * run would churn binary files in git. The tests take the screenshots either way (a page that cannot be captured
 * still fails); they only skip writing them.
 */
export function screenshotFile(name: string): string | undefined {
  if (process.env.NEWSWEAVE_SCREENSHOTS !== '1') return undefined;
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  return resolve(SCREENSHOTS_DIR, name);
}

export interface Shot {
  readonly png: Buffer;
  readonly caption: string;
  /** Width to show it at, in CSS pixels. */
  readonly width: number;
}

/**
 * Several screenshots side by side with captions, composed into one PNG (e.g. the list on a desktop, an article on a
 * phone) and saved as docs/screenshots/<name> when screenshotFile allows.
 */
export async function saveSideBySide(browser: Browser, shots: readonly Shot[], name: string): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 400, height: 300 }, deviceScaleFactor: 1 });
  try {
    await page.setContent('<main></main>');
    await page.evaluate((items) => {
      document.body.style.cssText = 'margin:0;background:#e4e2dc;font:600 15px system-ui,sans-serif;color:#3a3d45;';
      const main = document.querySelector('main') as HTMLElement;
      main.style.cssText = 'display:inline-flex;gap:28px;align-items:flex-start;padding:24px 28px 28px;';
      for (const { src, caption, width } of items) {
        const figure = document.createElement('figure');
        figure.style.cssText = 'margin:0;display:grid;gap:10px;';
        const image = document.createElement('img');
        image.src = src;
        image.style.cssText = `width:${width}px;display:block;border-radius:10px;box-shadow:0 6px 24px rgba(0,0,0,.18);`;
        const label = document.createElement('figcaption');
        label.textContent = caption;
        figure.append(label, image);
        main.append(figure);
      }
    }, shots.map(({ png, caption, width }) => ({ src: `data:image/png;base64,${png.toString('base64')}`, caption, width })));
    await page.waitForFunction(() => [...document.images].every((image) => image.complete && image.naturalWidth > 0));
    await page.locator('main').screenshot({ path: screenshotFile(name) });
  } finally {
    await page.close();
  }
}
