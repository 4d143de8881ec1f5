// The release page's view of a release's delta patches (docs/protocol.md,
// "Delta updates"): the patch manifests beside its image that a device of
// that board and channel would take for it.
import { isValidFileName, releaseFolder, type OpenedManifest } from '../protocol/manifest.js';
import { openPatchManifest, patchMismatch } from '../protocol/patch.js';
import type { MirrorSession } from '../mirror/target.js';
import { compareVersions } from '../release/version.js';

export interface PatchView {
  /** The base version a device must run. */
  from: string;
  manifest: string;
  patch: string;
  size: number;
}

/** The release's raw image, as a patch must build it: a gzip release's is its signed inflated size (hash in the patch manifest). */
function target(release: OpenedManifest) {
  const gzip = release.encoding === 'gzip';
  return {
    version: release.version,
    board: release.board,
    channel: release.channel,
    resultSize: gzip ? (release.inflatedSize ?? 0) : release.size,
    resultSha256: release.sha256,
    gzip,
  };
}

/**
 * The patches of `release` in its folder (`files`: the folder's file names):
 * each `<image file>.from-<version>.txt` that opens under `keys` and fits the
 * release, with its patch file present. Anything else is skipped with a warning.
 */
export async function readPatchViews(
  session: MirrorSession,
  release: OpenedManifest,
  files: ReadonlySet<string>,
  keys: readonly Uint8Array[],
  warn?: (message: string) => void,
): Promise<PatchView[]> {
  const folder = releaseFolder(release.board, release.channel);
  const prefix = `${release.file}.from-`;
  const names = [...files].filter((name) => name.startsWith(prefix) && name.endsWith('.txt') && isValidFileName(name));
  const views: PatchView[] = [];
  const wanted = target(release);
  for (const name of names) {
    const path = `${folder}/${name}`;
    try {
      const patch = openPatchManifest((await session.read(path)) ?? Buffer.alloc(0), keys);
      const mismatch = patchMismatch(
        patch,
        wanted.gzip ? { ...wanted, resultSha256: patch.resultSha256 } : wanted,
        patch.baseVersion,
      );
      if (mismatch !== undefined) throw new Error(mismatch);
      if (!files.has(patch.file)) throw new Error(`its patch ${patch.file} is missing`);
      views.push({ from: patch.baseVersion, manifest: path, patch: `${folder}/${patch.file}`, size: patch.size });
    } catch (error) {
      warn?.(`${path} is not on the release page: ${(error as Error).message}`);
    }
  }
  return views.sort((a, b) => compareVersions(b.from, a.from));
}
