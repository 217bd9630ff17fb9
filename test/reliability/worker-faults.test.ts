/**
 * The worker's use case under the failures SQS and DynamoDB bring (docs/guarantees.md): a write that fails half-way
 * through an article's storing, the redelivery that completes it, and a second URL of the same article completing
 * it instead. In-memory stores, a page fetcher from a map and a clock, with one store method failing once as a
 * throttled DynamoDB would make it fail.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { FetchError, type FetchedPage, type PageFetcher, type RelatedStore, type SourceStore } from '../../functions/ports';
import { MemoryArticleStore } from '../../functions/store/memory-article-store';
import { MemoryRelatedStore } from '../../functions/store/memory-related-store';
import { createRelatedQueries } from '../../functions/use-cases/related-queries';
import { ingestArticle, type IngestArticleDeps } from '../../functions/use-cases/ingest-article';
import { articleMessage } from '../support/events';
import { articlePage } from '../support/pages';
import { InMemorySeenUrlStore, InMemorySourceStore, RecordingTelemetry } from '../fetch/fakes';
import { failingOnce } from '../support/failing-once';

const CANONICAL = 'https://news.example.com/story';


let clock: number;
let pages: Map<string, string | FetchError>;
let articles: MemoryArticleStore;
let related: MemoryRelatedStore;
let sources: InMemorySourceStore;
let seen: InMemorySeenUrlStore;
let telemetry: RecordingTelemetry;

const fetcher: PageFetcher = {
  async fetchPage(url: string): Promise<FetchedPage> {
    const page = pages.get(url);
    if (page === undefined) throw new FetchError('http', 'HTTP 404', { status: 404 });
    if (page instanceof FetchError) throw page;
    return { status: 200, url, contentType: 'text/html; charset=utf-8', body: Buffer.from(page) };
  },
};

const deps = (overrides: { related?: RelatedStore; sources?: Pick<SourceStore, 'incrementArticleCount' | 'recordPageError'> } = {}): IngestArticleDeps => ({
  articles,
  related: overrides.related ?? related,
  sources: overrides.sources ?? sources,
  seen,
  fetcher,
  telemetry,
  now: () => new Date(clock),
});

beforeEach(async () => {
  clock = Date.parse('2026-11-28T10:00:00Z');
  pages = new Map();
  articles = new MemoryArticleStore();
  related = new MemoryRelatedStore();
  sources = new InMemorySourceStore();
  seen = new InMemorySeenUrlStore(() => clock);
  telemetry = new RecordingTelemetry();
  for (const id of ['a', 'b']) await sources.registerSource({ id, name: id, url: `https://${id}.example/rss`, schedule: 'rate(1 hour)' });
});

describe('an article stored by one delivery and completed by another', () => {
  it('is counted on the source it is stored under when another feed\'s URL of it completes the indexing', async () => {
    // Two feeds' URLs that the page declares one canonical URL for: the first is interrupted after its conditional
    // put, the second finds the article stored and completes its indexing, so it is the one to count it.
    const urlA = `${CANONICAL}?from=a`;
    const urlB = `${CANONICAL}?from=b`;
    pages.set(urlA, articlePage('Dockworkers return', CANONICAL, 'the strike'));
    pages.set(urlB, articlePage('Dockworkers return', CANONICAL, 'the strike'));
    await expect(
      ingestArticle(articleMessage({ url: urlA, sourceId: 'a', sourceName: 'a' }), deps({ related: failingOnce(related, 'putLaterLinks') })),
    ).rejects.toThrow('ProvisionedThroughputExceededException');

    expect(await ingestArticle(articleMessage({ url: urlB, sourceId: 'b', sourceName: 'b' }), deps())).toMatchObject({ kind: 'stored' });
    const [stored] = [...articles.articles.values()];
    expect(stored!.source.id).toBe('a');
    expect((await sources.getSource('a'))!.articleCount).toBe(1);
    expect((await sources.getSource('b'))!.articleCount).toBe(0);
    expect(telemetry.total('ArticlesStored')).toBe(1);
  });
});

describe('a page without a date', () => {
  const undated = () => articlePage('Dockworkers return', CANONICAL, 'the strike').replace(/<meta property="article:published_time"[^>]*>/, '');

  it.each(['findCandidates', 'putLaterLinks'] as const)(
    'is listed once under its topics when a delivery interrupted at %s is completed minutes later',
    async (step) => {
      // Its time falls back to each delivery's fetch time; the postings' keys hold it.
      pages.set(CANONICAL, undated());
      const message = articleMessage({ url: CANONICAL, sourceId: 'a', sourceName: 'a' });
      const failing = failingOnce(related, step === 'findCandidates' ? 'readPostings' : 'putLaterLinks');
      await expect(ingestArticle(message, deps({ related: failing }))).rejects.toThrow('ProvisionedThroughputExceededException');
      clock += 9 * 60_000;
      expect(await ingestArticle(message, deps())).toMatchObject({ kind: 'stored' });

      const [stored] = [...articles.articles.values()];
      const term = stored!.terms[0]!.term;
      expect([...related.postings.get(term)!.values()].map((posting) => posting.publishedAt)).toEqual([stored!.publishedAt]);
      const topic = await createRelatedQueries({ store: related, articles }).listTopic(term, { limit: 10 });
      expect(topic.items.map((item) => item.id)).toEqual([stored!.id]);
      expect((await related.readEntries([stored!.id]))[0]!.publishedAt).toBe(stored!.publishedAt);
    },
  );

  it('is listed once under its topics when two deliveries of it race', async () => {
    pages.set(CANONICAL, undated());
    const message = articleMessage({ url: CANONICAL, sourceId: 'a', sourceName: 'a' });
    // In one batch: the second fetches it a second later.
    const outcomes = await Promise.all([ingestArticle(message, deps()), ingestArticle(message, { ...deps(), now: () => new Date(clock + 1000) })]);
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['duplicate', 'stored']);
    const [stored] = [...articles.articles.values()];
    const term = stored!.terms[0]!.term;
    expect(related.postings.get(term)!.size).toBe(1);
  });
});

describe('a failure after the own list is stored', () => {
  it('counts the article stored once and settles its URL when the source\'s count cannot be incremented', async () => {
    // The own list decides which delivery counts the article: a redelivery would find it indexed, a duplicate, and
    // the article would be counted nowhere.
    pages.set(CANONICAL, articlePage('Dockworkers return', CANONICAL, 'the strike'));
    const message = articleMessage({ url: CANONICAL, sourceId: 'a', sourceName: 'a' });
    expect(await ingestArticle(message, deps({ sources: failingOnce(sources, 'incrementArticleCount') }))).toMatchObject({ kind: 'stored' });
    expect(telemetry.total('ArticlesStored')).toBe(1);
    expect(seen.outcomes.get(CANONICAL)).toMatchObject({ kind: 'stored' });
    expect(telemetry.logs).toContainEqual(
      expect.objectContaining({ level: 'error', extra: expect.objectContaining({ sourceId: 'a', error: expect.stringContaining('ProvisionedThroughputExceeded') }) }),
    );
    // A delivery of it again is a duplicate, counted nowhere.
    expect(await ingestArticle(message, deps())).toMatchObject({ kind: 'duplicate' });
    expect(telemetry.total('ArticlesStored')).toBe(1);
  });
});

describe('a page gone before the redelivery that would finish its article', () => {
  it.each([
    ['gone (404)', () => pages.delete(CANONICAL)],
    ['no longer an article', () => pages.set(CANONICAL, '<html><body><p>Moved.</p></body></html>')],
  ])('finishes the stored article from what was stored when the page is %s, instead of leaving it listed without related articles', async (_case, change) => {
    pages.set(CANONICAL, articlePage('Dockworkers return', CANONICAL, 'the strike'));
    const message = articleMessage({ url: CANONICAL, sourceId: 'a', sourceName: 'a' });
    await expect(ingestArticle(message, deps({ related: failingOnce(related, 'putLaterLinks') }))).rejects.toThrow('ProvisionedThroughputExceededException');
    const [begun] = [...articles.articles.values()];
    expect(await related.isIndexed(begun!.id)).toBe(false);

    change();
    expect(await ingestArticle(message, deps())).toMatchObject({ kind: 'stored', articleId: begun!.id });
    expect(await related.isIndexed(begun!.id)).toBe(true);
    expect(seen.outcomes.get(CANONICAL)).toMatchObject({ kind: 'stored', articleId: begun!.id });
    expect((await sources.getSource('a'))!.articleCount).toBe(1);
    expect(telemetry.total('ArticlesStored')).toBe(1);
    expect(telemetry.total('PagesRejected')).toBe(0);
  });

  it('rejects a page gone for good as before when nothing of it was stored, or it was finished', async () => {
    const message = articleMessage({ url: CANONICAL, sourceId: 'a', sourceName: 'a' });
    expect(await ingestArticle(message, deps())).toMatchObject({ kind: 'rejected' });
    expect(articles.articles.size).toBe(0);
    expect(telemetry.total('PagesRejected')).toBe(1);
  });
});
