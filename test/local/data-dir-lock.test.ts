import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, LOCK_FILE, lockDataDir, runningOwner } from '../../local/data-dir-lock';

const freshDir = () => mkdtempSync(join(tmpdir(), 'newsweave-lock-'));
/** The pid of a process that has ended. */
const endedPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('lockDataDir', () => {
  it('takes a free data dir and gives it back', () => {
    const dir = freshDir();
    expect(runningOwner(dir)).toBeNull();
    const release = lockDataDir(dir, { port: 4710 });
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n4710\n`);
    expect(runningOwner(dir)).toEqual({ pid: process.pid, port: 4710 });
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(runningOwner(dir)).toBeNull();
    lockDataDir(dir)();
  });

  it('refuses a data dir a running process holds, naming it and what to do', () => {
    const dir = freshDir();
    // This test's own process plays the other Newsweave: the lock is asked for on behalf of another pid.
    lockDataDir(dir);
    const second = () => lockDataDir(dir, { pid: endedPid() });
    expect(second).toThrow(DataDirInUseError);
    expect(second).toThrow(`${dir} is in use by another Newsweave (pid ${process.pid}): stop it, or set NEWSWEAVE_DATA_DIR to another folder`);
  });

  it('takes over a lock whose process is gone, or that names nobody', () => {
    for (const content of [`${endedPid()}\n3000\n`, 'not a pid\n', '']) {
      const dir = freshDir();
      writeFileSync(join(dir, LOCK_FILE), content);
      expect(runningOwner(dir)).toBeNull();
      const release = lockDataDir(dir);
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
      release();
    }
  });

  it('leaves a lock another process took since alone when giving its own back', () => {
    const dir = freshDir();
    const release = lockDataDir(dir);
    writeFileSync(join(dir, LOCK_FILE), '1\n');
    release();
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe('1\n');
  });
});
