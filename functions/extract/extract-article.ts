import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { decodeDocument } from '../charset/decode-document';
import type { ExtractedArticle, ExtractionResult, FeedEntry, RejectionReason } from '../contracts/model';
import { truncateAtWord } from '../feeds/feed-text';
import { MAX_URL_CHARS } from '../feeds/parsed-feed';
import { removeBoilerplateElements, removeBoilerplateParagraphs } from './boilerplate';
import { cleanTitle } from './clean-title';
import { blockParagraphs, type TextParagraph } from './html-to-text';
import { cleanByline, normaliseLanguage, readPageMetadata, toIsoDate, type PageMetadata } from './page-metadata';
import { summarize } from './summarize';
import { messageOf } from '../shared/error-text';

/**
 * Article extraction: Mozilla Readability over linkedom (a DOM several times faster to build than jsdom), with
 * boilerplate removed before Readability scores the page and filtered from its result, paragraphs rebuilt from
 * block elements, the page's JSON-LD `articleBody` preferred when it is the complete text, and rejections with a
 * reason for what is not an article. Pure: no I/O.
 */

export interface ExtractOptions {
  readonly url?: string;
  readonly feedEntry?: FeedEntry;
}

export interface ExtractBytesOptions extends ExtractOptions {
  readonly contentType?: string | null;
}

/** Larger pages are refused before parsing: no news article needs more, and parsing cost grows with size. */
export const MAX_HTML_BYTES = 5 * 1024 * 1024;
export const MAX_NESTING_DEPTH = 256;
/**
 * Readability's time grows faster than the number of elements for the costliest shapes (runs of inline links, deep
 * wrappers): 50,000 inline links took 15 s on a shared core and 5 MiB of tiny elements 15-25 s, so ten such pages were
 * more than a worker batch's 90 s; 20,000 take under a second (`npm run bench:hostile`). The dev set's largest page has
 * 1,400 elements.
 */
export const MAX_ELEMENTS = 20_000;
/** Fewer characters of body than this is not an article (a caption, a teaser, an error page). */
export const MIN_BODY_CHARS = 250;
/**
 * Bounds on what a page puts in its article, which is one DynamoDB item of at most 400 KB: a page's title, image and
 * canonical URL and text are the publisher's to make as long as it likes, and an item over the limit is refused at
 * every delivery, as a store failing. The body keeps its first paragraphs up to 100,000 characters (at most 400 KB of
 * UTF-8 before compression; a long feature is some 60,000; the related index reads the first 60,000), the title is
 * cut as a feed's is, and a URL longer than a feed entry's may be is left out.
 */
export const MAX_ARTICLE_BODY_CHARS = 100_000;
export const MAX_ARTICLE_TITLE_CHARS = 500;

const HTML_TYPES = /^(?:text\/html|application\/xhtml\+xml|text\/plain|application\/xml|text\/xml)$/i;

export function extractFromBytes(bytes: Uint8Array, options: ExtractBytesOptions = {}): ExtractionResult {
  try {
    if (bytes.byteLength === 0) return reject('empty', 'the page has no bytes');
    if (bytes.byteLength > MAX_HTML_BYTES) return reject('too-large', `the page has ${bytes.byteLength} bytes, more than ${MAX_HTML_BYTES}`);
    const mediaType = options.contentType?.split(';')[0]?.trim();
    if (mediaType && !HTML_TYPES.test(mediaType)) return reject('not-html', `the content type is ${mediaType}, not HTML`);
    const binary = binaryEvidence(bytes);
    if (binary) return reject('binary', binary);
    const { text } = decodeDocument(bytes, options.contentType);
    return extractArticle(text, options);
  } catch (error) {
    return reject('not-an-article', `extraction failed: ${messageOf(error)}`);
  }
}

export function extractArticle(html: string, options: ExtractOptions = {}): ExtractionResult {
  try {
    return extractOrReject(html, options);
  } catch (error) {
    return reject('not-an-article', `extraction failed: ${messageOf(error)}`);
  }
}

