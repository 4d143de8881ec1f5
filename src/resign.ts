// Changes to a manifest already on a mirror, without rebuilding: the rollout
// percentage of its current version (re-signed with `seq` one higher), and
// cosigning (k of n), which adds a signature without changing the signed bytes
// and promotes a staged manifest once it carries enough.
import { signBytes } from './crypto.js';
import { InputError } from './inputs.js';
import {
  formatSignatureLine,
  FULL_ROLLOUT,
  manifestPath,
  MAX_REQUIRED_SIGNATURES,
  MAX_SEQ,
  MAX_SIGNATURES,
  openManifest,
  pendingManifestPath,
  readVersionLine,
  signedFields,
  summarizeManifest,
  type OpenedManifest,
} from './manifest.js';
import type { MirrorSession, MirrorTarget } from './publish/target.js';
import { signManifest, type SigningKey } from './sign.js';
import { writeSite } from './site/page.js';
import { compareVersions } from './version.js';

/** `25` → 25; a whole percentage from 0 to 100. */
export function parseRolloutPercent(text: string, name: string): number {
  const trimmed = text.trim().replace(/%$/, '');
  const value = /^(0|[1-9]\d{0,2})$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!(value >= 0 && value <= FULL_ROLLOUT))
    throw new InputError(`${name} must be a whole percentage from 0 to 100, got ${JSON.stringify(text)}`);
  return value;
}

