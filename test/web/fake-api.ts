/**
 * A stand-in for Newsweave's HTTP API and the local runtime's /ops/metrics.json, for the browser tests of web/:
 * node http on 127.0.0.1 serving the static pages with the same URL mapping as the local stack, and canned JSON in
 * the API's shapes. Times are relative to the moment of each request, so "22 minutes ago" stays true.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

export const WEB_DIR = resolve(import.meta.dirname, '..', '..', 'web');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * The URL mapping of the static site: `/ops` and `/ops/...` come from web/ops/, everything else from web/reader/
 * (`/` is its index.html). Null for a path that leaves those folders or names no servable file type.
 */
export function webFileFor(pathname: string): string | null {
  const [folder, rest] =
    pathname === '/ops' || pathname === '/ops/'
      ? ['ops', 'index.html']
      : pathname.startsWith('/ops/')
        ? ['ops', pathname.slice('/ops/'.length)]
        : ['reader', pathname === '/' ? 'index.html' : pathname.slice(1)];
  const root = join(WEB_DIR, folder);
  const file = normalize(join(root, rest));
  if (!file.startsWith(root + sep) || !(extname(file) in CONTENT_TYPES)) return null;
  return file;
}

export interface FakeSource {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly lastFetchedAt: string | null;
  readonly lastSuccessAt: string | null;
  readonly lastError: string | null;
  readonly lastErrorKind: string | null;
  readonly errorCount: number;
  readonly nextAttemptAt: string | null;
  readonly articleCount: number;
  readonly refreshMinutes: number | null;
}

interface CannedArticle {
  readonly id: string;
  readonly sourceId: string;
  readonly minutesAgo: number;
  readonly title: string;
  readonly summary: string;
  readonly body: string;
  readonly byline: string | null;
  readonly image: string | null;
  /** Labels as the text has them; the API's `topic` is the lowercased label. */
  readonly topics: readonly string[];
  readonly related: readonly { readonly id: string; readonly score: number; readonly reasons: readonly string[] }[];
}

const SOURCES = [
  { id: 'harbor-times', name: 'The Harbor Times', url: 'https://harbor-times.example/rss.xml' },
  { id: 'valley-courier', name: 'Valley Courier', url: 'https://valley-courier.example/atom.xml' },
  { id: 'northern-ledger', name: 'The Northern Ledger', url: 'https://northern-ledger.example/feed.json' },
  { id: 'metro-wire', name: 'Metro Wire', url: 'https://metro-wire.example/news-sitemap.xml' },
] as const;

/** Ids the tests name. All match the API's id pattern. */
export const IDS = {
  strike: 'strike-harbor-times-01',
  strikeLedger: 'strike-north-ledger-02',
  strikeWire: 'strike-metro-wire-0003',
  rates: 'rates-valley-courier-1',
  ratesWire: 'rates-metro-wire-00002',
  wildfire: 'fire-valley-courier-01',
  wildfireLedger: 'fire-north-ledger-0002',
  battery: 'battery-harbor-times-1',
  hostile: 'hostile-metro-wire-001',
  /** Valid shape, not stored: the API answers 404. */
  gone: 'gone-article-000000001',
} as const;

