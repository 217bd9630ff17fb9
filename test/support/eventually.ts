import { isNativeError } from 'node:util/types';

/**
 * Runs `check` until it passes, at most `tries` times `interval` ms apart (by default about a second, as a page
 * settles), and otherwise fails with the error of the last try, which shows the last value seen.
 */
export async function eventually(check: () => unknown, { tries = 20, interval = 50 } = {}): Promise<void> {
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
