/**
 * Characters that are never drawn (Unicode's Default_Ignorable_Code_Point): soft hyphens (`&shy;`, which a site that
 * hyphenates puts inside its long words and extraction keeps), zero-width joiners and non-joiners, word joiners,
 * byte-order marks, direction marks, variation selectors. Two texts that read alike have the same words whatever
 * invisible marks their markup carries: `gov\u00adernment` is `government`, not `gov` and `ernment`. The zero-width
 * space is kept: it marks a break between words. One rule for every reader of a text's words (the analyzer's terms,
 * the same-story sketch), so that they agree.
 */
const INVISIBLE_IN_WORDS = /(?!\u200b)\p{Default_Ignorable_Code_Point}/gu;

/** The text without the marks that are never drawn inside its words; a text without them is returned as it is. */
export function withoutInvisibleMarks(text: string): string {
  return text.replace(INVISIBLE_IN_WORDS, '');
}

/**
 * What shows nothing on a page: white space, Unicode's default-ignorable characters (zero-width spaces and joiners,
 * direction marks, the byte-order mark, variation selectors, the soft hyphen, the Hangul fillers: a font draws none
 * of them) and the blank Braille pattern U+2800. A text of these alone is empty to a reader; the format characters
 * that are drawn (U+06DD, the end of an ayah) are not among them.
 */
const SHOWS_NOTHING = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\u2800]*$/u;

/** True for a text a reader would see as empty (a comment's body, a search, a topic). */
export function showsNothing(text: string): boolean {
  return SHOWS_NOTHING.test(text);
}
