/**
 * How eval:related, the replay and the bench's outlets read a labelled corpus (scripts/support/corpus.ts): the
 * lines' own publication times when every line has one, synthetic ones otherwise.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { outletCatalog } from '../../bench/support/synthetic-outlets';
import { draftOf, isDated, loadCorpus, readCorpus } from '../../scripts/support/corpus';

function corpusOf(rows: readonly Record<string, unknown>[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'corpus-')), 'corpus.jsonl');
  writeFileSync(path, rows.map((row) => JSON.stringify(row)).join('\n'));
  return path;
}

const row = (id: string, extra: Record<string, unknown> = {}) => ({ id, title: `Title ${id}`, body: `Body ${id}`, label: 'x', ...extra });

describe('readCorpus and draftOf', () => {
  it('give each article its line\'s own date (BASIL\'s `date`, or `publishedAt`), whatever its place in the storing order', () => {
    const lines = readCorpus(
      corpusOf([row('a', { date: '2011-04-07' }), row('b', { date: '2019-01-20T08:15:00Z' }), row('c', { publishedAt: '2016-05-01T10:00:00+02:00', date: '2000-01-01' })]),
    );
    expect(isDated(lines)).toBe(true);
    expect(draftOf(lines[0]!, 0).publishedAt).toBe('2011-04-07T00:00:00.000Z');
    expect(draftOf(lines[0]!, 57).publishedAt).toBe('2011-04-07T00:00:00.000Z');
    expect(draftOf(lines[1]!, 1).publishedAt).toBe('2019-01-20T08:15:00.000Z');
    // `publishedAt` before `date`; a zone is read.
    expect(draftOf(lines[2]!, 2).publishedAt).toBe('2016-05-01T08:00:00.000Z');
    expect(draftOf(lines[2]!, 2).fetchedAt).toBe('2016-05-01T08:00:00.000Z');
  });

  it('times every line one minute after the one stored before it when any line lacks a date, or gives one that is not ISO 8601', () => {
    for (const odd of [row('c'), row('c', { date: 'April 7, 2011' }), row('c', { date: '2011-13-45' }), row('c', { date: 20110407 })]) {
      const lines = readCorpus(corpusOf([row('a', { date: '2011-04-07' }), row('b', { date: '2011-04-08' }), odd]));
      expect(isDated(lines)).toBe(false);
      expect(lines.map((line, i) => draftOf(line, i).publishedAt)).toEqual([
        '2026-01-01T00:00:00.000Z',
        '2026-01-01T00:01:00.000Z',
        '2026-01-01T00:02:00.000Z',
      ]);
    }
  });

  it('read a time without a zone as UTC, whatever the machine\'s zone, as a date alone is', () => {
    // Date.parse reads such a time in the process's zone, which is fixed at its start: a child in another zone.
    const path = corpusOf([row('a', { date: '2011-04-07T10:00' }), row('b', { date: '2011-04-07 10:00:30' }), row('c', { date: '2011-04-07T10:00+0200' })]);
    const script = join(mkdtempSync(join(tmpdir(), 'corpus-')), 'times.ts');
    writeFileSync(
      script,
      `import { draftOf, readCorpus } from ${JSON.stringify(resolve('scripts/support/corpus.ts'))};\n` +
        `console.log(JSON.stringify(readCorpus(${JSON.stringify(path)}).map((line, i) => draftOf(line, i).publishedAt)));\n`,
    );
    const out = execFileSync('npx', ['tsx', script], { encoding: 'utf8', env: { ...process.env, TZ: 'America/New_York' } });
    expect(JSON.parse(out)).toEqual(['2011-04-07T10:00:00.000Z', '2011-04-07T10:00:30.000Z', '2011-04-07T08:00:00.000Z']);
  }, 60_000);

  it('take as no date a day the month has not, a time out of range, or a date after now, which no stream holds', () => {
    for (const odd of ['2011-02-30', '2011-04-31', '2010-02-29', '2011-04-07T24:30Z', '2011-04-07T10:00+25:00', '9999-01-01', '+275760-09-13']) {
      expect(isDated(readCorpus(corpusOf([row('a', { date: '2011-04-07' }), row('b', { date: odd })])))).toBe(false);
    }
    // Leap days, before 1970, and the year 0000 are dates.
    const lines = readCorpus(corpusOf([row('a', { date: '2012-02-29' }), row('b', { date: '1969-07-20T20:17Z' }), row('c', { date: '0000-01-01' })]));
    expect(lines.map((line, i) => draftOf(line, i).publishedAt)).toEqual(['2012-02-29T00:00:00.000Z', '1969-07-20T20:17:00.000Z', '0000-01-01T00:00:00.000Z']);
  });

  it('say how the lines are timed, and when some lack a date, how many and why the first does', () => {
    const dated = [row('a', { date: '2011-04-07' }), row('b', { date: '2011-04-08' })];
    expect(loadCorpus(corpusOf(dated)).times).toBe("the lines' own (date or publishedAt)");
    expect(loadCorpus(corpusOf([row('a'), row('b')])).times).toBe('synthetic, one minute apart in the storing order (no line has a date or publishedAt)');
    const cases: [Record<string, unknown>, string][] = [
      [row('c'), 'line 3: it has no date or publishedAt'],
      [row('c', { date: null }), 'line 3: it has no date or publishedAt'],
      [row('c', { date: '2011-02-30' }), 'line 3: its date "2011-02-30" is not an ISO 8601 date'],
      [row('c', { date: '2011-04-07t10:00Z ' }), 'line 3: its date "2011-04-07t10:00Z " is not an ISO 8601 date'],
      [row('c', { date: '' }), 'line 3: its date "" is not an ISO 8601 date'],
      [row('c', { date: 20110407 }), 'line 3: its date is a number, not a string'],
      [row('c', { date: { year: 2011 } }), 'line 3: its date is an object, not a string'],
      [row('c', { date: ['2011-04-07'] }), 'line 3: its date is an array, not a string'],
      [row('c', { publishedAt: 1302134400000, date: '2011-04-07' }), 'line 3: its publishedAt is a number, not a string'],
      [row('c', { date: '9999-01-01' }), 'line 3: its date "9999-01-01" is after the time of this run'],
    ];
    for (const [odd, why] of cases) {
      const { lines, times } = loadCorpus(corpusOf([...dated, odd, row('d')]));
      expect(isDated(lines)).toBe(false);
      expect(times).toBe(`synthetic, one minute apart in the storing order: 2 of 4 lines have no date to use (the first, ${why}), and a corpus's own dates are used only when every line has one`);
    }
  });

  it('number lines as the file does, blank ones included', () => {
    const path = corpusOf([row('a', { date: '2011-04-07' })]);
    writeFileSync(path, `\n${JSON.stringify(row('a', { date: '2011-04-07' }))}\n\n${JSON.stringify(row('b', { date: 'soon' }))}\n{`);
    expect(() => loadCorpus(path)).toThrow('line 5: not JSON');
    writeFileSync(path, `\n${JSON.stringify(row('a', { date: '2011-04-07' }))}\n\n${JSON.stringify(row('b', { date: 'soon' }))}\n`);
    expect(loadCorpus(path).times).toMatch(/the first, line 4: its date "soon"/);
  });

  it("time the bench's corpus outlets as they were without dates (from 2026-11-01, as their synthetic text), and with them by their dates", () => {
    const times = (rows: Record<string, unknown>[]) => {
      const catalog = outletCatalog({ sources: 2, perSource: 0, corpus: corpusOf(rows) });
      return [catalog.article(0, 0), catalog.article(1, 0), catalog.article(0, 1)].map((article) => article?.publishedAt.toISOString());
    };
    expect(times([row('a'), row('b'), row('c')])).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-01T00:01:00.000Z', '2026-11-01T00:02:00.000Z']);
    expect(times([row('a', { date: '2011-04-07' }), row('b', { date: '2012-04-07' }), row('c', { date: '2013-04-07' })])).toEqual([
      '2011-04-07T00:00:00.000Z',
      '2012-04-07T00:00:00.000Z',
      '2013-04-07T00:00:00.000Z',
    ]);
  });
});
