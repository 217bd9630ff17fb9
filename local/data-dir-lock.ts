/**
 * One `npm start` per data dir: dynalite's LevelDB takes its folder for one process, and a second one failed on its
 * first request with a bare "Database is closed". The lock is a file naming the owner's pid, taken before anything
 * is started; a lock whose process is gone (killed, crashed) is taken over. It names the stack's port too, so that
 * `npm run token` can tell a reader whose PORT or data dir does not match a running stack.
 */
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'newsweave.pid';

export class DataDirInUseError extends Error {}

/** The stack running on a data dir now: its pid and port. */
export interface DataDirOwner {
  readonly pid: number;
  readonly port: number | null;
}

export interface LockOptions {
  /** @default process.pid */
  readonly pid?: number;
  readonly port?: number;
  /**
   * How long to wait for a holder that is still running to end: a stack stopped a moment ago may still be closing
   * (npm exits on Ctrl-C before the program under it has stopped), and a restart right after should not fail.
   * @default 0
   */
  readonly waitMs?: number;
}

/** Takes the data dir for this process; the function returned gives it back (only if it is still this process's). */
export async function lockDataDir(dataDir: string, options: LockOptions = {}): Promise<() => void> {
  const path = join(dataDir, LOCK_FILE);
  const pid = options.pid ?? process.pid;
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (;;) {
    try {
      writeFileSync(path, `${pid}\n${options.port ?? ''}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readOwner(path);
    if (holder !== null && holder.pid !== pid && isRunning(holder.pid)) {
      if (Date.now() >= deadline) {
        throw new DataDirInUseError(
          `${dataDir} is in use by another Newsweave (pid ${holder.pid}): stop it, or set NEWSWEAVE_DATA_DIR to another folder`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    // Left by a process that is gone, or by nobody: take it over (another starter may be as quick: `wx` decides).
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
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

/** Whether the process runs: a killed one its parent has not reaped yet (a zombie, state Z in Linux's /proc) does not. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (!HAS_PROC) return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `<pid> (<command>) <state> ...`; the command may hold a parenthesis itself.
    const state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Linux's process table as files; elsewhere (macOS) only the signal tells. */
const HAS_PROC = existsSync('/proc/self/stat');
