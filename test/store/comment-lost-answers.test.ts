/**
 * Comments when DynamoDB's answer is lost: the write is carried out by a real local server (dynalite), then the
 * connection is cut before the answer reaches the SDK (test/support/lossy-proxy.ts), which retries as it would
 * against DynamoDB. The API must still answer for what was done, and the article's count must follow the comments.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createApiHandler, type ApiHandler } from '../../functions/api/create-api-handler';
import { commentCountKey } from '../../functions/contracts/table-schema';
import { DynamoCommentStore, DynamoRateLimiter } from '../../functions/store/dynamo-comments';
import { DynamoRelatedStore } from '../../functions/store/dynamo-related-store';
import { DynamoArticleStore, DynamoSourceStore } from '../../functions/store/dynamo-stores';
import { createRelatedQueries } from '../../functions/use-cases/related-queries';
import { createDynamoClients, ensureTable, startDynamo, type LocalServer } from '../../local/servers';
import { ADA, BOB, MODERATOR, apiEvent, signedInEvent, type TestUser } from '../api/events';
import { recordingTelemetry } from '../api/fakes';
import { makeArticle } from '../support/articles';
import { startLossyProxy, type LossyProxy } from '../support/lossy-proxy';

const TABLE = 'comment-lost-answers';
const CAROL: TestUser = { sub: '3f1c2a9e-0000-4000-8000-000000000c0c', username: 'carol' };
let server: LocalServer;
let proxy: LossyProxy;
const clients: ReturnType<typeof createDynamoClients>[] = [];

beforeAll(async () => {
  server = await startDynamo();
  proxy = await startLossyProxy(server.endpoint);
  const direct = createDynamoClients(server.endpoint);
  clients.push(direct);
  await ensureTable(direct.raw, TABLE);
}, 30_000);

afterAll(async () => {
  for (const each of clients) each.raw.destroy();
  await proxy?.stop();
  await server?.stop();
});

let articles = 0;
async function newArticle(): Promise<string> {
  articles += 1;
  const id = `lost-answer-article-${String(articles).padStart(4, '0')}`;
  await new DynamoArticleStore({ client: clients[0]!.document, tableName: TABLE }).putArticleIfAbsent(makeArticle({ id }));
  return id;
}

/** One API instance whose table requests go through the lossy proxy. */
function lossyApi() {
  const created = createDynamoClients(proxy.endpoint);
  clients.push(created);
  const props = { client: created.document, tableName: TABLE };
  const telemetry = recordingTelemetry();
  const handler: ApiHandler = createApiHandler({
    articles: new DynamoArticleStore(props),
    sources: new DynamoSourceStore(props),
    related: createRelatedQueries({ store: new DynamoRelatedStore(props), articles: new DynamoArticleStore(props) }),
    comments: new DynamoCommentStore(props),
    rateLimiter: new DynamoRateLimiter(props),
    telemetry,
  });
  const metric = (name: string) => telemetry.counts.filter((each) => each.metric === name).length;
  return { handler, telemetry, metric };
}

const post = (handler: ApiHandler, article: string, user: TestUser = ADA) =>
  handler(signedInEvent(`/articles/${article}/comments`, { method: 'POST', user, body: { body: 'a comment' } }));
const remove = (handler: ApiHandler, article: string, commentId: string, user: TestUser = ADA) =>
  handler(signedInEvent(`/articles/${article}/comments/${commentId}`, { method: 'DELETE', user }));

async function storedCount(article: string): Promise<unknown> {
  const result = await clients[0]!.document.send(new GetCommand({ TableName: TABLE, Key: commentCountKey(article) }));
  return result.Item?.commentCount;
}

async function listedIds(handler: ApiHandler, article: string): Promise<string[]> {
  const page = JSON.parse((await handler(apiEvent(`/articles/${article}/comments?limit=100`))).body ?? '');
  return page.items.map((item: { id: string }) => item.id);
}

describe('a DELETE whose DeleteItem answer was lost', () => {
  it('answers 204 and uncounts the comment: the retry finding it gone is the first attempt having deleted it', async () => {
    const article = await newArticle();
    const { handler, metric } = lossyApi();
    const posted = JSON.parse((await post(handler, article)).body ?? '');
    expect(await storedCount(article)).toBe(1);

    proxy.loseNext({ operation: 'DeleteItem' });
    const lost = proxy.lost();
    const answer = await remove(handler, article, posted.id);
    expect(proxy.lost()).toBe(lost + 1);

    expect(await listedIds(handler, article)).toEqual([]);
    expect(answer.statusCode).toBe(204);
    expect(await storedCount(article)).toBe(0);
    expect(metric('CommentsDeleted')).toBe(1);
  });

  it('still uncounts the comment once when the author and a moderator delete it at the same time', async () => {
    const article = await newArticle();
    const { handler } = lossyApi();
    const posted = JSON.parse((await post(handler, article)).body ?? '');
    const other = JSON.parse((await post(handler, article, MODERATOR)).body ?? '');
    expect(await storedCount(article)).toBe(2);

    proxy.loseNext({ operation: 'DeleteItem' });
    const answers = await Promise.all([remove(handler, article, posted.id), remove(handler, article, posted.id, MODERATOR)]);
    expect(answers.map((each) => each.statusCode)).toContain(204);
    expect(await listedIds(handler, article)).toEqual([other.id]);
    expect(await storedCount(article)).toBe(1);
  });
});

