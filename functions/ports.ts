/**
 * Every port: the small interfaces the use cases talk to, and the errors that are part of their contract. The
 * adapters are grouped by technology: DynamoDB in `functions/store` (with in-memory ones for the replay and tests),
 * SQS in `functions/queue`, HTTP in `functions/fetch` (`http-fetch.ts`, and `page-fetcher.ts` over it). Domain and
 * use-case tests use in-memory fakes.
 */
import type { RateSlot } from './comments/rate-limit';
import type { TextSketch } from './dedupe/text-sketch';
import type { Article, ArticleMessage, ArticleSummary, Comment, SourceConfig, SourceState } from './contracts/model';
import type { IndexedArticle, RelatedLink } from './related/rank-related';

export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque; pass back as `cursor` for the next page. Null on the last page. */
  readonly nextCursor: string | null;
}

/** A cursor that was not made by us, or was tampered with. The API answers 400. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

export interface ListArticlesQuery {
  readonly sourceId?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export interface ArticleWithCommentCount {
  readonly article: Article;
  readonly commentCount: number;
}

export interface ArticleStore {
  /** Idempotent write keyed on the article id: true if stored now, false if it was already there. */
  putArticleIfAbsent(article: Article): Promise<boolean>;
  /** The article, read consistently: a put that just succeeded is seen. */
  getArticle(id: string): Promise<Article | null>;
  /** The article and how many comments it has, in one round trip (the count is a small item of its own). */
  getArticleWithCommentCount(id: string): Promise<ArticleWithCommentCount | null>;
  /** Whether an article with this id is stored. */
  hasArticle(id: string): Promise<boolean>;
  /** The summaries of the articles that exist among `ids`, in no particular order (one batched read). */
  getSummaries(ids: readonly string[]): Promise<ArticleSummary[]>;
  /** Newest first (by publishedAt). */
  listArticles(query: ListArticlesQuery): Promise<Page<ArticleSummary>>;
}

/** What became of a URL taken from a feed, so that the fetcher does not queue it again. */
export type UrlOutcome =
  | { readonly kind: 'stored'; readonly articleId: string }
  | { readonly kind: 'duplicate'; readonly articleId: string }
  | { readonly kind: 'rejected'; readonly reason: string };

/**
 * What became of each URL taken from a feed (its outcome, written by the worker and the redrive), and which URLs have
 * a message still on its way after a failed delivery (the worker's and the redrive's "queued" marks, QUEUED_MARK). A
 * mark is no outcome: it only keeps the fetcher from queuing the URL again while it lasts.
 */
export interface SeenUrlStore {
  /** The URLs, in order, that have no outcome (or whose rejection or deferral has expired), marked queued or not. */
  filterUnseen(urls: readonly string[]): Promise<string[]>;
  /** The URLs, in order, to queue: those filterUnseen returns, but for the ones whose queued mark has not run out. */
  filterUnqueued(urls: readonly string[]): Promise<string[]>;
  /**
   * Marks the URL queued until `until`, or later when it already is; a URL with an outcome (another message of it may
   * have settled it meanwhile) is left as it is, which is no failure. Rejects when the mark could not be written.
   */
  markQueued(url: string, until: Date): Promise<void>;
  /** Writes the URL's outcome, in place of a mark or a deferral. */
  markSeen(url: string, outcome: UrlOutcome): Promise<void>;
  /**
   * Puts a URL off: it counts as seen for `delayMsFor(n)` after its n-th deferral, then as unseen, so that the next
   * refresh of its feed queues it again. Returns n (1 the first time); an outcome written by markSeen resets it. The
   * deferral replaces a mark.
   */
  deferUrl(url: string, reason: string, delayMsFor: (deferral: number) => number): Promise<number>;
}

export interface SourceStore {
  /** Creates the record if missing and refreshes name and URL from the config; keeps the fetch state. */
  registerSource(source: SourceConfig): Promise<SourceState>;
  getSource(sourceId: string): Promise<SourceState | null>;
  /** Writes the fetch state fields (everything but id, name, url, articleCount and the page errors). */
  saveFetchState(state: SourceState): Promise<void>;
  /** Records that one of the source's pages was refused (`lastPageError`, `lastPageErrorAt`, `pageErrorCount + 1`). */
  recordPageError(sourceId: string, error: { readonly message: string; readonly at: string }): Promise<void>;
  incrementArticleCount(sourceId: string, by?: number): Promise<void>;
  /**
   * The records of the configured sources (functions/sources/configured-sources.ts): a removed source's record stays
   * in the table, unlisted; every record when no configuration was recorded.
   */
  listSources(): Promise<SourceState[]>;
  /**
   * Records which sources the deployment runs (`npm start` at its start; a deployment writes the same item through a
   * custom resource, lib/ingestion.ts).
   */
  recordConfiguredSources(sourceIds: readonly string[]): Promise<void>;
}

