/**
 * jest's globalSetup: the whole run's temporary files in one directory of its own, which globalTeardown deletes.
 *
 * The tests make temporary files through `os.tmpdir()` (cloud assemblies of the CDK app, 22 MB each with bundled
 * Lambda code, and the CDK's own `cdk.out*` folders of apps given no outdir; local stacks' data folders; sources
 * files; browser profiles) and the servers they start inherit it. Without this, each `npm test` left some 400
 * folders behind in the system's temporary directory (1.7 GB after a few runs). `TMPDIR` is read by `os.tmpdir()`
 * at every call and inherited by jest's workers and every process a test starts, as they start after this.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from 'node:process';

export default function setUpTempDir() {
  const runDir = mkdtempSync(join(tmpdir(), 'newsweave-test-run-'));
  env.NEWSWEAVE_TEST_RUN_TMPDIR = runDir;
  env.NEWSWEAVE_TEST_OUTER_TMPDIR = env.TMPDIR ?? '';
  env.TMPDIR = runDir;
}
