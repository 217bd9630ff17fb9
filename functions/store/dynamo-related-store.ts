/**
 * The related index's storage on the one DynamoDB table: keys, items and batched I/O (the algorithm is in
 * functions/use-cases/index-article.ts and related-queries.ts). Items, sizes and costs: docs/related.md.
 *
 * - `ARTICLE#<id> / ENTRY`: the article's entry: story (when not its own id), publication time, term vector (one
 *   `term<TAB>weight` line per term, weights in ten-thousandths), text sketch, text embedding (base64), and the floor
 *   of its own list.
 * - `TERM#<term> / <publishedAt>#<id>`: a posting, with the term's weight in the article's vector (`w`).
 * - `ARTICLE#<id> / REL#!`: the own list: `storyId` and `links`, one JSON string of `[id, score, reasons, storyId?]`.
 * - `ARTICLE#<id> / REL#<inverted score>#<otherId>`: a later link: `reasons` and `storyId` (when not the id).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decodeSketch, encodeSketch } from '../dedupe/text-sketch';
import { decodeEmbedding, encodeEmbedding } from '../related/text-embedding';
import type { IndexEntry, Page, Posting, RelatedStore, StoredRelated, TopicQuery } from '../ports';
import type { RelatedLink } from '../related/rank-related';
import type { VectorTerm } from '../related/term-weight';
import { getItems, putItems } from './batch-io';
import { cursorAfter, decodeCursor } from '../contracts/cursor';
import {
  articleIdOfPartition,
  articlePartition,
  entryKey,
  laterLinkKey,
  ownListKey,
  parseLaterLinkKey,
  parseTimeSortKey,
  RELATED_PREFIX,
  termPartition,
  timeSortKey,
} from '../contracts/table-schema';

export interface DynamoRelatedStoreProps {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

type Item = Record<string, unknown>;

/** Vector weights and posting weights are kept in ten-thousandths: enough for ranking, a few bytes each. */
const WEIGHT_SCALE = 10_000;
/** Reasons kept per link, each cut to this many characters. */
const MAX_REASON_CHARS = 60;

export class DynamoRelatedStore implements RelatedStore {
  constructor(private readonly props: DynamoRelatedStoreProps) {}

  async putEntry(entry: IndexEntry, postings: readonly Posting[]): Promise<string> {
    // The postings' keys hold the entry's time, so they wait for it.
    const publishedAt = await this.putEntryContent(entry);
    await putItems(this.props, postings.map((posting) => postingToItem({ ...posting, publishedAt })));
    return publishedAt;
  }

