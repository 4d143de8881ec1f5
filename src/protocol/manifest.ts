// The `latest.txt` protocol (docs/protocol.md): the only TypeScript module that
// writes or reads manifests. The C++ core in firmware/ implements the same rules;
// both are tested against test/vectors/manifests.json.
import { createHash } from 'node:crypto';
import { keyIdOf, publicKeyProblem, PUBLIC_KEY_PROBLEMS, verifyStrict, type PublicKeyProblem } from './crypto.js';

export const MANIFEST_FORMAT = 'static-ota/1';
export const MAX_MANIFEST_BYTES = 1024;
export const MAX_SIGNATURES = 4;
/** Devices trust at most this many keys, so no more signatures can be required (kMaxTrustedKeys). */
export const MAX_REQUIRED_SIGNATURES = 4;
export const MAX_IMAGE_SIZE = 0xffffffff;
/** The highest seq= a manifest can carry: re-signing stops there. */
export const MAX_SEQ = 0xffffffff;

export type ManifestErrorCode =
  | 'empty'
  | 'too_large'
  | 'crlf'
  | 'bad_char'
  | 'missing_newline'
  | 'bad_version'
  | 'unsigned'
  | 'trailing_data'
  | 'bad_sig_line'
  | 'too_many_signatures'
  | 'untrusted_key'
  | 'bad_signature'
  | 'too_few_signatures'
  | 'bad_line'
  | 'duplicate_field'
  | 'missing_field'
  | 'bad_format'
  | 'bad_board'
  | 'bad_channel'
  | 'bad_file'
  | 'bad_size'
  | 'bad_sha256'
  | 'bad_expires'
  | 'bad_rollout'
  | 'bad_seq'
  | 'bad_encoding'
  | 'bad_inflated_size'
  // Patch manifests only (src/protocol/patch.ts).
  | 'bad_base_version'
  | 'bad_base_size'
  | 'bad_base_sha256'
  | 'bad_result_size'
  | 'bad_result_sha256';

export class ManifestError extends Error {
  constructor(
    readonly code: ManifestErrorCode,
    message: string,
  ) {
    super(`${message} (${code})`);
    this.name = 'ManifestError';
  }
}

export interface ManifestFields {
  version: string;
  board: string;
  channel: string;
  file: string;
  size: number;
  sha256: string;
  /** Unix seconds after which devices with a trusted clock refuse the manifest. */
  expires?: number;
  /** Percent of devices (0-100) that take the release; absent means 100. */
  rollout?: number;
  /** Re-signing counter of this version's manifest, so a replayed older one is recognised; absent means 0. */
  seq?: number;
  /** How the image is served: absent for the raw image, `gzip` for one the ESP8266 boot loader inflates. */
  encoding?: ImageEncoding;
  /** With encoding gzip: the bytes the image inflates to, what eboot writes over the running image. */
  inflatedSize?: number;
  /** Fields this version does not interpret, kept in order so signatures stay valid. */
  extra?: ReadonlyArray<readonly [string, string]>;
}

export interface SignatureLine {
  keyId: string;
  signature: Uint8Array;
}

export interface OpenedManifest extends ManifestFields {
  format: string;
  rollout: number;
  seq: number;
  /** Bytes covered by the signatures: everything before the first `sig=` line. */
  signedLength: number;
  /** keyid of the first trusted key whose signature verified. */
  verifiedBy: string;
  /** Index in the trusted keys of that key (keyids can collide). */
  verifiedKeyIndex: number;
  /** keyids of the distinct trusted keys whose signatures verified, in sig= line order. */
  verifiedKeys: string[];
}

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const MAX_VERSION_LENGTH = 64;
const MAX_NUMERIC_DIGITS = 15;
const FIELD_KEY = /^[a-z0-9_-]+$/;
const BOARD = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/;
const CHANNEL = /^[a-z0-9][a-z0-9-]{0,31}$/;
const FILE = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;
const DECIMAL = /^(0|[1-9]\d{0,9})$/;
export const SHA256_HEX = /^[0-9a-f]{64}$/;
const SIG_LINE = /^sig=([0-9a-f]{8}):([0-9a-f]{128})$/;
const REQUIRED = ['format', 'board', 'channel', 'file', 'size', 'sha256'] as const;

