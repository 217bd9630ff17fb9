/**
 * The date an article is listed under: the page's, else its feed entry's, else the time it was fetched. A date after
 * the fetch (a feed or page in the wrong time zone, a typo, a source that wants the top of the listing) is the time
 * of the fetch: newest-first listings and cursors sort by it.
 */
import { beforeEach, expect, it } from '@jest/globals';
import type { PageFetcher } from '../../functions/ports';
import { MemoryArticleStore } from '../../functions/store/memory-article-store';
import { MemoryRelatedStore } from '../../functions/store/memory-related-store';
import { ingestArticle, type IngestArticleDeps } from '../../functions/use-cases/ingest-article';
import { articleMessage } from '../support/events';
import { articlePage } from '../support/pages';
import { InMemorySeenUrlStore, InMemorySourceStore, RecordingTelemetry } from '../fetch/fakes';

const URL_ = 'https://news.example.com/story';
const FETCHED_AT = '2026-11-28T10:00:00.000Z';

let articles: MemoryArticleStore;
let page: string;

const deps = (): IngestArticleDeps => ({
  fetcher: { fetchPage: async (url) => ({ status: 200, url, contentType: 'text/html; charset=utf-8', body: Buffer.from(page) }) } satisfies PageFetcher,
  seen: new InMemorySeenUrlStore(() => Date.parse(FETCHED_AT)),
  sources: new InMemorySourceStore(),
  telemetry: new RecordingTelemetry(),
  now: () => new Date(FETCHED_AT),
  articles,
  related: new MemoryRelatedStore(),
});

beforeEach(() => {
  articles = new MemoryArticleStore();
  page = articlePage('Dockworkers return to the harbour', URL_, 'the strike');
});

it.each([
  ['the page', '2099-12-31T00:00:00Z', undefined],
  ['the feed entry', null, '2099-12-31T00:00:00.000Z'],
])('lists an article whose date (from %s) is after its fetch under the time of the fetch', async (_from, pageDate, entryDate) => {
  page = pageDate === null ? page.replace(/<meta property="article:published_time"[^>]*>/, '') : page.replace('2026-11-20T08:00:00Z', pageDate);
  const message = articleMessage({ url: URL_, entry: { url: URL_, ...(entryDate ? { publishedAt: entryDate } : {}) } });
  const outcome = await ingestArticle(message, deps());
  expect(outcome).toMatchObject({ kind: 'stored' });
  expect([...articles.articles.values()][0]?.publishedAt).toBe(FETCHED_AT);
});

it('keeps a date before the fetch', async () => {
  await ingestArticle(articleMessage({ url: URL_ }), deps());
  expect([...articles.articles.values()][0]?.publishedAt).toBe('2026-11-20T08:00:00.000Z');
});
