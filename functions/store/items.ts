/**
 * The table's items <-> the model, for articles, sources and comments: every attribute name the stores read or write
 * for them is here. The related index's items are the related store's own compact encoding (dynamo-related-store.ts).
 * Item types and access patterns: docs/table-design.md.
 */
import { brotliCompressSync, brotliDecompressSync, constants as zlib } from 'node:zlib';
import type { Article, ArticleSummary, Comment, SourceState } from '../contracts/model';
import {
  ALL_ARTICLES_PARTITION,
  articleKey,
  commentKey,
  sourceListingPartition,
  TABLE_KEYS,
  timeSortKey,
} from '../contracts/table-schema';

export type Item = Record<string, unknown>;

/**
 * The article's item. Its body is stored Brotli-compressed (`bodyBr`, binary): a write unit is a kilobyte, and news
 * text compresses to about a third, so the article costs 2-3 write units instead of 5-8, and a batched read of
 * summaries (BatchGetItem counts whole items) stays within one 4 kB read unit.
 */
export function articleToItem(article: Article): Item {
  const { source, body, ...rest } = article;
  const sortKey = timeSortKey(article.publishedAt, article.id);
  return {
    ...articleKey(article.id),
    ...rest,
    bodyBr: compressText(body),
    sourceId: source.id,
    sourceName: source.name,
    [TABLE_KEYS.byTimeIndex.partitionKey]: ALL_ARTICLES_PARTITION,
    [TABLE_KEYS.byTimeIndex.sortKey]: sortKey,
    [TABLE_KEYS.bySourceIndex.partitionKey]: sourceListingPartition(source.id),
    [TABLE_KEYS.bySourceIndex.sortKey]: sortKey,
  };
}

export function compressText(text: string): Uint8Array {
  return brotliCompressSync(Buffer.from(text, 'utf8'), {
    params: { [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT, [zlib.BROTLI_PARAM_QUALITY]: 9 },
  });
}

/** The body as stored: compressed, or (items written before compression) a string; '' for a damaged one. */
function bodyOf(item: Item): string {
  if (typeof item.body === 'string') return item.body;
  if (!(item.bodyBr instanceof Uint8Array)) return '';
  try {
    return brotliDecompressSync(item.bodyBr).toString('utf8');
  } catch {
    return '';
  }
}

export function itemToSummary(item: Item): ArticleSummary {
  return {
    id: String(item.id),
    url: String(item.url),
    title: String(item.title),
    source: { id: String(item.sourceId), name: String(item.sourceName) },
    publishedAt: String(item.publishedAt),
    summary: String(item.summary ?? ''),
  };
}

export function itemToArticle(item: Item): Article {
  return {
    ...itemToSummary(item),
    body: bodyOf(item),
    byline: (item.byline as string | null | undefined) ?? null,
    imageUrl: (item.imageUrl as string | null | undefined) ?? null,
    language: (item.language as string | null | undefined) ?? null,
    fetchedAt: String(item.fetchedAt),
    modifiedAt: (item.modifiedAt as string | null | undefined) ?? null,
    storyId: String(item.storyId ?? item.id),
    terms: (item.terms as Article['terms'] | undefined) ?? [],
  };
}

export function itemToSourceState(item: Item): SourceState {
  const text = (key: string) => (typeof item[key] === 'string' ? (item[key] as string) : null);
  return {
    sourceId: String(item.SK),
    name: String(item.name),
    url: String(item.url),
    schedule: text('schedule'),
    lastFetchedAt: text('lastFetchedAt'),
    lastSuccessAt: text('lastSuccessAt'),
    lastError: text('lastError'),
    lastErrorKind: text('lastErrorKind'),
    errorCount: Number(item.errorCount ?? 0),
    nextAttemptAt: text('nextAttemptAt'),
    etag: text('etag'),
    lastModified: text('lastModified'),
    lastFullFetchAt: text('lastFullFetchAt'),
    articleCount: Number(item.articleCount ?? 0),
    lastPageError: text('lastPageError'),
    lastPageErrorAt: text('lastPageErrorAt'),
    pageErrorCount: Number(item.pageErrorCount ?? 0),
  };
}

export function commentToItem(comment: Comment): Item {
  return {
    ...commentKey(comment.articleId, comment.id),
    id: comment.id,
    articleId: comment.articleId,
    authorId: comment.author.id,
    authorName: comment.author.name,
    body: comment.body,
    createdAt: comment.createdAt,
  };
}

export function itemToComment(item: Item): Comment {
  return {
    id: String(item.id),
    articleId: String(item.articleId),
    author: { id: String(item.authorId), name: String(item.authorName) },
    body: String(item.body),
    createdAt: String(item.createdAt),
  };
}