export interface QueueSendResult {
  readonly failed: readonly ArticleMessage[];
  readonly cause?: string;
}

export interface ArticleQueue {
  /**
   * Sends in batches of at most 10 (SendMessageBatch). Returns the messages that could not be sent, and with them the
   * first failure's reason (`cause`: an error code and message, for the log; it may name the account's resources).
   */
  sendArticles(messages: readonly ArticleMessage[]): Promise<QueueSendResult>;
}

/** A message that failed every delivery, as the redrive sees it. */
export interface DeadLetter {
  /** The message body, unchanged (an ArticleMessage, unless it was malformed from the start). */
  readonly body: string;
  /** How many times it was sent back to the article queue already (the `redriveCount` message attribute). */
  readonly redrives: number;
  /** When it was last sent to the article queue (epoch milliseconds). */
  readonly sentAt: number;
  /** The queue's handle on this receipt of it. */
  readonly receipt: string;
}

/** The article queue's dead-letter queue. Each received letter must then be redriven, postponed or removed. */
export interface DeadLetterQueue {
  /** Up to `max` (at most 10) letters, hidden from other readers meanwhile. */
  receive(max: number): Promise<DeadLetter[]>;
  /** Sends the body back to the article queue with its new redrive count, then removes the letter. */
  redrive(letter: DeadLetter, redrives: number): Promise<void>;
  /** Leaves the letter where it is, out of sight for `ms` (the queue's limit is 12 hours). */
  postpone(letter: DeadLetter, ms: number): Promise<void>;
  remove(letter: DeadLetter): Promise<void>;
}

export interface TopicQuery {
  readonly limit: number;
  readonly cursor?: string;
}

/** What the related index keeps of an article from the start of its indexing: enough to rank it and find copies. */
export interface IndexEntry extends IndexedArticle {
  /** Its text's sketch, to recognise copies; null for a text too short to judge. */
  readonly sketch: TextSketch | null;
  /** The least score a later link must have to be shown on its side, else 0 (rank-related.ts: listFloor). */
  readonly floor: number;
}

/** An article under one of its terms: the inverted index behind candidates, topic pages and search. */
export interface Posting {
  readonly term: string;
  readonly id: string;
  readonly publishedAt: string;
  /** The term's weight in the article's vector. */
  readonly weight: number;
}

/** An article's related links as stored: its own list (scored when it was indexed) and the later ones. */
export interface StoredRelated {
  readonly storyId: string;
  /** Best first. */
  readonly own: readonly RelatedLink[];
  /** Best first: the best `limit` of the links later articles wrote. */
  readonly later: readonly RelatedLink[];
}

/**
 * The related-articles index's storage: keys, items and batched I/O only; the use cases in
 * functions/use-cases (index-article.ts, related-queries.ts) hold the algorithm. Every write is blind and
 * idempotent (keyed by ids) but the own list's, which is written once and says who wrote it.
 */
export interface RelatedStore {
  /**
   * The article's entry and its postings, written when its indexing begins: the entry's vector, sketch and embedding
   * are set (the last delivery to begin wins); the story and floor an earlier delivery's indexing set are kept, and so
   * is its time, under which the postings are written (blind) and which is returned: two deliveries of a page without
   * a date fall back to two fetch times, and the postings of the second, under a key of their own, would list the
   * article twice under a term.
   */
  putEntry(entry: IndexEntry, postings: readonly Posting[]): Promise<string>;
  /** Changes an entry's story or floor (an entry that is not there is left so). */
  updateEntry(id: string, change: { readonly storyId?: string; readonly floor?: number }): Promise<void>;
  /**
   * The entries of these ids that exist, in the order asked, whatever order the store returns them in: ranking
   * breaks ties by candidate order, so the same candidates must rank the same however the read went.
   */
  readEntries(ids: readonly string[]): Promise<IndexEntry[]>;
  /** A term's postings, newest first, page by page. */
  readPostings(term: string, query: TopicQuery): Promise<Page<Posting>>;
  /** Whether the article's indexing finished: its own list is stored. */
  isIndexed(id: string): Promise<boolean>;
  /** The article's own list and its best `limit` later links; null when its indexing has not finished. */
  readRelated(id: string, limit: number): Promise<StoredRelated | null>;
  /**
   * Stores the article's own list (its related articles indexed before it), once: true for the one call that
   * stores it, false when it was already there (a redelivery, or another delivery racing this one).
   */
  putOwnList(id: string, storyId: string, links: readonly RelatedLink[]): Promise<boolean>;
  /** One link under each owner: a later related article, in the owner's list. */
  putLaterLinks(links: readonly { readonly ownerId: string; readonly link: RelatedLink }[]): Promise<void>;
}

