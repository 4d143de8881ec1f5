// Ed25519 and SHA-256 primitives shared by signing, the manifest protocol and verification.
import { createHash } from 'node:crypto';
import * as ed from '@noble/ed25519';
import { readChunks } from './image.js';

ed.hashes.sha512 = (message) => new Uint8Array(createHash('sha512').update(message).digest());

export const PUBLIC_KEY_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 and length of a file, read through one reused buffer so memory stays flat whatever its size. */
export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of readChunks(path)) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** First 8 hex characters of SHA-256 of the raw public key: names the key in `sig=` lines. */
export function keyIdOf(publicKey: Uint8Array): string {
  return sha256Hex(publicKey).slice(0, 8);
}

export function publicKeyOf(seed: Uint8Array): Uint8Array {
  return ed.getPublicKey(seed);
}

export function signBytes(message: Uint8Array, seed: Uint8Array): Uint8Array {
  return ed.sign(message, seed);
}

/**
 * Strict RFC 8032 verification (zip215: false): rejects S >= L, non-canonical
 * encodings and small-order public keys, the same rules the device core enforces.
 */
export function verifyStrict(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_LENGTH || publicKey.length !== PUBLIC_KEY_LENGTH) return false;
  try {
    return ed.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
