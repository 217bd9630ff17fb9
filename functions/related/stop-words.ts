/**
 * The words that say nothing about an article's subject, by language, and the words around names (titles before
 * them, connectors inside them): the analyzer's vocabulary (analyze-article.ts).
 */
import {
  ces, dan, deu, ell, eng, fin, fra, hun, ind, ita, jpn, nld, nob, pol, por, ron, rus, spa, swe, tha, tur,
} from 'stopword';
import zho from 'stopwords-zh/stopwords-zh.json' with { type: 'json' };

/**
 * Stop words by ISO 639-1 code. Named imports, so that the bundle keeps these lists (twenty-three languages:
 * Norwegian's two codes share one) and not all of stopword's. Chinese's is stopwords-iso's (794 words, 512 of two
 * characters or more): stopword's has 78 single characters, which the analyzer leaves out anyway (it reads
 * Chinese in words as ICU segments them, and keeps those of two characters or more), so `我们`, `已经`, `但是` would
 * have been the best terms of every Chinese text.
 */
export const STOP_WORDS_BY_LANGUAGE: Readonly<Record<string, readonly string[]>> = {
  en: eng, fr: fra, de: deu, es: spa, it: ita, pt: por, nl: nld, sv: swe, da: dan, nb: nob,
  no: nob, fi: fin, pl: pol, ru: rus, tr: tur, cs: ces, ro: ron, hu: hun, el: ell, id: ind,
  zh: zho, ja: jpn, th: tha,
};

/**
 * What stopword's English list lacks and news copy is full of: reporting verbs, honorifics, time words and
 * vague quantities. They would otherwise fill the term slots of every article.
 */
const NEWS_STOP_WORDS = `
a about above according across actually after afterwards again against ago ahead all almost alone along already also although always
among amid an and another any anyone anything are around as asked at away back be became because become been before
began behind being believe below beside besides best better between beyond both but by can cannot could did do does doing
done down during each early earlier either else enough even ever every everyone everything few first for former
from further get gets getting give given go goes going gone got had has have having he her here hers herself him himself
his how however i if in including inside instead into is it its itself just know known last late later least less let
like likely made make makes making many may maybe me might more most much must my myself near nearly need never new
next no none nor not nothing now of off often on once one only onto or other others otherwise our ours ourselves out
over own part per perhaps put rather really said say saying says see seen several she should since so some someone
something sometimes soon still such take taken than that the their theirs them themselves then there these they thing
things think this those though three through thus till to today told too took toward towards two under unless until
up upon us use used very via want wanted was way we week weeks well went were what whatever when where whether which
while who whom whose why will with within without would year years yes yet you your yours yesterday tomorrow
mr mrs ms miss dr prof sir st jr sr
monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
percent cent million billion thousand hundred number time times day days month months people person told tell tells
added adding noted says stated statement spokesman spokeswoman spokesperson reported report reporters reuters
associated press ap afp cnn bbc news newsletter subscribe advertisement copyright reserved rights photo image
video caption file getty images read more click share email twitter facebook follow updated published
`.split(/\s+/).filter(Boolean);

/** Words that stand before a name and are not part of it (`Senator Elizabeth Warren` is `Elizabeth Warren`). */
export const HONORIFICS = new Set(
  `mr mrs ms miss dr prof sir dame lord lady sen senator rep representative gov governor president vice pres
  gen general lt col colonel sgt capt captain judge justice rev reverend king queen prince princess pope mayor
  chancellor minister premier secretary chairman chairwoman chief director officer sheikh ayatollah st saint
  former late then acting deputy coach`.split(/\s+/),
);

/** Lower-case words allowed inside a name (`Bank of England`, `Charles de Gaulle`). */
export const NAME_CONNECTORS = new Set(['of', 'de', 'del', 'da', 'di', 'van', 'von', 'der', 'la', 'le', 'al', 'bin']);

/**
 * What Chinese and Japanese news copy is full of and their lists lack, as NEWS_STOP_WORDS is for English: reporting
 * verbs (`表示` said, `指出` pointed out, `発表` announced), the reporter and the agency, and the words of time (`今年`
 * this year, `上午` morning, `同日` the same day). Two reports of a marathon and a rate cut shared `今年` and `表示`.
 * (Strings, split when a language's list is first asked for: a bundle that never asks, the API's, keeps no list.)
 */
const NEWS_STOP_WORDS_BY_LANGUAGE: Readonly<Record<string, string>> = {
  zh: `表示 指出 认为 报道 记者 消息 据悉 日电 新华社 今年 去年 明年 今天 昨天 明天 目前 当天 日前 近日 上午 下午 晚上 时间
    方面 进行 相关 介绍 发布`,
  ja: '発表 述べ 明らか 関係者 記者 報道 今年 昨年 来年 今回 同日 午前 午後 日本時間 一方 伝え 話し',
};

/** English's and news copy's: no name begins or ends with one (search reads names by this: related-queries.ts). */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set([...eng, ...NEWS_STOP_WORDS]);
const stopWordCache = new Map<string, ReadonlySet<string>>();

/** The language's stop words (ISO 639-1) and the English and news ones; the English and news ones alone for another language. */
export function stopWordsFor(language: string): ReadonlySet<string> {
  if (language === 'en') return ENGLISH_STOP_WORDS;
  const cached = stopWordCache.get(language);
  if (cached) return cached;
  const list = STOP_WORDS_BY_LANGUAGE[language] ?? [];
  const news = NEWS_STOP_WORDS_BY_LANGUAGE[language]?.split(/\s+/) ?? [];
  // English words are common in every language's news (names of programmes, quotes): keep them out too.
  const words = new Set([...list, ...news, ...ENGLISH_STOP_WORDS]);
  stopWordCache.set(language, words);
  return words;
}
