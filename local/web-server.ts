/**
 * The local stack's HTTP front door: API routes go, as API Gateway events, to the same handler as in Lambda (a
 * signed-in route only with a token the local JWT authorizer accepts); the reader page (web/reader) is served at `/`,
 * the operator page (web/ops) at `/ops`, its data at /ops/metrics.json, its one action, the dead-letter redrive, at
 * `POST /ops/redrive`, the local OIDC issuer at /local/oidc, and the bundled demo outlets, when they are the sources,
 * at /demo.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { authorizeEvent, toApiGatewayEvent, writeResult } from './http-to-apigw';
import type { JwtAuthorizer } from './jwt-authorizer';
import { DEMO_PATH, type DemoSite } from './demo-site';
import { createLambdaContext } from './lambda-context';
import { LOCAL_OIDC_PATH, type LocalIssuer } from './oidc-issuer';

export const WEB_DIR = resolve(import.meta.dirname, '..', 'web');
/** The development sign-in page: local only, never deployed (lib/reader-site.ts deploys web/reader alone). */
export const DEV_SIGN_IN_DIR = resolve(import.meta.dirname, 'dev-sign-in');

/** API Gateway's own limit is 10 MB; the handler refuses anything over 64 KiB, so more is never worth reading. */
const MAX_BODY_BYTES = 1024 * 1024;

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
  /** The local issuer, and the authorizer that accepts its tokens on the signed-in routes. */
  readonly identity: { readonly issuer: LocalIssuer; readonly authorizer: JwtAuthorizer };
  readonly opsSnapshot: () => Promise<unknown>;
  /** The operator's redrive of the dead-letter queue; its summary is the answer. */
  readonly redrive?: () => Promise<unknown>;
  readonly onError: (message: string) => void;
  /** The demo outlets, served at DEMO_PATH when they are the stack's sources. */
  readonly demo?: DemoSite;
  readonly webDir?: string;
}

/** How long an idle kept-alive connection stays open: longer than browsers' and Node agents' idle reuse. */
export const KEEP_ALIVE_MS = 65_000;

export function createWebServer(options: WebServerOptions): Server {
  const webDir = options.webDir ?? WEB_DIR;
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.onError(`http: ${(error as Error).message}`);
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      }
      response.end(JSON.stringify({ error: { code: 'internal', message: 'internal error' } }));
    });
  });
  // An idle kept-alive connection is kept longer than clients keep theirs before reusing it (Node's default, 5 s,
  // is shorter than most): a client that sends on a connection the server is closing that instant gets ECONNRESET
  // (seen from Playwright's request proxy on a loaded machine).
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  return server;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // A request target in absolute form (`GET http://host/articles HTTP/1.1`, which HTTP/1.1 servers must accept, as
    // proxies send it) is read as its path and query.
    const absolute = /^https?:\/\/[^/?#]*/i.exec(request.url ?? '');
    if (absolute) request.url = `/${(request.url ?? '').slice(absolute[0].length).replace(/^\//, '')}`;
    const path = new URL(request.url ?? '/', 'http://local').pathname;
    // The API is chosen by the path as sent, as API Gateway routes it: the URL parser's normalised path would turn
    // `/articles/..` into `/` (the reader page) where the API answers that the id is not one.
    const first = (request.url ?? '/').split('?')[0]!.split('/')[1] ?? '';
    if (API_PREFIXES.has(first)) {
      const body = await readBody(request);
      if (body === null) {
        // The API's own answer to a body it will not take (the handler's, past 64 KiB), so that a client reads the
        // same error code whatever the size; not read any further.
        writeResult(response, errorResult(413, 'payload_too_large', `request body over ${MAX_BODY_BYTES} bytes`));
        return;
      }
      const authorized = await authorizeEvent(toApiGatewayEvent(request, body), options.identity.authorizer);
      if ('refused' in authorized) {
        writeResult(response, authorized.refused);
        return;
      }
      writeResult(response, await options.api(authorized.event, createLambdaContext('newsweave-api', 10)));
      return;
    }
    if (path === LOCAL_OIDC_PATH || path.startsWith(`${LOCAL_OIDC_PATH}/`)) {
      await serveIdentity(path.slice(LOCAL_OIDC_PATH.length), request, response);
      return;
    }
    if (options.demo && path.startsWith(`${DEMO_PATH}/`)) {
      request.resume();
      await options.demo.serve(path.slice(DEMO_PATH.length), request, response);
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
      let summary: unknown;
      try {
        summary = await options.redrive();
      } catch (error) {
        // A run that could not handle every letter says so, with what it did (functions/redrive-dead-letters.ts).
        options.onError(`redrive: ${(error as Error).message}`);
        writeResult(response, errorResult(500, 'redrive_failed', (error as Error).message));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      response.end(JSON.stringify(summary));
      return;
    }
    if (path === '/ops/redrive') {
      writeResult(response, errorResult(405, 'method_not_allowed', 'the redrive is a POST', { allow: 'POST' }));
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      writeResult(response, errorResult(405, 'method_not_allowed', 'only GET and HEAD are served here', { allow: 'GET, HEAD' }));
      return;
    }
    if (path === '/ops/metrics.json') {
      // Read before the head is written: a snapshot that fails is a 500, not a 200 with an error for its body.
      const snapshot = await options.opsSnapshot();
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      response.end(JSON.stringify(snapshot));
      return;
    }
    await serveStatic(path, response);
  }

  /** The local issuer: discovery, keys, the development sign-in page and the token it asks for. */
  async function serveIdentity(path: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { issuer } = options.identity;
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      response.end(JSON.stringify(body));
    };
    if (path === '/token' && request.method === 'POST') {
      const body = await readBody(request);
      let input: { username?: unknown; moderator?: unknown } = {};
      try {
        input = JSON.parse(body?.toString('utf8') ?? '') as typeof input;
      } catch {
        // An unreadable request is answered like a bad username below.
      }
      try {
        const token = await issuer.issueAccessToken({ username: String(input?.username ?? ''), moderator: input?.moderator === true });
        json(200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        json(400, { error: 'invalid_request', error_description: error.message });
      }
      return;
    }
    if (path === '/token') {
      writeResult(response, errorResult(405, 'method_not_allowed', 'a token is asked for with a POST', { allow: 'POST' }));
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      writeResult(response, errorResult(405, 'method_not_allowed', 'only GET and HEAD are served here', { allow: 'GET, HEAD' }));
      return;
    }
    if (path === '/.well-known/openid-configuration') return json(200, issuer.discovery());
    if (path === '/.well-known/jwks.json') return json(200, issuer.jwks);
    if (path === '/sign-in') return serveFile(join(DEV_SIGN_IN_DIR, 'index.html'), response);
    if (path === '/sign-in.js') return serveFile(join(DEV_SIGN_IN_DIR, 'sign-in.js'), response);
    writeResult(response, errorResult(404, 'not_found', 'no such page'));
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
    await serveFile(file, response);
  }
}

async function serveFile(file: string, response: ServerResponse): Promise<void> {
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

/** The whole request body, or null past MAX_BODY_BYTES (the rest is drained, not buffered). */
async function readBody(request: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES ? null : Buffer.concat(chunks);
}

/** The local server's own errors, in the API's shape: JSON, never cached. */
function errorResult(statusCode: number, code: string, message: string, extraHeaders: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extraHeaders },
    body: JSON.stringify({ error: { code, message } }),
  };
}
