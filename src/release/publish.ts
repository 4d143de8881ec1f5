// Publishing signed releases to any mirror target: guards first, then every
// image, then every latest.txt, then optional retention, then the release page.
import validVersion from 'semver/functions/valid.js';
import {
  imagePath,
  manifestPath,
  ManifestError,
  type MirrorRelease,
  pendingManifestPath,
  readVersionLine,
  releaseFolder,
  summarizeManifest,
  versionOfFile,
  versionOfImageFile,
} from '../protocol/manifest.js';
import { noteLive } from '../common/interrupt.js';
import { versionsOfPatchFile } from '../protocol/patch.js';
import type { SignedRelease } from './sign.js';
import { inputLabel, type Label } from '../settings/label.js';
import { INDEX_JSON, readPageListing, writeSite, type PageListing } from '../site/page.js';
import { writeWebInstallFiles } from '../site/web-install.js';
import { compareVersions } from './version.js';
import { ConflictError, type MirrorSession, type MirrorTarget } from '../mirror/target.js';

export interface PublishOptions {
  /** Names settings in messages as the user wrote them (force, keep-versions); default: the action's input names. */
  label?: Label;
  /** Re-publish a version equal to the one in the mirror (never a lower one). */
  force?: boolean;
  /** Keep only the newest N (at least 1, parsed by the front doors) images per board and channel (the current one always stays). */
  keepVersions?: number;
  /**
   * Runs first in each attempt, with that attempt's session: may record what it
   * needs and returns more releases to publish with these (channels that follow stable).
   */
  companions?: (session: MirrorSession) => Promise<SignedRelease[]>;
  /**
   * With force, signs a release again given the manifest of the same version
   * it replaces (carrying its rollout and seq forward).
   */
  republish?: (release: SignedRelease, previous: Buffer) => Promise<SignedRelease>;
  /**
   * Public keys devices trust (trusted-keys): the release page shows only manifests that verify under these or the
   * keys that signed these releases.
   */
  trustedKeys?: readonly Uint8Array[];
  /** Says what the release page skipped (foreign or broken files on the mirror). */
  warn?: (message: string) => void;
  /**
   * Runs after the images and before any latest.txt, with the releases this attempt makes live (not staged, not
   * superseded): writes their delta patches (patches.ts), so a device that accepts a release finds them.
   */
  patches?: (session: MirrorSession, releases: readonly SignedRelease[]) => Promise<void>;
}

/** `manifest` is where this run wrote it: latest.txt, or the staging path for a staged release. */
export interface PublishedManifest extends MirrorRelease {
  /** False when an identical image was already there. */
  imageWritten: boolean;
  /**
   * Set when a concurrent publisher landed this version or a higher one while
   * this run was publishing: the image is added, latest.txt keeps that version.
   */
  supersededBy?: string;
  /**
   * Set when latest.txt already offered this very image but the release page did not list it (an earlier run of
   * the same publish stopped after latest.txt went live): this run finished the page and left latest.txt as it was.
   */
  finished?: boolean;
}

/** What a publish wrote: each manifest, and the release page's path at the mirror root (see writeSite). */
export interface Published {
  manifests: PublishedManifest[];
  page: string;
}

interface Planned {
  release: SignedRelease;
  /** Where the manifest is written: latest.txt, or the staging path for a staged release. */
  manifestPath: string;
  imagePath: string;
  /** What `manifestPath` holds now (for the conditional write). */
  previousManifest: Buffer | undefined;
  imageExists: boolean;
  supersededBy?: string;
  /** latest.txt already offers this image: not written again (see PublishedManifest.finished). */
  finished?: boolean;
}

/** Whether `live` offers `release`'s version with the same image: what an interrupted run of this publish leaves. */
function offersSameImage(live: Buffer, release: SignedRelease): boolean {
  const { version, fields } = summarizeManifest(live);
  return version === release.version && fields.get('file') === release.file && fields.get('sha256') === release.sha256;
}

/**
 * Checks one release against what the mirror holds. `retry` is true when an
 * earlier attempt passed these checks and lost a race: a version the mirror now
 * holds at or above ours came from a concurrent run, so ours still adds its image.
 */
