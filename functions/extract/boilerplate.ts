import type { TextParagraph } from './html-to-text';

/**
 * Boilerplate that surrounds news text: removed from the DOM before Readability scores it (so it cannot win or
 * pad the main block) and filtered from the text afterwards (labels that live inside the article's own markup).
 * The rules are general web conventions, not rules for one site.
 */

/** Elements that are never article text. */
const NEVER_CONTENT_TAGS = new Set(['NAV', 'BUTTON', 'SELECT', 'TEXTAREA', 'TEMPLATE', 'DIALOG', 'FIGCAPTION']);
const NEVER_CONTENT_ROLES = new Set(['navigation', 'dialog', 'alertdialog']);

/**
 * Elements that usually hold no article text, but that some pages wrap around it (ASP.NET puts the whole page in a
 * `<form>`; some themes hide the body until a script runs): removed only when they hold little prose.
 */
const USUALLY_NOT_CONTENT_TAGS = new Set(['ASIDE', 'FORM']);
const USUALLY_NOT_CONTENT_ROLES = new Set(['banner', 'contentinfo', 'complementary']);

/**
 * `class`/`id` words of share bars, newsletter boxes, reader appeals ("support us", donations, memberships),
 * comments, cookie notices, ads, "related" lists, photo captions and galleries (captions describe a picture the text
 * does not show). Matched
 * as whole words of a class name, and only on elements with little prose, so that a wrapper that merely carries
 * one such class (`entry-content-read-more`, `article has-comments`) is not thrown away with the article inside.
 */
const BOILERPLATE_NAME =
  /(?:^|[\s_-])(?:share|sharing|sharebar|social|newsletter|subscribe|subscription|signup|support|supporters?|support-?us|donate|donations?|contribute|contributions?|membership|appeal|related|recommended|recirc|comments?|disqus|cookies?|consent|gdpr|ad|ads|advert|advertisement|adslot|dfp|sponsor(?:ed)?|promo|outbrain|taboola|breadcrumbs?|toolbar|paywall|most-?popular|trending|read-?more|also-?read|more-?stories|tags?|captions?|credits?|gallery|slideshow|carousel|lightbox)(?:$|[\s_-])/i;

/** Characters of text outside links above which an element counts as prose, whatever its name. */
const PROSE_CHARS = 400;

/**
 * Removes boilerplate elements. One walk sorts the elements into kinds (each `querySelectorAll` would walk the
 * whole document again); the removals then run kind by kind, surest first, skipping what an earlier one removed.
 */
export function removeBoilerplateElements(document: Document): void {
  const never: Element[] = [];
  const usually: Element[] = [];
  const named: Element[] = [];
  const images: Element[] = [];
  const inputs: Element[] = [];
  const styled: Element[] = [];
  const stack: Element[] = document.documentElement ? [document.documentElement] : [];
  while (stack.length) {
    const element = stack.pop() as Element;
    for (let child = element.lastElementChild; child; child = child.previousElementSibling) stack.push(child);
    const tag = element.tagName.toUpperCase();
    const role = element.getAttribute('role')?.trim().toLowerCase() ?? '';
    const className = element.getAttribute('class') ?? '';
    if (NEVER_CONTENT_TAGS.has(tag) || NEVER_CONTENT_ROLES.has(role) || (tag === 'INS' && /\badsbygoogle\b/.test(className))) {
      never.push(element);
      continue;
    }
    if (USUALLY_NOT_CONTENT_TAGS.has(tag) || USUALLY_NOT_CONTENT_ROLES.has(role) || element.hasAttribute('hidden') || element.getAttribute('aria-hidden') === 'true') {
      usually.push(element);
    }
    const id = element.getAttribute('id') ?? '';
    if ((className || id) && tag !== 'BODY' && tag !== 'HTML' && tag !== 'ARTICLE' && BOILERPLATE_NAME.test(`${className} ${id}`)) named.push(element);
    if (tag === 'IMG' || tag === 'PICTURE' || tag === 'VIDEO') images.push(element);
    if (tag === 'INPUT' && element.getAttribute('type')?.toLowerCase() !== 'hidden') inputs.push(element);
    if (/(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)/i.test(element.getAttribute('style') ?? '')) styled.push(element);
  }
  for (const element of never) element.remove();
  for (const element of [...usually, ...named]) {
    if (element.isConnected && !holdsProse(element)) element.remove();
  }
  removeImageCaptions(images);
  removeInputBoxes(inputs);
  for (const element of styled) {
    if (element.isConnected && !holdsProse(element)) element.remove();
  }
}

