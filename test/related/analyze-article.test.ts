import { describe, expect, it } from '@jest/globals';
import { analyzeArticle, MAX_BODY_CHARS, MAX_TERMS, textWords, topicTerm } from '../../functions/related/analyze-article';
import { isGrammarWord, runWords } from '../../functions/shared/unspaced-words';
import { UNSPACED_REPORTS } from '../support/unspaced-texts';

const body = `Russian President Vladimir Putin met Chancellor Olaf Scholz in Moscow on Tuesday to discuss gas supplies.

Putin said the pipeline would keep running. Scholz said Germany would look for other suppliers of gas.

The talks in Moscow lasted three hours, officials said. Advertisement

Read more: our coverage of the gas crisis.`;

describe('analyzeArticle', () => {
  const terms = analyzeArticle({ title: 'Putin and Scholz Discuss Gas Supplies', body, siteName: 'Daily Planet' });
  const byTerm = new Map(terms.map((term) => [term.term, term]));

  it('finds names as entities, with their surface form as label', () => {
    expect(byTerm.get('vladimir putin')).toMatchObject({ kind: 'entity', label: 'Vladimir Putin' });
    expect(byTerm.get('moscow')).toMatchObject({ kind: 'entity' });
  });

  it('gives every surface form of a name the same word term', () => {
    const other = analyzeArticle({ title: 'Kremlin reacts', body: 'Putin spoke to reporters. Putin said nothing new about Moscow.' });
    expect(byTerm.has('putin')).toBe(true);
    expect(other.map((term) => term.term)).toContain('putin');
  });

  it('gives a name word and the same word in lower case one term', () => {
    const named = analyzeArticle({ title: 'Cup final', body: 'The Premier League has new rules. Every club in the league agreed to them.' });
    const league = named.filter((term) => term.label === 'League' || term.label === 'league');
    expect(league.map((term) => term.term)).toEqual(['leagu']);
    const phone = analyzeArticle({ title: 'Phones', body: 'Apple sold more iPhones. Buyers of iphones waited for weeks in the queues.' });
    expect(phone.filter((term) => /^iphon/i.test(term.label ?? '')).map((term) => term.term)).toEqual(['iphon']);
  });

  it('turns a typed topic into the term articles are indexed under', () => {
    const danube = analyzeArticle({ title: 'Floods', body: 'The Danube rose again. Towns along the Danube were flooded.' });
    expect(danube.map((term) => term.term)).toContain(topicTerm(' DANUBE '));
    expect(byTerm.has(topicTerm('Vladimir  Putin'))).toBe(true);
    expect(byTerm.has(topicTerm('Pipelines'))).toBe(true);
    expect(topicTerm('München', 'de')).toBe('münchen');
    // A topic longer than any term is looked up whole (it finds nothing), never cut inside a character of two units.
    const astral = '𝐚'.repeat(45);
    expect(topicTerm(astral)).toBe(astral);
    expect(/[\uD800-\uDFFF]/.test(topicTerm(astral).replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))).toBe(false);
    // Written as the analyser writes the article's terms: thousands folded, the typographic apostrophe plain.
    const named = analyzeArticle({ title: 'Cup', body: 'Rory O’Brien scored twice before 41,000 fans. O’Brien was man of the match.' });
    expect(named.map((term) => term.term)).toEqual(expect.arrayContaining([topicTerm('O’Brien'), topicTerm("o'brien"), topicTerm('41,000')]));
  });

  it('counts every mention; the term vector levels the counts off (term-weight.ts)', () => {
    const once = analyzeArticle({ title: 'x', body: 'Glacier melt. Nothing else.' });
    const twice = analyzeArticle({ title: 'x', body: 'Glacier melt. Nothing else. Glacier melt again.' });
    const often = analyzeArticle({ title: 'x', body: Array.from({ length: 40 }, () => 'Glacier melt.').join(' ') });
    const weight = (terms: typeof once) => terms.find((term) => term.term === 'melt')!.weight;
    expect(weight(twice) / weight(once)).toBeGreaterThan(1.6);
    expect(weight(often) / weight(twice)).toBeGreaterThan(15);
  });

  it('drops honorifics, stop words, boilerplate and the site name', () => {
    for (const gone of ['russian president vladimir putin', 'president', 'said', 'the', 'advertisement', 'crisi', 'daily', 'planet']) {
      expect(byTerm.has(gone)).toBe(false);
    }
  });

  it('weights the title and lead above the rest and stems keywords', () => {
    // Porter stems `gas` to `ga`: odd, but the same for every article, which is what matching needs.
    expect(byTerm.get('ga')).toMatchObject({ label: 'gas' });
    expect(byTerm.get('ga')!.weight).toBeGreaterThan(byTerm.get('pipelin')!.weight);
    expect(byTerm.get('suppli')).toMatchObject({ kind: 'keyword' });
  });

  it('keeps numbers of two digits or more whole, with their decimal point or thousands separators', () => {
    const rate = analyzeArticle({
      title: 'Rate cut',
      body: 'The bank cut its rate to 3.25%. A magnitude 6.1 quake shook the coast. It cost 1,800 jobs in 2024. Prices rose 4.5 percent. Sales fell 3 percent.',
    });
    const numbers = rate.filter((term) => /^\d/.test(term.term)).map((term) => term.term).sort();
    expect(numbers).toEqual(['1800', '2024', '3.25', '4.5', '6.1']);
    // `1,800` and `1800` are one term in English; in German `3,250` is three and a quarter, kept as written.
    expect(analyzeArticle({ title: 'x', body: 'Some 1800 jobs went.' }).map((term) => term.term)).toContain('1800');
    const german = analyzeArticle({ title: 'Zins', body: 'Die Bank senkte den Zins auf 3,250 Prozent.', language: 'de' });
    expect(german.map((term) => term.term)).toContain('3,250');
  });

  it('takes possessives off in capitals too, and the typographic apostrophe as the plain one', () => {
    const terms = (body: string) => analyzeArticle({ title: 'x', body }).map((term) => term.term);
    expect(terms("MARCHETTI'S cut. Marchetti’s cut.")).not.toContain("marchetti'");
    expect(terms('Rory O’Brien scored. Then O’Brien left.')).toEqual(terms("Rory O'Brien scored. Then O'Brien left."));
  });

  it('reads a word with soft hyphens, joiners or direction marks in it as the word; a zero-width space still breaks', () => {
    const analyzed = (body: string) => analyzeArticle({ title: 'x', body }).map(({ term, weight, kind }) => ({ term, weight, kind }));
    const plain = 'The government of Estmark announced new infrastructure spending. The government said more.';
    expect(analyzed('The gov\u00adern\u00adment of Est\u200dmark announced new infra\u00adstructure spending. The \u200egovern\u2060ment said more.')).toEqual(analyzed(plain));
    expect(analyzed('The government\u200bEstmark spending').map((term) => term.term)).toContain('govern');
  });

  it('keeps at most MAX_TERMS terms, best first', () => {
    const long = analyzeArticle({ title: 'Words', body: Array.from({ length: 200 }, (_, i) => `word${'abcdefghij'[i % 10]}${i}x`).join(' ') });
    expect(long.length).toBeLessThanOrEqual(MAX_TERMS);
    expect(terms.map((term) => term.weight)).toEqual([...terms.map((term) => term.weight)].sort((a, b) => b - a));
  });

  it('reads the words of a body of paragraphs of invisible marks, one long run of line breaks once they are taken out', () => {
    // Extraction keeps a paragraph of a lone zero-width joiner (it is no white space); the analyzer takes the mark out,
    // so 20,000 of them are 40,000 line breaks between two words. Matched against `\n\s*$` from each break, that
    // gap took 1.8 s a pass (three passes an article: 5.5 s), so ten such pages overran a worker batch's 90 s. How
    // long it takes now: `npm run bench:hostile` (docs/benchmarks.md); here, that it still reads the words.
    const hostile = `Alpha said.${'\n\n\u200d'.repeat((MAX_BODY_CHARS - 20) / 3)}\n\n(Beta)`;
    expect(hostile.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
    const terms = analyzeArticle({ title: 'x', body: hostile }).map(({ term }) => term);
    expect(textWords(hostile)).toEqual(['Alpha', 'said', 'Beta']);
    // A word after a line break still starts a sentence: `Beta` alone there is no name.
    expect(terms).toEqual(expect.arrayContaining(['alpha', 'beta']));
  });

  it('keeps the marks that combine with letters inside words: Devanagari vowel signs, Arabic vowel marks', () => {
    const hindi = {
      title: 'नई शिक्षा नीति पर संसद में बहस',
      body: 'भारत सरकार ने आज नई शिक्षा नीति की घोषणा की। शिक्षा मंत्री ने संसद में शिक्षा नीति पर बहस शुरू की।',
      language: 'hi',
    };
    const terms = analyzeArticle(hindi).map(({ term }) => term);
    expect(terms.slice(0, 2)).toEqual(['शिक्षा', 'नीति']);
    expect(terms.every((term) => !/^\p{M}|\s\p{M}/u.test(term))).toBe(true);
    // What search and topic pages look up is the same word.
    expect(textWords('शिक्षा नीति')).toEqual(['शिक्षा', 'नीति']);
    expect(topicTerm('शिक्षा')).toBe('शिक्षा');
    expect(textWords('زار مُحَمَّد القاهرة', 'ar')).toEqual(['زار', 'مُحَمَّد', 'القاهرة']);
    // A mark alone, or at the start of a run, is no word of its own.
    expect(textWords('\u0301abc \u093f')).toEqual(['abc']);
  });

  it('reads Chinese, Japanese and Thai in words as ICU segments them, not in runs from punctuation to punctuation', () => {
    // (ICU's dictionaries change a little from release to release: the words a test depends on, not every split.)
    expect(textWords('中国人民银行周二宣布降息。')).toEqual(expect.arrayContaining(['中国', '人民', '银行', '周二', '宣布']));
    expect(textWords('日本銀行は火曜日に金利を引き下げた')).toEqual(['日本', '銀行', 'は', '火曜日', 'に', '金利', 'を', '引き下げ', 'た']);
    expect(textWords('ธนาคารแห่งประเทศไทยลดอัตราดอกเบี้ย')).toEqual(['ธนาคาร', 'แห่ง', 'ประเทศไทย', 'ลด', 'อัตรา', 'ดอกเบี้ย']);
    // A Latin word inside such a run is a word of its own; other scripts are read as before.
    expect(textWords('iPhone用のケース、Apple社')).toEqual(['iPhone', '用', 'の', 'ケース', 'Apple', '社']);
    const terms = (text: { title: string; body: string }, language: string) =>
      analyzeArticle({ ...text, language }).map(({ term }) => term);
    // Single characters (particles, measure words) and Japanese hiragana alone (particles, endings) are no terms;
    // nor are the languages' stop words and news copy (`我们`, `表示`, `今年`).
    const chinese = terms(UNSPACED_REPORTS.zh2, 'zh');
    expect(chinese.slice(0, 5)).toEqual(expect.arrayContaining(['央行', '释放', '资金']));
    for (const word of ['的', '是', '这', '表示', '今年', '有关']) expect(chinese).not.toContain(word);
    const japanese = terms(UNSPACED_REPORTS.ja1, 'ja');
    expect(japanese[0]).toBe('金利');
    for (const word of ['は', 'を', 'こと', 'ている', 'なる']) expect(japanese).not.toContain(word);
    expect(japanese.every((term) => [...term].length >= 2)).toBe(true);
  });

  it('keeps a number written against Chinese or Japanese letters whole, as in an English text', () => {
    // WORD's letter run took the number's first digits and left the point behind: `下调至3` and `25`, `を0` and `5`.
    expect(textWords('利率下调至3.25%，造成1,800人受伤')).toEqual(expect.arrayContaining(['3.25', '1800', '受伤']));
    expect(textWords('利率下调至3.25%')).not.toContain('25');
    expect(textWords('金利を0.5%に引き上げ、GDP成長率は1.2%')).toEqual(expect.arrayContaining(['0.5', '1.2']));
    const terms = (text: { title: string; body: string }, language: string) =>
      analyzeArticle({ ...text, language }).map(({ term }) => term);
    expect(terms(UNSPACED_REPORTS.ja1, 'ja')).toEqual(expect.arrayContaining(['0.25', '0.5']));
    expect(terms(UNSPACED_REPORTS.zh2, 'zh')).toContain('0.5');
    // The words of other scripts in such a text are read as they always were.
    expect(textWords('abc3.25 v2.0-beta 中国')).toEqual([...textWords('abc3.25 v2.0-beta'), '中国']);
  });

  it('reads full-width letters and digits in Chinese and Japanese copy as their ASCII forms, as another report writes them', () => {
    expect(textWords('２０２４年，ＧＤＰ增长５．２％，造成１，８００人受伤')).toEqual(expect.arrayContaining(['2024', 'GDP', '5.2', '1800']));
    const terms = (title: string, body: string) => analyzeArticle({ title, body, language: 'ja' }).map(({ term }) => term);
    const fullWidth = terms('台風１０号、九州に上陸', '大型で強い台風１０号は２９日朝、鹿児島県に上陸した。停電は約２５万戸に及んでいる。');
    expect(fullWidth).toEqual(terms('台風10号、九州に上陸', '大型で強い台風10号は29日朝、鹿児島県に上陸した。停電は約25万戸に及んでいる。'));
    expect(fullWidth).toContain('10');
    // Every other text is read as it was: full-width forms without such letters are left as written.
    expect(textWords('ＧＤＰ ２０２４')).toEqual(['ＧＤＰ', '２０２４']);
    expect(() => textWords(`中${'１'.repeat(200_000)}`)).not.toThrow();
  });

  it('reads a long run of a script without spaces in pieces, each word whole and where it is', () => {
    const letters = (text: string) => text.replace(/[^\p{L}\p{N}]/gu, '');
    const run = Object.values(UNSPACED_REPORTS).map(({ title, body }) => letters(title + body)).join('').repeat(3);
    expect(run.length).toBeGreaterThan(2_000);
    const words = runWords(run);
    for (const word of words) expect(run.slice(word.index, word.index + word.text.length)).toBe(word.text);
    expect(words.map((word) => word.text).join('')).toBe(run);
    expect(words.length).toBeGreaterThan(1_000);
    expect(runWords('Estmark')).toEqual([{ text: 'Estmark', index: 0 }]);
    // A run of another script is one word as it is, even where ICU would split it.
    expect(runWords('long-term')).toEqual([{ text: 'long-term', index: 0 }]);
    // A piece that ends inside a word reads the word again with what follows: no word is cut at a piece's end.
    expect(new Set(runWords('火曜日'.repeat(100)).map((word) => word.text))).toEqual(new Set(['火曜日']));
    expect(runWords('火曜日'.repeat(100))).toHaveLength(100);
    expect(runWords('ประเทศไทย'.repeat(30)).map((word) => word.text)).toEqual(Array(30).fill('ประเทศไทย'));
    // Punctuation between the words is no word.
    expect(runWords('東京・大阪').map((word) => word.text)).toEqual(['東京', '大阪']);
  });

  it('tells Japanese grammar (hiragana alone) from words', () => {
    for (const word of ['は', 'による', 'ました', 'ような']) expect(isGrammarWord(word)).toBe(true);
    for (const word of ['金利は', 'は金利', 'ラーメン', '引き下げ', 'Tokyo', '']) expect(isGrammarWord(word)).toBe(false);
  });

  it('survives hostile text', () => {
    expect(analyzeArticle({ title: '', body: '' })).toEqual([]);
    expect(() => analyzeArticle({ title: '\u0000'.repeat(10), body: '\uFFFF '.repeat(10_000), language: '???' })).not.toThrow();
  });
});