async function plan(
  session: MirrorSession,
  signed: SignedRelease,
  options: PublishOptions,
  where: string,
  retry: boolean,
  listing: PageListing,
): Promise<Planned> {
  let release = signed;
  const livePath = manifestPath(release.board, release.channel);
  const image = imagePath(release.board, release.channel, release.file);
  const previousManifest = await session.read(livePath);
  let supersededBy: string | undefined;
  if (previousManifest) {
    let current: string;
    try {
      current = readVersionLine(previousManifest);
    } catch (error) {
      const reason = error instanceof ManifestError ? error.message : String(error);
      throw new Error(`${livePath} in ${where} is not a readable manifest (${reason}); remove it to publish`, {
        cause: error,
      });
    }
    const order = compareVersions(release.version, current);
    const refused = order < 0 || (order === 0 && !options.force);
    const unfinished =
      order === 0 &&
      !release.staged &&
      !listing.lists(livePath, release.version, release.sha256) &&
      offersSameImage(previousManifest, release);
    if (refused && unfinished && (await session.compareImage(image, release.imageFile, release.sha256)) === 'same') {
      // Same version, same image, page behind: finish that run instead of asking for --force.
      return { release, manifestPath: livePath, imagePath: image, previousManifest, imageExists: true, finished: true };
    } else if (refused && retry) {
      supersededBy = current;
    } else if (order < 0) {
      throw new Error(
        `refusing to publish ${release.version} for ${release.board} (${release.channel}): ${where} already offers ${current}, and devices never go back`,
      );
    } else if (refused) {
      throw new Error(
        `${release.version} is already published for ${release.board} (${release.channel}) in ${where}; use ${(options.label ?? inputLabel)('force')} to re-publish the same version`,
      );
    }
    if (order === 0 && supersededBy === undefined && options.republish)
      release = await options.republish(release, previousManifest);
  }
  const existingImage = await session.compareImage(image, release.imageFile, release.sha256);
  if (existingImage === 'different') {
    throw new Error(
      `${image} already exists in ${where} with different bytes; images are immutable, so publish a new version`,
    );
  }
  const imageExists = existingImage === 'same';
  if (release.staged) {
    // Checked against latest.txt above; written to the staging path for cosigning.
    const pending = pendingManifestPath(release.board, release.channel);
    const previousPending = await session.read(pending);
    return {
      release,
      manifestPath: pending,
      imagePath: image,
      previousManifest: previousPending,
      imageExists,
      supersededBy,
    };
  }
  return { release, manifestPath: livePath, imagePath: image, previousManifest, imageExists, supersededBy };
}

/** Deletes images beyond the newest `keep` versions in the folder, never the one the manifest names. */
async function applyRetention(session: MirrorSession, planned: Planned, keep: number): Promise<void> {
  const folder = releaseFolder(planned.release.board, planned.release.channel);
  const files = await session.list(folder);
  const nameOf = (path: string): string => path.slice(folder.length + 1);
  const images = files
    .map((path) => ({ path, version: versionOfImageFile(nameOf(path)) }))
    .filter(
      (entry): entry is { path: string; version: string } =>
        entry.version !== undefined && validVersion(entry.version) !== null,
    )
    .sort((a, b) => compareVersions(b.version, a.version));
  // Each removed version takes its flash images and web install manifest along.
  const removed = new Set(
    images
      .slice(keep)
      .filter(({ path }) => path !== planned.imagePath)
      .map(({ version }) => version),
  );
  for (const path of files) {
    const version = versionOfFile(nameOf(path));
    // A patch goes with either of its versions: from a removed base, or to a removed release.
    const patch = versionsOfPatchFile(nameOf(path));
    const gone = patch
      ? removed.has(patch.result) || removed.has(patch.base)
      : version !== undefined && removed.has(version);
    if (gone) await session.remove(path);
  }
}

/** What a publish has made live so far, for a failure or a stop after latest.txt changed. */
class LiveProgress {
  private readonly live: Planned[] = [];
  private writing?: Planned;
  step = 'the manifests';

  constructor(
    private readonly where: string,
    private readonly label: Label,
  ) {}

