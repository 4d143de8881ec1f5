// The encoder's output pinned byte for byte: SHA-256 of patches the encoder
// made before its search was sped up (commit e8d1a07), on seeded inputs that
// reach every path of the heatshrink search (zero runs longer than the
// lookahead, sparse changes, random bytes, small windows). A faster search
// must find the same matches; a different patch fails here.
import { createHash } from 'node:crypto';
import { createPatch, type PatchOptions } from '../../../src/release/delta/encode.js';
import { generator, randomPair } from './random-pairs.js';

const sha256 = (patches: Uint8Array[]): string => {
  const hash = createHash('sha256');
  for (const patch of patches) hash.update(patch);
  return hash.digest('hex');
};

// Code-like bytes (a few tiles of a small alphabet) and a target that inserts
// a block and changes one byte every `stride` bytes, so the diff body holds
// zero runs about `stride` long.
function firmwareLikePair(seed: number, size: number, stride: number): { base: Uint8Array; target: Uint8Array } {
  const random = generator(seed);
  const tile = Uint8Array.from({ length: 4096 }, () => random(random(2) === 0 ? 16 : 256));
  const base = Uint8Array.from(
    { length: size },
    (_, index) => tile[index % tile.length] ^ (index % 64 === 0 ? index >> 6 : 0),
  );
  const insertAt = size >> 2;
  const inserted = Uint8Array.from({ length: 300 }, () => random(256));
  const target = new Uint8Array(size + inserted.length - 100);
  target.set(base.subarray(0, insertAt));
  target.set(inserted, insertAt);
  target.set(base.subarray(insertAt + 100), insertAt + inserted.length);
  for (let at = 500; at < target.length; at += stride) target[at] ^= 1 + random(255);
  return { base, target };
}

describe('patch bytes', () => {
  it('are unchanged on random pairs with every window the decoder accepts', () => {
    const random = generator(23);
    const patches = Array.from({ length: 60 }, () => {
      const { base, target } = randomPair(random);
      const windowBits = 4 + random(8);
      const options: PatchOptions = { windowBits, lookaheadBits: 3 + random(windowBits - 3) };
      return createPatch(base, target, options);
    });
    expect(sha256(patches)).toBe('284c886497c5b918a7d123054619a57de845d22df7782028b06897bc95431a65');
  });

  it('are unchanged on firmware-like pairs: zero runs shorter and longer than the lookahead', () => {
    const patches = [
      createPatch(...(Object.values(firmwareLikePair(5, 48 * 1024, 257)) as [Uint8Array, Uint8Array])),
      createPatch(...(Object.values(firmwareLikePair(6, 64 * 1024, 3001)) as [Uint8Array, Uint8Array])),
      createPatch(...(Object.values(firmwareLikePair(7, 32 * 1024, 1500)) as [Uint8Array, Uint8Array]), {
        windowBits: 8,
        lookaheadBits: 7,
      }),
    ];
    expect(sha256(patches)).toBe('bedf3063c0abc1b99c14ea7d1211104a41d74b7af3b7cebe6b1dad188e9700ff');
  });
});
