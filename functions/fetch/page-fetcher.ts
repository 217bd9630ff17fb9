import { createFetcher, type FetcherOptions } from './http-fetch';
import type { PageFetcher, RobotsStore } from '../ports';

const ACCEPT_HTML = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1';

/**
 * The worker's limits: a batch of ten pages must fit in the worker's timeout (QUEUE_SETTINGS.workerTimeoutSeconds,
 * 90 s). A page waits at most 40 s for its host's slot (other pages of the host, its Crawl-delay), then gets its own
 * 20 s; a page that cannot get a slot in time is given back to the queue (`host-busy`) rather than overrun the batch.
 */
export const PAGE_FETCH_LIMITS = {
  connectTimeoutMs: 5_000,
  readTimeoutMs: 10_000,
  deadlineMs: 20_000,
  perHostConcurrency: 4,
  maxSlotWaitMs: 40_000,
} as const;

export interface PageFetcherOptions {
  readonly allowPrivateAddresses: boolean;
  /** @default DEFAULT_USER_AGENT */
  readonly userAgent?: string;
  /** Shares robots.txt files with the other containers. @default memory only */
  readonly robotsStore?: RobotsStore;
  readonly onRobotsStoreError?: (error: unknown, origin: string) => void;
  /** Tests shorten the limits. @default PAGE_FETCH_LIMITS */
  readonly limits?: Partial<Pick<FetcherOptions, keyof typeof PAGE_FETCH_LIMITS>>;
}

/** The worker's page fetcher: the polite fetcher, robots.txt included, with PAGE_FETCH_LIMITS. */
export function createPageFetcher(options: PageFetcherOptions): PageFetcher {
  const fetcher = createFetcher({
    ...PAGE_FETCH_LIMITS,
    ...options.limits,
    allowPrivateAddresses: options.allowPrivateAddresses,
    userAgent: options.userAgent,
    robots: { store: options.robotsStore, onStoreError: options.onRobotsStoreError },
  });
  return {
    async fetchPage(url) {
      const result = await fetcher.fetch(url, { accept: ACCEPT_HTML });
      return { status: result.status, url: result.url, contentType: result.headers['content-type'] ?? null, body: result.body };
    },
  };
}