  async write(session: MirrorSession, entry: Planned): Promise<void> {
    this.writing = entry;
    await session.writeManifest(entry.manifestPath, entry.release.manifestText, entry.previousManifest);
    this.live.push(entry);
    this.writing = undefined;
  }

  /** Undefined while nothing devices read has changed. */
  describe(): string | undefined {
    const name = ({ manifestPath, release, imagePath }: Planned) =>
      `${manifestPath} (${release.version}, image ${imagePath})`;
    if (this.live.length === 0 && this.writing === undefined) return undefined;
    const live = this.live.length ? `Live in ${this.where}: ${this.live.map(name).join(', ')}. ` : '';
    const writing = this.writing ? `Possibly live (its write was under way): ${name(this.writing)}. ` : '';
    return `${live}${writing}Not done: ${this.step}. Run the same publish again to finish it (no ${this.label('force')} needed).`;
  }
}

/** One attempt: guards, images, manifests, retention, then the release page. */
async function publishAttempt(
  session: MirrorSession,
  all: readonly SignedRelease[],
  options: PublishOptions,
  target: MirrorTarget,
  retry: boolean,
): Promise<Published> {
  const listing = await readPageListing(session);
  const planned: Planned[] = [];
  for (const release of all) planned.push(await plan(session, release, options, target.description, retry, listing));
  for (const entry of planned) {
    if (!entry.imageExists) await session.writeImage(entry.imagePath, entry.release.imageFile, entry.release.sha256);
    await writeWebInstallFiles(session, entry.release);
  }
  const current = planned.filter((entry) => entry.supersededBy === undefined);
  await options.patches?.(
    session,
    current.filter(({ release }) => !release.staged).map(({ release }) => release),
  );
  const label = options.label ?? inputLabel;
  const progress = new LiveProgress(target.description, label);
  // On Pages nothing is live before the push, which ends the transaction.
  const forget = target.commitsAtEnd ? () => undefined : noteLive(() => progress.describe());
  let page: string;
  try {
    for (const entry of current.filter(({ finished }) => !finished)) await progress.write(session, entry);
    if (options.keepVersions !== undefined) {
      progress.step = `retention (${label('keep-versions')}), then the release page`;
      // A staged release does not change what latest.txt names, so it prunes nothing.
      for (const entry of current.filter(({ release }) => !release.staged))
        await applyRetention(session, entry, options.keepVersions);
    }
    progress.step = 'the release page (index.html, index.json)';
    const keys = [...(options.trustedKeys ?? []), ...all.flatMap((release) => release.signerKeys)];
    page = await writeSite(session, { keys, warn: options.warn }, all);
  } catch (error) {
    const live = progress.describe();
    if (error instanceof ConflictError || live === undefined || target.commitsAtEnd) throw error;
    throw new Error(`${(error as Error).message}. ${live}`, { cause: error });
  } finally {
    forget();
  }
  const manifests = planned.map(({ release, manifestPath, imagePath, imageExists, supersededBy, finished }) => ({
    board: release.board,
    channel: release.channel,
    version: release.version,
    manifest: manifestPath,
    image: imagePath,
    size: release.size,
    sha256: release.sha256,
    imageWritten: !imageExists,
    ...(supersededBy === undefined ? {} : { supersededBy }),
    ...(finished ? { finished } : {}),
  }));
  return { manifests, page };
}

export async function publishReleases(
  target: MirrorTarget,
  releases: readonly SignedRelease[],
  options: PublishOptions = {},
): Promise<Published> {
  const manifestPaths = new Set(releases.map((release) => manifestPath(release.board, release.channel)));
  if (manifestPaths.size !== releases.length) throw new Error('two releases would write the same latest.txt');
  let attempts = 0;
  return target.transaction(
    async (session) => {
      const retry = attempts++ > 0;
      const all = [...releases, ...((await options.companions?.(session)) ?? [])];
      return publishAttempt(session, all, options, target, retry);
    },
    // Everything `work` reads from the mirror, whatever its history: each latest.txt (and staging path), and the
    // release page's index.json for first-seen times; the page fetches what else it reads in batches.
    [
      ...manifestPaths,
      ...releases
        .filter((release) => release.staged)
        .map((release) => pendingManifestPath(release.board, release.channel)),
      INDEX_JSON,
    ],
  );
}
