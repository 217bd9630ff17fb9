import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from '@jest/globals';
import { extractArticle, extractFromBytes, MAX_ELEMENTS } from '../../functions/extract/extract-article';
import { cleanByline } from '../../functions/extract/page-metadata';
import type { ExtractedArticle, ExtractionResult } from '../../functions/contracts/model';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'pages');
const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8');

function article(result: ExtractionResult): ExtractedArticle {
  if (!result.ok) throw new Error(`rejected: ${result.reason} (${result.detail})`);
  return result.article;
}

describe('extractArticle on hand-written pages', () => {
  const cases: Array<{ name: string; file: string; url?: string; expected: Partial<ExtractedArticle>; bodyStarts: string; bodyEnds: string; absent?: string[] }> = [
    {
      name: 'news article with boilerplate, JSON-LD @graph and a site-name suffix',
      file: 'boilerplate-article.html',
      url: 'https://daily.example.com/news/harbour-bridge',
      expected: {
        title: 'Harbour bridge reopens after repairs',
        byline: 'Ana Lima, Tom Berg',
        publishedAt: '2024-05-02T06:30:00.000Z',
        modifiedAt: '2024-05-02T10:00:00.000Z',
        language: 'en-US',
        imageUrl: 'https://daily.example.com/images/bridge.jpg',
        description: 'Harbour bridge reopens',
        canonicalUrl: 'https://daily.example.com/2024/05/harbour-bridge-reopens',
        siteName: 'The Daily Example',
      },
      bodyStarts: 'The harbour bridge reopened to traffic on Thursday morning',
      bodyEnds: 'would not require a full closure of the bridge.',
      absent: ['Advertisement', 'Also read', 'STORY CONTINUES', 'newsletter', 'Read more', 'Photo: Jane Roe', 'Facebook', 'cookies', 'reader42', 'Home', '©'],
    },
    {
      name: 'Open Graph and article meta, pt_BR locale, relative og:image',
      file: 'meta-dates.html',
      url: 'https://jornal.example.com.br/cidade/ponte',
      expected: {
        title: 'Nova ponte liga as duas margens do rio',
        byline: 'Maria Souza',
        publishedAt: '2023-11-20T17:05:00.000Z',
        modifiedAt: '2023-11-21T12:00:00.000Z',
        language: 'pt-BR',
        imageUrl: 'https://jornal.example.com.br/fotos/ponte.jpg',
        summary: 'A nova ponte, inaugurada nesta segunda-feira, reduz em meia hora o trajeto entre as duas margens do rio.',
      },
      bodyStarts: 'A nova ponte sobre o rio foi inaugurada',
      bodyEnds: 'nos dois sentidos da ponte.',
    },
    {
      name: '<time datetime>, twitter:image, a site-name prefix and no description',
      file: 'time-element.html',
      url: 'https://www.bbc.co.uk/news/floods',
      expected: {
        title: 'Floods close roads across the valley',
        publishedAt: '2022-01-15T06:45:00.000Z',
        language: 'en-GB',
        imageUrl: 'https://cdn.example.org/floods.jpg',
        description: null,
        summary:
          'Heavy rain overnight flooded dozens of roads across the valley on Saturday, leaving several villages cut off and hundreds of homes without power. Emergency crews worked through the night.',
      },
      bodyStarts: 'Heavy rain overnight flooded dozens of roads',
      bodyEnds: 'while the water recedes.',
      absent: ['Floods close roads across the valley', 'Example News'],
    },
  ];

  it.each(cases)('$name', ({ file, url, expected, bodyStarts, bodyEnds, absent }) => {
    const result = article(extractArticle(fixture(file), { url }));
    expect(result).toMatchObject(expected);
    expect(result.body.startsWith(bodyStarts)).toBe(true);
    expect(result.body.endsWith(bodyEnds)).toBe(true);
    expect(result.body).not.toMatch(/\n{3,}|[ \t]\n|\n[ \t]| {2}/);
    for (const text of absent ?? []) expect(result.body).not.toContain(text);
  });

  it('separates paragraphs by exactly one blank line', () => {
    const result = article(extractArticle(fixture('boilerplate-article.html'), {}));
    expect(result.body.split('\n\n')).toHaveLength(4);
  });

  it('falls back to the feed entry for what the page does not say', () => {
    const html = fixture('time-element.html').replace(/<time[^>]*>.*?<\/time>/, '').replace('lang="EN-gb"', '');
    const result = article(
      extractArticle(html, { feedEntry: { url: 'https://example.org/floods', publishedAt: 'Sat, 15 Jan 2022 07:00:00 GMT', language: 'en' } }),
    );
    expect(result.publishedAt).toBe('2022-01-15T07:00:00.000Z');
    expect(result.language).toBe('en');
  });

  it.each([
    ['en_us', 'en_us', 'en-US'],
    ['EN-gb', 'EN-gb', 'en-GB'],
    ['English (not a language tag)', 'English', null],
    ['5,000 characters', 'x'.repeat(5_000), null],
  ])("reads the feed entry's language, %s, as it reads the page's: a canonical language tag or none", (_label, language, expected) => {
    const html = fixture('time-element.html').replace('lang="EN-gb"', '');
    const result = article(extractArticle(html, { feedEntry: { url: 'https://example.org/floods', language } }));
    expect(result.language).toBe(expected);
  });

  it('prefers a complete JSON-LD articleBody, unescaping the HTML some CMSs put in it', () => {
    const paragraphs = [
      'First paragraph of the article, long enough to be a real paragraph of news text about the harbour.',
      'Second paragraph with more details on the works, the costs and the calendar of the next phase.',
      'Third paragraph quoting a commuter who is happy that the bridge is open again after eight months.',
    ];
    const escaped = paragraphs.map((p) => `&lt;p&gt;${p}&lt;/p&gt;`).join('') + '&lt;div&gt;&lt;img src=&quot;x.jpg&quot;&gt;&lt;span&gt;A caption&lt;/span&gt;&lt;/div&gt;';
    const html = `<html><head><script type="application/ld+json">${JSON.stringify({ '@type': 'NewsArticle', articleBody: escaped })}</script></head>
      <body><article><p>${paragraphs[0]}</p><p>Teaser only.</p></article></body></html>`;
    expect(article(extractArticle(html, {})).body).toBe(paragraphs.join('\n\n'));
  });

  it('drops a heading left with no text after it', () => {
    const text = '<p>The committee met for the fourth time this week to discuss the proposal in great detail.</p>'.repeat(4);
    const { body } = article(extractArticle(`<html><body><article>${text}<h2>More on this story</h2></article></body></html>`, {}));
    expect(body.endsWith('in great detail.')).toBe(true);
  });

  it('drops a sign-up box around a text field, whatever its class is called', () => {
    const text = '<p>The committee met for the fourth time this week to discuss the proposal in great detail.</p>'.repeat(4);
    const box = '<div class="abonnement"><b>Subscribe to the Courier</b><br>Three months for 19 crowns. <a href="/s">Subscribe now</a><br>Free daily newsletter: <input type="text" name="email"> <input type="submit" value="OK"></div>';
    const { body } = article(extractArticle(`<html><body><article><div class="texte">${text}</div>${box}</article></body></html>`, {}));
    expect(body.endsWith('in great detail.')).toBe(true);
    expect(body).not.toContain('Subscribe');
  });

  it('cuts a long extractive summary at a sentence boundary', () => {
    const sentence = 'The committee met for the fourth time this week to discuss the proposal in great detail. ';
    const html = `<html><body><article><p>${sentence.repeat(8)}</p><p>${sentence.repeat(4)}</p></article></body></html>`;
    const { summary } = article(extractArticle(html, {}));
    expect(summary.length).toBeLessThanOrEqual(300);
    expect(summary.endsWith('detail.')).toBe(true);
  });
});

