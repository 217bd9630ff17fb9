/**
 * The keywords and named entities of an article with their weighted counts, for related articles, topics and
 * search. Pure. How much each term then weighs in the article's vector is term-weight.ts's business.
 *
 * A light approach on purpose: capitalised runs of words are entity candidates, the other words are keywords
 * (stop words out, Porter-stemmed for English). compromise or wink-nlp tag entities better in isolation, but they
 * add hundreds of kilobytes to the worker bundle, and what ranks related news is the overlap of names and
 * distinctive words, which this captures.
 */
import { stemmer } from 'stemmer';
import type { WeightedTerm } from '../contracts/model';
import { HONORIFICS, NAME_CONNECTORS, stopWordsFor } from './stop-words';
import { withoutInvisibleMarks } from '../shared/invisible-marks';
import { hasUnspacedLetters, isUnspacedTerm, runWords } from '../shared/unspaced-words';

export interface ArticleText {
  readonly title: string;
  readonly body: string;
  readonly summary?: string;
  /** BCP 47 / ISO 639-1 (`en`, `fr-FR`); English when absent. */
  readonly language?: string | null;
  /** The publisher's name, whose words are not about the article. */
  readonly siteName?: string;
}

/** Terms returned at most, the most mentioned first: far more than a vector keeps, a bound on hostile text. */
export const MAX_TERMS = 400;

const TITLE_WEIGHT = 3;
const LEAD_WEIGHT = 2;
const BODY_WEIGHT = 1;
/** Names identify a story better than common nouns do. */
const ENTITY_BOOST = 1.5;
/** Each word of a longer name, relative to the name. */
const NAME_WORD_WEIGHT = 1;
/** The lead: the first characters of the body, where news writing states who, what and where. */
const LEAD_CHARS = 600;
/** Bodies past this are cut: the tail of a long article adds little and costs time. */
export const MAX_BODY_CHARS = 60_000;
const MAX_TERM_LENGTH = 60;

/** Lines that publishers add around the story and that say nothing about it. */
const BOILERPLATE_LINE =
  /^(advertisement|related:?|read more|see also|sign up|subscribe|follow us|share this|all rights reserved|copyright|©|photo:|image:|video:|watch:|click here)\b/i;

interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly sentenceStart: boolean;
}

/**
 * A word: a number with its decimal point or thousands separators, one token (`3.25`, `1,800`, `6.1`: split at the
 * point, a rate of 3.25% would be the number `25`, and a magnitude 6.1 nothing at all); or letters and digits with the
 * marks that combine with them (a Devanagari vowel sign, an Arabic vowel mark, Thai's: Unicode's words carry their
 * marks, UAX #29), joined by apostrophes and hyphens. Without the marks, `शिक्षा` read as `श क` and `مُحَمَّد` as `م ح م د`.
 */
