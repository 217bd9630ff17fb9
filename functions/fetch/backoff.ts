/**
 * When to fetch a source again after a failure, and when a conditional GET must give way to a full one. Pure.
 */
import type { SourceState } from '../contracts/model';

export const BACKOFF = {
  /** Delay after the first failure; doubled after each further one. */
  baseMs: 60_000,
  capMs: 12 * 60 * 60_000,
  /** Up to this share of the delay is taken off at random, so sources that failed together do not retry together. */
  jitter: 0.2,
  /** A Retry-After longer than this is read as this: a buggy or hostile header must not silence a source for good. */
  maxRetryAfterMs: 24 * 60 * 60_000,
} as const;

/** Validators are dropped this often, in case a server keeps answering 304 to a stale ETag. */
export const FULL_FETCH_EVERY_MS = 6 * 60 * 60_000;

/**
 * @param errorCount consecutive failures, this one included (1 after the first failure)
 * @param random in [0, 1); inject a constant for a deterministic delay
 */
export function nextAttemptAfterFailure(
  errorCount: number,
  now: Date,
  retryAfterMs?: number,
  random: () => number = Math.random,
): Date {
  const exponent = Math.min(Math.max(errorCount, 1) - 1, 30);
  const delay = Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** exponent);
  const jittered = delay * (1 - BACKOFF.jitter * Math.min(Math.max(random(), 0), 1));
  const floor = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) ? Math.min(Math.max(retryAfterMs, 0), BACKOFF.maxRetryAfterMs) : 0;
  return new Date(now.getTime() + Math.round(Math.max(jittered, floor)));
}

/** Send ETag / Last-Modified if we have them, unless the last unconditional fetch is FULL_FETCH_EVERY_MS old. */
export function shouldSendValidators(
  state: Pick<SourceState, 'etag' | 'lastModified' | 'lastFullFetchAt'>,
  now: Date,
): boolean {
  if (!state.etag && !state.lastModified) return false;
  if (!state.lastFullFetchAt) return false;
  const lastFull = Date.parse(state.lastFullFetchAt);
  return !Number.isNaN(lastFull) && now.getTime() - lastFull < FULL_FETCH_EVERY_MS;
}
