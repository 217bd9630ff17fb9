/**
 * The handler over the real DynamoDB stores (dynalite, in process): real cursors page through real listings, the
 * store's own cursor checks become 400s, and what the stores return still conforms to docs/openapi.json.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiHandler, type ApiHandler } from '../../functions/api/create-api-handler';
import { silentTelemetry } from '../../functions/shared/telemetry';
import { encodeCursor } from '../../functions/contracts/cursor';
import { sourceKey } from '../../functions/contracts/table-schema';
import { DynamoCommentStore, DynamoRateLimiter } from '../../functions/store/dynamo-comments';
import { DynamoRelatedStore } from '../../functions/store/dynamo-related-store';
import { DynamoArticleStore, DynamoSourceStore } from '../../functions/store/dynamo-stores';
import { createRelatedQueries } from '../../functions/use-cases/related-queries';
import { makeArticle } from '../support/articles';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { apiEvent } from './events';
import { conformanceErrors, responseSpec } from './openapi-schemas';

const id = (n: number) => `dynamo-article-${String(n).padStart(7, '0')}`;

let dynamo: LocalDynamo;
let handler: ApiHandler;

beforeAll(async () => {
  dynamo = await startLocalDynamo('newsweave-api-test');
  const articles = new DynamoArticleStore(dynamo);
  const sources = new DynamoSourceStore(dynamo);
  for (const sourceId of ['alpha', 'beta']) {
    await sources.registerSource({ id: sourceId, name: sourceId.toUpperCase(), url: `https://${sourceId}.example.com/rss`, schedule: 'rate(10 minutes)' });
  }
  for (let n = 0; n < 7; n += 1) {
    const sourceId = n < 4 ? 'alpha' : 'beta';
    await articles.putArticleIfAbsent(
      makeArticle({ id: id(n), source: { id: sourceId, name: sourceId.toUpperCase() }, publishedAt: new Date(Date.UTC(2026, 10, 20, 12, n)).toISOString() }),
    );
    await sources.incrementArticleCount(sourceId);
  }
  handler = createApiHandler({
    articles,
    sources,
    // The related index knows nothing yet, as right after the articles were stored.
    related: createRelatedQueries({ store: new DynamoRelatedStore(dynamo), articles }),
    comments: new DynamoCommentStore(dynamo),
    rateLimiter: new DynamoRateLimiter(dynamo),
    telemetry: silentTelemetry,
  });
}, 60_000);

afterAll(() => dynamo.stop());

async function get(target: string) {
  const result = await handler(apiEvent(target));
  return { result, json: JSON.parse(result.body ?? 'null') };
}

describe('the API over the DynamoDB stores', () => {
  it('pages through every article newest first with the store cursors, each page conforming', async () => {
    const seen: string[] = [];
    let target: string | null = '/articles?limit=3';
    let pages = 0;
    while (target && pages < 10) {
      const { result, json } = await get(target);
      expect(conformanceErrors(result, responseSpec('/articles', 200))).toEqual([]);
      seen.push(...json.items.map((item: { id: string }) => item.id));
      target = json.nextCursor ? `/articles?limit=3&cursor=${json.nextCursor}` : null;
      pages += 1;
    }
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map(id));
    expect(pages).toBe(3);
  });

  it('lists one source', async () => {
    const { json } = await get('/articles?source=beta');
    expect(json.items.map((item: { id: string }) => item.id)).toEqual([6, 5, 4].map(id));
  });

  it('refuses a cursor the store did not make, even a well-formed-looking one', async () => {
    const forged = Buffer.from(JSON.stringify({ s: 'not-a-date#x', i: 'x' })).toString('base64url');
    for (const cursor of [forged, 'AAAA', encodeCursor({ sortKey: '2026-11-20T12:00:00.000Z#a', id: 'b' })]) {
      const { result, json } = await get(`/articles?cursor=${cursor}`);
      expect(result.statusCode).toBe(400);
      expect(json.error.code).toBe('invalid_cursor');
    }
  });

  it('serves a stored article, and an empty related list while the index has not caught up', async () => {
    const article = await get(`/articles/${id(2)}`);
    expect(conformanceErrors(article.result, responseSpec('/articles/{id}', 200))).toEqual([]);
    expect(article.json.id).toBe(id(2));
    const related = await get(`/articles/${id(2)}/related`);
    expect(related.json).toEqual({ items: [] });
  });

  it('lists the sources with their article counts', async () => {
    const { result, json } = await get('/sources');
    expect(conformanceErrors(result, responseSpec('/sources', 200))).toEqual([]);
    expect(json.items.map((s: { id: string; articleCount: number }) => [s.id, s.articleCount])).toEqual([
      ['alpha', 4],
      ['beta', 3],
    ]);
  });

  it('says how often each source is refreshed from the schedule the fetcher wrote, and nothing for records without a usable one', async () => {
    const put = (item: Record<string, unknown>) =>
      dynamo.client.send(new PutCommand({ TableName: dynamo.tableName, Item: { ...sourceKey(String(item.id)), name: String(item.id), url: 'https://old.example.com/rss', errorCount: 0, articleCount: 0, ...item } }));
    // Written by hand or by an older fetcher: no schedule, or one that is no schedule.
    await put({ id: 'gamma' });
    await put({ id: 'delta', schedule: 10 });
    await put({ id: 'epsilon', schedule: { S: 'rate(10 minutes)' } });
    await put({ id: 'zeta', schedule: 'now and then' });
    try {
      const { result, json } = await get('/sources');
      expect(conformanceErrors(result, responseSpec('/sources', 200))).toEqual([]);
      expect(json.items.map((s: { id: string; refreshMinutes: unknown }) => [s.id, s.refreshMinutes])).toEqual([
        ['alpha', 10],
        ['beta', 10],
        ['delta', null],
        ['epsilon', null],
        ['gamma', null],
        ['zeta', null],
      ]);
    } finally {
      for (const id of ['gamma', 'delta', 'epsilon', 'zeta']) {
        await dynamo.client.send(new DeleteCommand({ TableName: dynamo.tableName, Key: sourceKey(id) }));
      }
    }
  });
});
