import { PutItemCommand, type PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InvalidCursorError } from '../../functions/ports';
import { DynamoArticleStore, DynamoSeenUrlStore, DynamoSourceStore } from '../../functions/store/dynamo-stores';
import { encodeCursor } from '../../functions/contracts/cursor';
import { configuredSourcesItem, configuredSourcesKey, urlKey } from '../../functions/contracts/table-schema';
import { makeArticle } from '../support/articles';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';

let dynamo: LocalDynamo;
let articles: DynamoArticleStore;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  articles = new DynamoArticleStore(dynamo);
}, 60_000);
afterAll(() => dynamo.stop());

const id = (n: number) => `article-id-${String(n).padStart(10, '0')}`;

describe('DynamoArticleStore', () => {
  it('stores an article once: the second write of the same id is reported and changes nothing', async () => {
    const first = makeArticle({ id: id(1), title: 'Original' });
    expect(await articles.putArticleIfAbsent(first)).toBe(true);
    expect(await articles.putArticleIfAbsent({ ...first, title: 'Changed' })).toBe(false);
    expect((await articles.getArticle(id(1)))?.title).toBe('Original');
    expect(await articles.getArticle(id(2))).toBeNull();
  });

  it('round-trips every field of an article', async () => {
    const article = makeArticle({
      id: id(3),
      byline: null,
      imageUrl: 'https://img.example.com/a.jpg',
      modifiedAt: '2026-11-21T00:00:00.000Z',
      storyId: id(1),
      terms: [{ term: 'lukashenko', weight: 2.5, kind: 'entity', label: 'Lukashenko' }],
    });
    await articles.putArticleIfAbsent(article);
    expect(await articles.getArticle(id(3))).toEqual(article);
  });

  it('lists newest first, by source, in pages whose cursors chain to the end', async () => {
    for (let n = 10; n < 25; n++) {
      await articles.putArticleIfAbsent(
        makeArticle({
          id: id(n),
          publishedAt: new Date(Date.UTC(2026, 10, 22, 0, n)).toISOString(),
          source: n % 2 ? { id: 'odd', name: 'Odd Times' } : { id: 'even', name: 'Even Post' },
        }),
      );
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await articles.listArticles({ sourceId: 'odd', limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([23, 21, 19, 17, 15, 13, 11].map(id));

    const all = await articles.listArticles({ limit: 100 });
    const times = all.items.map((item) => item.publishedAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(all.nextCursor).toBeNull();
    expect(all.items[0]).toEqual({
      id: id(24),
      url: `https://news.example.com/${id(24)}`,
      title: `Title of ${id(24)}`,
      source: { id: 'even', name: 'Even Post' },
      publishedAt: '2026-11-22T00:24:00.000Z',
      summary: 'A summary.',
    });
  });

  it('refuses forged cursors with InvalidCursorError', async () => {
    for (const cursor of ['%%%', 'e30', Buffer.from('{"s":"x","i":"y"}').toString('base64url'), 'A'.repeat(600)]) {
      await expect(articles.listArticles({ limit: 5, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
    }
    const mismatched = encodeCursor({ sortKey: '2026-11-22T00:20:00.000Z#other', id: id(20) });
    await expect(articles.listArticles({ limit: 5, cursor: mismatched })).rejects.toBeInstanceOf(InvalidCursorError);
  });
});

describe('DynamoSourceStore', () => {
  it('registers, keeps fetch state across re-registration, counts articles and lists', async () => {
    const sources = new DynamoSourceStore(dynamo);
    const config = { id: 'harbor', name: 'Harbor Times', url: 'https://harbor.example/rss', schedule: 'rate(5 minutes)' };
    const fresh = await sources.registerSource(config);
    expect(fresh).toMatchObject({ sourceId: 'harbor', schedule: 'rate(5 minutes)', errorCount: 0, articleCount: 0, lastError: null });
    await sources.saveFetchState({
      ...fresh,
      lastFetchedAt: '2026-11-22T01:00:00.000Z',
      lastError: 'HTTP 503',
      lastErrorKind: 'http-503',
      errorCount: 2,
      nextAttemptAt: '2026-11-22T01:10:00.000Z',
      etag: '"abc"',
    });
    await sources.incrementArticleCount('harbor');
    await sources.incrementArticleCount('harbor', 2);
    const renamed = await sources.registerSource({ ...config, name: 'The Harbor Times', schedule: 'rate(1 hour)' });
    expect(renamed).toMatchObject({
      name: 'The Harbor Times',
      schedule: 'rate(1 hour)',
      errorCount: 2,
      lastError: 'HTTP 503',
      etag: '"abc"',
      articleCount: 3,
    });
    await sources.registerSource({ ...config, id: 'second' });
    expect((await sources.listSources()).map((s) => s.sourceId).sort()).toEqual(['harbor', 'second']);
    expect(await sources.getSource('missing')).toBeNull();
  });

  it("starts a source afresh at a changed URL: the old URL's backoff and validators are not carried over", async () => {
    const sources = new DynamoSourceStore(dynamo);
    const config = { id: 'moved', name: 'Moved', url: 'https://moved.example/old.rss', schedule: 'rate(5 minutes)' };
    const fresh = await sources.registerSource(config);
    await sources.saveFetchState({
      ...fresh,
      lastError: 'HTTP 404 from https://moved.example/old.rss',
      lastErrorKind: 'http-404',
      errorCount: 11,
      nextAttemptAt: '2026-11-22T13:00:00.000Z',
      etag: '"old"',
      lastModified: 'Tue, 10 Nov 2026 09:00:00 GMT',
      lastFullFetchAt: '2026-11-22T00:00:00.000Z',
    });
    await sources.incrementArticleCount('moved', 4);
    // The same URL keeps all of it (a changed name or schedule is no reason to forget).
    expect(await sources.registerSource({ ...config, name: 'Moved Times' })).toMatchObject({ errorCount: 11, etag: '"old"' });
    const moved = await sources.registerSource({ ...config, url: 'https://moved.example/new.rss' });
    expect(moved).toMatchObject({
      url: 'https://moved.example/new.rss',
      errorCount: 0,
      nextAttemptAt: null,
      etag: null,
      lastModified: null,
      lastFullFetchAt: null,
      lastError: 'HTTP 404 from https://moved.example/old.rss',
      articleCount: 4,
    });
    expect(await sources.getSource('moved')).toEqual(moved);
  });

  it("lists only the configured sources once a configuration is recorded, as a deployment's custom resource writes it", async () => {
    const table = await startLocalDynamo('newsweave-configured');
    try {
      const sources = new DynamoSourceStore(table);
      const config = { name: 'Outlet', url: 'https://outlet.example/rss', schedule: 'rate(5 minutes)' };
      for (const sourceId of ['kept', 'removed', 'zz-kept']) await sources.registerSource({ ...config, id: sourceId });
      await sources.incrementArticleCount('removed', 4);
      // No configuration yet (a table written before they were recorded): every record.
      expect((await sources.listSources()).map((s) => s.sourceId).sort()).toEqual(['kept', 'removed', 'zz-kept']);

      // The item exactly as lib/ingestion.ts's PutItem writes it, in DynamoDB's JSON.
      await table.raw.send(
        new PutItemCommand({
          TableName: table.tableName,
          Item: configuredSourcesItem(['kept', 'zz-kept', 'not-run-yet']) as PutItemCommandInput['Item'],
        }),
      );
      expect((await sources.listSources()).map((s) => s.sourceId).sort()).toEqual(['kept', 'zz-kept']);
      // The removed source's record stays, with its count, for a configuration that names it again.
      expect(await sources.getSource('removed')).toMatchObject({ articleCount: 4 });

      await sources.recordConfiguredSources(['removed']);
      expect((await sources.listSources()).map((s) => s.sourceId)).toEqual(['removed']);

      // A configuration damaged by hand hides nothing.
      await table.client.send(
        new PutCommand({ TableName: table.tableName, Item: { ...configuredSourcesKey, sourceIds: 'kept' } }),
      );
      expect((await sources.listSources()).map((s) => s.sourceId).sort()).toEqual(['kept', 'removed', 'zz-kept']);
    } finally {
      await table.stop();
    }
  });
});

describe('DynamoSeenUrlStore', () => {
  it('filters URLs already processed, in order, across batches of more than 100', async () => {
    let now = new Date('2026-11-22T00:00:00Z');
    const seen = new DynamoSeenUrlStore({ ...dynamo, now: () => now });
    const urls = Array.from({ length: 150 }, (_, n) => `https://a.example/${n}`);
    await seen.markSeen(urls[3]!, { kind: 'stored', articleId: id(3) });
    await seen.markSeen(urls[120]!, { kind: 'duplicate', articleId: id(3) });
    await seen.markSeen(urls[7]!, { kind: 'rejected', reason: 'not-an-article' });
    const unseen = await seen.filterUnseen([...urls, urls[0]!]);
    expect(unseen).toHaveLength(147);
    expect(unseen.slice(0, 4)).toEqual([urls[0], urls[1], urls[2], urls[4]]);

    now = new Date('2026-12-22T00:00:00Z');
    expect(await seen.filterUnseen([urls[3]!, urls[7]!])).toEqual([urls[7]]);
  });
});

describe('DynamoSeenUrlStore, queued marks', () => {
  const MINUTE = 60_000;
  let clock = Date.parse('2026-11-22T00:00:00Z');
  const seen = () => new DynamoSeenUrlStore({ ...dynamo, now: () => new Date(clock) });
  const item = async (url: string) => (await dynamo.client.send(new GetCommand({ TableName: dynamo.tableName, Key: urlKey(url) }))).Item;

  it('holds a marked URL back from the fetcher until the mark runs out, and never takes it for an outcome', async () => {
    const [marked, other] = ['https://q.example/marked', 'https://q.example/other'];
    await seen().markQueued(marked, new Date(clock + 60 * MINUTE));
    expect(await seen().filterUnqueued([marked, other])).toEqual([other]);
    // The worker and the redrive: not done.
    expect(await seen().filterUnseen([marked, other])).toEqual([marked, other]);
    // A transient record, like a rejection: TTL removes it from storage.
    expect(await item(marked)).toEqual({ ...urlKey(marked), url: marked, queuedAt: new Date(clock).toISOString(), expiresAt: (clock + 60 * MINUTE) / 1000 });
    clock += 60 * MINUTE;
    expect(await seen().filterUnqueued([marked, other])).toEqual([marked, other]);
  });

  it('leaves a URL the worker has settled as it is: stored, rejected or put off, whatever the order of the writes', async () => {
    const [stored, rejected, deferred] = ['https://q.example/stored', 'https://q.example/rejected', 'https://q.example/deferred'];
    for (const url of [stored, rejected, deferred]) await seen().markQueued(url, new Date(clock + 60 * MINUTE));
    await seen().markSeen(stored, { kind: 'stored', articleId: id(9) });
    await seen().markSeen(rejected, { kind: 'rejected', reason: 'not-an-article' });
    expect(await seen().deferUrl(deferred, 'forbidden', () => 15 * MINUTE)).toBe(1);
    // A mark that lands after an outcome (a failed delivery of the URL's other message, from another feed) changes
    // nothing, and is no failure.
    for (const url of [stored, rejected, deferred]) await expect(seen().markQueued(url, new Date(clock + 60 * MINUTE))).resolves.toBeUndefined();
    expect(await item(stored)).toMatchObject({ outcome: 'stored', articleId: id(9) });
    expect((await item(stored))?.expiresAt).toBeUndefined();
    expect(await seen().filterUnseen([stored, rejected, deferred])).toEqual([]);
    // The deferral keeps its own delay, shorter than the mark was.
    clock += 16 * MINUTE;
    expect(await seen().filterUnqueued([stored, rejected, deferred])).toEqual([deferred]);
  });

  it('takes over a deferral or a rejection that has run out, keeping the count of deferrals', async () => {
    const url = 'https://q.example/refused-then-queued';
    expect(await seen().deferUrl(url, 'forbidden', () => 15 * MINUTE)).toBe(1);
    clock += 16 * MINUTE;
    await seen().markQueued(url, new Date(clock + 60 * MINUTE));
    expect(await seen().filterUnqueued([url])).toEqual([]);
    expect(await seen().filterUnseen([url])).toEqual([url]);
    expect(await item(url)).toMatchObject({ deferrals: 1, queuedAt: new Date(clock).toISOString() });
    expect((await item(url))?.outcome).toBeUndefined();
    expect(await seen().deferUrl(url, 'forbidden', () => 15 * MINUTE)).toBe(2);
    expect((await item(url))?.queuedAt).toBeUndefined();
  });

  it('lengthens a mark, never shortens it', async () => {
    const url = 'https://q.example/renewed';
    await seen().markQueued(url, new Date(clock + 60 * MINUTE));
    await seen().markQueued(url, new Date(clock + 30 * MINUTE));
    expect((await item(url))?.expiresAt).toBe((clock + 60 * MINUTE) / 1000);
    await seen().markQueued(url, new Date(clock + 90 * MINUTE));
    expect((await item(url))?.expiresAt).toBe((clock + 90 * MINUTE) / 1000);
  });
});
