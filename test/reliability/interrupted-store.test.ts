/**
 * A worker that dies between storing an article and indexing it: the message comes again, and the article must then
 * end up indexed for related articles and topics, counted on its source and in ArticlesStored, exactly as if nothing
 * had happened. Driven through the ingest use case with the real DynamoDB stores and a page on loopback, with one
 * deliberate failure of the related index in between, so that the interruption falls at the same place every time.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { labelled } from '../support/labelled';
import { DynamoStoryIndex } from '../../functions/dedupe/story-index';
import { createPageFetcher } from '../../functions/ingest/page-fetcher';
import type { Article } from '../../functions/model';
import type { RelatedIndex } from '../../functions/ports';
import { DynamoRelatedIndex } from '../../functions/related/dynamo-related-index';
import { silentTelemetry, type Telemetry } from '../../functions/shared/telemetry';
import { DynamoArticleStore, DynamoSeenUrlStore, DynamoSourceStore } from '../../functions/store/dynamo-stores';
import { ingestArticle, type IngestArticleDeps } from '../../functions/use-cases/ingest-article';
import { articleMessage } from '../support/events';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { startPageServer, type PageServer } from './support/page-server';

let dynamo: LocalDynamo;
let pages: PageServer;

beforeAll(async () => {
  dynamo = await startLocalDynamo('interrupted-store');
  pages = await startPageServer();
}, 60_000);

afterAll(async () => {
  await pages?.stop();
  await dynamo?.stop();
});

describe('an ingest interrupted after the conditional put', () => {
  it('is completed by the redelivery: indexed, counted on its source and counted as stored once', async () => {
    const counts: Record<string, number> = {};
    const telemetry: Telemetry = { ...silentTelemetry, count: (name, value = 1) => void (counts[name] = (counts[name] ?? 0) + value) };
    const related = new DynamoRelatedIndex(dynamo);
    let failNext = true;
    // The first indexing attempt fails as a throttled or unreachable DynamoDB would make it fail.
    const flakyRelated: RelatedIndex = {
      findRelated: (id, query) => related.findRelated(id, query),
      listTopic: (topic, query) => related.listTopic(topic, query),
      search: (words, query) => related.search(words, query),
      async indexArticle(article: Article) {
        if (failNext) {
          failNext = false;
          throw new Error('ProvisionedThroughputExceededException');
        }
        await related.indexArticle(article);
      },
    };
    const sources = new DynamoSourceStore(dynamo);
    await sources.registerSource({ id: 'harbor-times', name: 'The Harbor Times', url: `${pages.origin}/feed.xml`, schedule: 'rate(1 hour)' });
    const deps: IngestArticleDeps = {
      articles: new DynamoArticleStore(dynamo),
      related: flakyRelated,
      stories: new DynamoStoryIndex(dynamo),
      sources,
      seen: new DynamoSeenUrlStore(dynamo),
      fetcher: createPageFetcher({ allowPrivateAddresses: true }),
      telemetry,
    };
    const message = articleMessage({ url: `${pages.origin}/interrupted/1` });

    await expect(ingestArticle(message, deps)).rejects.toThrow('ProvisionedThroughputExceededException');
    await ingestArticle(message, deps);

    const listing = await deps.articles.listArticles({ limit: 10 });
    expect(listing.items).toHaveLength(1);
    const [stored] = listing.items;
    const article = await deps.articles.getArticle(stored!.id);
    const term = article!.terms[0]!.term;
    const topic = await related.listTopic(term, { limit: 10 });
    labelled(`the topic "${term}" lists the article`, () => expect(topic.items.map((item) => item.id)).toContain(stored!.id));
    expect((await sources.getSource('harbor-times'))?.articleCount).toBe(1);
    expect(counts.ArticlesStored).toBe(1);
  });
});
