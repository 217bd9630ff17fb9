/** RSS 2.0 (and 0.9x) and RSS 1.0 (RDF) documents to entries. */
import type { FeedEntry } from '../contracts/model';
import { parseFeedDate } from './feed-dates';
import { feedImageUrl, feedLanguage, feedSummaryText, feedTitleText, resolveHttpUrl, withXmlBase } from './feed-text';
import { MAX_FEED_ENTRIES, type ParsedFeed } from './parsed-feed';
import { childHtml, childNamed, childText, childrenNamed, type XmlElement } from './xml-tree';

export function readRss(root: XmlElement, baseUrl: string): ParsedFeed {
  const channel = childNamed(root, 'channel');
  const base = withXmlBase(withXmlBase(baseUrl, root.attributes['xml:base']), channel?.attributes['xml:base']);
  const language = channel ? feedLanguage(childText(channel, 'language', '*:language')) : undefined;
  return {
    kind: 'rss',
    title: channel ? feedTitleText(childText(channel, 'title')) : undefined,
    entries: readItems(channel ? childrenNamed(channel, 'item') : [], base, language),
    sitemaps: [],
  };
}

/** RSS 1.0 puts its items beside the channel, not inside it. */
export function readRdf(root: XmlElement, baseUrl: string): ParsedFeed {
  const channel = childNamed(root, 'channel', '*:channel');
  const base = withXmlBase(baseUrl, root.attributes['xml:base']);
  const language = channel ? feedLanguage(childText(channel, '*:language')) : undefined;
  const items = [...childrenNamed(root, 'item'), ...childrenNamed(root, '*:item')];
  return {
    kind: 'rdf',
    title: channel ? feedTitleText(childText(channel, 'title', '*:title')) : undefined,
    entries: readItems(items, base, language),
    sitemaps: [],
  };
}

function readItems(items: readonly XmlElement[], base: string, language: string | undefined): FeedEntry[] {
  const entries: FeedEntry[] = [];
  for (const item of items) {
    if (entries.length >= MAX_FEED_ENTRIES) break;
    const itemBase = withXmlBase(base, item.attributes['xml:base']);
    const url = itemLink(item, itemBase);
    if (!url) continue;
    entries.push({
      url,
      title: feedTitleText(childText(item, 'title', '*:title')),
      publishedAt: parseFeedDate(childText(item, 'pubDate', '*:date', '*:published', '*:updated')),
      summary: feedSummaryText(childHtml(item, 'description', '*:description', '*:encoded')),
      imageUrl: itemImage(item, itemBase),
      author: itemAuthor(item),
      language: feedLanguage(childText(item, '*:language')) ?? language,
    });
  }
  return entries;
}

/** FeedBurner's original link, then `<link>`, then an Atom link, then a permalink GUID, then RDF's `rdf:about`. */
function itemLink(item: XmlElement, base: string): string | undefined {
  const candidates = [
    childText(item, '*:origLink'),
    childText(item, 'link', '*:link'),
    ...childrenNamed(item, '*:link')
      .filter((link) => (link.attributes.rel ?? 'alternate') === 'alternate')
      .map((link) => link.attributes.href),
  ];
  for (const candidate of candidates) {
    const url = resolveHttpUrl(candidate, base);
    if (url) return url;
  }
  const guid = childNamed(item, 'guid');
  if (guid && guid.attributes.isPermaLink !== 'false') {
    // A GUID is only a link when it is already absolute; resolving an opaque id would invent a URL.
    const url = resolveHttpUrl(childText(item, 'guid'), undefined);
    if (url) return url;
  }
  return resolveHttpUrl(item.attributes['rdf:about'], undefined);
}

function itemImage(item: XmlElement, base: string): string | undefined {
  const media = [...childrenNamed(item, '*:group').flatMap((group) => childrenNamed(group, '*:content')), ...childrenNamed(item, '*:content')];
  const candidates = [
    ...media.filter((content) => content.attributes.medium === 'image' || content.attributes.type?.startsWith('image/')).map((content) => content.attributes.url),
    ...childrenNamed(item, '*:thumbnail').map((thumbnail) => thumbnail.attributes.url),
    ...childrenNamed(item, 'enclosure').filter((enclosure) => enclosure.attributes.type?.startsWith('image/')).map((enclosure) => enclosure.attributes.url),
  ];
  for (const candidate of candidates) {
    const url = feedImageUrl(candidate, base);
    if (url) return url;
  }
  return undefined;
}

/** `<author>` is an email address by the spec, usually `jane@example.com (Jane Doe)`; the name is what we want. */
function itemAuthor(item: XmlElement): string | undefined {
  const raw = childText(item, '*:creator', 'author', '*:author');
  if (!raw) return undefined;
  const named = /^\S+@\S+\s+\((.+)\)$/.exec(raw);
  return feedTitleText(named?.[1] ?? raw);
}
