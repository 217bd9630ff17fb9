import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from '@jest/globals';
import { labelled } from '../support/labelled';
import { ARTICLES } from '../../demo/content/articles';
import { OUTLETS } from '../../demo/content/outlets';
import { renderSite } from '../../demo/render-site';
import { parseSources } from '../../functions/sources/parse-sources';

const DEMO_DIR = join(import.meta.dirname, '..', '..', 'demo');
const SITE_DIR = join(DEMO_DIR, 'site');
const BASE = '{{BASE_URL}}';

interface DemoSourceEntry {
  readonly id: string;
  readonly name: string;
  readonly path: string;
  readonly schedule: string;
}

const manifest = JSON.parse(readFileSync(join(DEMO_DIR, 'sources.json'), 'utf8')) as DemoSourceEntry[];

function siteFile(path: string): string {
  return join(SITE_DIR, path);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(SITE_DIR, join(entry.parentPath, entry.name)));
}

/** The entry URLs a feed lists, read the way each format spells them. */
function entryUrls(path: string): string[] {
  const text = readFileSync(siteFile(path), 'utf8');
  if (path.endsWith('.json')) {
    const feed = JSON.parse(text) as { version: string; items: { url: string }[] };
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    return feed.items.map((item) => item.url);
  }
  expect(XMLValidator.validate(text)).toBe(true);
  const xml = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['item', 'entry', 'url', 'link'].includes(name) })
    .parse(text) as Record<string, Record<string, unknown>>;
  if (xml.rss) {
    const channel = xml.rss.channel as { item: { link: string[] }[] };
    return channel.item.map((item) => item.link[0] as string);
  }
  if (xml.feed) {
    const entries = xml.feed.entry as { link: Record<string, string>[] }[];
    return entries.map((entry) => entry.link.find((l) => l['@_rel'] === 'alternate')?.['@_href'] as string);
  }
  if (xml.urlset) {
    const urls = xml.urlset.url as { loc: string; 'news:news': { 'news:title': string; 'news:publication_date': string } }[];
    for (const url of urls) {
      expect(url['news:news']['news:title']).not.toBe('');
      expect(Date.parse(url['news:news']['news:publication_date'])).not.toBeNaN();
    }
    return urls.map((url) => url.loc);
  }
  throw new Error(`${path}: not a feed format the demo uses`);
}

/** `{{BASE_URL}}/a/b.html?x=1` -> `a/b.html`. */
function sitePathOf(url: string): string {
  labelled(url, () => expect(url.startsWith(`${BASE}/`)).toBe(true));
  return new URL(url.slice(BASE.length), 'http://demo').pathname.slice(1);
}

const pages = filesUnder(SITE_DIR).filter((path) => path.endsWith('.html'));

describe('demo sources', () => {
  it('lists one valid source per outlet, each with a feed that exists', () => {
    const sources = parseSources(
      manifest.map(({ id, name, path, schedule }) => ({ id, name, url: new URL(path, 'http://127.0.0.1:4000').toString(), schedule })),
      'demo/sources.json',
    );
    expect(sources.map((s) => s.id).sort()).toEqual(OUTLETS.map((o) => o.id).sort());
    for (const { path } of manifest) labelled(path, () => expect(existsSync(siteFile(path))).toBe(true));
  });

  it.each(manifest.map((m) => [m.id, m.path] as const))('%s: the feed parses and every entry it lists is a page', (_, path) => {
    const urls = entryUrls(path);
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const url of urls) labelled(url, () => expect(existsSync(siteFile(sitePathOf(url)))).toBe(true));
  });

  it('shows a tracking-tagged entry URL and an article listed twice in one feed', () => {
    const all = manifest.map((m) => entryUrls(m.path));
    expect(all.flat().some((url) => url.includes('?utm_source=rss&utm_medium=feed'))).toBe(true);
    expect(all.some((urls) => new Set(urls).size < urls.length)).toBe(true);
  });

  it('has one feed format per outlet', () => {
    expect(new Set(OUTLETS.map((o) => o.feed.kind)).size).toBe(OUTLETS.length);
  });
});

