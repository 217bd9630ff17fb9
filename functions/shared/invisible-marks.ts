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
