/**
 * Address literals are taken out of what `GET /sources` shows: at the source of the messages (the address guard,
 * Node's connection errors) and in presentation, for records written before.
 */
import { describe, expect, it } from '@jest/globals';
import { presentSource } from '../../functions/api/present';
import { BlockedAddressError } from '../../functions/fetch/address-guard';
import { toFetchError } from '../../functions/fetch/fetch-errors';
import type { SourceState } from '../../functions/contracts/model';
import { WITHHELD_ADDRESS, withholdAddresses } from '../../functions/shared/withhold-addresses';

const W = WITHHELD_ADDRESS;

describe('withholdAddresses', () => {
  it.each([
    ['connect ECONNREFUSED 203.0.113.7:443', `connect ECONNREFUSED ${W}`],
    ['connect ETIMEDOUT 10.0.0.5', `connect ETIMEDOUT ${W}`],
    ['refused to connect to feeds.example (192.168.1.20): private address', `refused to connect to feeds.example (${W}): private address`],
    ['connect ECONNREFUSED [2001:db8::1]:443', `connect ECONNREFUSED ${W}`],
    ['connect ECONNREFUSED 2001:db8::1:443', `connect ECONNREFUSED ${W}`],
    ['connect EHOSTUNREACH fe80::1%eth0', `connect EHOSTUNREACH ${W}`],
    ['via ::ffff:127.0.0.1 and ::1.', `via ${W} and ${W}.`],
    ['at 10.1.2.3.', `at ${W}.`],
    ['two: 1.1.1.1, 8.8.8.8', `two: ${W}, ${W}`],
    ['via [fe80::1%eth0].', `via ${W}.`],
    ['bound to :: and ::ffff:192.168.10.20', `bound to ${W} and ${W}`],
    ['connect ETIMEDOUT 10.0.0.5', 'connect ETIMEDOUT (address withheld)'],
  ])('%j -> %j', (text, expected) => {
    expect(withholdAddresses(text)).toBe(expected);
  });

  it.each([
    'HTTP 503 from https://news.example/feed.xml',
    'version 1.2.3.4.5 of the parser',
    'timed out at 2026-11-29T10:30:00.000Z',
    'error:: nothing here',
    'no such host: getaddrinfo ENOTFOUND gone.example',
    '999.1.1.1 is no address',
    'feed v1.2.3 failed',
    'odd ::ffff:1.2.3.4.5 string',
  ])('leaves %j as it is', (text) => {
    expect(withholdAddresses(text)).toBe(text);
  });

  it('keeps the addresses it is told to keep, however they are spelt', () => {
    expect(withholdAddresses('HTTP 500 from http://127.0.0.1:4000/feed, via 10.0.0.1', ['127.0.0.1'])).toBe(
      `HTTP 500 from http://127.0.0.1:4000/feed, via ${W}`,
    );
    expect(withholdAddresses('from http://[::1]:8080/x and 0:0:0:0:0:0:0:1', ['[::1]'])).toBe('from http://[::1]:8080/x and 0:0:0:0:0:0:0:1');
  });
});

describe('at the source of the messages', () => {
  it('names the refused host, not the address its name resolved to', () => {
    const error = new BlockedAddressError('sneaky.example', '169.254.169.254', 'cloud metadata');
    expect(error.message).toBe('refused to connect to sneaky.example: cloud metadata address in its DNS answer');
    expect(toFetchError(error)).toMatchObject({ kind: 'blocked-address', message: expect.not.stringMatching(/169\.254/) });
  });

  it('takes the address out of Node\'s connection errors, whatever their kind', () => {
    for (const [code, message] of [
      ['ECONNREFUSED', 'connect ECONNREFUSED 198.51.100.4:443'],
      ['ETIMEDOUT', 'connect ETIMEDOUT 198.51.100.4:443'],
      ['ECONNRESET', 'read ECONNRESET 2001:db8::4'],
      ['EPROTO', 'write EPROTO 198.51.100.4:443'],
    ] as const) {
      const fetchError = toFetchError(Object.assign(new Error(message), { code }));
      expect(fetchError.message).not.toMatch(/198\.51|2001:db8/);
      expect(fetchError.message).toContain(W);
    }
  });
});

describe('in GET /sources', () => {
  const state = (url: string, lastError: string | null, lastPageError: string | null): SourceState => ({
    sourceId: 's',
    name: 'S',
    url,
    schedule: null,
    lastFetchedAt: null,
    lastSuccessAt: null,
    lastError,
    lastErrorKind: lastError ? 'connect' : null,
    errorCount: lastError ? 1 : 0,
    nextAttemptAt: null,
    etag: null,
    lastModified: null,
    lastFullFetchAt: null,
    articleCount: 0,
    lastPageError,
    lastPageErrorAt: null,
    pageErrorCount: 0,
  });

  it('withholds addresses that older records hold, but not the host of the source\'s own URL', () => {
    const view = presentSource(
      state('https://feeds.example/rss', 'refused to connect to feeds.example (10.0.0.8): private address', 'cannot connect: connect ECONNREFUSED 203.0.113.9:443'),
    );
    expect(view.lastError).toBe(`refused to connect to feeds.example (${W}): private address`);
    expect(view.lastPageError).toBe(`cannot connect: connect ECONNREFUSED ${W}`);
    const local = presentSource(state('http://127.0.0.1:4000/feed.xml', 'HTTP 500 from http://127.0.0.1:4000/feed.xml', null));
    expect(local.lastError).toBe('HTTP 500 from http://127.0.0.1:4000/feed.xml');
    expect(local.lastPageError).toBeNull();
  });
});