const ARTICLES: readonly CannedArticle[] = [
  {
    id: IDS.strike,
    sourceId: 'harbor-times',
    minutesAgo: 22,
    title: 'Dockworkers walk out at the Port of Calderhaven as pay talks collapse',
    summary:
      'Cranes stood idle on Tuesday after the Calderhaven Dockworkers Union called a 48-hour strike, the first at the port in eleven years.',
    body: [
      'Cranes stood idle across the Port of Calderhaven on Tuesday morning after the Calderhaven Dockworkers Union called a 48-hour strike, the first stoppage at the port in eleven years.',
      'Union leader Marta Okonkwo said talks with the port authority had broken down over a proposed two-year pay freeze. "Our members kept this port running through two winters of record traffic," she told reporters at the gates. "A freeze is not an offer."',
      'The port authority said it regretted the action and that contingency plans would keep perishable cargo moving. Shipping lines warned of delays of up to four days for container traffic.',
      'Talks are expected to resume on Thursday under an independent mediator.',
    ].join('\n\n'),
    byline: 'Lena Fairweather',
    image: 'harbor',
    topics: ['Port of Calderhaven', 'strike', 'Marta Okonkwo'],
    related: [
      { id: IDS.strikeLedger, score: 0.91, reasons: ['Port of Calderhaven', 'Marta Okonkwo', 'strike'] },
      { id: IDS.strikeWire, score: 0.84, reasons: ['Calderhaven Dockworkers Union', 'pay freeze'] },
    ],
  },
  {
    id: IDS.rates,
    sourceId: 'valley-courier',
    minutesAgo: 47,
    title: 'Central bank holds its key rate at 3.25% and signals patience',
    summary: 'The Monetary Council left borrowing costs unchanged for a third meeting, citing sticky services inflation.',
    body: [
      'The Monetary Council of the Federal Reserve Bank of Arland left its key rate unchanged at 3.25% on Wednesday, the third meeting in a row without a move.',
      'Governor Ilse Brandt said services inflation remained "stubborn" even as goods prices eased, and that the council would wait for more data before cutting.',
      'Markets had priced in a small chance of a cut; the currency rose slightly after the announcement.',
    ].join('\n\n'),
    byline: 'Tomas Reyes',
    image: 'bank',
    topics: ['interest rates', 'Ilse Brandt'],
    related: [{ id: IDS.ratesWire, score: 0.88, reasons: ['Ilse Brandt', 'interest rates', 'Monetary Council'] }],
  },
  {
    id: IDS.strikeLedger,
    sourceId: 'northern-ledger',
    minutesAgo: 65,
    title: 'Calderhaven port strike: what it means for shoppers before the holidays',
    summary: 'Retailers say shelves will stay stocked for now, but a longer stoppage at Calderhaven could hit toy and electronics imports.',
    body: [
      'Retailers said on Tuesday that shelves would stay stocked for now despite the strike at the Port of Calderhaven.',
      'Marta Okonkwo, who leads the dockworkers, said the union was ready to return to talks at any time.',
    ].join('\n\n'),
    byline: null,
    image: null,
    topics: ['Port of Calderhaven', 'strike'],
    related: [{ id: IDS.strike, score: 0.91, reasons: ['Port of Calderhaven', 'strike'] }],
  },
  {
    id: IDS.wildfire,
    sourceId: 'valley-courier',
    minutesAgo: 130,
    title: 'Wildfire near Pine Hollow forces 2,000 to leave their homes',
    summary: 'Firefighters are battling a fast-moving wildfire in the Ashgrove Hills, driven by dry winds from the east.',
    body: [
      'About 2,000 residents of Pine Hollow were ordered to leave their homes overnight as a wildfire spread through the Ashgrove Hills.',
      'Fire chief Daniel Mbeki said crews had contained a third of the fire line by dawn. "The wind is the enemy today," he said.',
    ].join('\n\n'),
    byline: 'Priya Castellano',
    image: 'missing',
    topics: ['wildfire', 'Ashgrove Hills'],
    related: [{ id: IDS.wildfireLedger, score: 0.79, reasons: ['Ashgrove Hills', 'wildfire', 'Daniel Mbeki'] }],
  },
  {
    id: IDS.strikeWire,
    sourceId: 'metro-wire',
    minutesAgo: 190,
    title: 'Port strike enters first day; mediator named',
    summary: 'An independent mediator will chair talks between the Calderhaven Dockworkers Union and the port authority on Thursday.',
    body: 'An independent mediator will chair talks on Thursday between the Calderhaven Dockworkers Union and the port authority.',
    byline: null,
    image: null,
    topics: ['strike'],
    related: [],
  },
  {
    id: IDS.ratesWire,
    sourceId: 'metro-wire',
    minutesAgo: 300,
    title: 'Rates on hold: what the council said, and what it did not',
    summary: 'Five takeaways from the Monetary Council’s statement and Governor Ilse Brandt’s press conference.',
    body: 'Five takeaways from the statement.\n\nFirst, the council sees no hurry.',
    byline: null,
    image: null,
    topics: ['interest rates'],
    related: [],
  },
  {
    id: IDS.wildfireLedger,
    sourceId: 'northern-ledger',
    minutesAgo: 26 * 60,
    title: 'Ashgrove Hills fire season arrives early after the driest October on record',
    summary: 'Forecasters had warned that the hills were primed to burn after weeks without rain.',
    body: 'Forecasters had warned that the Ashgrove Hills were primed to burn.',
    byline: null,
    image: null,
    topics: ['wildfire'],
    related: [],
  },
  {
    id: IDS.battery,
    sourceId: 'harbor-times',
    minutesAgo: 2 * 24 * 60 + 60,
    title: 'Battery maker picks Calderhaven for its first plant in the region',
    summary: 'Voltarra will build a cell factory on the old shipyard site, promising 1,200 jobs by 2029.',
    body: 'Voltarra will build a cell factory on the old shipyard site.\n\nThe plant is due to open in 2028.',
    byline: 'Lena Fairweather',
    image: 'factory',
    topics: ['Voltarra'],
    related: [],
  },
  {
    id: IDS.hostile,
    sourceId: 'metro-wire',
    minutesAgo: 4 * 24 * 60,
    title: 'Letters: <img src=x onerror="window.__pwned=1"> <b>not bold</b>',
    summary: '<script>window.__pwned=1</script> A reader writes about markup in headlines.',
    body: '<p onclick="window.__pwned=1">Markup in a body stays text.</p>',
    byline: '<i>Anon</i>',
    image: 'javascript',
    topics: [],
    related: [],
  },
];

