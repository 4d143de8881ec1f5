// Releases for the attack battery: genuine ones made with the CLI exactly as a
// maintainer would, and hostile manifests crafted byte by byte and signed with
// the real key where an attack needs a valid signature on hostile content.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { sha256Hex, signBytes } from '../../src/protocol/crypto.js';
import { formatSignatureLine, type ManifestFields } from '../../src/protocol/manifest.js';
import {
  normalizedBase,
  patchFileName,
  serializePatchBody,
  type PatchManifestFields,
} from '../../src/protocol/patch.js';
import { createPatch } from '../../src/release/delta/encode.js';
import { parseSigningKey, type SigningKey } from '../../src/release/sign.js';
import { temporaryFolder, writeEspImage, writeKeyFile, type KeyFile } from '../helpers.js';

export const BOARD = 'nodemcuv2';
export const IMAGE_BYTES = 4096;

export interface Release {
  version: string;
  /** The latest.txt text. */
  manifest: string;
  /** The image's name beside the manifest. */
  file: string;
  image: Buffer;
}

export interface Signer {
  file: KeyFile;
  key: SigningKey;
}

export function makeSigner(folder: string, name: string): Signer {
  const file = writeKeyFile(folder, name);
  return { file, key: parseSigningKey(file.privatePem, name) };
}

/** An ESP image of IMAGE_BYTES embedding `signer`'s public key, as firmware built by that signer would, told apart by `marker`. */
export function makeImage(folder: string, signer: Signer, marker: string): Buffer {
  return writeEspImage(join(folder, `${marker}.bin`), { publicKey: signer.key.publicKey, marker, size: IMAGE_BYTES });
}

/**
 * `static-ota publish` into a fresh mirror folder, signed by every signer (one
 * `--key` each) with an image trusting all of them; returns what it wrote for the board.
 */
export async function publishWithCli(
  signers: Signer | readonly Signer[],
  options: { version: string; board?: string; channel?: string },
): Promise<Release> {
  const { version, board = BOARD, channel } = options;
  const keys = [signers].flat();
  const folder = temporaryFolder('static-ota-security-release-');
  const firmware = join(folder, 'firmware.bin');
  const publicKeys = Buffer.concat(keys.map((signer) => signer.key.publicKey));
  writeEspImage(firmware, { publicKey: publicKeys, marker: `${board} ${version}`, size: IMAGE_BYTES });
  const out = join(folder, 'mirror');
  const args = ['publish', '--firmware', firmware, '--version', version, '--board', board, '--out', out];
  for (const signer of keys) args.push('--key', signer.file.path);
  if (channel) args.push('--channel', channel);
  let errors = '';
  const code = await runCli(args, { stdout: () => undefined, stderr: (text) => (errors += text), env: {} });
  if (code !== 0) throw new Error(`static-ota publish ${version} failed: ${errors}`);
  const releaseFolder = channel && channel !== 'stable' ? join(out, board, channel) : join(out, board);
  const manifest = readFileSync(join(releaseFolder, 'latest.txt'), 'latin1');
  const file = /^file=(.+)$/m.exec(manifest)?.[1] as string;
  return { version, manifest, file, image: readFileSync(join(releaseFolder, file)) };
}

/** Manifest fields offering `image` as `version` for BOARD on stable. */
export function fieldsFor(version: string, image: Buffer): ManifestFields {
  return {
    version,
    board: BOARD,
    channel: 'stable',
    file: `firmware-${version}.bin`,
    size: image.length,
    sha256: sha256Hex(image),
  };
}

/** Appends a `sig=` line per key, each over exactly `signed` (which defaults to the whole body). */
export function appendSignatures(body: string, keys: readonly SigningKey[], signed: string = body): string {
  const message = Buffer.from(signed, 'latin1');
  return (
    body +
    keys.map((key) => formatSignatureLine({ keyId: key.keyId, signature: signBytes(message, key.seed) })).join('')
  );
}

/** A patch from `base` to `result` and its patch manifest for BOARD, signed by `signer` (fields overridable, for attacks). */
export function makePatch(
  signer: Signer,
  base: { version: string; image: Buffer },
  result: { version: string; file: string; image: Buffer },
  changes: Partial<PatchManifestFields> = {},
): { manifest: string; patch: Buffer } {
  const normalized = normalizedBase(base.image);
  const patch = Buffer.from(createPatch(normalized, result.image));
  const fields: PatchManifestFields = {
    version: result.version,
    board: BOARD,
    channel: 'stable',
    file: patchFileName(result.file, base.version),
    size: patch.length,
    sha256: sha256Hex(patch),
    baseVersion: base.version,
    baseSize: normalized.length,
    baseSha256: sha256Hex(normalized),
    resultSize: result.image.length,
    resultSha256: sha256Hex(result.image),
    ...changes,
  };
  return { manifest: appendSignatures(serializePatchBody(fields), [signer.key]), patch };
}