/** What went wrong; functions/fetch/classify-failure.ts says which kinds a retry can mend. */
export type FetchErrorKind =
  | 'timeout'
  | 'connect'
  | 'reset'
  /** The connection ended before the body it announced (Content-Length, chunked encoding) was complete. */
  | 'truncated'
  /**
   * The response is not valid HTTP (node's HPE_* parse errors: headers over 16 KB, a character not allowed in a
   * header, a bad chunk size, two Content-Lengths): the server sends it the same way every time.
   */
  | 'malformed'
  | 'http'
  | 'too-large'
  | 'blocked-address'
  | 'too-many-redirects'
  | 'bad-url'
  | 'decompress'
  /** The host name does not exist (NXDOMAIN). */
  | 'unknown-host'
  /** The server's TLS certificate cannot be trusted (expired, self-signed, for another name). */
  | 'tls'
  /** robots.txt disallows the URL. */
  | 'robots'
  /** robots.txt cannot be read now (5xx, 429, network): nothing of the host is fetched until it can (RFC 9309). */
  | 'robots-unreachable'
  /** No slot for the host within the wait allowed (per-host limit, Crawl-delay). */
  | 'host-busy';

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

/** The polite HTTP fetcher of feeds and pages (functions/fetch/http-fetch.ts). */
export interface Fetcher {
  /** @throws FetchError */
  fetch(url: string, request: FetchRequest): Promise<FetchResult>;
}

export interface FetchedPage {
  readonly status: number;
  /** The final URL, after redirects. */
  readonly url: string;
  readonly contentType: string | null;
  readonly body: Uint8Array;
}

/** The worker's fetcher: one article page, robots.txt and the polite limits included. */
export interface PageFetcher {
  /** @throws FetchError */
  fetchPage(url: string): Promise<FetchedPage>;
}

/** A robots.txt as the robots cache keeps it (functions/fetch/robots.ts). */
export interface RobotsRecord {
  /** `https://www.example.com`: robots.txt applies per scheme, host and port. */
  readonly origin: string;
  /** `parsed`: the file's text is in `body`; `unavailable`: it answered 4xx, so everything is allowed. */
  readonly status: 'parsed' | 'unavailable';
  readonly body: string | null;
  readonly fetchedAt: string;
  /** Until when it is used without asking the publisher again. */
  readonly freshUntil: string;
}

/** Keeps robots.txt files between processes, so that each one is fetched once per origin, not once per container. */
export interface RobotsStore {
  getRobots(origin: string): Promise<RobotsRecord | null>;
  putRobots(record: RobotsRecord): Promise<void>;
}

export interface CommentQuery {
  readonly limit: number;
  readonly cursor?: string;
}

/**
 * Comments and each article's comment count. There is no transaction between the two (the local DynamoDB server
 * has none): the use cases write the comment, then the count, and say what happens between (docs/table-design.md).
 */
export interface CommentStore {
  /** Stores a new comment; a second put of the same id is refused (conditional put), never an overwrite. */
  putComment(comment: Comment): Promise<void>;
  getComment(articleId: string, commentId: string): Promise<Comment | null>;
  /** Deletes it: true for the one caller that deleted it, false when it was already gone. */
  deleteComment(articleId: string, commentId: string): Promise<boolean>;
  /** Adds `delta` to the article's count once per comment and direction, however often a request is retried. */
  countComment(articleId: string, commentId: string, delta: 1 | -1): Promise<void>;
  /** Newest first. */
  listComments(articleId: string, query: CommentQuery): Promise<Page<Comment>>;
}

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly slot: RateSlot };

/** Counters shared by every API instance (functions/comments/rate-limit.ts says which windows). */
export interface RateLimiter {
  /** Takes one from each slot, in order, and stops at the first that is full (that slot is not taken from). */
  take(userId: string, slots: readonly RateSlot[]): Promise<RateDecision>;
}
