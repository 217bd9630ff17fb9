/**
 * The language of a text whose page did not say, among those the analyzer has stop words for (stop-words.ts). Pure.
 * A text mostly in Chinese characters, kana or Thai letters is told by its script (`languageOfScript`); any other by
 * its function words.
 *
 * Function words are the commonest words of every language and its own, so the stop-word list that covers most of a
 * text's words names its language: the classic stop-word profile of language identification, over the lists the
 * analyzer ships anyway. Without it, an untagged German page was analysed as English: `die`, `für` and `sei` became
 * its best terms (unknown to the English word list, so rare, so heavy), and every German page was related to every
 * other through them.
 */
import { STOP_WORDS_BY_LANGUAGE } from './stop-words';

/** The words read: the opening of a text says its language as well as all of it. */
const MAX_WORDS = 2_000;
/** Fewer stop words than this in the best list say too little (a headline, a list of names): English, as before. */
export const MIN_EVIDENCE = 12;
/**
 * Another language must cover this many times the words English covers. English's list holds words that are
 * function words elsewhere too (`a`, `do`, `no`, `as` in Portuguese; `in`, `so` in German), so a text in those
 * languages has English hits too, but several times fewer than its own (measured in the tests).
 */
const MARGIN = 1.5;
/** Words of two letters or more: single letters are in several lists (German's has `s`, `g`, `x`), and a spec sheet's units are full of them. */
const WORD = /\p{L}{2,}/gu;

/** English first; Norwegian's second code (`no`, the same list as `nb`) never beats the first. */
const LISTS: readonly (readonly [string, ReadonlySet<string>])[] = Object.entries(STOP_WORDS_BY_LANGUAGE).map(
  ([code, words]) => [code, new Set(words)] as const,
);

/** The characters read for the script: the opening of a text, as for the words. */
const MAX_CHARS = 10_000;
const LETTER = /\p{L}/gu;
const HAN = /\p{Script=Han}/gu;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const THAI = /\p{Script=Thai}/gu;
const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

/**
 * The language that a text's letters name by their script, among those written without spaces that the analyzer has
 * stop words for: Japanese (kana, with or without Chinese characters: Japanese prose is never without kana), Chinese
 * (Chinese characters without kana), Thai; null for a text most of whose letters are of another script. A stop-word
 * profile cannot tell these: it counts words, and such texts have no spaces between theirs.
 */
function languageOfScript(text: string): string | null {
  const sample = text.slice(0, MAX_CHARS);
  const letters = count(sample, LETTER);
  const han = count(sample, HAN);
  const kana = count(sample, KANA);
  const thai = count(sample, THAI);
  if (letters === 0 || 2 * (han + kana + thai) <= letters) return null;
  if (thai > han + kana) return 'th';
  // A Chinese text may quote a Japanese name in kana; Japanese prose writes a third of its letters or more in kana.
  return kana >= 0.1 * (han + kana) ? 'ja' : 'zh';
}

/**
 * An ISO 639-1 code: the language a text's script names when most of its letters are Chinese, Japanese or Thai;
 * otherwise `en` unless another language's function words clearly outnumber English's.
 */
export function guessLanguage(text: string): string {
  const byScript = languageOfScript(text);
  if (byScript) return byScript;
  const words = (text.toLowerCase().match(WORD) ?? []).slice(0, MAX_WORDS);
  let best = 'en';
  let bestHits = 0;
  let englishHits = 0;
  for (const [code, list] of LISTS) {
    let hits = 0;
    for (const word of words) if (list.has(word)) hits += 1;
    if (code === 'en') englishHits = hits;
    if (hits > bestHits) [best, bestHits] = [code, hits];
  }
  // English itself is never MARGIN times English.
  return bestHits < MIN_EVIDENCE || bestHits < MARGIN * englishHits ? 'en' : best;
}