export const STABLE_CHANNEL = 'stable';
export const FULL_ROLLOUT = 100;
/** Device ids (rollout buckets; the User-Agent when a sketch opts in): 1 to 32 of [A-Za-z0-9._-], as kMaxDeviceIdLength. */
const DEVICE_ID = /^[A-Za-z0-9._-]{1,32}$/;
const ROLLOUT_DOMAIN = 'static-ota/rollout';
const BUCKETS = 10000;

export const isValidDeviceId = (deviceId: string): boolean => DEVICE_ID.test(deviceId);

/**
 * A device's place in a staged rollout, 0 to 9999: the first 32 bits (big
 * endian) of SHA-256 over `static-ota/rollout`, board, version and device id,
 * each followed by LF, mod 10000. Fixed for one device and version; a new
 * version reshuffles the order.
 */
export function rolloutBucket(board: string, version: string, deviceId: string): number {
  const digest = createHash('sha256')
    .update(`${ROLLOUT_DOMAIN}\n${board}\n${version}\n${deviceId}\n`, 'latin1')
    .digest();
  return digest.readUInt32BE(0) % BUCKETS;
}

/** The device takes the release when its bucket falls under the percentage (× 100). */
export const inRollout = (percent: number, bucket: number): boolean => bucket < percent * (BUCKETS / FULL_ROLLOUT);

/** `encoding=` values: gzip images are inflated by the ESP8266 boot loader (eboot); ESP32 cannot take them. */
export const IMAGE_ENCODINGS = ['gzip'] as const;
export type ImageEncoding = (typeof IMAGE_ENCODINGS)[number];
/** The signed size a gzip image inflates to, which a device checks against the space its boot loader writes. */
export const INFLATED_SIZE_FIELD = 'inflated-size';

/** Mirror layout: `<board>/` for stable, `<board>/<channel>/` otherwise; the image sits beside its manifest. */
export function releaseFolder(board: string, channel: string): string {
  return channel === STABLE_CHANNEL ? board : `${board}/${channel}`;
}

/** The file devices poll, in every release folder. */
export const MANIFEST_FILE = 'latest.txt';

export const manifestPath = (board: string, channel: string): string =>
  `${releaseFolder(board, channel)}/${MANIFEST_FILE}`;

/** Whether a mirror path is a release folder's manifest (`nodemcuv2/beta/latest.txt`). */
export const isManifestPath = (path: string): boolean => path.endsWith(`/${MANIFEST_FILE}`);

/**
 * `<board>/channels.txt`: the board's channels other than stable, one per line,
 * so a stable release can find the channels that follow it. Publisher-only:
 * devices never read it, and nothing in it is trusted (each channel's own
 * latest.txt is read and compared).
 */
/**
 * `<folder>/pending.txt`: a manifest signed by fewer keys than devices require
 * (k of n), waiting for `static-ota cosign`. Devices never read it.
 */
export const pendingManifestPath = (board: string, channel: string): string =>
  `${releaseFolder(board, channel)}/pending.txt`;

export const channelIndexPath = (board: string): string => `${board}/channels.txt`;

/**
 * `<name>-<version>.<extension>`: a file of one version (its image, flash parts,
 * web install manifest); build metadata's `+` is not allowed in file names and becomes `_`.
 */
export const versionFileName = (name: string, version: string, extension: 'bin' | 'json'): string =>
  `${name}-${version.replace(/\+/g, '_')}.${extension}`;

/** The version a file of one version belongs to (`bootloader-1.4.2_7.bin` → `1.4.2+7`), or undefined for other files. */
export function versionOfFile(name: string): string | undefined {
  return /^[A-Za-z0-9_]+-(.+)\.(bin|json)$/.exec(name)?.[1].replace(/_/g, '+');
}

