// The publisher's delta patches (src/release/patches.ts) against an in-memory
// mirror session: which bases it reads (only the N newest earlier versions),
// what it writes, and gzip images (patches between raw images).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { imageFileName } from '../../src/protocol/manifest.js';
import { normalizedBase, openPatchManifest } from '../../src/protocol/patch.js';
import { applyPatch } from '../../src/release/delta/apply.js';
import { MAX_PATCHED_IMAGE_BYTES, publishPatches } from '../../src/release/patches.js';
import { generateKey, parseSigningKey, type SignedRelease } from '../../src/release/sign.js';
import type { MirrorSession } from '../../src/mirror/target.js';
import { removeTemporaryFolders, temporaryFolder } from '../helpers.js';

afterAll(removeTemporaryFolders);

const key = parseSigningKey(generateKey().privatePem, 'test key');
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** An image of `version`: shared bytes with the version written in, so patches between them are small. */
function image(version: string): Buffer {
  const bytes = Buffer.alloc(20_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 251;
  bytes[0] = 0xe9;
  bytes.write(version, 1000, 'latin1');
  return bytes;
}

/** A session over a Map: every read counted. */
function memorySession(objects: Map<string, Buffer>) {
  const reads: string[] = [];
  const session: MirrorSession = {
    read: async (path) => {
      reads.push(path);
      return objects.get(path);
    },
    compareImage: async (path, localFile) => {
      const stored = objects.get(path);
      if (!stored) return 'missing';
      return stored.equals(readFileSync(localFile)) ? 'same' : 'different';
    },
    list: async (folder) =>
      [...objects.keys()].filter(
        (path) => path.startsWith(`${folder}/`) && !path.slice(folder.length + 1).includes('/'),
      ),
    folders: async () => [],
    writeImage: async (path, localFile) => {
      objects.set(path, readFileSync(localFile));
    },
    writeManifest: async (path, text) => {
      objects.set(path, Buffer.from(text, 'latin1'));
    },
    remove: async (path) => {
      objects.delete(path);
    },
  };
  return { session, reads };
}

function release(version: string, bytes: Buffer): SignedRelease {
  const imageFile = join(temporaryFolder(), imageFileName(version));
  writeFileSync(imageFile, bytes);
  return {
    imageFile,
    board: 'nodemcuv2',
    version,
    channel: 'stable',
    file: imageFileName(version),
    size: bytes.length,
    sha256: sha256(bytes),
    manifestText: '',
    signerKeys: [key.publicKey],
  };
}

const policy = (deltaFrom: number) => ({ deltaFrom, keys: [key], info: () => undefined, warn: () => undefined });

describe('publisher delta patches', () => {
  it('reads only the two newest earlier images and writes a patch and a signed manifest from each', async () => {
    const objects = new Map<string, Buffer>();
    for (const version of ['0.9.0', '1.0.0', '1.1.0', '1.2.0-rc.1', '2.0.0'])
      objects.set(`nodemcuv2/${imageFileName(version)}`, image(version));
    const { session, reads } = memorySession(objects);
    const next = image('1.3.0');
    const published = await publishPatches(session, [release('1.3.0', next)], policy(2));
    expect(published.map((patch) => patch.baseVersion)).toEqual(['1.2.0-rc.1', '1.1.0']);
    expect(reads.filter((path) => path.endsWith('.bin'))).toEqual([
      'nodemcuv2/firmware-1.2.0-rc.1.bin',
      'nodemcuv2/firmware-1.1.0.bin',
    ]);
    for (const patch of published) {
      const opened = openPatchManifest(objects.get(patch.manifest) as Buffer, [key.publicKey]);
      const base = normalizedBase(image(patch.baseVersion));
      const built = applyPatch(base, objects.get(patch.patch) as Buffer, opened.resultSize);
      expect(Buffer.from(built).equals(next)).toBe(true);
      expect(opened.size).toBeLessThan(next.length / 10);
    }
  });

  it('delta-from 0 reads and writes nothing', async () => {
    const objects = new Map([[`nodemcuv2/${imageFileName('1.0.0')}`, image('1.0.0')]]);
    const { session, reads } = memorySession(objects);
    expect(await publishPatches(session, [release('1.1.0', image('1.1.0'))], policy(0))).toEqual([]);
    expect(reads).toEqual([]);
    expect(objects.size).toBe(1);
  });

  it('gzip images: the patch is between the raw images, its result the raw image', async () => {
    const raw = image('1.1.0');
    const objects = new Map([[`nodemcuv2/${imageFileName('1.0.0')}`, gzipSync(image('1.0.0'))]]);
    const { session } = memorySession(objects);
    const gzipRelease = { ...release('1.1.0', gzipSync(raw)), encoding: 'gzip' as const };
    const [patch] = await publishPatches(session, [gzipRelease], policy(2));
    const opened = openPatchManifest(objects.get(patch.manifest) as Buffer, [key.publicKey]);
    expect(opened).toMatchObject({ resultSize: raw.length, resultSha256: sha256(raw), baseSize: 20_000 });
    expect(opened.baseSha256).toBe(sha256(normalizedBase(image('1.0.0'))));
  });

  it('skips, with a warning, base images the mirror holds broken or foreign, and still patches from the good one', async () => {
    const objects = new Map<string, Buffer>([
      [`nodemcuv2/${imageFileName('1.0.0')}`, image('1.0.0')],
      // A gzip header with garbage after it, an empty file, a file that is no ESP image.
      [`nodemcuv2/${imageFileName('1.0.1')}`, Buffer.from('1f8b0800000000000000676172626167650a', 'hex')],
      [`nodemcuv2/${imageFileName('1.0.2')}`, Buffer.alloc(0)],
      [`nodemcuv2/${imageFileName('1.0.3')}`, Buffer.from('<html>not found</html>')],
    ]);
    const { session } = memorySession(objects);
    const warnings: string[] = [];
    const published = await publishPatches(session, [release('1.1.0', image('1.1.0'))], {
      ...policy(4),
      warn: (message: string) => warnings.push(message),
    });
    expect(published.map((patch) => patch.baseVersion)).toEqual(['1.0.0']);
    expect(warnings.sort()).toEqual([
      expect.stringMatching(
        /no patch from 1\.0\.1 to 1\.1\.0: the base image on the mirror is unusable: it cannot be inflated/,
      ),
      expect.stringMatching(
        /no patch from 1\.0\.2 to 1\.1\.0: the base image on the mirror is unusable: its raw image is 0 bytes/,
      ),
      expect.stringMatching(
        /no patch from 1\.0\.3 to 1\.1\.0: the base image on the mirror is unusable: it is not an ESP image/,
      ),
    ]);
  });

  it('publishes images over the bound whole, without reading any base', async () => {
    const objects = new Map([[`nodemcuv2/${imageFileName('1.0.0')}`, image('1.0.0')]]);
    const { session, reads } = memorySession(objects);
    const big = Buffer.alloc(MAX_PATCHED_IMAGE_BYTES + 1, 0x55);
    big[0] = 0xe9;
    const infos: string[] = [];
    const published = await publishPatches(session, [release('1.1.0', big)], {
      ...policy(2),
      info: (message: string) => infos.push(message),
    });
    expect(published).toEqual([]);
    expect(reads.filter((path) => path.endsWith('.bin'))).toEqual([]);
    expect(infos).toEqual([expect.stringContaining(`no patches: images over ${MAX_PATCHED_IMAGE_BYTES} bytes`)]);
  });
});
