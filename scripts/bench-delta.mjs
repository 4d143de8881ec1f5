// Delta figures (printed, never asserted):
//  - patch size as a share of the new image on lx106 image pairs built here
//    (firmware/tools/delta-pairs.mjs: version string, one function, a
//    library rebuilt), beside bsdiff+bzip2 (Debian's bsdiff) as the floor;
//  - encode time and peak memory for 1 and 4 MiB images;
//  - the device decoder's RAM (sizeof(DeltaDecoder) on lx106).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildImagePairs } from '../firmware/tools/delta-pairs.mjs';
import { loadDeltaEncoder } from './delta-encoder.mjs';
import { crossCompilerAvailable, sizeOnChip } from '../firmware/tools/xtensa-core.mjs';

const work = mkdtempSync(join(tmpdir(), 'static-ota-bench-delta-'));
const MiB = 1024 * 1024;
const percent = (part, whole) => `${((100 * part) / whole).toFixed(2)} %`;

function bsdiffSize(base, target) {
  if (spawnSync('bsdiff', [], { stdio: 'ignore' }).error) return undefined;
  const [from, to, patch] = ['from', 'to', 'bsdiff.patch'].map((name) => join(work, name));
  writeFileSync(from, base);
  writeFileSync(to, target);
  execFileSync('bsdiff', [from, to, patch]);
  return readFileSync(patch).length;
}

function patchSizes({ createPatch, applyPatch }) {
  console.log(
    '\n## Patch size, share of the new image (lx106 images built here; goals (a) <= 1 %, (b) <= 3 %, (c) <= 15 %)',
  );
  if (!crossCompilerAvailable()) return console.log('skipped: xtensa-lx106-elf-g++ not installed');
  const images = buildImagePairs(join(work, 'pairs'));
  const labels = {
    version: '(a) version string only',
    function: '(b) one function changed',
    library: '(c) a library rebuilt',
  };
  for (const [change, label] of Object.entries(labels)) {
    const target = images[change];
    const patch = createPatch(images.base, target);
    const exact = Buffer.from(applyPatch(images.base, patch, target.length)).equals(target);
    const floor = bsdiffSize(images.base, target);
    console.log(
      `  ${label}: ${patch.length} of ${target.length} bytes, ${percent(patch.length, target.length)}` +
        `${exact ? '' : ' (DOES NOT APPLY)'}; bsdiff+bzip2: ${floor === undefined ? 'bsdiff not installed' : `${floor} bytes, ${percent(floor, target.length)}`}`,
    );
  }
}

// Encode time and peak RSS in a fresh process: an image-like base (lx106 code when available, tiled) and a target with edits.
function encodeCost(sizeMiB) {
  const script = `
    import { createPatch } from ${JSON.stringify(pathToFileURL(join(work, 'delta.mjs')).href)};
    import { readFileSync } from 'node:fs';
    const seed = readFileSync(${JSON.stringify(join(work, 'seed.bin'))});
    const base = Buffer.alloc(${sizeMiB * MiB});
    // Tiles of lx106 code, each marked every 64 bytes, so no run repeats longer than a real image's would.
    for (let at = 0, tile = 0; at < base.length; at += seed.length, tile++) {
      seed.copy(base, at);
      for (let mark = at; mark < Math.min(at + seed.length, base.length); mark += 64) base[mark] = (tile * 131 + mark) & 0xff;
    }
    const target = Buffer.concat([base.subarray(0, base.length / 3), Buffer.from('a changed function'), base.subarray(base.length / 3 + 700)]);
    for (let at = 1000; at < target.length; at += 4099) target[at] ^= 0x10;
    const started = performance.now();
    const patch = createPatch(base, target);
    console.log(JSON.stringify({ ms: performance.now() - started, bytes: patch.length, rss: process.resourceUsage().maxRSS }));
  `;
  writeFileSync(join(work, 'encode.mjs'), script);
  const result = JSON.parse(execFileSync(process.execPath, [join(work, 'encode.mjs')], { encoding: 'utf8' }));
  console.log(
    `  ${sizeMiB} MiB: ${(result.ms / 1000).toFixed(2)} s, peak RSS ${(result.rss / 1024).toFixed(0)} MiB, patch ${result.bytes} bytes`,
  );
}

const encoder = await loadDeltaEncoder(work);
try {
  patchSizes(encoder);
  const pairs = join(work, 'pairs', 'base', 'image.elf');
  let seed;
  try {
    seed = readFileSync(pairs);
  } catch {
    seed = Buffer.from(Array.from({ length: 65536 }, (_, index) => (index * 2654435761) >>> 24));
  }
  writeFileSync(join(work, 'seed.bin'), seed);
  console.log('\n## Encode time and peak memory (targets for 4 MiB: <= 5 s, <= 200 MiB)');
  encodeCost(1);
  encodeCost(4);
  console.log('\n## Device decoder');
  if (crossCompilerAvailable()) {
    const size = sizeOnChip('core/delta_patch.h', 'static_ota::DeltaDecoder', join(work, 'size'));
    console.log(
      `  RAM: sizeof(DeltaDecoder) = ${size} bytes on lx106 (budget 4096), all of the decoder's state and buffers`,
    );
    const workspace = sizeOnChip('core/delta_update.h', 'static_ota::DeltaWorkspace', join(work, 'workspace'));
    console.log(
      `  RAM: sizeof(DeltaWorkspace) = ${workspace} bytes on lx106 (budget 4096): the decoder, the patch URL, the held last block and the checked manifest fields`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
