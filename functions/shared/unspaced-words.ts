/**
 * The words of the scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Burmese): in
 * them a run of letters between two punctuation marks is a clause, not a word, and read so, two texts on one subject
 * share nothing but whole clauses. ICU's word segmentation (`Intl.Segmenter`: UAX #29 with ICU's dictionaries for
 * these scripts; Node ships the full ICU) splits such a run into words, as search engines do. One rule for every
 * reader of a text's words (the analyzer's terms, a search's words, the same-story sketch), so that they agree.
 * Runs without such letters are not touched: the words of other scripts are what the readers' own patterns say.
 */

/** A letter of a script written without spaces between its words. */
const UNSPACED_LETTER =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/** Written in hiragana alone: in Japanese, particles, auxiliaries and endings (`は`, `による`, `ました`), not a subject. */
const HIRAGANA_ONLY = /^[\p{Script=Hiragana}ー]+$/u;

/**
 * The root locale: ICU picks the dictionary by the script, not by the locale (a Japanese run splits alike under
 * `ja` and `en`), and a page's language tag, which may be anything, never reaches the segmenter's constructor.
 * Made at the first such run: it takes about 16 ms, which a container that reads no such text never spends.
 */
let segmenter: Intl.Segmenter | undefined;

/**
 * Characters segmented at once. ICU's iterator through V8 slows down with the length of the string it walks (one
 * 30,000-character Japanese run took 240 ms, the same text in runs of 200 about 35 ms), so a long run is read in
 * pieces, each ending at the last word boundary the piece shows.
 */
const PIECE = 200;

export interface RunWord {
  readonly text: string;
  /** Where the word begins in the run. */
  readonly index: number;
}

/** True for a text with a letter of a script written without spaces. */
export const hasUnspacedLetters = (text: string): boolean => UNSPACED_LETTER.test(text);

/** True for a word that carries no subject in a language written without spaces (Japanese hiragana alone). */
export const isGrammarWord = (word: string): boolean => HIRAGANA_ONLY.test(word);

/**
 * True for a word of a script written without spaces that is an article's term, and so worth a search: two characters
 * or more, counted in code points (most Chinese words are two characters, and a single one is most often a particle
 * or a measure word: `的`, `了`, `个`; `𠀀` is one character in two UTF-16 units), and not grammar (`による`, `ました`).
 */
export const isUnspacedTerm = (word: string): boolean => [...word].length >= 2 && !isGrammarWord(word);

/**
 * The words of a run of letters and digits (no white space in it): as ICU segments it when it has letters of a script
 * written without spaces, each with where it begins (punctuation and spaces are no words); otherwise the run itself.
 */
export function runWords(run: string): RunWord[] {
  if (!hasUnspacedLetters(run)) return [{ text: run, index: 0 }];
  const words: RunWord[] = [];
  let from = 0;
  while (from < run.length) {
    const end = Math.min(run.length, from + PIECE);
    segmenter ??= new Intl.Segmenter('und', { granularity: 'word' });
    const segments = [...segmenter.segment(run.slice(from, end))];
    // A piece cut inside the run may end inside a word: its last segment is read again with what follows.
    const kept = end < run.length && segments.length > 1 ? segments.length - 1 : segments.length;
    for (let k = 0; k < kept; k++) {
      const segment = segments[k]!;
      if (segment.isWordLike) words.push({ text: segment.segment, index: from + segment.index });
    }
    from = kept < segments.length ? from + segments[kept]!.index : end;
  }
  return words;
}
