// Changes to a manifest already on a mirror, without rebuilding: the rollout
// percentage of its current version (re-signed with `seq` one higher), and
// cosigning (k of n), which adds a signature without changing the signed bytes
// and promotes a staged manifest once it carries enough.
import { signBytes } from '../protocol/crypto.js';
import {
  formatSignatureLine,
  manifestPath,
  MAX_REQUIRED_SIGNATURES,
  MAX_SEQ,
  MAX_SIGNATURES,
  judgeManifest,
  pendingManifestPath,
  readVersionLine,
  signedFields,
  summarizeManifest,
  type DevicePolicy,
  type OpenedManifest,
} from '../protocol/manifest.js';
import type { MirrorTarget } from '../mirror/target.js';
import { signManifest, type SigningKey } from '../release/sign.js';
import { writeSite } from '../site/page.js';
import { compareVersions } from '../release/version.js';

export interface ManifestLocation {
  board: string;
  channel: string;
}

/** What the maintainer reviewed (--expect-version, --expect-sha256): anything else is refused, never signed. */
export interface ExpectedRelease {
  version?: string;
  sha256?: string;
}

/** `board B, channel C, version V, sha256 S`: what a signature was added to, for the maintainer to see. */
export const describeRelease = (manifest: OpenedManifest): string =>
  `board ${manifest.board}, channel ${manifest.channel}, version ${manifest.version}, sha256 ${manifest.sha256}`;

/** The Unix time devices with a clock judge expires= by. */
const nowInSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * The manifest at `path` as devices under `policy` judge it; refused unless
 * they accept it (a staged one: on everything but the signature count) and it
 * is the release expected. Nothing a device would refuse gets a signature.
 */
/** The refusals about the signatures themselves, which a command's rule for them explains. */
const SIGNATURE_REFUSALS: ReadonlySet<string> = new Set([
  'unsigned',
  'untrusted_key',
  'bad_signature',
  'too_few_signatures',
]);

function acceptedManifest(
  bytes: Buffer,
  { path, where, staged, rule = '' }: { path: string; where: string; staged: boolean; rule?: string },
  policy: DevicePolicy,
  expected: ExpectedRelease = {},
): OpenedManifest {
  const verdict = judgeManifest(bytes, policy, { ignoreSignatureCount: staged });
  if (!verdict.accepted) {
    const keys = distinctKeyCount(policy.trustedKeys);
    const devices = `devices trusting ${keys === 1 ? 'this key' : `these ${keys} keys`} and requiring ${policy.requiredSignatures} signatures (--required-signatures)`;
    throw new Error(
      `${path} in ${where}: ${verdict.reason}. ${devices} refuse it${staged ? ' even once cosigned' : ''}, so no signature is added to it${SIGNATURE_REFUSALS.has(verdict.code) ? rule : ''}`,
    );
  }
  const { manifest } = verdict;
  if (expected.version !== undefined && manifest.version !== expected.version)
    throw new Error(`${path} in ${where} offers ${manifest.version}, not ${expected.version}: nothing signed`);
  if (expected.sha256 !== undefined && manifest.sha256 !== expected.sha256) {
    throw new Error(
      `${path} in ${where} names an image with sha256 ${manifest.sha256}, not the expected ${expected.sha256}: nothing signed`,
    );
  }
  return manifest;
}

const distinctKeyCount = (keys: readonly Uint8Array[]): number =>
  new Set(keys.map((key) => Buffer.from(key).toString('hex'))).size;

/**
 * rollout's k when none is given: one per distinct trusted key (at most what
 * devices can require), the strictest threshold devices trusting them can set.
 * Never read from the mirror: whoever writes it would choose it.
 */
const strictestThreshold = (keys: readonly Uint8Array[]): number =>
  Math.min(distinctKeyCount(keys), MAX_REQUIRED_SIGNATURES);

