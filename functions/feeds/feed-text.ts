/**
 * Text helpers for feed fields: HTML to plain text (titles and summaries often carry markup or escaped markup),
 * link resolution, and the bounds on what a feed entry may carry into a queue message.
 */
import { parseHTML } from 'linkedom';
import { normaliseLanguage } from '../extract/page-metadata';
import { MAX_URL_CHARS } from './parsed-feed';

/**
 * A feed entry's summary longer than this is cut at a word boundary: a bound on what a feed may put in a queue
 * message. The article's own summary (MAX_SUMMARY_CHARS, functions/extract/summarize.ts) is made later from it or
 * from the page.
 */
export const MAX_FEED_SUMMARY_CHARS = 1_000;
const MAX_TITLE_CHARS = 500;

const BLOCK_ELEMENTS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BR', 'DD', 'DIV', 'DL', 'DT', 'FIGCAPTION', 'FIGURE', 'FOOTER', 'H1', 'H2',
  'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'OL', 'P', 'PRE', 'SECTION', 'TABLE', 'TD', 'TH', 'TR', 'UL',
]);
const SKIPPED_ELEMENTS = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'IFRAME', 'OBJECT', 'SVG']);

interface TextNodeLike {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly nodeValue: string | null;
  readonly childNodes: ArrayLike<TextNodeLike>;
}

/** Plain text of an HTML fragment, whitespace collapsed; blocks are separated by a space. */
export function htmlToText(html: string): string {
  // Plain text needs no parser; the check keeps 2,000 entries cheap.
  if (!/[<&]/.test(html)) return collapseWhitespace(html);
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const parts: string[] = [];
  collectText(document.body as unknown as TextNodeLike, parts);
  return collapseWhitespace(parts.join(''));
}

function collectText(node: TextNodeLike, parts: string[]): void {
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType === 3) {
      parts.push(child.nodeValue ?? '');
    } else if (child.nodeType === 1 && !SKIPPED_ELEMENTS.has(child.nodeName.toUpperCase())) {
      const block = BLOCK_ELEMENTS.has(child.nodeName.toUpperCase());
      if (block) parts.push(' ');
      collectText(child, parts);
      if (block) parts.push(' ');
    }
  }
}

function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A feed's or an entry's title as plain text. (Cleaning a page's title of its site name is extract/clean-title.ts.) */
export function feedTitleText(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  return truncateAtWord(htmlToText(raw), MAX_TITLE_CHARS) || undefined;
}

export function feedSummaryText(rawHtml: string | undefined): string | undefined {
  if (rawHtml === undefined) return undefined;
  return truncateAtWord(htmlToText(rawHtml), MAX_FEED_SUMMARY_CHARS) || undefined;
}

export function truncateAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** An absolute http(s) URL for `raw` resolved against `base`, or undefined if there is none. */
export function resolveHttpUrl(raw: string | undefined, base: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
}

/** An entry's image URL; one longer than MAX_URL_CHARS is left out, and the entry kept. */
export function feedImageUrl(raw: string | undefined, base: string | undefined): string | undefined {
  const url = resolveHttpUrl(raw, base);
  return url && url.length <= MAX_URL_CHARS ? url : undefined;
}

/** An entry's language as a canonical language tag (`en_us` -> `en-US`), as the page's own is read; else none. */
export function feedLanguage(raw: string | undefined): string | undefined {
  return normaliseLanguage(raw) ?? undefined;
}

/** The base for an element: its `xml:base` resolved against the inherited base (RFC 3986 rules, via URL). */
export function withXmlBase(inherited: string, xmlBase: string | undefined): string {
  if (!xmlBase?.trim()) return inherited;
  try {
    return new URL(xmlBase.trim(), inherited).href;
  } catch {
    return inherited;
  }
}
