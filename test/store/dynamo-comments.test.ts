/**
 * Comments, their count and the rate windows on a real local DynamoDB server (dynalite): the conditional writes, the
 * pages and cursors, the article read that brings the count in the same request, and the rate limit shared by two
 * API instances, each with its own client, as two Lambda containers would be.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { createApiHandler, type ApiHandler } from '../../functions/api/create-api-handler';
import type { RateWindow } from '../../functions/comments/rate-limit';
import type { Comment } from '../../functions/contracts/model';
import { InvalidCursorError } from '../../functions/ports';
import { silentTelemetry } from '../../functions/shared/telemetry';
import { encodeCursor } from '../../functions/contracts/cursor';
import { DynamoCommentStore, DynamoRateLimiter } from '../../functions/store/dynamo-comments';
import { DynamoRelatedStore } from '../../functions/store/dynamo-related-store';
import { createRelatedQueries } from '../../functions/use-cases/related-queries';
import { DynamoArticleStore, DynamoSourceStore } from '../../functions/store/dynamo-stores';
import { commentCountKey, rateWindowKey } from '../../functions/contracts/table-schema';
import { createDynamoClients, ensureTable, startDynamo, type LocalServer } from '../../local/servers';
import { makeArticle } from '../support/articles';
import { ADA, BOB, MODERATOR, signedInEvent } from '../api/events';
import { GetCommand } from '@aws-sdk/lib-dynamodb';

const TABLE = 'newsweave-comments-test';
const ARTICLE = 'comments-article-000001';
const OTHER = 'comments-article-000002';

let server: LocalServer;
const clients: ReturnType<typeof createDynamoClients>[] = [];
let store: DynamoCommentStore;
let articles: DynamoArticleStore;

function client() {
  const created = createDynamoClients(server.endpoint);
  clients.push(created);
  return created.document;
}

beforeAll(async () => {
  server = await startDynamo();
  const { raw } = createDynamoClients(server.endpoint);
  await ensureTable(raw, TABLE);
  raw.destroy();
  const props = { client: client(), tableName: TABLE };
  store = new DynamoCommentStore(props);
  articles = new DynamoArticleStore(props);
  for (const id of [ARTICLE, OTHER]) await articles.putArticleIfAbsent(makeArticle({ id }));
}, 30_000);

afterAll(async () => {
  for (const each of clients) each.raw.destroy();
  await server.stop();
});

const comment = (n: number, articleId = ARTICLE): Comment => ({
  id: `01JDR3V9Q4X8K2M6N7P0S5T${String(n).padStart(3, '0')}`,
  articleId,
  author: { id: ADA.sub, name: 'ada' },
  body: `comment ${n} <b>as written</b>`,
  createdAt: new Date(Date.UTC(2026, 10, 20, 10, n)).toISOString(),
});

describe('DynamoCommentStore', () => {
  it('stores a comment once (conditional put) and reads it back consistently', async () => {
    await store.putComment(comment(1));
    await expect(store.putComment({ ...comment(1), body: 'overwrite' })).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    expect(await store.getComment(ARTICLE, comment(1).id)).toEqual(comment(1));
    expect(await store.getComment(OTHER, comment(1).id)).toBeNull();
  });

  it('lists newest first, page by page, and only this article\'s comments', async () => {
    for (const n of [2, 3, 4, 5]) await store.putComment(comment(n));
    await store.putComment(comment(6, OTHER));
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listComments(ARTICLE, { limit: 2, cursor });
      ids.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(ids).toEqual([5, 4, 3, 2, 1].map((n) => comment(n).id));
  });

  it('refuses a cursor that does not name a comment', async () => {
    await expect(store.listComments(ARTICLE, { limit: 2, cursor: 'garbage' })).rejects.toBeInstanceOf(InvalidCursorError);
    const articleShaped = encodeCursor({ sortKey: `2026-11-20T10:00:00.000Z#${ARTICLE}`, id: ARTICLE });
    await expect(store.listComments(ARTICLE, { limit: 2, cursor: articleShaped })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('counts each comment once however often the same change is retried, and concurrent ones all', async () => {
    const before = (await articles.getArticleWithCommentCount(OTHER))?.commentCount;
    expect(before).toBe(0);
    await store.countComment(OTHER, comment(6).id, 1);
    await store.countComment(OTHER, comment(6).id, 1);
    await Promise.all([7, 8, 9].map((n) => store.countComment(OTHER, comment(n).id, 1)));
    expect((await articles.getArticleWithCommentCount(OTHER))?.commentCount).toBe(4);
    await store.countComment(OTHER, comment(9).id, -1);
    await store.countComment(OTHER, comment(9).id, -1);
    expect((await articles.getArticleWithCommentCount(OTHER))?.commentCount).toBe(3);
  });

  it('deletes once: the second delete finds nothing', async () => {
    expect(await store.deleteComment(ARTICLE, comment(5).id)).toBe(true);
    expect(await store.deleteComment(ARTICLE, comment(5).id)).toBe(false);
    expect(await store.getComment(ARTICLE, comment(5).id)).toBeNull();
  });
});

describe('DynamoArticleStore with comments', () => {
  it('reads the article and its count in one request, and shows a count below zero as zero', async () => {
    const props = { client: client(), tableName: TABLE };
    const before = server.requestCount();
    const found = await new DynamoArticleStore(props).getArticleWithCommentCount(ARTICLE);
    expect(server.requestCount() - before).toBe(1);
    expect(found?.article.id).toBe(ARTICLE);
    expect(await articles.getArticleWithCommentCount('comments-article-unknown')).toBeNull();
    await store.countComment('comments-article-000003', 'x', -1);
    await articles.putArticleIfAbsent(makeArticle({ id: 'comments-article-000003' }));
    expect((await articles.getArticleWithCommentCount('comments-article-000003'))?.commentCount).toBe(0);
  });

  it('knows whether an article exists', async () => {
    expect(await articles.hasArticle(ARTICLE)).toBe(true);
    expect(await articles.hasArticle('comments-article-unknown')).toBe(false);
  });
});

/** One API instance: its own SDK client, stores and clock, as one Lambda container has. */
function apiInstance(now: () => Date, rateLimits?: readonly RateWindow[]): ApiHandler {
  const props = { client: client(), tableName: TABLE };
  return createApiHandler({
    articles: new DynamoArticleStore(props),
    sources: new DynamoSourceStore(props),
    related: createRelatedQueries({ store: new DynamoRelatedStore(props), articles: new DynamoArticleStore(props) }),
    comments: new DynamoCommentStore(props),
    rateLimiter: new DynamoRateLimiter(props),
    telemetry: silentTelemetry,
    now,
    rateLimits,
  });
}