/** `firmware-1.4.2.bin`. */
export const imageFileName = (version: string): string => versionFileName('firmware', version, 'bin');

/** Where a release's image sits: beside its manifest, `file` being the manifest's `file=`. */
export const imagePath = (board: string, channel: string, file: string): string =>
  `${releaseFolder(board, channel)}/${file}`;

/**
 * One release as it sits in a mirror: which board and channel, the version
 * offered, where its manifest and image are (mirror paths, relative to the
 * root) and the image's size and SHA-256. A publish reports it (release.ts's
 * outputs) and the release page lists it (index.json).
 */
export interface MirrorRelease {
  board: string;
  channel: string;
  version: string;
  manifest: string;
  image: string;
  size: number;
  sha256: string;
}

/** The version an image file name holds (`firmware-1.4.2_7.bin` → `1.4.2+7`), or undefined for other files. */
export function versionOfImageFile(name: string): string | undefined {
  return /^firmware-(.+)\.bin$/.exec(name)?.[1].replace(/_/g, '+');
}

/** Why a version is not SemVer 2.0.0 within the protocol's bounds, in words; undefined for a valid one. */
export function versionProblem(version: string): string | undefined {
  const match = SEMVER.exec(version);
  if (!match) return 'is not a semantic version such as 1.4.2 or v1.5.0-beta.2';
  if (version.length > MAX_VERSION_LENGTH) return `is longer than ${MAX_VERSION_LENGTH} characters`;
  const numericIds = [match[1], match[2], match[3], ...(match[4]?.split('.') ?? [])].filter((id) => /^\d+$/.test(id));
  const long = numericIds.find((id) => id.length > MAX_NUMERIC_DIGITS);
  return long === undefined
    ? undefined
    : `has a number of ${long.length} digits (${long}): devices compare numbers of at most ${MAX_NUMERIC_DIGITS} digits`;
}

/** SemVer 2.0.0 within the protocol's bounds (64 characters, numeric identifiers of at most 15 digits). */
export const isValidVersion = (version: string): boolean => versionProblem(version) === undefined;

export const isValidBoard = (board: string): boolean => BOARD.test(board);
export const isValidChannel = (channel: string): boolean => CHANNEL.test(channel);
export const isValidFileName = (file: string): boolean => FILE.test(file);

/** The signed part of a manifest: version line and fields, LF-terminated. */
export function serializeBody(fields: ManifestFields): string {
  const lines: Array<readonly [string, string]> = [
    ['format', MANIFEST_FORMAT],
    ['board', fields.board],
    ['channel', fields.channel],
    ['file', fields.file],
    ['size', String(fields.size)],
    ['sha256', fields.sha256],
  ];
  if (fields.expires !== undefined) lines.push(['expires', String(fields.expires)]);
  if (fields.rollout !== undefined) lines.push(['rollout', String(fields.rollout)]);
  if (fields.seq !== undefined) lines.push(['seq', String(fields.seq)]);
  if (fields.encoding !== undefined) lines.push(['encoding', fields.encoding]);
  if (fields.inflatedSize !== undefined) lines.push([INFLATED_SIZE_FIELD, String(fields.inflatedSize)]);
  lines.push(...(fields.extra ?? []));
  return `${fields.version}\n${lines.map(([key, value]) => `${key}=${value}\n`).join('')}`;
}

export function formatSignatureLine({ keyId, signature }: SignatureLine): string {
  return `sig=${keyId}:${Buffer.from(signature).toString('hex')}\n`;
}

interface Framed {
  version: string;
  /** Lines between the version line and the first `sig=` line. */
  fieldLines: string[];
  signatureLines: string[];
  signedLength: number;
}

/** Steps 1-4 of docs/protocol.md: framing and the version line, no field interpreted. */
export function readVersionLine(bytes: Uint8Array): string {
  return frame(bytes, false).version;
}

