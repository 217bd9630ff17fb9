import { isNativeError } from 'node:util/types';

/**
 * Runs an assertion and, when it fails, puts `label` in front of its message: jest's `expect` takes no message, and a
 * check made in a loop must say which item failed.
 */
export function labelled<T>(label: string, check: () => T): T {
  try {
    const result = check();
    if (result instanceof Promise) {
      return result.catch((error: unknown) => {
        throw prefixed(label, error);
      }) as T;
    }
    return result;
  } catch (error) {
    throw prefixed(label, error);
  }
}

function prefixed(label: string, error: unknown): unknown {
  if (isNativeError(error)) error.message = `${label}: ${error.message}`;
  return error;
}
