// Patches between real lx106 images (firmware/tools/delta-pairs.mjs: one
// program built by Debian's xtensa-lx106-elf-gcc in versions that change the
// version string, one function, or a whole library) applied byte-exact by
// src/release/delta/apply.ts and by the device decoder in chunks of any size.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SIMULATOR } from '../../helpers.js';
import { createPatch } from '../../../src/release/delta/encode.js';
import { applyPatch } from '../../../src/release/delta/apply.js';

const HARNESS = join(dirname(SIMULATOR), 'static-ota-delta');
const PAIRS_TOOL = '../../../firmware/tools/delta-pairs.mjs';
type Images = Record<'base' | 'version' | 'function' | 'library', Buffer>;

const crossCompiler = (() => {
  try {
    execFileSync('xtensa-lx106-elf-gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

(crossCompiler ? describe : describe.skip)('patches between lx106 images', () => {
  const folder = mkdtempSync(join(tmpdir(), 'static-ota-delta-images-'));
  let images: Images;
  beforeAll(async () => {
    const { buildImagePairs } = (await import(PAIRS_TOOL)) as { buildImagePairs: (folder: string) => Images };
    images = buildImagePairs(folder);
  }, 240_000);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it.each(['version', 'function', 'library'] as const)('%s change: both appliers rebuild the image', (change) => {
    const target = images[change];
    expect(target.equals(images.base)).toBe(false);
    const patch = createPatch(images.base, target);
    expect(patch.length).toBeLessThan(target.length / 4);
    expect(Buffer.from(applyPatch(images.base, patch, target.length)).equals(target)).toBe(true);
    writeFileSync(join(folder, 'base.bin'), images.base);
    writeFileSync(join(folder, `${change}.patch`), patch);
    const lines = [1, 13, 512, 1460]
      .map((chunk) => `${join(folder, 'base.bin')} ${join(folder, `${change}.patch`)} ${target.length} ${chunk}`)
      .join('\n');
    const digest = createHash('sha256').update(target).digest('hex');
    const verdicts = execFileSync(HARNESS, { input: lines + '\n', encoding: 'utf8' })
      .trimEnd()
      .split('\n');
    expect(verdicts).toEqual(Array(4).fill(`ok ${target.length} ${digest}`));
  });
});
