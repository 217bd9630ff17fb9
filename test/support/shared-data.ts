import { join, resolve } from 'node:path';

/**
 * The evaluation data, which lives beside the repository (../shared/data), never inside it. Tests that run from a
 * copy of the repository elsewhere (Stryker's sandbox) are given its absolute path in NEWSWEAVE_SHARED_DATA.
 */
const SHARED_DATA = process.env.NEWSWEAVE_SHARED_DATA ?? resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data');

export function sharedDataPath(...segments: string[]): string {
  return join(SHARED_DATA, ...segments);
}
