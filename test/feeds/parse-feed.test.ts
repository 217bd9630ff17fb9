import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { decodeDocument } from '../../functions/charset/decode-document';
import { parseFeedDate } from '../../functions/feeds/feed-dates';
import { FeedParseError, MAX_FEED_ENTRIES, MAX_URL_CHARS, parseFeed, type ParsedFeed } from '../../functions/feeds/parse-feed';

const BASE = 'https://feeds.example.com/path/feed';

function fixture(name: string): string {
  return decodeDocument(readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url))).text;
}

function parseFixture(name: string): ParsedFeed {
  return parseFeed(fixture(name), BASE);
}

describe('parseFeed on saved feeds', () => {
  it.each([
    ['rss2.xml', 'rss', 'Example & Co News', 4],
    ['rdf.xml', 'rdf', 'RDF Daily', 2],
    ['atom.xml', 'atom', 'Journal of Things', 2],
    ['json-feed.json', 'json', 'JSON Weekly', 3],
    ['news-sitemap.xml', 'sitemap', undefined, 3],
    ['sitemap-index.xml', 'sitemap-index', undefined, 0],
    ['windows-1251.xml', 'rss', 'Новости дня', 1],
  ])('%s is %s titled %s with %i entries', (name, kind, title, count) => {
    const feed = parseFixture(name);
    expect(feed.kind).toBe(kind);
    expect(feed.title).toBe(title);
    expect(feed.entries).toHaveLength(count);
    for (const entry of feed.entries) expect(entry.url).toMatch(/^https?:\/\//);
  });

  it('reads RSS 2.0 fields: HTML stripped, named zones, GUID permalinks, relative links, images, authors', () => {
    const { entries } = parseFixture('rss2.xml');
    expect(entries[0]).toEqual({
      url: 'https://news.example.com/economy/rates-rise?utm_source=rss&id=7',
      title: 'Rates rise again & markets fall',
      publishedAt: '2026-11-10T14:30:00.000Z',
      summary: 'The central bank raised rates. Second paragraph.',
      imageUrl: 'https://cdn.example.com/rates.jpg',
      author: 'Jane Doe',
      language: 'en-GB',
    });
    expect(entries[1]).toMatchObject({
      url: 'https://news.example.com/world/guid-only',
      publishedAt: '2026-11-11T08:35:00.000Z',
      summary: 'From the world desk.',
      author: 'World Desk',
    });
    expect(entries[2]).toMatchObject({
      url: 'https://feeds.example.com/local/relative-story',
      imageUrl: 'https://feeds.example.com/img/relative.png',
    });
    expect(entries[3]?.title).toBe('Café opens — with fanfare');
    expect(entries.map((entry) => entry.url)).not.toContain('javascript:alert(1)');
  });

  it('reads RDF items beside the channel, with rdf:about as the link of last resort', () => {
    expect(parseFixture('rdf.xml').entries.map((entry) => [entry.url, entry.publishedAt, entry.language])).toEqual([
      ['https://rdf.example.org/a', '2026-11-09T06:15:00.000Z', 'de'],
      ['https://rdf.example.org/b', '2026-11-09T08:00:00.000Z', 'de'],
    ]);
  });

  it('resolves Atom links against nested xml:base and prefers the HTML alternate', () => {
    const { entries } = parseFixture('atom.xml');
    expect(entries[0]).toMatchObject({
      url: 'https://blog.example.net/journal/posts/1.html',
      summary: 'First bold point. Second point.',
      imageUrl: 'https://blog.example.net/journal/img/1.jpg',
      publishedAt: '2026-11-08T10:00:00.000Z',
      author: 'Feed Author',
    });
    expect(entries[1]).toMatchObject({
      url: 'https://other.example.net/archive/2026/11/two',
      title: 'Entry with its own base & a <tag>',
      summary: 'Escaped HTML content.',
      publishedAt: '2026-11-07T14:00:00.000Z',
      author: 'Entry Author',
    });
  });

  it('reads JSON Feed items, checking every field', () => {
    const { entries } = parseFixture('json-feed.json');
    expect(entries.map((entry) => [entry.url, entry.title, entry.summary])).toEqual([
      ['https://feeds.example.com/articles/premier', 'Premier article', 'Le premier texte.'],
      ['https://json.example.com/articles/second', 'Id as permalink', 'Plain <text> & more'],
      ['https://elsewhere.example.org/story', undefined, undefined],
    ]);
    expect(entries[0]).toMatchObject({ author: 'Rédaction', language: 'fr', publishedAt: '2026-11-05T07:00:00.000Z' });
    expect(entries[1]?.author).toBe('Alice');
  });

  it('orders news sitemap entries newest first with news:title and language', () => {
    const { entries } = parseFixture('news-sitemap.xml');
    expect(entries.map((entry) => entry.url)).toEqual([
      'https://paper.example.in/news/newer-story',
      'https://paper.example.in/section/plain-page',
      'https://paper.example.in/news/older-story',
    ]);
    expect(entries[0]).toMatchObject({ title: 'Newer & bigger story', language: 'hi', imageUrl: 'https://paper.example.in/img/newer.jpg' });
  });

  it('lists a sitemap index newest first, undated last, relative locations resolved', () => {
    expect(parseFixture('sitemap-index.xml').sitemaps).toEqual([
      'https://feeds.example.com/sitemap-news.xml',
      'https://paper.example.in/sitemap-2026-11.xml',
      'https://paper.example.in/sitemap-2026-10.xml',
      'https://paper.example.in/sitemap-undated.xml',
    ]);
  });

  it('decodes a windows-1251 feed through its XML declaration', () => {
    expect(parseFixture('windows-1251.xml').entries[0]).toMatchObject({
      title: 'Москва: погода на выходные',
      summary: 'Синоптики обещают снег.',
      publishedAt: '2026-11-13T07:00:00.000Z',
    });
  });

  it('does not expand nested DTD entities ("billion laughs")', () => {
    const started = performance.now();
    const feed = parseFixture('entity-bomb.xml');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(JSON.stringify(feed).length).toBeLessThan(1_000);
  });
});

describe('parseFeed refuses what is not a feed', () => {
  it.each([
    ['an HTML page', fixture('html-page.html'), /HTML page/],
    ['truncated XML', fixture('truncated.xml'), /truncated/],
    ['JSON that is not a feed', fixture('not-a-feed.json'), /not a JSON Feed/],
    ['empty text', '  \n ', /empty/],
    ['plain text', 'hello', /neither XML nor JSON/],
    ['invalid JSON', '{"version": ', /invalid JSON/],
    ['other XML', '<?xml version="1.0"?><svg><g/></svg>', /root <svg>/],
    ['HTML without a doctype', '<html><head><title>x</title></head><body></body></html>', /HTML page/],
    ['HTML that is not well-formed XML', '<html lang=en><body><p>one<br><p>two & three</body>', /HTML page/],
    ['an external entity', '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><title>&x;</title></channel></rss>', /malformed XML/],
    ['a quadratic entity blow-up', `<!DOCTYPE r [<!ENTITY a "${'a'.repeat(900)}">]><rss><channel><title>${'&a;'.repeat(500)}</title></channel></rss>`, /malformed XML/],
    ['more than 5 MB', `<rss>${' '.repeat(5 * 1024 * 1024)}</rss>`, /larger than/],
  ])('%s', (_what, text, message) => {
    expect(() => parseFeed(text, BASE)).toThrow(FeedParseError);
    expect(() => parseFeed(text, BASE)).toThrow(message);
  });
});

describe('parseFeed limits', () => {
  it(`keeps at most ${MAX_FEED_ENTRIES} entries`, () => {
    const items = Array.from({ length: MAX_FEED_ENTRIES + 50 }, (_, i) => `<item><link>https://x.example/${i}</link></item>`).join('');
    const feed = parseFeed(`<rss><channel>${items}</channel></rss>`, BASE);
    expect(feed.entries).toHaveLength(MAX_FEED_ENTRIES);
    expect(feed.entries[0]?.url).toBe('https://x.example/0');
  });

  const longImage = `https://cdn.example/${'i'.repeat(MAX_URL_CHARS)}.jpg`;
  const longLanguage = `en-${'abcde-'.repeat(40_000)}x`;
  it.each([
    ['RSS', `<rss><channel><item><link>https://x.example/a</link><enclosure type="image/jpeg" url="${longImage}"/><dc:language>${longLanguage}</dc:language></item></channel></rss>`],
    ['Atom', `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${longLanguage}"><entry><link href="https://x.example/a"/><link rel="enclosure" type="image/jpeg" href="${longImage}"/></entry></feed>`],
    ['JSON Feed', JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', language: longLanguage, items: [{ url: 'https://x.example/a', image: longImage }] })],
    ['a news sitemap', `<urlset><url><loc>https://x.example/a</loc><image:image><image:loc>${longImage}</image:loc></image:image><news:news><news:publication><news:language>${longLanguage}</news:language></news:publication></news:news></url></urlset>`],
  ])(`leaves out an image URL over ${MAX_URL_CHARS} characters and a language that is no language tag (%s), keeping the entry`, (_format, text) => {
    const [entry] = parseFeed(text, BASE).entries;
    expect(entry?.url).toBe('https://x.example/a');
    expect(entry?.imageUrl).toBeUndefined();
    expect(entry?.language).toBeUndefined();
  });

  it.each([
    ['RSS', '<rss><channel><language>en_us</language><item><link>https://x.example/a</link></item></channel></rss>'],
    ['Atom', '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="EN-us"><entry><link href="https://x.example/a"/></entry></feed>'],
    ['JSON Feed', JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', items: [{ url: 'https://x.example/a', language: 'en_US' }] })],
    ['a news sitemap', '<urlset><url><loc>https://x.example/a</loc><news:news><news:publication><news:language>en-us</news:language></news:publication></news:news></url></urlset>'],
  ])('reads the language as a canonical language tag (%s)', (_format, text) => {
    expect(parseFeed(text, BASE).entries[0]?.language).toBe('en-US');
  });
});

describe('parseFeed on sloppy feeds', () => {
  it('reads raw (unescaped) HTML in an RSS description, keeping blocks apart', () => {
    const feed = parseFeed(
      '<rss><channel><item><link>https://x.example/a</link><description><p>One <b>bold</b> line.</p><p>Two &amp; more.</p></description></item></channel></rss>',
      BASE,
    );
    expect(feed.entries[0]?.summary).toBe('One bold line. Two & more.');
  });
});

describe('parseFeed on long feeds', () => {
  it('decodes thousands of ordinary entities (the entity limits are for DTD entities only)', () => {
    const items = Array.from({ length: 1_500 }, (_, i) => `<item><title>A &amp; B ${i}</title><link>https://x.example/${i}</link></item>`).join('');
    const feed = parseFeed(`<rss><channel>${items}</channel></rss>`, BASE);
    expect(feed.entries).toHaveLength(1_500);
    expect(feed.entries[1_499]?.title).toBe('A & B 1499');
  });
});

describe('parseFeedDate', () => {
  it.each([
    ['Tue, 10 Nov 2026 09:30:00 GMT', '2026-11-10T09:30:00.000Z'],
    ['Tue, 10 Nov 2026 09:30:00 EST', '2026-11-10T14:30:00.000Z'],
    ['Tue, 10 Nov 2026 09:30:00 PDT', '2026-11-10T16:30:00.000Z'],
    ['Tue, 10 Nov 2026 09:30:00 IST', '2026-11-10T04:00:00.000Z'],
    ['Tue, 10 Nov 2026 09:30:00 +0545', '2026-11-10T03:45:00.000Z'],
    ['10 Nov 2026 09:30 Z', '2026-11-10T09:30:00.000Z'],
    ['Tuesday, 10 Sept 26 09:30:00', '2026-09-10T09:30:00.000Z'],
    ['10 November 2026 09:30:00 -0000', '2026-11-10T09:30:00.000Z'],
    ['2026-11-10T09:30:00Z', '2026-11-10T09:30:00.000Z'],
    ['2026-11-10T09:30:00.123+05:30', '2026-11-10T04:00:00.123Z'],
    ['2026-11-10T09:30:00+0100', '2026-11-10T08:30:00.000Z'],
    ['2026-11-10 09:30:00', '2026-11-10T09:30:00.000Z'],
    ['2026-11-10', '2026-11-10T00:00:00.000Z'],
    ['31 Feb 2026 10:00:00 GMT', undefined],
    ['2024-02-30', undefined],
    ['2023-02-29T10:00:00Z', undefined],
    ['2026-04-31 09:30:00', undefined],
    ['2024-02-29T10:00:00Z', '2024-02-29T10:00:00.000Z'],
    ['Tue, 10 Nov 2026 10:99:00 GMT', undefined],
    ['Tue, 10 Nov 2026 24:00:00 GMT', undefined],
    ['2026-11-10T24:00:00Z', undefined],
    ['Tue, 10 Nov 2026 10:00:61 GMT', undefined],
    ['Tue, 10 Nov 2026 10:00:00 +2400', undefined],
    ['Tue, 10 Nov 2026 10:00:00 +0560', undefined],
    ['Tue, 10 Nov 2026 23:59:60 +2359', '2026-11-10T00:01:00.000Z'],
    ['Tue, 10 Nov 2026 09:30:00 +1400', '2026-11-09T19:30:00.000Z'],
    ['Tue, 10 Nov 2026 09:30:00 XYZ', undefined],
    ['yesterday', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s -> %s', (raw, expected) => {
    expect(parseFeedDate(raw)).toBe(expected);
  });
});

describe('parseFeed on hostile input', () => {
  const fixtures = ['rss2.xml', 'rdf.xml', 'atom.xml', 'json-feed.json', 'news-sitemap.xml', 'sitemap-index.xml'].map(fixture);
  const outcome = (text: string) => {
    try {
      const feed = parseFeed(text, BASE);
      return feed.entries.every((entry) => /^https?:\/\//.test(entry.url)) ? 'feed' : 'bad entry';
    } catch (error) {
      return error instanceof FeedParseError ? 'refused' : `threw ${(error as Error).name}: ${(error as Error).message}`;
    }
  };

  it('either reads or refuses with FeedParseError a feed cut at any point', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fixtures), fc.double({ min: 0, max: 1, noNaN: true }), (text, cut) => {
        expect(['feed', 'refused']).toContain(outcome(text.slice(0, Math.floor(text.length * cut))));
      }),
      { numRuns: 300 },
    );
  });

  it('either reads or refuses with FeedParseError a feed with random text spliced in', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fixtures), fc.nat(), fc.string({ unit: 'binary', maxLength: 20 }), (text, at, junk) => {
        const position = at % (text.length + 1);
        expect(['feed', 'refused']).toContain(outcome(text.slice(0, position) + junk + text.slice(position)));
      }),
      { numRuns: 300 },
    );
  });
});
