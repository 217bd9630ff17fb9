/**
 * The bundled demo outlets (demo/site), served by the local stack's own HTTP server under `/demo/`, the way a
 * publisher would serve them, so that `npm start` shows the whole pipeline with no network. `{{BASE_URL}}` in the
 * files becomes the site's base URL (`http://127.0.0.1:3000/demo`): on the stack's own address, so the demo articles
 * keep their URLs, and therefore their ids, from one run to the next on the same data dir (on a port of its own
 * chosen at random, every run would store them all again under new ids).
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { SourceConfig } from '../functions/contracts/model';
import { parseSources } from '../functions/sources/parse-sources';

export const DEMO_DIR = resolve(import.meta.dirname, '..', 'demo');
/** Where the web server serves the demo site. */
export const DEMO_PATH = '/demo';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.xml': 'application/xml',
  '.rss': 'application/rss+xml',
  '.atom': 'application/atom+xml',
  '.json': 'application/feed+json',
};

export interface DemoSite {
  /** The site's base URL, without a trailing slash. */
  readonly baseUrl: string;
  readonly sources: SourceConfig[];
  /** Answers a request for `path`, the part of the URL's path after DEMO_PATH (`/harbor-times/rss.xml`). */
  serve(path: string, request: IncomingMessage, response: ServerResponse): Promise<void>;
}

interface DemoSourceEntry {
  readonly id: string;
  readonly name: string;
  readonly path: string;
  readonly schedule: string;
}

export async function createDemoSite(options: { baseUrl: string; demoDir?: string }): Promise<DemoSite> {
  const demoDir = options.demoDir ?? DEMO_DIR;
  const siteDir = join(demoDir, 'site');
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const manifestPath = join(demoDir, 'sources.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as DemoSourceEntry[];
  const sources = parseSources(
    manifest.map(({ id, name, path, schedule }) => ({ id, name, url: `${baseUrl}/${path.replace(/^\/+/, '')}`, schedule })),
    manifestPath,
  );

  async function serve(path: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    let file = '';
    try {
      file = normalize(join(siteDir, decodeURIComponent(path)));
    } catch {
      // A malformed escape names no file.
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let body: Buffer;
    try {
      if (!file.startsWith(siteDir + sep)) throw new Error('outside the site');
      // latin1 maps bytes one to one, so pages saved in ISO-8859-1 or UTF-8 keep their bytes around the placeholder.
      body = Buffer.from((await readFile(file)).toString('latin1').replaceAll('{{BASE_URL}}', baseUrl), 'latin1');
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  return { baseUrl, sources, serve };
}
