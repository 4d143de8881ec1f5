// Changes to a manifest already on a mirror, without rebuilding: the rollout
// percentage of its current version (re-signed with `seq` one higher).
import { InputError } from './inputs.js';
import { FULL_ROLLOUT, manifestPath, openManifest, type OpenedManifest } from './manifest.js';
import type { MirrorSession, MirrorTarget } from './publish/target.js';
import { signManifest, type SigningKey } from './sign.js';

export class ResignError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResignError';
  }
}

/** `25` → 25; a whole percentage from 0 to 100. */
export function parseRolloutPercent(text: string, name: string): number {
  const trimmed = text.trim().replace(/%$/, '');
  const value = /^(0|[1-9]\d{0,2})$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!(value >= 0 && value <= FULL_ROLLOUT)) throw new InputError(`${name} must be a whole percentage from 0 to 100, got ${JSON.stringify(text)}`);
  return value;
}

export interface ManifestLocation {
  board: string;
  channel: string;
}

/** Reads the board's manifest in this session and opens it under the given trusted keys. */
export async function readCurrentManifest(
  session: MirrorSession,
  { board, channel }: ManifestLocation,
  trustedKeys: readonly Uint8Array[],
  where: string,
  path = manifestPath(board, channel),
): Promise<{ bytes: Buffer; manifest: OpenedManifest; path: string }> {
  const bytes = await session.read(path);
  if (!bytes) throw new ResignError(`${path} does not exist in ${where}: publish a release first`);
  try {
    return { bytes, manifest: openManifest(bytes, trustedKeys), path };
  } catch (error) {
    throw new ResignError(`${path} in ${where} does not verify under the given keys: ${(error as Error).message}`);
  }
}

export interface RolloutChange extends ManifestLocation {
  percent: number;
  keys: readonly SigningKey[];
}

export interface RolloutResult {
  path: string;
  version: string;
  previousPercent: number;
  percent: number;
  seq: number;
  manifest: string;
}

/**
 * Re-signs the current version's manifest with a new rollout percentage and
 * `seq` one higher (docs/protocol.md, "Staged rollout and halt"). The current
 * manifest must verify under the signing keys, so nothing unknown is re-signed.
 */
export function changeRollout(target: MirrorTarget, change: RolloutChange): Promise<RolloutResult> {
  const publicKeys = change.keys.map((key) => key.publicKey);
  return target.transaction(async (session) => {
    const { bytes, manifest, path } = await readCurrentManifest(session, change, publicKeys, target.description);
    if (manifest.seq >= 0xffffffff) throw new ResignError(`${path}: seq is at its maximum; publish a new version`);
    const { version, board, channel, file, size, sha256, expires, extra } = manifest;
    const seq = manifest.seq + 1;
    const text = signManifest({ version, board, channel, file, size, sha256, expires, rollout: change.percent, seq, extra }, change.keys);
    await session.writeManifest(path, text, bytes);
    return { path, version, previousPercent: manifest.rollout, percent: change.percent, seq, manifest: text };
  });
}
