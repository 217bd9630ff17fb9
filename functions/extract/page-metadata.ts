/**
 * What a page says about itself: JSON-LD (schema.org Article and its kin, `@graph` included), Open Graph and
 * Twitter cards, `<meta>` names, microdata and `<time>`. Read before Readability runs, because Readability
 * removes scripts and rewrites the document.
 */
import { collectJsonLd, imageOf, isObject, namesOf, textOf, typesOf } from './json-ld';

export interface PageMetadata {
  readonly titles: readonly string[];
  readonly documentTitle: string | null;
  readonly headings: readonly string[];
  readonly byline: string | null;
  readonly publishedAt: string | null;
  readonly modifiedAt: string | null;
  readonly imageUrl: string | null;
  readonly language: string | null;
  readonly description: string | null;
  readonly canonicalUrl: string | null;
  readonly siteName: string | null;
  /** `articleBody` of the page's JSON-LD article, when it has one. */
  readonly jsonLdBody: string | null;
  /** `og:type` or the JSON-LD `@type`: `article`, `website`, `NewsArticle`, ... */
  readonly declaredTypes: readonly string[];
}


const ARTICLE_TYPE = /^(?:Article|NewsArticle|ReportageNewsArticle|AnalysisNewsArticle|OpinionNewsArticle|ReviewNewsArticle|BackgroundNewsArticle|AskPublicNewsArticle|SatiricalArticle|ScholarlyArticle|TechArticle|SocialMediaPosting|BlogPosting|LiveBlogPosting|DiscussionForumPosting|Report|Review)$/;

export function readPageMetadata(document: Document, pageUrl: string | undefined): PageMetadata {
  const scan = scanDocument(document);
  const meta = scan.meta;
  const jsonLd = collectJsonLd(scan.jsonLdSources);
  const article = jsonLd.find((item) => typesOf(item).some((type) => ARTICLE_TYPE.test(type)));
  // Relative URLs resolve against the document's base URL: its first <base href>, itself resolved against the page's.
  const baseUrl = documentBaseUrl(scan.baseHref, pageUrl);
  const resolve = (value: string | null | undefined): string | null => absoluteHttpUrl(value, baseUrl);
  const first = (...values: Array<string | null | undefined>): string | null =>
    values.map((value) => value?.trim()).find((value): value is string => Boolean(value)) ?? null;

  const documentTitle = first(scan.title);
  const headings = scan.headings;
  // JSON-LD is not HTML, and a <meta> value escaped twice by its CMS (`&amp;#8217;`) keeps a reference after parsing:
  // both can carry character references that a plain-text title, byline or summary must not show.
  const text = (value: string | null | undefined): string | null => (value ? decodeCharacterReferences(value, document) : null);
  const titles = [
    text(meta.get('og:title')),
    text(textOf(article?.['headline'])),
    text(meta.get('twitter:title')),
    documentTitle,
  ].filter((value): value is string => Boolean(value?.trim())).map(squash);

  const publishedAt = firstDate(
    textOf(article?.['datePublished']),
    meta.get('article:published_time'),
    meta.get('og:article:published_time'),
    scan.itemprop.get('datepublished'),
    meta.get('date'), meta.get('dc.date.issued'), meta.get('dc.date'), meta.get('dcterms.created'),
    meta.get('pubdate'), meta.get('publishdate'), meta.get('sailthru.date'), meta.get('parsely-pub-date'),
    scan.timeDatetime,
    textOf(article?.['dateCreated']),
  );
  const modifiedAt = firstDate(
    textOf(article?.['dateModified']),
    meta.get('article:modified_time'),
    meta.get('og:updated_time'),
    scan.itemprop.get('datemodified'),
    meta.get('dcterms.modified'), meta.get('last-modified'),
  );

  const imageUrl = first(
    resolve(meta.get('og:image:secure_url')),
    resolve(meta.get('og:image')),
    resolve(meta.get('og:image:url')),
    resolve(imageOf(article?.['image'])),
    resolve(imageOf(article?.['thumbnailUrl'])),
    resolve(meta.get('twitter:image')),
    resolve(meta.get('twitter:image:src')),
    resolve(scan.links.get('image_src')),
  );

  const language = first(
    normaliseLanguage(document.documentElement?.getAttribute('lang')),
    normaliseLanguage(document.documentElement?.getAttribute('xml:lang')),
    normaliseLanguage(meta.get('content-language')),
    normaliseLanguage(meta.get('og:locale')),
    normaliseLanguage(textOf(article?.['inLanguage'])),
    normaliseLanguage(meta.get('dc.language')),
  );

  const description = text(first(meta.get('description'), meta.get('og:description'), meta.get('twitter:description'), textOf(article?.['description'])));
  const canonicalUrl = first(
    resolve(scan.links.get('canonical')),
    resolve(meta.get('og:url')),
  );
  const publisher = article?.['publisher'];
  const siteName = text(first(
    meta.get('og:site_name'),
    textOf(isObject(publisher) ? publisher['name'] : publisher),
    meta.get('application-name'),
    meta.get('twitter:site')?.replace(/^@/, ''),
  ));

  const byline = first(
    namesOf(article?.['author']),
    meta.get('author'),
    meta.get('article:author'),
    meta.get('dc.creator'),
    meta.get('sailthru.author'),
    meta.get('parsely-author'),
    scan.authorText,
    scan.bylineText,
  );

  const declaredTypes = [meta.get('og:type'), ...jsonLd.flatMap(typesOf)].filter((value): value is string => Boolean(value));

  return {
    titles,
    documentTitle: documentTitle ? squash(documentTitle) : null,
    headings,
    byline: cleanByline(text(byline)),
    publishedAt,
    modifiedAt,
    imageUrl,
    language,
    // Some CMSs put markup in the description; a summary is plain text.
    description: description ? squash(description.replace(/<[^>]*>/g, ' ')) || null : null,
    canonicalUrl,
    siteName: siteName && !/^https?:\/\//i.test(siteName) ? squash(siteName) : null,
    jsonLdBody: textOf(article?.['articleBody']),
    declaredTypes,
  };
}

