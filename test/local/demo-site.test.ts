/**
 * The demo outlets as the local stack serves them (local/demo-site.ts): under /demo on the stack's own address, so
 * that their article URLs, and so their ids, are the same on every run with the same data dir and port.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDemoSite, DEMO_PATH, type DemoSite } from '../../local/demo-site';
import { parseFeed } from '../../functions/feeds/parse-feed';

const BASE_URL = 'http://127.0.0.1:3000/demo';

let site: DemoSite;
let server: Server;
let port = 0;

beforeAll(async () => {
  site = await createDemoSite({ baseUrl: `${BASE_URL}/` });
  server = createServer((request, response) => {
    void site.serve(new URL(request.url ?? '/', 'http://local').pathname.slice(DEMO_PATH.length), request, response);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));
});

function send(method: string, path: string) {
  return new Promise<{ status: number; type?: string; length?: string; body: string }>((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path: `${DEMO_PATH}${path}`, method }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('latin1')));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'], length: response.headers['content-length'], body }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

describe('the demo site', () => {
  it('names its four sources by URLs under its base URL, the same for the same base URL', async () => {
    expect(site.baseUrl).toBe(BASE_URL);
    expect(site.sources.map((source) => source.id).sort()).toEqual(['continental-courier', 'harbor-times', 'meridian-post', 'northern-ledger']);
    for (const source of site.sources) expect(source.url.startsWith(`${BASE_URL}/${source.id}/`)).toBe(true);
    const again = await createDemoSite({ baseUrl: BASE_URL });
    expect(again.sources).toEqual(site.sources);
  });

  it('serves each feed with its links on the base URL, and the pages they name', async () => {
    for (const source of site.sources) {
      const feed = await send('GET', source.url.slice(BASE_URL.length));
      expect(feed.status).toBe(200);
      expect(feed.body).not.toContain('{{BASE_URL}}');
      const parsed = parseFeed(feed.body, source.url);
      expect(parsed.entries.length).toBeGreaterThan(0);
      for (const entry of parsed.entries) {
        expect(entry.url.startsWith(`${BASE_URL}/${source.id}/`)).toBe(true);
        const page = await send('GET', new URL(entry.url).pathname.slice(DEMO_PATH.length));
        expect(page.status).toBe(200);
        expect(page.type).toBe('text/html');
        expect(page.body).not.toContain('{{BASE_URL}}');
      }
    }
  });

  it('answers HEAD with the length and no body, other methods with 405, unknown and outside paths with 404', async () => {
    const get = await send('GET', '/harbor-times/rss.xml');
    const head = await send('HEAD', '/harbor-times/rss.xml');
    expect(head).toMatchObject({ status: 200, length: get.length, body: '' });
    expect(Number(get.length)).toBe(Buffer.byteLength(get.body, 'latin1'));
    expect((await send('POST', '/harbor-times/rss.xml')).status).toBe(405);
    for (const path of ['/harbor-times/none.xml', '/', '/harbor-times', '/..%2f..%2fpackage.json', '/%E0%A4%A', '/%00']) {
      expect((await send('GET', path)).status).toBe(404);
    }
  });
});
