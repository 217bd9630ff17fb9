/**
 * The pure modules of the pages (formatting and hash routes), run in node. They are plain browser ES modules without
 * type declarations, so they are imported by URL and typed here.
 */
import { describe, expect, it } from '@jest/globals';

interface FormatModule {
  relativeTime(iso: unknown, now?: number): string;
  splitParagraphs(body: unknown): string[];
  safeHttpUrl(value: unknown): string | null;
  formatMillis(value: unknown): string;
  countOf(count: number, plural: string): string;
}
type Route = { view: 'latest'; source?: string } | { view: 'topic'; topic: string } | { view: 'search'; q: string } | { view: 'article'; id: string };
interface RoutesModule {
  parseRoute(hash: unknown): Route;
  hrefFor(route: Route): string;
}

const assets = new URL('../../web/reader/assets/', import.meta.url);
const format: FormatModule = await import(new URL('format.js', assets).href);
const routes: RoutesModule = await import(new URL('routes.js', assets).href);

const NOW = Date.parse('2026-11-29T12:00:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

describe('relativeTime', () => {
  it.each([
    [ago(10), 'just now'],
    [ago(-30), 'just now'],
    [ago(59), 'just now'],
    [ago(60), '1 minute ago'],
    [ago(22 * 60), '22 minutes ago'],
    [ago(59 * 60), '59 minutes ago'],
    [ago(60 * 60), '1 hour ago'],
    [ago(5 * 3600 + 59 * 60), '5 hours ago'],
    [ago(23 * 3600), '23 hours ago'],
    [ago(3 * 86_400), '3 days ago'],
    [ago(40 * 86_400), '1 month ago'],
    [ago(364 * 86_400), '11 months ago'],
    [ago(400 * 86_400), '1 year ago'],
    [ago(-3 * 3600), 'in 3 hours'],
    ['not a date', ''],
    [null, ''],
    [42, ''],
  ])('%s -> %s', (iso, expected) => {
    expect(format.relativeTime(iso, NOW)).toBe(expected);
  });

  // A length of time, never a calendar word that the dates make false.
  it.each([
    ['2026-11-29T01:30:00Z', '2026-11-29T23:30:00Z', '22 hours ago'], // the same day, not "yesterday"
    ['2026-01-20T09:00:00Z', '2026-12-06T09:00:00Z', '10 months ago'], // the same year, not "last year"
    ['2026-12-03T09:00:00Z', '2026-12-30T09:00:00Z', '27 days ago'], // the same month, not "last month"
  ])('%s seen at %s -> %s', (iso, now, expected) => {
    expect(format.relativeTime(iso, Date.parse(now))).toBe(expected);
  });
});

describe('splitParagraphs', () => {
  it('splits on blank lines, joins wrapped lines and drops empty paragraphs', () => {
    expect(format.splitParagraphs('One\nstill one.\n\n\nTwo.\r\n  \r\nThree.  \n\n')).toEqual(['One still one.', 'Two.', 'Three.']);
    expect(format.splitParagraphs(undefined)).toEqual([]);
    expect(format.splitParagraphs('  \n\n ')).toEqual([]);
  });
});

describe('safeHttpUrl', () => {
  it.each([
    ['https://example.com/a?b=1', 'https://example.com/a?b=1'],
    ['http://example.com', 'http://example.com/'],
    ['javascript:alert(1)', null],
    ['JaVaScRiPt:alert(1)', null],
    ['data:text/html,<script>1</script>', null],
    ['/relative/path', null],
    ['', null],
    [{}, null],
  ])('%s -> %s', (value, expected) => {
    expect(format.safeHttpUrl(value)).toBe(expected);
  });
});

describe('formatMillis', () => {
  it.each([
    [6.24, '6.2 ms'],
    [38.4, '38 ms'],
    [1250, '1.3 s'],
    [12_500, '13 s'],
    [Number.NaN, '–'],
    ['7', '–'],
  ])('%s -> %s', (value, expected) => {
    expect(format.formatMillis(value)).toBe(expected);
  });
});

describe('countOf', () => {
  it('says one thing in the singular, and none or many in the plural, as the status line announces them', () => {
    expect(format.countOf(1, 'articles')).toBe('1 article');
    expect(format.countOf(1, 'more comments')).toBe('1 more comment');
    expect(format.countOf(0, 'articles')).toBe('0 articles');
    expect(format.countOf(20, 'more articles')).toBe('20 more articles');
  });
});

describe('hash routes', () => {
  it.each([
    ['', { view: 'latest' }],
    ['#/', { view: 'latest' }],
    ['#/source/harbor-times', { view: 'latest', source: 'harbor-times' }],
    ['#/topic/port%20of%20calderhaven', { view: 'topic', topic: 'port of calderhaven' }],
    ['#/search/pine%20hollow', { view: 'search', q: 'pine hollow' }],
    ['#/article/strike-harbor-times-01', { view: 'article', id: 'strike-harbor-times-01' }],
    ['#/search/%E0%A4%A', { view: 'latest' }],
    ['#/search/%20%20', { view: 'latest' }],
    [`#/search/${'a'.repeat(201)}`, { view: 'latest' }],
    ['#/unknown/x', { view: 'latest' }],
    ['#main', { view: 'latest' }],
  ])('%s', (hash, expected) => {
    expect(routes.parseRoute(hash)).toEqual(expected);
  });

  it('writes what it reads, escaping what a hash cannot hold', () => {
    const samples: Route[] = [
      { view: 'latest' },
      { view: 'latest', source: 'metro-wire' },
      { view: 'topic', topic: 'european union' },
      { view: 'search', q: 'rates / inflation #3 ?' },
      { view: 'article', id: 'rates-valley-courier-1' },
    ];
    for (const route of samples) expect(routes.parseRoute(routes.hrefFor(route))).toEqual(route);
    expect(routes.hrefFor({ view: 'search', q: 'a/b#c' })).toBe('#/search/a%2Fb%23c');
  });
});
