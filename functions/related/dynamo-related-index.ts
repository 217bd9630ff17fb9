/**
 * The RelatedIndex over the one DynamoDB table: an inverted index term -> articles, each article's entry (its term
 * vector), and each article's related articles as one small item per pair in the article's partition, scored at
 * ingest. Design, item types and measured costs: docs/related.md.
 *
 * Items:
 * - `PK=TERM#<term>, SK=<publishedAt>#<id>`: a posting, with the term's weight, the article's provisional norm and
 *   story, and the ArticleSummary fields, so that a topic page is one Query.
 * - `PK=ARTICLE#<id>, SK=REL#`: the article's entry: written first, conditionally (it counts the article once), with
 *   its summary, story and term vector; rewritten at the end with its norm, the document frequencies it knew and the
 *   floor of its own list. It sorts before everything else of the article's, so the Query that reads the related
 *   articles also tells an article the index knows from one it has never seen.
 * - `PK=ARTICLE#<id>, SK=REL#!`: the head of the article's own list: its best related articles indexed before it
 *   (up to OWN_HEAD_SIZE), scored when it was indexed (summary, story, score, reasons each), and whether a tail
 *   follows. `SK=RELTAIL`: the rest of the list, outside the Query's `REL#` range. Both written once, by the
 *   article's own indexing.
 * - `PK=ARTICLE#<id>, SK=REL#<inverted score>#<otherId>`: a related article indexed after it, one item each, written
 *   blind by the later article's indexing (no read-modify-write, no version, no contention). The score in the sort
 *   key makes one Query return the best first; a pair that could never reach the article's best 50 (it scores below
 *   the floor of the article's own full list) is not written.
 * - `PK=STATS, SK=ARTICLES`: how many articles are indexed and since when, for document frequencies.
 *
 * Requests per indexed article, at most: 1 PutItem (entry) + 1 UpdateItem (stats; a GetItem on a redelivery) + 2
 * BatchWriteItem (postings) + 8 Queries (postings of the best terms) + 1 BatchGetItem (candidates' entries) + 2
 * Queries (their related lists) + 1 BatchGetItem (the tails of those lists) + 1 BatchGetItem (the second hop's
 * entries) + 3 BatchWriteItem (entry, own list and the pairs under the related articles).
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
import { topicTerm } from './analyze-article';
import {
  CANDIDATE_TERMS,
  compareEntries,
  completeStatistics,
  estimateDocumentFrequency,
  inverseDocumentFrequency,
  listFloor,
  NEIGHBOURS_UPDATED,
  POSTINGS_PER_TERM,
  RANK_DEFAULTS,
  preselectCandidates,
  RESCORED_CANDIDATES,
  scoreVectors,
  SECOND_HOP_CANDIDATES,
  SECOND_HOP_SOURCES,
  vectorNorm,
  type ArticleVector,
  type CandidatePosting,
  type RelatedEntry,
} from './rank-related';
import { collapseRelated, OWN_LIST_SORT_KEY, OWN_TAIL_SORT_KEY, pairSortKey, parsePairSortKey, RELATED_PREFIX } from './related-pairs';

export interface DynamoRelatedIndexProps {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

type Item = Record<string, unknown>;

/** Terms (the best weighted) whose postings are read at ingest to find candidates (rank-related.ts). */
export const TERMS_READ = CANDIDATE_TERMS;
/** Newest postings read per term at ingest: the candidates, and the sample document frequencies come from. */
export const POSTINGS_READ_PER_TERM = POSTINGS_PER_TERM;
/**
 * Entries of an own list kept in its head, the item the related Query reads; the rest go to its tail, read by key
 * only for a larger limit. Enough for the API's default limit (10) and the spare that collapsing copies needs, so
 * that a default related call reads a few kB of own list rather than all of it.
 */
export const OWN_HEAD_SIZE = 20;
/** Summaries are cut to this in postings and related items: they are shown as teasers, and they set the item sizes. */
const MAX_SUMMARY_CHARS = 300;
const MAX_WRITE_ATTEMPTS = 5;
/** Parallel requests per article: enough to hide latency, few enough not to burst a partition. */
const QUERY_CONCURRENCY = 8;
/** BatchWriteItem takes at most 25 requests, BatchGetItem 100 keys. */
const BATCH_WRITE_SIZE = 25;
const BATCH_GET_SIZE = 100;
/** Significant digits of the weights and frequencies kept in an article's vector. */
const VECTOR_DIGITS = 6;
/**
 * Pair items read beyond the asked number, so that the copies of one story and the stale pairs a redelivery left
 * behind (one per score it computed) rarely need a second page.
 */
