/**
 * A worker that dies between storing an article and indexing it: the message comes again, and the article must then
 * end up indexed for related articles and topics, counted on its source and in ArticlesStored, exactly as if nothing
 * had happened. Driven through the ingest use case with the real DynamoDB stores and a page on loopback, with one
 * deliberate failure of the related index in between, so that the interruption falls at the same place every time.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { labelled } from '../support/labelled';
import { createPageFetcher } from '../../functions/fetch/page-fetcher';
import { silentTelemetry, type Telemetry } from '../../functions/shared/telemetry';
import { DynamoRelatedStore } from '../../functions/store/dynamo-related-store';
import { DynamoArticleStore, DynamoSeenUrlStore, DynamoSourceStore } from '../../functions/store/dynamo-stores';
import { createRelatedQueries } from '../../functions/use-cases/related-queries';
import { ingestArticle, type IngestArticleDeps } from '../../functions/use-cases/ingest-article';
import { articleMessage } from '../support/events';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { ensureTable } from '../../local/servers';
import { startPageServer, type PageServer } from './support/page-server';
import { failingOnce } from '../support/failing-once';

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
  it.each(['putLaterLinks', 'putOwnList'] as const)(
    'is completed by the redelivery when %s fails: indexed, counted on its source and counted as stored once',
    async (method) => {
      const tableName = `interrupted-${method}`;
      await ensureTable(dynamo.raw, tableName);
      const props = { client: dynamo.client, tableName };
      const counts: Record<string, number> = {};
      const telemetry: Telemetry = { ...silentTelemetry, count: (name, value = 1) => void (counts[name] = (counts[name] ?? 0) + value) };
      const related = new DynamoRelatedStore(props);
      const articles = new DynamoArticleStore(props);
      const sources = new DynamoSourceStore(props);
      await sources.registerSource({ id: 'harbor-times', name: 'The Harbor Times', url: `${pages.origin}/feed.xml`, schedule: 'rate(1 hour)' });
      const deps: IngestArticleDeps = {
        articles,
        related: failingOnce(related, method),
        sources,
        seen: new DynamoSeenUrlStore(props),
        fetcher: createPageFetcher({ allowPrivateAddresses: true }),
        telemetry,
      };
      const queries = createRelatedQueries({ store: related, articles });
      // An earlier article on the same subject, so that the interrupted one has links to write.
      const first = await ingestArticle(articleMessage({ url: `${pages.origin}/interrupted/1` }), { ...deps, related });
      if (first.kind !== 'stored') throw new Error(`the first article was not stored: ${first.kind}`);
      const message = articleMessage({ url: `${pages.origin}/interrupted/2` });

      await expect(ingestArticle(message, deps)).rejects.toThrow('ProvisionedThroughputExceededException');
      const listing = await articles.listArticles({ limit: 10 });
      expect(listing.items).toHaveLength(2);
      const stored = listing.items.find((item) => item.id !== first.articleId)!;
      const earlier = { id: first.articleId };
      expect(await related.isIndexed(stored.id)).toBe(false);
      expect(await ingestArticle(message, deps)).toMatchObject({ kind: 'stored', articleId: stored.id });
      const article = await articles.getArticle(stored!.id);
      const term = article!.terms[0]!.term;
      const topic = await queries.listTopic(term, { limit: 10 });
      labelled(`the topic "${term}" lists the article`, () => expect(topic.items.map((item) => item.id)).toContain(stored!.id));
      expect((await queries.findRelated(stored!.id, { limit: 10 }))!.map((item) => item.id)).toEqual([earlier!.id]);
      expect((await queries.findRelated(earlier!.id, { limit: 10 }))!.map((item) => item.id)).toEqual([stored!.id]);
      expect((await sources.getSource('harbor-times'))?.articleCount).toBe(2);
      expect(counts.ArticlesStored).toBe(2);
    },
  );
});
