/**
 * `npx @redocly/cli lint docs/openapi.json` with Redocly's recommended rules, as the issue asks, run from the pinned
 * dev dependency without the network: telemetry and the update check are off, and the CLI needs nothing else.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { OPENAPI_PATH, doc } from './openapi-schemas';

const require = createRequire(import.meta.url);
const CLI = join(dirname(require.resolve('@redocly/cli/package.json')), 'bin', 'cli.js');

function lint(file: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'lint', file, '--extends', 'recommended', '--format', 'stylish'],
      { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

describe('redocly lint (recommended rules)', () => {
  it('passes docs/openapi.json with no error and no warning', async () => {
    const { code, output } = await lint(OPENAPI_PATH);
    expect(output).toMatch(/Your API description is valid/);
    expect(output).not.toMatch(/\d+ (errors?|warnings?)\b/);
    expect(code).toBe(0);
  });

  it('fails a copy whose write route declares no security (the check above can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'newsweave-openapi-'));
    try {
      const copy = structuredClone(doc) as unknown as { paths: Record<string, Record<string, { security?: unknown }>> };
      delete copy.paths['/articles/{id}/comments/{commentId}']!.delete!.security;
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(copy));
      const { code, output } = await lint(file);
      expect(code).not.toBe(0);
      expect(output).toMatch(/security-defined/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
