/**
 * Outlets for load, soak and cost runs: an HTTP server on loopback serving `sources` RSS feeds and their article
 * pages, with the usual page chrome (navigation, byline, an ad slot, footer) around the text.
 *
 * The text is either generated (deterministic news-like sentences over a vocabulary of about a hundred words,
 * `perSource` articles per outlet), or, with `corpus`, real articles: the lines of a JSONL file of `{ id, title,
 * body }` (the format of ../shared/data/related-dev), the first `articles` of them or all. Line i is article
 * floor(i / sources) of outlet i % sources, published at the line's own date when every line of the file has one
 * (scripts/support/corpus.ts), else one minute after line i - 1, so the feeds together list the file in its order;
 * its body's lines are the page's paragraphs. A small vocabulary keeps a word index small, so
 * what the index costs per article is only seen on real text. Corpus pages mark their byline and date up as
 * publishers do, so that extraction stores exactly their title and text (CORPUS_CHROME); synthetic pages keep the
 * chrome they always had, so that their figures stay comparable (SYNTHETIC_CHROME).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { publicationTime, readCorpus } from '../../scripts/support/corpus';

const WORDS = (
  'government minister council city port harbour union strike wages talks agreement court ruling judge appeal ' +
  'election vote party leader campaign budget tax economy growth inflation bank rate decision market shares ' +
  'energy battery factory plant jobs investment climate wildfire storm rain flood rescue police report hospital ' +
  'health doctors school students teachers football final season coach players stadium festival music film ' +
  'science research study university space launch satellite water supply transport rail station airport flights'
).split(' ');
const NAMES = ['Alvarez', 'Okafor', 'Lindqvist', 'Haddad', 'Moreau', 'Tanaka', 'Kowalski', 'Nguyen', 'Osei', 'Rossi'];
const PLACES = ['Porto Verde', 'Kestrel Bay', 'Northam', 'Valdoria', 'Eastmere', 'Saltford', 'Riverton', 'Lakemont'];

function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(items: readonly T[], next: () => number): T => items[Math.floor(next() * items.length)]!;

export function articleText(seed: number): { title: string; paragraphs: string[] } {
  const next = random(seed);
  const place = pick(PLACES, next);
  const person = pick(NAMES, next);
  const topic = [pick(WORDS, next), pick(WORDS, next), pick(WORDS, next)];
  const sentence = () => {
    const words = Array.from({ length: 12 + Math.floor(next() * 14) }, () => pick(WORDS, next));
    words.splice(2, 0, place);
    if (next() < 0.5) words.splice(6, 0, person);
    const text = words.join(' ');
    return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
  };
  const paragraphs = Array.from({ length: 6 + Math.floor(next() * 5) }, () =>
    Array.from({ length: 2 + Math.floor(next() * 3) }, sentence).join(' '),
  );
  return { title: `${place} ${topic.join(' ')}: ${person} speaks (${seed})`, paragraphs };
}

/** Which articles the outlets serve; plain data, so that a child process can be handed it (support/infra-process.ts). */
export interface OutletOptions {
  readonly sources: number;
  /** Synthetic articles per outlet; not read when `corpus` is given. */
  readonly perSource: number;
  /** A JSONL file of `{ id, title, body }` lines to serve instead of synthetic text. */
  readonly corpus?: string;
  /** With `corpus`: serve its first `articles` lines (default: all). */
  readonly articles?: number;
}

export interface OutletArticle {
  readonly title: string;
  readonly paragraphs: readonly string[];
  readonly publishedAt: Date;
}

/** The articles the outlets publish, outlet by outlet. */
export interface OutletCatalog {
  readonly articleCount: number;
  /** How many articles outlet `source` lists in its feed. */
  countOf(source: number): number;
  /** Article `n` of outlet `source`; undefined past its last. */
  article(source: number, n: number): OutletArticle | undefined;
  /** The HTML page of article `n` of outlet `source` (what the worker fetches); undefined past its last. */
  page(origin: string, source: number, n: number): string | undefined;
}

/** The first article's publication time; each next one (of an outlet, or line of a corpus without dates) a minute later. */
const START = Date.UTC(2026, 10, 1);

/** The catalog `options` describe; a corpus file is read here, once. */
export function outletCatalog(options: OutletOptions): OutletCatalog {
  const { sources } = options;
  if (options.corpus === undefined) {
    const article = (source: number, n: number): OutletArticle | undefined =>
      source < sources && n < options.perSource ? { ...articleText(source * 1_000_003 + n), publishedAt: new Date(START + n * 60_000) } : undefined;
    return {
      articleCount: sources * options.perSource,
      countOf: (source) => (source < sources ? options.perSource : 0),
      article,
      page: (origin, source, n) => {
        const found = article(source, n);
        return found && articlePage(origin, source, n, found, SYNTHETIC_CHROME);
      },
    };
  }
  const lines = readCorpus(options.corpus).slice(0, options.articles ?? Infinity);
  const article = (source: number, n: number): OutletArticle | undefined => {
    const index = n * sources + source;
    const line = source < sources ? lines[index] : undefined;
    if (!line) return undefined;
    const paragraphs = line.body.split(/\n+/).map((paragraph) => paragraph.trim()).filter(Boolean);
    return { title: line.title.replace(/\s+/g, ' ').trim(), paragraphs, publishedAt: publicationTime(line, index, START) };
  };
  return {
    articleCount: lines.length,
    countOf: (source) => (source < sources ? Math.max(0, Math.ceil((lines.length - source) / sources)) : 0),
    article,
    page: (origin, source, n) => {
      const found = article(source, n);
      return found && articlePage(origin, source, n, found, CORPUS_CHROME);
    },
  };
}

