import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoStoryIndex } from '../../functions/dedupe/story-index';
import { DynamoRelatedIndex } from '../../functions/related/dynamo-related-index';
import type { Telemetry } from '../../functions/shared/telemetry';
import { DynamoArticleStore, DynamoSourceStore } from '../../functions/store/dynamo-stores';
import { storeArticle, type ArticleDraft } from '../../functions/use-cases/store-article';
import { makeArticle } from '../support/articles';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';

function recorder() {
  const counts: Record<string, number> = {};
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const telemetry: Telemetry = {
    log: quiet,
    count: (metric, value = 1) => void (counts[metric] = (counts[metric] ?? 0) + value),
    timing() {},
  };
  return { counts, telemetry };
}

function draft(id: string, title: string, body: string): ArticleDraft {
  const { storyId: _story, terms: _terms, ...rest } = makeArticle({ id, title, body });
  return rest;
}

describe('storeArticle', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  }, 60_000);
  afterAll(async () => dynamo?.stop());

  it('analyses, assigns the story, stores, indexes and counts; a duplicate is neither indexed nor counted', async () => {
    const { client, tableName } = dynamo;
    const { counts, telemetry } = recorder();
    const deps = {
      articles: new DynamoArticleStore({ client, tableName }),
      sources: new DynamoSourceStore({ client, tableName }),
      related: new DynamoRelatedIndex({ client, tableName }),
      stories: new DynamoStoryIndex({ client, tableName }),
      telemetry,
    };
    const body = 'Volcano Etna erupted near Catania on Sunday. Ash from Etna closed Catania airport for the day.';
    const first = await storeArticle(draft('etna-1', 'Etna erupts, Catania airport closed', body), deps);
    expect(first.stored).toBe(true);
    expect(first.article.storyId).toBe('etna-1');
    expect(first.article.terms.map((term) => term.term)).toContain('etna');
    expect((await deps.articles.getArticle('etna-1'))?.terms).toEqual(first.article.terms);

    await storeArticle(draft('etna-2', 'Ash from Etna shuts Catania airport', `${body} Flights resumed on Monday.`), deps);
    expect((await deps.related.findRelated('etna-1', { limit: 5 }))?.map((entry) => entry.id)).toEqual(['etna-2']);

    const again = await storeArticle(draft('etna-1', 'Etna erupts, Catania airport closed', body), deps);
    expect(again.stored).toBe(false);
    expect(counts).toEqual({ ArticlesStored: 2, RelatedIndexUpdates: 2, DuplicatesSkipped: 1 });
    expect((await deps.sources.getSource('example'))?.articleCount).toBe(2);
  });
});