describe('metadata as plain text', () => {
  const text = '<p>The committee met for the fourth time this week to discuss the proposal in great detail.</p>'.repeat(4);

  it('decodes character references in JSON-LD text and in <meta> values escaped twice', () => {
    const jsonLd = JSON.stringify({
      '@type': 'NewsArticle',
      headline: 'Council&#8217;s budget: rock &amp; roll',
      author: { '@type': 'Person', name: 'Jane O&#39;Neil' },
      publisher: { '@type': 'Organization', name: 'Smith &amp; Sons Gazette' },
    });
    const fromJsonLd = article(extractArticle(`<html><head><script type="application/ld+json">${jsonLd}</script></head><body><article>${text}</article></body></html>`, {}));
    expect(fromJsonLd).toMatchObject({ title: 'Council’s budget: rock & roll', byline: "Jane O'Neil", siteName: 'Smith & Sons Gazette' });

    const meta = '<meta property="og:title" content="Council&amp;#8217;s budget &amp;amp; more"><meta name="description" content="The council&amp;#8217;s budget passed on Tuesday after a long debate &amp;amp; a vote.&amp;nbsp;">';
    const fromMeta = article(extractArticle(`<html><head>${meta}</head><body><article>${text}</article></body></html>`, {}));
    expect(fromMeta.title).toBe('Council’s budget & more');
    expect(fromMeta.summary).toBe('The council’s budget passed on Tuesday after a long debate & a vote.');
  });

  it('leaves text without references, and an ampersand that starts none, as written', () => {
    const html = `<html><head><meta property="og:title" content="AT&amp;T &lt;3 R&amp;D"></head><body><article>${text}</article></body></html>`;
    expect(article(extractArticle(html, {})).title).toBe('AT&T <3 R&D');
  });
});