function frame(bytes: Uint8Array, requireSignature: boolean): Framed {
  if (bytes.length === 0) throw new ManifestError('empty', 'manifest is empty');
  if (bytes.length > MAX_MANIFEST_BYTES) {
    throw new ManifestError('too_large', `manifest is ${bytes.length} bytes, the limit is ${MAX_MANIFEST_BYTES}`);
  }
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === 0x0d) throw new ManifestError('crlf', `carriage return at byte ${i}: manifests use LF line endings`);
    if (byte !== 0x0a && (byte < 0x20 || byte > 0x7e)) {
      throw new ManifestError(
        'bad_char',
        `byte 0x${byte.toString(16).padStart(2, '0')} at offset ${i} is not printable ASCII`,
      );
    }
  }
  if (bytes[bytes.length - 1] !== 0x0a)
    throw new ManifestError('missing_newline', 'manifest does not end with a newline');
  const text = Buffer.from(bytes).toString('latin1');
  const lines = text.slice(0, -1).split('\n');
  const version = lines[0];
  if (!isValidVersion(version))
    throw new ManifestError('bad_version', `line 1 is not a semantic version: ${JSON.stringify(version)}`);
  const firstSig = lines.findIndex((line) => line.startsWith('sig='));
  if (firstSig < 0) {
    if (requireSignature) throw new ManifestError('unsigned', 'manifest has no sig= line');
    return { version, fieldLines: lines.slice(1), signatureLines: [], signedLength: bytes.length };
  }
  const signatureLines = lines.slice(firstSig);
  if (signatureLines.some((line) => !line.startsWith('sig='))) {
    throw new ManifestError('trailing_data', 'only sig= lines may follow the first sig= line');
  }
  const signedLength = lines.slice(0, firstSig).reduce((length, line) => length + line.length + 1, 0);
  return { version, fieldLines: lines.slice(1, firstSig), signatureLines, signedLength };
}

function parseSignatureLines(lines: string[]): SignatureLine[] {
  const signatures = lines.map((line) => {
    const match = SIG_LINE.exec(line);
    if (!match)
      throw new ManifestError('bad_sig_line', `malformed signature line: ${JSON.stringify(line.slice(0, 40))}`);
    return { keyId: match[1], signature: Buffer.from(match[2], 'hex') };
  });
  if (signatures.length > MAX_SIGNATURES) {
    throw new ManifestError(
      'too_many_signatures',
      `${signatures.length} signatures, at most ${MAX_SIGNATURES} are allowed`,
    );
  }
  return signatures;
}

export class TrustedKeyError extends Error {
  constructor(
    readonly code: PublicKeyProblem,
    readonly publicKey: Uint8Array,
  ) {
    super(`trusted key ${Buffer.from(publicKey).toString('hex')} ${PUBLIC_KEY_PROBLEMS[code]} (${code})`);
    this.name = 'TrustedKeyError';
  }
}

/** Refuses, as a device does at configuration, a trusted key that could never verify strictly. */
export function checkTrustedKey(publicKey: Uint8Array): void {
  const problem = publicKeyProblem(publicKey);
  if (problem) throw new TrustedKeyError(problem, publicKey);
}

/**
 * Steps 9 and 10: the indices (in trustedKeys) of the distinct trusted keys
 * whose signatures verify, in sig= line order; at least `requiredSignatures`
 * of them. Keyids are 32 bits and can collide: every trusted key with the
 * line's keyid is tried, in the order given. A key counts once however many
 * lines it signs; a trusted list naming a key twice holds it once.
 */
