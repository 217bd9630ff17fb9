/**
 * Refresh one source: the fetcher's use case (Miniflux's RefreshFeed). Register the source, respect its backoff,
 * fetch it (conditionally, except for a periodic full fetch), parse it (a sitemap index through its newest child
 * sitemaps), canonicalise and dedupe the entry URLs, queue the ones with neither an outcome nor a queued mark, and
 * record the outcome on the source's record.
 *
 * Failures are data: a source that cannot be fetched or parsed gets its error, error count and next attempt time
 * saved, and the function returns a `failed` outcome instead of throwing, so one bad source never stops the others.
 */
import { randomUUID } from 'node:crypto';
import { decodeDocument } from '../charset/decode-document';
import { FeedParseError, MAX_FEED_ENTRIES, MAX_URL_CHARS, parseFeed } from '../feeds/parse-feed';
import { nextAttemptAfterFailure, shouldSendValidators } from '../fetch/backoff';
import { canonicalizeUrl } from '../fetch/canonical-url';
import type { ArticleMessage, FeedEntry, SourceConfig, SourceState } from '../contracts/model';
import { FetchError, type ArticleQueue, type FetchResult, type Fetcher, type SeenUrlStore, type SourceStore } from '../ports';
import { mapLimited } from '../shared/concurrency';
import { clipMessage, messageOf } from '../shared/error-text';
import type { Telemetry } from '../shared/telemetry';
import { sourceFailureAgeSeconds } from '../sources/failure-age';

export interface RefreshSourceDeps {
  readonly sources: SourceStore;
  /** Read only: the worker and the redrive write outcomes and marks. */
  readonly seen: Pick<SeenUrlStore, 'filterUnseen' | 'filterUnqueued'>;
  readonly queue: ArticleQueue;
  readonly fetcher: Fetcher;
  readonly telemetry: Telemetry;
  readonly now?: () => Date;
  readonly newCorrelationId?: () => string;
}

export interface RefreshOptions {
  /** Ignore the backoff, the validators and the queued marks (the local runtime's first fetch, an operator's retry). */
  readonly force?: boolean;
}

export interface RefreshOutcome {
  readonly sourceId: string;
  /**
   * `not-reached`: the run's time for starting sources was up before this one's turn (refreshSources' `startBy`), or
   * its host's slot did not free up in time (`host-busy`): the feed was not asked for, and nothing is held against it.
   */
  readonly status: 'skipped-backoff' | 'not-modified' | 'fetched' | 'failed' | 'not-reached';
  /** Distinct article URLs in the feed. */
  readonly found: number;
  /** New URLs sent to the queue. */
  readonly queued: number;
  readonly error?: string;
}

export const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5';
/** A sitemap index is read through its newest few sitemaps: older ones hold old news. */
export const MAX_CHILD_SITEMAPS = 5;
/** Sources refreshed at once by refreshSources; the fetcher's per-host limit still applies. */
export const DEFAULT_REFRESH_CONCURRENCY = 4;

const MAX_VALIDATOR_CHARS = 512;