describe('relative URLs', () => {
  const text = '<p>The committee met for the fourth time this week to discuss the proposal in great detail.</p>'.repeat(4);
  const page = (head: string) => `<html><head>${head}<meta property="og:image" content="img/lead.jpg"><link rel="canonical" href="story/1"></head><body><article>${text}</article></body></html>`;

  it('resolves against the first <base href>, itself resolved against the page URL', () => {
    const absolute = article(extractArticle(page('<base target="_blank"><base href="https://cdn.example.net/site/"><base href="https://other.example/">'), { url: 'https://www.example.com/news/a.html' }));
    expect(absolute).toMatchObject({ imageUrl: 'https://cdn.example.net/site/img/lead.jpg', canonicalUrl: 'https://cdn.example.net/site/story/1' });
    const relative = article(extractArticle(page('<base href="/en/">'), { url: 'https://www.example.com/news/a.html' }));
    expect(relative).toMatchObject({ imageUrl: 'https://www.example.com/en/img/lead.jpg', canonicalUrl: 'https://www.example.com/en/story/1' });
    expect(article(extractArticle(page('<base href="https://cdn.example.net/site/">'), {})).imageUrl).toBe('https://cdn.example.net/site/img/lead.jpg');
  });

  it('resolves against the page URL without a usable <base href>', () => {
    const result = article(extractArticle(page('<base href="http://[broken">'), { url: 'https://www.example.com/news/a.html' }));
    expect(result.imageUrl).toBe('https://www.example.com/news/img/lead.jpg');
  });
});

