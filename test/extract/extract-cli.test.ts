import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'pages');
const KEYS = ['file', 'title', 'byline', 'publishedAt', 'language', 'imageUrl', 'summary', 'body'];

async function extract(...args: string[]): Promise<{ code: number; lines: Array<Record<string, unknown>>; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'scripts/extract.ts', ...args], { cwd: root });
    return { code: 0, lines: stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>), stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, lines: [], stderr: failed.stderr ?? '' };
  }
}

/** The command run in `cwd`, with relative file names. */
async function extractIn(cwd: string, ...args: string[]): Promise<{ code: number; lines: Array<Record<string, unknown>>; stderr: string }> {
  try {
    const { stdout, stderr } = await run(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'scripts', 'extract.ts'), ...args], { cwd });
    return { code: 0, lines: stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>), stderr };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? -1, lines: [], stderr: failed.stderr ?? '' };
  }
}

describe('scripts/extract.ts', () => {
  it('prints one JSON line per file with every key, rejected pages included, and exits 0', async () => {
    const gzipped = join(mkdtempSync(join(tmpdir(), 'newsweave-cli-')), 'page.html.gz');
    writeFileSync(gzipped, gzipSync(Buffer.from(`<html><body><article>${'<p>A sentence of an article that is long enough to count as text.</p>'.repeat(8)}</article></body></html>`)));
    const { code, lines } = await extract(join(fixtures, 'meta-dates.html'), join(fixtures, 'login-wall.html'), gzipped, join(fixtures, 'missing.html'));
    expect(code).toBe(0);
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(Object.keys(line)).toEqual(expect.arrayContaining(KEYS));
    expect(lines[0]).toMatchObject({ title: 'Nova ponte liga as duas margens do rio', language: 'pt-BR', imageUrl: null });
    expect(lines[0]).not.toHaveProperty('rejected');
    expect(lines[1]).toMatchObject({ rejected: 'login-wall', body: '' });
    expect(String(lines[2]?.body)).toContain('A sentence of an article');
    expect(lines[3]).toMatchObject({ rejected: 'unreadable', body: '' });
  });

  it('refuses a page over the size limit as too-large, a gzipped one without inflating it all', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'newsweave-cli-'));
    const bomb = join(folder, 'bomb.html.gz');
    // 64 MB of one byte: about 64 KB gzipped.
    writeFileSync(bomb, gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x61)));
    const large = join(folder, 'large.html');
    writeFileSync(large, `<html><body>${'<p>text</p>'.repeat(500_000)}</body></html>`);
    const { code, lines } = await extract(bomb, large);
    expect(code).toBe(0);
    expect(lines).toEqual([
      expect.objectContaining({ file: bomb, rejected: 'too-large', body: '' }),
      expect.objectContaining({ file: large, rejected: 'too-large', body: '' }),
    ]);
  });

  it('says on stderr why a file is unreadable, and reads every name after -- as a file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'newsweave-cli-'));
    writeFileSync(join(folder, '-dash.html'), readFileSync(join(fixtures, 'meta-dates.html')));
    writeFileSync(join(folder, 'broken.html.gz'), gzipSync(Buffer.from('<html></html>')).subarray(0, 10));
    const { code, lines, stderr } = await extractIn(folder, '--', '-dash.html', 'missing.html', 'broken.html.gz', folder);
    expect(code).toBe(0);
    expect(lines.map((line) => [line.file, line.rejected])).toEqual([
      ['-dash.html', undefined],
      ['missing.html', 'unreadable'],
      ['broken.html.gz', 'unreadable'],
      [folder, 'unreadable'],
    ]);
    expect(lines[0]?.title).toBe('Nova ponte liga as duas margens do rio');
    expect(stderr).toContain('extract: missing.html: ENOENT');
    expect(stderr).toContain('extract: broken.html.gz: unexpected end of file');
    expect(stderr).toContain(`extract: ${folder}: EISDIR`);
  });

  it('says how to extract a page at a web address given in place of a file: it fetches nothing, and rejects it as any unreadable file', async () => {
    const { code, lines, stderr } = await extract('https://news.example/story');
    expect(code).toBe(0);
    expect(lines).toEqual([expect.objectContaining({ file: 'https://news.example/story', rejected: 'unreadable' })]);
    expect(stderr).toContain("extract reads saved pages: save it first, `curl -so page.html 'https://news.example/story'`, then `npm run --silent extract -- page.html --url 'https://news.example/story'`");
  });

  it('stops quietly when its reader does (| head)', async () => {
    const pages = Array.from({ length: 40 }, () => join(fixtures, 'meta-dates.html'));
    const { code, stderr } = await run('bash', ['-c', 'set -o pipefail; npx tsx scripts/extract.ts "$@" | head -c 10 > /dev/null', 'extract', ...pages], { cwd: root })
      .then(({ stderr: text }) => ({ code: 0, stderr: text }))
      .catch((error: { code?: number; stderr?: string }) => ({ code: error.code ?? -1, stderr: error.stderr ?? '' }));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });

  it('uses --url to resolve the lead image', async () => {
    const { code, lines } = await extract(join(fixtures, 'meta-dates.html'), '--url', 'https://jornal.example.com.br/cidade/ponte');
    expect(code).toBe(0);
    expect(lines[0]?.imageUrl).toBe('https://jornal.example.com.br/fotos/ponte.jpg');
  });

  it.each(['--help', '-h'])('prints the usage on stdout and exits 0 when asked (%s)', async (flag) => {
    // execFile rejects on any other exit code.
    const { stdout } = await run('npx', ['tsx', 'scripts/extract.ts', flag], { cwd: root });
    expect(stdout).toMatch(/^usage: /);
  });

  // Each says what is wrong before the usage: the usage alone left a reader to guess which part of the line it was.
  it.each([
    ['no file', [], 'extract: no file given'],
    ['--url with two files', [join(fixtures, 'meta-dates.html'), join(fixtures, 'time-element.html'), '--url', 'https://example.org/'], 'extract: --url needs exactly one file, not 2'],
    ['--url without a value', [join(fixtures, 'meta-dates.html'), '--url'], 'extract: --url needs a value'],
    ['--url twice', [join(fixtures, 'meta-dates.html'), '--url', 'https://example.org/', '--url=https://example.org/'], 'extract: --url is given twice'],
    ['--url that is no web address', [join(fixtures, 'meta-dates.html'), '--url', 'example.org/story'], 'extract: --url must be an http or https URL, not "example.org/story"'],
    ['an unknown option', ['--frobnicate', join(fixtures, 'meta-dates.html')], 'extract: unknown option --frobnicate'],
  ])('exits 2 with what is wrong and the usage on bad usage: %s', async (_name, args, problem) => {
    const { code, stderr } = await extract(...args);
    expect(code).toBe(2);
    expect(stderr).toContain(problem);
    expect(stderr).toContain('usage:');
  });
});
