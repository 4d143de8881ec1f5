// Directory mirror: the local default, served as-is by any static web server.
// Several processes may write one mirror at once: images are linked into place
// (never over another file), manifests compared and renamed under a lock file.
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hashFile } from '../protocol/crypto.js';
import { holdTemporary } from '../common/interrupt.js';
import { processIsGone, withLockFile } from './lock-file.js';
import { ConflictError, MirrorSession, MirrorTarget, retryOnConflict, sameBytes } from './target.js';

/** At the mirror root; held only while a manifest is compared and renamed. */
export const LOCK_FILE = '.static-ota.lock';
/** Temporary files are `<destination>.static-ota-<pid>.tmp`, beside their destination. */
const TEMPORARY_FILE = /\.static-ota-(\d+)\.tmp$/;
const temporaryPath = (destination: string): string => `${destination}.static-ota-${process.pid}.tmp`;
/** A temporary file unchanged this long is not being written (a copy in progress changes it constantly). */
const LEFTOVER_AFTER_MS = 60_000;
/** The mirror's folders are boards, channels and install/'s own: temporary files are never deeper. */
const SWEEP_DEPTH = 3;

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

/**
 * Removes the temporary files of writers that are gone (killed before they
 * could clean up): not running on this host, and the file unchanged for
 * LEFTOVER_AFTER_MS, so the live writer of a shared (NFS) mirror on another host keeps its own.
 */
async function sweepLeftovers(folder: string, depth = SWEEP_DEPTH): Promise<void> {
  // Best effort: an unreadable folder is reported by the write that needs it.
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith('.') && depth > 0) await sweepLeftovers(path, depth - 1);
    const pid = TEMPORARY_FILE.exec(entry.name)?.[1];
    if (!entry.isFile() || pid === undefined || !processIsGone(Number(pid))) continue;
    const changed = await stat(path).then(({ mtimeMs }) => mtimeMs, ignoreMissing(undefined));
    if (changed !== undefined && Date.now() - changed > LEFTOVER_AFTER_MS) await rm(path, { force: true });
  }
}

/** Writes beside the destination with `write`, then `place`s it (rename or link): the temporary never stays. */
async function viaTemporary(
  destination: string,
  write: (temporary: string) => Promise<void>,
  place: (temporary: string) => Promise<void>,
): Promise<void> {
  const temporary = temporaryPath(destination);
  await makeFolders(dirname(destination));
  const forget = holdTemporary(temporary);
  try {
    await write(temporary);
    await place(temporary);
  } finally {
    await rm(temporary, { force: true });
    forget();
  }
}

export class DirectoryTarget implements MirrorTarget {
  readonly description: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.description = `directory ${root}`;
  }

  publicUrl(path: string): string {
    return pathToFileURL(join(this.root, path)).href;
  }

  async transaction<T>(work: (session: MirrorSession) => Promise<T>): Promise<T> {
    await sweepLeftovers(this.root);
    return retryOnConflict(() => work(this.session())).catch((error: NodeJS.ErrnoException) => {
      // File-system errors keep their code and path (EROFS, EACCES, ENOTDIR), prefixed with the mirror.
      if (error.code !== undefined && error.syscall !== undefined)
        error.message = `${this.description}: ${error.message}`;
      throw error;
    });
  }

  /** One view of the folder; `transaction` adds the retries a shared folder needs. */
  session(): MirrorSession {
    // Joined by hand: the paths are the mirror's own ('/'-separated, no '.' or '..'), and path.join's normalising, run
    // for every file of the page and of install/, is what made V8 compile Node's path code with its optimising tier:
    // about 6 MiB more peak memory for a first publish (npm run bench -- default-path).
    const prefix = this.root.endsWith(sep) ? this.root : `${this.root}${sep}`;
    const full = (path: string): string => (path === '' ? this.root : prefix + path.split('/').join(sep));
    const read = (path: string) => readFile(full(path)).catch(ignoreMissing(undefined));
    const lock = join(this.root, LOCK_FILE);
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
      // Linked, not renamed: a link never replaces a file, so an image a concurrent writer placed first stays, and
      // one with other bytes is a conflict (the retry refuses it as a different image of the same version).
      writeImage: (path, localFile) =>
        viaTemporary(
          full(path),
          (temporary) => copyFile(localFile, temporary),
          (temporary) =>
            link(temporary, full(path)).catch(async (error: NodeJS.ErrnoException) => {
              if (error.code !== 'EEXIST') throw error;
              const [placed, ours] = await Promise.all([hashFile(full(path)), hashFile(temporary)]);
              if (placed.sha256 !== ours.sha256) throw new ConflictError(`${path} was written meanwhile`);
            }),
        ),
      // Renamed: readers see the old file or the new one, never half. Compared and renamed under the lock, so no
      // writer replaces a manifest between another's comparison and rename (latest.txt never goes back).
      writeManifest: (path, text, previous) =>
        viaTemporary(
          full(path),
          (temporary) => writeFile(temporary, text, 'latin1'),
          (temporary) =>
            withLockFile(lock, async () => {
              if (!sameBytes(await read(path), previous)) throw new ConflictError(`${path} changed while publishing`);
              await rename(temporary, full(path));
            }),
        ),
      remove: (path) => rm(full(path), { force: true }),
    };
  }
}
