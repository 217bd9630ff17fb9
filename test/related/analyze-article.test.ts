import { describe, expect, it } from 'vitest';
import { analyzeArticle, MAX_TERMS } from '../../functions/related/analyze-article';

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

  it('keeps at most MAX_TERMS terms, best first', () => {
    const long = analyzeArticle({ title: 'Words', body: Array.from({ length: 200 }, (_, i) => `word${'abcdefghij'[i % 10]}${i}x`).join(' ') });
    expect(long.length).toBeLessThanOrEqual(MAX_TERMS);
    expect(terms.map((term) => term.weight)).toEqual([...terms.map((term) => term.weight)].sort((a, b) => b - a));
  });

  it('survives hostile text', () => {
    expect(analyzeArticle({ title: '', body: '' })).toEqual([]);
    expect(() => analyzeArticle({ title: '\u0000'.repeat(10), body: '\uFFFF '.repeat(10_000), language: '???' })).not.toThrow();
  });
});