function checkSignatures(
  bytes: Uint8Array,
  framed: Framed,
  trustedKeys: readonly Uint8Array[],
  requiredSignatures: number,
): number[] {
  const message = bytes.subarray(0, framed.signedLength);
  const hexes = trustedKeys.map((key) => Buffer.from(key).toString('hex'));
  const trusted = trustedKeys
    .map((key, index) => ({ keyId: keyIdOf(key), key, index }))
    .filter(({ index }) => hexes.indexOf(hexes[index]) === index);
  const verified: number[] = [];
  let sawTrustedKeyId = false;
  for (const { keyId, signature } of parseSignatureLines(framed.signatureLines)) {
    for (const candidate of trusted) {
      if (candidate.keyId !== keyId || verified.includes(candidate.index)) continue;
      sawTrustedKeyId = true;
      if (verifyStrict(signature, message, candidate.key)) verified.push(candidate.index);
    }
  }
  // Every line is checked, so verifiedKeys lists all valid signers (the count rollout keeps).
  if (verified.length >= requiredSignatures) return verified;
  if (verified.length > 0) {
    const keyIds = verified.map((index) => keyIdOf(trustedKeys[index])).join(', ');
    throw new ManifestError(
      'too_few_signatures',
      `${verified.length} of the ${requiredSignatures} required signatures from distinct trusted keys verify (${keyIds})`,
    );
  }
  if (!sawTrustedKeyId) {
    const keyIds = trusted.map((candidate) => candidate.keyId).join(', ');
    throw new ManifestError('untrusted_key', `no signature from a trusted key (trusted keyids: ${keyIds || 'none'})`);
  }
  throw new ManifestError(
    'bad_signature',
    'signature does not verify: the manifest was changed or signed with another key',
  );
}

/** Steps 11 to 13: every line is key=value, then no key twice, then the required keys. */
function parseFields(fieldLines: string[], required: readonly string[]): Map<string, string> {
  const pairs = fieldLines.map((line) => {
    const equals = line.indexOf('=');
    const key = line.slice(0, equals);
    if (equals < 1 || equals === line.length - 1 || !FIELD_KEY.test(key)) {
      throw new ManifestError('bad_line', `not a key=value line: ${JSON.stringify(line.slice(0, 40))}`);
    }
    return [key, line.slice(equals + 1)] as const;
  });
  const fields = new Map<string, string>();
  for (const [key, value] of pairs) {
    if (fields.has(key)) throw new ManifestError('duplicate_field', `field ${key} appears twice`);
    fields.set(key, value);
  }
  for (const key of required) {
    if (!fields.has(key)) throw new ManifestError('missing_field', `required field ${key} is missing`);
  }
  return fields;
}

export function decimal(
  value: string,
  code:
    'bad_size' | 'bad_expires' | 'bad_seq' | 'bad_rollout' | 'bad_inflated_size' | 'bad_base_size' | 'bad_result_size',
  name: string,
): number {
  const number = DECIMAL.test(value) ? Number(value) : NaN;
  if (!(number <= MAX_IMAGE_SIZE))
    throw new ManifestError(code, `${name} is not a decimal number up to ${MAX_IMAGE_SIZE}: ${JSON.stringify(value)}`);
  return number;
}

/** `inflated-size=`: 1 to 2^32-1 bytes, and only beside encoding=gzip (a raw image is written as it is). */
function parseInflatedSize(value: string | undefined, encoding: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const inflatedSize = decimal(value, 'bad_inflated_size', INFLATED_SIZE_FIELD);
  if (inflatedSize === 0) throw new ManifestError('bad_inflated_size', `${INFLATED_SIZE_FIELD} is 0`);
  if (encoding === undefined) {
    throw new ManifestError(
      'bad_inflated_size',
      `${INFLATED_SIZE_FIELD} without encoding=gzip: a raw image is not inflated`,
    );
  }
  return inflatedSize;
}

/** The fields every signed manifest has (release or patch), opened and checked. */
export interface OpenedCommonFields {
  version: string;
  format: string;
  board: string;
  channel: string;
  file: string;
  size: number;
  sha256: string;
  expires?: number;
  signedLength: number;
  verifiedBy: string;
  verifiedKeyIndex: number;
  verifiedKeys: string[];
  /** Every field line, for the kind's own fields. */
  fields: ReadonlyMap<string, string>;
}

/**
 * Steps 1 to 15 for the fields both kinds of manifest have: framing, strict
 * signatures from `requiredSignatures` distinct trusted keys over the exact
 * bytes, every field line, the `required` keys, `format` equal to the kind's,
 * then board, channel, file, size, sha256 and expires.
 */
