/**
 * DynamoDB implementations of the comment store and the rate limiter. Item types, the order of the writes and what
 * a failure between them leaves: docs/table-design.md ("Comments"). The comment and count writes are conditional, so
 * a request the SDK retries after a lost answer changes them once; a retried rate-window ADD may count a post twice,
 * which errs on the side of refusing.
 */
import { isDeepStrictEqual } from 'node:util';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { COMMENT_ID_PATTERN } from '../comments/comment-id';
import type { RateSlot } from '../comments/rate-limit';
import type { Comment } from '../contracts/model';
import { InvalidCursorError, type CommentQuery, type CommentStore, type Page, type RateDecision, type RateLimiter } from '../ports';
import { cursorAfter, decodeCursor } from '../contracts/cursor';
import type { DynamoStoreProps } from './dynamo-stores';
import { commentToItem, itemToComment } from './items';
import { COMMENT_SORT_PREFIX, commentCountKey, commentKey, commentsPartition, rateWindowKey } from '../contracts/table-schema';

/** Rate windows are kept a day past their end: long enough to read a user's recent history, then TTL removes them. */
const RATE_WINDOW_KEPT_SECONDS = 86_400;

export class DynamoCommentStore implements CommentStore {
  constructor(private readonly props: DynamoStoreProps) {}

  async putComment(comment: Comment): Promise<void> {
    try {
      await this.props.client.send(
        new PutCommand({
          TableName: this.props.tableName,
          Item: commentToItem(comment),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      // Stored already. When it is this very comment, an earlier attempt of this put stored it and its answer was
      // lost (the SDK retried): done, as a retry should leave it. Anything else under the id is not overwritten.
      if (error instanceof ConditionalCheckFailedException && isDeepStrictEqual(await this.getComment(comment.articleId, comment.id), comment)) {
        return;
      }
      throw error;
    }
  }

  async getComment(articleId: string, commentId: string): Promise<Comment | null> {
    const result = await this.props.client.send(
      new GetCommand({ TableName: this.props.tableName, Key: commentKey(articleId, commentId), ConsistentRead: true }),
    );
    return result.Item ? itemToComment(result.Item) : null;
  }

  async deleteComment(articleId: string, commentId: string): Promise<boolean> {
    const command = new DeleteCommand({
      TableName: this.props.tableName,
      Key: commentKey(articleId, commentId),
      ConditionExpression: 'attribute_exists(PK)',
    });
    const attempts = watchAttempts(command);
    try {
      await this.props.client.send(command);
      return true;
    } catch (error) {
      // Gone already. After an attempt whose answer was lost, that may be this request's own doing: the lost attempt
      // deleted it. That delete is ours to answer and to uncount; if a concurrent delete of the same comment counted it
      // too, the count's tag (countComment) makes the two decrements one. A throttled attempt did nothing: gone is
      // another request's doing.
      if (error instanceof ConditionalCheckFailedException) return attempts.mayHaveBeenCarriedOut();
      throw error;
    }
  }

  async countComment(articleId: string, commentId: string, delta: 1 | -1): Promise<void> {
    // The last change's tag guards against the SDK retrying an ADD whose answer was lost: the retry finds its own
    // tag and changes nothing. Two different comments never share a tag, so concurrent posts both count.
    const tag = `${delta > 0 ? '+' : '-'}${commentId}`;
    const command = new UpdateCommand({
      TableName: this.props.tableName,
      Key: commentCountKey(articleId),
      UpdateExpression: 'ADD commentCount :delta SET lastChange = :tag',
      ConditionExpression: 'attribute_not_exists(lastChange) OR lastChange <> :tag',
      ExpressionAttributeValues: { ':delta': delta, ':tag': tag },
    });
    const attempts = watchAttempts(command);
    try {
      await this.props.client.send(command);
    } catch (error) {
      // The retry of an attempt that was carried out found its own tag: counted once.
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
    // Carried out after an attempt whose answer was lost: if that one was carried out too, and another comment's
    // change came in between (its tag replaced ours), this one counted the comment twice. It cannot be told from
    // here: the count is reported as one to recount (CommentCountFailed). A throttled attempt did nothing.
    if (attempts.mayHaveBeenCarriedOut()) throw new CommentCountUncertainError();
  }

  async listComments(articleId: string, query: CommentQuery): Promise<Page<Comment>> {
    const start = query.cursor ? decodeCommentCursor(query.cursor) : undefined;
    const partition = commentsPartition(articleId);
    // One more than asked tells whether a next page exists without a second, empty, round trip.
    const result = await this.props.client.send(
      new QueryCommand({
        TableName: this.props.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': partition, ':prefix': COMMENT_SORT_PREFIX },
        ScanIndexForward: false,
        Limit: query.limit + 1,
        ExclusiveStartKey: start === undefined ? undefined : commentKey(articleId, start),
      }),
    );
    const items = (result.Items ?? []).slice(0, query.limit).map(itemToComment);
    const more = (result.Items?.length ?? 0) > query.limit;
    const last = items.at(-1);
    return { items, nextCursor: more && last ? cursorAfter(last.createdAt, last.id) : null };
  }
}

/** A count updated at a retry of an attempt whose answer was lost: it may have counted the comment twice (countComment). */
export class CommentCountUncertainError extends Error {
  override readonly name = 'CommentCountUncertainError';
  constructor() {
    super("the count's update was retried after an attempt whose answer was lost, which may have counted the comment already");
  }
}

/** DynamoDB's answers that say a request was refused, not carried out: throttling and the like, which the SDK retries. */
const REFUSED = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'LimitExceededException']);

/**
 * Watches each attempt the SDK makes of `command` (inside its retries): whether one that failed before the last may
 * have been carried out by DynamoDB, its answer lost (a connection cut, a timeout, a 5xx), rather than refused
 * (throttled: nothing was done).
 */
function watchAttempts(command: { readonly middlewareStack: object }): { mayHaveBeenCarriedOut(): boolean } {
  let uncertain = false;
  // The SDK's own middleware stack, typed here as far as it is used (its type lives in a package of the SDK's own).
  const stack = command.middlewareStack as {
    addRelativeTo(middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>, options: Record<string, unknown>): void;
  };
  stack.addRelativeTo(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
        const status = $metadata?.httpStatusCode;
        if (!REFUSED.has(name ?? '') && !(status !== undefined && status >= 400 && status < 500)) uncertain = true;
        throw error;
      }
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'newsweaveWatchAttempts', override: true },
  );
  return { mayHaveBeenCarriedOut: () => uncertain };
}

