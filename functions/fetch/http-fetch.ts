/**
 * The polite, defensive HTTP client for feeds and pages (Miniflux's fetcher): a named User-Agent, robots.txt
 * (its rules and Crawl-delay, for every hop), conditional GET, at most 5 redirects each re-checked by the address
 * guard, a per-host concurrency limit, and every failure turned into a typed FetchError. Each hop is one request
 * (http-request.ts: timeouts, size limits, decompression).
 */
import { assertFetchableUrl, createGuardedLookup, type Resolver } from './address-guard';
import { toFetchError } from './fetch-errors';
import { HostBusyError, HostLimiter } from './host-limiter';
import { requestOnce } from './http-request';
import { RobotsCache, productTokenOf, type RobotsVerdict } from './robots';
import { FetchError, type FetchRequest, type FetchResult, type Fetcher, type RobotsStore } from '../ports';
import { DEFAULT_USER_AGENT } from './user-agent';

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
  /**
   * Whole fetch, all redirects and their robots.txt checks included (a robots.txt fetch's wait for its host's slot
   * too), not the page's own waits for its host's slot. @default 30 s
   */
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
  /** Clock for Retry-After dates and robots.txt's cache. @default Date.now */
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
        now,
        fetch: (robotsUrl) => fetchUrl(robotsUrl, { accept: 'text/plain, */*;q=0.5' }, false),
      })
    : undefined;

  async function fetchUrl(url: string, request: FetchRequest, checkRobots: boolean): Promise<FetchResult> {
    // The deadline counts time spent requesting, robots.txt checks included, not time spent waiting for the host's
    // slot: ten pages of one slow host in one batch must each get their full time, not what the ones before them
    // left over.
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
      let verdict: RobotsVerdict | undefined;
      if (checkRobots && robots) {
        // Each hop's robots.txt check is part of the fetch's time: redirects through origins whose robots.txt
        // answers slowly would otherwise add a whole robots.txt fetch per hop. The check itself runs on when cut
        // short (concurrent checks of an origin share it), so its answer is cached for the next fetch.
        const started = Date.now();
        try {
          verdict = await withinMs(
            robots.verdict(target),
            budgetMs,
            () => new FetchError('timeout', `robots.txt of ${target.host} did not answer within the fetch's ${settings.deadlineMs} ms`),
          );
        } finally {
          budgetMs -= Date.now() - started;
        }
      }
      if (verdict?.kind === 'disallowed') throw new FetchError('robots', `${verdict.robotsUrl} disallows ${target.href}`);
      if (verdict?.kind === 'unreachable') throw new FetchError(verdict.malformed ? 'malformed' : 'robots-unreachable', verdict.detail);
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

/** `promise`, or the error of `onTimeout` once `ms` have passed; the promise itself is not stopped. */
function withinMs<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), Math.max(0, ms));
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
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
