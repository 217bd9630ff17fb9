/**
 * The reader is plain ES modules with no bundler: index.html preloads every module reader.js reaches, so the browser
 * fetches them in one round trip instead of one per level of imports. A module added without its preload (or a
 * preload left behind by a removed module) fails here.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const readerDir = join(import.meta.dirname, '..', '..', 'web', 'reader');
const assetsDir = join(readerDir, 'assets');

/** The modules reachable from `entry` by static imports, as site paths (`/assets/api.js`). */
function moduleGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    const path = `/assets/${name}`;
    if (seen.has(path)) return;
    seen.add(path);
    const source = readFileSync(join(assetsDir, name), 'utf8');
    for (const [, specifier] of source.matchAll(/^\s*import\s[^;]*?from\s+'([^']+)';/gms)) {
      expect(specifier).toMatch(/^\.\/[a-z-]+\.js$/);
      visit(specifier!.slice(2));
    }
  };
  visit(entry);
  return seen;
}

describe('the reader\'s modules', () => {
  const html = readFileSync(join(readerDir, 'index.html'), 'utf8');
  const entry = [...html.matchAll(/<script type="module" src="([^"]+)"><\/script>/g)].map((match) => match[1]);
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((match) => match[1]!);

  it('has one entry module, reader.js', () => {
    expect(entry).toEqual(['/assets/reader.js']);
  });

  it('preloads every module reader.js imports, directly or not, and nothing else', () => {
    const imported = moduleGraph('reader.js');
    imported.delete('/assets/reader.js');
    expect(imported.size).toBeGreaterThan(10);
    expect(new Set(preloaded).size).toBe(preloaded.length);
    expect([...preloaded].sort()).toEqual([...imported].sort());
    for (const path of preloaded) expect(existsSync(join(readerDir, path))).toBe(true);
  });
});
