/**
 * One `npm start` per data dir: dynalite's LevelDB takes its folder for one process, and a second one failed on its
 * first request with a bare "Database is closed". The lock is a file naming the owner's pid, taken before anything
 * is started; a lock whose process is gone (killed, crashed) is taken over.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'newsweave.pid';

export class DataDirInUseError extends Error {}

/** Takes the data dir for this process; the function returned gives it back (only if it is still this process's). */
export function lockDataDir(dataDir: string, pid = process.pid): () => void {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; ; attempt += 1) {
    try {
      writeFileSync(path, `${pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const owner = readOwner(path);
      if (owner !== null && owner !== pid && isRunning(owner)) {
        throw new DataDirInUseError(
          `${dataDir} is in use by another Newsweave (pid ${owner}): stop it, or set NEWSWEAVE_DATA_DIR to another folder`,
        );
      }
      // Left by a process that is gone: take it over.
      unlinkSync(path);
    }
  }
  return () => {
    if (readOwner(path) === pid) unlinkSync(path);
  };
}

function readOwner(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
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