const RELATED_READ_SLACK = 10;
/** The second page, when collapsing left too few, reads this many times what is still missing. */
const SECOND_PAGE_FACTOR = 4;
const MAX_SEARCH_WORDS = 4;
/** Search ranks within the newest postings of each word; deeper pages are not offered. */
const SEARCH_DEPTH = 100;

const STATS_KEY = { PK: 'STATS', SK: 'ARTICLES' };
const articlePartition = (id: string) => `ARTICLE#${id}`;
const entryKey = (id: string) => ({ PK: articlePartition(id), SK: RELATED_PREFIX });
const termPartition = (term: string) => `TERM#${term}`;
const postingSortKey = (publishedAt: string, id: string) => `${publishedAt}#${id}`;

export class DynamoRelatedIndex implements RelatedIndex {
  private readonly now: () => Date;

  constructor(private readonly props: DynamoRelatedIndexProps) {
    this.now = props.now ?? (() => new Date());
  }

  async indexArticle(article: Article): Promise<void> {
    const stats = await this.countArticle(article);
    // The postings go in before the candidates are read: of two articles indexed at the same moment, the one that
    // reads second then finds the other, and writes the pair for both. Their norm is provisional (every term taken
    // as rare): it only preselects candidates, which are then scored with the norm kept in the article's entry.
    const provisionalNorm = vectorNorm(article.terms, { articleCount: stats.articleCount, documentFrequency: new Map() });
    await this.writeItems(
      article.terms.map((term) => ({
        PK: termPartition(term.term),
        SK: postingSortKey(article.publishedAt, article.id),
        ...summaryAttributes(article),
        storyId: article.storyId,
        weight: term.weight,
        kind: term.kind,
        norm: provisionalNorm,
      })),
    );

    // First hop: candidates under the best-weighted terms, ranked on those terms, the best rescored whole.
    const queried = article.terms.slice(0, TERMS_READ);
    const postingsByTerm = await mapLimited(queried, QUERY_CONCURRENCY, (term) => this.readCandidatePostings(term.term));
    const documentFrequency = new Map<string, number>();
    const postings: CandidatePosting[] = [];
    const context = { ...stats, now: this.now().toISOString() };
    queried.forEach((term, i) => {
      const others = postingsByTerm[i]!.filter((posting) => posting.id !== article.id);
      const found = others.slice(0, POSTINGS_READ_PER_TERM);
      const asked = others.length < POSTINGS_READ_PER_TERM ? POSTINGS_READ_PER_TERM : found.length;
      documentFrequency.set(term.term, estimateDocumentFrequency(found, asked, context));
      postings.push(...found);
    });
    const read = { articleCount: stats.articleCount, documentFrequency };
    const vectors = new Map<string, StoredVector>();
    for (const vector of await this.readVectors(preselectCandidates(article, postings, read, RESCORED_CANDIDATES))) {
      vectors.set(vector.summary.id, vector);
    }
    // The sources of the second hop: the best candidates whose indexing is done (norm known): one still being
    // indexed has no related list yet.
    const firstHop = scoreVectors(
      article,
      [...vectors.values()].filter((vector) => vector.norm !== null),
      completeStatistics(article, read, vectors.values()),
      { ...RANK_DEFAULTS, limit: SECOND_HOP_SOURCES },
    );

    // Second hop: what the best candidates are related to shares the lesser terms that were not read.
    const seen = new Set<string>([article.id, ...vectors.keys()]);
    const more: string[] = [];
    for (const list of await this.readRelatedIds(firstHop.map((entry) => entry.id))) {
      for (const id of list) {
        if (seen.has(id) || more.length === SECOND_HOP_CANDIDATES) continue;
        seen.add(id);
        more.push(id);
      }
    }
    for (const vector of await this.readVectors(more)) vectors.set(vector.summary.id, vector);

    const completed = completeStatistics(article, read, vectors.values());
    const ranked = scoreVectors(article, vectors.values(), completed);
    const known = new Map([...completed.known].map((term) => [term, completed.stats.documentFrequency.get(term)!]));
    const floor = listFloor(ranked);
    await this.writeItems([
      // The article's entry, now with its norm, the frequencies it knew and its floor, for the articles indexed after it.
      entryItem(article, { documentFrequency: known, norm: vectorNorm(article.terms, completed.stats), floor }),
      // Each pair is computed once and seen from both sides with the same score and reasons: in this article's own
      // list, and as a pair item under the related article, unless it falls below that article's floor.
      ...ownListItems(article.id, ranked),
      ...ranked
        .slice(0, NEIGHBOURS_UPDATED)
        .filter((entry) => entry.score >= (vectors.get(entry.id)?.floor ?? 0))
        .map((entry) =>
          pairItem(entry.id, { ...summaryOf(article), storyId: article.storyId, score: entry.score, reasons: entry.reasons }),
        ),
    ]);
  }

