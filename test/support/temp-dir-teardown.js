/** jest's globalTeardown: deletes the run's temporary directory (temp-dir-setup.js) and restores `TMPDIR`. */
import { rmSync } from 'node:fs';
import { env } from 'node:process';

export default function tearDownTempDir() {
  const runDir = env.NEWSWEAVE_TEST_RUN_TMPDIR;
  if (env.NEWSWEAVE_TEST_OUTER_TMPDIR) env.TMPDIR = env.NEWSWEAVE_TEST_OUTER_TMPDIR;
  else delete env.TMPDIR;
  if (runDir) rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
}
