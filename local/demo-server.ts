/**
 * Serves the bundled demo outlets (demo/site) over HTTP on loopback, the way a publisher would, so that `npm start`
 * shows the whole pipeline with no network. `{{BASE_URL}}` in the files becomes this server's origin.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { SourceConfig } from '../functions/contracts/model';
import { parseSources } from '../functions/sources/parse-sources';

export const DEMO_DIR = resolve(import.meta.dirname, '..', 'demo');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.xml': 'application/xml',
  '.rss': 'application/rss+xml',
  '.atom': 'application/atom+xml',
  '.json': 'application/feed+json',
};

export interface DemoServer {
  readonly origin: string;
  readonly sources: SourceConfig[];
  stop(): Promise<void>;
}

interface DemoSourceEntry {
  readonly id: string;
  readonly name: string;
  readonly path: string;
  readonly schedule: string;
}

export async function startDemoServer(options: { demoDir?: string } = {}): Promise<DemoServer> {
  const demoDir = options.demoDir ?? DEMO_DIR;
  const siteDir = join(demoDir, 'site');
  let origin = '';
  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://demo').pathname);
      const file = normalize(join(siteDir, path));
      if (!file.startsWith(siteDir + sep) || request.method !== 'GET') {
        response.writeHead(404).end();
        return;
      }
      try {
        // latin1 maps bytes one to one, so pages saved in ISO-8859-1 or UTF-8 keep their bytes around the placeholder.
        const body = Buffer.from((await readFile(file)).toString('latin1').replaceAll('{{BASE_URL}}', origin), 'latin1');
        response.writeHead(200, {
          'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
          'content-length': body.length,
        });
        response.end(body);
      } catch {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      }
    })();
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const manifest = JSON.parse(await readFile(join(demoDir, 'sources.json'), 'utf8')) as DemoSourceEntry[];
  const sources = parseSources(
    manifest.map(({ id, name, path, schedule }) => ({ id, name, url: new URL(path, origin).toString(), schedule })),
    join(demoDir, 'sources.json'),
  );
  return {
    origin,
    sources,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