interface DocumentScan {
  readonly title: string | null;
  readonly headings: string[];
  /** `<meta>` by lowercase `property`, `name`, `itemprop` or `http-equiv`; the first non-empty value wins. */
  readonly meta: Map<string, string>;
  readonly jsonLdSources: string[];
  /** `content` or `datetime` of the first element with each lowercase `itemprop`. */
  readonly itemprop: Map<string, string>;
  /** `href` of the first `<link>` with each lowercase `rel`. */
  readonly links: Map<string, string>;
  readonly timeDatetime: string | null;
  /** `href` of the first `<base>` that has one. */
  readonly baseHref: string | null;
  readonly authorText: string | null;
  /** Text of the first short element named as a byline (`class="byline"`, `signature`, ...), outside comments. */
  readonly bylineText: string | null;
}

/**
 * One walk over the elements collects everything the metadata needs: each `querySelector` would walk the whole
 * document again, and on a large page a dozen of them cost more than Readability's own pass.
 */
function scanDocument(document: Document): DocumentScan {
  const scan = {
    title: null as string | null,
    headings: [] as string[],
    meta: new Map<string, string>(),
    jsonLdSources: [] as string[],
    itemprop: new Map<string, string>(),
    links: new Map<string, string>(),
    timeDatetime: null as string | null,
    baseHref: null as string | null,
    authorText: null as string | null,
    bylineText: null as string | null,
  };
  const stack: Element[] = document.documentElement ? [document.documentElement] : [];
  while (stack.length) {
    const element = stack.pop() as Element;
    for (let child = element.lastElementChild; child; child = child.previousElementSibling) stack.push(child);
    const tag = element.tagName.toUpperCase();
    if (tag === 'META') {
      const content = element.getAttribute('content')?.trim();
      for (const attribute of ['property', 'name', 'itemprop', 'http-equiv']) {
        const key = element.getAttribute(attribute)?.trim().toLowerCase();
        if (content && key && !scan.meta.has(key)) scan.meta.set(key, content);
      }
    } else if (tag === 'TITLE' && scan.title === null && !element.closest('svg')) scan.title = element.textContent;
    else if (tag === 'H1') {
      const heading = squash(element.textContent ?? '');
      if (heading) scan.headings.push(heading);
    } else if (tag === 'SCRIPT') {
      if (element.getAttribute('type')?.trim().toLowerCase() === 'application/ld+json') scan.jsonLdSources.push(element.textContent ?? '');
    } else if (tag === 'LINK') {
      const href = element.getAttribute('href');
      for (const rel of (element.getAttribute('rel') ?? '').toLowerCase().split(/\s+/)) {
        if (rel && href && !scan.links.has(rel)) scan.links.set(rel, href);
      }
    } else if (tag === 'BASE' && scan.baseHref === null && element.hasAttribute('href')) {
      scan.baseHref = element.getAttribute('href');
    } else if (tag === 'TIME' && scan.timeDatetime === null) {
      scan.timeDatetime = element.getAttribute('datetime');
    }
    const itemprop = element.getAttribute('itemprop')?.trim().toLowerCase();
    if (itemprop && !scan.itemprop.has(itemprop)) {
      const value = element.getAttribute('content') ?? element.getAttribute('datetime');
      if (value) scan.itemprop.set(itemprop, value);
    }
    if (scan.authorText === null && (itemprop === 'author' || /(?:^|\s)author(?:\s|$)/i.test(element.getAttribute('rel') ?? ''))) {
      scan.authorText = element.textContent;
    }
    if (scan.bylineText === null && isBylineElement(element)) scan.bylineText = element.textContent;
  }
  return scan;
}

