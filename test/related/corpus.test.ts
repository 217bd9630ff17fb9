/**
 * How eval:related, the replay and the bench's outlets read a labelled corpus (scripts/support/corpus.ts): the
 * lines' own publication times when every line has one, synthetic ones otherwise.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { draftOf, isDated, readCorpus } from '../../scripts/support/corpus';

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
});
