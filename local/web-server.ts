/**
 * The local stack's HTTP front door: API routes go, as API Gateway events, to the same handler as in Lambda; the
 * reader page (web/reader) is served at `/`, the operator page (web/ops) at `/ops`, its data at /ops/metrics.json,
 * and its one action, the dead-letter redrive, at `POST /ops/redrive`.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { toApiGatewayEvent, writeResult } from './http-to-apigw';
import { createLambdaContext } from './lambda-context';

export const WEB_DIR = resolve(import.meta.dirname, '..', 'web');

/** First path segments that belong to the HTTP API (docs/openapi.json). */
const API_PREFIXES = new Set(['articles', 'sources', 'topics']);

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

export type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface WebServerOptions {
  readonly api: ApiHandler;
  readonly opsSnapshot: () => Promise<unknown>;
  /** The operator's redrive of the dead-letter queue; its summary is the answer. */
  readonly redrive?: () => Promise<unknown>;
  readonly onError: (message: string) => void;
  readonly webDir?: string;
}

export function createWebServer(options: WebServerOptions): Server {
  const webDir = options.webDir ?? WEB_DIR;
  return createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.onError(`http: ${(error as Error).message}`);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ error: { code: 'internal', message: 'internal error' } }));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://local').pathname;
    const first = path.split('/')[1] ?? '';
    if (API_PREFIXES.has(first)) {
      // The API reads no request bodies (GET only): drop any without buffering it.
      request.resume();
      const event = toApiGatewayEvent(request, Buffer.alloc(0));
      writeResult(response, await options.api(event, createLambdaContext('newsweave-api', 10)));
      return;
    }
    if (path === '/ops/redrive' && request.method === 'POST') {
      request.resume();
      // A JSON content type cannot be sent cross-origin without a CORS preflight, which this server never answers:
      // a page on another site cannot make a browser on this machine press the button.
      if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '') || !options.redrive) {
        writeResult(response, errorResult(415, 'unsupported_media_type', 'send the redrive as POST with Content-Type: application/json'));
        return;
      }
      const summary = await options.redrive();
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      response.end(JSON.stringify(summary));
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      writeResult(response, errorResult(405, 'method_not_allowed', 'only GET and HEAD are served here'));
      return;
    }
    if (path === '/ops/metrics.json') {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      response.end(JSON.stringify(await options.opsSnapshot()));
      return;
    }
    await serveStatic(path, response);
  }

  async function serveStatic(path: string, response: ServerResponse): Promise<void> {
    const relative =
      path === '/' ? 'reader/index.html' : path === '/ops' || path === '/ops/' ? 'ops/index.html' : path.startsWith('/ops/') ? `ops/${path.slice(5)}` : `reader${path}`;
    let file: string;
    try {
      file = normalize(join(webDir, decodeURIComponent(relative)));
    } catch {
      file = '';
    }
    if (!file.startsWith(webDir + sep)) {
      writeResult(response, errorResult(404, 'not_found', 'no such page'));
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, {
        'content-type': STATIC_TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      });
      response.end(body);
    } catch {
      writeResult(response, errorResult(404, 'not_found', 'no such page'));
    }
  }
}

function errorResult(statusCode: number, code: string, message: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ error: { code, message } }),
  };
}
