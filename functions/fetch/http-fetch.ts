/**
 * The polite, defensive HTTP client for feeds and pages (Miniflux's fetcher): a named User-Agent, conditional GET,
 * connect, idle and overall timeouts, a body size limit enforced while streaming (after decompression too, so a
 * gzip bomb stops at the limit), at most 5 redirects each re-checked by the address guard, a per-host concurrency
 * limit, and every failure turned into a typed FetchError. Built on node's http/https: the guarded `lookup` needs
 * a client that connects through it, and undici is not a dependency.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import zlib from 'node:zlib';
import { BlockedAddressError, assertFetchableUrl, createGuardedLookup, type Resolver } from './address-guard';
import { InvalidUrlError } from './canonical-url';
import { HostLimiter } from './host-limiter';

export type FetchErrorKind =
  | 'timeout'
  | 'connect'
  | 'reset'
  | 'http'
  | 'too-large'
  | 'blocked-address'
  | 'too-many-redirects'
  | 'bad-url'
  | 'decompress';

export class FetchError extends Error {
  override readonly name = 'FetchError';
  readonly status?: number;
  /** From a Retry-After header (429, 503): how long the server asked us to wait. */
  readonly retryAfterMs?: number;

  constructor(
    readonly kind: FetchErrorKind,
    message: string,
    details: { readonly status?: number; readonly retryAfterMs?: number } = {},
  ) {
    super(message);
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

export interface FetchRequest {
  /** Validators from the previous response; sent as If-None-Match / If-Modified-Since. */
  readonly etag?: string | null;
  readonly lastModified?: string | null;
  readonly accept: string;
}

export interface FetchResult {
  readonly status: number;
  /** The final URL, after redirects. */
  readonly url: string;
  /** Lowercase names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** Decompressed. Empty for 304. */
  readonly body: Buffer;
  readonly notModified: boolean;
}

export interface Fetcher {
  /** @throws FetchError */
  fetch(url: string, request: FetchRequest): Promise<FetchResult>;
}

export interface FetcherOptions {
  /** @default false: only public unicast addresses. */
  readonly allowPrivateAddresses?: boolean;
  /** @default DEFAULT_USER_AGENT */
  readonly userAgent?: string;
  /** Time to establish the TCP connection. @default 10 s */
  readonly connectTimeoutMs?: number;
  /** Longest silence from the server once connected. @default 15 s */
  readonly readTimeoutMs?: number;
  /** Whole fetch, all redirects included. @default 30 s */
  readonly deadlineMs?: number;
  /** Limit on the body as received and as decompressed. @default 5 MiB */
  readonly maxBodyBytes?: number;
  /** @default 5 */
  readonly maxRedirects?: number;
  /** Requests in flight at once to one host name, shared by all calls on this fetcher. @default 2 */
  readonly perHostConcurrency?: number;
  /** Name resolution; tests inject a fake. @default dns.lookup */
  readonly resolve?: Resolver;
  /** Clock for Retry-After dates. @default Date.now */
  readonly now?: () => number;
}

export const DEFAULT_USER_AGENT = 'Newsweave/0.1 (+https://github.com/newsweave/newsweave)';

export const FETCH_DEFAULTS = {
  connectTimeoutMs: 10_000,
  readTimeoutMs: 15_000,
  deadlineMs: 30_000,
  maxBodyBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  perHostConcurrency: 2,
} as const;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export function createFetcher(options: FetcherOptions = {}): Fetcher {
  const settings = { ...FETCH_DEFAULTS, ...definedOnly(options) };
  const guard = { allowPrivate: options.allowPrivateAddresses ?? false };
  const lookup = createGuardedLookup({ ...guard, resolve: options.resolve });
  const limiter = new HostLimiter(settings.perHostConcurrency);
  const now = options.now ?? Date.now;
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;

  return {
    async fetch(url, request) {
      const deadline = Date.now() + settings.deadlineMs;
      const headers: Record<string, string> = {
        'user-agent': userAgent,
        accept: request.accept,
        'accept-encoding': 'gzip, deflate, br',
      };
      if (request.etag && isHeaderSafe(request.etag)) headers['if-none-match'] = request.etag;
      if (request.lastModified && isHeaderSafe(request.lastModified)) headers['if-modified-since'] = request.lastModified;

      let current = checkedUrl(url, guard);
      for (let redirects = 0; ; redirects += 1) {
        const target = current;
        const response = await limiter.run(target.hostname, () =>
          requestOnce(target, headers, { ...settings, deadline, lookup }),
        );
        const { status } = response;
        if (REDIRECT_STATUSES.has(status) && response.headers.location) {
          if (redirects >= settings.maxRedirects) {
            throw new FetchError('too-many-redirects', `more than ${settings.maxRedirects} redirects from ${url}`);
          }
          current = checkedUrl(resolveLocation(response.headers.location, target), guard);
          continue;
        }
        if (status === 304) {
          return { status, url: target.href, headers: response.headers, body: Buffer.alloc(0), notModified: true };
        }
        if (status >= 200 && status < 300) {
          return { status, url: target.href, headers: response.headers, body: response.body, notModified: false };
        }
        throw new FetchError('http', `HTTP ${status} from ${target.href}`, {
          status,
          retryAfterMs: parseRetryAfter(response.headers['retry-after'], now()),
        });
      }
    },
  };
}

function checkedUrl(url: string | URL, guard: { allowPrivate: boolean }): URL {
  try {
    return assertFetchableUrl(url, guard);
  } catch (error) {
    throw toFetchError(error);
  }
}

function resolveLocation(location: string, base: URL): string {
  try {
    return new URL(location, base).href;
  } catch {
    throw new FetchError('bad-url', `redirect to an invalid location: ${JSON.stringify(location.slice(0, 200))}`);
  }
}

interface HopSettings {
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly maxBodyBytes: number;
  readonly deadline: number;
  readonly lookup: LookupFunction;
}

/** One request/response. The body is read only for 2xx; other responses are cut off once their headers are in. */
function requestOnce(url: URL, headers: Record<string, string>, settings: HopSettings): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    const remaining = settings.deadline - Date.now();
    if (remaining <= 0) {
      reject(new FetchError('timeout', `deadline passed before requesting ${url.href}`));
      return;
    }
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    let request: http.ClientRequest | undefined;
    let response: IncomingMessage | undefined;
    let decoder: zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress | undefined;
    const finish = () => {
      settled = true;
      for (const timer of timers) clearTimeout(timer);
    };
    const fail = (error: unknown) => {
      if (settled) return;
      finish();
      decoder?.destroy();
      response?.destroy();
      request?.destroy();
      reject(toFetchError(error));
    };

    const transport = url.protocol === 'https:' ? https : http;
    try {
      request = transport.request(url, {
        method: 'GET',
        headers,
        lookup: settings.lookup,
        // No pooled sockets: each connection goes through the guarded lookup, and nothing outlives the fetch.
        agent: false,
        timeout: settings.readTimeoutMs,
      });
    } catch (error) {
      fail(error);
      return;
    }
    timers.push(setTimeout(() => fail(new FetchError('timeout', `no complete response from ${url.host} in time`)), remaining));
    const connectTimer = setTimeout(
      () => fail(new FetchError('timeout', `could not connect to ${url.host} within ${settings.connectTimeoutMs} ms`)),
      settings.connectTimeoutMs,
    );
    timers.push(connectTimer);
    request.on('socket', (socket) => {
      if (socket.connecting) socket.once('connect', () => clearTimeout(connectTimer));
      else clearTimeout(connectTimer);
    });
    request.on('timeout', () => fail(new FetchError('timeout', `${url.host} sent nothing for ${settings.readTimeoutMs} ms`)));
    request.on('error', fail);
    request.on('response', (incoming) => {
      response = incoming;
      const status = incoming.statusCode ?? 0;
      const responseHeaders = flattenHeaders(incoming.headers);
      if (status < 200 || status >= 300) {
        finish();
        incoming.destroy();
        request?.destroy();
        resolve({ status, headers: responseHeaders, body: Buffer.alloc(0) });
        return;
      }
      const declared = Number(responseHeaders['content-length']);
      if (Number.isFinite(declared) && declared > settings.maxBodyBytes) {
        fail(new FetchError('too-large', `${url.href} declares ${declared} bytes, more than ${settings.maxBodyBytes}`));
        return;
      }
      const encoding = (responseHeaders['content-encoding'] ?? '').trim().toLowerCase();
      if (!['', 'identity', 'gzip', 'x-gzip', 'deflate', 'br'].includes(encoding)) {
        fail(new FetchError('decompress', `unsupported Content-Encoding "${encoding.slice(0, 50)}"`));
        return;
      }
      const chunks: Buffer[] = [];
      let decodedBytes = 0;
      const collect = (chunk: Buffer) => {
        decodedBytes += chunk.length;
        if (decodedBytes > settings.maxBodyBytes) {
          fail(new FetchError('too-large', `${url.href} is larger than ${settings.maxBodyBytes} bytes${decoder ? ' once decompressed' : ''}`));
          return;
        }
        chunks.push(chunk);
      };
      const complete = () => {
        if (settled) return;
        finish();
        resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks) });
      };

      let wireBytes = 0;
      incoming.on('data', (chunk: Buffer) => {
        if (settled) return;
        wireBytes += chunk.length;
        if (wireBytes > settings.maxBodyBytes) {
          fail(new FetchError('too-large', `${url.href} sent more than ${settings.maxBodyBytes} bytes`));
          return;
        }
        if (encoding === '' || encoding === 'identity') {
          collect(chunk);
          return;
        }
        if (!decoder) {
          decoder = createDecoder(encoding, chunk);
          decoder.on('data', collect);
          decoder.on('error', (error) => fail(new FetchError('decompress', `cannot decompress ${url.href}: ${error.message}`)));
          decoder.on('end', complete);
        }
        decoder.write(chunk);
      });
      incoming.on('end', () => {
        if (decoder) decoder.end();
        else complete();
      });
      incoming.on('error', fail);
    });
    request.end();
  });
}