/** The comment id a cursor starts after; anything but a cursor this store made is an InvalidCursorError. */
function decodeCommentCursor(cursor: string): string {
  const { id } = decodeCursor(cursor);
  if (!COMMENT_ID_PATTERN.test(id)) throw new InvalidCursorError('cursor is not one this API returned');
  return id;
}

export class DynamoRateLimiter implements RateLimiter {
  constructor(private readonly props: DynamoStoreProps) {}

  async take(userId: string, slots: readonly RateSlot[]): Promise<RateDecision> {
    for (const [at, slot] of slots.entries()) {
      try {
        await this.props.client.send(
          new UpdateCommand({
            TableName: this.props.tableName,
            Key: rateWindowKey(userId, slot.key),
            UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: {
              ':one': 1,
              ':max': slot.window.max,
              ':expiresAt': Math.floor(slot.endsAt.getTime() / 1000) + RATE_WINDOW_KEPT_SECONDS,
            },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return { allowed: false, slot: await this.fullest(userId, slot, slots.slice(at + 1)) };
        throw error;
      }
    }
    return { allowed: true };
  }

  /**
   * The window to name for a refusal: a later, longer one that is full too (a full day also fills the minute with the
   * posts it refuses, and "try again in a minute" would be false), else the one that refused. One eventually
   * consistent read of the later windows; nothing is written back, so a full minute still caps what a client makes
   * the table write.
   */
  private async fullest(userId: string, refusedBy: RateSlot, later: readonly RateSlot[]): Promise<RateSlot> {
    let named = refusedBy;
    for (const slot of later) {
      const { Item } = await this.props.client.send(new GetCommand({ TableName: this.props.tableName, Key: rateWindowKey(userId, slot.key) }));
      if (typeof Item?.count === 'number' && Item.count >= slot.window.max) named = slot;
    }
    return named;
  }
}
