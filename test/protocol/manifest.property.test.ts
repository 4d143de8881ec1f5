// Property tests of the manifest parser: round trips, and no change to a signed manifest goes unnoticed.
import fc from 'fast-check';
import { openManifest, ManifestError, type ManifestFields } from '../../src/protocol/manifest.js';
import { parseSigningKey, signManifest } from '../../src/release/sign.js';

const key = parseSigningKey(Buffer.alloc(32, 3).toString('hex'), 'property key');
const rotation = parseSigningKey(Buffer.alloc(32, 4).toString('hex'), 'rotation key');
const trusted = [key.publicKey];

const alnum = (min: number, max: number, extra = '') =>
  fc.string({
    unit: fc.constantFrom(...`abcdefghijklmnopqrstuvwxyz0123456789${extra}`),
    minLength: min,
    maxLength: max,
  });
const numericId = fc.integer({ min: 0, max: 10_000 }).map(String);
const prereleaseId = fc.oneof(
  numericId,
  alnum(1, 6)
    .filter((id) => !/^\d+$/.test(id))
    .map((id) => `x${id}`),
);
const version = fc
  .tuple(numericId, numericId, numericId, fc.array(prereleaseId, { maxLength: 3 }))
  .map(([major, minor, patch, pre]) => `${major}.${minor}.${patch}${pre.length ? `-${pre.join('.')}` : ''}`);
const fields: fc.Arbitrary<ManifestFields> = fc.record({
  version,
  board: fc.tuple(alnum(1, 1), alnum(0, 30, '_.-')).map(([first, rest]) => first + rest),
  channel: fc.tuple(alnum(1, 1), alnum(0, 20, '-')).map(([first, rest]) => first + rest),
  file: fc.tuple(alnum(1, 1), alnum(0, 40, '_.-')).map(([first, rest]) => `${first}${rest}.bin`),
  size: fc.integer({ min: 1, max: 0xffffffff }),
  sha256: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('hex')),
  expires: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
  extra: fc.uniqueArray(
    fc.tuple(
      alnum(1, 10).map((name) => `x-${name}`),
      fc.string({
        unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
        minLength: 1,
        maxLength: 40,
      }),
    ),
    {
      maxLength: 3,
      selector: ([name]) => name,
    },
  ),
});

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
function rejects(input: Uint8Array): boolean {
  try {
    openManifest(input, trusted);
    return false;
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    return true;
  }
}

describe('manifest properties', () => {
  it('round-trips any valid fields through signing and opening', () => {
    fc.assert(
      fc.property(fields, fc.boolean(), (input, twoKeys) => {
        const opened = openManifest(bytes(signManifest(input, twoKeys ? [rotation, key] : [key])), trusted);
        const { expires, ...required } = input;
        expect(opened).toMatchObject(required);
        expect(opened.expires).toBe(expires);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses any single changed byte anywhere in a signed manifest', () => {
    fc.assert(
      fc.property(fields, fc.nat(), fc.integer({ min: 1, max: 255 }), (input, position, delta) => {
        const manifest = bytes(signManifest(input, [key]));
        const changed = Buffer.from(manifest);
        const at = position % changed.length;
        changed[at] = (changed[at] + delta) % 256;
        return rejects(changed);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses any truncation and anything appended after the signatures', () => {
    fc.assert(
      fc.property(fields, fc.nat(), fc.string({ minLength: 1, maxLength: 50 }), (input, cut, tail) => {
        const manifest = bytes(signManifest(input, [key]));
        return rejects(manifest.subarray(0, cut % manifest.length)) && rejects(Buffer.concat([manifest, bytes(tail)]));
      }),
      { numRuns: 300 },
    );
  });

  it('answers arbitrary bytes with a ManifestError, never another exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1100 }), (input) => rejects(input)),
      { numRuns: 1000 },
    );
  });
});
