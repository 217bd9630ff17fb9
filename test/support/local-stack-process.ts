/**
 * Runs `npm start`'s program as a user would, as a child process on a free port with its own data dir, and reads
 * its output for the documented "listening on http://127.0.0.1:<PORT>" line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export interface StackProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly baseUrl: string;
  readonly dataDir: string;
  output(): string;
  /** Sends the signal and resolves with the exit code and how long the exit took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; millis: number }>;
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

export async function startStackProcess(
  options: { env?: Record<string, string>; dataDir?: string; port?: number; readyTimeoutMs?: number } = {},
): Promise<StackProcess> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'newsweave-data-'));
  // `npm start` itself, as a user runs it, detached into its own process group so the test can check that nothing
  // is left behind. Signals go to npm's pid only, as a process manager or a terminal would send them.
  const child = spawn('npm', ['start', '--silent'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), NEWSWEAVE_DATA_DIR: dataDir, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  while (!output.includes(`listening on http://127.0.0.1:${port}`)) {
    if (child.exitCode !== null) throw new Error(`local stack exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`local stack not ready in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    dataDir,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) {
        // SIGKILL stands for a crash of the whole program (npm and the node process under it); the graceful
        // signals go to npm alone, which must pass them on.
        if (signal === 'SIGKILL') process.kill(-child.pid!, 'SIGKILL');
        else child.kill(signal);
      }
      const result = await Promise.race([
        exited,
        new Promise<{ code: null; signal: null }>((r) => setTimeout(() => r({ code: null, signal: null }), 10_000).unref()),
      ]);
      return { ...result, millis: Date.now() - started };
    },
  };
}

/** Live (not zombie) processes of a process group, from /proc. */
function liveGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces, so split after its closing paren.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return members;
}

/**
 * Whether any process of the group outlives its leader by more than `graceMs` (a helper such as esbuild's service
 * notices its parent's exit when its stdin closes, a few milliseconds later). Zombies waiting for a reaper count as
 * gone: they hold no resources but a process table slot.
 */
export async function processGroupSurvives(pid: number, graceMs = 1_000): Promise<boolean> {
  const deadline = Date.now() + graceMs;
  while (liveGroupMembers(pid).length > 0) {
    if (Date.now() > deadline) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** Polls `probe` until it returns a value, a bounded number of times. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}
