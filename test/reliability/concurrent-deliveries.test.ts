/**
 * Two deliveries of one message in one batch (SQS may deliver a message twice, and both copies can land in the same
 * batch, whose records the worker processes in parallel), and a batch of ten slow pages from one host: the deployed
 * worker handler over real local DynamoDB, pages on loopback. Counts are exact: one article, counted once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPageFetcher } from '../../functions/fetch/page-fetcher';
import { DynamoRelatedStore } from '../../functions/store/dynamo-related-store';
import { silentTelemetry } from '../../functions/shared/telemetry';
import { DynamoArticleStore, DynamoSeenUrlStore, DynamoSourceStore } from '../../functions/store/dynamo-stores';
import { ingestArticle } from '../../functions/use-cases/ingest-article';
import { createLambdaContext } from '../../local/lambda-context';
import { articleMessage, sqsEvent } from '../support/events';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { startPageServer, unrelatedArticlePage, type PageServer } from './support/page-server';
import { startPipelineHarness, type PipelineHarness } from './support/pipeline-harness';

let harness: PipelineHarness;
let pages: PageServer;

beforeAll(async () => {
  pages = await startPageServer();
  harness = await startPipelineHarness({ allowPrivateAddresses: true });
}, 60_000);

afterAll(async () => {
  await harness?.stop();
  await pages?.stop();
});

describe('two deliveries of one message in one batch', () => {
  it('store the article once and count it exactly once: one ArticlesStored, one DuplicatesSkipped, one on its source', async () => {
    harness.resetTally();
    const url = `${pages.origin}/twice/in-one-batch`;
    // Slow enough that both records are past the seen-URL check before either has stored the article.
    pages.route('/twice/in-one-batch', (_request, response) => {
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(unrelatedArticlePage(31_337, url));
      }, 200);
    });
    await harness.stores.sources.registerSource({ id: 'twice', name: 'Twice', url: `${pages.origin}/twice/feed.xml`, schedule: 'rate(1 hour)' });
    const message = articleMessage({ url, sourceId: 'twice', sourceName: 'Twice' });

    const response = await harness.worker(sqsEvent([message, message]), createLambdaContext('newsweave-worker', 60));

    expect(response.batchItemFailures).toEqual([]);
    expect(pages.hits('/twice/in-one-batch')).toBe(2);
    const { totals } = harness.tally();
    expect(totals.ArticlesStored).toBe(1);
    expect(totals.DuplicatesSkipped).toBe(1);
    expect(totals.PagesRejected ?? 0).toBe(0);
    const listing = await harness.stores.articles.listArticles({ sourceId: 'twice', limit: 10 });
    expect(listing.items.map((item) => item.url)).toEqual([url]);
    expect((await harness.stores.sources.getSource('twice'))?.articleCount).toBe(1);
    expect(await harness.stores.seen.filterUnseen([url])).toEqual([]);
  });
});

describe('a batch of ten slow pages from one host', () => {
  let dynamo: LocalDynamo;

  beforeAll(async () => {
    dynamo = await startLocalDynamo('slow-host');
  }, 60_000);

  afterAll(async () => {
    await dynamo?.stop();
  });

  it("all arrive: waiting for the host's slot is not taken out of each page's own time limit", async () => {
    const urls = Array.from({ length: 10 }, (_, n) => `${pages.origin}/slow-host/${n}`);
    for (const [n, url] of urls.entries()) {
      pages.route(new URL(url).pathname, (_request, response) => {
        setTimeout(() => {
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          response.end(unrelatedArticlePage(50_000 + n, url));
        }, 400);
      });
    }
    // The worker's limits scaled down: one at a time, 3 s each. Ten pages of 0.4 s take 4 s in all, so the last ones
    // wait up to 3.6 s for their turn; counted from the call, their 3 s would be over before they start. Each page's
    // own 3 s leave a loaded machine room (a 1.5 s limit failed a page under load).
    const deps = {
      articles: new DynamoArticleStore(dynamo),
      sources: new DynamoSourceStore(dynamo),
      seen: new DynamoSeenUrlStore(dynamo),
      related: new DynamoRelatedStore(dynamo),
      fetcher: createPageFetcher({ allowPrivateAddresses: true, limits: { perHostConcurrency: 1, deadlineMs: 3_000, readTimeoutMs: 3_000 } }),
      telemetry: silentTelemetry,
    };
    // As the batch processor runs a batch's records: all at once.
    const outcomes = await Promise.allSettled(urls.map((url) => ingestArticle(articleMessage({ url, sourceId: 'slow-host' }), deps)));
    expect(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.kind : String(outcome.reason)))).toEqual(urls.map(() => 'stored'));
  });
});
