// The release job the action runs: version → build → sign → publish.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ATTESTATION_FIELD, attestImage, verifyCommand, type AttestationRequest } from './attest.js';
import { buildEnvironment, ensurePio, listEnvironments } from './build.js';
import type { Reporter } from '../common/reporter.js';
import { publishReleases, type Published, type PublishedManifest } from './publish.js';
import type { MirrorSession, MirrorTarget } from '../mirror/target.js';
import { createTarget } from '../mirror/factory.js';
import { hashFile } from '../protocol/crypto.js';
import { channelsBehind, recordChannel } from './follow-stable.js';
import {
  FULL_ROLLOUT,
  imageFileName,
  manifestPath,
  MAX_SEQ,
  openManifest,
  STABLE_CHANNEL,
  type OpenedManifest,
} from '../protocol/manifest.js';
import { checkImage, gunzipImage, gzipImage } from './image.js';
import { publishPatches, type PublishedPatch } from './patches.js';
import { holdTemporary } from '../common/interrupt.js';
import { checkBoard, type CompressMode } from '../settings/values.js';
import {
  findLockout,
  lockoutKeys,
  signRelease,
  type SignedRelease,
  type SigningKey,
  type SigningPolicy,
} from './sign.js';
import type { TargetConfig } from '../settings/target.js';
import type { Label } from '../settings/label.js';
import { readFlashLayout, type BrowserInstall, type ChipFamily, type FlashLayout } from './flash-layout.js';
import { channelFor, isPrerelease, parseVersion, tagFromRef, versionFromTag } from './version.js';

/** Version compiled into CI builds that release nothing. */
export const CI_BUILD_VERSION = '0.0.0-ci';

export interface ReleaseOptions {
  /** GITHUB_REF: a tag releases its version; anything else builds only. */
  ref?: string;
  /** Explicit version; wins over the ref. */
  version?: string;
  channel?: string;
  projectDir: string;
  /** Empty: every environment in platformio.ini. */
  environments: string[];
  build: boolean;
  /** The PlatformIO release pip installs when pio is missing (platformio-version); undefined: the newest. */
  platformioVersion?: string;
  /** Prebuilt images when build is false, with their flash layout when known (CLI --chip-family). */
  firmware: BuiltImage[];
  signingKeys: SigningKey[];
  nextReleaseKeys: Uint8Array[];
  allowLockout: boolean;
  expiresInSeconds?: number;
  /** Percent of devices offered the release (`rollout=`); undefined: all. */
  rollout?: number;
  /**
   * Signatures devices require (k of n, default 1). With fewer signing keys
   * than that, the release is staged (pending.txt) for `static-ota cosign`.
   */
  requiredSignatures?: number;
  force: boolean;
  /** A stable release is also offered on the board's other channels that offer a lower version (default true). */
  followStable?: boolean;
  maxImageBytes: number;
  /** gzip images for ESP8266 (auto: espressif8266 environments only). */
  compress: CompressMode;
  keepVersions?: number;
  target: TargetConfig;
  /** Attach images and manifests to the GitHub Release of the ref's tag. */
  releaseAssets?: { token: string; repository: string };
  /** Build provenance for every image (attest: true). */
  attest?: AttestationRequest;
  /**
   * Delta patches to each image from this many of the newest earlier versions of its board and channel that the
   * mirror holds (docs/protocol.md, "Delta updates"); 0 or undefined: none (the front doors pass delta-from, default 2 in action.yml).
   */
  deltaFrom?: number;
  log: Reporter;
  /** Names settings in messages as the user wrote them: the action's inputs, or the CLI's flags. */
  label: Label;
}

export interface BuiltImage {
  board: string;
  path: string;
  /** The chip, when known: from the flash layout of a build, or given for a prebuilt image. */
  chipFamily?: ChipFamily;
  flash?: FlashLayout;
  /** Without flash: why the release page has no install button for it (a prebuilt image of unknown chip: unknownChip). */
  noInstall?: string;
}

