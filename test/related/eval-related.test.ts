import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

const run = promisify(execFile);
const lines = [
  { id: 'q:1', title: 'Danube floods Vienna', body: 'The Danube flooded Vienna suburbs. Rescuers evacuated residents of Vienna by boat as the Danube rose.', label: 'flood' },
  { id: 'q:2', title: 'Vienna flood: Danube crest passes', body: 'The Danube flood crest passed Vienna on Tuesday; rescuers in Vienna said the Danube was falling.', label: 'flood' },
  { id: 'q:3', title: 'Carlsen wins chess title', body: 'Magnus Carlsen won the rapid chess title in Samarkand. Carlsen beat Nepomniachtchi in the chess final.', label: 'chess' },
  { id: 'q:4', title: 'Chess: Carlsen beats Nepomniachtchi', body: 'In Samarkand, Magnus Carlsen beat Ian Nepomniachtchi to take the rapid chess crown; Carlsen now holds both titles.', label: 'chess' },
];

describe('eval:related', () => {
  it('stores a corpus, asks the read path, and writes rankings by corpus id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-related-'));
    const corpus = join(dir, 'corpus.jsonl');
    const out = join(dir, 'pred.json');
    writeFileSync(corpus, lines.map((line) => JSON.stringify(line)).join('\n'));
    const { stderr } = await run('npx', ['tsx', 'scripts/eval-related.ts', corpus, '--out', out], { timeout: 120_000 });
    const predictions = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string[]>;
    expect(Object.keys(predictions).sort()).toEqual(['q:1', 'q:2', 'q:3', 'q:4']);
    expect(predictions['q:1']![0]).toBe('q:2');
    expect(predictions['q:4']![0]).toBe('q:3');
    expect(predictions['q:1']).not.toContain('q:1');
    expect(stderr).toMatch(/per ingested article .*: [\d.]+ requests, [\d.]+ RCU, [\d.]+ WCU/);
    // Any limit: the Query of the article's related items, then one BatchGetItem of the summaries.
    expect(stderr).toMatch(/per related query: 2\.00 requests/);
    expect(stderr).toMatch(/publication times: synthetic, one minute apart in the storing order \(no line has a date or publishedAt\)/);
  }, 150_000);

  it('stores the corpus in a shuffled order on request, and still answers in file order; with the lines\' dates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-related-'));
    const corpus = join(dir, 'corpus.jsonl');
    const out = join(dir, 'pred.json');
    const dates = ['2019-01-03', '2019-01-04', '2021-06-01', '2021-06-01T15:30:00Z'];
    writeFileSync(corpus, lines.map((line, i) => JSON.stringify({ ...line, date: dates[i] })).join('\n'));
    const { stderr } = await run('npx', ['tsx', 'scripts/eval-related.ts', corpus, '--shuffle', '7', '--out', out], { timeout: 120_000 });
    expect(stderr).toMatch(/publication times: the lines' own/);
    const predictions = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string[]>;
    expect(Object.keys(predictions)).toEqual(['q:1', 'q:2', 'q:3', 'q:4']);
    expect(predictions['q:2']![0]).toBe('q:1');
    expect(predictions['q:3']![0]).toBe('q:4');
    await expect(run('npx', ['tsx', 'scripts/eval-related.ts', corpus, '--shuffle', 'x'], { timeout: 60_000 })).rejects.toThrow(/--shuffle needs a whole number/);
  }, 150_000);

  it('refuses a malformed corpus', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-related-'));
    const corpus = join(dir, 'bad.jsonl');
    writeFileSync(corpus, '{"id": 1}\n');
    await expect(run('npx', ['tsx', 'scripts/eval-related.ts', corpus], { timeout: 60_000 })).rejects.toThrow(/line 1/);
  }, 90_000);
});
