/**
 * Ingest one article URL taken from the queue: the worker's use case. Fetch the page, extract the article, store it
 * once under the id of its canonical URL, index it for related articles, and remember what became of the URL.
 *
 * Failures are data, sorted by functions/fetch/classify-failure.ts: a page that cannot become an article is a
 * rejection with a reason (counted, logged, remembered so the fetcher does not queue it again); a page refused with
 * 403 is recorded on its source and put off, to be queued again later; only transient failures (timeouts, resets,
 * 5xx, 429, a truncated body, a store that is down) throw, so that SQS delivers the message again and, after
 * maxReceiveCount, dead-letters it. A message so left to SQS is still on its way: its URL is marked queued for the
 * rest of that way (QUEUED_MARK), so that its feed's refreshes do not queue it again meanwhile.
 */
import { extractFromBytes } from '../extract/extract-article';
import { canonicalizeUrl, articleIdFor } from '../fetch/canonical-url';
import { PAGE_DEFERRAL, classifyPageFailure, deferralDelayMs } from '../fetch/classify-failure';
import type { ArticleMessage, RejectionReason } from '../contracts/model';
import { QUEUED_MARK } from '../contracts/queue-settings';
import type { FetchedPage, PageFetcher, SeenUrlStore, SourceStore } from '../ports';
import { clipMessage, messageOf } from '../shared/error-text';
import type { Telemetry } from '../shared/telemetry';
import { storeArticle, type ArticleDraft, type StoreArticleDeps } from './store-article';

export interface IngestArticleDeps extends StoreArticleDeps {
  readonly sources: Pick<SourceStore, 'incrementArticleCount' | 'recordPageError'>;
  readonly fetcher: PageFetcher;
  readonly seen: SeenUrlStore;
  readonly telemetry: Telemetry;
  readonly now?: () => Date;
}

export type IngestOutcome =
  | { readonly kind: 'stored'; readonly articleId: string; readonly storyId: string }
  | { readonly kind: 'duplicate'; readonly articleId: string | null; readonly why: 'url-seen' | 'same-canonical-url' }
  | { readonly kind: 'rejected'; readonly reason: RejectionReason; readonly detail: string }
  | { readonly kind: 'deferred'; readonly reason: 'forbidden'; readonly retryAt: string; readonly detail: string };

/** The message's delivery, as the queue tells it. */
export interface Delivery {
  /** Which receive of the message this is, 1 the first (SQS's ApproximateReceiveCount). */
  readonly receiveCount: number;
}

/** Ingests the message of one delivery; `delivery` is a first receive, whose failure gets the longest mark, unless told. */
export async function ingestArticle(message: ArticleMessage, deps: IngestArticleDeps, delivery: Delivery = { receiveCount: 1 }): Promise<IngestOutcome> {
  try {
    return await ingest(message, deps);
  } catch (error) {
    await markQueuedForRetry(message.url, delivery, deps);
    throw error;
  }
}

/**
 * Marks the URL of a message left to SQS queued until the message has an outcome or is in the dead-letter queue,
 * where the redrive takes the mark over. Only here, where the failure is known: a message that succeeds at once,
 * seconds after its send, needs no mark, and writing one at every send cost a write unit per article. A mark that
 * cannot be written costs at most a second message of the URL, which the worker counts as a duplicate once the first
 * is settled: the message's fate is the error's, whatever becomes of the mark.
 */
async function markQueuedForRetry(url: string, delivery: Delivery, deps: IngestArticleDeps): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const until = new Date(now().getTime() + QUEUED_MARK.afterFailedReceiveMs(delivery.receiveCount));
  await deps.seen.markQueued(url, until).catch((error: unknown) => {
    deps.telemetry.count('QueuedMarkFailures');
    deps.telemetry.log.warn('the URL of a message left for another delivery could not be marked queued; its feed may queue it again meanwhile', {
      url,
      error: messageOf(error),
    });
  });
}

