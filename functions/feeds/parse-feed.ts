/**
 * Feed parsing, Miniflux style: one pure function from text to entries, the format detected from the content
 * (never from the URL or the Content-Type, which are often wrong). RSS 2.0/0.9x, RSS 1.0 (RDF), Atom, JSON Feed,
 * news sitemaps and sitemap indexes.
 */
import { readAtom } from './atom-feed';
import { readJsonFeed } from './json-feed';
import { FeedParseError, MAX_FEED_CHARS, type ParsedFeed } from './parsed-feed';
import { readRdf, readRss } from './rss-feed';
import { readSitemap, readSitemapIndex } from './sitemap';
import { parseXml, type XmlElement } from './xml-tree';

export { FeedParseError, MAX_FEED_CHARS, MAX_FEED_ENTRIES, MAX_URL_CHARS, type FeedKind, type ParsedFeed } from './parsed-feed';

const XML_READERS: Readonly<Record<string, (root: XmlElement, baseUrl: string) => ParsedFeed>> = {
  rss: readRss,
  RDF: readRdf,
  feed: readAtom,
  urlset: readSitemap,
  sitemapindex: readSitemapIndex,
};

/** @throws FeedParseError when the text is not a feed this parser reads. */
export function parseFeed(text: string, baseUrl: string): ParsedFeed {
  if (text.length > MAX_FEED_CHARS) throw new FeedParseError(`feed larger than ${MAX_FEED_CHARS} characters`);
  const content = text.replace(/^\uFEFF/, '').trim();
  if (!content) throw new FeedParseError('empty document');
  if (content.startsWith('{')) return readJsonFeed(content, baseUrl);
  if (!content.startsWith('<')) throw new FeedParseError('neither XML nor JSON');
  // Checked before XML parsing: most HTML is not well-formed XML and would otherwise be reported as malformed XML.
  if (/^(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!doctype\s+html|<html[\s>])/i.test(content.slice(0, 4096))) {
    throw new FeedParseError('an HTML page, not a feed');
  }

  let roots: XmlElement[];
  try {
    roots = parseXml(content);
  } catch (error) {
    throw new FeedParseError(`malformed XML: ${(error as Error).message}`);
  }
  const root = roots.find((node) => !node.name.startsWith('!'));
  if (!root) throw new FeedParseError('XML without a root element');
  const read = XML_READERS[root.localName];
  if (!read) {
    const what = root.localName.toLowerCase() === 'html' ? 'an HTML page' : `XML with root <${root.name}>`;
    throw new FeedParseError(`${what}, not a feed`);
  }
  if (!isClosed(content, root)) throw new FeedParseError(`truncated XML: <${root.name}> is never closed`);
  return read(root, baseUrl);
}

/**
 * The XML parser is lenient and returns whatever it read from a cut-off download, so a truncated feed is caught
 * here: a complete document ends with its root's end tag (or is an empty root), give or take comments.
 */
function isClosed(content: string, root: XmlElement): boolean {
  let tail = content;
  while (tail.endsWith('-->')) {
    const start = tail.lastIndexOf('<!--');
    if (start === -1) break;
    tail = tail.slice(0, start).trimEnd();
  }
  if (root.children.length === 0 && tail.endsWith('/>')) return true;
  const end = tail.lastIndexOf('</');
  return end !== -1 && new RegExp(`^</${root.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*>$`).test(tail.slice(end));
}
