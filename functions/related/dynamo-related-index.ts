/**
 * The RelatedIndex over the one DynamoDB table: an inverted index term -> articles, each article's related list
 * precomputed at ingest and kept fresh as newer related articles arrive. Design, item types and measured costs:
 * docs/related.md.
 *
 * Items:
 * - `PK=TERM#<term>, SK=<publishedAt>#<id>`: a posting, with the term's weight, the article's vector norm and story,
 *   and the ArticleSummary fields, so that a topic page is one Query.
 * - `PK=ARTICLE#<id>, SK=RELATED`: the related list (entries with summary, score, reasons), so that GET related is
 *   one GetItem; `version` guards concurrent read-modify-writes.
 * - `PK=STATS, SK=ARTICLES`: how many articles are indexed and since when, for document frequencies.
 *
 * Requests per indexed article, at most: 1 GetItem (own list) + 1 UpdateItem (stats) + one Query per read term (TERMS_READ, 15)
 * + 2 BatchWriteItem (postings) + 1 PutItem (own list) + 1 BatchGetItem (neighbours' lists) + one PutItem per
 * neighbour list the article enters (NEIGHBOURS_UPDATED), plus retries of conditional writes that lost a race.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { stemmer } from 'stemmer';
import type { Article, ArticleSummary, RelatedArticle } from '../model';
import { InvalidCursorError, type Page, type RelatedIndex, type RelatedQuery, type TopicQuery } from '../ports';
import { decodeCursor, encodeCursor } from '../store/cursor';
import {
  compareEntries,
  estimateDocumentFrequency,
  inverseDocumentFrequency,
  mergeEntries,
  mergeEntry,
  rankCandidates,
  vectorNorm,
  type Posting,
  type RelatedEntry,
} from './rank-related';

export interface DynamoRelatedIndexProps {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

type Item = Record<string, unknown>;

/** Terms (the best weighted) whose postings are read at ingest to find candidates. */
export const TERMS_READ = 15;
/** Newest postings read per term at ingest: the candidates, and the sample document frequencies come from. */
export const POSTINGS_READ_PER_TERM = 40;
/** An article is offered to the lists of at most this many of its best related articles. */
export const NEIGHBOURS_UPDATED = 50;
/** Summaries are cut to this in postings and related lists: they are shown as teasers, and they set the item sizes. */
const MAX_SUMMARY_CHARS = 300;
const MAX_WRITE_ATTEMPTS = 5;
/** Conditional writes that lose a race retry this many times, after a growing, jittered pause. */
const MAX_LIST_ATTEMPTS = 10;
const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1_000, 20 * 2 ** attempt)));
/** Parallel requests per article: enough to hide latency, few enough not to burst a partition. */
const QUERY_CONCURRENCY = 8;
const MAX_SEARCH_WORDS = 4;
/** Search ranks within the newest postings of each word; deeper pages are not offered. */
const SEARCH_DEPTH = 100;

const STATS_KEY = { PK: 'STATS', SK: 'ARTICLES' };
const relatedKey = (id: string) => ({ PK: `ARTICLE#${id}`, SK: 'RELATED' });
const termPartition = (term: string) => `TERM#${term}`;
const postingSortKey = (publishedAt: string, id: string) => `${publishedAt}#${id}`;

interface StoredList {
  readonly entries: RelatedEntry[];
  readonly version: number;
  readonly indexed: boolean;
  readonly exists: boolean;
}

export class DynamoRelatedIndex implements RelatedIndex {
  private readonly now: () => Date;

  constructor(private readonly props: DynamoRelatedIndexProps) {
    this.now = props.now ?? (() => new Date());
  }

