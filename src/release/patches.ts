// Delta patches for a release (docs/protocol.md, "Delta updates"): from each
// of the N newest earlier versions of the board and channel that the mirror
// still holds, a patch to the release's raw image and its signed patch
// manifest, written before latest.txt so a device that accepts the release
// finds them.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sha256Hex } from '../protocol/crypto.js';
import { isValidVersion, MAX_MANIFEST_BYTES, releaseFolder, versionOfImageFile } from '../protocol/manifest.js';
import {
  normalizedBase,
  openPatchManifest,
  patchFileName,
  patchManifestFileName,
  serializePatchBody,
  type PatchManifestFields,
} from '../protocol/patch.js';
import { holdTemporary } from '../common/interrupt.js';
import type { MirrorSession } from '../mirror/target.js';
import { createPatch } from './delta/encode.js';
import { signBody, type SignedRelease, type SigningKey } from './sign.js';
import { compareVersions } from './version.js';

export interface PatchPolicy {
  /** How many earlier versions get a patch (0: none). */
  deltaFrom: number;
  keys: readonly SigningKey[];
  /** The release's expires=, which its patch manifests carry too. */
  expires?: number;
  info: (message: string) => void;
  warn: (message: string) => void;
}

export interface PublishedPatch {
  board: string;
  channel: string;
  version: string;
  baseVersion: string;
  manifest: string;
  patch: string;
  size: number;
  resultSize: number;
}

/**
 * The largest raw image patched: the encoder holds both images and their suffix array in memory (about 40 bytes per
 * image byte), and the largest ESP32 app partitions are 4 MiB; bigger images are published without patches.
 */
export const MAX_PATCHED_IMAGE_BYTES = 4 * 1024 * 1024;

/** The raw image: a gzip one (ESP8266 compress) inflated, as eboot leaves it in flash, never past the bound. */
const rawImage = (bytes: Buffer): Buffer =>
  bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes, { maxOutputLength: MAX_PATCHED_IMAGE_BYTES + 1 }) : bytes;

/**
 * A base read from the mirror as the device holds it (raw, header bytes normalized), or why it cannot be one: the
 * mirror may hold anything under an image's name, and a broken or foreign file never fails the publish.
 */
function baseImage(bytes: Buffer): Uint8Array | string {
  if (bytes.length > MAX_PATCHED_IMAGE_BYTES) return `it is over ${MAX_PATCHED_IMAGE_BYTES} bytes`;
  let raw: Buffer;
  try {
    raw = rawImage(bytes);
  } catch (error) {
    return `it cannot be inflated (${(error as Error).message})`;
  }
  if (raw.length === 0 || raw.length > MAX_PATCHED_IMAGE_BYTES)
    return `its raw image is ${raw.length} bytes, not 1 to ${MAX_PATCHED_IMAGE_BYTES}`;
  if (raw[0] !== 0xe9) return 'it is not an ESP image';
  return normalizedBase(raw);
}

/** The images of the newest `count` versions below the release's in its folder, newest first. */
async function baseImages(
  session: MirrorSession,
  release: SignedRelease,
  count: number,
): Promise<Array<{ version: string; path: string }>> {
  const folder = releaseFolder(release.board, release.channel);
  return (await session.list(folder))
    .map((path) => ({ version: versionOfImageFile(path.slice(folder.length + 1)), path }))
    .filter(
      (entry): entry is { version: string; path: string } =>
        entry.version !== undefined &&
        isValidVersion(entry.version) &&
        compareVersions(entry.version, release.version) < 0,
    )
    .sort((a, b) => compareVersions(b.version, a.version))
    .slice(0, count);
}

