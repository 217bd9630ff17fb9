/**
 * Counts what the handlers in this process ask of DynamoDB and SQS, through their own SDK clients: each DynamoDB
 * call is sent with `ReturnConsumedCapacity: 'TOTAL'` and the capacity the server reports is added up.
 *
 * The local server (dynalite) reports the table's units only, as DynamoDB does for the item itself: ceil(size / 1 KB)
 * write units, ceil(size / 4 KB) read units (halved when eventually consistent), the larger of old and new item
 * for an update. DynamoDB also bills a write to each global secondary index whose keys or projected attributes the
 * write sets, so those are estimated here from the written item (`indexWriteUnits`). A write refused by its
 * condition is billed at least one unit by DynamoDB and reports nothing: counted as one (`refusedWrites`).
 * The table's write units are also split by the type of item written (`writesByItemType`, see `itemType`): exact for
 * single-item writes; a batch's or transaction's reported total is shared among its items in proportion to their
 * sizes in 1 KB units (a delete or update counted as one), which is how DynamoDB bills them when items are new.
 * The meter patches the SDK clients' `send` in this process only: a benchmark instrument, never loaded by a handler.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { articleKey, LISTING_ATTRIBUTES, TABLE_KEYS } from '../../functions/contracts/table-schema';

export interface AwsUsage {
  dynamoRequests: Record<string, number>;
  readUnits: number;
  writeUnits: number;
  indexWriteUnits: number;
  refusedWrites: number;
  /** Table write units (refused writes included) and items written, by item type (`itemType`). */
  writesByItemType: Record<string, { items: number; units: number }>;
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
/** The sort key of the only items the indexes hold: articles. */
const ARTICLE_SORT_KEY = articleKey('').SK;

type Sender = (this: unknown, command: { constructor: { name: string }; input: Record<string, unknown> }, ...rest: unknown[]) => Promise<unknown>;

let installed: AwsMeter | undefined;

export function installAwsMeter(): AwsMeter {
  if (installed) return installed;
  const usage: AwsUsage = { dynamoRequests: {}, readUnits: 0, writeUnits: 0, indexWriteUnits: 0, refusedWrites: 0, writesByItemType: {}, sqsRequests: {} };
  const addWrites = (written: WrittenItem[], units: number) => {
    const weight = written.reduce((sum, item) => sum + item.weight, 0);
    for (const item of written) {
      const entry = (usage.writesByItemType[item.type] ??= { items: 0, units: 0 });
      entry.items += 1;
      entry.units += weight > 0 ? (units * item.weight) / weight : 0;
    }
  };

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
        if (WRITES.has(operation)) {
          usage.writeUnits += units;
          addWrites(writtenItems(operation, command.input), units);
        } else {
          usage.readUnits += units;
        }
        return output;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') {
          usage.refusedWrites += 1;
          usage.writeUnits += 1;
          addWrites(writtenItems(operation, command.input), 1);
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
        writesByItemType: Object.fromEntries(
          Object.entries(now.writesByItemType)
            .map(([type, { items, units }]) => {
              const earlier = before.writesByItemType[type];
              return [type, { items: items - (earlier?.items ?? 0), units: units - (earlier?.units ?? 0) }] as const;
            })
            .filter(([, { items }]) => items !== 0),
        ),
        sqsRequests: minus(now.sqsRequests, before.sqsRequests),
      };
    },
  };
  return installed;
}

/**
 * An item's type, from its key: the partition key's prefix, then the sort key's when it names a kind of item rather
 * than data: `ARTICLE/ARTICLE`, `ARTICLE/ENTRY`, `ARTICLE/REL#!` (an own list), `ARTICLE/REL#<score>` (a later
 * link), `TERM` (a posting: its sort key is `<publishedAt>#<id>`), `URL/URL`, `SOURCES`. Takes plain or marshalled
 * (`{ S: … }`) key values.
 */
export function itemType(key: Record<string, unknown>): string {
  const text = (value: unknown) => String((value as { S?: unknown } | null)?.S ?? value ?? '');
  const partition = text(key[TABLE_KEYS.partitionKey]).split('#')[0] ?? '';
  const sort = text(key[TABLE_KEYS.sortKey]);
  if (/^REL#\d/.test(sort)) return `${partition}/REL#<score>`;
  const sortKind = /^REL#!/.test(sort) ? 'REL#!' : (sort.split('#')[0] ?? '');
  return /^[A-Z_]+(?:#!)?$/.test(sortKind) ? `${partition}/${sortKind}` : partition;
}

interface WrittenItem {
  readonly type: string;
  /** Its share of its request's units: its size in 1 KB units for a put, 1 for a delete, an update or a check. */
  readonly weight: number;
}

/** The items a write request names, with their types and weights. */
function writtenItems(operation: string, input: Record<string, unknown>): WrittenItem[] {
  const put = (item: Record<string, unknown>): WrittenItem => ({ type: itemType(item), weight: Math.max(1, Math.ceil(itemSize(item) / 1024)) });
  const keyed = (key: Record<string, unknown>): WrittenItem => ({ type: itemType(key), weight: 1 });
  type Request = { Item?: Record<string, unknown>; Key?: Record<string, unknown> };
  const either = (request: Request | undefined): WrittenItem[] => (request?.Item ? [put(request.Item)] : request?.Key ? [keyed(request.Key)] : []);
  if (operation === 'PutItem' || operation === 'UpdateItem' || operation === 'DeleteItem') return either(input as Request);
  if (operation === 'BatchWriteItem') {
    const requests = Object.values((input.RequestItems ?? {}) as Record<string, { PutRequest?: Request; DeleteRequest?: Request }[]>).flat();
    return requests.flatMap((request) => either(request.PutRequest ?? request.DeleteRequest));
  }
  if (operation === 'TransactWriteItems') {
    const actions = (input.TransactItems ?? []) as Record<string, Request>[];
    return actions.flatMap((action) => either(action.Put ?? action.Update ?? action.Delete ?? action.ConditionCheck));
  }
  return [];
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
    // An update rewrites an index entry when it sets the index's key, or names a projected attribute of an item in
    // the index: only articles are (functions/store/items.ts), so an index entry's `publishedAt` costs nothing there.
    const names = Object.values((input.ExpressionAttributeNames ?? {}) as Record<string, string>);
    const expression = String(input.UpdateExpression ?? '');
    const touched = (attribute: string) => names.includes(attribute) || new RegExp(`\\b${attribute}\\b`).test(expression);
    const sortKey = (input.Key as Record<string, unknown> | undefined)?.[TABLE_KEYS.sortKey];
    const inIndexes = (typeof sortKey === 'object' && sortKey !== null ? (sortKey as { S?: unknown }).S : sortKey) === ARTICLE_SORT_KEY;
    for (const index of INDEXES) {
      if (touched(index.partitionKey) || (inIndexes && [index.sortKey, ...LISTING_ATTRIBUTES].some(touched))) units += 1;
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
