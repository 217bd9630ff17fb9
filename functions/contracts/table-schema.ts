/**
 * The one DynamoDB table: its key attributes, shared by the CDK construct (lib/storage.ts) and the local runtime so
 * that both create the same table, and every item's key, so that each key prefix is written in one place. Item
 * types and access patterns: docs/table-design.md.
 */
import { createHash } from 'node:crypto';
export const TABLE_KEYS = {
  partitionKey: 'PK',
  sortKey: 'SK',
  /** All articles newest first: GSI1PK = "ARTICLES", GSI1SK = "<publishedAt>#<id>". */
  byTimeIndex: { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
  /** One source's articles newest first: GSI2PK = "SOURCE#<sourceId>", GSI2SK = "<publishedAt>#<id>". */
  bySourceIndex: { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
} as const;

/**
 * Attributes the listing indexes carry besides keys: exactly an ArticleSummary, so that a listing page is one
 * Query and the article bodies are not copied into the indexes.
 */
export const LISTING_ATTRIBUTES = ['id', 'url', 'title', 'sourceId', 'sourceName', 'publishedAt', 'summary'] as const;

/**
 * Comments live in their article's own comments partition, next to a small count item, apart from the article item:
 * the API's role may write only under the partition prefixes below (an IAM `dynamodb:LeadingKeys` condition), so it
 * can never write an article, a source or an index item.
 */
export const COMMENTS_PARTITION_PREFIX = 'COMMENTS#';
/** One user's rate-limit windows. */
export const RATE_PARTITION_PREFIX = 'RATE#';
export const API_WRITABLE_PARTITION_PREFIXES = [COMMENTS_PARTITION_PREFIX, RATE_PARTITION_PREFIX] as const;

/** Sort keys of comments: their ULID ids, so that the partition's order is the order of creation. */
export const COMMENT_SORT_PREFIX = 'COMMENT#';
export const commentsPartition = (articleId: string) => `${COMMENTS_PARTITION_PREFIX}${articleId}`;
export const commentKey = (articleId: string, commentId: string) => ({
  PK: commentsPartition(articleId),
  SK: `${COMMENT_SORT_PREFIX}${commentId}`,
});
/** The article's comment count: outside the range of the comments' sort keys. */
export const commentCountKey = (articleId: string) => ({ PK: commentsPartition(articleId), SK: 'COUNT' });
/** One rate-limit window of one user (`minute#2026-11-20T10:01:00.000Z`). */
export const rateWindowKey = (userId: string, slotKey: string) => ({ PK: `${RATE_PARTITION_PREFIX}${userId}`, SK: slotKey });

/** CreateTable input for local servers (on-demand, like the deployed table). */
export function createTableInput(tableName: string) {
  const { partitionKey, sortKey, byTimeIndex, bySourceIndex } = TABLE_KEYS;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [partitionKey, sortKey, byTimeIndex.partitionKey, byTimeIndex.sortKey, bySourceIndex.partitionKey, bySourceIndex.sortKey].map(
      (AttributeName) => ({ AttributeName, AttributeType: 'S' as const }),
    ),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' as const },
      { AttributeName: sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: [byTimeIndex, bySourceIndex].map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...LISTING_ATTRIBUTES] },
    })),
  };
}

type Key = { readonly PK: string; readonly SK: string };

/** An article's partition holds the article, its index entry and its related links. */
/** Partition key prefixes of the item families (the CDK confines each role to some of them: lib/newsweave-function.ts). */
export const ARTICLE_PARTITION_PREFIX = 'ARTICLE#';
export const TERM_PARTITION_PREFIX = 'TERM#';
export const URL_PARTITION_PREFIX = 'URL#';
export const ROBOTS_PARTITION_PREFIX = 'ROBOTS#';
export const articlePartition = (id: string) => `${ARTICLE_PARTITION_PREFIX}${id}`;
/** An article partition's key -> the article's id; null for any other partition. */
export const articleIdOfPartition = (pk: unknown): string | null =>
  typeof pk === 'string' && pk.startsWith(ARTICLE_PARTITION_PREFIX) && pk.length > ARTICLE_PARTITION_PREFIX.length
    ? pk.slice(ARTICLE_PARTITION_PREFIX.length)
    : null;
