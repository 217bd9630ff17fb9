import { createFetcher } from '../fetch/http-fetch';
import type { PageFetcher } from '../use-cases/ingest-article';

const ACCEPT_HTML = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1';

/**
 * The worker's page fetcher: the polite fetcher with limits sized so that a batch of ten slow pages still fits in the
 * worker's timeout (QUEUE_SETTINGS.workerTimeoutSeconds).
 */
export function createPageFetcher(options: { readonly allowPrivateAddresses: boolean }): PageFetcher {
  const fetcher = createFetcher({
    allowPrivateAddresses: options.allowPrivateAddresses,
    connectTimeoutMs: 5_000,
    readTimeoutMs: 10_000,
    deadlineMs: 20_000,
    perHostConcurrency: 4,
  });
  return {
    async fetchPage(url) {
      const result = await fetcher.fetch(url, { accept: ACCEPT_HTML });
      return { status: result.status, url: result.url, contentType: result.headers['content-type'] ?? null, body: result.body };
    },
  };
}