export interface RolloutChange extends ManifestLocation {
  percent: number;
  keys: readonly SigningKey[];
  /** Keys devices trust (default: the signing keys). */
  trustedKeys?: readonly Uint8Array[];
  /**
   * Signatures devices require (default: one per distinct trusted key). The
   * current manifest must carry them; with fewer signing keys the re-signed
   * manifest is staged for cosigning.
   */
  requiredSignatures?: number;
  expected?: ExpectedRelease;
  /** Unix seconds, for expires= (default: now). */
  now?: number;
}

export interface RolloutResult {
  /** Where the re-signed manifest went: latest.txt, or pending.txt when it awaits cosigning. */
  path: string;
  manifest: OpenedManifest;
  previousPercent: number;
  text: string;
}

/**
 * Re-signs the current version's manifest with a new rollout percentage and
 * `seq` one higher (docs/protocol.md, "Staged rollout and halt"). Only a
 * manifest devices accept under the policy (trusted keys, k, board, channel,
 * time) is re-signed: a leaked key's manifest is never made whole.
 */
export function changeRollout(target: MirrorTarget, change: RolloutChange): Promise<RolloutResult> {
  const trustedKeys = change.trustedKeys?.length ? change.trustedKeys : change.keys.map((key) => key.publicKey);
  const policy: DevicePolicy = {
    trustedKeys,
    requiredSignatures: change.requiredSignatures ?? strictestThreshold(trustedKeys),
    board: change.board,
    channel: change.channel,
    now: change.now ?? nowInSeconds(),
  };
  const signers = trustedSigners(change.keys, trustedKeys);
  return target.transaction(async (session) => {
    const where = target.description;
    const path = manifestPath(change.board, change.channel);
    const bytes = await session.read(path);
    if (!bytes) throw new Error(`${path} does not exist in ${where}: publish a release first`);
    const manifest = acceptedManifest(bytes, { path, where, staged: false }, policy, change.expected);
    refuseUncheckedSignatures(manifest, bytes, path);
    if (manifest.seq >= MAX_SEQ) throw new Error(`${path}: seq is at its maximum; publish a new version`);
    const staged = signers < policy.requiredSignatures;
    const text = signManifest(
      { ...signedFields(manifest), rollout: change.percent, seq: manifest.seq + 1 },
      change.keys,
    );
    const resigned = acceptedManifest(Buffer.from(text, 'latin1'), { path, where, staged }, policy);
    const destination = staged ? pendingManifestPath(change.board, change.channel) : path;
    const waiting = staged ? await session.read(destination) : undefined;
    if (waiting) {
      throw new Error(
        `${destination} in ${where} already holds ${readVersionLine(waiting)} awaiting cosignatures: cosign it, or remove it, before staging a rollout change`,
      );
    }
    await session.writeManifest(destination, text, staged ? undefined : bytes);
    if (!staged) await writeSite(session, { keys: [...trustedKeys, ...change.keys.map((key) => key.publicKey)] });
    return { path: destination, manifest: resigned, previousPercent: manifest.rollout, text };
  });
}

/** Distinct signing keys devices trust; a key they do not trust would add a signature they ignore. */
function trustedSigners(keys: readonly SigningKey[], trustedKeys: readonly Uint8Array[]): number {
  const trusted = new Set(trustedKeys.map((key) => Buffer.from(key).toString('hex')));
  const untrusted = keys.filter((key) => !trusted.has(Buffer.from(key.publicKey).toString('hex')));
  if (untrusted.length > 0) {
    throw new Error(
      `the signing key ${untrusted[0].keyId} is not among the trusted keys: devices would ignore its signature`,
    );
  }
  return new Set(keys.map((key) => key.keyId)).size;
}

/**
 * Signatures by keys outside the given trusted keys mean the list is not the
 * devices' own: a re-signed manifest could carry fewer signatures than they
 * require, and a halt would never reach them. Refused rather than guessed.
 */
function refuseUncheckedSignatures(manifest: OpenedManifest, bytes: Buffer, path: string): void {
  const unchecked = new Set(summarizeManifest(bytes).keyIds.filter((keyId) => !manifest.verifiedKeys.includes(keyId)));
  if (unchecked.size > 0) {
    throw new Error(
      `${path} also carries signatures by ${[...unchecked].join(', ')}, which the given keys cannot check: ` +
        'give --trusted-key for every key devices trust, so the new manifest keeps as many signatures as devices require',
    );
  }
}

