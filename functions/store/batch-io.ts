/**
 * Batched DynamoDB I/O shared by the stores: BatchWriteItem and BatchGetItem with their per-request limits, retried
 * with backoff while DynamoDB returns unprocessed items or keys (it does under throttling), several requests side by
 * side (functions/shared/concurrency.ts).
 */
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapLimited, REQUEST_CONCURRENCY, sleep } from '../shared/concurrency';

type Item = Record<string, unknown>;

/** BatchWriteItem takes at most 25 requests, BatchGetItem 100 keys. */
const BATCH_WRITE_SIZE = 25;
const BATCH_GET_SIZE = 100;
const MAX_ATTEMPTS = 5;

export interface BatchTarget {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** Puts every item (blind), 25 a request, several requests at once. */
export async function putItems(target: BatchTarget, items: readonly Item[]): Promise<void> {
  await mapLimited(chunks(items, BATCH_WRITE_SIZE), REQUEST_CONCURRENCY, async (batch) => {
    let pending: Item[] = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === MAX_ATTEMPTS) throw new Error(`DynamoDB kept returning ${pending.length} unprocessed writes`);
      if (attempt > 0) await backoff(attempt);
      const result = await target.client.send(new BatchWriteCommand({ RequestItems: { [target.tableName]: pending as never } }));
      pending = (result.UnprocessedItems?.[target.tableName] as Item[] | undefined) ?? [];
    }
  });
}

/** The items found under `keys` (absent ones are left out, order not kept), 100 keys a request. */
export async function getItems(
  target: BatchTarget,
  keys: readonly Item[],
  options: { readonly projection?: string; readonly names?: Record<string, string> } = {},
): Promise<Item[]> {
  const pages = await mapLimited(chunks(keys, BATCH_GET_SIZE), REQUEST_CONCURRENCY, async (batch) => {
    const found: Item[] = [];
    let pending: Item[] = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === MAX_ATTEMPTS) throw new Error(`DynamoDB kept returning ${pending.length} unprocessed keys`);
      if (attempt > 0) await backoff(attempt);
      const result = await target.client.send(
        new BatchGetCommand({
          RequestItems: {
            [target.tableName]: {
              Keys: pending,
              ...(options.projection ? { ProjectionExpression: options.projection } : {}),
              ...(options.names ? { ExpressionAttributeNames: options.names } : {}),
            },
          },
        }),
      );
      found.push(...(result.Responses?.[target.tableName] ?? []));
      pending = (result.UnprocessedKeys?.[target.tableName]?.Keys as Item[] | undefined) ?? [];
    }
    return found;
  });
  return pages.flat();
}

/** 100, 200, 400, 800 ms: DynamoDB's advice for unprocessed items is exponential backoff. */
const backoff = (attempt: number) => sleep(50 * 2 ** attempt);

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