/** A failure of the source itself (fetch or parse), as opposed to our own stores or queue. */
class SourceFailure extends Error {
  constructor(
    readonly kind: string,
    readonly metricKind: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export async function refreshSource(
  source: SourceConfig,
  deps: RefreshSourceDeps,
  options: RefreshOptions = {},
): Promise<RefreshOutcome> {
  const { telemetry } = deps;
  const now = (deps.now ?? (() => new Date()))();
  const nowIso = now.toISOString();
  const outcome = (status: RefreshOutcome['status'], found = 0, queued = 0, error?: string): RefreshOutcome =>
    error === undefined ? { sourceId: source.id, status, found, queued } : { sourceId: source.id, status, found, queued, error };

  let state: SourceState;
  try {
    state = await deps.sources.registerSource(source);
  } catch (error) {
    telemetry.count('FetchErrors', 1, { name: 'kind', value: 'internal' });
    telemetry.log.error('cannot register the source', { sourceId: source.id, error: messageOf(error) });
    return outcome('failed', 0, 0, `cannot register the source: ${messageOf(error)}`);
  }

  if (!options.force && state.nextAttemptAt && Date.parse(state.nextAttemptAt) > now.getTime()) {
    // Reported while skipped too: a source in a 12-hour backoff is still watched at each run of its schedule.
    telemetry.gauge('SourceFailureAge', sourceFailureAgeSeconds(state, now));
    telemetry.log.info('source in backoff, skipped', { sourceId: source.id, nextAttemptAt: state.nextAttemptAt });
    return outcome('skipped-backoff');
  }

  const conditional = !options.force && shouldSendValidators(state, now);
  let found = 0;
  try {
    const response = await fetchSource(deps.fetcher, source.url, conditional ? state : undefined);
    const validators = {
      etag: validator(response.headers.etag) ?? (response.notModified ? state.etag : null),
      lastModified: validator(response.headers['last-modified']) ?? (response.notModified ? state.lastModified : null),
    };
    const succeeded: SourceState = {
      ...state,
      ...validators,
      lastFetchedAt: nowIso,
      lastSuccessAt: nowIso,
      lastError: null,
      lastErrorKind: null,
      errorCount: 0,
      nextAttemptAt: null,
      lastFullFetchAt: conditional ? state.lastFullFetchAt : nowIso,
    };
    if (response.notModified) {
      await deps.sources.saveFetchState(succeeded);
      telemetry.count('SourcesFetched');
      telemetry.gauge('SourceFailureAge', 0);
      telemetry.log.info('source not modified', { sourceId: source.id });
      return outcome('not-modified');
    }

    const entries = await readEntries(response, deps, source.id);
    const unique = uniqueByCanonicalUrl(entries, telemetry, source.id);
    found = unique.size;
    const { queued, failed } = await queueUnseen(unique, source, deps, options.force === true);
    // Validators are advanced only when every new item reached the queue: otherwise the next run would get a 304
    // and the items whose send failed would wait for the next full fetch. With the old ones, the next run reads the
    // feed again and queues what is still unseen.
    await deps.sources.saveFetchState(
      failed === 0 ? succeeded : { ...succeeded, etag: state.etag, lastModified: state.lastModified, lastFullFetchAt: state.lastFullFetchAt },
    );
    telemetry.count('SourcesFetched');
    telemetry.count('UrlsQueued', queued);
    telemetry.gauge('SourceFailureAge', 0);
    telemetry.log.info('source fetched', { sourceId: source.id, found, queued, notQueued: failed });
    return outcome('fetched', found, queued);
  } catch (error) {
    if (asSourceFailure(error)?.kind === 'host-busy') {
      // Our own queueing, not the source's failing: its host's slot did not free up in time (the run's other feeds of
      // that host, its Crawl-delay). The feed was not asked for: nothing is held against it, and the run reports it
      // with the sources it did not reach.
      telemetry.log.info('no slot for the host in time: the source is left to the next run', { sourceId: source.id, error: messageOf(error) });
      return outcome('not-reached');
    }
    return outcome('failed', found, 0, await recordFailure(error, state, deps, now));
  }
}

/** Saves the failure on the source's record and returns its message. */
async function recordFailure(error: unknown, state: SourceState, deps: RefreshSourceDeps, now: Date): Promise<string> {
  const failure = asSourceFailure(error);
  const message = clipMessage(messageOf(error));
  deps.telemetry.count('FetchErrors', 1, { name: 'kind', value: failure?.metricKind ?? 'internal' });
  // Our own stores or queue failing is not the source's fault: record it, but do not push the source back.
  const failed: SourceState = failure
    ? {
        ...state,
        lastFetchedAt: now.toISOString(),
        lastError: message,
        lastErrorKind: failure.kind,
        errorCount: state.errorCount + 1,
        nextAttemptAt: nextAttemptAfterFailure(state.errorCount + 1, now, failure.retryAfterMs).toISOString(),
      }
    : { ...state, lastFetchedAt: now.toISOString(), lastError: message, lastErrorKind: 'internal' };
  deps.telemetry.gauge('SourceFailureAge', sourceFailureAgeSeconds(failed, now));
  deps.telemetry.log[failure ? 'warn' : 'error']('source refresh failed', {
    sourceId: state.sourceId,
    kind: failed.lastErrorKind,
    error: message,
    errorCount: failed.errorCount,
    nextAttemptAt: failed.nextAttemptAt,
  });
  try {
    await deps.sources.saveFetchState(failed);
  } catch (saveError) {
    deps.telemetry.log.error('cannot save the fetch state', { sourceId: state.sourceId, error: messageOf(saveError) });
  }
  return message;
}

function fetchSource(fetcher: Fetcher, url: string, validators?: Pick<SourceState, 'etag' | 'lastModified'>): Promise<FetchResult> {
  return fetcher.fetch(url, { accept: FEED_ACCEPT, etag: validators?.etag, lastModified: validators?.lastModified }).catch((error: unknown) => {
    throw asSourceFailure(error) ?? error;
  });
}

function parseResponse(response: FetchResult) {
  try {
    const { text } = decodeDocument(response.body, response.headers['content-type'], { feed: true });
    return parseFeed(text, response.url);
  } catch (error) {
    throw new SourceFailure('parse', 'parse', `${response.url}: ${messageOf(error)}`);
  }
}

async function readEntries(response: FetchResult, deps: RefreshSourceDeps, sourceId: string): Promise<FeedEntry[]> {
  const feed = parseResponse(response);
  if (feed.kind !== 'sitemap-index') return feed.entries;

  const children = feed.sitemaps.slice(0, MAX_CHILD_SITEMAPS);
  if (children.length === 0) throw new SourceFailure('parse', 'parse', `${response.url}: sitemap index lists no sitemaps`);
  const results = await Promise.allSettled(
    children.map(async (url) => {
      const child = parseResponse(await fetchSource(deps.fetcher, url));
      // A nested index is not followed: the walk stays bounded at one level.
      return child.kind === 'sitemap-index' ? [] : child.entries;
    }),
  );
  const entries: FeedEntry[] = [];
  const failures: unknown[] = [];
  for (const [index, result] of results.entries()) {
    if (result.status === 'fulfilled') {
      entries.push(...result.value);
    } else {
      failures.push(result.reason);
      deps.telemetry.log.warn('child sitemap failed', { sourceId, url: children[index], error: messageOf(result.reason) });
    }
  }
  if (failures.length === children.length) throw failures[0];
  return entries
    .sort((a, b) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? ''))
    .slice(0, MAX_FEED_ENTRIES);
}

/**
 * Canonical URL -> entry, first occurrence wins. Entries whose URL cannot be canonicalised, or is longer than
 * MAX_URL_CHARS (it would go into the message twice), are dropped and logged.
 */
function uniqueByCanonicalUrl(entries: readonly FeedEntry[], telemetry: Telemetry, sourceId: string): Map<string, FeedEntry> {
  const unique = new Map<string, FeedEntry>();
  let invalid = 0;
  for (const entry of entries) {
    if (entry.url.length > MAX_URL_CHARS) {
      invalid += 1;
      continue;
    }
    let url: string;
    try {
      url = canonicalizeUrl(entry.url);
    } catch {
      invalid += 1;
      continue;
    }
    if (!unique.has(url)) unique.set(url, entry);
  }
  if (invalid > 0) telemetry.log.warn('entries with unusable URLs dropped', { sourceId, invalid });
  return unique;
}

/**
 * Queues the URLs never processed and not marked queued (a delivery of theirs failed lately, or the redrive holds
 * their dead letter: QUEUED_MARK), so that their messages are left to come through. They are not marked here: nearly
 * every message is settled seconds after its send, and the worker marks the URL of one it leaves for another
 * delivery. Nor are they marked seen: the worker writes each one's outcome once it is stored, rejected or put off.
 */
async function queueUnseen(
  entries: ReadonlyMap<string, FeedEntry>,
  source: SourceConfig,
  deps: RefreshSourceDeps,
  force: boolean,
): Promise<{ queued: number; failed: number }> {
  if (entries.size === 0) return { queued: 0, failed: 0 };
  // Forced (the local stack's first refresh, its in-memory queue lost with the last process; an operator's retry):
  // every URL without an outcome, marked or not.
  const urls = [...entries.keys()];
  const toQueue = await (force ? deps.seen.filterUnseen(urls) : deps.seen.filterUnqueued(urls));
  if (toQueue.length === 0) return { queued: 0, failed: 0 };
  const newCorrelationId = deps.newCorrelationId ?? randomUUID;
  const messages: ArticleMessage[] = toQueue.map((url) => ({
    v: 1,
    url,
    sourceId: source.id,
    sourceName: source.name,
    correlationId: newCorrelationId(),
    entry: entries.get(url),
  }));
  const { failed, cause } = await deps.queue.sendArticles(messages);
  if (failed.length > 0) deps.telemetry.count('QueueSendFailures', failed.length);
  if (failed.length > 0 && failed.length === messages.length) {
    // The queue took none of them (denied, throttled, unreachable): our failure, not the source's. Saved as `internal`
    // (FetcherInternalErrors alarms on it) with the old validators, as any failure of our own stores is. The cause
    // goes to the log only: it names the account's resources, and the source's `lastError` is public.
    deps.telemetry.log.error('the article queue took none of the new articles', { sourceId: source.id, failed: failed.length, cause });
    throw new Error(`the article queue took none of the ${messages.length} new articles`);
  }
  if (failed.length > 0) {
    deps.telemetry.log.warn('some article messages could not be queued; the next refresh reads the feed again and queues them', {
      sourceId: source.id,
      failed: failed.length,
      cause,
    });
  }
  return { queued: messages.length - failed.length, failed: failed.length };
}

function asSourceFailure(error: unknown): SourceFailure | undefined {
  if (error instanceof SourceFailure) return error;
  if (error instanceof FetchError) {
    const kind = error.kind === 'http' && error.status !== undefined ? `http-${error.status}` : error.kind;
    return new SourceFailure(kind, error.kind, error.message, error.retryAfterMs);
  }
  if (error instanceof FeedParseError) return new SourceFailure('parse', 'parse', error.message);
  return undefined;
}

function validator(value: string | undefined): string | null {
  return value && value.length <= MAX_VALIDATOR_CHARS ? value : null;
}

export interface RefreshManyOptions extends RefreshOptions {
  /** Sources refreshed at once. @default DEFAULT_REFRESH_CONCURRENCY */
  readonly concurrency?: number;
  /**
   * Time (ms since the epoch) after which no source is started: the rest get `not-reached`, with nothing written on
   * their records, so that the run ends within its invocation and reports them. @default no limit
   */
  readonly startBy?: number;
  /** The clock `startBy` is read against. @default Date.now */
  readonly now?: () => number;
  /** Where in the run's order to begin (taken modulo the number of sources), so that runs cut short by `startBy` do not always leave out the same sources. @default 0 */
  readonly rotate?: number;
}

/**
 * Refreshes many sources, a few at a time; every source gets an outcome, in the order given. They are taken one host
 * at a time in turn (a newspaper's twenty section feeds are spread through the run), so that one host's feeds, held
 * back by its per-host limit, Crawl-delay or slowness, do not take every lane while the other hosts wait.
 */
export async function refreshSources(
  sources: readonly SourceConfig[],
  deps: RefreshSourceDeps,
  options: RefreshManyOptions = {},
): Promise<RefreshOutcome[]> {
  const outcomes = new Array<RefreshOutcome>(sources.length);
  const order = interleavedByHost(sources);
  const shift = order.length === 0 ? 0 : (((Math.trunc(options.rotate ?? 0) % order.length) + order.length) % order.length);
  const turns = [...order.slice(shift), ...order.slice(0, shift)];
  await mapLimited(turns, options.concurrency ?? DEFAULT_REFRESH_CONCURRENCY, async (index) => {
    const source = sources[index]!;
    outcomes[index] =
      options.startBy !== undefined && (options.now ?? Date.now)() > options.startBy
        ? { sourceId: source.id, status: 'not-reached', found: 0, queued: 0 }
        : await refreshSource(source, deps, options);
  });
  const notReached = outcomes.filter((outcome) => outcome.status === 'not-reached').map((outcome) => outcome.sourceId);
  if (notReached.length > 0) {
    deps.telemetry.count('SourcesNotReached', notReached.length);
    deps.telemetry.log.warn('sources not reached in this run: its time for starting sources was up, or their host was busy', { notReached, count: notReached.length });
  }
  return outcomes;
}

/** The sources' indexes, one host at a time in turn: each host's first source, then each one's second, and so on. */
function interleavedByHost(sources: readonly SourceConfig[]): number[] {
  const byHost = new Map<string, number[]>();
  sources.forEach((source, index) => {
    let host: string;
    try {
      host = new URL(source.url).hostname;
    } catch {
      host = source.url;
    }
    const list = byHost.get(host);
    if (list) list.push(index);
    else byHost.set(host, [index]);
  });
  const lists = [...byHost.values()];
  const order: number[] = [];
  for (let round = 0; order.length < sources.length; round += 1) {
    for (const list of lists) if (round < list.length) order.push(list[round]!);
  }
  return order;
}
