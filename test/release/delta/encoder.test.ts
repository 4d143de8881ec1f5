// The delta encoder (src/release/delta/encode.ts) against the TypeScript
// applier (src/release/delta/apply.ts), and its parts: the suffix array and
// the heatshrink stream. The device decoder's side is in delta.test.ts.
import { createPatch } from '../../../src/release/delta/encode.js';
import { applyPatch } from '../../../src/release/delta/apply.js';
import { suffixArray } from '../../../src/release/delta/suffix-array.js';
import { heatshrinkCompress } from '../../../src/release/delta/heatshrink.js';
import { packSize } from '../../../src/release/delta/format.js';
import { generator, randomPair } from './random-pairs.js';

describe('suffix array (SA-IS)', () => {
  it('sorts every suffix as a direct sort does', () => {
    const random = generator(7);
    for (let round = 0; round < 300; round++) {
      const data = Uint8Array.from({ length: random(80) }, () => random(1 + random(4)));
      const direct = [...Array(data.length + 1).keys()].sort((a, b) =>
        Buffer.compare(Buffer.from(data.subarray(a)), Buffer.from(data.subarray(b))),
      );
      expect([...suffixArray(data)]).toEqual(direct);
    }
  });
});

describe('heatshrink stream', () => {
  it('codes a run of zeros in 22 bits per KiB with a 2^11 window and 2^10 lookahead', () => {
    const compressed = heatshrinkCompress(new Uint8Array(64 * 1024), 11, 10);
    // One literal (9 bits), then back-references of 1024 bytes (22 bits each).
    expect(compressed.length).toBe(Math.ceil((9 + 22 * 64) / 8));
  });
});

describe('createPatch and applyPatch', () => {
  it('give back the target on random pairs, with every window the decoder accepts', () => {
    const random = generator(11);
    for (let round = 0; round < 150; round++) {
      const { base, target } = randomPair(random);
      const windowBits = 4 + random(8);
      const lookaheadBits = 3 + random(windowBits - 3);
      const patch = createPatch(base, target, { windowBits, lookaheadBits });
      expect(Buffer.from(applyPatch(base, patch, target.length)).equals(Buffer.from(target))).toBe(true);
    }
  });

  it('writes the detools header: sequential, heatshrink, result size', () => {
    const target = new Uint8Array(100);
    const patch = createPatch(new Uint8Array(10), target);
    expect([...patch.subarray(0, 3)]).toEqual([0x04, ...packSize(100)]);
    expect(patch[3]).toBe(((11 - 4) << 4) | (10 - 3));
    expect([...createPatch(new Uint8Array(10), new Uint8Array(0))]).toEqual([0x04, 0x00]);
  });

  it('refuses a result size other than the expected one', () => {
    const patch = createPatch(new Uint8Array(10), new Uint8Array(20));
    expect(() => applyPatch(new Uint8Array(10), patch, 21)).toThrow('result_size');
  });
});
