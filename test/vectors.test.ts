import { readFileSync, writeFileSync } from 'node:fs';
import { serializeVectors } from './vectors/generate.js';
import { openManifest, ManifestError, isValidVersion } from '../src/manifest.js';
import { compareVersions } from '../src/version.js';
import { signBytes, publicKeyOf, verifyStrict } from '../src/crypto.js';

const VECTORS_PATH = new URL('./vectors/manifests.json', import.meta.url);
if (process.env.UPDATE_VECTORS === '1') writeFileSync(VECTORS_PATH, serializeVectors());
const committed = readFileSync(VECTORS_PATH, 'utf8');
const vectors = JSON.parse(committed);
const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
const keys = (hexKeys: string[]): Buffer[] => hexKeys.map((key) => Buffer.from(key, 'hex'));

describe('shared test vectors', () => {
  it('are reproduced exactly by the generator (Ed25519 is deterministic)', () => {
    expect(serializeVectors()).toBe(committed);
  });

  it.each(vectors.valid.map((v: { name: string }) => [v.name, v]))('opens valid manifest: %s', (_name, vector) => {
    const opened = openManifest(bytes(vector.manifest), keys(vector.trusted));
    const { signed_length: signedLength, expires, ...fields } = vector.expect;
    expect(opened).toMatchObject(fields);
    expect(opened.expires ?? null).toBe(expires);
    expect(opened.signedLength).toBe(signedLength);
  });

  it.each(vectors.invalid.map((v: { name: string; error: string }) => [v.name, v.error, v]))(
    'rejects %s with %s',
    (_name, code, vector) => {
      let thrown: unknown;
      try {
        openManifest(bytes(vector.manifest), keys(vector.trusted));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ManifestError);
      expect((thrown as ManifestError).code).toBe(code);
    },
  );

  it('orders versions as the vectors say', () => {
    for (const [a, b, expected] of vectors.versions as Array<[string, string, number]>) {
      expect([a, b, isValidVersion(a) && isValidVersion(b)]).toEqual([a, b, true]);
      expect([a, b, compareVersions(a, b)]).toEqual([a, b, expected]);
    }
  });

  it.each(vectors.rfc8032.map((v: { public: string }, i: number) => [i + 1, v]))(
    'signs and verifies RFC 8032 section 7.1 vector %i',
    (_index, vector) => {
      const seed = Buffer.from(vector.secret, 'hex');
      const message = Buffer.from(vector.message, 'hex');
      expect(Buffer.from(publicKeyOf(seed)).toString('hex')).toBe(vector.public);
      expect(Buffer.from(signBytes(message, seed)).toString('hex')).toBe(vector.signature);
      expect(verifyStrict(Buffer.from(vector.signature, 'hex'), message, Buffer.from(vector.public, 'hex'))).toBe(true);
    },
  );

  it.each(vectors.strictness.map((v: { name: string }) => [v.name, v]))('strict verifier refuses %s', (_name, vector) => {
    const verdict = verifyStrict(
      Buffer.from(vector.signature, 'hex'),
      Buffer.from(vector.message, 'hex'),
      Buffer.from(vector.public, 'hex'),
    );
    expect(verdict).toBe(vector.valid);
  });
});
