// The delta encoder (src/release/delta/encode.ts) against both appliers: the
// TypeScript one (src/release/delta/apply.ts) and the device decoder
// (firmware/src/core/delta_patch.cpp, through the static-ota-delta harness),
// byte-exact on random pairs and on lx106 images built here; and on damaged
// patches the two appliers must give the same error.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SIMULATOR } from '../../helpers.js';
import { createPatch } from '../../../src/release/delta/encode.js';
import { applyPatch, DeltaApplyError } from '../../../src/release/delta/apply.js';
import { suffixArray } from '../../../src/release/delta/suffix-array.js';
import { heatshrinkCompress } from '../../../src/release/delta/heatshrink.js';
import { packSize } from '../../../src/release/delta/format.js';

const HARNESS = join(dirname(SIMULATOR), 'static-ota-delta');

// A small deterministic generator (xorshift32), so failures reproduce.
function generator(seed: number): (limit: number) => number {
  let state = seed >>> 0 || 1;
  return (limit) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % limit;
  };
}

// A base with code-like repetition and a target that edits, inserts, deletes and moves parts of it.
function randomPair(random: (limit: number) => number): { base: Uint8Array; target: Uint8Array } {
  const alphabet = 1 + random(255);
  const base = Uint8Array.from({ length: random(4000) }, () => random(alphabet));
  const parts: Uint8Array[] = [];
  for (let edits = random(6); edits >= 0; edits--) {
    const start = random(base.length + 1);
    const length = random(base.length - start + 1);
    parts.push(base.subarray(start, start + length));
    if (random(2) === 0) parts.push(Uint8Array.from({ length: random(50) }, () => random(256)));
  }
  const target = Uint8Array.from(parts.flatMap((part) => [...part]));
  for (let flips = random(4); flips > 0 && target.length > 0; flips--) target[random(target.length)] ^= 1 + random(255);
  return { base, target };
}

interface Case {
  base: Uint8Array;
  patch: Uint8Array;
  expectedSize: number;
  chunk: number;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

// What apply.ts says in the harness's terms: "<code> <bytes produced> <sha256>" (only "ok" produces bytes here).
function typescriptVerdict({ base, patch, expectedSize }: Case): string {
  try {
    const result = applyPatch(base, patch, expectedSize);
    return `ok ${result.length} ${sha256(result)}`;
  } catch (error) {
    if (!(error instanceof DeltaApplyError)) throw error;
    return error.code;
  }
}

// The device decoder's verdicts, one per case; its error lines are cut to the code for comparison.
function coreVerdicts(cases: Case[]): string[] {
  const folder = mkdtempSync(join(tmpdir(), 'static-ota-delta-'));
  try {
    const lines = cases.map((item, index) => {
      const basePath = join(folder, `${index}.base`);
      const patchPath = join(folder, `${index}.patch`);
      writeFileSync(basePath, item.base);
      writeFileSync(patchPath, item.patch);
      return `${basePath} ${patchPath} ${item.expectedSize} ${item.chunk}`;
    });
    const output = execFileSync(HARNESS, { input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 64 << 20 });
    return output
      .trimEnd()
      .split('\n')
      .map((line) => (line.startsWith('ok ') ? line : line.split(' ')[0]));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

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

describe('the device decoder applies what the encoder writes', () => {
  it('byte-exact on random pairs, fed in chunks of any size', () => {
    const random = generator(23);
    const cases: Case[] = [];
    for (let round = 0; round < 120; round++) {
      const { base, target } = randomPair(random);
      cases.push({ base, patch: createPatch(base, target), expectedSize: target.length, chunk: 1 + random(300) });
    }
    const expected = cases.map(typescriptVerdict);
    expect(expected.every((line) => line.startsWith('ok '))).toBe(true);
    expect(coreVerdicts(cases)).toEqual(expected);
  });

  it('gives the same error as apply.ts on damaged patches', () => {
    const random = generator(31);
    const cases: Case[] = [];
    for (let round = 0; round < 600; round++) {
      const { base, target } = randomPair(random);
      const patch = Uint8Array.from(createPatch(base, target));
      const damage = random(4);
      let damaged: Uint8Array = patch;
      if (damage === 0) damaged[random(patch.length)] ^= 1 << random(8);
      if (damage === 1) damaged = patch.subarray(0, random(patch.length));
      if (damage === 2) damaged = Uint8Array.from([...patch, random(256)]);
      const expectedSize = damage === 3 ? target.length + 1 - random(3) : target.length;
      cases.push({ base, patch: damaged, expectedSize, chunk: 1 + random(64) });
    }
    const expected = cases.map(typescriptVerdict);
    const codes = new Set(expected.map((line) => line.split(' ')[0]));
    for (const code of ['ok', 'truncated', 'trailing_data', 'result_size', 'past_result']) {
      expect([code, codes.has(code)]).toEqual([code, true]);
    }
    expect(coreVerdicts(cases)).toEqual(expected);
  });
});