  /** The entries (vector, norm, floor, summary) of indexed articles, by BatchGetItem; ids the index does not know are left out. */
  private async readVectors(ids: readonly string[]): Promise<StoredVector[]> {
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += BATCH_GET_SIZE) chunks.push(ids.slice(i, i + BATCH_GET_SIZE));
    const items = (await mapLimited(chunks, QUERY_CONCURRENCY, (chunk) => this.batchGet(chunk.map(entryKey)))).flat();
    return items.flatMap((item) => {
      const vector = itemToVector(item);
      return vector ? [vector] : [];
    });
  }

  /** The newest postings of a term, key fields only: what preselecting candidates needs. */
  private async readCandidatePostings(term: string): Promise<CandidatePosting[]> {
    const result = await this.props.client.send(
      new QueryCommand({
        TableName: this.props.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': termPartition(term) },
        ProjectionExpression: 'SK, storyId, weight, norm',
        ScanIndexForward: false,
        Limit: POSTINGS_READ_PER_TERM + 1,
      }),
    );
    return (result.Items ?? []).flatMap((item) => {
      // <publishedAt>#<id>
      const key = String(item.SK);
      const at = key.lastIndexOf('#');
      if (at <= 0) return [];
      const id = key.slice(at + 1);
      return [{ term, id, publishedAt: key.slice(0, at), storyId: String(item.storyId ?? id), weight: Number(item.weight ?? 0), norm: Number(item.norm ?? 1) || 1 }];
    });
  }

  /**
   * The ids in each article's related list, best first: its own list and its best pairs (the Query findRelated
   * makes, projected to the sort key and the own list's head), and the tails of the own lists, all in one
   * BatchGetItem alongside the Queries.
   */
  private async readRelatedIds(articleIds: readonly string[]): Promise<string[][]> {
    if (articleIds.length === 0) return [];
    const [pages, tails] = await Promise.all([
      Promise.all(
        articleIds.map(async (articleId) => {
          const result = await this.props.client.send(
            new QueryCommand({
              TableName: this.props.tableName,
              KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
              ExpressionAttributeValues: { ':pk': articlePartition(articleId), ':prefix': RELATED_PREFIX },
              ExpressionAttributeNames: { '#related': 'related', '#tail': 'tail' },
              ProjectionExpression: 'SK, #related, #tail',
              // The entry, the own list's head and as many pairs as a list holds.
              Limit: RANK_DEFAULTS.limit + 2,
            }),
          );
          return result.Items ?? [];
        }),
      ),
      this.batchGet(articleIds.map((articleId) => ({ PK: articlePartition(articleId), SK: OWN_TAIL_SORT_KEY }))),
    ]);
    const tailOf = new Map(tails.map((item) => [String(item.PK), item]));
    return articleIds.map((articleId, i) => {
      const scored = pages[i]!.flatMap((item): { id: string; score: number }[] => {
        if (item.SK !== OWN_LIST_SORT_KEY) {
          const pair = parsePairSortKey(String(item.SK));
          return pair ? [pair] : [];
        }
        const tail = item.tail === true ? tailOf.get(articlePartition(articleId)) : undefined;
        return [...ownListEntries(item), ...(tail ? ownListEntries(tail) : [])];
      });
      return scored
        .sort(compareEntries)
        .slice(0, RANK_DEFAULTS.limit)
        .map((entry) => entry.id);
    });
  }

  /** The tail of an article's own list: the entries beyond its head (none when the list has no tail). */
  private async readOwnTail(articleId: string): Promise<RelatedEntry[]> {
    const result = await this.props.client.send(
      new GetCommand({ TableName: this.props.tableName, Key: { PK: articlePartition(articleId), SK: OWN_TAIL_SORT_KEY } }),
    );
    return result.Item ? ownListEntries(result.Item) : [];
  }

  private async batchGet(keys: Item[]): Promise<Item[]> {
    const found: Item[] = [];
    let pending = keys;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === MAX_WRITE_ATTEMPTS) throw new Error('DynamoDB kept returning unprocessed keys');
      if (attempt > 0) await sleep(50 * 2 ** attempt);
      const result = await this.props.client.send(
        new BatchGetCommand({ RequestItems: { [this.props.tableName]: { Keys: pending } } }),
      );
      found.push(...(result.Responses?.[this.props.tableName] ?? []));
      pending = (result.UnprocessedKeys?.[this.props.tableName]?.Keys as Item[] | undefined) ?? [];
    }
    return found;
  }

  private async writeItems(items: readonly Item[]): Promise<void> {
    const batches: Item[][] = [];
    for (let i = 0; i < items.length; i += BATCH_WRITE_SIZE) batches.push(items.slice(i, i + BATCH_WRITE_SIZE));
    await mapLimited(batches, QUERY_CONCURRENCY, (batch) => this.batchWrite(batch.map((Item) => ({ PutRequest: { Item } }))));
  }

  /**
   * One Query of the article's entry, own list's head and best pairs, merged best first; at most one more request:
   * the own list's tail, read alongside the Query when more is asked for than the head holds beyond its spare, or
   * afterwards when collapsing copies left fewer than asked; else a second page of pairs. Null when the index does
   * not know the article: no indexing of it has begun.
   */
  async findRelated(articleId: string, query: RelatedQuery): Promise<RelatedArticle[] | null> {
    const tailAlongside = query.limit > OWN_HEAD_SIZE - RELATED_READ_SLACK;
    // The entry, the own list's head, the pairs asked for and a few spare.
    const [first, tailRead] = await Promise.all([
      this.readPairs(articleId, query.limit + 2 + RELATED_READ_SLACK),
      tailAlongside ? this.readOwnTail(articleId) : null,
    ]);
    const [entry, ...rest] = first.items;
    if (entry?.SK !== RELATED_PREFIX) return null;
    const owner = { id: articleId, storyId: String(entry.storyId ?? articleId) };
    const head = rest[0]?.SK === OWN_LIST_SORT_KEY ? rest.shift()! : null;
    // A tail item the head does not announce is a leftover of an earlier, longer list: never read.
    const hasTail = head?.tail === true;
    let own = [...(head ? ownListEntries(head) : []), ...(hasTail && tailRead ? tailRead : [])];
    let pairs = rest.map(itemToEntry);
    const merge = () => collapseRelated(owner, [...own, ...pairs].sort(compareEntries), query.limit);
    let related = merge();
    if (related.length < query.limit && !tailAlongside) {
      if (hasTail) {
        own = [...own, ...(await this.readOwnTail(articleId))];
        related = merge();
      } else if (first.lastKey) {
        const second = await this.readPairs(articleId, (query.limit - related.length) * SECOND_PAGE_FACTOR + RELATED_READ_SLACK, first.lastKey);
        pairs = [...pairs, ...second.items.map(itemToEntry)];
        related = merge();
      }
    }
    return related.map(({ storyId: _story, ...entry }) => entry);
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

  private async readPairs(articleId: string, limit: number, start?: Item): Promise<{ items: Item[]; lastKey?: Item }> {
    const result = await this.props.client.send(
      new QueryCommand({
        TableName: this.props.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': articlePartition(articleId), ':prefix': RELATED_PREFIX },
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    return { items: result.Items ?? [], lastKey: result.LastEvaluatedKey };
  }

  /**
   * Counts the article once, however often it is indexed, and returns the index's size and age. The entry decides:
   * the one delivery that creates it counts (a run that dies between the two leaves the count one short).
   */
  private async countArticle(article: Article) {
    try {
      await this.props.client.send(
        new PutCommand({
          TableName: this.props.tableName,
          Item: entryItem(article, { documentFrequency: new Map(), norm: null, floor: 0 }),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return this.readStats();
      throw error;
    }
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

}

function toStats(item: Item | undefined) {
  return {
    articleCount: typeof item?.articleCount === 'number' ? item.articleCount : 0,
    firstPublishedAt: typeof item?.firstPublishedAt === 'string' ? item.firstPublishedAt : new Date(0).toISOString(),
  };
}

/** A related article as pair items and own lists keep it: its summary, story, score and reasons. */
function entryAttributes(entry: RelatedEntry): Item {
  return { ...summaryAttributes(entry), storyId: entry.storyId, score: entry.score, reasons: [...entry.reasons] };
}

/** One side of a pair: the related article `entry` in the partition of `ownerId`. */
function pairItem(ownerId: string, entry: RelatedEntry): Item {
  return { PK: articlePartition(ownerId), SK: pairSortKey(entry.score, entry.id), ...entryAttributes(entry) };
}

/**
 * The article's own list: its related articles indexed before it, best first, as JSON strings: the head (the best
 * OWN_HEAD_SIZE) and, when the list is longer, the tail. Each part is only ever read whole, and a string costs the
 * SDK and the server a fraction of what a list of maps does (measured on 1,000 articles: a list of maps 58 s, one
 * item per pair 52 s, a string 48 s; docs/related.md).
 */
function ownListItems(ownerId: string, entries: readonly RelatedEntry[]): Item[] {
  const head = entries.slice(0, OWN_HEAD_SIZE);
  const tail = entries.slice(OWN_HEAD_SIZE);
  const json = (part: readonly RelatedEntry[]) => JSON.stringify(part.map(entryAttributes));
  return [
    { PK: articlePartition(ownerId), SK: OWN_LIST_SORT_KEY, related: json(head), tail: tail.length > 0 },
    ...(tail.length > 0 ? [{ PK: articlePartition(ownerId), SK: OWN_TAIL_SORT_KEY, related: json(tail) }] : []),
  ];
}

/** The own list's entries; none from a list that is not one (the item was damaged or written by other code). */
function ownListEntries(item: Item): RelatedEntry[] {
  let parsed: unknown;
  try {
    parsed = typeof item.related === 'string' ? JSON.parse(item.related) : null;
  } catch {
    return [];
  }
  return Array.isArray(parsed)
    ? parsed.filter((entry): entry is Item => typeof entry === 'object' && entry !== null && typeof entry.id === 'string').map(itemToEntry)
    : [];
}

/** An entry as the index reads it back for rescoring: the vector, and the floor of the article's own list. */
interface StoredVector extends ArticleVector {
  /** The last score of the article's own list when that list is full, else 0: pairs below it are never shown. */
  readonly floor: number;
}

/**
 * The article's entry in the index (`ARTICLE#<id>`, `REL#`): its story and summary, and its term vector with the
 * document frequencies it knew and its norm (null until its indexing is done), one `term<TAB>weight<TAB>frequency`
 * line per term: a string is far cheaper to store and to read than a list of maps; and the floor of its own list
 * (absent while the list is not full).
 */
function entryItem(
  article: Article,
  known: { documentFrequency: ReadonlyMap<string, number>; norm: number | null; floor: number },
): Item {
  const digits = (value: number) => String(Number(value.toPrecision(VECTOR_DIGITS)));
  const vector = article.terms
    .map(({ term, weight }) => {
      const frequency = known.documentFrequency.get(term);
      // Terms are words and spaces; a tab or a line break would split the line, so none is kept.
      return `${term.replace(/[\t\n]/g, ' ')}\t${digits(weight)}\t${frequency === undefined ? '' : digits(frequency)}`;
    })
    .join('\n');
  return {
    ...entryKey(article.id),
    ...summaryAttributes(article),
    storyId: article.storyId,
    vector,
    ...(known.norm === null ? {} : { norm: known.norm }),
    ...(known.floor > 0 ? { floor: known.floor } : {}),
  };
}

/** An entry -> the vector scoreVectors takes; null for an entry without one (written before vectors were kept). */
function itemToVector(item: Item): StoredVector | null {
  if (typeof item.vector !== 'string' || typeof item.id !== 'string') return null;
  const terms: { term: string; weight: number }[] = [];
  const documentFrequency = new Map<string, number>();
  for (const line of item.vector.split('\n')) {
    const [term, weight, frequency] = line.split('\t');
    if (!term || !Number.isFinite(Number(weight))) continue;
    terms.push({ term, weight: Number(weight) });
    if (frequency && Number.isFinite(Number(frequency))) documentFrequency.set(term, Number(frequency));
  }
  return {
    summary: itemToSummary(item),
    storyId: String(item.storyId ?? item.id),
    terms,
    documentFrequency,
    norm: typeof item.norm === 'number' && item.norm > 0 ? item.norm : null,
    floor: typeof item.floor === 'number' && item.floor > 0 ? item.floor : 0,
  };
}

function itemToEntry(item: Item): RelatedEntry {
  return {
    ...itemToSummary(item),
    storyId: String(item.storyId ?? item.id),
    score: Number(item.score ?? 0),
    reasons: Array.isArray(item.reasons) ? item.reasons.map(String) : [],
  };
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

/** A posting as topic pages and search read it: the article and its weight for the term. */
interface Posting {
  readonly summary: ArticleSummary;
  readonly weight: number;
}

function itemToPosting(item: Item): Posting {
  return { summary: itemToSummary(item), weight: Number(item.weight ?? 0) };
}

/** Topics are terms as the analyzer writes them: lowercase, single spaces; a one-word topic is its stem. */
export function normaliseTopic(topic: string): string {
  return topicTerm(topic);
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
