import { BatchWriteCommand, DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Article } from '../../functions/model';
import { InvalidCursorError } from '../../functions/ports';
import { analyzeArticle } from '../../functions/related/analyze-article';
import { RELATED_LIMIT } from '../../functions/api/validate';
import { DynamoRelatedIndex, OWN_HEAD_SIZE, TERMS_READ } from '../../functions/related/dynamo-related-index';
import { RANK_DEFAULTS } from '../../functions/related/rank-related';
import { OWN_LIST_SORT_KEY, OWN_TAIL_SORT_KEY, pairSortKey } from '../../functions/related/related-pairs';
import { createDynamoClients, ensureTable } from '../../local/servers';
import { makeArticle } from '../support/articles';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';

const TEXTS = {
  flood1: ['River Danube floods Vienna suburbs', 'The Danube burst its banks near Vienna on Monday. Floodwater reached suburbs and rescuers evacuated residents by boat. Austria declared an emergency as the Danube kept rising.'],
  flood2: ['Vienna evacuates homes as Danube rises', 'Rescuers in Vienna evacuated hundreds of homes as the Danube flood crest approached. Austria sent soldiers to build barriers along the Danube; residents left by boat.'],
  flood3: ['Austria counts cost of Danube flood', 'Insurers in Austria estimated the damage after the Danube flood around Vienna. Residents returned to homes filled with mud; the Danube fell slowly.'],
  chess: ['Magnus Carlsen wins rapid chess title', 'Magnus Carlsen won the world rapid chess championship in Samarkand, beating Ian Nepomniachtchi in the final round of the chess event.'],
} as const;

function article(id: string, text: keyof typeof TEXTS, minute: number, storyId = id): Article {
  const [title, body] = TEXTS[text];
  return makeArticle({
    id,
    title,
    body,
    storyId,
    publishedAt: new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString(),
    terms: analyzeArticle({ title, body }),
  });
}

/** An article with the given terms, best first (an article reads the postings of its first TERMS_READ only). */
function withTerms(id: string, names: string[], minute: number): Article {
  return makeArticle({
    id,
    publishedAt: new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString(),
    terms: names.map((name, i) => ({ term: name, weight: 10 - i * 0.25, kind: 'keyword' as const, label: name })),
  });
}

const range = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

