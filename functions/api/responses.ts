/**
 * JSON responses in the API Gateway payload 2.0 result format, with the headers every answer carries.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ErrorCode } from './validate';

/**
 * Lists change as articles arrive every few minutes; an article's text does not change once stored; errors
 * must not be cached, since an article missing now may be stored a second later.
 */
export const CACHE = {
  list: 'public, max-age=30',
  sources: 'public, max-age=15',
  related: 'public, max-age=120',
  article: 'public, max-age=300',
  /**
   * Browsers keep no copy (a reader who posts and reloads must see their comment); CloudFront keeps one 5 s, so a
   * busy article's readers share one read a few seconds old.
   */
  comments: 'public, max-age=0, s-maxage=5',
  none: 'no-store',
} as const;

export function jsonResult(
  statusCode: number,
  body: unknown,
  cacheControl: string,
  extraHeaders: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': cacheControl,
      'x-content-type-options': 'nosniff',
      ...extraHeaders,
    },
    body: JSON.stringify(body),
  };
}

export function errorResult(
  statusCode: number,
  code: ErrorCode,
  message: string,
  extraHeaders: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return jsonResult(statusCode, { error: { code, message } }, CACHE.none, extraHeaders);
}

/**
 * 304 Not Modified: no body, and of the 200's headers those RFC 9110 §15.4.5 asks to repeat (the validator and
 * the caching instructions), so that a cache refreshes its copy as it would with the full answer.
 */
export function notModifiedResult(etag: string, cacheControl: string): APIGatewayProxyStructuredResultV2 {
  return { statusCode: 304, headers: { etag, 'cache-control': cacheControl } };
}

/** An answer without a body (204 after a delete). */
export function emptyResult(statusCode: number): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'cache-control': CACHE.none, 'x-content-type-options': 'nosniff' } };
}
