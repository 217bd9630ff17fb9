/** JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) to entries. Every field is checked: the JSON is hostile. */
import type { FeedEntry } from '../contracts/model';
import { parseFeedDate } from './feed-dates';
import { feedImageUrl, feedLanguage, feedSummaryText, feedTitleText, resolveHttpUrl } from './feed-text';
import { FeedParseError, MAX_FEED_ENTRIES, type ParsedFeed } from './parsed-feed';

type JsonObject = Record<string, unknown>;

export function readJsonFeed(text: string, baseUrl: string): ParsedFeed {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new FeedParseError(`invalid JSON: ${(error as Error).message}`);
  }
  if (!isObject(document) || typeof document.version !== 'string' || !document.version.startsWith('https://jsonfeed.org/version/')) {
    throw new FeedParseError('JSON that is not a JSON Feed (no "version": "https://jsonfeed.org/version/...")');
  }
  if (!Array.isArray(document.items)) throw new FeedParseError('JSON Feed without an "items" array');

  const language = feedLanguage(stringField(document, 'language'));
  const feedAuthor = authorOf(document);
  const entries: FeedEntry[] = [];
  for (const item of document.items) {
    if (entries.length >= MAX_FEED_ENTRIES) break;
    if (!isObject(item)) continue;
    // `id` is often the permalink too; it is a last resort, and only when already absolute.
    const url =
      resolveHttpUrl(stringField(item, 'url'), baseUrl) ??
      resolveHttpUrl(stringField(item, 'external_url'), baseUrl) ??
      resolveHttpUrl(stringField(item, 'id'), undefined);
    if (!url) continue;
    const contentText = stringField(item, 'content_text');
    entries.push({
      url,
      title: feedTitleText(stringField(item, 'title')),
      publishedAt: parseFeedDate(stringField(item, 'date_published') ?? stringField(item, 'date_modified')),
      summary: feedSummaryText(
        stringField(item, 'summary') ?? (contentText === undefined ? stringField(item, 'content_html') : escapeHtml(contentText)),
      ),
      imageUrl: feedImageUrl(stringField(item, 'image') ?? stringField(item, 'banner_image'), baseUrl),
      author: authorOf(item) ?? feedAuthor,
      language: feedLanguage(stringField(item, 'language')) ?? language,
    });
  }
  return { kind: 'json', title: feedTitleText(stringField(document, 'title')), entries, sitemaps: [] };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(object: JsonObject, key: string): string | undefined {
  const value = object[key];
  return typeof value === 'string' && value.trim() ? value : undefined;
}

/** 1.1 has `authors` (a list), 1.0 had `author`. */
function authorOf(object: JsonObject): string | undefined {
  const candidates = [...(Array.isArray(object.authors) ? object.authors : []), object.author];
  for (const candidate of candidates) {
    if (isObject(candidate)) {
      const name = stringField(candidate, 'name');
      if (name) return feedTitleText(name);
    }
  }
  return undefined;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