describe('DynamoRelatedIndex', () => {
  let dynamo: LocalDynamo;
  const fresh = async (tableName: string, client = dynamo.client) => {
    await ensureTable(dynamo.raw, tableName);
    return new DynamoRelatedIndex({ client, tableName, now: () => new Date('2026-11-21T00:00:00Z') });
  };
  /** A client that records the name of every command it sends. */
  const recordingClient = () => {
    const { document } = createDynamoClients(dynamo.endpoint);
    const sent: string[] = [];
    document.middlewareStack.add(
      (next, context) => (args) => {
        sent.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    return { client: document, sent };
  };
  const pairItems = async (tableName: string, id: string) =>
    (
      await dynamo.client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :rel)',
          ExpressionAttributeValues: { ':pk': `ARTICLE#${id}`, ':rel': 'REL#' },
        }),
      )
    ).Items ?? [];
  const relatedIds = async (index: DynamoRelatedIndex, id: string) =>
    ((await index.findRelated(id, { limit: 10 })) ?? []).map((entry) => entry.id);

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  }, 60_000);
  afterAll(async () => dynamo?.stop());

  it('relates articles about the same subject, best first, never the article itself, with reasons', async () => {
    const index = await fresh('related-basic');
    for (const [i, [id, text]] of (
      [['f1', 'flood1'], ['c1', 'chess'], ['f2', 'flood2'], ['f3', 'flood3']] as const
    ).entries()) {
      await index.indexArticle(article(id, text, i));
    }
    const related = (await index.findRelated('f1', { limit: 10 }))!;
    expect(related.map((entry) => entry.id)).toEqual(expect.arrayContaining(['f2', 'f3']));
    expect(related.map((entry) => entry.id)).not.toContain('f1');
    expect(related.map((entry) => entry.id)).not.toContain('c1');
    expect(related[0]!.reasons).toContain('Danube');
    expect(related[0]).toMatchObject({ title: expect.any(String), source: { id: 'example' } });
    expect(related[0]!.score).toBeGreaterThanOrEqual(related.at(-1)!.score);
    expect(await index.findRelated('f2', { limit: 1 })).toHaveLength(1);
    expect(await index.findRelated('nobody', { limit: 10 })).toBeNull();
  });

  it('lists a wire copy once: one entry per story', async () => {
    const index = await fresh('related-stories');
    await index.indexArticle(article('f1', 'flood1', 0));
    await index.indexArticle(article('f2', 'flood2', 1, 'wire'));
    await index.indexArticle(article('f2-copy', 'flood2', 2, 'wire'));
    expect(await relatedIds(index, 'f1')).toHaveLength(1);
    // A copy of the article's own text is not related to it.
    expect(await relatedIds(index, 'f2-copy')).toEqual(['f1']);
  });

  it('ends in the same lists whatever the order, and indexing twice changes nothing', async () => {
    const inOrder = await fresh('related-order-a');
    const reversed = await fresh('related-order-b');
    const articles = [article('f1', 'flood1', 0), article('f2', 'flood2', 1), article('f3', 'flood3', 2)];
    for (const a of articles) await inOrder.indexArticle(a);
    for (const a of [...articles].reverse()) await reversed.indexArticle(a);
    for (const id of ['f1', 'f2', 'f3']) {
      expect(new Set(await relatedIds(reversed, id))).toEqual(new Set(await relatedIds(inOrder, id)));
      expect(await relatedIds(inOrder, id)).toHaveLength(2);
    }

    const before = await dynamo.client.send(new GetCommand({ TableName: 'related-order-a', Key: { PK: 'STATS', SK: 'ARTICLES' } }));
    const listBefore = await inOrder.findRelated('f1', { limit: 10 });
    await inOrder.indexArticle(articles[0]!);
    const after = await dynamo.client.send(new GetCommand({ TableName: 'related-order-a', Key: { PK: 'STATS', SK: 'ARTICLES' } }));
    expect(after.Item?.articleCount).toBe(before.Item?.articleCount);
    expect((await inOrder.findRelated('f1', { limit: 10 }))!.map((e) => e.id)).toEqual(listBefore!.map((e) => e.id));
  });

  it('writes each pair once on each side with the same score, blind, and reads related articles with one Query', async () => {
    const { client, sent } = recordingClient();
    const index = await fresh('related-pairs', client);
    await index.indexArticle(article('f1', 'flood1', 0));
    await index.indexArticle(article('f2', 'flood2', 1));
    // Per article: its entry and the count, then Queries (postings, related lists) and batches; the second article
    // fetches its candidate's vector, then the tail of that candidate's own list. Nothing is read back to be rewritten.
    const perArticle = ['PutItemCommand', 'UpdateItemCommand'];
    expect(sent.filter((name) => !/^(Query|BatchWriteItem)Command$/.test(name))).toEqual([
      ...perArticle,
      ...perArticle,
      'BatchGetItemCommand',
      'BatchGetItemCommand',
    ]);
    const [underF1, underF2] = [await pairItems('related-pairs', 'f1'), await pairItems('related-pairs', 'f2')];
    // f2, indexed later, keeps f1 in its own list and writes itself as a pair item under f1.
    const f1AboutF2 = underF1.find((item) => item.id === 'f2')!;
    const ownList = underF2.find((item) => item.SK === OWN_LIST_SORT_KEY)!;
    const f2AboutF1 = (JSON.parse(ownList.related as string) as Record<string, unknown>[]).find((item) => item.id === 'f1')!;
    expect(underF1.find((item) => item.SK === OWN_LIST_SORT_KEY)!.related).toBe('[]');
    expect(f1AboutF2.score).toBeGreaterThan(0);
    expect(f2AboutF1.score).toBe(f1AboutF2.score);
    expect(f2AboutF1.reasons).toEqual(f1AboutF2.reasons);
    expect(f1AboutF2.SK).toBe(pairSortKey(f1AboutF2.score as number, 'f2'));
    expect(f1AboutF2).toMatchObject({ title: TEXTS.flood2[0], storyId: 'f2', sourceId: 'example' });

    sent.length = 0;
    expect((await index.findRelated('f2', { limit: 10 }))!.map((entry) => entry.id)).toEqual(['f1']);
    expect(sent).toEqual(['QueryCommand']);
    sent.length = 0;
    expect((await index.findRelated('f1', { limit: 10 }))!.map((entry) => entry.id)).toEqual(['f2']);
    expect(sent).toEqual(['QueryCommand']);
    client.destroy();
  });

  it('merges the own list and the later pairs best first, and writes no pair below a full list', async () => {
    expect(RELATED_LIMIT.max).toBeLessThanOrEqual(RANK_DEFAULTS.limit);
    const index = await fresh('related-floor');
    await index.indexArticle(article('f1', 'flood1', 0));
    await index.indexArticle(article('f2', 'flood2', 1));
    // f2's own list holds f1; f3 comes later and is a pair item under both.
    await index.indexArticle(article('f3', 'flood3', 2));
    const merged = (await index.findRelated('f2', { limit: 10 }))!;
    expect(merged.map((entry) => entry.id).sort()).toEqual(['f1', 'f3']);
    expect(merged[0]!.score).toBeGreaterThanOrEqual(merged[1]!.score);
    expect((await pairItems('related-floor', 'f2')).filter((item) => item.SK !== OWN_LIST_SORT_KEY && item.SK !== 'REL#')).toHaveLength(1);

    // A full own list (the API shows at most RANK_DEFAULTS.limit) whose last score no later pair reaches: f4 keeps
    // f1 in its own list, but writes nothing under f1, whose best 50 it could never enter.
    await dynamo.client.send(
      new UpdateCommand({ TableName: 'related-floor', Key: { PK: 'ARTICLE#f1', SK: 'REL#' }, UpdateExpression: 'SET floor = :f', ExpressionAttributeValues: { ':f': 0.999 } }),
    );
    await index.indexArticle(article('f4', 'flood2', 3));
    expect((await pairItems('related-floor', 'f1')).map((item) => item.id)).not.toContain('f4');
    expect(await relatedIds(index, 'f4')).toContain('f1');
    // Without a floor, f2 gets the pair.
    expect((await pairItems('related-floor', 'f2')).map((item) => item.id)).toContain('f4');
  });

  it('still lists the later pairs when an own list is damaged or absent', async () => {
    const index = await fresh('related-damaged');
    await index.indexArticle(article('f1', 'flood1', 0));
    await index.indexArticle(article('f2', 'flood2', 1));
    await index.indexArticle(article('f3', 'flood3', 2));
    for (const related of ['{not json', '{"id":"x"}', 42]) {
      await dynamo.client.send(
        new UpdateCommand({ TableName: 'related-damaged', Key: { PK: 'ARTICLE#f2', SK: OWN_LIST_SORT_KEY }, UpdateExpression: 'SET related = :r', ExpressionAttributeValues: { ':r': related } }),
      );
      expect(await relatedIds(index, 'f2')).toEqual(['f3']);
    }
    // A tail the head does not announce (left by an earlier, longer list) is never read.
    await dynamo.client.send(
      new BatchWriteCommand({
        RequestItems: { 'related-damaged': [{ PutRequest: { Item: { PK: 'ARTICLE#f2', SK: OWN_TAIL_SORT_KEY, related: JSON.stringify([{ id: 'stale', score: 0.99, storyId: 'stale' }]) } } }] },
      }),
    );
    expect(((await index.findRelated('f2', { limit: 50 })) ?? []).map((e) => e.id)).toEqual(['f3']);
    // An article indexed before own lists existed has none: its pairs are listed alone.
    await dynamo.client.send(new DeleteCommand({ TableName: 'related-damaged', Key: { PK: 'ARTICLE#f2', SK: OWN_LIST_SORT_KEY } }));
    expect(await relatedIds(index, 'f2')).toEqual(['f3']);
  });

  it('records the floor of a full own list, keeps its head in the Query and reads its tail only for more', async () => {
    const { client, sent } = recordingClient();
    const index = await fresh('related-full', client);
    // Sixty articles on one subject, each with a word of its own: the later ones have more related than a list holds.
    for (let i = 0; i < 60; i++) await index.indexArticle(withTerms(`n${i}`, ['alpha', 'beta', 'gamma', 'delta', `own${i}`], i));
    const items = await pairItems('related-full', 'n59');
    const entry = items.find((item) => item.SK === 'REL#')!;
    const head = items.find((item) => item.SK === OWN_LIST_SORT_KEY)!;
    const tail = await dynamo.client.send(new GetCommand({ TableName: 'related-full', Key: { PK: 'ARTICLE#n59', SK: OWN_TAIL_SORT_KEY } }));
    expect(items.map((item) => item.SK)).not.toContain(OWN_TAIL_SORT_KEY);
    expect(head.tail).toBe(true);
    const own = [...JSON.parse(head.related as string), ...JSON.parse(tail.Item!.related as string)] as { id: string; score: number }[];
    expect(JSON.parse(head.related as string)).toHaveLength(OWN_HEAD_SIZE);
    expect(own).toHaveLength(RANK_DEFAULTS.limit);
    expect(entry.floor).toBe(own.at(-1)!.score);

    // The default limit is answered by the Query alone (the head); fifty need the tail, read alongside.
    sent.length = 0;
    expect(await relatedIds(index, 'n59')).toEqual(own.slice(0, 10).map((e) => e.id));
    expect(sent).toEqual(['QueryCommand']);
    sent.length = 0;
    expect(((await index.findRelated('n59', { limit: 50 })) ?? []).map((e) => e.id)).toEqual(own.map((e) => e.id));
    expect([...sent].sort()).toEqual(['GetItemCommand', 'QueryCommand']);
    client.destroy();
  });

  it('counts an article once and lists it once when two deliveries of it race', async () => {
    const index = await fresh('related-race');
    await index.indexArticle(article('f1', 'flood1', 0));
    await Promise.all([index.indexArticle(article('f2', 'flood2', 1)), index.indexArticle(article('f2', 'flood2', 1))]);
    const stats = await dynamo.client.send(new GetCommand({ TableName: 'related-race', Key: { PK: 'STATS', SK: 'ARTICLES' } }));
    expect(stats.Item?.articleCount).toBe(2);
    expect(await relatedIds(index, 'f1')).toEqual(['f2']);
    expect(await relatedIds(index, 'f2')).toEqual(['f1']);
  });

  it('relates two articles indexed at the same moment to each other', async () => {
    const index = await fresh('related-concurrent');
    await index.indexArticle(article('f1', 'flood1', 0));
    await Promise.all([index.indexArticle(article('f2', 'flood2', 1)), index.indexArticle(article('f3', 'flood3', 2))]);
    expect(await relatedIds(index, 'f2')).toContain('f3');
    expect(await relatedIds(index, 'f3')).toContain('f2');
    expect((await relatedIds(index, 'f1')).sort()).toEqual(['f2', 'f3']);
  });

  it('finds an article that shares only terms it does not read, through the related list of a common neighbour', async () => {
    const { client, sent } = recordingClient();
    const index = await fresh('related-second-hop', client);
    // c's ten terms before y0-y4 cover what it reads.
    expect(TERMS_READ).toBeLessThanOrEqual(10);
    await index.indexArticle(withTerms('a', [...range('x', 10), ...range('y', 5)], 0));
    await index.indexArticle(withTerms('b', [...range('x', 5), ...range('z', 5)], 1));
    // c shares its read terms with b only; with a it shares y0-y4, which neither reads.
    sent.length = 0;
    await index.indexArticle(withTerms('c', [...range('z', 5), ...range('w', 5), ...range('y', 5)], 2));
    // A postings Query per term read, one Query of b's related list; BatchGetItem of b's vector, of the tail of b's
    // own list, and of a's vector.
    expect(sent.filter((name) => name === 'QueryCommand')).toHaveLength(TERMS_READ + 1);
    expect(sent.filter((name) => name === 'BatchGetItemCommand')).toHaveLength(3);
    expect(await relatedIds(index, 'c')).toEqual(expect.arrayContaining(['a', 'b']));
    expect(await relatedIds(index, 'a')).toContain('c');
    client.destroy();
  });

  it('takes the second hop only through candidates whose indexing is done: one still in flight has no list yet', async () => {
    const { client, sent } = recordingClient();
    const index = await fresh('related-second-hop-in-flight', client);
    await index.indexArticle(withTerms('a', range('x', 10), 0));
    await index.indexArticle(withTerms('b', range('x', 10), 1));
    // b's entry as it is while b is being indexed: no norm yet.
    await dynamo.client.send(new UpdateCommand({ TableName: 'related-second-hop-in-flight', Key: { PK: 'ARTICLE#b', SK: 'REL#' }, UpdateExpression: 'REMOVE norm' }));
    sent.length = 0;
    await index.indexArticle(withTerms('c', range('x', 10), 2));
    // Both are candidates; only a, whose indexing is done, leads to its related list.
    expect(sent.filter((name) => name === 'QueryCommand')).toHaveLength(TERMS_READ + 1);
    expect((await relatedIds(index, 'c')).sort()).toEqual(['a', 'b']);
    client.destroy();
  });

  it('reads one more page when copies of one story fill the first, and shows each article and story once', async () => {
    const { client, sent } = recordingClient();
    const index = await fresh('related-pages', client);
    await index.indexArticle(article('f1', 'flood1', 0));
    const pair = (id: string, storyId: string, score: number) => ({
      PK: 'ARTICLE#f1',
      SK: pairSortKey(score, id),
      id,
      url: `https://news.example.com/${id}`,
      title: id,
      sourceId: 'example',
      sourceName: 'Example News',
      publishedAt: '2026-11-20T11:00:00.000Z',
      summary: '',
      storyId,
      score,
      reasons: ['Danube'],
    });
    // Twenty wire copies of one story, the same article twice (two scorings of one pair), the article itself.
    const items = [
      ...Array.from({ length: 20 }, (_, i) => pair(`copy-${i}`, 'wire', 0.9 - i / 1000)),
      pair('other', 'other', 0.3),
      pair('other', 'other', 0.2),
      pair('f1', 'f1', 0.95),
      pair('last', 'last', 0.1),
    ];
    for (let i = 0; i < items.length; i += 25) {
      await dynamo.client.send(
        new BatchWriteCommand({ RequestItems: { 'related-pages': items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }),
      );
    }
    sent.length = 0;
    const related = (await index.findRelated('f1', { limit: 3 }))!;
    expect(related.map((entry) => [entry.id, entry.score])).toEqual([['copy-0', 0.9], ['other', 0.3], ['last', 0.1]]);
    expect(sent).toEqual(['QueryCommand', 'QueryCommand']);
    client.destroy();
  });

  it('lists a topic newest first, page by page, and rejects forged cursors', async () => {
    const index = await fresh('related-topics');
    for (const [i, [id, text]] of ([['f1', 'flood1'], ['c1', 'chess'], ['f2', 'flood2'], ['f3', 'flood3']] as const).entries()) {
      await index.indexArticle(article(id, text, i));
    }
    const first = await index.listTopic('Danube', { limit: 2 });
    expect(first.items.map((item) => item.id)).toEqual(['f3', 'f2']);
    expect(first.nextCursor).not.toBeNull();
    const second = await index.listTopic('danube', { limit: 2, cursor: first.nextCursor! });
    expect(second).toEqual({ items: [expect.objectContaining({ id: 'f1' })], nextCursor: null });
    expect((await index.listTopic('magnus carlsen', { limit: 5 })).items.map((item) => item.id)).toEqual(['c1']);
    expect((await index.listTopic('nothing here', { limit: 5 })).items).toEqual([]);
    for (const cursor of ['%%%', 'eyJzIjoxfQ', Buffer.from('{"s":"2026-01-01T00:00:00Z#x","i":"y"}').toString('base64url')]) {
      await expect(index.listTopic('danube', { limit: 2, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
    }
  });

  it('searches keywords over the same index, paginated, and rejects forged cursors', async () => {
    const index = await fresh('related-search');
    for (const [i, [id, text]] of ([['f1', 'flood1'], ['c1', 'chess'], ['f2', 'flood2']] as const).entries()) {
      await index.indexArticle(article(id, text, i));
    }
    const chess = await index.search('chess championship', { limit: 10 });
    expect(chess.items.map((item) => item.id)).toEqual(['c1']);
    const floods = await index.search('Danube floods', { limit: 1 });
    expect(floods.items).toHaveLength(1);
    const rest = await index.search('Danube floods', { limit: 1, cursor: floods.nextCursor! });
    expect(new Set([...floods.items, ...rest.items].map((item) => item.id))).toEqual(new Set(['f1', 'f2']));
    await expect(index.search('chess', { limit: 1, cursor: floods.nextCursor! })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(index.search('chess', { limit: 1, cursor: 'bogus!' })).rejects.toBeInstanceOf(InvalidCursorError);
    expect(await index.search('!!!', { limit: 5 })).toEqual({ items: [], nextCursor: null });
  });
});
