import { readFileSync, writeFileSync } from 'node:fs';
import { serializeVectors } from '../vectors/generate.js';
import { createHash } from 'node:crypto';
import * as ed from '@noble/ed25519';
import {
  openManifest,
  ManifestError,
  isValidVersion,
  TrustedKeyError,
  rolloutBucket,
  inRollout,
  isValidDeviceId,
} from '../../src/protocol/manifest.js';
import { openPatchManifest } from '../../src/protocol/patch.js';
import { compareVersions } from '../../src/release/version.js';
import { signBytes, publicKeyOf, publicKeyProblem, verifyStrict, keyIdOf } from '../../src/protocol/crypto.js';
import { KeyError, parsePublicKey } from '../../src/release/sign.js';

// The cofactored reference for the equation vectors: @noble/ed25519, strict encodings.
ed.hashes.sha512 = (message) => new Uint8Array(createHash('sha512').update(message).digest());

const VECTORS_PATH = new URL('../vectors/manifests.json', import.meta.url);
if (process.env.UPDATE_VECTORS === '1') writeFileSync(VECTORS_PATH, serializeVectors());
const committed = readFileSync(VECTORS_PATH, 'utf8');
interface Vectors {
  valid: Array<{
    name: string;
    manifest: string;
    trusted: string[];
    required?: number;
    expect: Record<string, unknown> & {
      signed_length: number;
      expires: number | null;
      encoding: string | null;
      inflated_size: number | null;
      key_index: number;
    };
  }>;
  invalid: Array<{ name: string; manifest: string; trusted: string[]; required?: number; error: string }>;
  versions: Array<[string, string, number]>;
  rfc8032: Array<{ secret: string; public: string; message: string; signature: string }>;
  strictness: Array<{ name: string; public: string; message: string; signature: string; valid: boolean }>;
  equation: Array<{
    name: string;
    public: string;
    message: string;
    signature: string;
    valid: boolean;
    cofactored: boolean;
  }>;
  public_keys: Array<{ name: string; public: string; problem: string }>;
  colliding_keys: Array<{ seed: string; public: string; keyid: string }>;
  rollout: Array<{ board: string; version: string; device_id: string; bucket: number }>;
  patches: {
    valid: Array<{ name: string; manifest: string; trusted: string[]; expect: Record<string, string | number | null> }>;
    invalid: Array<{ name: string; manifest: string; trusted: string[]; error: string }>;
  };
}
const vectors: Vectors = JSON.parse(committed);
const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
const keys = (hexKeys: string[]): Buffer[] => hexKeys.map((key) => Buffer.from(key, 'hex'));