export function openCommonFields(
  bytes: Uint8Array,
  trustedKeys: readonly Uint8Array[],
  requiredSignatures: number,
  format: string,
  required: readonly string[],
): OpenedCommonFields {
  trustedKeys.forEach(checkTrustedKey);
  const framed = frame(bytes, true);
  const verified = checkSignatures(bytes, framed, trustedKeys, requiredSignatures);
  const fields = parseFields(framed.fieldLines, required);
  const get = (key: (typeof REQUIRED)[number]): string => fields.get(key) as string;
  if (get('format') !== format) {
    throw new ManifestError('bad_format', `format ${JSON.stringify(get('format'))} is not ${format}`);
  }
  if (!isValidBoard(get('board')))
    throw new ManifestError('bad_board', `invalid board ${JSON.stringify(get('board'))}`);
  if (!isValidChannel(get('channel')))
    throw new ManifestError('bad_channel', `invalid channel ${JSON.stringify(get('channel'))}`);
  if (!isValidFileName(get('file')))
    throw new ManifestError('bad_file', `invalid file name ${JSON.stringify(get('file'))}`);
  const size = decimal(get('size'), 'bad_size', 'size');
  if (size === 0) throw new ManifestError('bad_size', 'size is 0');
  if (!SHA256_HEX.test(get('sha256')))
    throw new ManifestError('bad_sha256', 'sha256 is not 64 lowercase hex characters');
  const expiresText = fields.get('expires');
  return {
    version: framed.version,
    format,
    board: get('board'),
    channel: get('channel'),
    file: get('file'),
    size,
    sha256: get('sha256'),
    ...(expiresText === undefined ? {} : { expires: decimal(expiresText, 'bad_expires', 'expires') }),
    signedLength: framed.signedLength,
    verifiedBy: keyIdOf(trustedKeys[verified[0]]),
    verifiedKeyIndex: verified[0],
    verifiedKeys: verified.map((index) => keyIdOf(trustedKeys[index])),
    fields,
  };
}

/**
 * Opens a manifest the way a device does: framing, then strict signatures
 * from `requiredSignatures` distinct trusted keys (default 1) over the exact
 * bytes, and only then the fields. A trusted key that could never verify is
 * a configuration error (TrustedKeyError).
 */
export function openManifest(
  bytes: Uint8Array,
  trustedKeys: readonly Uint8Array[],
  requiredSignatures = 1,
): OpenedManifest {
  const { fields, ...common } = openCommonFields(bytes, trustedKeys, requiredSignatures, MANIFEST_FORMAT, REQUIRED);
  const rollout = fields.has('rollout')
    ? decimal(fields.get('rollout') as string, 'bad_rollout', 'rollout')
    : FULL_ROLLOUT;
  if (rollout > FULL_ROLLOUT)
    throw new ManifestError('bad_rollout', `rollout is ${rollout}, a percentage from 0 to ${FULL_ROLLOUT}`);
  const seq = fields.has('seq') ? decimal(fields.get('seq') as string, 'bad_seq', 'seq') : 0;
  const encoding = fields.get('encoding');
  if (encoding !== undefined && !(IMAGE_ENCODINGS as readonly string[]).includes(encoding)) {
    throw new ManifestError(
      'bad_encoding',
      `encoding ${JSON.stringify(encoding)} is not one of ${IMAGE_ENCODINGS.join(', ')}`,
    );
  }
  const inflatedSize = parseInflatedSize(fields.get(INFLATED_SIZE_FIELD), encoding);
  const known = new Set<string>([...REQUIRED, 'expires', 'rollout', 'seq', 'encoding', INFLATED_SIZE_FIELD]);
  return {
    ...common,
    rollout,
    seq,
    ...(encoding === undefined ? {} : { encoding: encoding as ImageEncoding }),
    ...(inflatedSize === undefined ? {} : { inflatedSize }),
    extra: [...fields].filter(([key]) => !known.has(key)),
  };
}

/**
 * What a device is configured with (firmware/src/core/update_flow.cpp): the
 * keys it trusts, the signatures it requires from distinct ones (k of n), its
 * board and channel, and its clock.
 */
