import { describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirError, DataDirInUseError, ensureDataDir, isRunning, LOCK_FILE, lockDataDir, runningOwner } from '../../local/data-dir-lock';

const freshDir = () => mkdtempSync(join(tmpdir(), 'newsweave-lock-'));
/** The pid of a process that has ended. */
const endedPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('lockDataDir', () => {
  it('takes a free data dir and gives it back', async () => {
    const dir = freshDir();
    expect(runningOwner(dir)).toBeNull();
    const release = await lockDataDir(dir, { port: 4710 });
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n4710\n`);
    expect(runningOwner(dir)).toEqual({ pid: process.pid, port: 4710 });
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(runningOwner(dir)).toBeNull();
    (await lockDataDir(dir))();
  });

  it('refuses a data dir a running process holds, naming it and what to do', async () => {
    const dir = freshDir();
    // This test's own process plays the other Newsweave: the lock is asked for on behalf of another pid.
    await lockDataDir(dir);
    const second = lockDataDir(dir, { pid: endedPid(), waitMs: 300 });
    await expect(second).rejects.toThrow(DataDirInUseError);
    await expect(second).rejects.toThrow(
      `${dir} is in use by another Newsweave (pid ${process.pid}): stop it, or set NEWSWEAVE_DATA_DIR to another folder ` +
        `(if no Newsweave runs, remove ${join(dir, LOCK_FILE)})`,
    );
  });

  it('waits for a holder that is ending, as a stack stopped a moment ago is', async () => {
    const dir = freshDir();
    // The holder ends when told, not after a fixed time that a busy machine may spend before the checks below.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      writeFileSync(join(dir, LOCK_FILE), `${holder.pid}\n3000\n`);
      expect(runningOwner(dir)).toEqual({ pid: holder.pid, port: 3000 });
      let settled = false;
      const locking = lockDataDir(dir, { waitMs: 10_000 }).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      holder.kill('SIGTERM');
      const release = await locking;
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n\n`);
      release();
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes over a lock whose process is gone, or that names nobody', async () => {
    for (const content of [`${endedPid()}\n3000\n`, 'not a pid\n', '']) {
      const dir = freshDir();
      writeFileSync(join(dir, LOCK_FILE), content);
      expect(runningOwner(dir)).toBeNull();
      const release = await lockDataDir(dir);
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
      release();
    }
  });

  it('leaves a lock another process took since alone when giving its own back', async () => {
    const dir = freshDir();
    const release = await lockDataDir(dir);
    writeFileSync(join(dir, LOCK_FILE), '1\n');
    release();
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe('1\n');
  });
});

describe('isRunning', () => {
  it('counts a killed process its parent has not reaped (a zombie) as ended', async () => {
    // The shell starts a short sleep in the background, prints its pid and becomes a long sleep, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0.3 & echo $!; exec sleep 10']);
    const zombie = await new Promise<number>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
    const state = () => readFileSync(`/proc/${zombie}/stat`, 'utf8').match(/\) (\S)/)?.[1];
    for (let waited = 0; state() !== 'Z' && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(state()).toBe('Z');
    expect(isRunning(zombie)).toBe(false);
    parent.kill('SIGKILL');
  }, 15_000);

  it('counts Node as running, and a process that is not Node (a pid reused since a crash) as not', async () => {
    expect(isRunning(process.pid)).toBe(true);
    const other = spawn('sleep', ['5']);
    await new Promise((resolve) => other.once('spawn', resolve));
    expect(isRunning(other.pid!)).toBe(false);
    other.kill('SIGKILL');
  });

  it('takes over a lock whose pid is now another program', async () => {
    const dir = freshDir();
    const other = spawn('sleep', ['5']);
    await new Promise((resolve) => other.once('spawn', resolve));
    writeFileSync(join(dir, LOCK_FILE), `${other.pid}\n3000\n`);
    (await lockDataDir(dir))();
    other.kill('SIGKILL');
  });
});

describe('ensureDataDir', () => {
  it('makes the data dir and the folders above it, and takes one that exists', () => {
    const dir = join(freshDir(), 'a', 'b');
    ensureDataDir(dir);
    expect(existsSync(dir)).toBe(true);
    ensureDataDir(dir);
  });

  // mkdirSync's own EEXIST or ENOTDIR named neither the variable nor what to do.
  it.each([
    ['is a file', (file: string) => file],
    ['is below a file', (file: string) => join(file, 'data')],
  ])('refuses a data dir that %s, naming NEWSWEAVE_DATA_DIR', (_case, dirFor) => {
    const file = join(freshDir(), 'a-file');
    writeFileSync(file, '');
    const dir = dirFor(file);
    expect(() => ensureDataDir(dir)).toThrow(DataDirError);
    expect(() => ensureDataDir(dir)).toThrow(`cannot use ${dir} as the data dir: a file is in the way (it or a folder above it is a file); set NEWSWEAVE_DATA_DIR to a folder`);
  });
});
