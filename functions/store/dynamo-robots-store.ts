/**
 * robots.txt files in the table (`ROBOTS#<origin>` / `ROBOTS`), so that the fetcher and every worker container
 * share one copy per origin: without it each cold start would ask every publisher for its robots.txt again.
 * The text is kept gzipped (robots.txt files compress tenfold, and an item holds at most 400 KB); one that is still
 * too large stays in memory only. `expiresAt` (the table's TTL) removes a copy 30 days after it was fetched: until
 * then it may stand in for a robots.txt that has become unreachable (RFC 9309 §2.3.1.4).
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { RobotsRecord, RobotsStore } from '../ports';
import { robotsKey } from '../contracts/table-schema';

const MAX_STORED_BYTES = 300_000;
const KEEP_SECONDS = 30 * 24 * 3600;


export class DynamoRobotsStore implements RobotsStore {
  constructor(private readonly props: { readonly client: DynamoDBDocumentClient; readonly tableName: string }) {}

  async getRobots(origin: string): Promise<RobotsRecord | null> {
    const { Item: item } = await this.props.client.send(new GetCommand({ TableName: this.props.tableName, Key: robotsKey(origin) }));
    if (!item || (item.status !== 'parsed' && item.status !== 'unavailable')) return null;
    const body = item.body instanceof Uint8Array ? gunzipSync(item.body).toString('utf8') : null;
    if (item.status === 'parsed' && body === null) return null;
    return { origin, status: item.status, body, fetchedAt: String(item.fetchedAt), freshUntil: String(item.freshUntil) };
  }

  async putRobots(record: RobotsRecord): Promise<void> {
    const body = record.body === null ? undefined : gzipSync(Buffer.from(record.body, 'utf8'));
    if (body && body.length > MAX_STORED_BYTES) return;
    await this.props.client.send(
      new PutCommand({
        TableName: this.props.tableName,
        Item: {
          ...robotsKey(record.origin),
          status: record.status,
          body,
          fetchedAt: record.fetchedAt,
          freshUntil: record.freshUntil,
          expiresAt: Math.floor(Date.parse(record.fetchedAt) / 1000) + KEEP_SECONDS,
        },
      }),
    );
  }
}
