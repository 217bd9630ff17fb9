/**
 * Counts what the handlers in this process ask of DynamoDB and SQS, through their own SDK clients: each DynamoDB
 * call is sent with `ReturnConsumedCapacity: 'TOTAL'` and the capacity the server reports is added up.
 *
 * The local server (dynalite) reports the table's units only, as DynamoDB does for the item itself: ceil(size / 1 KB)
 * write units, ceil(size / 4 KB) read units (halved when eventually consistent), the larger of old and new item
 * for an update. DynamoDB also bills a write to each global secondary index whose keys or projected attributes the
 * write sets, so those are estimated here from the written item (`indexWriteUnits`). A write refused by its
 * condition is billed at least one unit by DynamoDB and reports nothing: counted as one (`refusedWrites`).
 * The meter patches the SDK clients' `send` in this process only: a benchmark instrument, never loaded by a handler.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LISTING_ATTRIBUTES, TABLE_KEYS } from '../../functions/store/table-schema';

export interface AwsUsage {
  dynamoRequests: Record<string, number>;
  readUnits: number;
  writeUnits: number;
  indexWriteUnits: number;
  refusedWrites: number;
  sqsRequests: Record<string, number>;
}

export interface AwsMeter {
  snapshot(): AwsUsage;
  /** The usage since `before` (a snapshot). */
  since(before: AwsUsage): AwsUsage;
}

const DOCUMENT_OPERATIONS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
};
const WITH_CAPACITY = new Set([
  'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactGetItems', 'TransactWriteItems',
]);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const INDEXES = [TABLE_KEYS.byTimeIndex, TABLE_KEYS.bySourceIndex];

type Sender = (this: unknown, command: { constructor: { name: string }; input: Record<string, unknown> }, ...rest: unknown[]) => Promise<unknown>;

let installed: AwsMeter | undefined;

export function installAwsMeter(): AwsMeter {
  if (installed) return installed;
  const usage: AwsUsage = { dynamoRequests: {}, readUnits: 0, writeUnits: 0, indexWriteUnits: 0, refusedWrites: 0, sqsRequests: {} };

  const meterDynamo = (prototype: { send: unknown }) => {
    const send = prototype.send as Sender;
    prototype.send = async function meteredSend(this: unknown, command, ...rest) {
      const name = command.constructor.name.replace(/Command$/, '');
      const operation = DOCUMENT_OPERATIONS[name] ?? name;
      usage.dynamoRequests[operation] = (usage.dynamoRequests[operation] ?? 0) + 1;
      if (WITH_CAPACITY.has(operation)) command.input.ReturnConsumedCapacity = 'TOTAL';
      if (WRITES.has(operation)) usage.indexWriteUnits += indexWriteUnits(operation, command.input);
      try {
        const output = (await send.call(this, command, ...rest)) as { ConsumedCapacity?: unknown };
        const units = capacityUnits(output?.ConsumedCapacity);
        if (WRITES.has(operation)) usage.writeUnits += units;
        else usage.readUnits += units;
        return output;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') {
          usage.refusedWrites += 1;
          usage.writeUnits += 1;
        }
        throw error;
      }
    } satisfies Sender;
  };
  // The document client shares the raw client's middleware but has its own `send`: patch both, never counted twice.
  meterDynamo(DynamoDBClient.prototype);
  meterDynamo(DynamoDBDocumentClient.prototype);

  const sqsSend = SQSClient.prototype.send as unknown as Sender;
  (SQSClient.prototype as { send: unknown }).send = function meteredSqsSend(this: unknown, command, ...rest) {
    const operation = command.constructor.name.replace(/Command$/, '');
    usage.sqsRequests[operation] = (usage.sqsRequests[operation] ?? 0) + 1;
    return sqsSend.call(this, command, ...rest);
  } satisfies Sender;

  const copy = (): AwsUsage => structuredClone(usage);
  installed = {
    snapshot: copy,
    since(before) {
      const now = copy();
      const minus = (a: Record<string, number>, b: Record<string, number>) =>
        Object.fromEntries(Object.entries(a).map(([key, value]) => [key, value - (b[key] ?? 0)]).filter(([, value]) => value !== 0));
      return {
        dynamoRequests: minus(now.dynamoRequests, before.dynamoRequests),
        readUnits: now.readUnits - before.readUnits,
        writeUnits: now.writeUnits - before.writeUnits,
        indexWriteUnits: now.indexWriteUnits - before.indexWriteUnits,
        refusedWrites: now.refusedWrites - before.refusedWrites,
        sqsRequests: minus(now.sqsRequests, before.sqsRequests),
      };
    },
  };
  return installed;
}

export const totalRequests = (requests: Record<string, number>): number => Object.values(requests).reduce((a, b) => a + b, 0);

function capacityUnits(consumed: unknown): number {
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((sum: number, entry: { CapacityUnits?: number }) => sum + (entry.CapacityUnits ?? 0), 0);
}

/** Units of index writes a put or update causes: one per index the item belongs to, ceil(projected size / 1 KB). */
function indexWriteUnits(operation: string, input: Record<string, unknown>): number {
  const puts: Record<string, unknown>[] = [];
  if (operation === 'PutItem') puts.push(input.Item as Record<string, unknown>);
  if (operation === 'BatchWriteItem') {
    for (const requests of Object.values((input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: Record<string, unknown> } }[]>)) {
      for (const request of requests) if (request.PutRequest) puts.push(request.PutRequest.Item);
    }
  }
  let units = 0;
  for (const item of puts) {
    for (const index of INDEXES) if (item?.[index.partitionKey] !== undefined) units += Math.ceil(projectedSize(item, index) / 1024);
  }
  if (operation === 'UpdateItem') {
    // An update that names an index key or a projected attribute rewrites the index entry.
    const names = Object.values((input.ExpressionAttributeNames ?? {}) as Record<string, string>);
    const expression = String(input.UpdateExpression ?? '');
    const touched = (attribute: string) => names.includes(attribute) || new RegExp(`\\b${attribute}\\b`).test(expression);
    for (const index of INDEXES) {
      if ([index.partitionKey, index.sortKey, ...LISTING_ATTRIBUTES].some(touched)) units += 1;
    }
  }
  return units;
}

export function projectedSize(item: Record<string, unknown>, index: { partitionKey: string; sortKey: string }): number {
  const kept = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, index.partitionKey, index.sortKey, ...LISTING_ATTRIBUTES];
  return kept.reduce((sum, name) => (item[name] === undefined ? sum : sum + Buffer.byteLength(name) + valueSize(item[name])), 0);
}

/** DynamoDB's item size: attribute names plus values, per the developer guide's rules, from unmarshalled values. */
export function itemSize(item: Record<string, unknown>): number {
  return Object.entries(item).reduce((sum, [name, value]) => (value === undefined ? sum : sum + Buffer.byteLength(name) + valueSize(value)), 0);
}

function valueSize(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    const digits = String(value).replace(/^-|\.|e.*$/gi, '').replace(/^0+|0+$/g, '').length || 1;
    return Math.ceil(digits / 2) + 1;
  }
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, element) => sum + valueSize(element), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, element) => sum + 1 + valueSize(element), 0);
  if (typeof value === 'object') {
    return 3 + Object.entries(value as Record<string, unknown>).reduce((sum, [name, element]) => sum + 1 + Buffer.byteLength(name) + valueSize(element), 0);
  }
  return 0;
}
