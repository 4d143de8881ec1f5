// Ed25519 and SHA-256 primitives shared by signing, the manifest protocol and verification.
// Signing and the verification equation are OpenSSL's (node:crypto), the same
// cofactorless equation the devices check; @noble/ed25519 only decodes points,
// to refuse a trusted key that is not a curve point (docs/security.md).
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { Point } from '@noble/ed25519';
import { readChunks } from '../common/read-chunks.js';

export const PUBLIC_KEY_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;

// DER prefixes that turn a raw seed into PKCS#8 and a raw public key into SPKI (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The group order L (little-endian in signatures): S must be below it. */
export const GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;
const FIELD_PRIME = 2n ** 255n - 19n;

/**
 * y coordinates (sign bit cleared) of the eight points of order dividing 8:
 * y = 0 (order 4), y = 1 (identity), y = p - 1 (order 2) and the two of order 8.
 * The same list as kSmallOrderY in firmware/src/core/ed25519_strict.cpp.
 */
const SMALL_ORDER_Y = [
  0n,
  1n,
  FIELD_PRIME - 1n,
  0x05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826n,
  0x7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7n,
];

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * SHA-256 and length of a file, and its MD5 when asked (ESPHome's `ota.md5` on the release page), in one read through
 * one reused buffer, so memory stays flat whatever its size.
 */
export async function hashFile<WithMd5 extends boolean = false>(
  path: string,
  { md5 }: { md5?: WithMd5 } = {},
): Promise<{ sha256: string; size: number; md5: WithMd5 extends true ? string : undefined }> {
  const hash = createHash('sha256');
  const md5Hash = md5 ? createHash('md5') : undefined;
  let size = 0;
  for await (const chunk of readChunks(path)) {
    hash.update(chunk);
    md5Hash?.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size, md5: md5Hash?.digest('hex') as WithMd5 extends true ? string : undefined };
}

/** First 8 hex characters of SHA-256 of the raw public key: names the key in `sig=` lines. */
export function keyIdOf(publicKey: Uint8Array): string {
  return sha256Hex(publicKey).slice(0, 8);
}

const littleEndian = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).reverse().toString('hex') || '0'}`);
const yOf = (point: Uint8Array): bigint => littleEndian(point) & (2n ** 255n - 1n);
const signBitOf = (point: Uint8Array): boolean => (point[31] & 0x80) !== 0;

const publicKeyObjectOf = (publicKey: Uint8Array): KeyObject =>
  createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });

export const privateKeyOf = (seed: Uint8Array): KeyObject =>
  createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });

export function publicKeyOf(seed: Uint8Array): Uint8Array {
  const { x } = createPublicKey(privateKeyOf(seed)).export({ format: 'jwk' });
  return Buffer.from(x as string, 'base64url');
}

export function signBytes(message: Uint8Array, seed: Uint8Array | KeyObject): Uint8Array {
  return sign(null, message, seed instanceof Uint8Array ? privateKeyOf(seed) : seed);
}

/** S (little-endian) is below L: refuses the malleable S + L form. */
export const isCanonicalScalar = (s: Uint8Array): boolean => littleEndian(s) < GROUP_ORDER;

/** y below p, and the two points with x = 0 (y = 1, y = p - 1) without the sign bit. */
export function isCanonicalPointEncoding(point: Uint8Array): boolean {
  const y = yOf(point);
  return y < FIELD_PRIME && !(signBitOf(point) && (y === 1n || y === FIELD_PRIME - 1n));
}

/** One of the eight points of order dividing 8, with either sign bit. */
export const isSmallOrderPoint = (point: Uint8Array): boolean => SMALL_ORDER_Y.includes(yOf(point));

/** Why a public key can never verify strictly; the same codes and order as the device core's checkPublicKey. */
export type PublicKeyProblem = 'bad_length' | 'non_canonical' | 'small_order' | 'not_a_point';

// Decoding a point costs a square root; trusted keys are few and checked on every verify.
const knownProblems = new Map<string, PublicKeyProblem | undefined>();
const MAX_KNOWN_PROBLEMS = 64;

export function publicKeyProblem(publicKey: Uint8Array): PublicKeyProblem | undefined {
  if (publicKey.length !== PUBLIC_KEY_LENGTH) return 'bad_length';
  if (!isCanonicalPointEncoding(publicKey)) return 'non_canonical';
  if (isSmallOrderPoint(publicKey)) return 'small_order';
  const hex = Buffer.from(publicKey).toString('hex');
  if (!knownProblems.has(hex)) {
    if (knownProblems.size === MAX_KNOWN_PROBLEMS) knownProblems.clear();
    knownProblems.set(hex, decodesToPoint(publicKey) ? undefined : 'not_a_point');
  }
  return knownProblems.get(hex);
}

function decodesToPoint(publicKey: Uint8Array): boolean {
  try {
    Point.fromBytes(publicKey, false);
    return true;
  } catch {
    return false;
  }
}

export const PUBLIC_KEY_PROBLEMS: Record<PublicKeyProblem, string> = {
  bad_length: `is not ${PUBLIC_KEY_LENGTH} bytes`,
  non_canonical: 'is not a canonical point encoding (y >= p, or x = 0 with the sign bit set)',
  small_order: 'is a point of small order, which anyone can sign for',
  not_a_point: 'is not a point on the Ed25519 curve',
};

/**
 * Strict verification exactly as the device core's verifyStrict: S < L, R
 * canonical and not of small order (OpenSSL 3.5, in Node 24, refuses an
 * identity R that OpenSSL 3.0 accepts), an acceptable public key, then the
 * cofactorless equation SB = R + kA, which OpenSSL checks (as rweather's
 * Crypto on the chips does).
 */
export function verifyStrict(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_LENGTH || publicKeyProblem(publicKey) !== undefined) return false;
  const [r, s] = [signature.subarray(0, 32), signature.subarray(32)];
  if (!isCanonicalScalar(s) || !isCanonicalPointEncoding(r) || isSmallOrderPoint(r)) return false;
  try {
    return verify(null, message, publicKeyObjectOf(publicKey), signature);
  } catch {
    return false;
  }
}