  /**
   * The entry's text-derived part (vector, sketch, embedding), from the delivery that began last; its time from the
   * first (two deliveries of one page differ at most in a publication time that fell back to their fetch times),
   * returned; its story and floor, which indexing sets, are left as they are: a second delivery beginning late does
   * not put them back.
   */
  private async putEntryContent(entry: IndexEntry): Promise<string> {
    const optional = { sketch: entry.sketch ? encodeSketch(entry.sketch) : null, embedding: entry.embedding ? encodeEmbedding(entry.embedding) : null };
    const present = Object.entries(optional).filter(([, value]) => value !== null);
    const absent = Object.entries(optional).filter(([, value]) => value === null);
    const result = await this.props.client.send(
      new UpdateCommand({
        TableName: this.props.tableName,
        Key: entryKey(entry.id),
        UpdateExpression: [
          `SET ${['publishedAt = if_not_exists(publishedAt, :publishedAt)', 'vector = :vector', ...present.map(([name]) => `${name} = :${name}`)].join(', ')}`,
          ...(absent.length > 0 ? [`REMOVE ${absent.map(([name]) => name).join(', ')}`] : []),
        ].join(' '),
        ExpressionAttributeValues: {
          ':publishedAt': entry.publishedAt,
          ':vector': encodeVector(entry.vector),
          ...Object.fromEntries(present.map(([name, value]) => [`:${name}`, value])),
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return text(result.Attributes?.publishedAt) ?? entry.publishedAt;
  }

  async updateEntry(id: string, change: { readonly storyId?: string; readonly floor?: number }): Promise<void> {
    const sets: string[] = [];
    const values: Record<string, unknown> = {};
    if (change.storyId !== undefined) {
      sets.push('storyId = :story');
      values[':story'] = change.storyId;
    }
    if (change.floor !== undefined) {
      sets.push('floor = :floor');
      values[':floor'] = change.floor;
    }
    if (sets.length === 0) return;
    try {
      await this.props.client.send(
        new UpdateCommand({
          TableName: this.props.tableName,
          Key: entryKey(id),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async readEntries(ids: readonly string[]): Promise<IndexEntry[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const items = await getItems(this.props, unique.map(entryKey));
    // BatchGetItem answers in no particular order (and differently from one call to the next): put it back in the
    // order asked.
    const byId = new Map<string, IndexEntry>();
    for (const item of items) {
      const entry = itemToEntry(item);
      if (entry) byId.set(entry.id, entry);
    }
    return unique.flatMap((id) => byId.get(id) ?? []);
  }

  async readPostings(term: string, query: TopicQuery): Promise<Page<Posting>> {
    const start = query.cursor ? decodeCursor(query.cursor) : undefined;
    // One more than asked tells whether a next page exists without a second, empty, round trip.
    const result = await this.props.client.send(
      new QueryCommand({
        TableName: this.props.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': termPartition(term) },
        ScanIndexForward: false,
        Limit: query.limit + 1,
        ExclusiveStartKey: start && { PK: termPartition(term), SK: start.sortKey },
      }),
    );
    const postings = (result.Items ?? []).flatMap((item): Posting[] => {
      const key = parseTimeSortKey(String(item.SK));
      const weight = Number(item.w) / WEIGHT_SCALE;
      return key && Number.isFinite(weight) ? [{ term, id: key.id, publishedAt: key.publishedAt, weight }] : [];
    });
    const items = postings.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor: postings.length > query.limit && last ? cursorAfter(last.publishedAt, last.id) : null,
    };
  }

  async isIndexed(id: string): Promise<boolean> {
    const result = await this.props.client.send(
      new GetCommand({ TableName: this.props.tableName, Key: ownListKey(id), ProjectionExpression: 'PK', ConsistentRead: true }),
    );
    return result.Item !== undefined;
  }

  async readRelated(id: string, limit: number): Promise<StoredRelated | null> {
    const result = await this.props.client.send(
      new QueryCommand({
        TableName: this.props.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': articlePartition(id), ':prefix': RELATED_PREFIX },
        // The own list sorts first, then the later links best first.
        Limit: limit + 1,
      }),
    );
    const items = result.Items ?? [];
    const ownItem = items[0]?.SK === ownListKey(id).SK ? items.shift()! : null;
    if (!ownItem) return null;
    const later = items.flatMap((item): RelatedLink[] => {
      const key = parseLaterLinkKey(String(item.SK));
      return key ? [{ id: key.id, score: key.score, storyId: text(item.storyId) ?? key.id, reasons: reasonsOf(item.reasons) }] : [];
    });
    return { storyId: text(ownItem.storyId) ?? id, own: parseLinks(ownItem.links), later };
  }

  async putOwnList(id: string, storyId: string, links: readonly RelatedLink[]): Promise<boolean> {
    try {
      await this.props.client.send(
        new PutCommand({
          TableName: this.props.tableName,
          Item: { ...ownListKey(id), storyId, links: JSON.stringify(links.map(linkToTuple)) },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async putLaterLinks(links: readonly { readonly ownerId: string; readonly link: RelatedLink }[]): Promise<void> {
    await putItems(
      this.props,
      links.map(({ ownerId, link }) => ({
        ...laterLinkKey(ownerId, link.score, link.id),
        reasons: link.reasons.map((reason) => reason.slice(0, MAX_REASON_CHARS)),
        ...(link.storyId !== link.id ? { storyId: link.storyId } : {}),
      })),
    );
  }
}

function postingToItem(posting: Posting): Item {
  return { PK: termPartition(posting.term), SK: timeSortKey(posting.publishedAt, posting.id), w: Math.round(posting.weight * WEIGHT_SCALE) };
}

/** `term<TAB>weight` lines. Terms are words and spaces; a tab or a line break would split the line, so none is kept. */
function encodeVector(vector: readonly VectorTerm[]): string {
  return vector.map(({ term, weight }) => `${term.replace(/[\t\n]/g, ' ')}\t${Math.round(weight * WEIGHT_SCALE)}`).join('\n');
}

/** An entry item -> the entry; null for an item that is not one (damaged, or written by other code). */
function itemToEntry(item: Item): IndexEntry | null {
  const id = articleIdOfPartition(item.PK);
  if (!id || typeof item.vector !== 'string' || typeof item.publishedAt !== 'string') return null;
  const vector: VectorTerm[] = [];
  for (const line of item.vector.split('\n')) {
    const [term, weight] = line.split('\t');
    const value = Number(weight) / WEIGHT_SCALE;
    if (term && weight && Number.isFinite(value)) vector.push({ term, weight: value });
  }
  return {
    id,
    storyId: text(item.storyId) ?? id,
    publishedAt: item.publishedAt,
    vector,
    embedding: decodeEmbedding(item.embedding),
    sketch: decodeSketch(item.sketch),
    floor: typeof item.floor === 'number' && item.floor > 0 ? item.floor : 0,
  };
}

type LinkTuple = [string, number, string[], string?];

function linkToTuple(link: RelatedLink): LinkTuple {
  const reasons = link.reasons.map((reason) => reason.slice(0, MAX_REASON_CHARS));
  return link.storyId === link.id ? [link.id, link.score, reasons] : [link.id, link.score, reasons, link.storyId];
}

/** The own list's links; none from a list that is not one (the item was damaged or written by other code). */
function parseLinks(value: unknown): RelatedLink[] {
  let parsed: unknown;
  try {
    parsed = typeof value === 'string' ? JSON.parse(value) : null;
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((tuple): RelatedLink[] => {
    if (!Array.isArray(tuple) || typeof tuple[0] !== 'string' || typeof tuple[1] !== 'number') return [];
    return [{ id: tuple[0], score: tuple[1], reasons: reasonsOf(tuple[2]), storyId: text(tuple[3]) ?? tuple[0] }];
  });
}

const reasonsOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((reason) => typeof reason === 'string') : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);