/**
 * `class`/`id` words that name a byline in the markup of news sites (`byline`, `mp-byline`, `story__author`,
 * `signature`, `autor`, `auteur`, `firma`), as whole words of the name; comment authors are not the article's.
 */
const BYLINE_NAME = /(?:^|[\s_-])(?:by-?line|author|authors|signature|writer|autor|auteur|firma|verfasser)(?:$|[\s_-])/i;
const MAX_BYLINE_ELEMENT_CHARS = 200;

function isBylineElement(element: Element): boolean {
  const name = `${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''}`;
  if (!BYLINE_NAME.test(name) || /comment|reply|avatar|bio|about/i.test(name)) return false;
  const text = (element.textContent ?? '').trim();
  if (!text || text.length > MAX_BYLINE_ELEMENT_CHARS) return false;
  return !element.closest('[class*="comment" i], [id*="comment" i], footer, aside');
}

const CHARACTER_REFERENCE = /&(?:#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i;

/**
 * Text with its character references decoded, at most two rounds (a value escaped twice, as `articleBody` can be):
 * `Council&#8217;s budget &amp; more` -> `Council’s budget & more`. `<` is kept as written, so no markup is parsed.
 */
export function decodeCharacterReferences(value: string, document: Document): string {
  let decoded = value;
  for (let round = 0; round < 2 && CHARACTER_REFERENCE.test(decoded); round += 1) {
    const holder = document.createElement('div');
    holder.innerHTML = decoded.replace(/</g, '&lt;');
    decoded = holder.textContent ?? decoded;
  }
  return decoded;
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const BYLINE_PREFIX = /^(?:(?:(?:words|text|story|reporting|written|words and pictures|photos and words)\s+)?by|von|par|por|door)\s*:?\s+/i;
/** What follows the names in a byline line: " — 28 November 2026, 22:40", " | Published ...", " · 5 min read". */
const BYLINE_TAIL = /\s+[—–|·•]\s+.*$|\s+-\s+.*$/;
const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?';
const TRAILING_DATE = new RegExp(
  `(?:^|[,\\s]+)(?:(?:on|updated|published)\\s+)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\\s+)?(?:\\d{1,2}\\s+${MONTH}\\s+\\d{4}|${MONTH}\\s+\\d{1,2},?\\s+\\d{4}|\\d{4}-\\d{2}-\\d{2})\\b.*$`,
  'i',
);

/**
 * The names in a byline: "By  Jane Doe" -> "Jane Doe", "Words by Dev Ramani — 28 November 2026, 22:40" ->
 * "Dev Ramani", "By Anaïs Roux | Published 28 November" -> "Anaïs Roux". A URL, a date alone or a paragraph is not
 * a byline.
 */
export function cleanByline(byline: string | null | undefined): string | null {
  if (!byline || /^https?:\/\//i.test(byline.trim())) return null;
  const cleaned = squash(byline)
    .replace(BYLINE_TAIL, '')
    .replace(TRAILING_DATE, '')
    .replace(BYLINE_PREFIX, '')
    .trim();
  if (!cleaned || cleaned.length > 100 || !/\p{L}/u.test(cleaned) || /^(?:published|updated|posted)\b/i.test(cleaned)) return null;
  return cleaned;
}

export function absoluteHttpUrl(value: string | null | undefined, base: string | undefined): string | null {
  if (!value?.trim()) return null;
  try {
    const url = new URL(value.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The document's base URL (HTML: the first `<base href>`, resolved against the page's URL), else the page's URL. */
function documentBaseUrl(baseHref: string | null, pageUrl: string | undefined): string | undefined {
  if (!baseHref?.trim()) return pageUrl;
  try {
    return new URL(baseHref.trim(), pageUrl).href;
  } catch {
    return pageUrl;
  }
}

/**
 * A zone at the end of a date, in the forms the engine's parser reads: `Z`, `GMT`, `UTC`, `EST`..., each maybe with an
 * offset (`GMT+1`, `UTC+01:00`), or an offset after the time, maybe after AM/PM (`10:00 +0100`, `10:00 AM +01`); a
 * name in parentheses after it (`(CET)`) is a comment the parser skips.
 */
const ZONE =
  /(?:\bz|(?<=\d)z|\b(?:ut|utc|gmt|[ecmp][sd]t)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?\s*[+-]\d{1,2}(?::?\d{2})?)\s*(?:\([^)]*\))?$/i;

/** ISO 8601 in UTC, or null. A time without a zone is read as UTC so the result does not depend on the host. */
export function toIsoDate(value: string | null | undefined): string | null {
  const text = value?.trim();
  // No four-digit year, no date: the engine's parser reads "0" as 2000 and "12" as December 2001.
  if (!text || !/\d{4}/.test(text)) return null;
  // The engine reads hour 24 as the next midnight; the feeds' dates refuse it (feed-dates.ts), and so does this.
  if (/^\d{4}-\d{2}-\d{2}[T ]24:/.test(text)) return null;
  const localIso = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(text);
  let date = new Date(localIso ? `${text.replace(' ', 'T')}Z` : text);
  // Other forms without a zone ("March 5, 2024 10:00", "2024/03/05") are parsed in the host's zone: their
  // wall-clock time is taken as UTC. ISO 8601 forms are already UTC when they name no zone (a date, a month, a year).
  if (!localIso && !/^\d{4}(?:-\d{2}){0,2}(?:T|$)/.test(text) && !ZONE.test(text) && !Number.isNaN(date.getTime())) {
    date = new Date(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds(), date.getMilliseconds()));
  }
  const time = date.getTime();
  // Reject what cannot be a publication date of a web page (parsing accidents like "0" or "99999").
  if (Number.isNaN(time) || date.getUTCFullYear() < 1990 || date.getUTCFullYear() > 2100) return null;
  return date.toISOString();
}

function firstDate(...values: Array<string | null | undefined>): string | null {
  for (const value of values) {
    const date = toIsoDate(value);
    if (date) return date;
  }
  return null;
}

/** `en_us` -> `en-US`, `PT-br` -> `pt-BR`, `en` -> `en`; anything that is not a language tag -> null. */
export function normaliseLanguage(value: string | null | undefined): string | null {
  const first = value?.split(',')[0]?.trim().replace(/_/g, '-');
  if (!first || !/^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/i.test(first)) return null;
  try {
    return Intl.getCanonicalLocales(first)[0] ?? null;
  } catch {
    return null;
  }
}