export interface ReleaseResult {
  /** Undefined in build-only mode. */
  version?: string;
  channel?: string;
  built: BuiltImage[];
  manifests: PublishedManifest[];
  /** Where the release page is (index.html, or releases.html beside a site's own index.html), when the target can tell. */
  pageUrl?: string;
  /** Lockout guard findings: let through by allow-lockout, or found by a build-only run. */
  lockouts: string[];
  /** With attest: the attestation of each image, and the command that checks it. */
  attestations?: Array<{ board: string; file: string; id: string; verify: string }>;
  /** The delta patches written (delta-from). */
  patches?: PublishedPatch[];
}

export class ReleaseError extends Error {
  constructor(
    message: string,
    /** What was published before the failure, so the caller can still report it. */
    readonly published?: ReleaseResult,
  ) {
    super(message);
    this.name = 'ReleaseError';
  }
}

/** Builds every environment; for a release, also reads each one's flash layout (the release page's install button). */
async function buildAll(options: ReleaseOptions, version: string, release: boolean): Promise<BuiltImage[]> {
  // Given environments were checked with the other inputs; found ones are checked here.
  const environments = options.environments.length
    ? options.environments
    : checkBoards(await listEnvironments(options.projectDir));
  await ensurePio(options.log, options.platformioVersion);
  const built = [];
  for (const board of environments) {
    const path = await buildEnvironment(options.projectDir, board, version, options.log);
    built.push({ board, path, ...(release ? await browserInstall(options, board) : {}) });
  }
  return built;
}

/**
 * Whether to gzip an image before signing. The chip is the flash layout's,
 * from PlatformIO (an espressif8266 environment is ESP8266, espressif32 the
 * board's ESP32 family) or the CLI's --chip-family. ESP8266's boot loader
 * inflates gzip images; ESP32's Update writes them as they are and they
 * would never boot, so gzip for an ESP32 is refused. An image that is
 * already gzip is published as it is.
 */
function wantsGzip(options: ReleaseOptions, { board, flash, chipFamily }: BuiltImage, alreadyGzip: boolean): boolean {
  const chip = flash?.chipFamily ?? chipFamily;
  if (chip?.startsWith('ESP32') && (alreadyGzip || options.compress === 'gzip')) {
    throw new ReleaseError(
      `${board} is an ${chip}: ESP32's Update does not inflate gzip images, so they cannot be published for it ` +
        (alreadyGzip
          ? '(the image is gzip: publish the raw image)'
          : `(${options.label('compress')} is gzip; use auto or none)`),
    );
  }
  if (alreadyGzip || options.compress === 'none') return false;
  if (options.compress === 'gzip' || chip === 'ESP8266') return true;
  if (chip === undefined) {
    options.log.info(
      `${board}: chip unknown (not reported by PlatformIO, or a prebuilt image without ${options.label('chip-family')}), published uncompressed`,
    );
  }
  return false;
}

/**
 * The bytes to serve: the image, or its gzip form in folder; for a gzip image
 * also the raw one, which a browser install writes over serial (the ROM boots
 * only 0xE9 images: only eboot inflates).
 */
async function servedImage(
  options: ReleaseOptions,
  firmware: BuiltImage,
  folder: () => Promise<string>,
): Promise<{ imageFile: string; rawImage?: string }> {
  const { gzip, size } = await checkImage(firmware.path, options.maxImageBytes, options.label('max-image-size'));
  if (!wantsGzip(options, firmware, gzip)) {
    if (!gzip || !firmware.flash) return { imageFile: firmware.path };
    const rawImage = join(await folder(), `${firmware.board}.bin`);
    await gunzipImage(firmware.path, rawImage);
    return { imageFile: firmware.path, rawImage };
  }
  const target = join(await folder(), `${firmware.board}.bin.gz`);
  const started = Date.now();
  await gzipImage(firmware.path, target);
  // Its size alone: signing checks the image it signs (inflating it twice), and a gzip form over max-image-size
  // only means it is not smaller than the raw image, which is served then.
  const { size: compressed } = await stat(target);
  // Incompressible bytes: gzip would only cost download and the time eboot takes to inflate.
  if (compressed >= size) {
    options.log.info(`${firmware.board}: gzip ${size} -> ${compressed} bytes is not smaller: published uncompressed`);
    return { imageFile: firmware.path };
  }
  options.log.info(
    `${firmware.board}: gzip ${size} -> ${compressed} bytes (${((100 * compressed) / size).toFixed(1)} %) in ${Date.now() - started} ms; eboot inflates it on the device`,
  );
  return { imageFile: target, rawImage: firmware.path };
}

