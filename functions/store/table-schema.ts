/**
 * The one DynamoDB table's keys, shared by the CDK construct (lib/storage.ts) and the local runtime, so that
 * both create the same table. Item types and access patterns: docs/table-design.md.
 */
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
export const commentKey = (articleId: string, commentId: string) => ({
  PK: `${COMMENTS_PARTITION_PREFIX}${articleId}`,
  SK: `${COMMENT_SORT_PREFIX}${commentId}`,
});
/** The article's comment count: outside the range of the comments' sort keys. */
export const commentCountKey = (articleId: string) => ({ PK: `${COMMENTS_PARTITION_PREFIX}${articleId}`, SK: 'COUNT' });
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
