import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Telemetry } from '../../functions/shared/telemetry';
import { DynamoRelatedStore } from '../../functions/store/dynamo-related-store';
import { DynamoArticleStore, DynamoSourceStore } from '../../functions/store/dynamo-stores';
import { createRelatedQueries } from '../../functions/use-cases/related-queries';
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
    gauge() {},
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
      related: new DynamoRelatedStore({ client, tableName }),
      telemetry,
    };
    const queries = createRelatedQueries({ store: deps.related, articles: deps.articles });
    const body = 'Volcano Etna erupted near Catania on Sunday. Ash from Etna closed Catania airport for the day.';
    const first = await storeArticle(draft('etna-1', 'Etna erupts, Catania airport closed', body), deps);
    expect(first.stored).toBe(true);
    expect(first.article.storyId).toBe('etna-1');
    expect(first.article.terms.map((term) => term.term)).toContain('etna');
    expect((await deps.articles.getArticle('etna-1'))?.terms).toEqual(first.article.terms);

    await storeArticle(draft('etna-2', 'Ash from Etna shuts Catania airport', `${body} Flights resumed on Monday.`), deps);
    expect((await queries.findRelated('etna-1', { limit: 5 }))?.map((entry) => entry.id)).toEqual(['etna-2']);

    const again = await storeArticle(draft('etna-1', 'Etna erupts, Catania airport closed', body), deps);
    expect(again.stored).toBe(false);
    expect(counts).toEqual({ ArticlesStored: 2, RelatedIndexUpdates: 2, DuplicatesSkipped: 1 });
    expect((await deps.sources.getSource('example'))?.articleCount).toBe(2);
  });

  it('gives a copy of a text the story of the first, under another headline, standfirst and appeal', async () => {
    const { client, tableName } = dynamo;
    const { telemetry } = recorder();
    const related = new DynamoRelatedStore({ client, tableName });
    const articles = new DynamoArticleStore({ client, tableName });
    const deps = { articles, related, sources: new DynamoSourceStore({ client, tableName }), telemetry };
    const wire =
      'The central bank raised its benchmark interest rate by a quarter of a percentage point on Thursday, the third ' +
      'increase this year, saying inflation in services and rents had proved more stubborn than it expected. The ' +
      'governor told reporters that the committee had voted seven to two for the move and that further rises could ' +
      'not be ruled out if wage growth stayed above four per cent through the spring. Mortgage lenders said they ' +
      'would pass the increase on to variable-rate borrowers from next month.';
    const original = await storeArticle(draft('rate-agency', 'Central bank raises rates again', wire), deps);
    const copy = await storeArticle(
      draft(
        'rate-reprint',
        'Borrowers face higher bills as bank lifts rates',
        `Agency report. ${wire} This journalism is free to read because readers like you support it. Become a supporter.`,
      ),
      deps,
    );
    const other = await storeArticle(
      draft(
        'rate-analysis',
        'Why the central bank keeps raising rates',
        'Economists were divided on Thursday over whether the central bank was right to raise its interest rate once ' +
          'more. Several argued that services inflation reflects tight labour markets that higher borrowing costs ' +
          'will take many months to cool, while others warned that mortgage holders and small firms already show ' +
          'signs of strain, and that a pause in the spring would let the earlier increases work through the economy.',
      ),
      deps,
    );
    expect(copy.article.storyId).toBe(original.article.storyId);
    expect(other.article.storyId).toBe('rate-analysis');
    // One entry per story in a related box: the analysis shows the story once.
    const queries = createRelatedQueries({ store: related, articles });
    const box = ((await queries.findRelated('rate-analysis', { limit: 10 })) ?? []).map((item) => item.id);
    expect(box.filter((id) => id === 'rate-agency' || id === 'rate-reprint')).toHaveLength(1);
  });
});
