// Publishing signed releases to any mirror target: guards first, then every
// image, then every latest.txt, then optional retention, then the release page.
import semver from 'semver';
import { manifestPath, ManifestError, pendingManifestPath, readVersionLine, releaseFolder } from '../manifest.js';
import type { SignedRelease } from '../sign.js';
import { writeSite } from '../site/page.js';
import { writeWebInstallFiles } from '../site/web-install.js';
import { compareVersions } from '../version.js';
import type { MirrorSession, MirrorTarget } from './target.js';

export class PublishError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishError';
  }
}

export interface PublishOptions {
  /** Re-publish a version equal to the one in the mirror (never a lower one). */
  force?: boolean;
  /** Keep only the newest N images per board and channel (the current one always stays). */
  keepVersions?: number;
  /**
   * Runs first in each attempt, with that attempt's session: may record what it
   * needs and returns more releases to publish with these (channels that follow stable).
   */
  companions?: (session: MirrorSession) => Promise<SignedRelease[]>;
}

export interface PublishedManifest {
  board: string;
  channel: string;
  version: string;
  manifest: string;
  image: string;
  size: number;
  sha256: string;
  /** False when an identical image was already there. */
  imageWritten: boolean;
  /**
   * Set when a concurrent publisher landed this version or a higher one while
   * this run was publishing: the image is added, latest.txt keeps that version.
   */
  supersededBy?: string;
}

const IMAGE_NAME = /^firmware-(.+)\.bin$/;
/** Files of one version: its image, the flash images and ESP Web Tools manifest of a browser install. */
const VERSION_FILE = /^[A-Za-z0-9_]+-(.+)\.(bin|json)$/;

interface Planned {
  release: SignedRelease;
  /** Where the manifest is written: latest.txt, or the staging path for a staged release. */
  manifest: string;
  image: string;
  /** What `manifest` holds now (for the conditional write). */
  previousManifest: Buffer | undefined;
  imageExists: boolean;
  supersededBy?: string;
}

/**
 * Checks one release against what the mirror holds. `retry` is true when an
 * earlier attempt passed these checks and lost a race: a version the mirror now
 * holds at or above ours came from a concurrent run, so ours still adds its image.
 */
async function plan(session: MirrorSession, release: SignedRelease, options: PublishOptions, where: string, retry: boolean): Promise<Planned> {
  const manifest = manifestPath(release.board, release.channel);
  const image = `${releaseFolder(release.board, release.channel)}/${release.file}`;
  const previousManifest = await session.read(manifest);
  let supersededBy: string | undefined;
  if (previousManifest) {
    let current: string;
    try {
      current = readVersionLine(previousManifest);
    } catch (error) {
      const reason = error instanceof ManifestError ? error.message : String(error);
      throw new PublishError(`${manifest} in ${where} is not a readable manifest (${reason}); remove it to publish`);
    }
    const order = compareVersions(release.version, current);
    const refused = order < 0 || (order === 0 && !options.force);
    if (refused && retry) {
      supersededBy = current;
    } else if (order < 0) {
      throw new PublishError(
        `refusing to publish ${release.version} for ${release.board} (${release.channel}): ${where} already offers ${current}, and devices never go back`,
      );
    } else if (refused) {
      throw new PublishError(
        `${release.version} is already published for ${release.board} (${release.channel}) in ${where}; use --force (force: true) to re-publish the same version`,
      );
    }
  }
  const existingImage = await session.compareImage(image, release.imageFile, release.sha256);
  if (existingImage === 'different') {
    throw new PublishError(
      `${image} already exists in ${where} with different bytes; images are immutable, so publish a new version`,
    );
  }
  const imageExists = existingImage === 'same';
  if (release.staged) {
    // Checked against latest.txt above; written to the staging path for cosigning.
    const pending = pendingManifestPath(release.board, release.channel);
    return { release, manifest: pending, image, previousManifest: await session.read(pending), imageExists, supersededBy };
  }
  return { release, manifest, image, previousManifest, imageExists, supersededBy };
}

/** Deletes images beyond the newest `keep` versions in the folder, never the one the manifest names. */
async function applyRetention(session: MirrorSession, planned: Planned, keep: number): Promise<void> {
  const folder = releaseFolder(planned.release.board, planned.release.channel);
  const files = await session.list(folder);
  const nameOf = (path: string): string => path.slice(folder.length + 1);
  const images = files
    .map((path) => ({ path, name: IMAGE_NAME.exec(nameOf(path))?.[1] }))
    .filter((entry): entry is { path: string; name: string } => entry.name !== undefined && semver.valid(entry.name.replace(/_/g, '+')) !== null)
    .sort((a, b) => compareVersions(b.name.replace(/_/g, '+'), a.name.replace(/_/g, '+')));
  // Versions as they appear in file names; each removed one takes its flash images and web manifest along.
  const removed = new Set(images.slice(keep).filter(({ path }) => path !== planned.image).map(({ name }) => name));
  for (const path of files) {
    const name = VERSION_FILE.exec(nameOf(path))?.[1];
    if (name !== undefined && removed.has(name)) await session.remove(path);
  }
}

export async function publishReleases(
  target: MirrorTarget,
  releases: readonly SignedRelease[],
  options: PublishOptions = {},
): Promise<PublishedManifest[]> {
  if (options.keepVersions !== undefined && !(Number.isInteger(options.keepVersions) && options.keepVersions >= 1)) {
    throw new PublishError(`keep-versions must be a whole number of at least 1, got ${options.keepVersions}`);
  }
  const manifests = new Set(releases.map((release) => manifestPath(release.board, release.channel)));
  if (manifests.size !== releases.length) throw new PublishError('two releases would write the same latest.txt');
  let attempts = 0;
  return target.transaction(async (session) => {
    const retry = attempts++ > 0;
    const planned: Planned[] = [];
    const all = [...releases, ...((await options.companions?.(session)) ?? [])];
    for (const release of all) planned.push(await plan(session, release, options, target.description, retry));
    for (const entry of planned) {
      if (!entry.imageExists) await session.writeImage(entry.image, entry.release.imageFile);
      await writeWebInstallFiles(session, entry.release);
    }
    const current = planned.filter((entry) => entry.supersededBy === undefined);
    for (const entry of current) await session.writeManifest(entry.manifest, entry.release.manifest, entry.previousManifest);
    if (options.keepVersions !== undefined) {
      // A staged release does not change what latest.txt names, so it prunes nothing.
      for (const entry of current.filter(({ release }) => !release.staged)) await applyRetention(session, entry, options.keepVersions);
    }
    await writeSite(session);
    return planned.map(({ release, manifest, image, imageExists, supersededBy }) => ({
      board: release.board,
      channel: release.channel,
      version: release.version,
      manifest,
      image,
      size: release.size,
      sha256: release.sha256,
      imageWritten: !imageExists,
      ...(supersededBy === undefined ? {} : { supersededBy }),
    }));
  }, [...manifests]);
}
