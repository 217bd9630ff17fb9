/**
 * What every page test file against the fake API starts with: the fake API and a Chromium, started together before
 * the file's tests (`onStarted` receives them) and stopped after them.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from '@jest/globals';
import { launchChromium } from './browser';
import { startFakeApi, type FakeApi } from './fake-api';

export function useFakeApiAndChromium(onStarted: (started: { fake: FakeApi; browser: Browser }) => void): void {
  let fake: FakeApi | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [fake, browser] = await Promise.all([startFakeApi(), launchChromium()]);
    onStarted({ fake, browser });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await fake?.stop();
  });
}