async function ingest(message: ArticleMessage, deps: IngestArticleDeps): Promise<IngestOutcome> {
  const { telemetry } = deps;
  const now = deps.now ?? (() => new Date());

  const [unseen] = await deps.seen.filterUnseen([message.url]);
  if (unseen === undefined) {
    telemetry.count('DuplicatesSkipped');
    telemetry.log.info('URL already processed', { url: message.url });
    return { kind: 'duplicate', articleId: null, why: 'url-seen' };
  }

  const reject = async (reason: RejectionReason, detail: string): Promise<IngestOutcome> => {
    const completed = await completeInterruptedStore(message.url, deps);
    if (completed) return completed;
    telemetry.count('PagesRejected', 1, { name: 'reason', value: reason });
    telemetry.log.warn('page rejected', { url: message.url, reason, detail });
    await deps.seen.markSeen(message.url, { kind: 'rejected', reason });
    return { kind: 'rejected', reason, detail };
  };

  /** A refusal is the source's trouble as much as the page's: it goes on the source's record, and the URL waits. */
  const defer = async (reason: 'forbidden', detail: string): Promise<IngestOutcome> => {
    const at = now();
    await deps.sources.recordPageError(message.sourceId, { message: clipMessage(detail), at: at.toISOString() });
    const deferral = await deps.seen.deferUrl(message.url, reason, deferralDelayMs);
    if (deferral > PAGE_DEFERRAL.maxDeferrals) return reject(reason, `${detail} (refused ${deferral} times)`);
    const retryAt = new Date(at.getTime() + deferralDelayMs(deferral)).toISOString();
    telemetry.count('PagesDeferred', 1, { name: 'reason', value: reason });
    telemetry.log.warn('page refused; it will be queued again later', { url: message.url, reason, detail, deferral, retryAt });
    return { kind: 'deferred', reason, retryAt, detail };
  };

  let page: FetchedPage;
  try {
    page = await deps.fetcher.fetchPage(message.url);
  } catch (error) {
    const failure = classifyPageFailure(error);
    const detail = messageOf(error);
    if (failure.class === 'permanent') return reject(failure.reason, detail);
    if (failure.class === 'deferred') return defer(failure.reason, detail);
    throw error;
  }

  const started = performance.now();
  const extraction = extractFromBytes(page.body, { url: page.url, contentType: page.contentType, feedEntry: message.entry });
  telemetry.timing('ExtractionTime', performance.now() - started);
  if (!extraction.ok) return reject(extraction.reason, extraction.detail);
  const extracted = extraction.article;

  const finalUrl = canonicalizeUrl(page.url);
  const canonicalUrl = preferDeclaredCanonical(finalUrl, extracted.canonicalUrl);
  const fetchedAt = now().toISOString();
  const draft: ArticleDraft = {
    id: articleIdFor(canonicalUrl),
    url: canonicalUrl,
    title: extracted.title,
    source: { id: message.sourceId, name: message.sourceName },
    // Listings sort by it: a date after the fetch (a wrong time zone, a typo, a source that wants the top) is now.
    publishedAt: notAfter(validDate(extracted.publishedAt) ?? validDate(message.entry?.publishedAt) ?? fetchedAt, fetchedAt),
    summary: extracted.summary,
    body: extracted.body,
    byline: extracted.byline ?? message.entry?.author ?? null,
    imageUrl: extracted.imageUrl ?? message.entry?.imageUrl ?? null,
    // The feed entry's, when the page has none, is in it already, as a canonical language tag.
    language: extracted.language,
    fetchedAt,
    modifiedAt: validDate(extracted.modifiedAt),
  };

  return storeAndSettle(message.url, draft, deps);
}

/** Stores the article (or finds it stored) and writes the URL's outcome. */
async function storeAndSettle(url: string, draft: ArticleDraft, deps: IngestArticleDeps): Promise<IngestOutcome> {
  const { stored, article } = await storeArticle(draft, deps);
  await deps.seen.markSeen(url, { kind: stored ? 'stored' : 'duplicate', articleId: article.id });
  if (!stored) return { kind: 'duplicate', articleId: article.id, why: 'same-canonical-url' };
  deps.telemetry.log.info('article stored', { articleId: article.id, storyId: article.storyId, url: article.url });
  return { kind: 'stored', articleId: article.id, storyId: article.storyId };
}

/**
 * A delivery that stored the article (its conditional put) and failed before the end of its indexing leaves it listed
 * and not yet indexed, for the redelivery to finish. When the redelivery cannot have the page again (gone, refused,
 * no longer an article), the article stored under the message URL's own id is finished from what was stored: indexed,
 * counted, and the URL's outcome `stored`, instead of a rejection that would leave it listed without related articles
 * for good. It costs a rejection one read of the article (a second, of its own list, when it is stored). An article
 * stored under another id (the page named another canonical URL) is not found this way.
 */
async function completeInterruptedStore(url: string, deps: IngestArticleDeps): Promise<IngestOutcome | null> {
  let id: string;
  try {
    id = articleIdFor(canonicalizeUrl(url));
  } catch {
    return null;
  }
  // Nearly every rejected page was never stored: one read of the article (its absence) settles those.
  const existing = await deps.articles.getArticle(id);
  if (!existing || (await deps.related.isIndexed(id))) return null;
  const { storyId: _storyId, terms: _terms, ...draft } = existing;
  deps.telemetry.log.warn('the page is gone, but the article a delivery began storing is: its indexing is finished from what was stored', {
    url,
    articleId: id,
  });
  return storeAndSettle(url, draft, deps);
}

/**
 * A page's `<link rel=canonical>` (or og:url) names the article's true address, so two feeds' URLs for one article get
 * one id. It is trusted only on the same site: a page may not claim another site's address.
 */
export function preferDeclaredCanonical(finalUrl: string, declared: string | null): string {
  if (!declared) return finalUrl;
  let candidate: string;
  try {
    candidate = canonicalizeUrl(declared, finalUrl);
  } catch {
    return finalUrl;
  }
  return siteOf(candidate) === siteOf(finalUrl) ? candidate : finalUrl;
}

function siteOf(url: string): string {
  return new URL(url).hostname.replace(/^(www|m|amp|mobile)\./, '');
}

/** The earlier of two ISO 8601 UTC times as toISOString writes them (which sort as text). */
function notAfter(time: string, latest: string): string {
  return time > latest ? latest : time;
}

function validDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