describe('rejections', () => {
  const textBytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));
  const cases: Array<{ name: string; run: () => ExtractionResult; reason: string }> = [
    { name: 'empty bytes', run: () => extractFromBytes(new Uint8Array(0), {}), reason: 'empty' },
    { name: 'whitespace only', run: () => extractArticle('  \n\t ', {}), reason: 'empty' },
    { name: '10 MB of HTML', run: () => extractFromBytes(textBytes(`<html><body>${'<p>word </p>'.repeat(900_000)}</body></html>`), {}), reason: 'too-large' },
    { name: '10 MB string', run: () => extractArticle(`<p>${'a'.repeat(10 * 1024 * 1024)}</p>`, {}), reason: 'too-large' },
    { name: 'binary (PNG bytes)', run: () => extractFromBytes(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), {}), reason: 'binary' },
    { name: 'a PDF content type', run: () => extractFromBytes(textBytes('%PDF-1.4 ...'), { contentType: 'application/pdf' }), reason: 'not-html' },
    { name: 'plain text without markup', run: () => extractArticle('just some words, no markup at all', {}), reason: 'not-html' },
    { name: 'an index page of links', run: () => extractArticle(fixture('index-page.html'), {}), reason: 'not-an-article' },
    { name: 'a login wall', run: () => extractArticle(fixture('login-wall.html'), {}), reason: 'login-wall' },
    { name: 'hostile nesting, thousands of levels deep', run: () => extractArticle(`<div>${'<div>'.repeat(5000)}${'<p>text of a page. </p>'.repeat(50)}`, {}), reason: 'not-an-article' },
    { name: 'a truncated document', run: () => extractArticle(fixture('truncated.html'), {}), reason: 'truncated' },
  ];

  it('refuses a page of more elements than Readability gets through in time before parsing it, and keeps one just under', () => {
    // Runs of inline links cost Readability most: 50,000 (1.35 MB) took 15 s on a shared core, more than a sixth of a
    // worker batch's 90 s. How long each shape takes now: `npm run bench:hostile` (docs/benchmarks.md).
    const links = (count: number) => `<html><body><article>${'<p>The council met on Tuesday to approve the budget of the old town.</p>'.repeat(8)}</article>${'<a href="/x">link text</a> '.repeat(count)}</body></html>`;
    const refused = extractArticle(links(50_000), {});
    expect(refused).toMatchObject({ ok: false, reason: 'too-large', detail: `the page has more than ${MAX_ELEMENTS} elements` });
    // The whole tree counts, the article and its paragraphs too.
    expect(extractArticle(links(MAX_ELEMENTS), {})).toMatchObject({ reason: 'too-large' });
    expect(extractArticle(links(MAX_ELEMENTS - 20), {})).not.toMatchObject({ reason: 'too-large' });
  }, 60_000);

  it.each(cases)('$name -> $reason', ({ run, reason }) => {
    const result = run();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toBe(reason);
      expect(result.detail.length).toBeGreaterThan(10);
    }
  });

  it('reads UTF-16 pages with a byte order mark', () => {
    const html = `<html><body><article>${'<p>Zażółć gęślą jaźń: a sentence long enough to be part of a real article body.</p>'.repeat(6)}</article></body></html>`;
    const result = article(extractFromBytes(new Uint8Array([0xff, 0xfe, ...iconv.encode(html, 'utf16-le')]), {}));
    expect(result.body).toContain('Zażółć gęślą jaźń');
  });

  it('keeps a short article on a site whose menu carries a subscription prompt', () => {
    const text = '<p>The city council approved the new budget on Tuesday evening after a long debate about schools, roads and the old town hall.</p>'.repeat(6);
    const html = `<html><body><header><a href="/login">Already a subscriber? Sign in</a></header><article>${text}</article></body></html>`;
    expect(extractArticle(html, {}).ok).toBe(true);
  });

  it('decodes legacy encodings from the bytes before extracting', () => {
    const html = `<html><head><meta charset="windows-1251"><title>Новости</title></head><body><article>${'<p>Москва — столица России, крупнейший город страны и её политический центр.</p>'.repeat(6)}</article></body></html>`;
    const result = article(extractFromBytes(new Uint8Array(iconv.encode(html, 'win1251')), { contentType: 'text/html' }));
    expect(result.body).toContain('Москва — столица России');
  });

  it('never throws, whatever the input', () => {
    const hostile = ['<', '<<<>>>', '<html><body><p>\u0000</p>', '<svg><script>alert(1)</script>', '<!--', '<![CDATA[', `<div>${'<div>'.repeat(5000)}text`];
    for (const input of hostile) expect(() => extractArticle(input, { url: 'not a url' })).not.toThrow();
    expect(() => extractFromBytes(new Uint8Array([0xff, 0xfe, 0x00]), {})).not.toThrow();
  });
});

describe('the demo outlets (demo/site), as `npm start` serves them', () => {
  const demo = (path: string) => readFileSync(join(import.meta.dirname, '..', '..', 'demo', 'site', path));
  it.each([
    ['meridian-post/stories/schoeller-rovers-champions-cup-history.html', 'Dev Ramani'],
    ['meridian-post/stories/wrenfield-night-the-fire-came.html', 'Tom Ashdown'],
    ['meridian-post/stories/velmouth-port-strike-explained.html', 'Leah Marsh'],
    ['meridian-post/stories/estmark-central-bank-lowers-rate-split-vote.html', 'Parallax News Agency'],
    ['continental-courier/articles/seeborn-ferry-returns.html', 'Anaïs Roux'],
    ['continental-courier/articles/vilanova-rocha-red-card-final.html', null],
    ['harbor-times/2026/11/21/sorrel-ridge-fire-wrenfield-evacuated.html', 'Owen Castell'],
    ['northern-ledger/regions/sorrel-ridge-fire-contained-wrenfield-returns.html', 'Ada Moreland'],
  ])('%s: byline %j, and no appeal, newsletter box or comment in the body', (path, byline) => {
    const result = article(extractFromBytes(new Uint8Array(demo(path)), { url: `http://127.0.0.1:8080/${path}`, contentType: 'text/html' }));
    if (byline) expect(result.byline).toBe(byline);
    else expect(result.byline === null || !/\d{4}|—|\||^by /i.test(result.byline)).toBe(true);
    for (const text of ['free to read', 'readers like you', 'Become a supporter', 'Sign me up', 'Meridian Minute', 'Subscribe to the Courier', 'Conversation (', 'Reply']) {
      expect(result.body).not.toContain(text);
    }
  });
});

