// Patch manifests (docs/protocol.md, "Delta updates"): a signed manifest of
// its own beside the release's image, describing one patch from an earlier
// version's image (the base) to the release's raw image (the result). Same
// framing and signature rules as latest.txt; firmware/src/core/manifest.cpp
// (openPatchManifest) implements the same rules, tested against the vectors.
import {
  decimal,
  formatSignatureLine,
  isValidVersion,
  ManifestError,
  openCommonFields,
  releaseFolder,
  SHA256_HEX,
  type ManifestFields,
  type OpenedCommonFields,
  type SignatureLine,
} from './manifest.js';

export const PATCH_FORMAT = 'static-ota-patch/1';

/**
 * What a patch manifest signs: the fields it shares with a release manifest (version: the result's, the release's;
 * file, size and sha256: the patch's, beside the image), then its base and result.
 */
export interface PatchManifestFields extends Pick<
  ManifestFields,
  'version' | 'board' | 'channel' | 'file' | 'size' | 'sha256' | 'expires'
> {
  baseVersion: string;
  baseSize: number;
  /** SHA-256 of the base's first baseSize bytes with bytes 2 and 3 set to 0 (normalizedBase). */
  baseSha256: string;
  /** The raw image the patch builds: the release's size= and sha256= (for a gzip release, its raw image). */
  resultSize: number;
  resultSha256: string;
}

export type OpenedPatchManifest = PatchManifestFields & Omit<OpenedCommonFields, 'fields'>;

const REQUIRED = [
  'format',
  'board',
  'channel',
  'file',
  'size',
  'sha256',
  'base-version',
  'base-size',
  'base-sha256',
  'result-size',
  'result-sha256',
] as const;

/**
 * The bytes a device hashes and the decoder reads as the base: the image with
 * header bytes 2 and 3 (flash mode, flash size and frequency) set to 0, as the
 * ESP8266 Updater rewrites them for the chip it installs on.
 */
export function normalizedBase(image: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(image);
  copy.fill(0, 2, Math.min(4, copy.length));
  return copy;
}

/** `<image file>.from-<base version>.txt`: where a device looks for its patch (build metadata's `+` becomes `_`). */
export const patchManifestFileName = (imageFile: string, baseVersion: string): string =>
  `${imageFile}.from-${baseVersion.replace(/\+/g, '_')}.txt`;

/** `<image file>.from-<base version>.patch`. */
export const patchFileName = (imageFile: string, baseVersion: string): string =>
  `${imageFile}.from-${baseVersion.replace(/\+/g, '_')}.patch`;

/** The result and base versions a patch or patch manifest file is named for (`firmware-1.5.0.bin.from-1.4.2.txt`), or undefined. */
export function versionsOfPatchFile(name: string): { result: string; base: string } | undefined {
  const match = /^firmware-(.+)\.bin\.from-(.+)\.(txt|patch)$/.exec(name);
  return match ? { result: match[1].replace(/_/g, '+'), base: match[2].replace(/_/g, '+') } : undefined;
}

export const patchManifestPath = (board: string, channel: string, imageFile: string, baseVersion: string): string =>
  `${releaseFolder(board, channel)}/${patchManifestFileName(imageFile, baseVersion)}`;

/** The signed part of a patch manifest. */
export function serializePatchBody(fields: PatchManifestFields): string {
  const lines: Array<readonly [string, string]> = [
    ['format', PATCH_FORMAT],
    ['board', fields.board],
    ['channel', fields.channel],
    ['file', fields.file],
    ['size', String(fields.size)],
    ['sha256', fields.sha256],
    ['base-version', fields.baseVersion],
    ['base-size', String(fields.baseSize)],
    ['base-sha256', fields.baseSha256],
    ['result-size', String(fields.resultSize)],
    ['result-sha256', fields.resultSha256],
  ];
  if (fields.expires !== undefined) lines.push(['expires', String(fields.expires)]);
  return `${fields.version}\n${lines.map(([key, value]) => `${key}=${value}\n`).join('')}`;
}

export const signedPatchManifest = (fields: PatchManifestFields, signatures: readonly SignatureLine[]): string =>
  serializePatchBody(fields) + signatures.map(formatSignatureLine).join('');

function positive(value: string, code: 'bad_base_size' | 'bad_result_size', name: string): number {
  const number = decimal(value, code, name);
  if (number === 0) throw new ManifestError(code, `${name} is 0`);
  return number;
}

function sha256Field(value: string, code: 'bad_base_sha256' | 'bad_result_sha256', name: string): string {
  if (!SHA256_HEX.test(value)) throw new ManifestError(code, `${name} is not 64 lowercase hex characters`);
  return value;
}

/**
 * Opens a patch manifest as a device does: the release manifest's steps 1 to
 * 15 with `format=static-ota-patch/1` and its own required fields, then
 * base-version, base-size, base-sha256, result-size, result-sha256 in that
 * order. Whether it fits the release and the running image is the caller's
 * (patchFitsRelease).
 */
export function openPatchManifest(
  bytes: Uint8Array,
  trustedKeys: readonly Uint8Array[],
  requiredSignatures = 1,
): OpenedPatchManifest {
  const { fields, ...common } = openCommonFields(bytes, trustedKeys, requiredSignatures, PATCH_FORMAT, REQUIRED);
  const get = (key: (typeof REQUIRED)[number]): string => fields.get(key) as string;
  const baseVersion = get('base-version');
  if (!isValidVersion(baseVersion))
    throw new ManifestError(
      'bad_base_version',
      `base-version is not a semantic version: ${JSON.stringify(baseVersion)}`,
    );
  const baseSize = positive(get('base-size'), 'bad_base_size', 'base-size');
  const baseSha256 = sha256Field(get('base-sha256'), 'bad_base_sha256', 'base-sha256');
  const resultSize = positive(get('result-size'), 'bad_result_size', 'result-size');
  const resultSha256 = sha256Field(get('result-sha256'), 'bad_result_sha256', 'result-sha256');
  return { ...common, baseVersion, baseSize, baseSha256, resultSize, resultSha256 };
}

/** What a release offers, as far as a patch must match it. */
export interface PatchTarget {
  version: string;
  board: string;
  channel: string;
  /** The raw image's size and SHA-256 (for a gzip release, the inflated image's). */
  resultSize: number;
  resultSha256: string;
}

/**
 * Why a device running `baseVersion` refuses an opened patch manifest for
 * the release it accepted, or undefined when it takes it: the patch must
 * name the same version, board and channel, start from the running version
 * and build exactly the release's raw image.
 */
export function patchMismatch(
  patch: PatchManifestFields,
  release: PatchTarget,
  baseVersion: string,
): string | undefined {
  if (patch.version !== release.version) return `the patch builds ${patch.version}, not ${release.version}`;
  if (patch.board !== release.board) return `the patch is for board ${patch.board}, not ${release.board}`;
  if (patch.channel !== release.channel) return `the patch is for channel ${patch.channel}, not ${release.channel}`;
  if (patch.baseVersion !== baseVersion) return `the patch starts from ${patch.baseVersion}, not ${baseVersion}`;
  if (patch.resultSize !== release.resultSize || patch.resultSha256 !== release.resultSha256)
    return 'the patch does not build the signed image';
  return undefined;
}