/**
 * Text that shares a small block with an image is its caption, even without `<figcaption>`:
 * `<div><img><br><span>Still four Thunderbolt 3 ports</span></div>`.
 */
const MAX_CAPTION_CHARS = 250;

function removeImageCaptions(images: readonly Element[]): void {
  for (const image of images) {
    if (!image.isConnected) continue;
    const block = image.parentElement?.closest('div, p, figure, center, td');
    if (!block?.isConnected || block.tagName === 'BODY') continue;
    const length = compactLength(block.textContent);
    // Two paragraphs beside a picture are text illustrated by it, however short.
    if (length > 0 && length <= MAX_CAPTION_CHARS && block.getElementsByTagName('p').length < 2) block.remove();
  }
}

/**
 * A small block around a text field is a sign-up, newsletter or search box, whatever its class is called
 * (`<div class="abonnement">Subscribe… <input name="email"> <input type="submit"></div>`).
 */
function removeInputBoxes(inputs: readonly Element[]): void {
  for (const input of inputs) {
    if (!input.isConnected) continue;
    const block = input.closest('div, section, aside, form, p, li, fieldset, table');
    if (block?.isConnected && block.tagName !== 'BODY' && !holdsProse(block)) block.remove();
  }
}

function holdsProse(element: Element): boolean {
  const total = compactLength(element.textContent);
  if (total <= PROSE_CHARS) return false;
  let linked = 0;
  for (const link of element.querySelectorAll('a')) linked += compactLength(link.textContent);
  return total - linked > PROSE_CHARS;
}

function compactLength(text: string | null): number {
  return (text ?? '').replace(/\s+/g, ' ').trim().length;
}

