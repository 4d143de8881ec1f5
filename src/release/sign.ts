// Signing keys (PEM, hex or base64 seeds) and signed manifests.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { hashFile, keyIdOf, privateKeyOf, publicKeyOf, signBytes, PUBLIC_KEY_LENGTH } from '../protocol/crypto.js';
import { checkImage, findEmbeddedKeys } from './image.js';
import { InputError } from '../common/input-error.js';
import type { FlashLayout } from './flash-layout.js';
import { inputLabel, type Label } from '../settings/label.js';
import {
  checkTrustedKey,
  formatSignatureLine,
  type ImageEncoding,
  ManifestFields,
  MAX_IMAGE_SIZE,
  MAX_SIGNATURES,
  openManifest,
  serializeBody,
} from '../protocol/manifest.js';

export class KeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

export interface SigningKey {
  seed: Uint8Array;
  /** The seed as an OpenSSL key: signing goes through node:crypto. */
  privateKey: KeyObject;
  publicKey: Uint8Array;
  keyId: string;
}

const HEX_32 = /^[0-9a-fA-F]{64}$/;
const BASE64_32 = /^[A-Za-z0-9+/]{43}=$/;

function fromSeed(seed: Uint8Array): SigningKey {
  const publicKey = publicKeyOf(seed);
  return { seed, privateKey: privateKeyOf(seed), publicKey, keyId: keyIdOf(publicKey) };
}

/**
 * Reads a private key given as PKCS#8 PEM (`openssl genpkey -algorithm ed25519`),
 * or a raw 32-byte seed as 64 hex characters or base64. Error messages never
 * quote the material: it is a secret.
 */
export function parseSigningKey(material: string, source: string): SigningKey {
  const text = material.trim();
  if (text.includes('-----BEGIN')) {
    let jwk: { crv?: string; d?: string };
    try {
      const key = createPrivateKey({ key: text, format: 'pem' });
      if (key.asymmetricKeyType !== 'ed25519') {
        throw new KeyError(`${source}: the key is ${key.asymmetricKeyType}, static-ota signs with Ed25519`);
      }
      jwk = key.export({ format: 'jwk' });
    } catch (error) {
      if (error instanceof KeyError) throw error;
      throw new KeyError(`${source}: not a readable PKCS#8 PEM private key`);
    }
    return fromSeed(Buffer.from(jwk.d as string, 'base64url'));
  }
  if (HEX_32.test(text)) return fromSeed(Buffer.from(text, 'hex'));
  if (BASE64_32.test(text)) return fromSeed(Buffer.from(text, 'base64'));
  throw new KeyError(
    `${source}: expected an Ed25519 private key as PKCS#8 PEM, 64 hex characters or base64 of 32 bytes`,
  );
}

/**
 * Public keys for trust lists and verification: 64 hex characters or SPKI PEM.
 * A key that could never verify strictly is refused with the reason a device
 * gives for it (checkTrustedKey).
 */
export function parsePublicKey(text: string, source = 'public key'): Uint8Array {
  const publicKey = readPublicKey(text.trim());
  if (!publicKey) throw new KeyError(`${source}: expected an Ed25519 public key as 64 hex characters or PEM`);
  try {
    checkTrustedKey(publicKey);
  } catch (error) {
    throw new KeyError(`${source}: ${(error as Error).message}`);
  }
  return publicKey;
}

function readPublicKey(text: string): Uint8Array | undefined {
  if (HEX_32.test(text)) return Buffer.from(text, 'hex');
  if (!text.includes('-----BEGIN PUBLIC KEY')) return undefined;
  try {
    const key = createPublicKey(text);
    const x = key.asymmetricKeyType === 'ed25519' ? key.export({ format: 'jwk' }).x : undefined;
    return x ? Buffer.from(x, 'base64url') : undefined;
  } catch {
    return undefined;
  }
}

export interface GeneratedKey {
  privatePem: string;
  publicKey: Uint8Array;
  keyId: string;
}

export function generateKey(): GeneratedKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const { publicKey, keyId } = parseSigningKey(privatePem, 'generated key');
  return { privatePem, publicKey, keyId };
}

/**
 * The public key as the C array StaticOta's constructor takes (`const uint8_t (*)[32]`),
 * laid out as in firmware/examples: one row per trusted key, more keys are more rows.
 */
