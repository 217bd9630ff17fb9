/**
 * The one table of page fetch failures (functions/fetch/classify-failure.ts), row by row: what is permanent (a
 * rejection with its reason at the first attempt), what is transient (thrown, retried by SQS, the only failures that
 * reach the dead-letter queue), and what is put off (403).
 */
import { describe, expect, it } from '@jest/globals';
import { FAILURE_BY_KIND, PAGE_DEFERRAL, classifyPageFailure, deferralDelayMs, type FailureClass } from '../../functions/fetch/classify-failure';
import { toFetchError } from '../../functions/fetch/fetch-errors';
import { FetchError, type FetchErrorKind } from '../../functions/ports';

const permanent = (reason: string): FailureClass => ({ class: 'permanent', reason } as FailureClass);
const transient: FailureClass = { class: 'transient' };
const deferred: FailureClass = { class: 'deferred', reason: 'forbidden' };

const node = (code: string) => toFetchError(Object.assign(new Error(code), { code }));
const http = (status: number) => new FetchError('http', `HTTP ${status}`, { status });
const kind = (k: FetchErrorKind) => new FetchError(k, k);

describe('classifyPageFailure', () => {
  it.each<[string, unknown, FailureClass]>([
    // Permanent: rejected with a reason at the first attempt.
    ['unknown host (ENOTFOUND)', node('ENOTFOUND'), permanent('unknown-host')],
    ['expired certificate', node('CERT_HAS_EXPIRED'), permanent('bad-certificate')],
    ['self-signed certificate', node('DEPTH_ZERO_SELF_SIGNED_CERT'), permanent('bad-certificate')],
    ['certificate for another name', node('ERR_TLS_CERT_ALTNAME_INVALID'), permanent('bad-certificate')],
    ['404', http(404), permanent('not-found')],
    ['410', http(410), permanent('not-found')],
    ['400', http(400), permanent('fetch-failed')],
    ['401', http(401), permanent('fetch-failed')],
    ['451', http(451), permanent('fetch-failed')],
    ['too large', kind('too-large'), permanent('too-large')],
    ['blocked address', kind('blocked-address'), permanent('blocked-address')],
    ['disallowed by robots.txt', kind('robots'), permanent('robots')],
    ['redirect loop', kind('too-many-redirects'), permanent('fetch-failed')],
    ['bad URL', kind('bad-url'), permanent('fetch-failed')],
    ['undecodable compression', kind('decompress'), permanent('fetch-failed')],
    ['headers over 16 KB (HPE_HEADER_OVERFLOW)', node('HPE_HEADER_OVERFLOW'), permanent('fetch-failed')],
    ['not HTTP at all (HPE_INVALID_CONSTANT)', node('HPE_INVALID_CONSTANT'), permanent('fetch-failed')],
    // Transient: thrown, retried, and dead-lettered only after every delivery failed.
    ['timeout', kind('timeout'), transient],
    ['ETIMEDOUT', node('ETIMEDOUT'), transient],
    ['connection reset (ECONNRESET)', node('ECONNRESET'), transient],
    ['connection refused', node('ECONNREFUSED'), transient],
    ['resolver not answering (EAI_AGAIN)', node('EAI_AGAIN'), transient],
    ['truncated body', kind('truncated'), transient],
    ['500', http(500), transient],
    ['502', http(502), transient],
    ['503', http(503), transient],
    ['599', http(599), transient],
    ['429', http(429), transient],
    ['408', http(408), transient],
    ['425', http(425), transient],
    ['robots.txt unreachable', kind('robots-unreachable'), transient],
    ['no slot for the host in time', kind('host-busy'), transient],
    ['HTTP error without a status', new FetchError('http', 'odd'), transient],
    ['our own store failing', new Error('ProvisionedThroughputExceededException'), transient],
    ['something thrown that is not an Error', 'boom', transient],
    // Deferred: recorded on the source, tried again later.
    ['403', http(403), deferred],
  ])('%s', (_name, error, expected) => {
    expect(classifyPageFailure(error)).toEqual(expected);
  });

  it('classifies every kind a fetch can fail with', () => {
    const kinds = Object.keys(FAILURE_BY_KIND);
    for (const k of kinds) expect(classifyPageFailure(kind(k as FetchErrorKind)).class).toMatch(/^(permanent|transient)$/);
    expect(kinds.length).toBe(15);
  });
});

describe('deferralDelayMs', () => {
  it.each([
    [1, 15],
    [2, 30],
    [3, 60],
    [4, 120],
    [5, 240],
    [6, 480],
    [7, 720],
    [20, 720],
  ])('puts a page refused %i time(s) off for %i minutes', (deferral, minutes) => {
    expect(deferralDelayMs(deferral)).toBe(minutes * 60_000);
  });

  it('gives up after about a day of refusals, not seven days of silence', () => {
    const total = Array.from({ length: PAGE_DEFERRAL.maxDeferrals }, (_, n) => deferralDelayMs(n + 1)).reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeGreaterThan(24);
    expect(total / 3_600_000).toBeLessThan(48);
  });
});