const WORD = /\p{N}+(?:[.,]\p{N}+)+|[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’-][\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*/gu;
/**
 * In a text with letters of a script written without spaces: words joined by a decimal point or a thousands separator
 * between two digits, read as one run. A number there is written against the letters (`下调至3.25%`, `造成1,800人`,
 * `金利を0.5%に`), so WORD's letter run takes its first digits and leaves the point behind (`下调至3`, `25`); joined,
 * the run goes whole to ICU, which keeps the number whole (`3.25`) as it does in an English text. A joined run without
 * such letters is split by WORD again, as it always was.
 */
const JOINED_WORDS = new RegExp(`(?:${WORD.source})(?:(?<=\\p{N})[.,](?=\\p{N})(?:${WORD.source}))*`, 'gu');
/**
 * English thousands separators: `1,800` and `1,800.5` as `1800` and `1800.5`, so that the forms of one number meet.
 * Only in English: in German or French `3,250` is three and a quarter, and is kept as written.
 */
const THOUSANDS = /^\p{N}{1,3}(?:,\p{N}{3})+(?:\.\p{N}+)?$/u;
/**
 * A gap that ends a sentence: closing punctuation before its trailing white space, or a line break anywhere in it (a
 * separate test). Not `\n\s*$` here: tried from every break of a long run of them (paragraphs of invisible marks,
 * which normaliseText takes out) it is quadratic in the run.
 */
const SENTENCE_END = /[.!?:;"“”]\s*$/;

/**
 * Full-width Latin letters and digits, and a full-width point or comma between two such digits: Chinese and Japanese
 * copy writes numbers and Latin names in them (`台風１０号`, `５．２％`, `ＧＤＰ`), and another report of the same
 * event, or a search, in the ASCII forms (`台風10号`, `5.2`, `GDP`). Folded only in a text with letters of a script
 * written without spaces, so that every other text is read exactly as before.
 */
const FULL_WIDTH = /[０-９]+(?:[．，][０-９]+)*|[Ａ-Ｚａ-ｚ]+/g;
const halfWidth = (run: string) => [...run].map((c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).join('');

/**
 * Marks never drawn out of words (`gov&shy;ernment` is `government`), `U.S.` -> `US`, possessives off (`MARCHETTI'S`
 * too), the typographic apostrophe as the plain one (`O’Brien` and `O'Brien` are one word), full-width letters and
 * digits as ASCII in Chinese and Japanese copy (FULL_WIDTH), so that the surface forms of one name meet.
 */
function normaliseText(text: string): string {
  return withoutInvisibleMarks(hasUnspacedLetters(text) ? text.replace(FULL_WIDTH, halfWidth) : text)
    .replace(/\b(?:\p{Lu}\.){2,}/gu, (abbr) => abbr.replace(/\./g, ''))
    .replace(/['’][sS]\b/g, '')
    .replaceAll('’', "'")
    .normalize('NFC');
}

function tokenize(text: string, language: string): Token[] {
  const tokens: Token[] = [];
  let previousEnd = 0;
  const push = (word: string, start: number) => {
    const gap = text.slice(previousEnd, start);
    tokens.push({
      text: language === 'en' && THOUSANDS.test(word) ? word.replaceAll(',', '') : word,
      start,
      end: start + word.length,
      sentenceStart: tokens.length === 0 || gap.includes('\n') || SENTENCE_END.test(gap),
    });
    previousEnd = start + word.length;
  };
  // Most texts have no letter of a script written without spaces: one test for the whole text, not one a word.
  const unspaced = hasUnspacedLetters(text);
  if (!unspaced) {
    for (const match of text.matchAll(WORD)) push(match[0], match.index);
    return tokens;
  }
  for (const match of text.matchAll(JOINED_WORDS)) {
    // A run of a script written without spaces (Chinese, Japanese, Thai) is a clause: its words as ICU segments it.
    if (hasUnspacedLetters(match[0])) for (const word of runWords(match[0])) push(word.text, match.index + word.index);
    else for (const word of match[0].matchAll(WORD)) push(word[0], match.index + word.index);
  }
  return tokens;
}

/** The words of a text as articles are analysed into terms: what a search for that text looks up. */
export function textWords(text: string, language?: string | null): string[] {
  return tokenize(normaliseText(text), languageOf(language)).map((token) => token.text);
}

/** `doesn't`, `I'm`, `they'll`: grammar, not subject. */
const CONTRACTION = /['’](m|re|ll|ve|d|t|s)$/;
const isCapitalised = (word: string) => /^\p{Lu}/u.test(word) && !/^\p{Lu}[\p{Lu}\p{N}]{4,}$/u.test(word);
const isLetters = (word: string) => /\p{L}/u.test(word) && !/^\p{N}/u.test(word);
/**
 * Words of three letters or more, and numbers of two digits or more: a year, a toll, a magnitude or a rate tells
 * one event from another like a name does (`2024`, `6.1`, `3.25`; `1st`, `3`, `x2` are left out).
 */
const isKeyword = (word: string) =>
  hasUnspacedLetters(word)
    ? isUnspacedTerm(word)
    : (word.length >= 3 && isLetters(word)) || (/^\p{N}+(?:[.,]\p{N}+)*$/u.test(word) && /\p{N}\D*\p{N}/u.test(word));

interface Occurrences {
  weight: number;
  kind: 'entity' | 'keyword';
  labels: Map<string, number>;
}

class TermCounter {
  readonly terms = new Map<string, Occurrences>();

  add(term: string, label: string, weight: number, kind: 'entity' | 'keyword'): void {
    if (term.length === 0 || term.length > MAX_TERM_LENGTH) return;
    let entry = this.terms.get(term);
    if (!entry) {
      entry = { weight: 0, kind, labels: new Map() };
      this.terms.set(term, entry);
    }
    entry.weight += weight;
    if (kind === 'entity') entry.kind = 'entity';
    entry.labels.set(label, (entry.labels.get(label) ?? 0) + weight);
  }
}

interface Section {
  readonly text: string;
  readonly weight: number;
  /** Titles are often in Title Case: their capitals say nothing, so names there are only those the body confirms. */
  readonly titleCase: boolean;
}

/** The language's primary subtag, lower-cased; English when none is given. */
export const languageOf = (language: string | null | undefined) => (language ?? 'en').toLowerCase().split(/[-_]/)[0] || 'en';
const stemmerFor = (language: string) => (language === 'en' ? stemmer : (word: string) => word);

/** A language code that stems nothing: a topic as a text in a language without a stemmer is indexed. */
export const UNSTEMMED = 'und';

/**
 * The term under which the analyzer indexes a topic typed by a reader: lowercase, single spaces, and one word
 * stemmed as one-word names and keywords are (`Danube` -> `danub`); longer names as written (`magnus carlsen`).
 * Never cut: a topic longer than a term may be is no article's term (the analyzer leaves such terms out), and a cut
 * could fall inside a character written as two UTF-16 units.
 */
export function topicTerm(topic: string, language?: string | null): string {
  const lang = languageOf(language);
  let term = topic.normalize('NFC').replaceAll('’', "'").toLowerCase().replace(/\s+/g, ' ').trim();
  if (lang === 'en' && THOUSANDS.test(term)) term = term.replaceAll(',', '');
  return term.includes(' ') ? term : stemmerFor(lang)(term);
}

export function analyzeArticle(text: ArticleText): WeightedTerm[] {
  const language = languageOf(text.language);
  const stopWords = stopWordsFor(language);
  const stem = stemmerFor(language);
  const siteWords = new Set(tokenize(normaliseText(text.siteName ?? ''), language).map((token) => token.text.toLowerCase()));

  const body = cleanBody(text.body.slice(0, MAX_BODY_CHARS));
  const lead = body.slice(0, LEAD_CHARS);
  const sections: Section[] = [
    { text: normaliseText(text.title), weight: TITLE_WEIGHT, titleCase: true },
    { text: normaliseText(text.summary ?? ''), weight: LEAD_WEIGHT, titleCase: false },
    { text: normaliseText(lead), weight: LEAD_WEIGHT - BODY_WEIGHT, titleCase: false },
    { text: normaliseText(body), weight: BODY_WEIGHT, titleCase: false },
  ];

  const isNameWord = (word: string) =>
    isCapitalised(word) && isLetters(word) && !stopWords.has(word.toLowerCase()) && !CONTRACTION.test(word);
  // A capitalised word that also appears capitalised mid-sentence is a name even at the start of a sentence.
  const midSentenceNames = new Set<string>();
  const bodyNames = new Set<string>();
  // Each section's words are read once, for both passes (a body in Chinese or Japanese is segmented by ICU).
  const tokensOf = new Map(sections.map((section) => [section, tokenize(section.text, language)]));
  for (const section of sections) {
    if (section.titleCase) continue;
    for (const token of tokensOf.get(section)!) {
      if (!token.sentenceStart && isNameWord(token.text)) midSentenceNames.add(token.text);
    }
  }

  const counter = new TermCounter();
  const entityRuns: { section: Section; words: string[] }[] = [];
  const keywordTokens: { section: Section; word: string }[] = [];

  for (const section of sections) {
    if (section.weight <= 0) continue;
    const tokens = tokensOf.get(section)!;
    for (let i = 0; i < tokens.length; ) {
      const run = nameRunAt(tokens, i, section.text, isNameWord);
      if (run.length > 0) {
        const words = trimRun(run.map((token) => token.text), tokens[i]!.sentenceStart || section.titleCase, midSentenceNames, stopWords);
        if (words.length > 0) entityRuns.push({ section, words });
        else for (const token of run) keywordTokens.push({ section, word: token.text });
        if (!section.titleCase && words.length > 0) bodyNames.add(words.join(' ').toLowerCase());
        i += run.length;
      } else {
        keywordTokens.push({ section, word: tokens[i]!.text });
        i += 1;
      }
    }
  }

  for (const { section, words } of entityRuns) {
    const phrase = words.join(' ');
    const term = phrase.toLowerCase();
    if (section.titleCase && !bodyNames.has(term) && !midSentenceNames.has(phrase)) {
      for (const word of words) keywordTokens.push({ section, word });
      continue;
    }
    if (words.every((word) => siteWords.has(word.toLowerCase()))) continue;
    // A one-word name is stemmed like a keyword, so that a word meets itself whatever its case: `League` and
    // `league`, `iPhone` and `iphone`, `Flights` and `flights` are one term. Longer names stay as written.
    counter.add(words.length > 1 ? term : stem(term), phrase, section.weight * ENTITY_BOOST, 'entity');
    // Each word of a longer name is a term too, which is how surface forms of one name meet across articles:
    // `Vladimir Putin` and `Putin` share `putin`, `François Hollande` and `President Hollande` share `hollande`.
    if (words.length > 1) {
      for (const word of words) {
        const lower = word.toLowerCase();
        if (NAME_CONNECTORS.has(lower) || stopWords.has(lower) || siteWords.has(lower)) continue;
        counter.add(stem(lower), word, section.weight * NAME_WORD_WEIGHT, 'entity');
      }
    }
  }
  for (const { section, word } of keywordTokens) {
    const lower = word.toLowerCase();
    if (!isKeyword(lower) || stopWords.has(lower) || siteWords.has(lower) || CONTRACTION.test(lower)) continue;
    counter.add(stem(lower), lower, section.weight, 'keyword');
  }

  return [...counter.terms.entries()]
    .map(([term, entry]) => ({
      term,
      weight: round(entry.weight),
      kind: entry.kind,
      label: mostUsed(entry.labels),
    }))
    .sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1))
    .slice(0, MAX_TERMS);
}

function cleanBody(body: string): string {
  return body
    .split('\n')
    .filter((line) => !BOILERPLATE_LINE.test(line.trim()))
    .join('\n');
}

function nameRunAt(tokens: readonly Token[], start: number, text: string, isNameWord: (word: string) => boolean): Token[] {
  const run: Token[] = [];
  let i = start;
  while (i < tokens.length) {
    const token = tokens[i]!;
    if (run.length > 0 && !/^[ \t]+$/.test(text.slice(run.at(-1)!.end, token.start))) break;
    if (isNameWord(token.text)) {
      run.push(token);
      i += 1;
    } else if (run.length > 0 && NAME_CONNECTORS.has(token.text) && tokens[i + 1] && isNameWord(tokens[i + 1]!.text)) {
      run.push(token);
      i += 1;
    } else break;
  }
  return run;
}

/**
 * Drops titles before a name, and a lone capitalised word at the start of a sentence unless it is seen capitalised
 * mid-sentence too (`Rescuers said` is no name; `Magnus Carlsen won` is).
 */
function trimRun(words: string[], atSentenceStart: boolean, names: ReadonlySet<string>, stopWords: ReadonlySet<string>): string[] {
  let rest = words;
  if (atSentenceStart && rest.length === 1 && !names.has(rest[0]!)) rest = [];
  // `Russian President Vladimir Putin`: the name is what follows the last title word.
  const lastTitle = rest.slice(0, -1).findLastIndex((word) => HONORIFICS.has(word.toLowerCase()));
  if (lastTitle >= 0) rest = rest.slice(lastTitle + 1);
  while (rest.length > 0 && NAME_CONNECTORS.has(rest[0]!)) rest = rest.slice(1);
  while (rest.length > 0 && NAME_CONNECTORS.has(rest.at(-1)!)) rest = rest.slice(0, -1);
  if (rest.length === 1 && (HONORIFICS.has(rest[0]!.toLowerCase()) || stopWords.has(rest[0]!.toLowerCase()))) return [];
  return rest;
}

function mostUsed(labels: ReadonlyMap<string, number>): string {
  let best = '';
  let bestCount = -1;
  for (const [label, count] of labels) {
    if (count > bestCount || (count === bestCount && label < best)) {
      best = label;
      bestCount = count;
    }
  }
  return best;
}

const round = (value: number) => Math.round(value * 1000) / 1000;