/** The install button is an extra: a layout PlatformIO cannot report leaves the OTA release as it is. */
async function browserInstall(options: ReleaseOptions, board: string): Promise<BrowserInstall> {
  try {
    return await readFlashLayout(options.projectDir, board, options.log);
  } catch (error) {
    options.log.warning(`${board}: no browser install on the release page: ${(error as Error).message}`);
    return { noInstall: 'PlatformIO did not report its flash layout (the release log says why)' };
  }
}

/**
 * A build-only run (a pull request) applies the release's lockout guard as a
 * warning, so a change that drops the key shows before the tag, not at it.
 * It needs keys to look for: trusted-keys, or a signing key when one is given.
 */
async function previewLockouts(options: ReleaseOptions, built: BuiltImage[]): Promise<string[]> {
  const keys = lockoutKeys(options.nextReleaseKeys, options.signingKeys);
  if (keys.length === 0) return [];
  const lockouts = [];
  for (const { board, path } of built) {
    const lockout = await checkImage(path, options.maxImageBytes, options.label('max-image-size')).then(
      ({ gzip }) =>
        findLockout(
          { imageFile: path, board, version: CI_BUILD_VERSION },
          gzip,
          keys,
          options.requiredSignatures,
          options.label,
        ),
      (error: Error) => error.message,
    );
    if (lockout === undefined) continue;
    options.log.warning(`${lockout} A release of this build would be refused.`);
    lockouts.push(lockout);
  }
  return lockouts;
}

const checkBoards = (boards: string[]): string[] => boards.map((board) => checkBoard(board, 'board'));

/**
 * Records each non-stable channel in its board's index; for a stable release,
 * signs it again for every indexed channel that offers a lower version.
 */
async function channelCompanions(
  session: MirrorSession,
  signed: readonly SignedRelease[],
  policy: SigningPolicy,
  followStable: boolean,
): Promise<SignedRelease[]> {
  const companions: SignedRelease[] = [];
  for (const release of signed) {
    if (release.channel !== STABLE_CHANNEL) {
      await recordChannel(session, release.board, release.channel);
    } else if (followStable) {
      for (const channel of await channelsBehind(session, release.board, release.version)) {
        companions.push({ ...(await signRelease({ ...release, channel }, policy)), staged: release.staged });
      }
    }
  }
  return companions;
}

/**
 * A forced re-publish of the version the mirror offers (to renew expires=, say)
 * keeps its rollout unless one is given, so a halt stays a halt, and signs seq
 * one above its own, so devices that remember seq do not see a replay.
 */
async function carryForward(release: SignedRelease, previous: Buffer, policy: SigningPolicy): Promise<SignedRelease> {
  const path = manifestPath(release.board, release.channel);
  let current: OpenedManifest;
  try {
    current = openManifest(previous, lockoutKeys(policy.nextReleaseKeys, policy.keys));
  } catch (error) {
    throw new ReleaseError(
      `${path} offers ${release.version} but does not verify under the signing or trusted keys (${(error as Error).message}), ` +
        'so its rollout and seq cannot be carried forward: publish a new version',
    );
  }
  if (current.seq >= MAX_SEQ) throw new ReleaseError(`${path}: seq is at its maximum; publish a new version`);
  const rollout = policy.rollout ?? (current.rollout === FULL_ROLLOUT ? undefined : current.rollout);
  return { ...(await signRelease(release, { ...policy, rollout, seq: current.seq + 1 })), staged: release.staged };
}