export const articleKey = (id: string): Key => ({ PK: articlePartition(id), SK: 'ARTICLE' });
/** The article's entry in the related index: its vector, sketch, story and floor (not in the related Query's range). */
export const entryKey = (id: string): Key => ({ PK: articlePartition(id), SK: 'ENTRY' });
/** Every related item of an article begins with this. */
export const RELATED_PREFIX = 'REL#';
/** The article's own list (its related articles indexed before it): sorts before every later link. */
export const ownListKey = (id: string): Key => ({ PK: articlePartition(id), SK: `${RELATED_PREFIX}!` });
/** Scores are kept to six decimals; at most 9999.999999 fits the ten digits. */
const SCORE_SCALE = 1e6;
const SCORE_DIGITS = 10;
const MAX_INVERTED = 10 ** SCORE_DIGITS - 1;
/**
 * A later related article in the owner's partition: `REL#<inverted score>#<otherId>`, so that ascending key order
 * is best score first, ties by id, and a Query with a Limit returns the best.
 */
export function laterLinkKey(ownerId: string, score: number, otherId: string): Key {
  const scaled = Math.round(Math.min(Math.max(Number.isFinite(score) ? score : 0, 0), MAX_INVERTED / SCORE_SCALE) * SCORE_SCALE);
  return { PK: articlePartition(ownerId), SK: `${RELATED_PREFIX}${String(MAX_INVERTED - scaled).padStart(SCORE_DIGITS, '0')}#${otherId}` };
}
/** A later link's sort key -> its score and the other article's id; null for any other key. */
export function parseLaterLinkKey(sortKey: string): { score: number; id: string } | null {
  const match = /^REL#(\d{10})#(.+)$/s.exec(sortKey);
  if (!match) return null;
  return { score: (MAX_INVERTED - Number(match[1])) / SCORE_SCALE, id: match[2]! };
}

/** A posting: the article under one of its terms, newest first by `<publishedAt>#<id>`. */
export const termPartition = (term: string) => `${TERM_PARTITION_PREFIX}${term}`;
export const timeSortKey = (publishedAt: string, id: string) => `${publishedAt}#${id}`;
/** `<publishedAt>#<id>` -> its parts; null for a key of another shape. */
export function parseTimeSortKey(sortKey: string): { publishedAt: string; id: string } | null {
  const at = sortKey.lastIndexOf('#');
  return at > 0 ? { publishedAt: sortKey.slice(0, at), id: sortKey.slice(at + 1) } : null;
}

/** The listing indexes' partitions: every article, and one source's. */
export const ALL_ARTICLES_PARTITION = 'ARTICLES';
export const sourceListingPartition = (sourceId: string) => `SOURCE#${sourceId}`;

/** Every source's record sits in one partition, listed by one Query. */
export const SOURCES_PARTITION = 'SOURCES';
export const sourceKey = (sourceId: string): Key => ({ PK: SOURCES_PARTITION, SK: sourceId });
/**
 * The ids of the sources the deployment runs, as its last deployment (a custom resource, lib/ingestion.ts) or
 * `npm start` wrote them, in the sources' partition under a sort key no source id can have (ids begin with a letter
 * or digit), first in key order: the Query that lists the records reads it with them.
 */
export const CONFIGURED_SOURCES_SORT_KEY = '#CONFIGURED';
export const configuredSourcesKey: Key = { PK: SOURCES_PARTITION, SK: CONFIGURED_SOURCES_SORT_KEY };
/** The configured sources' item in DynamoDB's JSON, as both its writers put it: `sourceIds`, a list of strings. */
export function configuredSourcesItem(sourceIds: readonly string[]): Record<string, unknown> {
  return {
    PK: { S: SOURCES_PARTITION },
    SK: { S: CONFIGURED_SOURCES_SORT_KEY },
    sourceIds: { L: sourceIds.map((id) => ({ S: id })) },
  };
}

/** A robots.txt as the fetchers share it (dynamo-robots-store.ts). */
export const robotsKey = (origin: string): Key => ({ PK: `${ROBOTS_PARTITION_PREFIX}${origin}`, SK: 'ROBOTS' });

/** What became of a URL from a feed, keyed by its hash (URLs can be longer than a key should be). */
export const urlKey = (url: string): Key => ({
  PK: `${URL_PARTITION_PREFIX}${createHash('sha256').update(url).digest('base64url').slice(0, 32)}`,
  SK: 'URL',
});
