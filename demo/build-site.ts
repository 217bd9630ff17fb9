/**
 * Regenerates demo/site from demo/content: `npx tsx demo/build-site.ts`. The generated files are committed, because the
 * local stack serves them as they are, at /demo (local/demo-site.ts); test/demo checks that they match this renderer.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderSite } from './render-site';

const siteDir = join(import.meta.dirname, 'site');
rmSync(siteDir, { recursive: true, force: true });
const files = renderSite();
for (const [path, bytes] of files) {
  mkdirSync(dirname(join(siteDir, path)), { recursive: true });
  writeFileSync(join(siteDir, path), bytes);
}
console.log(`wrote ${files.size} files to ${siteDir}`);
