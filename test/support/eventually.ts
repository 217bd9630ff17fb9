import { isNativeError } from 'node:util/types';

/**
 * Runs `check` until it passes, at most `tries` times `interval` ms apart, and otherwise fails with the error of the
 * last try, which shows the last value seen. By default for about five seconds, as Playwright's own assertions wait:
 * a page settles in a fraction of that here, but on a loaded machine (CI runs every suite at once) an answer of the
 * fake API or a render can take over a second, and a window of one second failed then. A check that passes returns
 * at once, so the window costs only a failing test its time.
 */
export async function eventually(check: () => unknown, { tries = 100, interval = 50 } = {}): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await check();
      return;
    } catch (error) {
      if (attempt >= tries) {
        if (isNativeError(error)) error.message = `still failing after ${tries} tries, ${interval} ms apart: ${error.message}`;
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }
}
