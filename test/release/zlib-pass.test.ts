import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, createGunzip, createGzip, createInflateRaw, gzipSync } from 'node:zlib';
import { gunzipImage, gzipImage } from '../../src/release/image.js';
import { zlibPass } from '../../src/release/zlib-pass.js';
import { temporaryFolder } from '../helpers.js';

const MiB = 1024 * 1024;

/** Bytes gzip shrinks, as it does firmware: random runs between copies from a small vocabulary. */
function compressible(size: number): Buffer {
  const vocabulary = randomBytes(4096);
  const bytes = randomBytes(size);
  for (let at = 0; at + 64 < size; at += 96) vocabulary.copy(bytes, at, bytes[at] * 16, bytes[at] * 16 + 64);
  return bytes;
}

/**
 * Runs a pass to its end: copies of its output, the distinct memory its output views were in (one reused buffer, or a
 * new one per chunk as zlib's streams give, which the garbage collector frees only late), and its return value.
 */
async function drain(
  pass: AsyncGenerator<Buffer, number>,
): Promise<{ chunks: Buffer[]; outputBuffers: number; consumed: number }> {
  const chunks: Buffer[] = [];
  const buffers = new Set<ArrayBufferLike>();
  let step = await pass.next();
  while (!step.done) {
    chunks.push(Buffer.from(step.value));
    buffers.add(step.value.buffer);
    step = await pass.next();
  }
  return { chunks, outputBuffers: buffers.size, consumed: step.value };
}

describe('zlib passes over a file', () => {
  const folder = temporaryFolder('static-ota-zlib-pass-');
  const image = compressible(24 * MiB);
  const imageFile = join(folder, 'image.bin');
  writeFileSync(imageFile, image);

  it('gzips to the bytes zlib gives in one call, and inflates back, through one reused buffer', async () => {
    await gzipImage(imageFile, join(folder, 'image.bin.gz'));
    const packed = readFileSync(join(folder, 'image.bin.gz'));
    expect(packed.equals(gzipSync(image, { level: constants.Z_BEST_COMPRESSION, windowBits: 15 }))).toBe(true);
    await gunzipImage(join(folder, 'image.bin.gz'), join(folder, 'again.bin'));
    expect(readFileSync(join(folder, 'again.bin')).equals(image)).toBe(true);
  });

  it('keeps memory flat: every output chunk in one reused buffer, none left to the garbage collector', async () => {
    writeFileSync(join(folder, 'flat.gz'), gzipSync(image));
    const inflated = await drain(zlibPass(createGunzip(), join(folder, 'flat.gz')));
    expect(Buffer.concat(inflated.chunks).equals(image)).toBe(true);
    expect(inflated.chunks.length).toBeGreaterThan(10);
    expect(inflated.outputBuffers).toBe(1);
    const deflated = await drain(zlibPass(createGzip({ level: 1 }), imageFile));
    expect(deflated.chunks.length).toBeGreaterThan(2);
    expect(deflated.outputBuffers).toBe(1);
  });

  it('returns where a raw deflate stream ends, and reports a truncated one as zlib does', async () => {
    const packed = gzipSync(image.subarray(0, MiB));
    writeFileSync(join(folder, 'member.gz'), Buffer.concat([packed, Buffer.alloc(100)]));
    const { consumed } = await drain(zlibPass(createInflateRaw(), join(folder, 'member.gz'), 10));
    expect(consumed).toBe(packed.length - 10 - 8);
    writeFileSync(join(folder, 'cut.gz'), packed.subarray(0, packed.length / 2));
    await expect(drain(zlibPass(createGunzip(), join(folder, 'cut.gz')))).rejects.toThrow('unexpected end of file');
  });
});
