/**
 * Near-duplicate detection over DynamoDB: an article whose body is nearly the same text as a stored one (a wire
 * copy) joins that article's story; any other article starts a story of its own, named by its id.
 *
 * Items: `PK=SIMHASH#<band>:<value>, SK=<articleId>` with the article's full hash and story, one per band (six).
 * Per article: six Queries (one per band, at most BAND_READ_LIMIT entries each) and one BatchWriteItem.
 */
import { BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { bandsOf, hammingDistance, NEAR_DUPLICATE_DISTANCE, simhash } from './simhash';

export interface StoryIndex {
  /** The story of an article: that of a stored near-identical text, else the article's own id. Idempotent. */
  assignStory(articleId: string, body: string): Promise<string>;
}

/** Entries read per band. A band value is shared by 1 in 1,024-2,048 hashes, so this is rarely reached. */
const BAND_READ_LIMIT = 100;
const MAX_BATCH_ATTEMPTS = 5;

export class DynamoStoryIndex implements StoryIndex {
  constructor(private readonly props: { readonly client: DynamoDBDocumentClient; readonly tableName: string }) {}

  async assignStory(articleId: string, body: string): Promise<string> {
    const hash = simhash(body);
    if (!hash) return articleId;
    const bands = bandsOf(hash);
    const found = await Promise.all(bands.map((band) => this.readBand(band)));

    let storyId = articleId;
    let best = NEAR_DUPLICATE_DISTANCE + 1;
    for (const entry of found.flat()) {
      if (entry.articleId === articleId) {
        // Indexed before (SQS delivers at least once): keep the story it got then.
        storyId = entry.storyId;
        break;
      }
      const distance = hammingDistance(hash, entry.simhash);
      // The oldest story wins ties so that every copy joins the same one.
      if (distance < best || (distance === best && entry.storyId < storyId)) {
        best = distance;
        storyId = entry.storyId;
      }
    }

    await this.writeBands(bands, { articleId, storyId, simhash: hash });
    return storyId;
  }

  private async readBand(band: string): Promise<{ articleId: string; storyId: string; simhash: string }[]> {
    const result = await this.props.client.send(
      new QueryCommand({
        TableName: this.props.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `SIMHASH#${band}` },
        Limit: BAND_READ_LIMIT,
      }),
    );
    return (result.Items ?? []).flatMap((item) =>
      typeof item.simhash === 'string' && /^[0-9a-f]{16}$/.test(item.simhash)
        ? [{ articleId: String(item.SK), storyId: String(item.storyId), simhash: item.simhash }]
        : [],
    );
  }

  private async writeBands(bands: readonly string[], entry: { articleId: string; storyId: string; simhash: string }) {
    let requests: Record<string, unknown>[] = bands.map((band) => ({
      PutRequest: { Item: { PK: `SIMHASH#${band}`, SK: entry.articleId, storyId: entry.storyId, simhash: entry.simhash } },
    }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt === MAX_BATCH_ATTEMPTS) throw new Error('DynamoDB kept returning unprocessed near-duplicate entries');
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const result = await this.props.client.send(
        new BatchWriteCommand({ RequestItems: { [this.props.tableName]: requests as never } }),
      );
      requests = (result.UnprocessedItems?.[this.props.tableName] as Record<string, unknown>[] | undefined) ?? [];
    }
  }
}