export async function runRelease(options: ReleaseOptions): Promise<ReleaseResult> {
  checkBoards([...options.environments, ...options.firmware.map(({ board }) => board)]);
  const tag = tagFromRef(options.ref);
  if (options.releaseAssets && tag === undefined)
    throw new ReleaseError('release-assets needs a tag (refs/tags/...) to attach to');
  const version = options.version ? parseVersion(options.version) : versionFromTag(tag, options.ref);
  if (version === undefined) {
    if (!options.build) throw new ReleaseError('nothing to do: not a tag, no version input and build is false');
    options.log.info(
      `${options.ref ?? 'no ref'} is not a tag and no version was given: building only, nothing is signed or published`,
    );
    const built = await buildAll(options, CI_BUILD_VERSION, false);
    return { built, manifests: [], lockouts: await previewLockouts(options, built) };
  }
  const channel = channelFor(version, options.channel);
  // A tag's pre-release part picks the channel: say which, and who sees it, before anything is built.
  options.log.info(
    `releasing ${version} on channel ${channel}` +
      (channel === STABLE_CHANNEL ? '' : ` (devices that call setChannel("${channel}"))`),
  );
  if (options.signingKeys.length === 0) throw new ReleaseError('signing-key is required to publish a release');
  const built = options.build ? await buildAll(options, version, true) : options.firmware;
  if (built.length === 0) throw new ReleaseError('no firmware to publish: set build to true or give firmware paths');
  let compressed: string | undefined;
  let forget = (): void => undefined;
  const compressedFolder = async () => {
    if (compressed === undefined) {
      compressed = await mkdtemp(join(tmpdir(), 'static-ota-gzip-'));
      forget = holdTemporary(compressed);
    }
    return compressed;
  };
  try {
    return await signAndPublish(options, { tag, version, channel }, built, compressedFolder);
  } finally {
    if (compressed) await rm(compressed, { recursive: true, force: true });
    forget();
  }
}

/** Folds a phase's log lines under `title` where the reporter can (the Actions log), as the build does per environment. */
const phase = <T>(options: ReleaseOptions, title: string, work: () => Promise<T>): Promise<T> =>
  options.log.group ? options.log.group(title, work) : work();

async function signAndPublish(
  options: ReleaseOptions,
  { tag, version, channel }: { tag: string | undefined; version: string; channel: string },
  built: BuiltImage[],
  compressedFolder: () => Promise<string>,
): Promise<ReleaseResult> {
  const policy = signingPolicy(options);
  const { signed, attestations } = await phase(options, `sign ${version} (${channel})`, () =>
    signAll(options, policy, { version, channel }, built, compressedFolder),
  );
  const lockouts = signed.flatMap((release) => (release.lockout === undefined ? [] : [release.lockout]));
  for (const lockout of lockouts)
    options.log.warning(`${options.label('allow-lockout')} is set, publishing anyway: ${lockout}`);
  const target = await createTarget(options.target, options.log);
  const { manifests, page, patches } = await phase(options, `publish to ${target.description}`, () =>
    publishAll(options, policy, signed, target),
  );
  const result = {
    version,
    channel,
    built,
    manifests,
    pageUrl: target.publicUrl?.(page),
    lockouts,
    patches,
    ...(options.attest ? { attestations } : {}),
  };
  if (options.releaseAssets) {
    await phase(options, 'release assets', () =>
      attachAssets(options, { tag: tag as string, version, target: target.description }, signed, result),
    );
  }
  return result;
}

function signingPolicy(options: ReleaseOptions): SigningPolicy {
  return {
    keys: options.signingKeys,
    nextReleaseKeys: options.nextReleaseKeys,
    allowLockout: options.allowLockout,
    maxImageBytes: options.maxImageBytes,
    expires:
      options.expiresInSeconds === undefined ? undefined : Math.floor(Date.now() / 1000) + options.expiresInSeconds,
    rollout: options.rollout,
    requiredSignatures: options.requiredSignatures,
    label: options.label,
  };
}

