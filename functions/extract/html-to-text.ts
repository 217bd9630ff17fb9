/**
 * Plain text from an element, rebuilt paragraph by paragraph: every block element ends a paragraph, `<br>` ends a
 * line, and whitespace is collapsed the way a browser renders it. `textContent` would glue the last word of one
 * paragraph to the first of the next ("end.Next"), which hurts both readers and word-based scoring.
 */

const BLOCK_TAGS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'CAPTION', 'CENTER', 'DD', 'DETAILS', 'DIV', 'DL', 'DT', 'FIELDSET',
  'FIGCAPTION', 'FIGURE', 'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'NAV',
  'OL', 'P', 'PRE', 'SECTION', 'SUMMARY', 'TABLE', 'TBODY', 'TFOOT', 'THEAD', 'TR', 'UL',
]);

/** Never text, whatever their content. */
const SKIPPED_TAGS = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'IFRAME', 'OBJECT', 'BUTTON', 'SELECT', 'TEXTAREA', 'HEAD']);

const TEXT_NODE = 3;
const ELEMENT_NODE = 1;

export interface TextParagraph {
  readonly text: string;
  /** What kind of block holds the text: list items and headings are judged with their neighbours. */
  readonly kind: 'text' | 'item' | 'heading';
  /** Characters of the paragraph that are link text: a paragraph made of links is a list of links, not prose. */
  readonly linkChars: number;
}

/** Paragraphs of an element's rendered text, each trimmed and whitespace-normalised, none empty. */
export function blockParagraphs(root: Node): TextParagraph[] {
  const paragraphs: TextParagraph[] = [];
  let lines: string[] = [];
  let line = '';
  let linkChars = 0;
  let linkDepth = 0;
  const blocks: string[] = [];

  const endLine = (): void => {
    const text = line.replace(/[ \t\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+/g, ' ').trim();
    if (text) lines.push(text);
    line = '';
  };
  const endParagraph = (): void => {
    endLine();
    if (lines.length) paragraphs.push({ text: lines.join('\n'), kind: kindOf(blocks[blocks.length - 1]), linkChars });
    lines = [];
    linkChars = 0;
  };

  const walk = (node: Node, inPre: boolean): void => {
    if (node.nodeType === TEXT_NODE) {
      const text = node.nodeValue ?? '';
      if (inPre) {
        const parts = text.split('\n');
        parts.forEach((part, index) => {
          if (index > 0) endLine();
          line += part;
        });
      } else {
        line += text.replace(/[\r\n\t ]+/g, ' ');
      }
      if (linkDepth) linkChars += text.replace(/\s+/g, ' ').trim().length;
      return;
    }
    if (node.nodeType !== ELEMENT_NODE) return;
    const tag = (node as Element).tagName.toUpperCase();
    if (SKIPPED_TAGS.has(tag)) return;
    if (tag === 'BR') {
      endLine();
      return;
    }
    if (tag === 'TD' || tag === 'TH') line += ' ';
    const block = BLOCK_TAGS.has(tag);
    if (block) {
      endParagraph();
      blocks.push(tag);
    }
    if (tag === 'A') linkDepth += 1;
    for (let child = node.firstChild; child; child = child.nextSibling) walk(child, inPre || tag === 'PRE');
    if (tag === 'A') linkDepth -= 1;
    if (block) {
      endParagraph();
      blocks.pop();
    }
  };

  walk(root, false);
  endParagraph();
  return paragraphs;
}

function kindOf(tag: string | undefined): TextParagraph['kind'] {
  if (tag === 'LI' || tag === 'DT' || tag === 'DD') return 'item';
  return tag && /^H[1-6]$/.test(tag) ? 'heading' : 'text';
}
