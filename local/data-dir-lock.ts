/**
 * One `npm start` per data dir: dynalite's LevelDB takes its folder for one process, and a second one failed on its
 * first request with a bare "Database is closed". The lock is a file naming the owner's pid, taken before anything
 * is started; a lock whose process is gone (killed, crashed) is taken over. It names the stack's port too, so that
 * `npm run token` can tell a reader whose PORT or data dir does not match a running stack.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'newsweave.pid';

export class DataDirInUseError extends Error {}

/** A data dir that cannot be a folder; the message names NEWSWEAVE_DATA_DIR. */
export class DataDirError extends Error {
  override readonly name = 'DataDirError';
}

/**
 * Makes the data dir (and its parents) if absent. A file in its place or on its path, or a folder this user may not
 * write in, is a DataDirError that says which variable to change: the bare EEXIST or ENOTDIR named neither.
 */
export function ensureDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const why = ['EEXIST', 'ENOTDIR'].includes(code)
      ? 'a file is in the way (it or a folder above it is a file)'
      : ['EACCES', 'EPERM', 'EROFS'].includes(code)
        ? 'it cannot be created here (no permission, or a read-only file system)'
        : (error as Error).message;
    throw new DataDirError(`cannot use ${dataDir} as the data dir: ${why}; set NEWSWEAVE_DATA_DIR to a folder (${code || 'error'})`);
  }
}

/** What linkSync answers on a file system that has no hard links. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

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
  const content = `${pid}\n${options.port ?? ''}\n`;
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (;;) {
    // Written aside, then linked: the lock appears whole or not at all, and of two starters one link wins.
    if (linkWhole(path, content)) break;
    const held = readFileOrNull(path);
    if (held === null) continue;
    const holder = parseOwner(held);
    if (holder !== null && holder.pid !== pid && isRunning(holder.pid)) {
      if (Date.now() >= deadline) {
        throw new DataDirInUseError(
          `${dataDir} is in use by another Newsweave (pid ${holder.pid}): stop it, or set NEWSWEAVE_DATA_DIR to another folder ` +
            `(if no Newsweave runs, remove ${path})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    // Left by a process that is gone: moved aside, and removed only if it is still the lock that was read (another
    // starter may have taken it over and written its own meanwhile, which is then put back).
    takeOver(path, held);
  }
  return () => {
    if (parseOwner(readFileOrNull(path) ?? '')?.pid === pid) unlinkSync(path);
  };
}

function linkWhole(path: string, content: string): boolean {
  const aside = `${path}.${process.pid}.${randomUUID()}`;
  writeFileSync(aside, content);
  try {
    try {
      linkSync(aside, path);
    } catch (error) {
      // A file system without hard links: created exclusively, in one write of a few bytes.
      if (!NO_LINKS.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
      writeFileSync(path, content, { flag: 'wx' });
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    rmSync(aside, { force: true });
  }
}

function takeOver(path: string, read: string): void {
  const aside = `${path}.stale.${process.pid}.${randomUUID()}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (readFileOrNull(aside) !== read) {
    // Not the one read: another starter's, taken since. Put back (unless a third has linked one meanwhile).
    try {
      linkSync(aside, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  rmSync(aside, { force: true });
}

function readFileOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The stack that holds the data dir and still runs, or null. */
export function runningOwner(dataDir: string): DataDirOwner | null {
  const owner = parseOwner(readFileOrNull(join(dataDir, LOCK_FILE)) ?? '');
  return owner && isRunning(owner.pid) ? owner : null;
}

function parseOwner(content: string): DataDirOwner | null {
  const [pidLine = '', portLine = ''] = content.split('\n');
  const pid = /^[0-9]{1,10}$/.test(pidLine) ? Number(pidLine) : 0;
  const port = /^[0-9]{1,5}$/.test(portLine) ? Number(portLine) : null;
  return pid > 0 ? { pid, port } : null;
}

/**
 * Whether a Newsweave may run as this process: a killed one its parent has not reaped yet (a zombie, state Z in
 * Linux's /proc) does not, nor does a process that is not Node.
 */
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
    // A pid a crashed stack left may be another program's since (a reboot, a container restarted): only Node runs one.
    return state !== 'Z' && state !== 'X' && /node/i.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

/** Linux's process table as files; elsewhere (macOS) only the signal tells. */
const HAS_PROC = existsSync('/proc/self/stat');
