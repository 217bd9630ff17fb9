/** Sitemaps (news sitemaps with `news:news`, plain ones with `lastmod`) and sitemap indexes. */
import type { FeedEntry } from '../contracts/model';
import { parseFeedDate } from './feed-dates';
import { feedImageUrl, feedLanguage, feedTitleText, resolveHttpUrl } from './feed-text';
import { MAX_FEED_ENTRIES, type ParsedFeed } from './parsed-feed';
import { childText, childrenNamed, type XmlElement } from './xml-tree';

export function readSitemap(root: XmlElement, baseUrl: string): ParsedFeed {
  const prefix = root.name.slice(0, root.name.length - root.localName.length);
  const entries: FeedEntry[] = [];
  for (const url of childrenNamed(root, `${prefix}url`)) {
    const location = resolveHttpUrl(childText(url, `${prefix}loc`), baseUrl);
    if (!location) continue;
    const news = childrenNamed(url, '*:news')[0];
    const publication = news ? childrenNamed(news, '*:publication')[0] : undefined;
    const image = childrenNamed(url, '*:image')[0];
    entries.push({
      url: location,
      title: news ? feedTitleText(childText(news, '*:title')) : undefined,
      publishedAt: parseFeedDate((news ? childText(news, '*:publication_date') : undefined) ?? childText(url, `${prefix}lastmod`)),
      imageUrl: image ? feedImageUrl(childText(image, '*:loc'), baseUrl) : undefined,
      language: publication ? feedLanguage(childText(publication, '*:language')) : undefined,
    });
  }
  return { kind: 'sitemap', entries: newestFirst(entries, (entry) => entry.publishedAt).slice(0, MAX_FEED_ENTRIES), sitemaps: [] };
}

export function readSitemapIndex(root: XmlElement, baseUrl: string): ParsedFeed {
  const prefix = root.name.slice(0, root.name.length - root.localName.length);
  const sitemaps: { url: string; modifiedAt: string | undefined }[] = [];
  for (const sitemap of childrenNamed(root, `${prefix}sitemap`)) {
    const url = resolveHttpUrl(childText(sitemap, `${prefix}loc`), baseUrl);
    if (url) sitemaps.push({ url, modifiedAt: parseFeedDate(childText(sitemap, `${prefix}lastmod`)) });
  }
  const ordered = newestFirst(sitemaps, (sitemap) => sitemap.modifiedAt).slice(0, MAX_FEED_ENTRIES);
  return { kind: 'sitemap-index', entries: [], sitemaps: ordered.map((sitemap) => sitemap.url) };
}

/**
 * Sitemaps are not in date order and can list 50,000 URLs; the newest are the news. Undated ones keep their order
 * after the dated ones (ISO 8601 strings in UTC sort as dates).
 */
function newestFirst<T>(items: readonly T[], dateOf: (item: T) => string | undefined): T[] {
  return [...items].sort((a, b) => {
    const da = dateOf(a);
    const db = dateOf(b);
    if (da === db) return 0;
    if (da === undefined) return 1;
    if (db === undefined) return -1;
    return da < db ? 1 : -1;
  });
}