  async indexArticle(article: Article): Promise<void> {
    const own = await this.readList(article.id);
    const stats = await this.countArticle(article, own.indexed);

    // Candidates come from the best-weighted terms; the other terms are written (for topics and search) but not read.
    const queried = article.terms.slice(0, TERMS_READ);
    const postingsByTerm = await mapLimited(queried, QUERY_CONCURRENCY, (term) => this.readPostings(term.term));
    const documentFrequency = new Map<string, number>();
    const postings: Posting[] = [];
    const context = { ...stats, now: this.now().toISOString() };
    queried.forEach((term, i) => {
      const read = postingsByTerm[i]!;
      const found = read.filter((posting) => posting.summary.id !== article.id);
      const asked = read.length < POSTINGS_READ_PER_TERM ? POSTINGS_READ_PER_TERM : found.length;
      documentFrequency.set(term.term, estimateDocumentFrequency(found.map((posting) => posting.summary), asked, context));
      postings.push(...found);
    });
    // Terms not read count as typical ones for the norm.
    const known = [...documentFrequency.values()];
    const typical = known.length > 0 ? known.reduce((sum, value) => sum + value, 0) / known.length : 1;
    for (const term of article.terms.slice(TERMS_READ)) documentFrequency.set(term.term, typical);
    const termStats = { articleCount: stats.articleCount, documentFrequency };
    const norm = vectorNorm(article.terms, termStats);
    const ranked = rankCandidates(article, postings, termStats);

    await this.writePostings(article, norm);
    await this.updateList(article.id, article.storyId, (entries) => mergeEntries(entries, ranked, article), own, true);
    await this.offerToNeighbours(article, ranked.slice(0, NEIGHBOURS_UPDATED));
  }

  /** One GetItem. Null until the article's own indexing has completed: the index does not know it yet. */
  async findRelated(articleId: string, query: RelatedQuery): Promise<RelatedArticle[] | null> {
    const result = await this.props.client.send(
      new GetCommand({ TableName: this.props.tableName, Key: relatedKey(articleId) }),
    );
    if (!result.Item || result.Item.indexed !== true) return null;
    return parseEntries(result.Item.entries)
      .slice(0, query.limit)
      .map(({ storyId: _story, ...related }) => related);
  }

  async listTopic(topic: string, query: TopicQuery): Promise<Page<ArticleSummary>> {
    const start = query.cursor ? decodeCursor(query.cursor) : undefined;
    const term = normaliseTopic(topic);
    if (!term) return { items: [], nextCursor: null };
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
    const items = (result.Items ?? []).slice(0, query.limit).map((item) => itemToPosting(item).summary);
    const last = items.at(-1);
    const more = (result.Items?.length ?? 0) > query.limit;
    return {
      items,
      nextCursor: more && last ? encodeCursor({ sortKey: postingSortKey(last.publishedAt, last.id), id: last.id }) : null,
    };
  }

  async search(words: string, query: TopicQuery): Promise<Page<ArticleSummary>> {
    const terms = searchTerms(words);
    const offset = query.cursor ? decodeSearchCursor(query.cursor, terms) : 0;
    if (terms.length === 0) return { items: [], nextCursor: null };
    const [found, stats] = await Promise.all([
      mapLimited(terms, QUERY_CONCURRENCY, (term) => this.readPostings(term, SEARCH_DEPTH)),
      this.readStats(),
    ]);
    const scores = new Map<string, { summary: ArticleSummary; score: number }>();
    terms.forEach((term, i) => {
      const postings = found[i]!;
      const idf = inverseDocumentFrequency(postings.length, Math.max(stats.articleCount, postings.length));
      for (const posting of postings) {
        const entry = scores.get(posting.summary.id) ?? { summary: posting.summary, score: 0 };
        entry.score += idf * posting.weight;
        scores.set(posting.summary.id, entry);
      }
    });
    const ranked = [...scores.values()].sort(
      (a, b) => b.score - a.score || b.summary.publishedAt.localeCompare(a.summary.publishedAt) || a.summary.id.localeCompare(b.summary.id),
    );
    const items = ranked.slice(offset, offset + query.limit).map((entry) => entry.summary);
    const next = offset + query.limit;
    return { items, nextCursor: next < ranked.length ? encodeSearchCursor(next, terms) : null };
  }

  private async readList(articleId: string): Promise<StoredList> {
    const result = await this.props.client.send(
      new GetCommand({ TableName: this.props.tableName, Key: relatedKey(articleId), ConsistentRead: true }),
    );
    return toStoredList(result.Item);
  }

