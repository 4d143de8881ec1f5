// Directory mirror: the local default, served as-is by any static web server.
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { hashFile } from '../crypto.js';
import { ConflictError, MirrorSession, MirrorTarget, retryOnConflict, sameBytes } from './target.js';

export class DirectoryTarget implements MirrorTarget {
  readonly description: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.description = `directory ${root}`;
  }

  transaction<T>(work: (session: MirrorSession) => Promise<T>): Promise<T> {
    return retryOnConflict(() => work(this.session()));
  }

  /** One view of the folder; `transaction` adds the retries a shared folder needs. */
  session(): MirrorSession {
    const full = (path: string): string => join(this.root, ...path.split('/'));
    const missingAsUndefined = (error: NodeJS.ErrnoException): undefined => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    };
    const read = (path: string) => readFile(full(path)).catch(missingAsUndefined);
    /** Writes beside the destination, then renames: readers see the old file or the new one, never half. */
    const atomically = async (path: string, write: (temporary: string) => Promise<void>): Promise<void> => {
      const destination = full(path);
      const temporary = `${destination}.${process.pid}.tmp`;
      await mkdir(dirname(destination), { recursive: true });
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
        const stored = await hashFile(full(path)).catch(missingAsUndefined);
        if (!stored) return 'missing';
        return stored.sha256 === sha256 ? 'same' : 'different';
      },
      async list(folder) {
        const entries = await readdir(full(folder), { withFileTypes: true }).catch(() => []);
        return entries.filter((entry) => entry.isFile()).map((entry) => (folder ? `${folder}/${entry.name}` : entry.name));
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
