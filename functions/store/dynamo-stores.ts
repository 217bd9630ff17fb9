/**
 * DynamoDB implementations of the article, source and seen-URL ports. Item types and access patterns:
 * docs/table-design.md. Only GetItem, PutItem, UpdateItem, Query and BatchGetItem: never Scan.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Article, ArticleSummary, SourceConfig, SourceState } from '../contracts/model';
import type { ArticleStore, ArticleWithCommentCount, ListArticlesQuery, Page, SeenUrlStore, SourceStore, UrlOutcome } from '../ports';
import { getItems } from './batch-io';
import { articleToItem, itemToArticle, itemToSourceState, itemToSummary } from './items';
import { cursorAfter, decodeCursor } from '../contracts/cursor';
import { configuredOnly, readConfiguredIds } from '../sources/configured-sources';
import {
  ALL_ARTICLES_PARTITION,
  articleKey,
  commentCountKey,
  LISTING_ATTRIBUTES,
  sourceKey,
  sourceListingPartition,
  SOURCES_PARTITION,
  CONFIGURED_SOURCES_SORT_KEY,
  configuredSourcesKey,
  TABLE_KEYS,
  urlKey,
} from '../contracts/table-schema';

export interface DynamoStoreProps {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export class DynamoArticleStore implements ArticleStore {
  constructor(private readonly props: DynamoStoreProps) {}

  async putArticleIfAbsent(article: Article): Promise<boolean> {
    try {
      await this.props.client.send(
        new PutCommand({
          TableName: this.props.tableName,
          Item: articleToItem(article),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }


  /**
   * Read consistently: its one caller is the worker completing a store another delivery began, right after that
   * delivery's conditional put, which an eventually consistent read could still miss.
   */
  async getArticle(id: string): Promise<Article | null> {
    const result = await this.props.client.send(new GetCommand({ TableName: this.props.tableName, Key: articleKey(id), ConsistentRead: true }));
    return result.Item ? itemToArticle(result.Item) : null;
  }

  async getArticleWithCommentCount(id: string): Promise<ArticleWithCommentCount | null> {
    const items = await getItems(this.props, [articleKey(id), commentCountKey(id)]);
    const article = items.find((item) => item.SK === articleKey(id).SK);
    if (!article) return null;
    const count = Number(items.find((item) => item.SK === commentCountKey(id).SK)?.commentCount ?? 0);
    // A count can only go below zero if a decrement ran without its increment (docs/table-design.md, "Comments").
    return { article: itemToArticle(article), commentCount: Number.isFinite(count) && count > 0 ? count : 0 };
  }

  async hasArticle(id: string): Promise<boolean> {
    const result = await this.props.client.send(
      new GetCommand({ TableName: this.props.tableName, Key: articleKey(id), ProjectionExpression: 'PK' }),
    );
    return result.Item !== undefined;
  }

  async getSummaries(ids: readonly string[]): Promise<ArticleSummary[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const names = Object.fromEntries(LISTING_ATTRIBUTES.map((name) => [`#${name}`, name]));
    const items = await getItems(this.props, unique.map(articleKey), { projection: Object.keys(names).join(', '), names });
    return items.map(itemToSummary);
  }

  async listArticles(query: ListArticlesQuery): Promise<Page<ArticleSummary>> {
    const index = query.sourceId ? TABLE_KEYS.bySourceIndex : TABLE_KEYS.byTimeIndex;
    const partition = query.sourceId ? sourceListingPartition(query.sourceId) : ALL_ARTICLES_PARTITION;
    const start = query.cursor ? decodeCursor(query.cursor) : undefined;
    // One more than asked tells whether a next page exists without a second, empty, round trip.
    const result = await this.props.client.send(
      new QueryCommand({
        TableName: this.props.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.partitionKey },
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
        Limit: query.limit + 1,
        ExclusiveStartKey: start && {
          ...articleKey(start.id),
          [index.partitionKey]: partition,
          [index.sortKey]: start.sortKey,
        },
      }),
    );
    const items = (result.Items ?? []).slice(0, query.limit).map(itemToSummary);
    const more = (result.Items?.length ?? 0) > query.limit;
    const last = items.at(-1);
    return {
      items,
      nextCursor: more && last ? cursorAfter(last.publishedAt, last.id) : null,
    };
  }
}