/** The release's raw image, or undefined when it is too large to patch (served or inflated). */
async function patchableImage(release: SignedRelease): Promise<Buffer | undefined> {
  if (release.size > MAX_PATCHED_IMAGE_BYTES) return undefined;
  try {
    const raw = rawImage(await readFile(release.imageFile));
    return raw.length > MAX_PATCHED_IMAGE_BYTES ? undefined : raw;
  } catch (error) {
    // Signing checked that the image inflates: only the bound can stop it here.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** Signs the patch manifest with every key and opens it as a device would, so nothing unverifiable is published. */
const signPatchManifest = (fields: PatchManifestFields, keys: readonly SigningKey[]): string =>
  signBody(serializePatchBody(fields), keys, (bytes, publicKey) => openPatchManifest(bytes, [publicKey]));

/** One patch and its manifest, or why there is none (the device then takes the full image). */
async function publishPatch(
  session: MirrorSession,
  release: SignedRelease,
  result: Buffer,
  base: { version: string; bytes: Buffer },
  policy: PatchPolicy,
  scratch: string,
): Promise<PublishedPatch | string> {
  const folder = releaseFolder(release.board, release.channel);
  const baseBytes = baseImage(base.bytes);
  if (typeof baseBytes === 'string') return `the base image on the mirror is unusable: ${baseBytes}`;
  const patch = createPatch(baseBytes, result);
  // Never more to download than the image itself.
  if (patch.length >= release.size) return `the patch (${patch.length} bytes) is not smaller than the image`;
  const fields: PatchManifestFields = {
    version: release.version,
    board: release.board,
    channel: release.channel,
    file: patchFileName(release.file, base.version),
    size: patch.length,
    sha256: sha256Hex(patch),
    ...(policy.expires === undefined ? {} : { expires: policy.expires }),
    baseVersion: base.version,
    baseSize: baseBytes.length,
    baseSha256: sha256Hex(baseBytes),
    resultSize: result.length,
    resultSha256: sha256Hex(result),
  };
  const text = signPatchManifest(fields, policy.keys);
  if (text.length > MAX_MANIFEST_BYTES) return `its manifest would be ${text.length} bytes, over ${MAX_MANIFEST_BYTES}`;
  const patchPath = `${folder}/${fields.file}`;
  const localPatch = join(scratch, fields.file);
  await writeFile(localPatch, patch);
  const state = await session.compareImage(patchPath, localPatch, fields.sha256);
  // Patches are immutable like images; the encoder is deterministic, so a re-run finds the same bytes.
  if (state === 'different') return `${patchPath} already exists with other bytes`;
  if (state === 'missing') await session.writeImage(patchPath, localPatch, fields.sha256);
  const manifestPath = `${folder}/${patchManifestFileName(release.file, base.version)}`;
  await session.writeManifest(manifestPath, text, await session.read(manifestPath));
  return {
    board: release.board,
    channel: release.channel,
    version: release.version,
    baseVersion: base.version,
    manifest: manifestPath,
    patch: patchPath,
    size: patch.length,
    resultSize: result.length,
  };
}

/**
 * Patches to each release from the `deltaFrom` newest earlier versions its
 * folder holds. The bases are read from the mirror one object each (Pages
 * fetches just those blobs, by object id, in one request; S3 GETs those
 * objects; a directory reads local files). A base that cannot be diffed is
 * skipped with a warning: devices running it take the full image.
 */
export async function publishPatches(
  session: MirrorSession,
  releases: readonly SignedRelease[],
  policy: PatchPolicy,
): Promise<PublishedPatch[]> {
  if (policy.deltaFrom <= 0) return [];
  const published: PublishedPatch[] = [];
  const scratch = await mkdtemp(join(tmpdir(), 'static-ota-patch-'));
  const forget = holdTemporary(scratch);
  try {
    for (const release of releases) {
      const bases = await baseImages(session, release, policy.deltaFrom);
      if (bases.length === 0) continue;
      const result = await patchableImage(release);
      if (result === undefined) {
        policy.info(`${release.board}: no patches: images over ${MAX_PATCHED_IMAGE_BYTES} bytes are published whole`);
        continue;
      }
      await session.prefetch?.(bases.map(({ path }) => path));
      for (const { version, path } of bases) {
        const bytes = await session.read(path);
        if (bytes === undefined) continue;
        const outcome = await publishPatch(session, release, result, { version, bytes }, policy, scratch);
        if (typeof outcome === 'string') {
          policy.warn(
            `${release.board} (${release.channel}): no patch from ${version} to ${release.version}: ${outcome}`,
          );
          continue;
        }
        policy.info(
          `${release.board} (${release.channel}): patch from ${version} to ${release.version}, ${outcome.size} bytes ` +
            `(${((100 * outcome.size) / outcome.resultSize).toFixed(1)} % of the image): ${outcome.manifest}`,
        );
        published.push(outcome);
      }
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
    forget();
  }
  return published;
}
