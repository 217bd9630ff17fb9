/**
 * Reading schema.org JSON-LD as pages write it: several blocks, `@graph`s, lists where one value is expected, and
 * hand-written JSON that does not parse. Lenient on purpose: a page without usable metadata is still a page.
 */
export type JsonObject = Record<string, unknown>;

/** Every object in the page's JSON-LD blocks, `@graph` and arrays flattened. Broken blocks are skipped. */
export function collectJsonLd(sources: readonly string[]): JsonObject[] {
  const objects: JsonObject[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 4) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
    } else if (isObject(value)) {
      objects.push(value);
      if (value['@graph']) visit(value['@graph'], depth + 1);
      if (isObject(value['mainEntity'])) visit(value['mainEntity'], depth + 1);
    }
  };
  for (const raw of sources) {
    const source = raw.replace(/^\s*(?:<!--|\/\/\s*<!\[CDATA\[)|(?:-->|\/\/\s*\]\]>)\s*$/g, '').trim();
    try {
      visit(JSON.parse(source), 0);
    } catch {
      // Hand-written JSON-LD is often invalid; a page without usable metadata is still a page.
    }
  }
  return objects;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function typesOf(item: JsonObject): string[] {
  const type = item['@type'];
  return (Array.isArray(type) ? type : [type]).filter((value): value is string => typeof value === 'string');
}

export function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null;
  if (Array.isArray(value)) return textOf(value[0]);
  return null;
}

/** An image's URL: a string, the first of a list, or an ImageObject's. */
export function imageOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return imageOf(value[0]);
  if (isObject(value)) return textOf(value['url']) ?? textOf(value['contentUrl']) ?? textOf(value['@id']);
  return null;
}

/** The names of people or organisations (an author list), URLs left out, joined with commas. */
export function namesOf(value: unknown): string | null {
  const items = Array.isArray(value) ? value : [value];
  const names = items
    .map((item) => (isObject(item) ? textOf(item['name']) : textOf(item)))
    .filter((name): name is string => Boolean(name) && !/^https?:\/\//.test(name ?? ''));
  return names.length ? [...new Set(names)].join(', ') : null;
}