const FETCH_STATE_FIELDS = [
  'lastFetchedAt',
  'lastSuccessAt',
  'lastError',
  'lastErrorKind',
  'errorCount',
  'nextAttemptAt',
  'etag',
  'lastModified',
  'lastFullFetchAt',
] as const;

export class DynamoSourceStore implements SourceStore {
  constructor(private readonly props: DynamoStoreProps) {}

  /**
   * A source whose URL changed in the config starts afresh at that URL: its backoff, error count and validators were
   * the old URL's. Kept, they put a fixed URL off for up to 12 hours, and sent the old feed's ETag and Last-Modified to
   * the new one, which may answer 304 to them until the next full fetch. The usual case costs one update as before,
   * conditional on the URL; a changed URL, a second.
   */
  async registerSource(source: SourceConfig): Promise<SourceState> {
    try {
      return await this.register(source, false);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return this.register(source, true);
    }
  }

  private async register(source: SourceConfig, urlChanged: boolean): Promise<SourceState> {
    const set = ['#name = :name', '#url = :url', 'schedule = :schedule', 'articleCount = if_not_exists(articleCount, :zero)'];
    const values: Record<string, unknown> = { ':name': source.name, ':url': source.url, ':schedule': source.schedule, ':zero': 0 };
    if (urlChanged) {
      set.push('errorCount = :zero', 'nextAttemptAt = :null', 'etag = :null', 'lastModified = :null', 'lastFullFetchAt = :null');
      values[':null'] = null;
    } else {
      set.push('errorCount = if_not_exists(errorCount, :zero)');
    }
    const result = await this.props.client.send(
      new UpdateCommand({
        TableName: this.props.tableName,
        Key: sourceKey(source.id),
        UpdateExpression: `SET ${set.join(', ')}`,
        ...(!urlChanged && { ConditionExpression: 'attribute_not_exists(#url) OR #url = :url' }),
        ExpressionAttributeNames: { '#name': 'name', '#url': 'url' },
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return itemToSourceState(result.Attributes ?? {});
  }

  async getSource(sourceId: string): Promise<SourceState | null> {
    const result = await this.props.client.send(
      new GetCommand({ TableName: this.props.tableName, Key: sourceKey(sourceId) }),
    );
    return result.Item ? itemToSourceState(result.Item) : null;
  }

  async saveFetchState(state: SourceState): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = FETCH_STATE_FIELDS.map((field) => {
      names[`#${field}`] = field;
      values[`:${field}`] = state[field];
      return `#${field} = :${field}`;
    });
    await this.props.client.send(
      new UpdateCommand({
        TableName: this.props.tableName,
        Key: sourceKey(state.sourceId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async recordPageError(sourceId: string, error: { readonly message: string; readonly at: string }): Promise<void> {
    await this.props.client.send(
      new UpdateCommand({
        TableName: this.props.tableName,
        Key: sourceKey(sourceId),
        UpdateExpression: 'SET lastPageError = :message, lastPageErrorAt = :at ADD pageErrorCount :one',
        ExpressionAttributeValues: { ':message': error.message, ':at': error.at, ':one': 1 },
      }),
    );
  }

  async incrementArticleCount(sourceId: string, by = 1): Promise<void> {
    await this.props.client.send(
      new UpdateCommand({
        TableName: this.props.tableName,
        Key: sourceKey(sourceId),
        UpdateExpression: 'ADD articleCount :by',
        ExpressionAttributeValues: { ':by': by },
      }),
    );
  }

  async listSources(): Promise<SourceState[]> {
    const sources: SourceState[] = [];
    let configured: string[] | null = null;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.props.client.send(
        new QueryCommand({
          TableName: this.props.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': SOURCES_PARTITION },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.SK === CONFIGURED_SOURCES_SORT_KEY) configured = readConfiguredIds(item.sourceIds);
        else sources.push(itemToSourceState(item));
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return configuredOnly(sources, configured);
  }

  async recordConfiguredSources(sourceIds: readonly string[]): Promise<void> {
    await this.props.client.send(
      new PutCommand({
        TableName: this.props.tableName,
        Item: { ...configuredSourcesKey, sourceIds: [...sourceIds] },
      }),
    );
  }
}

/** Rejected URLs are tried again after this long: a page that was not an article yet may become one. */
const REJECTED_URL_TTL_SECONDS = 7 * 24 * 3600;

/**
 * One item per URL (`URL#<hash>` / `URL`): its outcome (`outcome`: stored, duplicate, rejected or deferred), or, while
 * it has none, its queued mark while a message of it is known to be on its way (`queuedAt`, and `expiresAt` the mark's
 * end). The two are read together, by the same BatchGetItem; only the fetcher heeds the mark.
 */
export class DynamoSeenUrlStore implements SeenUrlStore {
  constructor(private readonly props: DynamoStoreProps & { readonly now?: () => Date }) {}

  private now(): Date {
    return this.props.now ? this.props.now() : new Date();
  }

  filterUnseen(urls: readonly string[]): Promise<string[]> {
    return this.filterOut(urls, { marked: false });
  }

  filterUnqueued(urls: readonly string[]): Promise<string[]> {
    return this.filterOut(urls, { marked: true });
  }

  /** The URLs without a live item: an outcome always counts, a queued mark only when `marked`. */
  private async filterOut(urls: readonly string[], options: { readonly marked: boolean }): Promise<string[]> {
    const unique = [...new Set(urls)];
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    const items = await getItems(this.props, unique.map(urlKey), { projection: '#url, outcome, expiresAt', names: { '#url': 'url' } });
    const held = new Set<string>();
    for (const item of items) {
      // TTL deletion lags by up to two days (and local servers have none): an expired record counts as absent.
      if (typeof item.expiresAt === 'number' && item.expiresAt <= nowSeconds) continue;
      if (item.outcome === undefined && !options.marked) continue;
      held.add(String(item.url));
    }
    return unique.filter((url) => !held.has(url));
  }

  /**
   * One conditional UpdateItem. The condition leaves an outcome alone, takes over one that has expired (a deferral
   * keeps its count of refusals) and never shortens a mark; a refused condition is therefore no failure.
   */
  async markQueued(url: string, until: Date): Promise<void> {
    const now = this.now();
    try {
      await this.props.client.send(
        new UpdateCommand({
          TableName: this.props.tableName,
          Key: urlKey(url),
          ConditionExpression: '(attribute_not_exists(outcome) AND (attribute_not_exists(expiresAt) OR expiresAt < :until)) OR expiresAt <= :now',
          UpdateExpression: 'SET #url = :url, queuedAt = :queuedAt, expiresAt = :until REMOVE outcome, reason, seenAt',
          ExpressionAttributeNames: { '#url': 'url' },
          ExpressionAttributeValues: {
            ':url': url,
            ':queuedAt': now.toISOString(),
            ':until': Math.floor(until.getTime() / 1000),
            ':now': Math.floor(now.getTime() / 1000),
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async deferUrl(url: string, reason: string, delayMsFor: (deferral: number) => number): Promise<number> {
    const now = this.now();
    const expiresAfter = (ms: number) => Math.floor((now.getTime() + ms) / 1000);
    // Counted on the marker itself, so the count survives between deliveries; markSeen's put starts it over. The
    // first delay is set at once, so that a failure before the second write still leaves a marker that expires.
    const counted = await this.props.client.send(
      new UpdateCommand({
        TableName: this.props.tableName,
        Key: urlKey(url),
        UpdateExpression: 'SET #url = :url, outcome = :deferred, reason = :reason, seenAt = :now, expiresAt = :first ADD deferrals :one REMOVE queuedAt',
        ExpressionAttributeNames: { '#url': 'url' },
        ExpressionAttributeValues: {
          ':url': url,
          ':deferred': 'deferred',
          ':reason': reason,
          ':now': now.toISOString(),
          ':first': expiresAfter(delayMsFor(1)),
          ':one': 1,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const deferral = Number(counted.Attributes?.deferrals ?? 1);
    await this.props.client.send(
      new UpdateCommand({
        TableName: this.props.tableName,
        Key: urlKey(url),
        UpdateExpression: 'SET expiresAt = :expiresAt',
        ExpressionAttributeValues: { ':expiresAt': expiresAfter(delayMsFor(deferral)) },
      }),
    );
    return deferral;
  }

  async markSeen(url: string, outcome: UrlOutcome): Promise<void> {
    const now = this.now();
    await this.props.client.send(
      new PutCommand({
        TableName: this.props.tableName,
        Item: {
          ...urlKey(url),
          url,
          outcome: outcome.kind,
          ...(outcome.kind === 'rejected'
            ? { reason: outcome.reason, expiresAt: Math.floor(now.getTime() / 1000) + REJECTED_URL_TTL_SECONDS }
            : { articleId: outcome.articleId }),
          seenAt: now.toISOString(),
        },
      }),
    );
  }
}
