/**
 * Batched DynamoDB I/O shared by the stores: BatchWriteItem and BatchGetItem with their per-request limits, retried
 * with backoff while DynamoDB returns unprocessed items or keys (it does under throttling), and a bounded pool for
 * requests sent side by side.
 */
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Item = Record<string, unknown>;

/** BatchWriteItem takes at most 25 requests, BatchGetItem 100 keys. */
const BATCH_WRITE_SIZE = 25;
const BATCH_GET_SIZE = 100;
const MAX_ATTEMPTS = 5;
/** Parallel requests per call: enough to hide latency, few enough not to burst a partition. */
export const REQUEST_CONCURRENCY = 8;

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

/** Runs `fn` over the items, at most `limit` at a time; the results in the items' order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return results;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** 100, 200, 400, 800 ms: DynamoDB's advice for unprocessed items is exponential backoff. */
const backoff = (attempt: number) => sleep(50 * 2 ** attempt);

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
