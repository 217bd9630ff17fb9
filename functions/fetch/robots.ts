/**
 * robots.txt (RFC 9309), parsed by robots-parser, fetched once per origin and cached: in memory for the life of the
 * process (a warm Lambda container), and in a RobotsStore (DynamoDB when deployed) so that cold starts and the other
 * functions' containers reuse it instead of asking the publisher again.
 *
 * What each answer for robots.txt means (RFC 9309 §2.3.1):
 * - 2xx: its rules apply to the product token of our User-Agent, `Crawl-delay` included.
 * - 4xx other than 429 (and redirects past the limit, a file too large to be one): "unavailable", everything is
 *   allowed.
 * - 5xx, 429, timeouts and broken connections: "unreachable", everything is disallowed for now (the RFC's "complete
 *   disallow"), unless a good copy at most 30 days old is at hand (the RFC lets a crawler keep using it).
 * - An address the fetcher refuses, an unknown host or a bad certificate: no rules are consulted, since the fetch of
 *   the page itself fails the same way and reports its own reason.
 */
import robotsParser from 'robots-parser';
import type { RobotsRecord, RobotsStore } from '../ports';
import { messageOf } from '../shared/error-text';

export type RobotsVerdict =
  | { readonly kind: 'allowed'; readonly crawlDelayMs?: number }
  | { readonly kind: 'disallowed'; readonly robotsUrl: string }
  | {
      readonly kind: 'unreachable';
      readonly robotsUrl: string;
      readonly detail: string;
      /**
       * robots.txt was answered with something that is not HTTP at two fetches in a row, ten minutes or more apart
       * (headers over 16 KB, bytes no parser takes): the host's server is broken, not having a bad moment, so the page
       * is not asked for and fails for good (FetchError `malformed`) instead of waiting, delivery after delivery, for
       * an answer that will not come. Once is only unreachable, as a 5xx is.
       */
      readonly malformed?: boolean;
    };

/** What the cache needs from an HTTP client: the robots.txt answer, or a failure with a kind (FetchError's). */
export type RobotsFetch = (url: string) => Promise<{ readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: Buffer }>;

export const ROBOTS_CACHE = {
  /** How long a robots.txt is used without asking again, unless its Cache-Control says less (RFC 9309 §2.4). */
  defaultTtlMs: 24 * 60 * 60_000,
  /** Shortest use of a copy, whatever its Cache-Control says: `no-cache` must not mean one request per page. */
  minTtlMs: 60 * 60_000,
  /** Longest: RFC 9309 §2.4 says a crawler SHOULD NOT use a cached copy longer than 24 hours. */
  maxTtlMs: 24 * 60 * 60_000,
  /** After an unreachable robots.txt, when to ask again. */
  unreachableRetryMs: 10 * 60_000,
  /** A good copy this old may stand in for an unreachable robots.txt (RFC 9309 §2.3.1.4). */
  staleIfErrorMs: 30 * 24 * 60 * 60_000,
  /** Crawl-delay above this is read as this, so that one host cannot hold a worker's batch for minutes. */
  maxCrawlDelayMs: 30_000,
  /** Origins kept in memory; the oldest entries go first. */
  maxEntries: 1_000,
} as const;

/**
 * Failures of the robots.txt fetch that make it "unreachable" rather than "unavailable" (FetchError kinds). A
 * malformed response is the server's error, and RFC 9309 reads a server error as "disallow everything".
 */
/** robots.txt answered with something that is not HTTP this many fetches in a row: its host is broken (verdict `malformed`). */
const MALFORMED_IN_A_ROW = 2;
const UNREACHABLE_KINDS = new Set(['timeout', 'connect', 'reset', 'truncated', 'malformed', 'host-busy']);
/** Failures that the page's own fetch will meet and report: no rules apply. */
const PAGE_WILL_FAIL_KINDS = new Set(['blocked-address', 'bad-url', 'unknown-host', 'tls']);

interface Parsed {
  readonly robots: ReturnType<typeof robotsParser> | null;
  readonly fetchedAt: number;
  readonly freshUntil: number;
}