/** Older filler articles, so that the latest list has a second page. */
const FILLER: readonly CannedArticle[] = Array.from({ length: 16 }, (_, index) => ({
  id: `notices-harbor-times-${String(index).padStart(2, '0')}`,
  sourceId: 'harbor-times',
  minutesAgo: (6 + index) * 24 * 60,
  title: `Harbour notices and tide tables, edition ${index + 1}`,
  summary: 'Berth closures, pilotage changes and the week’s tide tables for the Calderhaven approaches.',
  body: 'Berth 4 is closed for dredging.\n\nHigh water at 06:12 and 18:40.',
  byline: null,
  image: null,
  topics: ['harbour notices'],
  related: [],
}));

const ALL_ARTICLES = [...ARTICLES, ...FILLER];

/** Comments under the strike story, oldest first; one of them hostile markup that must stay text. */
const COMMENTS: readonly { readonly id: string; readonly author: string; readonly minutesAgo: number; readonly body: string }[] = [
  { id: '01JDR3V9Q4X8K2M6N7P0S5T1W1', author: 'dockhand', minutesAgo: 14, body: 'My brother works Berth 4.\nThey have not been paid overtime since spring.' },
  { id: '01JDR3V9Q4X8K2M6N7P0S5T1W2', author: 'mallory', minutesAgo: 9, body: '<img src=x onerror="window.__pwned=3"><script>window.__pwned=4</script>' },
  { id: '01JDR3V9Q4X8K2M6N7P0S5T1W3', author: 'harbourwatcher', minutesAgo: 3, body: 'The port authority has not said a word.' },
];
/** The user the fake Cognito signs in, and the one who wrote the third comment. */
export const FAKE_COGNITO_USER = { sub: 'cognito-sub-harbourwatcher', username: 'harbourwatcher' };
const ARTICLE_ID_PATTERN = /^[A-Za-z0-9_-]{16,32}$/;

export type FakeMode = 'ok' | 'fail';

export interface FakeApi {
  readonly origin: string;
  /** `fail`: every API and metrics request answers 500 (the static pages are still served). */
  setMode(mode: FakeMode): void;
  /** Overrides a metric's total in /ops/metrics.json. */
  setTotal(name: string, value: number): void;
  /** Paths (with query) of the API requests received, in order. */
  readonly requests: string[];
  /** Content types of the redrive requests received (POST /ops/redrive), in order. */
  readonly redrives: string[];
  /** What the fake Cognito's token endpoint received, in order: its form fields and whether PKCE matched. */
  readonly tokenRequests: { readonly fields: Record<string, string>; readonly pkceMatched: boolean }[];
  stop(): Promise<void>;
}

/**
 * `NEWSWEAVE_FAKE_API_JITTER_MS=300` answers each API request after a random wait of up to that long, as a busy
 * machine might: answers then come in any order and late, which finds a test that reads a page before it has settled.
 */
function answerLate(): Promise<void> {
  const jitter = Number(process.env.NEWSWEAVE_FAKE_API_JITTER_MS ?? '0');
  return jitter > 0 ? new Promise((resolve) => setTimeout(resolve, Math.random() * jitter)) : Promise.resolve();
}

