/** What the feed parsers return, their limits and their error. */
import type { FeedEntry } from '../contracts/model';

export type FeedKind = 'rss' | 'rdf' | 'atom' | 'json' | 'sitemap' | 'sitemap-index';

export interface ParsedFeed {
  readonly kind: FeedKind;
  readonly title?: string;
  /** Items with a usable http(s) link, in feed order (sitemaps: newest first), at most MAX_FEED_ENTRIES. */
  readonly entries: FeedEntry[];
  /** Sitemap index only: the child sitemaps' URLs, newest first. */
  readonly sitemaps: string[];
}

/** Larger than any real feed (the biggest news sitemaps are a few MB); refuses pathological inputs early. */
export const MAX_FEED_CHARS = 5 * 1024 * 1024;
/** Google News sitemaps are limited to 1,000 URLs; feeds rarely carry more than a few hundred items. */
export const MAX_FEED_ENTRIES = 2_000;
/**
 * The longest entry URL (link or image) kept, as resolved: the sitemaps protocol's limit, which news sites already
 * keep to for Google News. Browsers take far longer URLs and servers and CDNs about 8 KB (CloudFront 8,192 bytes;
 * RFC 9110 asks for at least 8,000 octets), but no article needs more, and the link goes into the queue message twice
 * (the URL and the entry's): a 200 KB link once made a message SQS refused, with the other nine of its batch.
 */
export const MAX_URL_CHARS = 2_048;

/** The text is not a feed we can read: an HTML page, empty, truncated, too large, JSON that is not a JSON Feed. */
export class FeedParseError extends Error {
  override readonly name = 'FeedParseError';
}