describe('demo pages', () => {
  it('are 16 to 20 articles, 250 to 600 words each', () => {
    expect(pages.length).toBeGreaterThanOrEqual(16);
    expect(pages.length).toBeLessThanOrEqual(20);
    for (const article of ARTICLES) {
      const words = article.paragraphs.join(' ').split(/\s+/).length;
      labelled(article.slug, () => expect(words).toBeGreaterThanOrEqual(250));
      labelled(article.slug, () => expect(words).toBeLessThanOrEqual(600));
    }
  });

  it.each(pages)('%s declares its charset in the first 1024 bytes, its language, canonical URL and title suffix', (path) => {
    const bytes = readFileSync(siteFile(path));
    const outlet = OUTLETS.find((o) => path.startsWith(`${o.id}/`));
    expect(outlet).toBeDefined();
    const head = bytes.subarray(0, 1024).toString('latin1');
    expect(head.match(/<meta charset="([^"]+)">/i)?.[1]?.toLowerCase()).toBe(outlet?.charset);
    const html = bytes.toString('latin1');
    expect(html).toMatch(/<html lang="[a-z]{2}(-[A-Z]{2})?"/);
    expect(html).toContain(`<link rel="canonical" href="${BASE}/${path}">`);
    expect(html).toContain(`<meta property="og:url" content="${BASE}/${path}">`);
    expect(html).toMatch(new RegExp(`<title>[^<]+ \\| ${outlet?.name}</title>`));
    expect(html).toMatch(/<time datetime="2026-11-\d\dT/);
    expect(html).toContain('<meta property="article:published_time" content="2026-11-');
  });

  it('saves the ISO-8859-1 outlet in ISO-8859-1: not valid UTF-8, accented names intact as Latin-1', () => {
    const latin1Pages = pages.filter((path) => OUTLETS.find((o) => path.startsWith(`${o.id}/`))?.charset === 'iso-8859-1');
    expect(latin1Pages.length).toBeGreaterThanOrEqual(4);
    for (const path of latin1Pages) {
      const bytes = readFileSync(siteFile(path));
      labelled(path, () => expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow());
      expect(bytes.toString('latin1')).toContain('Saint-Aurèle');
    }
    const strike = latin1Pages.find((path) => path.includes('velmouth-strike'));
    expect(readFileSync(siteFile(strike ?? '')).toString('latin1')).toContain('José Müller');
  });

  it('has JSON-LD NewsArticle on some outlets and not on others', () => {
    const withJsonLd = new Set(
      pages.filter((path) => readFileSync(siteFile(path), 'latin1').includes('"@type": "NewsArticle"')).map((p) => p.split('/')[0]),
    );
    expect([...withJsonLd].sort()).toEqual(OUTLETS.filter((o) => o.jsonLd).map((o) => o.id).sort());
  });

  it('has one wire story republished by two outlets with the same body', () => {
    const wire = ARTICLES.filter((a) => a.wireCredit);
    expect(wire.map((a) => a.outlet)).toHaveLength(2);
    expect(wire[0]?.outlet).not.toBe(wire[1]?.outlet);
    expect(wire[0]?.paragraphs).toEqual(wire[1]?.paragraphs);
    expect(wire[0]?.headline).not.toBe(wire[1]?.headline);
  });

  it('match what demo/render-site.ts renders (regenerate with `npx tsx demo/build-site.ts`)', () => {
    const rendered = renderSite();
    expect(filesUnder(SITE_DIR).sort()).toEqual([...rendered.keys()].sort());
    for (const [path, bytes] of rendered) labelled(path, () => expect(readFileSync(siteFile(path)).equals(bytes)).toBe(true));
  });
});
