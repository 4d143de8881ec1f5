// Directory mirror: the local default, served as-is by any static web server.
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { hashFile } from '../crypto.js';
import { ConflictError, MirrorSession, MirrorTarget, retryOnConflict, sameBytes } from './target.js';

const ignoreMissing =
  <T>(fallback: T) =>
  (error: NodeJS.ErrnoException): T => {
    if (error.code === 'ENOENT') return fallback;
    throw error;
  };

/**
 * `mkdir -p`, one level at a time from the deepest existing folder. Node's
 * recursive mkdir reports a read-only file system (EROFS) as ENOENT and
 * never ends under /proc; this reports the real cause and stops.
 */
async function makeFolders(folder: string): Promise<void> {
  const missing: string[] = [];
  for (let current = folder; !(await stat(current).catch(ignoreMissing(undefined))); current = dirname(current)) {
    if (dirname(current) === current) break;
    missing.unshift(current);
  }
  for (const path of missing) {
    await mkdir(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
}

export class DirectoryTarget implements MirrorTarget {
  readonly description: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.description = `directory ${root}`;
  }

  transaction<T>(work: (session: MirrorSession) => Promise<T>): Promise<T> {
    return retryOnConflict(() => work(this.session())).catch((error: NodeJS.ErrnoException) => {
      // File-system errors keep their code and path (EROFS, EACCES, ENOTDIR), prefixed with the mirror.
      if (error.code !== undefined && error.syscall !== undefined)
        error.message = `${this.description}: ${error.message}`;
      throw error;
    });
  }

  /** One view of the folder; `transaction` adds the retries a shared folder needs. */
  session(): MirrorSession {
    const full = (path: string): string => join(this.root, ...path.split('/'));
    const read = (path: string) => readFile(full(path)).catch(ignoreMissing(undefined));
    /** Writes beside the destination, then renames: readers see the old file or the new one, never half. */
    const atomically = async (path: string, write: (temporary: string) => Promise<void>): Promise<void> => {
      const destination = full(path);
      const temporary = `${destination}.${process.pid}.tmp`;
      await makeFolders(dirname(destination));
      try {
        await write(temporary);
        await rename(temporary, destination);
      } finally {
        await rm(temporary, { force: true });
      }
    };
    return {
      read,
      async compareImage(path, _localFile, sha256) {
        const stored = await hashFile(full(path)).catch(ignoreMissing(undefined));
        if (!stored) return 'missing';
        return stored.sha256 === sha256 ? 'same' : 'different';
      },
      async list(folder) {
        const entries = await readdir(full(folder), { withFileTypes: true }).catch(ignoreMissing([]));
        return entries
          .filter((entry) => entry.isFile())
          .map((entry) => (folder ? `${folder}/${entry.name}` : entry.name));
      },
      async folders(folder) {
        const entries = await readdir(full(folder), { withFileTypes: true }).catch(() => []);
        return entries
          .filter((entry) => entry.isDirectory() && entry.name !== '.git')
          .map((entry) => (folder ? `${folder}/${entry.name}` : entry.name));
      },
      writeImage: (path, localFile) => atomically(path, (temporary) => copyFile(localFile, temporary)),
      async writeManifest(path, text, previous) {
        const current = await read(path);
        if (!sameBytes(current, previous)) throw new ConflictError(`${path} changed while publishing`);
        await atomically(path, (temporary) => writeFile(temporary, text, 'latin1'));
      },
      remove: (path) => rm(full(path), { force: true }),
    };
  }
}
