/**
 * Requests that came through the CloudFront distribution: it adds a secret header to every request it sends the API
 * (lib/api-edge-behaviors.ts), and the API refuses a request without it, so that nothing reaches the API around the
 * distribution's cache and its WAF, even on the execute-api endpoint that API Gateway keeps open when the API has no
 * domain of its own (docs/operations.md). The deployed stack sets the secret; the local stack and an API-only
 * deployment (`keepExecuteApi`) do not, and then every request is taken. Pure.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** The header CloudFront adds; lowercase, as API Gateway's payload 2.0 gives header names. */
export const ORIGIN_HEADER = 'x-newsweave-origin';

/** Whether the request carries the distribution's secret; compared in constant time (over digests of equal length). */
export function fromDistribution(headers: Readonly<Record<string, string | undefined>> | undefined, secret: string): boolean {
  const sent = headers?.[ORIGIN_HEADER];
  if (typeof sent !== 'string' || sent.length === 0) return false;
  return timingSafeEqual(digest(sent), digest(secret));
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