/** A newer version, or the same version re-signed with a higher seq (a rollout change). */
function supersedes(staged: OpenedManifest, live: Buffer, policy: DevicePolicy): boolean {
  const order = compareVersions(staged.version, readVersionLine(live));
  if (order !== 0) return order > 0;
  const verdict = judgeManifest(live, policy);
  // A live manifest devices refuse is no obstacle: they never take it.
  return !verdict.accepted || staged.seq > verdict.manifest.seq;
}

export interface CosignRequest extends ManifestLocation {
  key: SigningKey;
  /** The keys devices trust: every signature already on the manifest must verify under them. */
  trustedKeys: readonly Uint8Array[];
  /** Signatures devices require: reaching it promotes a staged manifest to latest.txt. */
  requiredSignatures: number;
  expected?: ExpectedRelease;
  /** Unix seconds, for expires= (default: now). */
  now?: number;
}

export interface CosignResult {
  /** Where the cosigned manifest went. */
  path: string;
  manifest: OpenedManifest;
  signatures: number;
  promoted: boolean;
  text: string;
}

/**
 * Adds the key's signature to the staged manifest (pending.txt), or to
 * latest.txt when nothing is staged, over exactly the bytes already signed.
 * Devices under the policy must already accept it (a staged one: on all but
 * the signature count), every existing signature must be a valid one from a
 * distinct trusted key, and it must be the release expected. A staged
 * manifest that reaches the required count replaces latest.txt, never with a
 * lower or equal version.
 */
export function cosign(target: MirrorTarget, request: CosignRequest): Promise<CosignResult> {
  const { board, channel, key, trustedKeys, requiredSignatures } = request;
  const policy: DevicePolicy = { trustedKeys, requiredSignatures, board, channel, now: request.now ?? nowInSeconds() };
  trustedSigners([key], trustedKeys);
  return target.transaction(async (session) => {
    const where = target.description;
    const livePath = manifestPath(board, channel);
    const pendingPath = pendingManifestPath(board, channel);
    const pending = await session.read(pendingPath);
    const path = pending ? pendingPath : livePath;
    const bytes = pending ?? (await session.read(livePath));
    if (!bytes) throw new Error(`neither ${pendingPath} nor ${livePath} exists in ${where}: publish a release first`);
    const staged = pending !== undefined;
    const rule = ': every existing signature must be a valid one from a distinct trusted key';
    const opened = acceptedManifest(bytes, { path, where, staged, rule }, policy, request.expected);
    const existing = summarizeManifest(bytes).keyIds.length;
    if (opened.verifiedKeys.length !== existing) {
      throw new Error(
        `${path} in ${where}: every existing signature must be a valid one from a distinct trusted key, ` +
          `but only ${opened.verifiedKeys.length} of its ${existing} are (${opened.verifiedKeys.join(', ')})`,
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
    const signatures = existing + 1;
    const promoted = staged && signatures >= requiredSignatures;
    const cosigned = acceptedManifest(
      Buffer.from(text, 'latin1'),
      { path, where, staged: !promoted && staged },
      policy,
    );
    if (!promoted) {
      await session.writeManifest(path, text, bytes);
      if (path === livePath) await writeSite(session, { keys: trustedKeys });
      return { path, manifest: cosigned, signatures, promoted, text };
    }
    const live = await session.read(livePath);
    if (live && !supersedes(opened, live, policy)) {
      throw new Error(
        `${pendingPath} offers ${opened.version} (seq ${opened.seq}), but ${livePath} already offers ${readVersionLine(live)} at least as new: devices never go back, so it is not promoted`,
      );
    }
    await session.writeManifest(livePath, text, live);
    await session.remove(pendingPath);
    await writeSite(session, { keys: trustedKeys });
    return { path: livePath, manifest: cosigned, signatures, promoted, text };
  });
}