describe('cleanByline', () => {
  it.each([
    ['By  Jane Doe', 'Jane Doe'],
    ['Words by Dev Ramani — 28 November 2026, 22:40', 'Dev Ramani'],
    ['By Anaïs Roux | Published 28 November 2026, 17:00', 'Anaïs Roux'],
    ['Written by: Ana Lima, Tom Berg', 'Ana Lima, Tom Berg'],
    ['Reporting by Kim Park - Updated 3 hours ago', 'Kim Park'],
    ['Nadia Brook, November 23, 2026', 'Nadia Brook'],
    ['Par Claire Dubois · 5 min de lecture', 'Claire Dubois'],
    ['Von Jonas Weber, 2026-11-20', 'Jonas Weber'],
    ['Jean-Pierre Martin', 'Jean-Pierre Martin'],
    ['Ada Moreland, Regions correspondent', 'Ada Moreland, Regions correspondent'],
    ['28 November 2026, 22:40', null],
    ['Published 28 November 2026', null],
    ['https://example.com/staff/jane', null],
    ['', null],
    [null, null],
    ['x'.repeat(101), null],
  ])('%j -> %j', (raw, expected) => {
    expect(cleanByline(raw)).toBe(expected);
  });
});


describe('toIsoDate', () => {
  const cases: Array<[string, string | null]> = [
    ['2024-03-05T10:00:00+01:00', '2024-03-05T09:00:00.000Z'],
    ['2024-03-05T10:00', '2024-03-05T10:00:00.000Z'],
    ['2024-03-05', '2024-03-05T00:00:00.000Z'],
    ['2024', '2024-01-01T00:00:00.000Z'],
    ['Tue, 05 Mar 2024 10:00:00 GMT', '2024-03-05T10:00:00.000Z'],
    ['Tue, 05 Mar 2024 10:00:00 +0100', '2024-03-05T09:00:00.000Z'],
    ['Mon Mar 04 2024 10:00:00 GMT+0100 (Central European Standard Time)', '2024-03-04T09:00:00.000Z'],
    ['March 5, 2024 10:00 EST', '2024-03-05T15:00:00.000Z'],
    ['5 March 2024 10:00 Z', '2024-03-05T10:00:00.000Z'],
    ['Mar 5, 2024 10:00 AM +0100', '2024-03-05T09:00:00.000Z'],
    ['5 March 2024, 10:00 GMT+1', '2024-03-05T09:00:00.000Z'],
    ['Tue, 05 Mar 2024 10:00:00 +01', '2024-03-05T09:00:00.000Z'],
    ['Tue Mar 05 2024 10:00:00 GMT+0100 (Central European Standard Time)', '2024-03-05T09:00:00.000Z'],
    // Written without a zone: read as UTC, whatever the host's zone.
    ['March 5, 2024 10:00', '2024-03-05T10:00:00.000Z'],
    ['2024/03/05 10:00', '2024-03-05T10:00:00.000Z'],
    ['Tue, 05 Mar 2024 10:00', '2024-03-05T10:00:00.000Z'],
    ['5 March 2024', '2024-03-05T00:00:00.000Z'],
    ['March 5, 2024 10:00 PM', '2024-03-05T22:00:00.000Z'],
    ['2024-03-05T24:00', null],
    ['2024-03-05T24:00:00Z', null],
    ['March 5, 2024 10:00 (CET)', '2024-03-05T10:00:00.000Z'],
    // Parsing accidents: no year, no date.
    ['0', null],
    ['12', null],
    ['99999', null],
    ['1709632800', null],
    ['yesterday', null],
  ];

  // The host's zone is read once per process (jest's process.env is a copy): each zone gets a process of its own.
  it.each(['UTC', 'Asia/Tokyo', 'America/Los_Angeles'])('reads the same instants with the host in %s', (zone) => {
    const script = `import { toIsoDate } from './functions/extract/page-metadata.ts';
      console.log(JSON.stringify([new Date(2024, 0, 1).getTimezoneOffset(), ${JSON.stringify(cases.map(([raw]) => raw))}.map(toIsoDate)]));`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, env: { ...process.env, TZ: zone }, encoding: 'utf8' });
    const [offset, dates] = JSON.parse(output) as [number, Array<string | null>];
    expect(offset).toBe({ UTC: 0, 'Asia/Tokyo': -540, 'America/Los_Angeles': 480 }[zone]);
    expect(cases.map(([raw], index) => [raw, dates[index]])).toEqual(cases);
  });
});
