/**
 * The polite, defensive HTTP client for feeds and pages (Miniflux's fetcher): a named User-Agent, robots.txt
 * (its rules and Crawl-delay, for every hop), conditional GET, connect, idle and overall timeouts, a body size limit
 * enforced while streaming (after decompression too, so a gzip bomb stops at the limit), at most 5 redirects each
 * re-checked by the address guard, a per-host concurrency limit, and every failure turned into a typed FetchError.
 * Built on node's http/https: the guarded `lookup` needs a client that connects through it, and undici is not a
 * dependency.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import zlib from 'node:zlib';
import { BlockedAddressError, assertFetchableUrl, createGuardedLookup, type Resolver } from './address-guard';
import { InvalidUrlError } from './canonical-url';
import { HostBusyError, HostLimiter } from './host-limiter';
import { RobotsCache, productTokenOf, type RobotsVerdict } from './robots';
import { FetchError, type FetchRequest, type FetchResult, type Fetcher, type RobotsStore } from '../ports';
import { DEFAULT_USER_AGENT } from './user-agent';
import { withholdAddresses } from '../shared/withhold-addresses';

export { DEFAULT_USER_AGENT } from './user-agent';

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
  /**
   * Longest wait for a host's slot (its other requests, its Crawl-delay) before a `host-busy` error. The wait does not
   * count against the fetch's own timeouts, which start with its request. @default 60 s
   */
  readonly maxSlotWaitMs?: number;
  /**
   * Honour robots.txt: its rules for the User-Agent's product token and its Crawl-delay, on every hop.
   * @default undefined: robots.txt is not consulted
   */
  readonly robots?: {
    /** Keeps robots.txt files across processes. @default memory only */
    readonly store?: RobotsStore;
    readonly onStoreError?: (error: unknown, origin: string) => void;
  };
  /** Name resolution; tests inject a fake. @default dns.lookup */
  readonly resolve?: Resolver;
  /** Clock for Retry-After dates. @default Date.now */
  readonly now?: () => number;
}

export const FETCH_DEFAULTS = {
  connectTimeoutMs: 10_000,
  readTimeoutMs: 15_000,
  deadlineMs: 30_000,
  maxBodyBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  perHostConcurrency: 2,
  maxSlotWaitMs: 60_000,
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
  // robots.txt is fetched through the same limits, minus robots.txt itself.
  const robots = options.robots
    ? new RobotsCache({
        productToken: productTokenOf(userAgent),
        store: options.robots.store,
        onStoreError: options.robots.onStoreError,
        fetch: (robotsUrl) => fetchUrl(robotsUrl, { accept: 'text/plain, */*;q=0.5' }, false),
      })
    : undefined;

  async function fetchUrl(url: string, request: FetchRequest, checkRobots: boolean): Promise<FetchResult> {
    // The deadline counts time spent requesting, not time spent waiting for the host's slot: ten pages of one slow
    // host in one batch must each get their full time, not what the ones before them left over.
    let budgetMs = settings.deadlineMs;
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
      const verdict = checkRobots && robots ? await robots.verdict(target) : undefined;
      if (verdict?.kind === 'disallowed') throw new FetchError('robots', `${verdict.robotsUrl} disallows ${target.href}`);
      if (verdict?.kind === 'unreachable') throw new FetchError('robots-unreachable', verdict.detail);
      const response = await limiter
        .run(
          target.hostname,
          async () => {
            const started = Date.now();
            try {
              return await requestOnce(target, headers, { ...settings, deadline: started + budgetMs, lookup });
            } finally {
              budgetMs -= Date.now() - started;
            }
          },
          { minIntervalMs: crawlDelayOf(verdict), maxWaitMs: settings.maxSlotWaitMs },
        )
        .catch((error: unknown) => {
          throw error instanceof HostBusyError ? new FetchError('host-busy', `${error.message}; try later`) : error;
        });
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
  }

  return { fetch: (url, request) => fetchUrl(url, request, true) };
}

function crawlDelayOf(verdict: RobotsVerdict | undefined): number | undefined {
  return verdict?.kind === 'allowed' ? verdict.crawlDelayMs : undefined;
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
      // Once the headers are in, a connection that ends early cut the body short (Content-Length or the chunked
      // encoding's last chunk never came).
      const truncated = () => fail(new FetchError('truncated', `the connection to ${url.host} ended before the body was complete`));
      incoming.on('aborted', truncated);
      incoming.on('error', truncated);
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

const CONNECT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'EAI_FAIL', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
/** The name does not exist: asking again will not make it. (EAI_AGAIN, a resolver that did not answer, may.) */
const UNKNOWN_HOST_CODES = new Set(['ENOTFOUND', 'EAI_NONAME']);
/** Node's and OpenSSL's codes for a certificate that cannot be trusted (X509_V_ERR_* without the prefix). */
const CERTIFICATE_CODES = /^(?:ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH|INVALID_CA|INVALID_PURPOSE|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_DECRYPT_\w+|\w*CERT\w*)$/;
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

/** A node or guard error, as a FetchError whose kind says what happened. */
export function toFetchError(error: unknown): FetchError {
  if (error instanceof FetchError) return error;
  if (error instanceof BlockedAddressError) return new FetchError('blocked-address', error.message);
  if (error instanceof InvalidUrlError) return new FetchError('bad-url', error.message);
  // With happy eyeballs, a failure to connect to every address arrives as an AggregateError.
  const cause = error instanceof AggregateError && error.errors[0] ? error.errors[0] : error;
  if (cause instanceof BlockedAddressError) return new FetchError('blocked-address', cause.message);
  const code = (cause as NodeJS.ErrnoException).code ?? '';
  // Node names the address it connected to (`connect ECONNREFUSED 203.0.113.7:443`); the message becomes a source's
  // public lastError, which names the host only.
  const message = withholdAddresses((cause as Error).message ?? String(cause));
  if (UNKNOWN_HOST_CODES.has(code)) return new FetchError('unknown-host', `no such host: ${message}`);
  if (CERTIFICATE_CODES.test(code)) return new FetchError('tls', `untrusted certificate: ${message}`);
  if (CONNECT_CODES.has(code)) return new FetchError('connect', `cannot connect: ${message}`);
  if (RESET_CODES.has(code)) return new FetchError('reset', `connection reset: ${message}`);
  if (code === 'ETIMEDOUT') return new FetchError('timeout', `timed out: ${message}`);
  if (code.startsWith('HPE_')) return new FetchError('reset', `invalid HTTP response: ${message}`);
  if (code === 'ERR_INVALID_URL' || code === 'ERR_INVALID_CHAR' || code === 'ERR_UNESCAPED_CHARACTERS') {
    return new FetchError('bad-url', message);
  }
  // TLS protocol failures and anything else on the way to a connection.
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
