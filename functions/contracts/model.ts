/**
 * The nouns of Newsweave, shared by every stage. Plain data only: no AWS, no I/O.
 */

/** One entry of `config/sources.json`. */
export interface SourceConfig {
  /** Stable identifier: lowercase letters, digits and dashes (`the-hindu`). */
  readonly id: string;
  readonly name: string;
  /** Feed (RSS, Atom, JSON Feed) or news sitemap URL, http or https. */
  readonly url: string;
  /** EventBridge schedule expression: `rate(10 minutes)` or `cron(...)`. */
  readonly schedule: string;
}

/** What a source's record remembers between fetches. Failures are data. */
export interface SourceState {
  readonly sourceId: string;
  readonly name: string;
  readonly url: string;
  /**
   * The schedule expression the fetcher last ran it on (written at every refresh with name and URL); null on a
   * record that holds none, or something that is not a string.
   */
  readonly schedule: string | null;
  /** Last attempt, successful or not (ISO 8601). */
  readonly lastFetchedAt: string | null;
  readonly lastSuccessAt: string | null;
  /** Message of the last error, cleared on success. */
  readonly lastError: string | null;
  /** Kind of the last error (`timeout`, `http-500`, `parse`, ...), cleared on success. */
  readonly lastErrorKind: string | null;
  readonly errorCount: number;
  /** Earliest time the next fetch may run (backoff, Retry-After). */
  readonly nextAttemptAt: string | null;
  readonly etag: string | null;
  readonly lastModified: string | null;
  /** Last unconditional fetch, to force a full fetch every few hours. */
  readonly lastFullFetchAt: string | null;
  readonly articleCount: number;
  /** The last refusal of one of its pages (403), whose URL is tried again later; kept when the feed succeeds. */
  readonly lastPageError: string | null;
  readonly lastPageErrorAt: string | null;
  /** Pages refused so far, all time. */
  readonly pageErrorCount: number;
}

/** An item found in a feed or sitemap. */
export interface FeedEntry {
  /** Absolute URL, resolved against the feed's URL. */
  readonly url: string;
  readonly title?: string;
  readonly publishedAt?: string;
  readonly summary?: string;
  readonly imageUrl?: string;
  readonly author?: string;
  readonly language?: string;
}

/** The message that travels from the fetcher to the worker through SQS. Version it if it changes. */
export interface ArticleMessage {
  readonly v: 1;
  /** Canonicalised URL from the feed. */
  readonly url: string;
  readonly sourceId: string;
  readonly sourceName: string;
  /** Travels from the fetch through the queue to the store, and into every log line. */
  readonly correlationId: string;
  readonly entry?: FeedEntry;
}

/** What extraction makes of a page. */
export interface ExtractedArticle {
  readonly title: string;
  readonly byline: string | null;
  readonly publishedAt: string | null;
  readonly modifiedAt: string | null;
  readonly language: string | null;
  readonly imageUrl: string | null;
  /** The publisher's own description (meta description, og:description), if any. */
  readonly description: string | null;
  /** Short summary: the description, or an extractive summary of the body. */
  readonly summary: string;
  /** Clean plain text, paragraphs separated by a blank line. */
  readonly body: string;
  /** `<link rel=canonical>` or `og:url`, absolute, if the page declares one. */
  readonly canonicalUrl: string | null;
  readonly siteName: string | null;
}

/** Why a page did not become an article. Each is counted (`PagesRejected` by `reason`) and kept on the URL's outcome. */
export type RejectionReason =
  | 'empty'
  | 'too-large'
  | 'binary'
  | 'not-html'
  | 'not-an-article'
  | 'too-short'
  | 'login-wall'
  | 'truncated'
  | 'fetch-failed'
  | 'blocked-address'
  /** 404 or 410. */
  | 'not-found'
  /** The host name does not exist. */
  | 'unknown-host'
  /** The server's TLS certificate cannot be trusted. */
  | 'bad-certificate'
  /** robots.txt disallows the page for our User-Agent. */
  | 'robots'
  /** The server kept answering 403 through every deferral (functions/fetch/classify-failure.ts). */
  | 'forbidden'
  /** The page kept failing with transient errors through every delivery and every redrive of its dead letter. */
  | 'retries-exhausted';

export type ExtractionResult =
  | { readonly ok: true; readonly article: ExtractedArticle }
  | { readonly ok: false; readonly reason: RejectionReason; readonly detail: string };

/** A weighted keyword or named entity of an article, used by related articles, topics and search. */
export interface WeightedTerm {
  /** Normalised form: lowercase, `putin`, `european union`. */
  readonly term: string;
  readonly weight: number;
  readonly kind: 'entity' | 'keyword';
  /** How it reads in the text (`Vladimir Putin`), for display in `reasons`. */
  readonly label?: string;
}

export interface SourceRef {
  readonly id: string;
  readonly name: string;
}

/** The API's ArticleSummary. */
export interface ArticleSummary {
  readonly id: string;
  readonly url: string;
  readonly title: string;
  readonly source: SourceRef;
  readonly publishedAt: string;
  readonly summary: string;
}

/** A stored article: the API's full article plus what the pipeline keeps. */
export interface Article extends ArticleSummary {
  readonly body: string;
  readonly byline: string | null;
  readonly imageUrl: string | null;
  readonly language: string | null;
  readonly fetchedAt: string;
  readonly modifiedAt: string | null;
  /** Shared by near-identical copies of one text (wire copies). */
  readonly storyId: string;
  readonly terms: readonly WeightedTerm[];
}

export interface RelatedArticle extends ArticleSummary {
  readonly score: number;
  /** Why it is related: shared entities and keywords, best first. */
  readonly reasons: readonly string[];
}

/** Who wrote a comment: the identity provider's subject and the name it shows. */
export interface CommentAuthor {
  readonly id: string;
  readonly name: string;
}

/** A reader's comment under an article: plain text, stored as written. */
export interface Comment {
  /** A ULID: 26 characters whose order is the order of creation. */
  readonly id: string;
  readonly articleId: string;
  readonly author: CommentAuthor;
  readonly body: string;
  /** ISO 8601, the same millisecond as the id's time. */
  readonly createdAt: string;
}

/** The signed-in user a request comes from, as the API Gateway JWT authorizer's claims describe them. */
export interface User {
  /** The token's `sub`. */
  readonly id: string;
  readonly name: string;
  readonly isModerator: boolean;
}