export interface DevicePolicy {
  trustedKeys: readonly Uint8Array[];
  requiredSignatures: number;
  board: string;
  channel: string;
  /** Unix seconds from the device's trusted clock; undefined: a device without one, which cannot check expires=. */
  now?: number;
}

/** Why a device refuses a manifest: a protocol error, or one of the policy's checks after it. */
export type RefusalCode = ManifestErrorCode | 'wrong_board' | 'wrong_channel' | 'expired';

export type ManifestVerdict =
  | {
      accepted: true;
      manifest: OpenedManifest;
      /** Signatures still missing to reach k: 0 unless the count was ignored (a staged manifest). */
      missingSignatures: number;
    }
  | { accepted: false; code: RefusalCode; reason: string };

/**
 * The one verdict on a manifest's bytes for every tool that signs, re-signs,
 * promotes, verifies or shows one: the device's own checks in its order
 * (openManifest at k, then board, channel, expiry). `ignoreSignatureCount`
 * judges a staged manifest (pending.txt) on everything but the count: at
 * least one valid trusted signature is still required. Version and rollout
 * depend on the device's state and are the caller's to judge.
 */
export function judgeManifest(
  bytes: Uint8Array,
  policy: DevicePolicy,
  { ignoreSignatureCount = false }: { ignoreSignatureCount?: boolean } = {},
): ManifestVerdict {
  let manifest: OpenedManifest;
  try {
    manifest = openManifest(bytes, policy.trustedKeys, ignoreSignatureCount ? 1 : policy.requiredSignatures);
  } catch (error) {
    if (error instanceof ManifestError) return { accepted: false, code: error.code, reason: error.message };
    throw error;
  }
  const refuse = (code: RefusalCode, reason: string): ManifestVerdict => ({
    accepted: false,
    code,
    reason: `${reason} (${code})`,
  });
  if (manifest.board !== policy.board)
    return refuse('wrong_board', `the manifest is for board ${manifest.board}, not ${policy.board}`);
  if (manifest.channel !== policy.channel)
    return refuse('wrong_channel', `the manifest is for channel ${manifest.channel}, not ${policy.channel}`);
  // As the device: refused only once the clock is past expires=.
  if (manifest.expires !== undefined && policy.now !== undefined && policy.now > manifest.expires) {
    const at = new Date(manifest.expires * 1000).toISOString();
    return refuse('expired', `the manifest expired at ${at} (expires=${manifest.expires})`);
  }
  const missingSignatures = Math.max(0, policy.requiredSignatures - manifest.verifiedKeys.length);
  return { accepted: true, manifest, missingSignatures };
}

/** The signed fields of an opened manifest, to sign them again with some changed (rollout, seq): none is lost. */
export function signedFields(manifest: OpenedManifest): ManifestFields {
  const { version, board, channel, file, size, sha256, expires, rollout, seq, encoding, inflatedSize, extra } =
    manifest;
  return { version, board, channel, file, size, sha256, expires, rollout, seq, encoding, inflatedSize, extra };
}

/** What a release page shows of a manifest. */
export interface ManifestSummary {
  version: string;
  fields: ReadonlyMap<string, string>;
  /** keyids of the sig= lines, in order. */
  keyIds: string[];
}

/**
 * Reads a manifest's fields and keyids without verifying its signatures: for
 * the release page, a view for people. Devices and `verify` use openManifest.
 */
export function summarizeManifest(bytes: Uint8Array): ManifestSummary {
  const framed = frame(bytes, false);
  const fields = new Map<string, string>();
  for (const line of framed.fieldLines) {
    const equals = line.indexOf('=');
    if (equals > 0 && !fields.has(line.slice(0, equals))) fields.set(line.slice(0, equals), line.slice(equals + 1));
  }
  const keyIds = framed.signatureLines
    .map((line) => SIG_LINE.exec(line)?.[1])
    .filter((keyId): keyId is string => keyId !== undefined);
  return { version: framed.version, fields, keyIds };
}
