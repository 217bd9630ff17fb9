/**
 * Turns the bytes of a fetched page or feed into text, choosing the encoding the way browsers do (WHATWG HTML
 * "determining the character encoding"): byte order mark, then the HTTP Content-Type charset, then (pages only) a
 * prescan of the first bytes for `<meta charset>`, then the XML declaration, then UTF-8 when the bytes are valid
 * UTF-8, else windows-1252. Labels are normalised per the WHATWG Encoding Standard by `TextDecoder` itself
 * (`latin1`, `iso-8859-1` and `us-ascii` all mean windows-1252), and Node's full ICU decodes every encoding of that
 * standard (windows-125x, ISO-8859-x, KOI8, Shift_JIS, EUC-JP, ISO-2022-JP, EUC-KR, GBK, gb18030, Big5). A label
 * outside the standard (`cp850`) is ignored, as browsers ignore it, so no table-carrying library is bundled.
 */
export interface DecodedDocument {
  readonly text: string;
  /** Canonical name of the encoding used (`utf-8`, `windows-1251`, `shift_jis`, ...). */
  readonly charset: string;
}

/** The HTML standard prescans 1024 bytes; real pages often put a long `<head>` preamble first, so allow more. */
const PRESCAN_BYTES = 4096;

/** The fallback when nothing is declared and the bytes are not UTF-8: what browsers use for Western locales. */
const WINDOWS_1252 = 'windows-1252';

export interface DecodeOptions {
  /**
   * A feed (XML or JSON), not an HTML page: the HTML `<meta>` prescan is skipped, since a feed's `<meta>` tags are
   * the HTML it carries in CDATA, not its own declaration; the XML declaration is. @default false
   */
  readonly feed?: boolean;
}

export function decodeDocument(bytes: Uint8Array, contentType?: string | null, options: DecodeOptions = {}): DecodedDocument {
  const bom = sniffBom(bytes);
  if (bom) return decodeWith(bom, bytes);

  // Declarations can lie (a server default of `charset=utf-8` or `ISO-8859-1` on a page saved in another
  // encoding), so unlike a browser we let the bytes veto the two commonest wrong claims: "UTF-8" on bytes that are
  // not UTF-8 moves on to the next declaration, and "windows-1252" on valid multi-byte UTF-8 means UTF-8.
  let utf8: string | null | undefined;
  const strictUtf8 = (): string | null => (utf8 === undefined ? (utf8 = tryStrictUtf8(bytes)) : utf8);
  const declarations = [
    () => charsetFromContentType(contentType),
    () => (options.feed ? null : charsetFromMetaPrescan(bytes)),
    () => charsetFromXmlDeclaration(bytes),
  ];
  for (const declaration of declarations) {
    const encoding = resolveLabel(declaration());
    if (!encoding) continue;
    if (encoding === 'utf-8') {
      if (strictUtf8() === null) continue;
      return { text: strictUtf8() ?? '', charset: 'utf-8' };
    }
    if (encoding === WINDOWS_1252 && hasNonAscii(bytes) && strictUtf8() !== null) {
      return { text: strictUtf8() ?? '', charset: 'utf-8' };
    }
    return decodeWith(encoding, bytes);
  }

  const text = strictUtf8();
  if (text !== null) return { text, charset: 'utf-8' };
  return decodeWith(WINDOWS_1252, bytes);
}

function hasNonAscii(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte >= 0x80) return true;
  return false;
}

function sniffBom(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return null;
}

function resolveLabel(label: string | null): string | null {
  if (!label) return null;
  const cleaned = label.trim().toLowerCase();
  if (!cleaned) return null;
  const name = webEncodingName(cleaned);
  if (name === null) return null;
  // A document that declares UTF-16 in markup cannot really be UTF-16 (the markup was readable as ASCII), so
  // browsers treat it as UTF-8; only a BOM selects UTF-16. `replacement` labels are attack vectors: ignore them.
  if (name === 'utf-16le' || name === 'utf-16be') return 'utf-8';
  if (name === 'replacement') return null;
  return name;
}

/** The WHATWG canonical name for a label, or null when the label is not in the Encoding Standard. */
function webEncodingName(label: string): string | null {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return null;
  }
}

function decodeWith(name: string, bytes: Uint8Array): DecodedDocument {
  if (name === WINDOWS_1252) return { text: decodeWindows1252(bytes), charset: name };
  return { text: new TextDecoder(name).decode(bytes), charset: name };
}

/**
 * windows-1252 is ISO-8859-1 except for the 32 bytes 0x80-0x9F (WHATWG index-windows-1252); five of them stay
 * C1 controls. Decoded here rather than by TextDecoder because Node 20.18.3+, 22.13+ and 24.0 up to at least 24.6
 * decode windows-1252 as ISO-8859-1 (nodejs/node#56542, #60888), losing curly quotes, dashes and the euro sign.
 */
const WINDOWS_1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_C1[c.charCodeAt(0) - 0x80] ?? c);
}

function tryStrictUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** `text/html; charset="Shift_JIS"` -> `Shift_JIS`. */
export function charsetFromContentType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const match = /(?:^|;)\s*charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^;\s]+))/i.exec(contentType);
  if (!match) return null;
  return (match[1] ?? match[2] ?? match[3] ?? '').trim() || null;
}

/** The first bytes as a byte-per-char string: markup that matters for the prescan is ASCII in every encoding we meet. */
function headAsLatin1(bytes: Uint8Array, limit: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, limit)).toString('latin1');
}

/**
 * A simplified form of the HTML prescan: skip comments, look at each `<meta>` tag's attributes; `charset=` wins,
 * else `http-equiv=content-type` with a `content` that carries `charset=`.
 */
function charsetFromMetaPrescan(bytes: Uint8Array): string | null {
  const head = headAsLatin1(bytes, PRESCAN_BYTES).replace(/<!--[\s\S]*?(?:-->|$)/g, '');
  const metaTag = /<meta(?=[\s/])([^>]*)>?/gi;
  for (let tag = metaTag.exec(head); tag; tag = metaTag.exec(head)) {
    const attributes = parseAttributes(tag[1] ?? '');
    const charset = attributes.get('charset');
    if (charset) return charset;
    const httpEquiv = attributes.get('http-equiv');
    const content = attributes.get('content');
    if (httpEquiv?.toLowerCase() === 'content-type' && content) {
      const fromContent = charsetFromMetaContent(content);
      if (fromContent) return fromContent;
    }
  }
  return null;
}

function parseAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const attribute = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  for (let match = attribute.exec(source); match; match = attribute.exec(source)) {
    const name = (match[1] ?? '').toLowerCase();
    // The first occurrence of an attribute wins, as in the HTML tokenizer.
    if (!attributes.has(name)) attributes.set(name, match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attributes;
}

/** WHATWG "algorithm for extracting a character encoding from a meta element". */
function charsetFromMetaContent(content: string): string | null {
  const match = /charset\s*=\s*(?:"([^"]*)"?|'([^']*)'?|([^\s;"']+))/i.exec(content);
  if (!match) return null;
  return (match[1] ?? match[2] ?? match[3] ?? '').trim() || null;
}

function charsetFromXmlDeclaration(bytes: Uint8Array): string | null {
  const head = headAsLatin1(bytes, 200);
  const match = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([^"']+)["']/i.exec(head);
  return match?.[1] ?? null;
}
