/**
 * DynamoDB answers that the local server never gives (unprocessed keys, throttling), on a document client mocked
 * with aws-sdk-client-mock: the stores retry what DynamoDB left undone and let a real failure through, rather than
 * mistaking it for an answer.
 */
import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoRelatedStore } from '../../functions/store/dynamo-related-store';
import { DynamoSeenUrlStore } from '../../functions/store/dynamo-stores';

const dynamo = mockClient(DynamoDBDocumentClient);
afterEach(() => {
  dynamo.reset();
});

const TABLE = 'newsweave-test';
const props = { client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), tableName: TABLE };
const throttled = () => new ProvisionedThroughputExceededException({ message: 'Rate of requests exceeds the allowed throughput.', $metadata: {} });
const keysAsked = () => dynamo.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.[TABLE]?.Keys?.length);

describe('DynamoSeenUrlStore.filterUnseen', () => {
  const [seen, alsoSeen, unseen] = ['https://a.example/1', 'https://a.example/2', 'https://a.example/3'];

  it('asks again for the keys DynamoDB left unprocessed, and only for those', async () => {
    dynamo
      .on(BatchGetCommand)
      .callsFakeOnce((input: { RequestItems: Record<string, { Keys: unknown[] }> }) => ({
        Responses: { [TABLE]: [{ url: seen, outcome: 'stored' }] },
        UnprocessedKeys: { [TABLE]: { Keys: input.RequestItems[TABLE]!.Keys.slice(1) } },
      }))
      .resolvesOnce({ Responses: { [TABLE]: [{ url: alsoSeen, outcome: 'rejected', expiresAt: 4_102_444_800 }] } });

    expect(await new DynamoSeenUrlStore(props).filterUnseen([seen, alsoSeen, unseen])).toEqual([unseen]);
    expect(keysAsked()).toEqual([3, 2]);
  });

  it('fails after five attempts that all leave keys unprocessed, rather than calling them unseen', async () => {
    dynamo
      .on(BatchGetCommand)
      .callsFake((input: { RequestItems: Record<string, { Keys: unknown[] }> }) => ({ UnprocessedKeys: input.RequestItems }));

    await expect(new DynamoSeenUrlStore(props).filterUnseen([seen, unseen])).rejects.toThrow(
      'DynamoDB kept returning 2 unprocessed keys',
    );
    expect(keysAsked()).toEqual([2, 2, 2, 2, 2]);
  });

  it('lets a throttled read through', async () => {
    dynamo.on(BatchGetCommand).rejects(throttled());
    await expect(new DynamoSeenUrlStore(props).filterUnseen([seen])).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
  });
});

describe('DynamoSeenUrlStore.markQueued', () => {
  const until = new Date('2026-11-22T01:00:00Z');

  it('lets a throttled mark through, and takes a refused condition (settled meanwhile) for no failure', async () => {
    dynamo.on(UpdateCommand).rejects(throttled());
    await expect(new DynamoSeenUrlStore(props).markQueued('https://a.example/1', until)).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    dynamo.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    await expect(new DynamoSeenUrlStore(props).markQueued('https://a.example/2', until)).resolves.toBeUndefined();
  });
});

describe('DynamoRelatedStore.putEntry', () => {
  const entry = {
    id: 'article-id-0000000001',
    storyId: 'article-id-0000000001',
    publishedAt: '2026-11-20T10:00:00.000Z',
    vector: [{ term: 'danube', weight: 1 }],
    sketch: null,
    floor: 0,
  };
  const posting = { term: 'danube', id: entry.id, publishedAt: entry.publishedAt, weight: 1 };

  it('lets a throttled entry write through: indexing must not go on without its entry', async () => {
    dynamo.on(UpdateCommand).rejects(throttled());
    dynamo.on(BatchWriteCommand).resolves({});
    await expect(new DynamoRelatedStore(props).putEntry(entry, [posting])).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
  });

  it('sets the text-derived attributes only, never the story or the floor, and writes the postings', async () => {
    dynamo.on(UpdateCommand).resolves({});
    dynamo.on(BatchWriteCommand).resolves({});
    await new DynamoRelatedStore(props).putEntry(entry, [posting]);
    const update = dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(update.UpdateExpression).toBe('SET publishedAt = if_not_exists(publishedAt, :publishedAt), vector = :vector REMOVE sketch, embedding');
    // With a sketch and no embedding (a text that is not English): the one set, the other removed.
    await new DynamoRelatedStore(props).putEntry({ ...entry, sketch: { shingles: 40, hashes: [1, 2, 3] } }, [posting]);
    const mixed = dynamo.commandCalls(UpdateCommand)[1]!.args[0].input;
    expect(mixed.UpdateExpression).toBe('SET publishedAt = if_not_exists(publishedAt, :publishedAt), vector = :vector, sketch = :sketch REMOVE embedding');
    expect(mixed.ExpressionAttributeValues).toEqual({ ':publishedAt': entry.publishedAt, ':vector': 'danube\t10000', ':sketch': '40:1,2,3' });
    expect(update.UpdateExpression).not.toMatch(/storyId|floor/);
    expect(dynamo.commandCalls(BatchWriteCommand)[0]!.args[0].input.RequestItems?.[TABLE]).toHaveLength(1);
  });
});

describe('DynamoRelatedStore.putOwnList', () => {
  it('lets a throttled put through instead of taking it for an article already indexed', async () => {
    dynamo.on(PutCommand).rejects(throttled());
    await expect(new DynamoRelatedStore(props).putOwnList('article-id-0000000001', 'article-id-0000000001', [])).rejects.toBeInstanceOf(
      ProvisionedThroughputExceededException,
    );
  });

  it('answers false when the list is already there (a redelivery)', async () => {
    dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    expect(await new DynamoRelatedStore(props).putOwnList('article-id-0000000001', 'article-id-0000000001', [])).toBe(false);
  });
});

describe('DynamoRelatedStore.putLaterLinks', () => {
  const link = (n: number) => ({ ownerId: `owner-${n}`, link: { id: 'article-id-0000000002', storyId: 'article-id-0000000002', score: 0.5, reasons: ['Danube'] } });

  it('writes 25 items a request and sends again only what DynamoDB left unprocessed', async () => {
    dynamo
      .on(BatchWriteCommand)
      .callsFakeOnce((input: { RequestItems: Record<string, unknown[]> }) => ({ UnprocessedItems: { [TABLE]: input.RequestItems[TABLE]!.slice(20) } }))
      .resolves({});
    await new DynamoRelatedStore(props).putLaterLinks(Array.from({ length: 30 }, (_, n) => link(n)));
    const sizes = dynamo.commandCalls(BatchWriteCommand).map((call) => call.args[0].input.RequestItems?.[TABLE]?.length);
    expect(sizes.sort()).toEqual([25, 5, 5].sort());
  });

  it('gives up with a clear error when DynamoDB never processes them', async () => {
    dynamo.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => ({ UnprocessedItems: input.RequestItems }));
    await expect(new DynamoRelatedStore(props).putLaterLinks([link(1)])).rejects.toThrow('DynamoDB kept returning 1 unprocessed writes');
  }, 30_000);
});
