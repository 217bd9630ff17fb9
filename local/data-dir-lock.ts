/**
 * One `npm start` per data dir: dynalite's LevelDB takes its folder for one process, and a second one failed on its
 * first request with a bare "Database is closed". The lock is a file naming the owner's pid, taken before anything
 * is started; a lock whose process is gone (killed, crashed) is taken over. It names the stack's port too, so that
 * `npm run token` can tell a reader whose PORT or data dir does not match a running stack.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'newsweave.pid';

export class DataDirInUseError extends Error {}

/** The stack running on a data dir now: its pid and port. */
export interface DataDirOwner {
  readonly pid: number;
  readonly port: number | null;
}

/** Takes the data dir for this process; the function returned gives it back (only if it is still this process's). */
export function lockDataDir(dataDir: string, owner: { readonly pid?: number; readonly port?: number } = {}): () => void {
  const path = join(dataDir, LOCK_FILE);
  const pid = owner.pid ?? process.pid;
  for (let attempt = 0; ; attempt += 1) {
    try {
      writeFileSync(path, `${pid}\n${owner.port ?? ''}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const holder = readOwner(path);
      if (holder !== null && holder.pid !== pid && isRunning(holder.pid)) {
        throw new DataDirInUseError(
          `${dataDir} is in use by another Newsweave (pid ${holder.pid}): stop it, or set NEWSWEAVE_DATA_DIR to another folder`,
        );
      }
      // Left by a process that is gone: take it over.
      unlinkSync(path);
    }
  }
  return () => {
    if (readOwner(path)?.pid === pid) unlinkSync(path);
  };
}

/** The stack that holds the data dir and still runs, or null. */
export function runningOwner(dataDir: string): DataDirOwner | null {
  const owner = readOwner(join(dataDir, LOCK_FILE));
  return owner && isRunning(owner.pid) ? owner : null;
}

function readOwner(path: string): DataDirOwner | null {
  try {
    const [pidLine = '', portLine = ''] = readFileSync(path, 'utf8').split('\n');
    const pid = /^[0-9]{1,10}$/.test(pidLine) ? Number(pidLine) : 0;
    const port = /^[0-9]{1,5}$/.test(portLine) ? Number(portLine) : null;
    return pid > 0 ? { pid, port } : null;
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
