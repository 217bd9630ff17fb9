/**
 * Ingest one article URL taken from the queue: the worker's use case. Fetch the page, extract the article, store it
 * once under the id of its canonical URL, index it for related articles, and remember what became of the URL.
 *
 * Failures are data: a page that cannot become an article is a rejection with a reason (counted, logged, remembered
 * so the fetcher does not queue it again); only transient failures (timeouts, resets, 5xx, throttling, a store that is
 * down) throw, so that SQS delivers the message again and, after maxReceiveCount, dead-letters it.
 */
import { extractFromBytes } from '../extract/extract-article';
import { canonicalizeUrl, articleIdFor } from '../fetch/canonical-url';
import { FetchError } from '../fetch/http-fetch';
import type { ArticleMessage, RejectionReason } from '../model';
import type { SeenUrlStore } from '../ports';
import type { Telemetry } from '../shared/telemetry';
import { storeArticle, type ArticleDraft, type StoreArticleDeps } from './store-article';

export interface FetchedPage {
  readonly status: number;
  /** The final URL, after redirects. */
  readonly url: string;
  readonly contentType: string | null;
  readonly body: Uint8Array;
}

export interface PageFetcher {
  fetchPage(url: string): Promise<FetchedPage>;
}

export interface IngestArticleDeps extends StoreArticleDeps {
  readonly fetcher: PageFetcher;
  readonly seen: SeenUrlStore;
  readonly telemetry: Telemetry;
  readonly now?: () => Date;
}

export type IngestOutcome =
  | { readonly kind: 'stored'; readonly articleId: string; readonly storyId: string }
  | { readonly kind: 'duplicate'; readonly articleId: string | null; readonly why: 'url-seen' | 'same-canonical-url' }
  | { readonly kind: 'rejected'; readonly reason: RejectionReason; readonly detail: string };

/** Fetch failures that no retry will mend. Anything else is thrown for SQS to redeliver. */
const PERMANENT_FETCH_ERRORS: ReadonlyMap<string, RejectionReason> = new Map([
  ['blocked-address', 'blocked-address'],
  ['too-large', 'too-large'],
  ['too-many-redirects', 'fetch-failed'],
  ['bad-url', 'fetch-failed'],
  ['decompress', 'fetch-failed'],
]);

export async function ingestArticle(message: ArticleMessage, deps: IngestArticleDeps): Promise<IngestOutcome> {
  const { telemetry } = deps;
  const now = deps.now ?? (() => new Date());

  const [unseen] = await deps.seen.filterUnseen([message.url]);
  if (unseen === undefined) {
    telemetry.count('DuplicatesSkipped');
    telemetry.log.info('URL already processed', { url: message.url });
    return { kind: 'duplicate', articleId: null, why: 'url-seen' };
  }

  const reject = async (reason: RejectionReason, detail: string): Promise<IngestOutcome> => {
    telemetry.count('PagesRejected', 1, { name: 'reason', value: reason });
    telemetry.log.warn('page rejected', { url: message.url, reason, detail });
    await deps.seen.markSeen(message.url, { kind: 'rejected', reason });
    return { kind: 'rejected', reason, detail };
  };

  let page: FetchedPage;
  try {
    page = await deps.fetcher.fetchPage(message.url);
  } catch (error) {
    if (error instanceof FetchError) {
      const permanent = PERMANENT_FETCH_ERRORS.get(error.kind);
      if (permanent) return reject(permanent, error.message);
      if (error.kind === 'http' && error.status !== undefined && isPermanentStatus(error.status)) {
        return reject('fetch-failed', error.message);
      }
    }
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
    publishedAt: validDate(extracted.publishedAt) ?? validDate(message.entry?.publishedAt) ?? fetchedAt,
    summary: extracted.summary,
    body: extracted.body,
    byline: extracted.byline ?? message.entry?.author ?? null,
    imageUrl: extracted.imageUrl ?? message.entry?.imageUrl ?? null,
    language: extracted.language ?? message.entry?.language ?? null,
    fetchedAt,
    modifiedAt: validDate(extracted.modifiedAt),
  };

  const { stored, article } = await storeArticle(draft, deps);
  await deps.seen.markSeen(message.url, { kind: stored ? 'stored' : 'duplicate', articleId: article.id });
  if (!stored) return { kind: 'duplicate', articleId: article.id, why: 'same-canonical-url' };
  telemetry.log.info('article stored', { articleId: article.id, storyId: article.storyId, url: article.url });
  return { kind: 'stored', articleId: article.id, storyId: article.storyId };
}

function isPermanentStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 425 && status !== 429;
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

function validDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
