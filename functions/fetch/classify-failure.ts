/**
 * What the worker does when an article page cannot be fetched: the one table of fetch failures (test/fetch/
 * classify-failure.test.ts walks it row by row). Pure.
 *
 * - permanent: no retry will mend it (the host does not exist, its certificate is bad, the page is gone, too large,
 *   refused by robots.txt, a response that is not valid HTTP). The URL is rejected with a reason at the first attempt,
 *   counted and remembered.
 * - transient: the server or the network is having a bad moment (timeouts, resets, a truncated body, 5xx, 429).
 *   The worker throws, SQS delivers the message again, and only these reach the dead-letter queue, from which the
 *   redrive brings them back after a cool-down.
 * - deferred: 403. Often a bot shield, a rate limit or a regional block that lifts: the refusal is recorded on the
 *   page's source and the URL is tried again later with a growing delay (its seen-URL marker expires then, and the
 *   next refresh of the feed queues it again), neither hammered through SQS's retries nor refused for seven days.
 *
 * What extraction refuses (not HTML, binary, too short, a login wall, ...) is permanent too; see extract-article.ts.
 */
import type { RejectionReason } from '../contracts/model';
import type { FetchError, FetchErrorKind } from '../ports';

export type FailureClass =
  | { readonly class: 'permanent'; readonly reason: RejectionReason }
  | { readonly class: 'transient' }
  | { readonly class: 'deferred'; readonly reason: 'forbidden' };

const permanent = (reason: RejectionReason): FailureClass => ({ class: 'permanent', reason });
const TRANSIENT: FailureClass = { class: 'transient' };

/** By the fetch error's kind; `http` goes by its status (below). */
export const FAILURE_BY_KIND: Readonly<Record<Exclude<FetchErrorKind, 'http'>, FailureClass>> = {
  'unknown-host': permanent('unknown-host'),
  tls: permanent('bad-certificate'),
  'too-large': permanent('too-large'),
  'blocked-address': permanent('blocked-address'),
  robots: permanent('robots'),
  'too-many-redirects': permanent('fetch-failed'),
  'bad-url': permanent('fetch-failed'),
  decompress: permanent('fetch-failed'),
  malformed: permanent('fetch-failed'),
  timeout: TRANSIENT,
  connect: TRANSIENT,
  reset: TRANSIENT,
  truncated: TRANSIENT,
  'host-busy': TRANSIENT,
  // RFC 9309: while robots.txt cannot be read, nothing of the host is fetched; its pages wait and come back.
  'robots-unreachable': TRANSIENT,
};

/** 408 Request Timeout, 425 Too Early and 429 Too Many Requests are a server's "not now"; 5xx are its trouble. */
const TRANSIENT_STATUSES = new Set([408, 425, 429]);

export function classifyHttpStatus(status: number): FailureClass {
  if (status === 403) return { class: 'deferred', reason: 'forbidden' };
  if (status === 404 || status === 410) return permanent('not-found');
  if (TRANSIENT_STATUSES.has(status) || (status >= 500 && status <= 599)) return TRANSIENT;
  return permanent('fetch-failed');
}

/** How the worker treats a page's fetch failure. Anything that is not a FetchError (our stores, a bug) is transient. */
export function classifyPageFailure(error: unknown): FailureClass {
  const fetchError = error as Partial<FetchError> | null;
  if (!(error instanceof Error) || fetchError?.name !== 'FetchError' || typeof fetchError.kind !== 'string') return TRANSIENT;
  if (fetchError.kind === 'http') return fetchError.status === undefined ? TRANSIENT : classifyHttpStatus(fetchError.status);
  return FAILURE_BY_KIND[fetchError.kind] ?? TRANSIENT;
}

/** When a 403 page is tried again: 15 minutes after the first refusal, doubling up to 12 hours, 7 times (~28 h). */
export const PAGE_DEFERRAL = {
  baseMs: 15 * 60_000,
  capMs: 12 * 60 * 60_000,
  /** Refusals after which the page is rejected as `forbidden`. */
  maxDeferrals: 7,
} as const;

/** @param deferral 1 for the first refusal */
export function deferralDelayMs(deferral: number): number {
  const exponent = Math.min(Math.max(deferral, 1) - 1, 30);
  return Math.min(PAGE_DEFERRAL.capMs, PAGE_DEFERRAL.baseMs * 2 ** exponent);
}