export function publicKeyAsCArray(publicKey: Uint8Array, name = 'kTrustedKeys'): string {
  const bytes = [...publicKey].map((byte) => `0x${byte.toString(16).padStart(2, '0')}`);
  const half = PUBLIC_KEY_LENGTH / 2;
  return `static const uint8_t ${name}[][${PUBLIC_KEY_LENGTH}] = {\n    {${bytes.slice(0, half).join(', ')},\n     ${bytes.slice(half).join(', ')}},\n};`;
}

/** Keys a manifest can carry the signatures of: one to MAX_SIGNATURES, no key twice. */
export function checkSigningKeys<Keys extends readonly SigningKey[]>(keys: Keys): Keys {
  if (keys.length === 0) throw new KeyError('no signing key given');
  if (keys.length > MAX_SIGNATURES) throw new KeyError(`at most ${MAX_SIGNATURES} signing keys are allowed`);
  const publicKeys = new Set(keys.map((key) => Buffer.from(key.publicKey).toString('hex')));
  if (publicKeys.size !== keys.length) throw new KeyError('the same signing key is given twice');
  return keys;
}

/**
 * Signs the manifest with every key, then opens the result with each public key
 * under the same strict rules a device applies, so nothing unverifiable is published.
 */
export function signManifest(fields: ManifestFields, keys: readonly SigningKey[]): string {
  checkSigningKeys(keys);
  return signBody(serializeBody(fields), keys, (bytes, publicKey) => openManifest(bytes, [publicKey]));
}

/**
 * A signed body with a `sig=` line per key, opened again under each key alone by `open` (which throws unless that
 * key's own signature verifies), so nothing a device cannot verify is published: release and patch manifests alike.
 */
export function signBody(
  body: string,
  keys: readonly SigningKey[],
  open: (bytes: Buffer, publicKey: Uint8Array) => unknown,
): string {
  const signed = Buffer.from(body, 'latin1');
  const signatures = keys.map((key) =>
    formatSignatureLine({ keyId: key.keyId, signature: signBytes(signed, key.privateKey) }),
  );
  const text = body + signatures.join('');
  const bytes = Buffer.from(text, 'latin1');
  for (const key of keys) open(bytes, key.publicKey);
  return text;
}

export interface ReleaseInput {
  imageFile: string;
  board: string;
  version: string;
  channel: string;
  /** Name of the image in the mirror (see imageFileName). */
  file: string;
  /** For a gzip imageFile: the same image uncompressed, which a browser install writes over serial. */
  rawImage?: string;
  /** Chip and flash images for the release page's browser install; none: no install button. */
  flash?: FlashLayout;
  /** Without flash: why, for the release page. */
  noInstall?: string;
  /** Optional manifest fields after the known ones (`attestation=`), covered by the signature. */
  extra?: ManifestFields['extra'];
}

export interface SigningPolicy {
  keys: readonly SigningKey[];
  /**
   * Public keys able to sign the next release. The image must contain one of
   * them (raw 32 bytes) or the fleet could never update again. Default: the
   * signing keys' own public keys.
   */
  nextReleaseKeys?: readonly Uint8Array[];
  allowLockout?: boolean;
  /** Names settings in messages as the user wrote them; default: the action's input names. */
  label?: Label;
  /** max-image-size; absent (library callers), only the protocol's bound (MAX_IMAGE_SIZE) applies. */
  maxImageBytes?: number;
  /** Unix seconds written as `expires=`. */
  expires?: number;
  /** Percent written as `rollout=` (staged rollout); undefined offers the release to every device. */
  rollout?: number;
  /** Written as `seq=`: a re-signed manifest of the version the mirror offers is one above its seq. */
  seq?: number;
  /** Signatures devices require from distinct trusted keys (k of n); the image must embed k of nextReleaseKeys. Default 1. */
  requiredSignatures?: number;
}

export interface SignedRelease extends ReleaseInput {
  /** Of the served bytes: for a gzip image, the compressed ones. */
  size: number;
  sha256: string;
  /** MD5 of the served bytes, for a release with a flash layout (its browser install's manifest). */
  md5?: string;
  encoding?: ImageEncoding;
  /** The complete latest.txt text. */
  manifestText: string;
  /**
   * Signed by fewer keys than devices require: published to the staging path
   * (pendingManifestPath) for `static-ota cosign`, never as latest.txt.
   */
  staged?: boolean;
  /** Set when allow-lockout let through an image the lockout guard refuses. */
  lockout?: string;
  /** The public keys that signed manifestText: the release page trusts them. */
  signerKeys: readonly Uint8Array[];
}