function extractOrReject(html: string, options: ExtractOptions): ExtractionResult {
  if (!html.trim()) return reject('empty', 'the page is empty');
  // Code units, not bytes: a cheap bound that holds before anything is parsed.
  if (html.length > MAX_HTML_BYTES) return reject('too-large', `the page has ${html.length} characters, more than ${MAX_HTML_BYTES}`);
  if (html.includes('\u0000')) return reject('binary', 'the page contains NUL characters');
  if (!/<[a-z!?/]/i.test(html.slice(0, 65536))) return reject('not-html', 'the page has no HTML markup');

  const url = safeUrl(options.url ?? options.feedEntry?.url);
  const { document } = parseHTML(html);
  // Readability walks every node's ancestors, so its time grows with depth times size: a hostile page of
  // thousands of nested elements would take seconds. Real pages nest a few dozen levels.
  const { depth, elements } = measureTree(document.documentElement);
  if (depth > MAX_NESTING_DEPTH) return reject('not-an-article', `the markup nests more than ${MAX_NESTING_DEPTH} levels deep`);
  if (elements > MAX_ELEMENTS) return reject('too-large', `the page has more than ${MAX_ELEMENTS} elements`);
  const metadata = readPageMetadata(document, url);
  const pageText = (document.body?.textContent ?? '').replace(/\s+/g, ' ');

  removeBoilerplateElements(document);
  const readable = new Readability(document as unknown as Document, { serializer: (node: Node) => node, charThreshold: 500 }).parse();
  const readableParagraphs = readable?.content ? blockParagraphs(readable.content) : [];
  const paragraphs = chooseBody(readableParagraphs, metadata);
  const title = truncateAtWord(chooseTitle(metadata, readable?.title ?? null, options.feedEntry, url), MAX_ARTICLE_TITLE_CHARS);
  const body = boundedBody(dropRepeatedHeading(removeBoilerplateParagraphs(paragraphs).map((paragraph) => paragraph.text), title));

  const rejection = judge(body, html, pageText, readable?.content ?? null);
  if (rejection) return rejection;

  const entry = options.feedEntry;
  const article: ExtractedArticle = {
    title,
    byline: metadata.byline ?? cleanByline(readable?.byline) ?? cleanByline(entry?.author),
    publishedAt: metadata.publishedAt ?? toIsoDate(entry?.publishedAt),
    modifiedAt: metadata.modifiedAt,
    language: metadata.language ?? normaliseLanguage(entry?.language),
    imageUrl: boundedUrl(metadata.imageUrl) ?? entry?.imageUrl ?? null,
    description: metadata.description ?? entry?.summary ?? null,
    summary: summarize(metadata.description ?? entry?.summary ?? null, body),
    body,
    canonicalUrl: boundedUrl(metadata.canonicalUrl),
    siteName: metadata.siteName ?? readable?.siteName ?? null,
  };
  return { ok: true, article };
}

/**
 * Readability's text, unless the page's JSON-LD carries the whole article: publishers fill `articleBody` from
 * their CMS, so when it is at least as long as what Readability found it is cleaner than anything scraped. It is
 * also the fallback when Readability finds nothing.
 */
function chooseBody(readableParagraphs: TextParagraph[], metadata: PageMetadata): TextParagraph[] {
  const jsonLdBody = metadata.jsonLdBody;
  if (!jsonLdBody) return readableParagraphs;
  const complete = !/(?:\.\.\.|…|\[…\])\s*$/.test(jsonLdBody) && jsonLdBody.length >= Math.max(MIN_BODY_CHARS, textLength(readableParagraphs) * 0.9);
  return complete ? paragraphsOfJsonLdBody(jsonLdBody) : readableParagraphs;
}

function textLength(paragraphs: readonly TextParagraph[]): number {
  return paragraphs.reduce((sum, paragraph) => sum + paragraph.text.length, 0);
}

/**
 * `articleBody` is meant to be plain text, but CMSs also put HTML in it, sometimes escaped twice
 * (`&lt;p&gt;`): unescape, and when markup remains, rebuild paragraphs from it as from the page.
 */