/** Whole paragraphs that are labels, calls to action or credits rather than text. */
const BOILERPLATE_LINES: readonly RegExp[] = [
  // Ad labels.
  /^(?:advertisement|advertisements|advertising|advert|ad|sponsored(?: content)?|paid content|promoted|story continues below(?: this ad| advertisement)?|article continues below(?: this ad| advertisement)?|continue reading (?:the main story|below)|scroll to continue(?: with content)?)$/i,
  // Cross-links: "Also read: ...", "READ MORE: ...", "Related: ...".
  /^(?:also read|read also|read more|more|related|related articles?|related stories|related coverage|see also|recommended|recommended reading|you may also like|you might also like|don't miss|must read|more from [\w\s]+|click here|watch|watch video|listen|also see|see more|more on this|trending|most read|popular)\b\s*(?:[:|>»\-–—]|$)/i,
  // Share bars and their leftovers.
  /^(?:share(?: this(?: article| story)?)?(?: on \w+)?|tweet|email|print|copy link|facebook|twitter|whatsapp|linkedin|pinterest|reddit|comments?|\d+ comments?|view comments|leave a comment|join the conversation)$/i,
  // Reader appeals: "… is free to read because readers like you support it. Become a supporter."
  /\b(?:free to read because|readers like you|reader-funded|reader funded|become a (?:supporter|member|patron|subscriber)|support (?:us|our (?:work|journalism|newsroom|reporting)|independent journalism)|make a (?:donation|contribution)|donate (?:now|today)|(?:please )?consider (?:supporting|donating|a donation))\b/i,
  // Newsletter and subscription prompts, affiliate disclosures.
  /^(?:sign up|subscribe|get)\b.{0,80}\b(?:newsletter|inbox|email|alerts)\b.{0,80}$/i,
  /\b(?:sign up|subscribe)\b.{0,100}\bnewsletter\b/i,
  /\b(?:contains?|may contain|uses?) (?:affiliate|referral)\b.{0,40}\blinks?\b/i,
  // A date alone: "September 10, 2018 |", "19 Nov 2019 10:48".
  /^[|•·\s]*(?:(?:mon|tue|wed|thu|fri|sat|sun)\w*,?\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?\d{4}(?:,?\s+\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?[|•·\s]*$/i,
  // Cookie notices.
  /^.{0,120}\b(?:we use cookies|this (?:site|website) uses cookies|cookie (?:policy|settings))\b.{0,200}$/i,
  // Photo credit alone in a paragraph: "(AP Photo/Jae C. Hong)", "Photo: Reuters", "Image credit: Getty Images".
  /^\(?(?:(?:file |staff )?photo(?:graph)?s?|image|picture|credit|illustration|video)(?: credit)?(?: by)?\s*[:/|]\s*[^.!?]{0,80}\)?$/i,
  /^\(?[^.!?]{0,60}\b(?:AP Photo|Getty Images|AFP(?: via Getty Images)?|Reuters|Shutterstock|iStock|EPA)(?:\/[^.!?)]{0,60})?\)?$/i,

  // Gallery counters and time stamps that sit between paragraphs: "Image 2 of 5", "UPDATED: 11:05, Tue, Nov 19, 2019".
  /^(?:image|photo|picture|slide) \d+ (?:of|\/) \d+$/i,
  /^\|?\s*(?:published|updated|posted|last updated|first published|modified)\b\s*(?:on|at)?\s*:?\s*.{0,40}\b(?:\d{4}|\d{1,2}:\d{2}|ago)\b.{0,20}$/i,
  // A caption that ends with its credit: "Protesters have worn masks (Image: GETTY )".
  /\((?:image|photo|picture|pictured|credit|image credit|photo credit)s?\s*:[^()]{0,80}\)$/i,
  // Log-in links, bare URLs.
  /^(?:sign in|sign up|log in|login|register|my account|subscribe|menu|search|close)$/i,
  /^(?:https?:\/\/|www\.)\S+$/i,
  // Copyright lines and page-tool labels.
  /^(?:copyright\b|©|\(c\) \d{4}).{0,150}$/i,
  /^(?:order reprints|reprints|print article|print this|text size|font size|loading(?: content)?\s*(?:\.{3}|…)?|highlights|by|and)$/i,
];

/** A short paragraph mostly made of link text: "China furious at Macron [INSIGHT] | Lakers vs Nets [VIDEO]". */
const LINK_LIST_DENSITY = 0.5;
/** A list whose items are partly links ("How to opt out of the sites <a>that sell your data</a>") is a list of stories. */
const LINKED_LIST_DENSITY = 0.3;
const MAX_LIST_ITEM_CHARS = 200;

export function isBoilerplateParagraph(paragraph: TextParagraph): boolean {
  const text = paragraph.text.trim();
  if (text.length <= 300 && BOILERPLATE_LINES.some((pattern) => pattern.test(text))) return true;
  return text.length <= 600 && paragraph.linkChars > text.length * LINK_LIST_DENSITY;
}

/**
 * Paragraphs without boilerplate: label lines and link-heavy paragraphs, and lists of short, linked items (with
 * the heading that introduces them), which are "more stories" lists even when each item is only half a link.
 */
export function removeBoilerplateParagraphs(paragraphs: readonly TextParagraph[]): TextParagraph[] {
  const kept: TextParagraph[] = [];
  for (let index = 0; index < paragraphs.length; ) {
    const paragraph = paragraphs[index] as TextParagraph;
    if (paragraph.kind !== 'item') {
      if (!isBoilerplateParagraph(paragraph)) kept.push(paragraph);
      index += 1;
      continue;
    }
    let end = index;
    while (end < paragraphs.length && paragraphs[end]?.kind === 'item') end += 1;
    const items = paragraphs.slice(index, end);
    const chars = items.reduce((sum, item) => sum + item.text.length, 0);
    const linked = items.reduce((sum, item) => sum + item.linkChars, 0);
    const storyList = items.length >= 2 && items.every((item) => item.text.length <= MAX_LIST_ITEM_CHARS) && linked > chars * LINKED_LIST_DENSITY;
    if (storyList) {
      const previous = kept[kept.length - 1];
      if (previous && previous.text.length <= 80 && !/[.!?:]$/.test(previous.text) && previous.linkChars === 0) kept.pop();
    } else {
      for (const item of items) if (!isBoilerplateParagraph(item)) kept.push(item);
    }
    index = end;
  }
  // A heading with no text after it introduces something that was removed (comments, more stories).
  while (kept.length && kept[kept.length - 1]?.kind === 'heading') kept.pop();
  return kept;
}