/** Deflate is sent both zlib-wrapped (as the spec says) and raw (as some servers do); the first bytes tell which. */
function createDecoder(encoding: string, firstChunk: Buffer): zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress {
  if (encoding === 'br') return zlib.createBrotliDecompress();
  if (encoding === 'deflate') {
    const [cmf = 0, flg = 0] = firstChunk;
    const zlibWrapped = firstChunk.length < 2 || ((cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0);
    return zlibWrapped ? zlib.createInflate() : zlib.createInflateRaw();
  }
  return zlib.createGunzip();
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

function toFetchError(error: unknown): FetchError {
  if (error instanceof FetchError) return error;
  if (error instanceof BlockedAddressError) return new FetchError('blocked-address', error.message);
  if (error instanceof InvalidUrlError) return new FetchError('bad-url', error.message);
  // With happy eyeballs, a failure to connect to every address arrives as an AggregateError.
  const cause = error instanceof AggregateError && error.errors[0] ? error.errors[0] : error;
  if (cause instanceof BlockedAddressError) return new FetchError('blocked-address', cause.message);
  const code = (cause as NodeJS.ErrnoException).code ?? '';
  const message = (cause as Error).message ?? String(cause);
  if (CONNECT_CODES.has(code)) return new FetchError('connect', `cannot connect: ${message}`);
  if (RESET_CODES.has(code)) return new FetchError('reset', `connection reset: ${message}`);
  if (code === 'ETIMEDOUT') return new FetchError('timeout', `timed out: ${message}`);
  if (code.startsWith('HPE_')) return new FetchError('reset', `invalid HTTP response: ${message}`);
  if (code === 'ERR_INVALID_URL' || code === 'ERR_INVALID_CHAR' || code === 'ERR_UNESCAPED_CHARACTERS') {
    return new FetchError('bad-url', message);
  }
  // TLS failures (certificate, protocol) and anything else on the way to a connection.
  return new FetchError('connect', `cannot connect: ${message}`);
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function isHeaderSafe(value: string): boolean {
  return /^[\x20-\x7e]{1,512}$/.test(value);
}

/** Retry-After is delay-seconds or an HTTP date (RFC 9110 §10.2.3). Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function definedOnly<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}