function paragraphsOfJsonLdBody(articleBody: string): TextParagraph[] {
  let text = articleBody;
  for (let round = 0; round < 2 && /&(?:lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/i.test(text) && !/<[a-z/]/i.test(text); round += 1) {
    // No markup in `text` (checked above), so the parser only decodes character references here.
    text = parseHTML(`<html><body>${text}</body></html>`).document.body?.textContent ?? text;
  }
  if (/<\/?(?:p|div|br|h[1-6]|li|span|a|em|strong|img|iframe)\b/i.test(text)) {
    const { document } = parseHTML(`<html><body>${text}</body></html>`);
    removeBoilerplateElements(document);
    return blockParagraphs(document.body);
  }
  return text.split(/\n\s*\n|\r?\n/).map((paragraph) => ({ text: paragraph.replace(/\s+/g, ' ').trim(), kind: 'text' as const, linkChars: 0 })).filter((paragraph) => paragraph.text);
}

function chooseTitle(metadata: PageMetadata, readableTitle: string | null, entry: FeedEntry | undefined, url: string | undefined): string {
  const candidate = metadata.titles[0] ?? readableTitle ?? entry?.title ?? metadata.headings[0] ?? '';
  const cleaned = cleanTitle(candidate, metadata.siteName, url);
  // A lone <h1> that the title contains is the headline itself, without whatever the site wrapped around it.
  const heading = metadata.headings.length === 1 ? metadata.headings[0] : undefined;
  if (heading && heading.length >= 10 && cleaned !== heading && cleaned.includes(heading)) return heading;
  return cleaned;
}

/** The paragraphs up to MAX_ARTICLE_BODY_CHARS, whole; a first paragraph longer than that is cut at a word. */
function boundedBody(paragraphs: readonly string[]): string {
  const kept: string[] = [];
  let length = 0;
  for (const paragraph of paragraphs) {
    const added = (kept.length > 0 ? 2 : 0) + paragraph.length;
    if (length + added > MAX_ARTICLE_BODY_CHARS) {
      if (kept.length === 0) kept.push(truncateAtWord(paragraph, MAX_ARTICLE_BODY_CHARS - 1));
      break;
    }
    kept.push(paragraph);
    length += added;
  }
  return kept.join('\n\n');
}

function boundedUrl(url: string | null): string | null {
  return url !== null && url.length <= MAX_URL_CHARS ? url : null;
}

/** The headline repeated near the top of the text (often with the site's chrome around it) is not body text. */
function dropRepeatedHeading(paragraphs: string[], title: string): string[] {
  const normalisedTitle = normaliseForComparison(title);
  if (!normalisedTitle) return paragraphs;
  return paragraphs.filter((paragraph, index) => index >= 5 || normaliseForComparison(paragraph) !== normalisedTitle);
}

function normaliseForComparison(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

const LOGIN_WALL = /\b(?:subscribe (?:now )?to (?:continue|read|keep reading|unlock)|subscribers? only|for subscribers|already (?:a subscriber|have an account|subscribed)|(?:sign|log) ?in to (?:continue|read|keep reading|view|access)|create (?:a )?free account to|to continue reading|this (?:article|content|story) is (?:only )?(?:available|reserved) (?:to|for) (?:subscribers|members|registered users)|become a (?:subscriber|member) to|start your (?:free )?(?:trial|subscription)|you(?:'ve| have) reached your (?:free )?(?:article )?limit)\b/i;

function judge(body: string, html: string, pageText: string, content: Node | null): ExtractionResult | null {
  const wordCount = body.split(/\s+/).filter(Boolean).length;
  const short = body.length < 1500;
  // A prompt in the text itself is a wall; one elsewhere on the page (menus carry "Already a subscriber? Sign in")
  // only counts when there is almost no text.
  if (short && (LOGIN_WALL.test(body) || (body.length < 700 && LOGIN_WALL.test(pageText)))) {
    return reject('login-wall', `only ${wordCount} words of text, behind a subscription or login prompt`);
  }
  if (body.length < MIN_BODY_CHARS && looksCutOff(html)) {
    return reject('truncated', `the document ends before its markup closes, with only ${wordCount} words of text`);
  }
  if (body.length < MIN_BODY_CHARS) return reject('not-an-article', `no main text found (${wordCount} words)`);
  if (content && isLinkList(content)) return reject('not-an-article', 'the main block is mostly links: an index page, not an article');
  return null;
}

/** Neither `</body>` nor `</html>` at the end: the download stopped early (or a server cut the page). */
function looksCutOff(html: string): boolean {
  const tail = html.slice(-2048).toLowerCase();
  return !tail.includes('</html>') && !tail.includes('</body>');
}

/** An index page: most of the main block's text is link text, in many short items. */
function isLinkList(content: Node): boolean {
  const element = content as Element;
  const total = (element.textContent ?? '').replace(/\s+/g, '').length;
  if (!total) return true;
  let linked = 0;
  for (const link of element.querySelectorAll('a')) linked += (link.textContent ?? '').replace(/\s+/g, '').length;
  return linked / total > 0.6;
}

/** A reason to believe the bytes are not text: NUL bytes or many control characters near the start. */
function binaryEvidence(bytes: Uint8Array): string | null {
  // UTF-16 text is full of NUL bytes, but is only recognised with a byte order mark (decodeDocument reads it).
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return null;
  const sample = bytes.subarray(0, 8192);
  let controls = 0;
  for (const byte of sample) {
    if (byte === 0) return 'the page contains NUL bytes: binary data, not text';
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20 && byte !== 0x1b)) controls += 1;
  }
  return controls > sample.length * 0.1 ? 'the page is mostly control characters: binary data, not text' : null;
}

/**
 * Depth and size of the element tree, counted without recursion (hostile depth must not overflow the stack); stops
 * once past MAX_NESTING_DEPTH or MAX_ELEMENTS.
 */
function measureTree(root: Element | null): { depth: number; elements: number } {
  let deepest = 0;
  let elements = 0;
  const stack: Array<[Element, number]> = root ? [[root, 1]] : [];
  while (stack.length) {
    const [element, depth] = stack.pop() as [Element, number];
    deepest = Math.max(deepest, depth);
    elements += 1;
    if (deepest > MAX_NESTING_DEPTH || elements > MAX_ELEMENTS) break;
    for (let child = element.firstElementChild; child; child = child.nextElementSibling) stack.push([child, depth + 1]);
  }
  return { depth: deepest, elements };
}

function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).href;
  } catch {
    return undefined;
  }
}

function reject(reason: RejectionReason, detail: string): ExtractionResult {
  return { ok: false, reason, detail };
}