/** Each image as served (gzip where wanted), attested when asked, signed. */
async function signAll(
  options: ReleaseOptions,
  policy: SigningPolicy,
  { version, channel }: { version: string; channel: string },
  built: BuiltImage[],
  compressedFolder: () => Promise<string>,
): Promise<{ signed: SignedRelease[]; attestations: NonNullable<ReleaseResult['attestations']> }> {
  const staged = new Set(options.signingKeys.map((key) => key.keyId)).size < (options.requiredSignatures ?? 1);
  const signed: SignedRelease[] = [];
  const attestations: NonNullable<ReleaseResult['attestations']> = [];
  for (const firmware of built) {
    const { board, flash, noInstall } = firmware;
    const file = imageFileName(version);
    const served = await servedImage(options, firmware, compressedFolder);
    let extra: Array<[string, string]> | undefined;
    if (options.attest) {
      // The subject is what the mirror serves: for a gzip image, the compressed bytes.
      const id = await attestImage({ board, file, sha256: (await hashFile(served.imageFile)).sha256 }, options.attest);
      options.log.info(`attested ${board}/${file}: attestation ${id}`);
      attestations.push({ board, file, id, verify: verifyCommand(file, options.attest.repository) });
      extra = [[ATTESTATION_FIELD, id]];
    }
    const release = await signRelease({ ...served, board, version, channel, file, flash, noInstall, extra }, policy);
    signed.push({ ...release, staged });
  }
  return { signed, attestations };
}

/** Publishes (with delta patches from earlier versions), then says what each manifest became: published, staged for cosign, finished, or superseded. */
async function publishAll(
  options: ReleaseOptions,
  policy: SigningPolicy,
  signed: SignedRelease[],
  target: MirrorTarget,
): Promise<Published & { patches: PublishedPatch[] }> {
  let patches: PublishedPatch[] = [];
  const published = await publishReleases(target, signed, {
    force: options.force,
    keepVersions: options.keepVersions,
    companions: (session) => channelCompanions(session, signed, policy, options.followStable ?? true),
    republish: (release, previous) => carryForward(release, previous, policy),
    trustedKeys: lockoutKeys(options.nextReleaseKeys, options.signingKeys),
    warn: options.log.warning,
    label: options.label,
    patches: async (session, releases) => {
      patches = await publishPatches(session, releases, {
        deltaFrom: options.deltaFrom ?? 0,
        keys: options.signingKeys,
        expires: policy.expires,
        info: (message: string) => options.log.info(message),
        warn: (message: string) => options.log.warning(message),
      });
    },
  });
  const staged = signed.some((release) => release.staged);
  const where = target.description;
  for (const manifest of published.manifests) {
    const what = `${manifest.version} for ${manifest.board} (${manifest.channel})`;
    if (manifest.supersededBy !== undefined) {
      options.log.warning(
        `${manifest.image} was added, but a concurrent run published ${manifest.supersededBy} meanwhile, so ${manifest.manifest} keeps offering ${manifest.supersededBy}`,
      );
    } else if (staged) {
      options.log.info(
        `staged ${what} in ${where}: ${manifest.manifest}, signed by ${options.signingKeys.length} of the ${options.requiredSignatures} keys devices require; devices keep the current release until \`static-ota cosign\` adds the rest`,
      );
    } else if (manifest.finished) {
      options.log.info(
        `finished publishing ${what} to ${where}: ${manifest.manifest} already offered this image; the rest (release page) is now done`,
      );
    } else {
      options.log.info(`published ${what} to ${where}: ${manifest.manifest}`);
    }
  }
  return { ...published, patches };
}

/** The GitHub Release of the tag gets the images and manifests; a failure says the mirror is published already. */
async function attachAssets(
  options: ReleaseOptions,
  { tag, version, target }: { tag: string; version: string; target: string },
  signed: SignedRelease[],
  published: ReleaseResult,
): Promise<void> {
  const releaseAssets = options.releaseAssets as NonNullable<ReleaseOptions['releaseAssets']>;
  try {
    // Loaded only when asked for: @actions/github is large.
    const { attachSignedReleases } = await import('./release-assets.js');
    await attachSignedReleases({ ...releaseAssets, tag, prerelease: isPrerelease(version) }, signed);
  } catch (error) {
    throw new ReleaseError(
      `the mirror is published (${target}), but attaching the release assets failed: ${(error as Error).message}. ` +
        'To attach them, re-run with build: false, force: true and the published images as firmware (identical images are kept).',
      published,
    );
  }
}
