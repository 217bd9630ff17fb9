/**
 * Synthetic outlets for load and soak runs: an HTTP server on loopback serving `sources` RSS feeds of `perSource`
 * articles each, with article pages of generated (deterministic) news-like text and the usual page chrome.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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

/** The HTML page of article `n` of outlet `source`: what the worker fetches. */
export function page(origin: string, source: number, n: number): string {
  const { title, paragraphs } = articleText(source * 1_000_003 + n);
  const published = new Date(Date.UTC(2026, 10, 1) + n * 60_000).toISOString();
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} | Outlet ${source}</title>
<meta name="description" content="${paragraphs[0]!.slice(0, 150)}">
<meta property="article:published_time" content="${published}">
<link rel="canonical" href="${origin}/s${source}/a${n}.html"></head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>${title}</h1><p class="byline">By Staff Reporter</p><time datetime="${published}">${published}</time>
${paragraphs.map((p, i) => `<p>${p}</p>${i === 2 ? '<div class="ad">Advertisement</div>' : ''}`).join('\n')}
</article></main><footer>Copyright Outlet ${source}. <a href="/privacy">Privacy</a></footer></body></html>`;
}

function feed(origin: string, source: number, perSource: number): string {
  const items = Array.from({ length: perSource }, (_, n) => {
    const { title } = articleText(source * 1_000_003 + n);
    return `<item><title>${title}</title><link>${origin}/s${source}/a${n}.html?utm_source=rss</link><pubDate>${new Date(
      Date.UTC(2026, 10, 1) + n * 60_000,
    ).toUTCString()}</pubDate></item>`;
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

export async function startSyntheticOutlets(options: { sources: number; perSource: number }): Promise<SyntheticOutlets> {
  let origin = '';
  const served = { feeds: 0, pages: 0, other: 0 };
  const server: Server = createServer((request, response) => {
    const match = /^\/s(\d+)\/(?:feed\.xml|a(\d+)\.html)$/.exec(new URL(request.url ?? '/', origin).pathname);
    const source = Number(match?.[1]);
    if (!match || source >= options.sources) {
      served.other += 1;
      response.writeHead(404).end();
      return;
    }
    served[match[2] === undefined ? 'feeds' : 'pages'] += 1;
    const body = match[2] === undefined ? feed(origin, source, options.perSource) : page(origin, source, Number(match[2]));
    response.writeHead(200, { 'content-type': match[2] === undefined ? 'application/rss+xml' : 'text/html; charset=utf-8' });
    response.end(body);
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
    articleCount: options.sources * options.perSource,
    requests: () => ({ ...served }),
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