/** k of the k-of-n threshold: 1 to MAX_REQUIRED_SIGNATURES. */
export function parseRequiredSignatures(text: string, name: string): number {
  const count = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(count >= 1 && count <= MAX_REQUIRED_SIGNATURES)) {
    throw new InputError(
      `${name} must be a whole number from 1 to ${MAX_REQUIRED_SIGNATURES} (devices trust at most that many keys), got ${JSON.stringify(text)}`,
    );
  }
  return count;
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
  if (!bytes) throw new Error(`${path} does not exist in ${where}: publish a release first`);
  try {
    return { bytes, manifest: openManifest(bytes, trustedKeys), path };
  } catch (error) {
    throw new Error(`${path} in ${where} does not verify under the given keys: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export interface RolloutChange extends ManifestLocation {
  percent: number;
  keys: readonly SigningKey[];
  /** Keys the current manifest may be signed by (default: the signing keys). */
  trustedKeys?: readonly Uint8Array[];
  /**
   * Signatures devices require (default: as many as the current manifest carries
   * from trusted keys); with fewer signing keys the re-signed manifest is staged for cosigning.
   */
  requiredSignatures?: number;
}

export interface RolloutResult {
  /** Where the re-signed manifest went: latest.txt, or pending.txt when it awaits cosigning. */
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
  const trustedKeys = change.trustedKeys?.length ? change.trustedKeys : change.keys.map((key) => key.publicKey);
  const signers = new Set(change.keys.map((key) => key.keyId)).size;
  return target.transaction(async (session) => {
    const { bytes, manifest, path } = await readCurrentManifest(session, change, trustedKeys, target.description);
    if (manifest.seq >= MAX_SEQ) throw new Error(`${path}: seq is at its maximum; publish a new version`);
    const staged = signers < requiredFor(manifest, bytes, path, change.requiredSignatures);
    const { board, channel, version } = manifest;
    const seq = manifest.seq + 1;
    const text = signManifest({ ...signedFields(manifest), rollout: change.percent, seq }, change.keys);
    const destination = staged ? pendingManifestPath(board, channel) : path;
    const waiting = staged ? await session.read(destination) : undefined;
    if (waiting) {
      throw new Error(
        `${destination} in ${target.description} already holds ${readVersionLine(waiting)} awaiting cosignatures: cosign it, or remove it, before staging a rollout change`,
      );
    }
    await session.writeManifest(destination, text, staged ? undefined : bytes);
    if (!staged) await writeSite(session, { keys: [...trustedKeys, ...change.keys.map((key) => key.publicKey)] });
    return {
      path: destination,
      version,
      previousPercent: manifest.rollout,
      percent: change.percent,
      seq,
      manifest: text,
    };
  });
}

/**
 * Signatures the re-signed manifest needs: `required` when given, else as many
 * as the current one carries from distinct trusted keys, so that devices
 * requiring them keep accepting it. Signatures the trusted keys cannot check
 * leave that count unknown: refused rather than guessed.
 */
function requiredFor(manifest: OpenedManifest, bytes: Buffer, path: string, required: number | undefined): number {
  if (required !== undefined) return required;
  const unchecked = new Set(summarizeManifest(bytes).keyIds.filter((keyId) => !manifest.verifiedKeys.includes(keyId)));
  if (unchecked.size > 0) {
    throw new Error(
      `${path} also carries signatures by ${[...unchecked].join(', ')}, which the given keys cannot check: ` +
        'give --trusted-key for every key devices trust, or --required-signatures, so the new manifest keeps as many signatures as devices require',
    );
  }
  return manifest.verifiedKeys.length;
}

/** A newer version, or the same version re-signed with a higher seq (a rollout change). */
function supersedes(staged: OpenedManifest, live: Buffer, trustedKeys: readonly Uint8Array[]): boolean {
  const order = compareVersions(staged.version, readVersionLine(live));
  if (order !== 0) return order > 0;
  try {
    return staged.seq > openManifest(live, trustedKeys).seq;
  } catch {
    return true; // the live manifest does not verify: devices refuse it anyway
  }
}

export interface CosignRequest extends ManifestLocation {
  key: SigningKey;
  /** The keys devices trust: every signature already on the manifest must verify under them. */
  trustedKeys: readonly Uint8Array[];
  /** Signatures devices require: reaching it promotes a staged manifest to latest.txt. */
  requiredSignatures: number;
}

export interface CosignResult {
  /** Where the cosigned manifest went. */
  path: string;
  version: string;
  signatures: number;
  promoted: boolean;
  manifest: string;
}

/**
 * Adds the key's signature to the staged manifest (pending.txt), or to
 * latest.txt when nothing is staged, over exactly the bytes already signed,
 * after every existing signature verified under the trusted keys. A staged
 * manifest that reaches the required count replaces latest.txt, never with a
 * lower or equal version.
 */
export function cosign(target: MirrorTarget, request: CosignRequest): Promise<CosignResult> {
  const { board, channel, key, trustedKeys, requiredSignatures } = request;
  if (!trustedKeys.some((trusted) => Buffer.from(trusted).equals(Buffer.from(key.publicKey)))) {
    throw new Error(`the cosigning key ${key.keyId} is not among the trusted keys: devices would ignore its signature`);
  }
  return target.transaction(async (session) => {
    const where = target.description;
    const livePath = manifestPath(board, channel);
    const pendingPath = pendingManifestPath(board, channel);
    const staged = await session.read(pendingPath);
    const path = staged ? pendingPath : livePath;
    const bytes = staged ?? (await session.read(livePath));
    if (!bytes) throw new Error(`neither ${pendingPath} nor ${livePath} exists in ${where}: publish a release first`);
    const existing = bytes
      .toString('latin1')
      .split('\n')
      .filter((line) => line.startsWith('sig=')).length;
    let opened: OpenedManifest;
    try {
      opened = openManifest(bytes, trustedKeys, existing);
    } catch (error) {
      throw new Error(
        `${path} in ${where}: every existing signature must be a valid one from a distinct trusted key: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (opened.verifiedKeys.includes(key.keyId))
      throw new Error(`${path} in ${where} is already signed by ${key.keyId}`);
    if (existing >= MAX_SIGNATURES)
      throw new Error(`${path} in ${where} already has ${MAX_SIGNATURES} signatures, the most a manifest may carry`);
    const line = formatSignatureLine({
      keyId: key.keyId,
      signature: signBytes(bytes.subarray(0, opened.signedLength), key.seed),
    });
    const text = bytes.toString('latin1') + line;
    openManifest(Buffer.from(text, 'latin1'), trustedKeys, existing + 1);
    const promoted = staged !== undefined && existing + 1 >= requiredSignatures;
    if (!promoted) {
      await session.writeManifest(path, text, bytes);
      if (path === livePath) await writeSite(session, { keys: trustedKeys });
      return { path, version: opened.version, signatures: existing + 1, promoted, manifest: text };
    }
    const live = await session.read(livePath);
    if (live && !supersedes(opened, live, trustedKeys)) {
      throw new Error(
        `${pendingPath} offers ${opened.version} (seq ${opened.seq}), but ${livePath} already offers ${readVersionLine(live)} at least as new: devices never go back, so it is not promoted`,
      );
    }
    await session.writeManifest(livePath, text, live);
    await session.remove(pendingPath);
    await writeSite(session, { keys: trustedKeys });
    return { path: livePath, version: opened.version, signatures: existing + 1, promoted, manifest: text };
  });
}