describe('a POST whose PutItem answer was lost', () => {
  it('answers 201 with the comment and counts it: the retry finding it stored is the first attempt having stored it', async () => {
    const article = await newArticle();
    const { handler, metric } = lossyApi();
    proxy.loseNext({ operation: 'PutItem' });
    const lost = proxy.lost();
    const answer = await post(handler, article);
    expect(proxy.lost()).toBe(lost + 1);

    const listed = await listedIds(handler, article);
    expect(listed).toHaveLength(1);
    expect(answer.statusCode).toBe(201);
    expect(JSON.parse(answer.body ?? '').id).toBe(listed[0]);
    expect(await storedCount(article)).toBe(1);
    expect(metric('CommentsPosted')).toBe(1);
  });

  it('still refuses to overwrite a different comment under the same id', async () => {
    const article = await newArticle();
    const store = new DynamoCommentStore({ client: clients[0]!.document, tableName: TABLE });
    const comment = { id: '01JDR3V9Q4X8K2M6N7P0S5T1W1', articleId: article, author: { id: ADA.sub, name: 'ada' }, body: 'first', createdAt: '2026-11-20T10:00:00.000Z' };
    await store.putComment(comment);
    await store.putComment(comment);
    await expect(store.putComment({ ...comment, body: 'second' })).rejects.toThrow(/conditional/i);
    expect(await store.getComment(article, comment.id)).toEqual(comment);
  });
});

describe("a count's UpdateItem whose answer was lost", () => {
  it('counts the comment once when the retry finds its own tag, and reports nothing', async () => {
    const article = await newArticle();
    const { handler, metric } = lossyApi();
    proxy.loseNext({ operation: 'UpdateItem', when: (body) => JSON.stringify(body).includes('commentCount') });
    const lost = proxy.lost();
    expect((await post(handler, article)).statusCode).toBe(201);
    expect(proxy.lost()).toBe(lost + 1);
    expect(await storedCount(article)).toBe(1);
    expect(metric('CommentCountFailed')).toBe(0);
  });

  it("reports the count as one to recount when another comment's change came before the retry, which counts again", async () => {
    const article = await newArticle();
    const { handler, metric, telemetry } = lossyApi();
    const direct = new DynamoCommentStore({ client: clients[0]!.document, tableName: TABLE });
    proxy.loseNext({
      operation: 'UpdateItem',
      when: (body) => JSON.stringify(body).includes('commentCount'),
      // Another comment is counted between the lost attempt and the SDK's retry: its tag replaces this one's.
      afterServed: () => direct.countComment(article, '01JDR3V9Q4X8K2M6N7P0S5T1W9', 1),
    });
    expect((await post(handler, article)).statusCode).toBe(201);
    // Two comments' changes, three counted: the retry cannot know, so it says so.
    expect(await storedCount(article)).toBe(3);
    expect(metric('CommentCountFailed')).toBe(1);
    expect(telemetry.logs.find((log) => log.message === 'comment count may be wrong: recount this article')?.extra).toMatchObject({
      articleId: article,
      error: { name: 'CommentCountUncertainError' },
    });
  });

  it('reports nothing when the retry followed a throttled attempt, which did nothing', async () => {
    const article = await newArticle();
    const { handler, metric } = lossyApi();
    const direct = new DynamoCommentStore({ client: clients[0]!.document, tableName: TABLE });
    await direct.countComment(article, '01JDR3V9Q4X8K2M6N7P0S5T1W8', 1);
    proxy.loseNext({ operation: 'UpdateItem', when: (body) => JSON.stringify(body).includes('commentCount'), throttle: true });
    // Users of their own: the rate limit (5 a minute) counts every post of this file's user.
    expect((await post(handler, article, BOB)).statusCode).toBe(201);
    expect(await storedCount(article)).toBe(2);
    expect(metric('CommentCountFailed')).toBe(0);
  });
});

describe('a DELETE throttled once while another delete of the same comment goes through', () => {
  it('answers 404, as the delete that lost: the throttled attempt deleted nothing', async () => {
    const article = await newArticle();
    const { handler } = lossyApi();
    const posted = JSON.parse((await post(handler, article, CAROL)).body ?? '');
    const direct = new DynamoCommentStore({ client: clients[0]!.document, tableName: TABLE });
    // The other delete goes through while the throttled one waits for its retry.
    proxy.loseNext({ operation: 'DeleteItem', throttle: true, afterServed: async () => void (await direct.deleteComment(article, posted.id)) });
    expect((await remove(handler, article, posted.id, CAROL)).statusCode).toBe(404);
  });
});