const post = (handler: ApiHandler, user = BOB, article = ARTICLE) =>
  handler(signedInEvent(`/articles/${article}/comments`, { method: 'POST', user, body: { body: 'hello' } }));

describe('the rate limit, held in DynamoDB', () => {
  it('holds across two API instances: 5 a minute between them, then 429 until the next minute', async () => {
    let now = new Date('2026-11-20T10:01:42.000Z');
    const [a, b] = [apiInstance(() => now), apiInstance(() => now)];
    const statuses = [];
    for (const handler of [a, b, a, b, a]) statuses.push((await post(handler)).statusCode);
    expect(statuses).toEqual([201, 201, 201, 201, 201]);
    for (const handler of [a, b]) {
      const refused = await post(handler);
      expect(refused.statusCode).toBe(429);
      expect(refused.headers?.['retry-after']).toBe('18');
    }
    expect((await post(a, ADA)).statusCode).toBe(201);
    now = new Date('2026-11-20T10:02:00.000Z');
    expect((await post(b)).statusCode).toBe(201);
  });

  it('counts the day across minutes, and a post refused by the minute leaves the day alone', async () => {
    const limits: RateWindow[] = [
      { name: 'minute', seconds: 60, max: 2 },
      { name: 'day', seconds: 86_400, max: 3 },
    ];
    let now = new Date('2026-11-21T23:59:00.000Z');
    const [a, b] = [apiInstance(() => now, limits), apiInstance(() => now, limits)];
    const user = { sub: 'rate-day-user', username: 'dee' };
    expect([(await post(a, user)).statusCode, (await post(b, user)).statusCode, (await post(a, user)).statusCode]).toEqual([201, 201, 429]);
    now = new Date('2026-11-21T23:59:30.000Z');
    expect((await post(b, user)).statusCode).toBe(429);
    const day = await clients[0]!.document.send(new GetCommand({ TableName: TABLE, Key: rateWindowKey(user.sub, 'day#2026-11-21T00:00:00.000Z') }));
    expect(day.Item).toMatchObject({ count: 2, expiresAt: Date.parse('2026-11-23T00:00:00.000Z') / 1000 });
    now = new Date('2026-11-22T00:00:10.000Z');
    expect((await post(a, user)).statusCode).toBe(201);
  });

  it('tells how long the day lasts when the day refuses', async () => {
    const limits: RateWindow[] = [
      { name: 'minute', seconds: 60, max: 5 },
      { name: 'day', seconds: 86_400, max: 1 },
    ];
    const now = new Date('2026-11-23T23:00:00.000Z');
    const a = apiInstance(() => now, limits);
    const user = { sub: 'rate-day-user-2', username: 'eve' };
    expect((await post(a, user)).statusCode).toBe(201);
    const refused = await post(a, user);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers?.['retry-after']).toBe('3600');
    expect(JSON.parse(refused.body ?? '').error.message).toMatch(/day/);
  });

  it('names the day in every refusal once the day is full, the refusals of the minute included, and writes nothing more past a full minute', async () => {
    const limits: RateWindow[] = [
      { name: 'minute', seconds: 60, max: 5 },
      { name: 'day', seconds: 86_400, max: 1 },
    ];
    const now = new Date('2026-11-25T23:00:00.000Z');
    const [a, b] = [apiInstance(() => now, limits), apiInstance(() => now, limits)];
    const user = { sub: 'rate-day-user-3', username: 'fay' };
    expect((await post(a, user)).statusCode).toBe(201);
    const refused = [];
    for (const handler of [a, b, a, b, a, b, a]) refused.push(await post(handler, user));
    expect(refused.map((each) => each.statusCode)).toEqual([429, 429, 429, 429, 429, 429, 429]);
    expect(refused.map((each) => each.headers?.['retry-after'])).toEqual(Array(7).fill('3600'));
    // The minute fills with the posts the day refused (it still caps what a client makes the table write).
    const minute = await clients[0]!.document.send(new GetCommand({ TableName: TABLE, Key: rateWindowKey(user.sub, 'minute#2026-11-25T23:00:00.000Z') }));
    expect(minute.Item).toMatchObject({ count: 5 });
    expect(JSON.parse(refused.at(-1)!.body ?? '').error.message).toMatch(/day/);
  });
});

describe('comments through the API on DynamoDB', () => {
  it('posts, counts, lists and deletes, with the count in the article', async () => {
    const now = new Date('2026-11-24T08:00:00.000Z');
    const api = apiInstance(() => now);
    const article = 'comments-article-000004';
    await articles.putArticleIfAbsent(makeArticle({ id: article }));
    const posted = JSON.parse((await post(api, ADA, article)).body ?? '');
    await post(api, BOB, article);
    const read = async () => JSON.parse((await api(signedInEvent(`/articles/${article}`, { method: 'GET' }))).body ?? '');
    expect((await read()).commentCount).toBe(2);
    const remove = (user: typeof ADA) => api(signedInEvent(`/articles/${article}/comments/${posted.id}`, { method: 'DELETE', user }));
    expect((await remove(BOB)).statusCode).toBe(403);
    expect((await remove(ADA)).statusCode).toBe(204);
    expect((await remove(MODERATOR)).statusCode).toBe(404);
    expect((await read()).commentCount).toBe(1);
    const count = await clients[0]!.document.send(new GetCommand({ TableName: TABLE, Key: commentCountKey(article) }));
    expect(count.Item).toMatchObject({ commentCount: 1, lastChange: `-${posted.id}` });
  });
});