/** Text as HTML text or attribute value. */
const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** What a page carries besides the text: extra `<head>` markup, and the markup between headline and text. */
interface Chrome {
  head(published: Date): string;
  byline(published: Date): string;
}

/**
 * Synthetic pages keep the chrome they always had (so that figures stay comparable): extraction keeps the bare ISO
 * time of their `<time>` element as a first paragraph of the body.
 */
const SYNTHETIC_CHROME: Chrome = {
  head: () => '',
  byline: (published) => `<p class="byline">By Staff Reporter</p><time datetime="${published.toISOString()}">${published.toISOString()}</time>`,
};

/**
 * Corpus pages are dressed as publishers do, so that extraction stores exactly the title and the text: an author in
 * the metadata and an author link in the byline (Readability drops the byline even from short articles), and a
 * "Published <date>" line (dropped as a time stamp).
 */
const CORPUS_CHROME: Chrome = {
  head: () => '<meta name="author" content="Staff Reporter">\n',
  byline: (published) =>
    `<p class="byline">By <a rel="author" href="/staff">Staff Reporter</a></p><p class="dateline">Published <time datetime="${published.toISOString()}">${published
      .toUTCString()
      .replace(/^\w+, /, '')
      .replace(/:\d\d GMT$/, ' GMT')}</time></p>`,
};

function articlePage(origin: string, source: number, n: number, article: OutletArticle, chrome: Chrome): string {
  const title = escapeHtml(article.title);
  const published = article.publishedAt.toISOString();
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} | Outlet ${source}</title>
<meta name="description" content="${escapeHtml((article.paragraphs[0] ?? '').slice(0, 150))}">
${chrome.head(article.publishedAt)}<meta property="article:published_time" content="${published}">
<link rel="canonical" href="${origin}/s${source}/a${n}.html"></head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>${title}</h1>${chrome.byline(article.publishedAt)}
${article.paragraphs.map((p, i) => `<p>${escapeHtml(p)}</p>${i === 2 ? '<div class="ad">Advertisement</div>' : ''}`).join('\n')}
</article></main><footer>Copyright Outlet ${source}. <a href="/privacy">Privacy</a></footer></body></html>`;
}

/** Outlet and article number of a page URL (`…/s<source>/a<n>.html`), as `page` links it; null for another URL. */
export function pageOf(url: string): { source: number; n: number } | null {
  const match = /\/s(\d+)\/a(\d+)\.html(?:[?#]|$)/.exec(url);
  return match ? { source: Number(match[1]), n: Number(match[2]) } : null;
}

function feed(origin: string, source: number, catalog: OutletCatalog): string {
  const items = Array.from({ length: catalog.countOf(source) }, (_, n) => {
    const { title, publishedAt } = catalog.article(source, n)!;
    return `<item><title>${escapeHtml(title)}</title><link>${origin}/s${source}/a${n}.html?utm_source=rss</link><pubDate>${publishedAt.toUTCString()}</pubDate></item>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Outlet ${source}</title><link>${origin}/s${source}/</link>${items}</channel></rss>`;
}

export interface SyntheticOutlets {
  readonly origin: string;
  readonly sources: { id: string; name: string; url: string; schedule: string }[];
  readonly articleCount: number;
  /** Requests served so far, feeds and article pages apart (anything else is counted as `other`). */
  requests(): { feeds: number; pages: number; other: number };
  stop(): Promise<void>;
}

export async function startSyntheticOutlets(options: OutletOptions): Promise<SyntheticOutlets> {
  const catalog = outletCatalog(options);
  let origin = '';
  const served = { feeds: 0, pages: 0, other: 0 };
  const server: Server = createServer((request, response) => {
    const match = /^\/s(\d+)\/(?:feed\.xml|a(\d+)\.html)$/.exec(new URL(request.url ?? '/', origin).pathname);
    const source = Number(match?.[1]);
    const html = match?.[2] === undefined ? undefined : catalog.page(origin, source, Number(match[2]));
    if (!match || source >= options.sources || (match[2] !== undefined && !html)) {
      served.other += 1;
      response.writeHead(404).end();
      return;
    }
    served[html ? 'pages' : 'feeds'] += 1;
    response.writeHead(200, { 'content-type': html ? 'text/html; charset=utf-8' : 'application/rss+xml' });
    response.end(html ?? feed(origin, source, catalog));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    sources: Array.from({ length: options.sources }, (_, s) => ({
      id: `outlet-${s}`,
      name: `Outlet ${s}`,
      url: `${origin}/s${s}/feed.xml`,
      schedule: 'rate(1 hour)',
    })),
    articleCount: catalog.articleCount,
    requests: () => ({ ...served }),
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
