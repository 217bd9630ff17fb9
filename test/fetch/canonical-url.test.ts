import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { ARTICLE_ID_PATTERN, InvalidUrlError, articleIdFor, canonicalizeUrl } from '../../functions/fetch/canonical-url';

describe('canonicalizeUrl', () => {
  it.each([
    ['HTTP://WWW.Example.COM:80/a/../b', 'http://www.example.com/b'],
    ['https://example.com:443/x', 'https://example.com/x'],
    ['https://example.com:8443/x', 'https://example.com:8443/x'],
    ['https://example.com/story#comments', 'https://example.com/story'],
    ['https://user:secret@example.com/story', 'https://example.com/story'],
    ['https://example.com/s?utm_source=rss&id=7&utm_medium=feed', 'https://example.com/s?id=7'],
    ['https://example.com/s?b=2&fbclid=x&a=1&GCLID=y&_ga=1.2&mc_cid=1&mc_eid=2', 'https://example.com/s?b=2&a=1'],
    ['https://example.com/s?igshid=1&msclkid=2&dclid=3&yclid=4&ref_src=twsrc', 'https://example.com/s'],
    ['https://example.com/s?%75tm_campaign=encoded&keep=1', 'https://example.com/s?keep=1'],
    ['https://example.com/s?q=a+b%20c&&x=', 'https://example.com/s?q=a+b%20c&x='],
    ['https://example.com/s?', 'https://example.com/s'],
    ['https://example.com', 'https://example.com/'],
    ['http://2130706433/', 'http://127.0.0.1/'],
    ['  https://example.com/padded  ', 'https://example.com/padded'],
  ])('%s -> %s', (input, expected) => {
    expect(canonicalizeUrl(input)).toBe(expected);
  });

  it.each([
    'fbclid', 'gclid', 'gclsrc', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'ttclid', 'li_fat_id',
    'mc_cid', 'mc_eid', 'igshid', 'igsh', '_ga', '_gl', '_hsenc', '_hsmi', 'mkt_tok', 'oly_anon_id', 'oly_enc_id',
    'vero_id', 'wickedid', 'rb_clickid', 's_cid', 'ref_src', 'ref_url', 'cmpid', 'ncid', 'ocid', 'sr_share', 'spm',
    'at_medium', 'at_campaign', 'at_custom1', 'at_custom2', 'at_custom3', 'at_custom4',
    'utm_content', 'pk_campaign', 'mtm_source', 'hsa_acc',
  ])('drops the tracking parameter %s, in any case', (name) => {
    expect(canonicalizeUrl(`https://example.com/s?${name}=1&id=7&${name.toUpperCase()}=2`)).toBe('https://example.com/s?id=7');
  });

  it('compares parameter names decoded, "+" as a space, and a name that cannot be decoded as it is', () => {
    expect(canonicalizeUrl('https://example.com/s?fb+clid=1&utm%5Fsource=2')).toBe('https://example.com/s?fb+clid=1');
    expect(canonicalizeUrl('https://example.com/s?UTM_%zz=1&keep=%zz')).toBe('https://example.com/s?keep=%zz');
  });

  it('trims any white space around a link, not only what the URL parser ignores', () => {
    expect(canonicalizeUrl('\u00a0https://example.com/story\u2003')).toBe('https://example.com/story');
  });

  it('resolves against a base', () => {
    expect(canonicalizeUrl('../b?utm_term=x', 'https://example.com/a/c/')).toBe('https://example.com/a/b');
  });

  it.each(['ftp://example.com/file', 'javascript:alert(1)', 'mailto:a@example.com', 'file:///etc/passwd', 'not a url', ''])(
    'refuses %s',
    (input) => {
      expect(() => canonicalizeUrl(input)).toThrow(InvalidUrlError);
    },
  );

  it('says why, quoting at most 200 characters of what it was given', () => {
    expect(() => canonicalizeUrl('ftp://example.com/file')).toThrow(
      expect.objectContaining({ name: 'InvalidUrlError', message: 'not an http(s) URL: ftp:' }),
    );
    expect(() => canonicalizeUrl(`not a url ${'x'.repeat(300)}`)).toThrow(
      expect.objectContaining({ name: 'InvalidUrlError', message: `not a URL: "not a url ${'x'.repeat(190)}"` }),
    );
  });
});

const trackingName = fc.constantFrom('utm_source', 'utm_medium', 'UTM_Campaign', 'utm_x', 'fbclid', 'gclid', 'mc_eid', '_ga');
const plainName = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/).filter((name) => !/^(utm_|pk_|mtm_|hsa_)/.test(name));
const value = fc.stringMatching(/^[A-Za-z0-9%+._~-]{0,8}$/);
const taggedUrl = fc
  .tuple(
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc.array(fc.tuple(fc.oneof(trackingName, plainName), value), { maxLength: 6 }),
  )
  .map(([url, params]) => {
    const extra = params.map(([name, v]) => `${name}=${v}`).join('&');
    if (!extra) return url;
    const [beforeHash, hash] = url.split('#', 2);
    const joined = `${beforeHash}${beforeHash?.includes('?') ? '&' : '?'}${extra}`;
    return hash === undefined ? joined : `${joined}#${hash}`;
  });

describe('canonicalizeUrl properties', () => {
  it('is idempotent', () => {
    fc.assert(fc.property(taggedUrl, (url) => canonicalizeUrl(canonicalizeUrl(url)) === canonicalizeUrl(url)), { numRuns: 500 });
  });

  it('never keeps a utm_ parameter, a fragment or an empty query', () => {
    fc.assert(
      fc.property(taggedUrl, (url) => {
        const canonical = new URL(canonicalizeUrl(url));
        expect([...canonical.searchParams.keys()].some((name) => name.toLowerCase().startsWith('utm_'))).toBe(false);
        expect(canonical.hash).toBe('');
        // A query of just "?" is gone; a query whose content is "?" (`/??`) is a parameter like any other.
        expect(canonicalizeUrl(url).endsWith('?') && canonical.search.length <= 1).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the other parameters in their order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(plainName, value), { maxLength: 5 }), trackingName, (params, tracker) => {
        const query = params.map(([name, v]) => `${name}=${v}`);
        const url = `https://example.com/p?${[tracker + '=1', ...query].join('&')}`;
        expect(canonicalizeUrl(url)).toBe(`https://example.com/p${query.length ? `?${query.join('&')}` : ''}`);
      }),
    );
  });
});

describe('articleIdFor', () => {
  it('is stable, URL-safe and 22 characters', () => {
    expect(articleIdFor('https://example.com/a')).toBe(articleIdFor('https://example.com/a'));
    expect(articleIdFor('https://example.com/a')).not.toBe(articleIdFor('https://example.com/b'));
    fc.assert(fc.property(fc.webUrl(), (url) => ARTICLE_ID_PATTERN.test(articleIdFor(canonicalizeUrl(url)))), { numRuns: 300 });
  });

  it('has a pattern that matches a whole id and nothing around it', () => {
    const id = articleIdFor('https://example.com/a');
    expect(ARTICLE_ID_PATTERN.test(id)).toBe(true);
    expect(ARTICLE_ID_PATTERN.test(`${id}x`)).toBe(false);
    expect(ARTICLE_ID_PATTERN.test(`/${id}`)).toBe(false);
  });
});