  /** Counts the article once, however often it is indexed, and returns the index's size and age. */
  private async countArticle(article: Article, alreadyIndexed: boolean) {
    if (alreadyIndexed) return this.readStats();
    const result = await this.props.client.send(
      new UpdateCommand({
        TableName: this.props.tableName,
        Key: STATS_KEY,
        UpdateExpression: 'ADD articleCount :one SET firstPublishedAt = if_not_exists(firstPublishedAt, :published)',
        ExpressionAttributeValues: { ':one': 1, ':published': article.publishedAt },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toStats(result.Attributes);
  }

  private async readStats() {
    const result = await this.props.client.send(new GetCommand({ TableName: this.props.tableName, Key: STATS_KEY }));
    return toStats(result.Item);
  }

  private async readPostings(term: string, limit = POSTINGS_READ_PER_TERM): Promise<Posting[]> {
    const result = await this.props.client.send(
      new QueryCommand({
        TableName: this.props.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': termPartition(term) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map(itemToPosting);
  }

  private async writePostings(article: Article, norm: number): Promise<void> {
    const summary = summaryAttributes(article);
    const items = article.terms.map((term) => ({
      PK: termPartition(term.term),
      SK: postingSortKey(article.publishedAt, article.id),
      ...summary,
      storyId: article.storyId,
      weight: term.weight,
      kind: term.kind,
      norm,
    }));
    for (let i = 0; i < items.length; i += 25) {
      await this.batchWrite(items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })));
    }
  }

  private async batchWrite(requests: Item[]): Promise<void> {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === MAX_WRITE_ATTEMPTS) throw new Error('DynamoDB kept returning unprocessed postings');
      if (attempt > 0) await sleep(50 * 2 ** attempt);
      const result = await this.props.client.send(
        new BatchWriteCommand({ RequestItems: { [this.props.tableName]: pending as never } }),
      );
      pending = (result.UnprocessedItems?.[this.props.tableName] as Item[] | undefined) ?? [];
    }
  }

  /** Offers the article to the lists of its best related articles: it enters those whose weakest entry it beats. */
  private async offerToNeighbours(article: Article, ranked: readonly RelatedEntry[]): Promise<void> {
    if (ranked.length === 0) return;
    const lists = await this.readLists(ranked.map((entry) => entry.id));
    const summary = summaryOf(article);
    const changes = ranked.flatMap((neighbour) => {
      const entry: RelatedEntry = { ...summary, storyId: article.storyId, score: neighbour.score, reasons: neighbour.reasons };
      const list = lists.get(neighbour.id) ?? toStoredList(undefined);
      // Lists full of closer articles are left alone: decide on the list read in the batch, write only changes.
      return mergeEntry(list.entries, entry, neighbour) ? [{ neighbour, entry, list }] : [];
    });
    await mapLimited(changes, QUERY_CONCURRENCY, ({ neighbour, entry, list }) =>
      this.updateList(neighbour.id, neighbour.storyId, (entries) => mergeEntry(entries, entry, neighbour), list),
    );
  }

  private async readLists(ids: readonly string[]): Promise<Map<string, StoredList>> {
    const lists = new Map<string, StoredList>();
    let keys: Item[] = ids.map(relatedKey);
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt === MAX_WRITE_ATTEMPTS) throw new Error('DynamoDB kept returning unprocessed related lists');
      if (attempt > 0) await sleep(50 * 2 ** attempt);
      const result = await this.props.client.send(
        new BatchGetCommand({ RequestItems: { [this.props.tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[this.props.tableName] ?? []) {
        lists.set(String(item.PK).slice('ARTICLE#'.length), toStoredList(item));
      }
      keys = (result.UnprocessedKeys?.[this.props.tableName]?.Keys as Item[] | undefined) ?? [];
    }
    return lists;
  }

  /**
   * Read-modify-write of one related list, guarded by its version: a worker that lost the race reads the list
   * again and reapplies its change. `change` returns null when there is nothing to write.
   */
  private async updateList(
    articleId: string,
    storyId: string,
    change: (entries: readonly RelatedEntry[]) => readonly RelatedEntry[] | null,
    known: StoredList,
    markIndexed = false,
  ): Promise<void> {
    let list = known;
    for (let attempt = 0; attempt < MAX_LIST_ATTEMPTS; attempt++) {
      const next = change(list.entries);
      if (!next && list.exists && (list.indexed || !markIndexed)) return;
      try {
        await this.props.client.send(
          new PutCommand({
            TableName: this.props.tableName,
            Item: {
              ...relatedKey(articleId),
              storyId,
              // One JSON string, not a list of maps: the list is always read and written whole, and a string costs
              // the SDK and the table nothing per nested attribute (the same bytes count for capacity units).
              entries: JSON.stringify([...(next ?? list.entries)].sort(compareEntries)),
              version: list.version + 1,
              indexed: list.indexed || markIndexed,
            },
            ConditionExpression: list.exists ? 'version = :version' : 'attribute_not_exists(PK)',
            ExpressionAttributeValues: list.exists ? { ':version': list.version } : undefined,
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        await pause(attempt);
        list = await this.readList(articleId);
      }
    }
    throw new Error(`related list of ${articleId} kept changing under concurrent writers`);
  }
}

function toStoredList(item: Item | undefined): StoredList {
  if (!item) return { entries: [], version: 0, indexed: false, exists: false };
  return {
    entries: parseEntries(item.entries),
    version: typeof item.version === 'number' ? item.version : 0,
    indexed: item.indexed === true,
    exists: true,
  };
}

function toStats(item: Item | undefined) {
  return {
    articleCount: typeof item?.articleCount === 'number' ? item.articleCount : 0,
    firstPublishedAt: typeof item?.firstPublishedAt === 'string' ? item.firstPublishedAt : new Date(0).toISOString(),
  };
}

function parseEntries(value: unknown): RelatedEntry[] {
  let parsed: unknown;
  try {
    parsed = typeof value === 'string' ? JSON.parse(value) : value;
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.map((entry: Item) => ({
    ...itemToSummary(entry),
    storyId: String(entry.storyId),
    score: Number(entry.score),
    reasons: Array.isArray(entry.reasons) ? entry.reasons.map(String) : [],
  }));
}

function summaryOf(article: ArticleSummary): ArticleSummary {
  return {
    id: article.id,
    url: article.url,
    title: article.title,
    source: article.source,
    publishedAt: article.publishedAt,
    summary: article.summary.length > MAX_SUMMARY_CHARS ? `${article.summary.slice(0, MAX_SUMMARY_CHARS - 1)}…` : article.summary,
  };
}

function summaryAttributes(article: ArticleSummary): Item {
  const { source, ...rest } = summaryOf(article);
  return { ...rest, sourceId: source.id, sourceName: source.name };
}

function itemToSummary(item: Item): ArticleSummary {
  const source = item.source as { id?: unknown; name?: unknown } | undefined;
  return {
    id: String(item.id),
    url: String(item.url),
    title: String(item.title),
    source: { id: String(item.sourceId ?? source?.id), name: String(item.sourceName ?? source?.name) },
    publishedAt: String(item.publishedAt),
    summary: String(item.summary ?? ''),
  };
}

function itemToPosting(item: Item): Posting {
  return {
    term: String(item.PK).slice('TERM#'.length),
    summary: itemToSummary(item),
    storyId: String(item.storyId ?? item.id),
    weight: Number(item.weight ?? 0),
    norm: Number(item.norm ?? 1) || 1,
  };
}

/** Topics are terms as the analyzer writes them: lowercase, single spaces; a one-word keyword is its stem. */
export function normaliseTopic(topic: string): string {
  return topic.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim().slice(0, 60);
}

/** The terms a search looks up: each word as a name and as a stemmed keyword, the way articles are indexed. */
export function searchTerms(words: string): string[] {
  const found = words.normalize('NFC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms = new Set<string>();
  for (const word of found.filter((w) => w.length >= 2).slice(0, MAX_SEARCH_WORDS)) {
    terms.add(word);
    terms.add(stemmer(word));
  }
  return [...terms];
}

/** A search cursor is the offset into the ranking, bound to the query that made it. */
function encodeSearchCursor(offset: number, terms: readonly string[]): string {
  return Buffer.from(JSON.stringify({ o: offset, q: queryTag(terms) }), 'utf8').toString('base64url');
}

function decodeSearchCursor(cursor: string, terms: readonly string[]): number {
  const invalid = () => new InvalidCursorError('cursor is not one this API returned');
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: { o?: unknown; q?: unknown } | null;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown; q?: unknown } | null;
  } catch {
    throw invalid();
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !Number.isInteger(parsed.o) ||
    (parsed.o as number) < 1 ||
    (parsed.o as number) > SEARCH_DEPTH * MAX_SEARCH_WORDS * 2 ||
    parsed.q !== queryTag(terms)
  ) {
    throw invalid();
  }
  return parsed.o as number;
}

const queryTag = (terms: readonly string[]) => createHash('sha256').update(terms.join('\n')).digest('base64url').slice(0, 12);

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
