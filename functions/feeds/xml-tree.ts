/**
 * Safe XML parsing for feeds, over fast-xml-parser, into a small ordered element tree.
 *
 * The order-preserving mode is used because feed content mixes text and markup (`<div>a <b>b</b> c</div>` in Atom
 * xhtml content) and the unordered mode loses the text's order. Entities: the five XML ones, numeric references and
 * the HTML named ones (`&nbsp;`, `&eacute;`, common in real feeds) are decoded; entities declared in a DTD are
 * expanded only within tight limits (entities that reference entities are not expanded by the library), external
 * entities are refused, so neither "billion laughs" nor XXE can get through.
 */
import { XMLParser } from 'fast-xml-parser';

export interface XmlElement {
  /** Qualified name as written (`item`, `content:encoded`, `news:news`). */
  readonly name: string;
  /** Part after the prefix (`encoded`, `news`). */
  readonly localName: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly (XmlElement | string)[];
}

const ATTRIBUTE_PREFIX = '@_';

/**
 * The limits count only DTD-declared entities (`appliesTo: 'external'`): a long feed legitimately holds thousands of
 * `&amp;` and `&lt;`. The library reads `appliesTo` but its type declarations omit it, hence the separate constant.
 */
const ENTITY_LIMITS = {
  enabled: true,
  appliesTo: 'external',
  maxEntityCount: 50,
  maxEntitySize: 1_000,
  maxTotalExpansions: 1_000,
  maxExpandedLength: 100_000,
};

export function parseXml(text: string): XmlElement[] {
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: ATTRIBUTE_PREFIX,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    htmlEntities: true,
    processEntities: ENTITY_LIMITS,
    maxNestedTags: 100,
  });
  const nodes = parser.parse(text) as unknown[];
  return nodes.map(toNode).filter((node): node is XmlElement => typeof node !== 'string' && !node.name.startsWith('?'));
}

function toNode(raw: unknown): XmlElement | string {
  const record = raw as Record<string, unknown>;
  let name = '';
  let content: unknown[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (key === '#text') return String(value);
    if (key !== ':@') {
      name = key;
      content = Array.isArray(value) ? value : [];
    }
  }
  const attributes: Record<string, string> = {};
  const rawAttributes = record[':@'] as Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(rawAttributes ?? {})) {
    attributes[key.slice(ATTRIBUTE_PREFIX.length)] = String(value);
  }
  const colon = name.indexOf(':');
  return {
    name,
    localName: colon === -1 ? name : name.slice(colon + 1),
    attributes,
    children: content.map(toNode),
  };
}

/** Child elements named `name`: an exact qualified name (`link`, `dc:date`), or `*:local` for any prefix. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  const anyPrefix = name.startsWith('*:') ? name.slice(2) : null;
  return element.children.filter(
    (child): child is XmlElement =>
      typeof child !== 'string' && (anyPrefix === null ? child.name === name : child.localName === anyPrefix && child.name.includes(':')),
  );
}

export function childNamed(element: XmlElement, ...names: string[]): XmlElement | undefined {
  for (const name of names) {
    const [found] = childrenNamed(element, name);
    if (found) return found;
  }
  return undefined;
}

/** All the text inside an element, in document order, markup removed. */
export function textContent(element: XmlElement): string {
  return element.children.map((child) => (typeof child === 'string' ? child : textContent(child))).join('');
}

/** Trimmed text of the first child among `names` that has any, or undefined. */
export function childText(element: XmlElement, ...names: string[]): string | undefined {
  for (const name of names) {
    for (const child of childrenNamed(element, name)) {
      const text = textContent(child).trim();
      if (text) return text;
    }
  }
  return undefined;
}

/**
 * HTML held by the first child among `names` that has any: usually escaped or CDATA text, but some feeds put raw
 * (unescaped) markup inside `<description>`, which the XML parser turns into child elements.
 */
export function childHtml(element: XmlElement, ...names: string[]): string | undefined {
  for (const name of names) {
    for (const child of childrenNamed(element, name)) {
      const hasElements = child.children.some((node) => typeof node !== 'string');
      const html = (hasElements ? innerMarkup(child) : textContent(child)).trim();
      if (html) return html;
    }
  }
  return undefined;
}

/**
 * The element's content re-serialised as markup, for Atom `type="xhtml"` content, which arrives as child elements but
 * means HTML. Attributes are dropped: only the text and its block structure matter for a summary.
 */
export function innerMarkup(element: XmlElement): string {
  return element.children
    .map((child) => (typeof child === 'string' ? escapeText(child) : `<${child.localName}>${innerMarkup(child)}</${child.localName}>`))
    .join('');
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
