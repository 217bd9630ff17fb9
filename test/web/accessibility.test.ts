/**
 * Every state of both pages, in light and dark colours, passes axe-core's WCAG 2.1 A/AA rules (contrast included).
 */
import type { Browser } from 'playwright-core';
import { describe, expect, it } from '@jest/globals';
import { findAxeViolations } from './axe';
import { openPage } from './browser';
import { FAKE_COGNITO_USER, IDS, type FakeApi } from './fake-api';
import { useFakeApiAndChromium } from './page-test-setup';

let fake: FakeApi;
let browser: Browser;

useFakeApiAndChromium((started) => ({ fake, browser } = started));

/** Each state: where to go and what marks it as settled. */
const STATES: { name: string; path: string; settled: string; fail?: boolean; signedIn?: boolean }[] = [
  { name: 'latest list', path: '/#/', settled: '#main .card' },
  { name: 'article with related articles', path: `/#/article/${IDS.strike}`, settled: 'aside.related:not([aria-busy]) .related-item' },
  { name: 'article with comments, signed in', path: `/#/article/${IDS.strike}`, settled: 'section.comments:not([aria-busy]) .comment-delete', signedIn: true },
  { name: 'article that is gone', path: `/#/article/${IDS.gone}`, settled: '#main [role="alert"]' },
  { name: 'search without results', path: '/#/search/zeppelin', settled: '#main .notice' },
  { name: 'API failing', path: '/#/', settled: '#main .notice-error', fail: true },
  { name: 'operator page', path: '/ops/', settled: '#sources tbody tr' },
];

describe.each(['light', 'dark'] as const)('accessibility, %s colours', (colorScheme) => {
  it.each(STATES)('$name has no WCAG 2.1 A/AA violations', async ({ path, settled, fail, signedIn }) => {
    const { context, page } = await openPage(browser, undefined, colorScheme);
    try {
      fake.setMode(fail ? 'fail' : 'ok');
      if (signedIn) await page.addInitScript(signIn, FAKE_COGNITO_USER);
      await page.goto(`${fake.origin}${path}`);
      await page.locator(settled).first().waitFor({ timeout: 10_000 });
      expect(await findAxeViolations(page)).toEqual([]);
    } finally {
      fake.setMode('ok');
      await context.close();
    }
  });
});

/** Runs in the page: the session the reader keeps after a sign-in (the token is only read there, not verified). */
function signIn(user: { sub: string; username: string }): void {
  const encode = (value: unknown) => btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const claims = { ...user, exp: Math.floor(Date.now() / 1000) + 3600 };
  const accessToken = `${encode({ alg: 'RS256' })}.${encode(claims)}.signature`;
  window.sessionStorage.setItem(
    'newsweave.session',
    JSON.stringify({ accessToken, userId: user.sub, name: user.username, moderator: false, expiresAt: claims.exp * 1000 }),
  );
}

it('reports a violation when there is one, so the checks above are not vacuous', async () => {
  const { context, page } = await openPage(browser);
  try {
    await page.goto(`${fake.origin}/#/`);
    await page.locator('#main .card').first().waitFor({ timeout: 10_000 });
    await page.evaluate(() => document.querySelector('#main')?.append(document.createElement('input')));
    expect((await findAxeViolations(page)).map((violation) => violation.id)).toContain('label');
  } finally {
    await context.close();
  }
});