export async function startFakeApi(): Promise<FakeApi> {
  let mode: FakeMode = 'ok';
  const totalOverrides: Record<string, number> = {};
  const requests: string[] = [];
  const redrives: string[] = [];
  const tokenRequests: FakeApi['tokenRequests'][number][] = [];
  /** Authorization codes the fake Cognito handed out, with the PKCE challenge each was asked with. */
  const codes = new Map<string, { challenge: string; redirectUri: string; clientId: string }>();
  let origin = '';
  const startedAt = Date.now() - 25 * 60_000;

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const path = url.pathname;
    if (path === '/ops/redrive' && request.method === 'POST') {
      redrives.push(request.headers['content-type'] ?? '');
      return json(response, 200, { redriven: 3, postponed: 0, alreadyDone: 1, givenUp: 0, malformed: 0, failed: 0, moreLeft: true });
    }
    const isApi = /^\/(articles|topics|sources)(\/|$)/.test(path) || path === '/ops/metrics.json';
    if (isApi) {
      requests.push(`${path}${url.search}`);
      const failing = mode === 'fail';
      await answerLate();
      if (failing) return json(response, 500, { error: { code: 'internal', message: 'internal error' } });
      return json(response, ...routeApi(path, url.searchParams, Date.now()));
    }
    if (path.startsWith('/img/')) return image(response, path.slice('/img/'.length));
    if (path === '/oauth2/authorize') return authorize(url, response);
    if (path === '/oauth2/token' && request.method === 'POST') return token(request, response);
    const file = webFileFor(decodeURIComponent(path));
    if (!file) return json(response, 404, { error: { code: 'route_not_found', message: 'no such file' } });
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      response.end(body);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  }

  function routeApi(path: string, query: URLSearchParams, now: number): [number, unknown] {
    const limit = Number(query.get('limit') ?? '20');
    const cursor = Number(query.get('cursor') ?? '0');
    let match: RegExpExecArray | null;
    if (path === '/sources') return [200, { items: sources(now) }];
    if (path === '/ops/metrics.json') return [200, metrics(now)];
    if (path === '/articles') {
      const q = query.get('q');
      const source = query.get('source');
      let items = ALL_ARTICLES;
      if (q !== null) {
        const words = q.toLowerCase().split(/\s+/).filter(Boolean);
        if (words.length === 0) return [400, { error: { code: 'invalid_query', message: 'q must not be empty' } }];
        items = items.filter((article) => {
          const text = `${article.title} ${article.summary} ${article.body}`.toLowerCase();
          return words.every((word) => text.includes(word));
        });
      }
      if (source) items = items.filter((article) => article.sourceId === source);
      return [200, paginate(items, limit, cursor, now)];
    }
    if ((match = /^\/topics\/([^/]+)\/articles$/.exec(path))) {
      const topic = decodeURIComponent(match[1] ?? '').trim().toLowerCase();
      const about = ALL_ARTICLES.filter((article) => article.topics.some((label) => label.toLowerCase() === topic));
      return [200, paginate(about, limit, cursor, now)];
    }
    if ((match = /^\/articles\/([^/]+)\/comments$/.exec(path))) {
      const id = decodeURIComponent(match[1] ?? '');
      if (!ARTICLE_ID_PATTERN.test(id)) return [400, { error: { code: 'invalid_id', message: 'invalid article id' } }];
      if (!ALL_ARTICLES.some((candidate) => candidate.id === id)) return [404, { error: { code: 'not_found', message: 'article not found' } }];
      return [200, { items: id === IDS.strike ? commentsOf(id, now) : [], nextCursor: null }];
    }
    if ((match = /^\/articles\/([^/]+)(\/related)?$/.exec(path))) {
      const id = decodeURIComponent(match[1] ?? '');
      if (!ARTICLE_ID_PATTERN.test(id)) return [400, { error: { code: 'invalid_id', message: 'invalid article id' } }];
      const article = ALL_ARTICLES.find((candidate) => candidate.id === id);
      if (!article) return [404, { error: { code: 'not_found', message: 'article not found' } }];
      if (match[2]) {
        const items = article.related.flatMap(({ id: relatedId, score, reasons }) => {
          const related = ALL_ARTICLES.find((candidate) => candidate.id === relatedId);
          return related ? [{ ...summary(related, now), score, reasons }] : [];
        });
        return [200, { items }];
      }
      return [200, fullArticle(article, now)];
    }
    return [404, { error: { code: 'route_not_found', message: 'no such route' } }];
  }

  function summary(article: CannedArticle, now: number) {
    const source = SOURCES.find((candidate) => candidate.id === article.sourceId);
    return {
      id: article.id,
      url: `https://${article.sourceId}.example/news/${article.id}`,
      title: article.title,
      source: { id: article.sourceId, name: source?.name ?? article.sourceId },
      publishedAt: new Date(now - article.minutesAgo * 60_000).toISOString(),
      summary: article.summary,
    };
  }

  function fullArticle(article: CannedArticle, now: number) {
    const imageUrl =
      article.image === null ? null : article.image === 'javascript' ? 'javascript:window.__pwned=1' : `${origin}/img/${article.image}.svg`;
    return {
      ...summary(article, now),
      body: article.body,
      byline: article.byline,
      imageUrl,
      language: 'en',
      fetchedAt: new Date(now - (article.minutesAgo - 2) * 60_000).toISOString(),
      modifiedAt: null,
      storyId: article.id,
      topics: article.topics.map((label) => ({ topic: label.toLowerCase(), label })),
      commentCount: article.id === IDS.strike ? COMMENTS.length : 0,
    };
  }

  function commentsOf(articleId: string, now: number) {
    return [...COMMENTS].reverse().map((comment) => ({
      id: comment.id,
      articleId,
      author: { id: comment.author === FAKE_COGNITO_USER.username ? FAKE_COGNITO_USER.sub : `sub-${comment.author}`, name: comment.author },
      body: comment.body,
      createdAt: new Date(now - comment.minutesAgo * 60_000).toISOString(),
    }));
  }

  /** Cognito's authorize endpoint, minus the login form: the user is signed in at once and sent back with a code. */
  function authorize(url: URL, response: ServerResponse): void {
    const params = url.searchParams;
    const redirectUri = params.get('redirect_uri') ?? '';
    if (params.get('response_type') !== 'code' || params.get('code_challenge_method') !== 'S256' || !params.get('code_challenge')) {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_request');
      return;
    }
    const code = randomUUID();
    codes.set(code, { challenge: params.get('code_challenge') ?? '', redirectUri, clientId: params.get('client_id') ?? '' });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    back.searchParams.set('state', params.get('state') ?? '');
    response.writeHead(302, { location: back.href }).end();
  }

  /** Cognito's token endpoint: a code is good once, for its redirect URI and client, with the verifier of its challenge. */
  async function token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    const fields = Object.fromEntries(new URLSearchParams(text));
    const issued = codes.get(fields.code ?? '');
    codes.delete(fields.code ?? '');
    const pkceMatched =
      issued !== undefined && createHash('sha256').update(fields.code_verifier ?? '').digest('base64url') === issued.challenge;
    tokenRequests.push({ fields, pkceMatched });
    const cors = { 'access-control-allow-origin': '*', 'content-type': 'application/json' };
    if (!issued || !pkceMatched || fields.redirect_uri !== issued.redirectUri || fields.client_id !== issued.clientId || fields.grant_type !== 'authorization_code') {
      response.writeHead(400, cors).end(JSON.stringify({ error: 'invalid_grant' }));
      return;
    }
    const claims = { ...FAKE_COGNITO_USER, client_id: fields.client_id, token_use: 'access', exp: Math.floor(Date.now() / 1000) + 3600 };
    const jwt = ['{"alg":"RS256","kid":"fake"}', JSON.stringify(claims), 'signature'].map((part, n) => (n < 2 ? Buffer.from(part).toString('base64url') : part)).join('.');
    response.writeHead(200, cors).end(JSON.stringify({ access_token: jwt, id_token: jwt, token_type: 'Bearer', expires_in: 3600 }));
  }

  function paginate(items: readonly CannedArticle[], limit: number, cursor: number, now: number) {
    const sorted = [...items].sort((a, b) => a.minutesAgo - b.minutesAgo);
    const page = sorted.slice(cursor, cursor + limit);
    return {
      items: page.map((article) => summary(article, now)),
      nextCursor: cursor + limit < sorted.length ? String(cursor + limit) : null,
    };
  }

  function sources(now: number): FakeSource[] {
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    const count = (id: string) => ALL_ARTICLES.filter((article) => article.sourceId === id).length;
    return [
      // A record from before the fetcher's schedule was read: no interval, so the page's fixed window applies.
      { ...SOURCES[0], lastFetchedAt: at(2), lastSuccessAt: at(2), lastError: null, lastErrorKind: null, errorCount: 0, nextAttemptAt: at(-3), articleCount: count('harbor-times'), refreshMinutes: null },
      // Refreshed every 5 minutes and silent for 25: stale, though well within a fixed 30 minutes.
      { ...SOURCES[1], lastFetchedAt: at(25), lastSuccessAt: at(25), lastError: null, lastErrorKind: null, errorCount: 0, nextAttemptAt: null, articleCount: count('valley-courier'), refreshMinutes: 5 },
      {
        ...SOURCES[2],
        lastFetchedAt: at(1),
        lastSuccessAt: at(50),
        lastError: 'connect ETIMEDOUT after 10000 ms',
        lastErrorKind: 'timeout',
        errorCount: 3,
        nextAttemptAt: at(-8),
        articleCount: count('northern-ledger'),
        refreshMinutes: 10,
      },
      // Refreshed daily, last 41 minutes ago: as it should be.
      { ...SOURCES[3], lastFetchedAt: at(41), lastSuccessAt: at(41), lastError: null, lastErrorKind: null, errorCount: 0, nextAttemptAt: at(-1), articleCount: count('metro-wire'), refreshMinutes: 1440 },
    ];
  }

  function metrics(now: number) {
    const bucketMs = 10_000;
    const end = Math.floor(now / bucketMs) * bucketMs;
    const series: { t: number; values: Record<string, number> }[] = [];
    // A believable run: a burst of work after each scheduled fetch, quiet in between, one failing stretch.
    for (let t = Math.ceil(startedAt / bucketMs) * bucketMs, index = 0; t <= end; t += bucketMs, index += 1) {
      const phase = index % 30;
      if (phase > 8) continue;
      const wave = Math.round(9 * Math.exp(-phase / 2.5));
      series.push({
        t,
        values: {
          UrlsQueued: wave + 2,
          ArticlesStored: Math.max(0, wave - 1),
          DuplicatesSkipped: phase % 3 === 0 ? 2 : 0,
          PagesRejected: phase === 2 ? 1 : 0,
          FetchErrors: t > end - 8 * 60_000 && phase === 0 ? 1 : 0,
        },
      });
    }
    const sum = (name: string) => series.reduce((total, bucket) => total + (bucket.values[name] ?? 0), 0);
    const totals: Record<string, number> = {
      SourcesFetched: 40,
      FetchErrors: sum('FetchErrors'),
      UrlsQueued: sum('UrlsQueued'),
      ArticlesStored: sum('ArticlesStored'),
      DuplicatesSkipped: sum('DuplicatesSkipped'),
      PagesRejected: sum('PagesRejected'),
      RelatedIndexUpdates: sum('ArticlesStored'),
      ApiRequests: requests.length,
      ApiErrors: 0,
      ...totalOverrides,
    };
    return {
      startedAt: new Date(startedAt).toISOString(),
      now: new Date(now).toISOString(),
      bucketSeconds: 10,
      totals,
      series,
      byDimension: {
        PagesRejected: { 'not-an-article': 3, 'too-short': 2, 'login-wall': 1 },
        FetchErrors: { timeout: totals.FetchErrors ?? 0 },
      },
      timings: { ExtractionTime: { count: 212, p50: 38.4, p99: 412 }, ApiLatency: { count: 96, p50: 6.2, p99: 41.7 } },
      queue: { visible: 4, inFlight: 2, deadLetters: 1 },
      sources: sources(now),
    };
  }

  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    redrives,
    tokenRequests,
    setMode: (next) => {
      mode = next;
    },
    setTotal: (name, value) => {
      totalOverrides[name] = value;
    },
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    // The deployed site calls the API cross-origin; the tests check that path with a second fake server.
    'access-control-allow-origin': '*',
  });
  response.end(JSON.stringify(body));
}

const IMAGE_COLOURS: Record<string, [string, string]> = {
  harbor: ['#0b5cad', '#6fb3e8'],
  bank: ['#3d3a7a', '#a79ad6'],
  factory: ['#1d6b3a', '#8fd19e'],
};

/** Placeholder lead images; `missing` and anything unknown are 404 so the page's broken-image handling is exercised. */
function image(response: ServerResponse, name: string): void {
  const colours = IMAGE_COLOURS[name.replace(/\.svg$/, '')];
  if (!colours) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('no image');
    return;
  }
  const [from, to] = colours;
  response.writeHead(200, { 'content-type': 'image/svg+xml' });
  response.end(
    `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="500" viewBox="0 0 1200 500">` +
      `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>` +
      `<rect width="1200" height="500" fill="url(#g)"/>` +
      `<path d="M0 380 Q 300 300 600 370 T 1200 350 V 500 H 0 Z" fill="#ffffff" opacity="0.18"/>` +
      `<path d="M0 420 Q 300 360 600 430 T 1200 410 V 500 H 0 Z" fill="#ffffff" opacity="0.22"/>` +
      `</svg>`,
  );
}
