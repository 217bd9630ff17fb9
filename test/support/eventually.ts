import { isNativeError } from 'node:util/types';

/**
 * Runs `check` until it passes, at most `tries` times `interval` ms apart, and otherwise fails with the error of the
 * last try, which shows the last value seen. By default for about five seconds, as Playwright's own assertions wait:
 * a page settles in a fraction of that here, but on a loaded machine (CI runs every suite at once) an answer of the
 * fake API or a render can take over a second, and a window of one second failed then. A check that passes returns
 * at once, so the window costs only a failing test its time.
 *
 * No try starts once `within` ms have gone by (four times that window, and at least a second: 20 s by default): a try can itself
 * wait, as a Playwright read of an element that is not there waits its page's timeout (10-15 s), and a hundred such
 * tries would outlast jest's timeout, so that a failing check showed as a hang with no message instead of as the
 * assertion that failed.
 */
export async function eventually(
  check: () => unknown,
  { tries = 100, interval = 50, within = Math.max(1_000, tries * interval * 4) }: { tries?: number; interval?: number; within?: number } = {},
): Promise<void> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      await check();
      return;
    } catch (error) {
      const spent = Date.now() - started;
      if (attempt >= tries || spent + interval >= within) {
        if (isNativeError(error)) error.message = `still failing after ${attempt} tries in ${spent} ms (${interval} ms apart): ${error.message}`;
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }
}
