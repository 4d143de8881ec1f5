// The delta encoder (src/release/delta/encode.ts) against the device decoder
// (firmware/src/core/delta_patch.cpp, through the static-ota-delta harness),
// byte-exact on random pairs, and against the TypeScript applier
// (src/release/delta/apply.ts) on damaged patches: the two appliers must give
// the same error. The encoder alone: encoder.test.ts.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SIMULATOR } from '../../helpers.js';
import { createPatch } from '../../../src/release/delta/encode.js';
import { applyPatch, DeltaApplyError } from '../../../src/release/delta/apply.js';
import { generator, randomPair } from './random-pairs.js';

const HARNESS = join(dirname(SIMULATOR), 'static-ota-delta');

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
