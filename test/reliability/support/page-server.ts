/**
 * A loopback web server whose every answer a test scripts: good article pages, and the ways real servers fail
 * (hanging, resetting, erroring, lying about their content). It counts requests per path and TCP connections, so a
 * test can also prove that something was never asked for.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { articleText } from '../../../bench/support/synthetic-outlets';

export type Route = (request: IncomingMessage, response: ServerResponse, hit: number) => void;

export interface PageServer {
  readonly origin: string;
  /** Requests seen per path (without the query string). */
  hits(path: string): number;
  readonly connections: () => number;
  /** Answers `path` (exact, without the query) with `route`; unrouted paths get a good article page. */
  route(path: string, route: Route): void;
  stop(): Promise<void>;
}

/** A news article page that extraction accepts, with text that differs for each seed. */
export function articlePage(seed: number, canonicalUrl: string): string {
  const { title, paragraphs } = articleText(seed);
  const published = new Date(Date.UTC(2026, 10, 1) + seed * 60_000).toISOString();
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} | Loopback Times</title>
<meta property="article:published_time" content="${published}"><link rel="canonical" href="${canonicalUrl}"></head>
<body><nav><a href="/">Home</a></nav><main><article><h1>${title}</h1><p class="byline">By Staff Reporter</p>
${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}</article></main><footer>Copyright Loopback Times</footer></body></html>`;
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tas', 'vo', 'zul', 'pe', 'dri', 'nok', 'sa', 'tum', 'bel', 'gor', 'fi', 'hex'];

/**
 * An article page whose names and keywords are its own (invented words), so that it shares no subject with any other:
 * for tests about delivery, where the related index's work on near-identical articles would only add time.
 */
export function unrelatedArticlePage(seed: number, canonicalUrl: string): string {
  let state = (seed * 2_654_435_761) >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % SYLLABLES.length;
  };
  const word = () => Array.from({ length: 4 }, () => SYLLABLES[next()]).join('');
  const names = Array.from({ length: 6 }, word);
  const sentence = (n: number) =>
    `The ${word()} of ${names[n % 6]} said on Monday that the ${word()} would ${word()} the ${word()} before the ${word()} of ${names[(n + 1) % 6]}.`;
  const paragraphs = Array.from({ length: 6 }, (_, p) => [0, 1, 2].map((n) => sentence(p * 3 + n)).join(' '));
  const title = `${names[0]} and ${names[1]}: the ${word()} of ${word()}`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<link rel="canonical" href="${canonicalUrl}"></head><body><main><article><h1>${title}</h1>
${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}</article></main></body></html>`;
}

/** Seeds come from the path (`/a/17` → 17) so that every article path serves its own article. */
function seedOf(path: string): number {
  let hash = 7;
  for (const char of path) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash;
}

export async function startPageServer(): Promise<PageServer> {
  const routes = new Map<string, Route>();
  const hits = new Map<string, number>();
  const sockets = new Set<Socket>();
  let connections = 0;
  let origin = '';

  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://local').pathname;
    const hit = (hits.get(path) ?? 0) + 1;
    hits.set(path, hit);
    const route = routes.get(path);
    if (route) {
      route(request, response, hit);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(articlePage(seedOf(path), `${origin}${path}`));
  });
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    hits: (path) => hits.get(path) ?? 0,
    connections: () => connections,
    route: (path, route) => void routes.set(path, route),
    stop: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}