interface Entry {
  /** The last good answer (parsed rules, or `robots: null` for "unavailable"), fresh or stale. */
  good?: Parsed;
  /** Set while robots.txt is unreachable and no good copy is fresh: when to ask again, and why. */
  unreachableUntil?: number;
  unreachableDetail?: string;
  /** Fetches of robots.txt in a row answered with something that is not HTTP. */
  malformedStreak?: number;
  loading?: Promise<void>;
}

export interface RobotsCacheOptions {
  readonly fetch: RobotsFetch;
  /** The product token that robots.txt groups name (`Newsweave`); matched case-insensitively. */
  readonly productToken: string;
  /** @default none: memory only */
  readonly store?: RobotsStore;
  /** Told about a store that cannot be read or written; the cache then works from memory and the publisher. */
  readonly onStoreError?: (error: unknown, origin: string) => void;
  readonly now?: () => number;
}

export class RobotsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: RobotsCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  async verdict(url: URL): Promise<RobotsVerdict> {
    const origin = url.origin;
    const robotsUrl = `${origin}/robots.txt`;
    // robots.txt itself is always allowed.
    if (url.pathname === '/robots.txt') return { kind: 'allowed' };
    let entry = this.entries.get(origin);
    if (!entry) {
      entry = {};
      this.remember(origin, entry);
    }
    if (!this.isSettled(entry)) {
      entry.loading ??= this.load(origin, entry).finally(() => {
        if (entry) entry.loading = undefined;
      });
      await entry.loading;
    }
    const good = entry.good;
    if (entry.unreachableUntil !== undefined && this.now() < entry.unreachableUntil) {
      if (good && this.now() - good.fetchedAt <= ROBOTS_CACHE.staleIfErrorMs) return this.judge(good, url, robotsUrl);
      return {
        kind: 'unreachable',
        robotsUrl,
        detail: entry.unreachableDetail ?? 'robots.txt is unreachable',
        ...((entry.malformedStreak ?? 0) >= MALFORMED_IN_A_ROW && { malformed: true }),
      };
    }
    return good ? this.judge(good, url, robotsUrl) : { kind: 'allowed' };
  }

  private isSettled(entry: Entry): boolean {
    const now = this.now();
    if (entry.unreachableUntil !== undefined) return now < entry.unreachableUntil;
    return entry.good !== undefined && now < entry.good.freshUntil;
  }

  private judge(parsed: Parsed, url: URL, robotsUrl: string): RobotsVerdict {
    if (!parsed.robots) return { kind: 'allowed' };
    const token = this.options.productToken;
    // A URL robots-parser cannot place in the file's origin gets `undefined`: it has no rule for it.
    if (parsed.robots.isDisallowed(url.href, token) === true) return { kind: 'disallowed', robotsUrl };
    const delaySeconds = parsed.robots.getCrawlDelay(token);
    if (typeof delaySeconds === 'number' && Number.isFinite(delaySeconds) && delaySeconds > 0) {
      return { kind: 'allowed', crawlDelayMs: Math.min(delaySeconds * 1000, ROBOTS_CACHE.maxCrawlDelayMs) };
    }
    return { kind: 'allowed' };
  }

  private async load(origin: string, entry: Entry): Promise<void> {
    if (!entry.good) {
      const stored = await this.readStore(origin);
      if (stored) {
        entry.good = parsedOf(stored);
        if (this.now() < entry.good.freshUntil) return;
      }
    }
    const robotsUrl = `${origin}/robots.txt`;
    const fetchedAt = this.now();
    try {
      const response = await this.options.fetch(robotsUrl);
      const body = response.body.toString('utf8');
      const freshUntil = fetchedAt + freshnessMs(response.headers['cache-control']);
      entry.good = { robots: robotsParser(robotsUrl, body), fetchedAt, freshUntil };
      entry.unreachableUntil = undefined;
      entry.malformedStreak = 0;
      await this.writeStore({ origin, status: 'parsed', body, fetchedAt: iso(fetchedAt), freshUntil: iso(freshUntil) });
    } catch (error) {
      const kind = (error as { kind?: string }).kind ?? '';
      const status = (error as { status?: number }).status;
      const message = messageOf(error);
      if (PAGE_WILL_FAIL_KINDS.has(kind)) {
        // Not cached: the page fetch fails on its own, and a later fix (DNS, certificate) should be seen at once.
        entry.good = { robots: null, fetchedAt, freshUntil: fetchedAt };
        return;
      }
      const serverTrouble = kind === 'http' && status !== undefined && (status === 429 || status >= 500);
      if (serverTrouble || UNREACHABLE_KINDS.has(kind) || !kind) {
        entry.unreachableUntil = fetchedAt + ROBOTS_CACHE.unreachableRetryMs;
        entry.malformedStreak = kind === 'malformed' ? (entry.malformedStreak ?? 0) + 1 : 0;
        entry.unreachableDetail =
          entry.malformedStreak >= MALFORMED_IN_A_ROW
            ? `robots.txt of ${origin} is not a valid HTTP response, ${entry.malformedStreak} times in a row (${message}); its pages are not asked for`
            : `robots.txt of ${origin} is unreachable (${message}); its pages wait until it answers`;
        return;
      }
      const freshUntil = fetchedAt + ROBOTS_CACHE.defaultTtlMs;
      entry.good = { robots: null, fetchedAt, freshUntil };
      entry.unreachableUntil = undefined;
      await this.writeStore({ origin, status: 'unavailable', body: null, fetchedAt: iso(fetchedAt), freshUntil: iso(freshUntil) });
    }
  }

  private async readStore(origin: string): Promise<RobotsRecord | null> {
    if (!this.options.store) return null;
    try {
      return await this.options.store.getRobots(origin);
    } catch (error) {
      this.options.onStoreError?.(error, origin);
      return null;
    }
  }

  private async writeStore(record: RobotsRecord): Promise<void> {
    if (!this.options.store) return;
    try {
      await this.options.store.putRobots(record);
    } catch (error) {
      this.options.onStoreError?.(error, record.origin);
    }
  }

  private remember(origin: string, entry: Entry): void {
    this.entries.set(origin, entry);
    if (this.entries.size > ROBOTS_CACHE.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}

function parsedOf(record: RobotsRecord): Parsed {
  const robotsUrl = `${record.origin}/robots.txt`;
  return {
    robots: record.status === 'parsed' && record.body !== null ? robotsParser(robotsUrl, record.body) : null,
    fetchedAt: Date.parse(record.fetchedAt),
    freshUntil: Date.parse(record.freshUntil),
  };
}

/**
 * How long a robots.txt may be used: its `Cache-Control: max-age` (or `no-cache`/`no-store`, read as "as short as
 * allowed") within ROBOTS_CACHE's bounds, else a day. Parsed here rather than with an HTTP cache library: only this
 * one directive matters, and those libraries add browser heuristics (a share of Last-Modified's age) that a crawler
 * should not apply to robots.txt.
 */
export function freshnessMs(cacheControl: string | undefined): number {
  const directives = (cacheControl ?? '').toLowerCase();
  const maxAge = /(?:^|[,\s])max-age\s*=\s*"?(\d+)"?/.exec(directives);
  let ttl: number = ROBOTS_CACHE.defaultTtlMs;
  if (/(?:^|[,\s])(?:no-cache|no-store)(?:$|[,\s=])/.test(directives)) ttl = 0;
  else if (maxAge) ttl = Number(maxAge[1]) * 1000;
  return Math.min(Math.max(ttl, ROBOTS_CACHE.minTtlMs), ROBOTS_CACHE.maxTtlMs);
}

/** The product token of a User-Agent (`Newsweave/0.1 (+https://…)` → `Newsweave`), which robots.txt groups name. */
export function productTokenOf(userAgent: string): string {
  const token = /^[A-Za-z0-9_-]+/.exec(userAgent.trim())?.[0];
  if (!token) throw new Error(`the User-Agent must start with a product token such as Newsweave/1.0, not ${JSON.stringify(userAgent)}`);
  return token;
}

function iso(time: number): string {
  return new Date(time).toISOString();
}
