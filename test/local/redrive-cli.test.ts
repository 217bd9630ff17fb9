/**
 * `npm run --silent redrive` (scripts/redrive.ts) reads PORT and HOST as `npm start` does: a value the stack refuses
 * is refused here with the same message, naming the variable, and exit code 2.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

async function redrive(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'scripts', 'redrive.ts')], { cwd: root, env: { ...process.env, ...env } });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? -1, stderr: failed.stderr ?? '' };
  }
}

describe('scripts/redrive.ts', () => {
  it.each([
    [{ PORT: 'abc' }, 'redrive: PORT must be an integer from 1 to 65535, not "abc"'],
    [{ PORT: '3000', HOST: 'http://127.0.0.1' }, 'redrive: HOST must be an IP address or a host name of this machine'],
  ])('refuses %j as npm start does, naming the variable', async (env, message) => {
    const { code, stderr } = await redrive(env);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
