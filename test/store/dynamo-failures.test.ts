/**
 * DynamoDB answers that the local server never gives (unprocessed keys, throttling), on a document client mocked
 * with aws-sdk-client-mock: the stores retry what DynamoDB left undone and let a real failure through, rather than
 * mistaking it for an answer.
 */
import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoArticleStore, DynamoSeenUrlStore } from '../../functions/store/dynamo-stores';

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
        Responses: { [TABLE]: [{ url: seen }] },
        UnprocessedKeys: { [TABLE]: { Keys: input.RequestItems[TABLE]!.Keys.slice(1) } },
      }))
      .resolvesOnce({ Responses: { [TABLE]: [{ url: alsoSeen }] } });

    expect(await new DynamoSeenUrlStore(props).filterUnseen([seen, alsoSeen, unseen])).toEqual([unseen]);
    expect(keysAsked()).toEqual([3, 2]);
  });

  it('fails after five attempts that all leave keys unprocessed, rather than calling them unseen', async () => {
    dynamo
      .on(BatchGetCommand)
      .callsFake((input: { RequestItems: Record<string, { Keys: unknown[] }> }) => ({ UnprocessedKeys: input.RequestItems }));

    await expect(new DynamoSeenUrlStore(props).filterUnseen([seen, unseen])).rejects.toThrow(
      'DynamoDB kept returning unprocessed keys for seen URLs',
    );
    expect(keysAsked()).toEqual([2, 2, 2, 2, 2]);
  });

  it('lets a throttled read through', async () => {
    dynamo.on(BatchGetCommand).rejects(throttled());
    await expect(new DynamoSeenUrlStore(props).filterUnseen([seen])).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
  });
});

describe('DynamoArticleStore.markIndexed', () => {
  it('lets a throttled update through instead of taking it for an article already indexed', async () => {
    dynamo.on(UpdateCommand).rejects(throttled());
    await expect(new DynamoArticleStore(props).markIndexed('article-id-0000000001')).rejects.toBeInstanceOf(
      ProvisionedThroughputExceededException,
    );
  });
});
