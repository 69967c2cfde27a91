/**
 * Keeps two processes from opening one PGlite data folder: PGlite takes no lock of its own and two
 * writers corrupt the files. Like PostgreSQL's postmaster.pid, the lock file holds the owner's pid;
 * a lock left by a process that no longer exists (killed, crashed) is taken over at once, so a
 * restart after SIGKILL needs no manual step.
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

export interface DataDirLock {
  path: string;
  release(): void;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly path: string,
    readonly pid: number,
  ) {
    super(
      `DATA_DIR is in use by another Switchboard process (pid ${pid}). Stop it, point DATA_DIR elsewhere, ` +
        `or use DATABASE_URL to run several processes on PostgreSQL. If no such process runs, delete ${path}.`,
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = join(dataDir, "switchboard.pid");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
    if (Number.isFinite(owner) && owner !== process.pid && isAlive(owner)) {
      throw new DataDirLockedError(path, owner);
    }
    // Stale: move it aside atomically; if another starting process moved it first, retry the create.
    try {
      renameSync(path, `${path}.stale-${process.pid}`);
      rmSync(`${path}.stale-${process.pid}`, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  throw new Error(`Could not take the lock ${path}; another process keeps replacing it.`);
}
