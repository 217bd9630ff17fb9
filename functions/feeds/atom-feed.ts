/** Atom 1.0 (and 0.3) documents to entries. */
import type { FeedEntry } from '../contracts/model';
import { parseFeedDate } from './feed-dates';
import { feedImageUrl, feedLanguage, feedSummaryText, feedTitleText, resolveHttpUrl, withXmlBase } from './feed-text';
import { MAX_FEED_ENTRIES, type ParsedFeed } from './parsed-feed';
import { childrenNamed, innerMarkup, textContent, type XmlElement } from './xml-tree';

export function readAtom(root: XmlElement, baseUrl: string): ParsedFeed {
  // Atom is nearly always the default namespace, but `<atom:feed>` exists; read the same prefix throughout.
  const prefix = root.name.slice(0, root.name.length - root.localName.length);
  const atom = (element: XmlElement, name: string) => childrenNamed(element, prefix + name);
  const construct = (element: XmlElement, name: string) => atom(element, name).map(textConstruct).find(Boolean);

  const base = withXmlBase(baseUrl, root.attributes['xml:base']);
  const feedAuthor = authorName(atom(root, 'author'), prefix);
  const language = feedLanguage(root.attributes['xml:lang']);
  const entries: FeedEntry[] = [];
  for (const entry of atom(root, 'entry')) {
    if (entries.length >= MAX_FEED_ENTRIES) break;
    const entryBase = withXmlBase(base, entry.attributes['xml:base']);
    const links = atom(entry, 'link');
    const url = alternateLink(links, entryBase);
    if (!url) continue;
    entries.push({
      url,
      title: feedTitleText(construct(entry, 'title')),
      publishedAt: parseFeedDate(
        [...atom(entry, 'published'), ...atom(entry, 'issued'), ...atom(entry, 'updated'), ...atom(entry, 'modified')]
          .map((element) => textContent(element).trim())
          .find(Boolean),
      ),
      summary: feedSummaryText(construct(entry, 'summary') ?? construct(entry, 'content')),
      imageUrl: entryImage(entry, links, entryBase),
      author: authorName(atom(entry, 'author'), prefix) ?? feedAuthor,
      language: feedLanguage(entry.attributes['xml:lang']) ?? language,
    });
  }
  return { kind: 'atom', title: feedTitleText(construct(root, 'title')), entries, sitemaps: [] };
}

/**
 * A text construct as HTML: `type="html"` is escaped HTML (already unescaped by the XML parser), `xhtml` arrives as
 * child elements, and `text` is plain text that must not be read as markup.
 */
function textConstruct(element: XmlElement): string | undefined {
  const type = element.attributes.type ?? 'text';
  const html =
    type === 'xhtml'
      ? innerMarkup(element)
      : type === 'html' || type === 'text/html'
        ? textContent(element)
        : textContent(element).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return html.trim() || undefined;
}

/** The entry's page: `rel="alternate"` (the default rel) with an HTML type first, then any alternate link. */
function alternateLink(links: readonly XmlElement[], base: string): string | undefined {
  const alternates = links.filter((link) => (link.attributes.rel ?? 'alternate') === 'alternate');
  const ranked = [
    ...alternates.filter((link) => /^(text\/html|application\/xhtml\+xml)\b/i.test(link.attributes.type ?? '')),
    ...alternates.filter((link) => link.attributes.type === undefined),
    ...alternates,
  ];
  for (const link of ranked) {
    const url = resolveHttpUrl(link.attributes.href, withXmlBase(base, link.attributes['xml:base']));
    if (url) return url;
  }
  return undefined;
}

function entryImage(entry: XmlElement, links: readonly XmlElement[], base: string): string | undefined {
  const candidates = [
    ...childrenNamed(entry, '*:thumbnail').map((thumbnail) => thumbnail.attributes.url),
    ...childrenNamed(entry, '*:content')
      .filter((content) => content.attributes.medium === 'image' || content.attributes.type?.startsWith('image/'))
      .map((content) => content.attributes.url),
    ...links.filter((link) => link.attributes.rel === 'enclosure' && link.attributes.type?.startsWith('image/')).map((link) => link.attributes.href),
  ];
  for (const candidate of candidates) {
    const url = feedImageUrl(candidate, base);
    if (url) return url;
  }
  return undefined;
}

function authorName(authors: readonly XmlElement[], prefix: string): string | undefined {
  for (const author of authors) {
    const name = childrenNamed(author, `${prefix}name`).map((element) => textContent(element).trim()).find(Boolean);
    if (name) return feedTitleText(name);
  }
  return undefined;
}