describe('shared test vectors', () => {
  it('are reproduced exactly by the generator (Ed25519 is deterministic)', () => {
    expect(serializeVectors()).toBe(committed);
  });

  it.each(vectors.valid.map((vector) => [vector.name, vector] as const))(
    'opens valid manifest: %s',
    (_name, vector) => {
      const opened = openManifest(bytes(vector.manifest), keys(vector.trusted), vector.required);
      const {
        signed_length: signedLength,
        expires,
        encoding,
        inflated_size: inflatedSize,
        key_index: keyIndex,
        ...fields
      } = vector.expect;
      expect(opened).toMatchObject(fields);
      expect(opened.expires ?? null).toBe(expires);
      expect(opened.encoding ?? null).toBe(encoding);
      expect(opened.inflatedSize ?? null).toBe(inflatedSize);
      expect(opened.signedLength).toBe(signedLength);
      expect(opened.verifiedKeyIndex).toBe(keyIndex);
    },
  );

  it.each(vectors.invalid.map((vector) => [vector.name, vector.error, vector] as const))(
    'rejects %s with %s',
    (_name, code, vector) => {
      let thrown: unknown;
      try {
        openManifest(bytes(vector.manifest), keys(vector.trusted), vector.required);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ManifestError);
      expect((thrown as ManifestError).code).toBe(code);
    },
  );

  it.each(vectors.patches.valid.map((vector) => [vector.name, vector] as const))(
    'opens valid patch manifest: %s',
    (_name, vector) => {
      const opened = openPatchManifest(bytes(vector.manifest), keys(vector.trusted));
      expect({
        version: opened.version,
        board: opened.board,
        channel: opened.channel,
        file: opened.file,
        size: opened.size,
        sha256: opened.sha256,
        expires: opened.expires ?? null,
        base_version: opened.baseVersion,
        base_size: opened.baseSize,
        base_sha256: opened.baseSha256,
        result_size: opened.resultSize,
        result_sha256: opened.resultSha256,
        signed_length: opened.signedLength,
      }).toEqual(vector.expect);
    },
  );

  it.each(vectors.patches.invalid.map((vector) => [vector.name, vector.error, vector] as const))(
    'rejects patch manifest %s with %s',
    (_name, code, vector) => {
      expect(() => openPatchManifest(bytes(vector.manifest), keys(vector.trusted))).toThrow(`(${code})`);
    },
  );

  it('orders versions as the vectors say', () => {
    for (const [a, b, expected] of vectors.versions) {
      expect([a, b, isValidVersion(a) && isValidVersion(b)]).toEqual([a, b, true]);
      expect([a, b, compareVersions(a, b)]).toEqual([a, b, expected]);
    }
  });

  it.each(vectors.rfc8032.map((vector, index) => [index + 1, vector] as const))(
    'signs and verifies RFC 8032 section 7.1 vector %i',
    (_index, vector) => {
      const seed = Buffer.from(vector.secret, 'hex');
      const message = Buffer.from(vector.message, 'hex');
      expect(Buffer.from(publicKeyOf(seed)).toString('hex')).toBe(vector.public);
      expect(Buffer.from(signBytes(message, seed)).toString('hex')).toBe(vector.signature);
      expect(verifyStrict(Buffer.from(vector.signature, 'hex'), message, Buffer.from(vector.public, 'hex'))).toBe(true);
      const flipped = Buffer.from(vector.signature, 'hex');
      flipped[5] ^= 1;
      expect(verifyStrict(flipped, message, Buffer.from(vector.public, 'hex'))).toBe(false);
    },
  );

  it.each(vectors.strictness.map((vector) => [vector.name, vector] as const))(
    'strict verifier refuses %s',
    (_name, vector) => {
      // Every strictness vector is a signature RFC 8032's strict rules reject: the file says so, and so does the verifier.
      expect(vector.valid).toBe(false);
      const accepted = verifyStrict(
        Buffer.from(vector.signature, 'hex'),
        Buffer.from(vector.message, 'hex'),
        Buffer.from(vector.public, 'hex'),
      );
      expect(accepted).toBe(false);
    },
  );

  it('places devices in rollout buckets as the vectors say', () => {
    expect(vectors.rollout.length).toBeGreaterThan(0);
    for (const { board, version, device_id: deviceId, bucket } of vectors.rollout) {
      expect([deviceId, isValidDeviceId(deviceId), rolloutBucket(board, version, deviceId)]).toEqual([
        deviceId,
        true,
        bucket,
      ]);
      expect([inRollout(0, bucket), inRollout(100, bucket), inRollout(bucket / 100 + 0.01, bucket)]).toEqual([
        false,
        true,
        true,
      ]);
    }
  });

  it.each(vectors.equation.map((vector) => [vector.name, vector] as const))(
    'cofactorless equation: %s',
    (_name, vector) => {
      const [signature, message, publicKey] = [vector.signature, vector.message, vector.public].map((h) =>
        Buffer.from(h, 'hex'),
      );
      expect(verifyStrict(signature, message, publicKey)).toBe(vector.valid);
      expect(ed.verify(signature, message, publicKey, { zip215: false })).toBe(vector.cofactored);
    },
  );

  it.each(vectors.public_keys.map((vector) => [vector.name, vector.problem, vector] as const))(
    'trusted key %s: %s',
    (_name, problem, vector) => {
      const publicKey = Buffer.from(vector.public, 'hex');
      expect(publicKeyProblem(publicKey) ?? 'ok').toBe(problem);
      // Independent of src/protocol/crypto.ts: @noble/ed25519's strict decoder and its small-order test.
      let point: ed.Point | undefined;
      try {
        point = ed.Point.fromBytes(publicKey, false);
      } catch {
        point = undefined;
      }
      expect(point === undefined).toBe(problem === 'non_canonical' || problem === 'not_a_point');
      expect(point?.isSmallOrder() ?? false).toBe(problem === 'small_order');
      if (problem === 'ok') {
        expect(parsePublicKey(vector.public)).toEqual(publicKey);
        return;
      }
      expect(() => parsePublicKey(vector.public, '--trusted-key')).toThrow(KeyError);
      expect(() => parsePublicKey(vector.public, '--trusted-key')).toThrow(`(${problem})`);
      const manifest = bytes(vectors.valid[0].manifest);
      expect(() => openManifest(manifest, [publicKey])).toThrow(TrustedKeyError);
    },
  );

  it('has a real pair of colliding keyids, derived from their seeds', () => {
    const [a, b] = vectors.colliding_keys;
    expect(a.public).not.toBe(b.public);
    expect(a.keyid).toBe(b.keyid);
    for (const key of [a, b]) {
      expect(Buffer.from(publicKeyOf(Buffer.from(key.seed, 'hex'))).toString('hex')).toBe(key.public);
      expect(keyIdOf(Buffer.from(key.public, 'hex'))).toBe(key.keyid);
    }
  });
});