/**
 * The lockout guard's finding: undefined when the image contains `required`
 * (k of n, default 1) of the keys able to sign the next release (default: the
 * signing keys' own), else why devices running it could never update again.
 */
export async function findLockout(
  input: Pick<ReleaseInput, 'imageFile' | 'board' | 'version' | 'rawImage'>,
  gzip: boolean,
  keys: readonly Uint8Array[],
  required = 1,
  label: Label = inputLabel,
): Promise<string | undefined> {
  let found: Set<number>;
  try {
    found = await findEmbeddedKeys(input.imageFile, gzip, keys);
  } catch (error) {
    throw new InputError(`cannot read ${input.imageFile} to look for trusted keys: ${(error as Error).message}`);
  }
  if (found.size >= required) return undefined;
  const listed = keys.map((key) => `${keyIdOf(key)} (${Buffer.from(key).toString('hex')})`).join(', ');
  const wanted =
    required === 1
      ? 'any public key'
      : `${required} distinct public keys (devices require ${required} signatures; it has ${found.size})`;
  const image = input.rawImage ? `${input.rawImage} (served gzip-compressed as ${input.imageFile})` : input.imageFile;
  return (
    `lockout guard: ${image} (${input.board} ${input.version}) does not contain ${wanted} able to sign the next release: ${listed}. ` +
    'Devices running it would refuse every later update. Compile the public key into the firmware ' +
    `(static-ota keygen prints it as a C array), list the keys it trusts in ${label('trusted-keys')}, or set ${label('allow-lockout')} if this is deliberate.`
  );
}

/** The keys the lockout guard looks for: the next release's, or the signing keys' own. */
export function lockoutKeys(
  nextReleaseKeys: readonly Uint8Array[] | undefined,
  signingKeys: readonly SigningKey[],
): readonly Uint8Array[] {
  const listed = nextReleaseKeys?.length ? nextReleaseKeys : signingKeys.map((key) => key.publicKey);
  // A key listed twice is still one key toward a k-of-n threshold.
  return [...new Map(listed.map((key) => [Buffer.from(key).toString('hex'), key])).values()];
}

/** Checks the image, applies the lockout guard, hashes the image and signs its manifest. */
export async function signRelease(input: ReleaseInput, policy: SigningPolicy): Promise<SignedRelease> {
  const label = policy.label ?? inputLabel;
  const { gzip, inflatedSize } = await checkImage(
    input.imageFile,
    policy.maxImageBytes ?? MAX_IMAGE_SIZE,
    label('max-image-size'),
  );
  // Inside a gzip image: the key must be in what eboot installs.
  const lockout = await findLockout(
    input,
    gzip,
    lockoutKeys(policy.nextReleaseKeys, policy.keys),
    policy.requiredSignatures,
    label,
  );
  if (lockout !== undefined && !policy.allowLockout) throw new InputError(lockout);
  // The browser install's manifest needs the image's MD5: taken in the same read as its SHA-256.
  const { size, sha256, md5 } = await hashFile(input.imageFile, { md5: input.flash !== undefined });
  const { version, board, channel, file, extra } = input;
  const encoding = gzip ? ('gzip' as const) : undefined;
  const manifestText = signManifest(
    {
      version,
      board,
      channel,
      file,
      size,
      sha256,
      expires: policy.expires,
      rollout: policy.rollout,
      seq: policy.seq,
      encoding,
      // Signed, so a device can refuse before the download what its boot loader could not write.
      inflatedSize,
      extra,
    },
    policy.keys,
  );
  const signerKeys = policy.keys.map((key) => key.publicKey);
  return {
    ...input,
    size,
    sha256,
    ...(md5 ? { md5 } : {}),
    ...(encoding ? { encoding } : {}),
    manifestText,
    lockout,
    signerKeys,
  };
}

const PEM_BLOCK = /-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----/g;

/** Several keys in one secret: PEM blocks, or one hex/base64 seed per line. */
export function parseSigningKeys(material: string, source: string): SigningKey[] {
  const pemBlocks = material.match(PEM_BLOCK) ?? [];
  const seedLines = material
    .replace(PEM_BLOCK, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const keys = [...pemBlocks, ...seedLines].map((text, index, all) =>
    parseSigningKey(text, all.length > 1 ? `${source} (key ${index + 1})` : source),
  );
  if (keys.length === 0) throw new KeyError(`${source} is empty`);
  return keys;
}
