import { describe, expect, it } from '@jest/globals';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';

describe('the test run temporary directory', () => {
  it('is a directory of the run, deleted at its end, in which every temporary file of the tests is made', () => {
    // jest.config.js's globalSetup points TMPDIR there, in every worker and every process a test starts.
    expect(basename(tmpdir())).toMatch(/^newsweave-test-run-/);
    expect(process.env.NEWSWEAVE_TEST_RUN_TMPDIR).toBe(tmpdir());
    expect(dirname(tmpdir())).not.toBe(tmpdir());
  });
});
