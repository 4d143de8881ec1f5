import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { imageFileName, MAX_MANIFEST_BYTES, MAX_SIGNATURES, openManifest } from '../../src/protocol/manifest.js';
import { DirectoryTarget } from '../../src/mirror/directory.js';
import { publishReleases } from '../../src/release/publish.js';
import type { MirrorSession, MirrorTarget } from '../../src/mirror/target.js';
import { generateKey, parseSigningKey, signManifest, signRelease, type SigningKey } from '../../src/release/sign.js';
import { READ_CHUNK_BYTES } from '../../src/common/read-chunks.js';
import { InputError } from '../../src/common/input-error.js';
import { channelFor } from '../../src/release/version.js';
import { removeTemporaryFolders, temporaryFolder, writeEspImage } from '../helpers.js';

afterAll(removeTemporaryFolders);

const newKey = (): SigningKey => parseSigningKey(generateKey().privatePem, 'test key');

interface Setup {
  folder: string;
  mirror: string;
  key: SigningKey;
}

function setup(): Setup {
  const folder = temporaryFolder();
  return { folder, mirror: join(folder, 'mirror'), key: newKey() };
}

async function release(
  fixture: Setup,
  version: string,
  options: { board?: string; marker?: string; force?: boolean; keep?: number; target?: MirrorTarget } = {},
) {
  const board = options.board ?? 'nodemcuv2';
  const imageFile = join(fixture.folder, `${board}-${version}.bin`);
  writeEspImage(imageFile, { publicKey: fixture.key.publicKey, marker: options.marker ?? version });
  const signed = await signRelease(
    { imageFile, board, version, channel: channelFor(version), file: imageFileName(version) },
    { keys: [fixture.key] },
  );
  return publishReleases(options.target ?? new DirectoryTarget(fixture.mirror), [signed], {
    force: options.force,
    keepVersions: options.keep,
  });
}

/** The mirror, with `intruder` (a concurrent publisher) running once just before the first manifest write. */
function racingTarget(fixture: Setup, intruder: () => Promise<unknown>): MirrorTarget {
  const directory = new DirectoryTarget(fixture.mirror);
  let raced = false;
  return {
    description: 'racing',
    transaction: (work) =>
      directory.transaction((session) =>
        work({
          ...session,
          async writeManifest(path, text, previous) {
            if (!raced) {
              raced = true;
              await intruder();
            }
            await session.writeManifest(path, text, previous);
          },
        }),
      ),
  };
}

const manifestVersion = (fixture: Setup, path = 'nodemcuv2/latest.txt'): string =>
  openManifest(readFileSync(join(fixture.mirror, path)), [fixture.key.publicKey]).version;

describe('publishing to a directory mirror', () => {
  it('writes the image and a latest.txt that opens with the key', async () => {
    const fixture = setup();
    const {
      manifests: [published],
    } = await release(fixture, '1.4.2');
    expect(published).toMatchObject({
      manifest: 'nodemcuv2/latest.txt',
      image: 'nodemcuv2/firmware-1.4.2.bin',
      imageWritten: true,
    });
    const manifest = openManifest(readFileSync(join(fixture.mirror, 'nodemcuv2/latest.txt')), [fixture.key.publicKey]);
    expect(manifest).toMatchObject({
      version: '1.4.2',
      board: 'nodemcuv2',
      channel: 'stable',
      file: 'firmware-1.4.2.bin',
      size: 4096,
    });
    expect(readFileSync(join(fixture.mirror, 'nodemcuv2/firmware-1.4.2.bin')).length).toBe(4096);
    expect(readdirSync(join(fixture.mirror, 'nodemcuv2')).sort()).toEqual(['firmware-1.4.2.bin', 'latest.txt']);
  });

  it('publishes pre-releases to their channel folder, never to stable', async () => {
    const fixture = setup();
    await release(fixture, '1.4.2');
    await release(fixture, '1.5.0-beta.2');
    expect(manifestVersion(fixture)).toBe('1.4.2');
    expect(manifestVersion(fixture, 'nodemcuv2/beta/latest.txt')).toBe('1.5.0-beta.2');
    expect(existsSync(join(fixture.mirror, 'nodemcuv2/beta/firmware-1.5.0-beta.2.bin'))).toBe(true);
  });

  it('refuses a lower version and leaves the mirror as it was', async () => {
    const fixture = setup();
    await release(fixture, '1.4.2');
    const before = readFileSync(join(fixture.mirror, 'nodemcuv2/latest.txt'));
    await expect(release(fixture, '1.4.1')).rejects.toThrow(/refusing to publish 1\.4\.1 .* already offers 1\.4\.2/);
    await expect(release(fixture, '1.4.1', { force: true })).rejects.toThrow(
      /refusing to publish 1\.4\.1 .* already offers 1\.4\.2, and devices never go back/,
    );
    expect(readFileSync(join(fixture.mirror, 'nodemcuv2/latest.txt')).equals(before)).toBe(true);
    expect(existsSync(join(fixture.mirror, 'nodemcuv2/firmware-1.4.1.bin'))).toBe(false);
  });

  it('refuses an equal version unless forced, and then keeps the identical image', async () => {
    const fixture = setup();
    await release(fixture, '1.4.2');
    await expect(release(fixture, '1.4.2')).rejects.toThrow(/already published .* use force to re-publish/);
    const {
      manifests: [again],
    } = await release(fixture, '1.4.2', { force: true });
    expect(again.imageWritten).toBe(false);
  });

  it('never overwrites an existing image with different bytes', async () => {
    const fixture = setup();
    await release(fixture, '1.4.2');
    const imagePath = join(fixture.mirror, 'nodemcuv2/firmware-1.4.2.bin');
    const original = readFileSync(imagePath);
    await expect(release(fixture, '1.4.2', { force: true, marker: 'rebuilt' })).rejects.toThrow(
      /already exists .* with different bytes/,
    );
    expect(readFileSync(imagePath).equals(original)).toBe(true);
  });

  it('writes every image before any latest.txt, and no manifest when an image write fails', async () => {
    const fixture = setup();
    const calls: string[] = [];
    const directory = new DirectoryTarget(fixture.mirror);
    const recording = (failOn?: string): MirrorTarget => ({
      description: 'recording',
      transaction: (work) =>
        directory.transaction((session) =>
          work({
            ...session,
            async writeImage(path, file) {
              calls.push(`image ${path}`);
              if (path === failOn) throw new Error('disk full');
              await session.writeImage(path, file);
            },
            async writeManifest(path, text, previous) {
              calls.push(`manifest ${path}`);
              await session.writeManifest(path, text, previous);
            },
          } satisfies MirrorSession),
        ),
    });
    const images = await Promise.all(
      ['esp32dev', 'nodemcuv2'].map(async (board) => {
        const imageFile = join(fixture.folder, `${board}.bin`);
        writeEspImage(imageFile, { publicKey: fixture.key.publicKey, marker: board });
        return signRelease(
          { imageFile, board, version: '2.0.0', channel: 'stable', file: imageFileName('2.0.0') },
          { keys: [fixture.key] },
        );
      }),
    );
    await expect(publishReleases(recording('nodemcuv2/firmware-2.0.0.bin'), images)).rejects.toThrow('disk full');
    expect(calls).toEqual(['image esp32dev/firmware-2.0.0.bin', 'image nodemcuv2/firmware-2.0.0.bin']);
    expect(existsSync(join(fixture.mirror, 'esp32dev/latest.txt'))).toBe(false);
    calls.length = 0;
    // The retry reuses the identical esp32dev image the failed run left behind.
    await publishReleases(recording(), images);
    // The release page is a view: written after every latest.txt.
    expect(calls).toEqual([
      'image nodemcuv2/firmware-2.0.0.bin',
      'manifest esp32dev/latest.txt',
      'manifest nodemcuv2/latest.txt',
      'manifest index.json',
      'manifest index.html',
    ]);
  });

  it('re-checks the guard when another publisher changes latest.txt meanwhile: both images land', async () => {
    const fixture = setup();
    await release(fixture, '1.0.0');
    const racing = racingTarget(fixture, () => release(fixture, '3.0.0'));
    // The race is lost: both images land, latest.txt keeps the higher version.
    const {
      manifests: [published],
    } = await release(fixture, '2.0.0', { target: racing });
    expect(published).toMatchObject({ version: '2.0.0', supersededBy: '3.0.0' });
    expect(manifestVersion(fixture)).toBe('3.0.0');
    expect(existsSync(join(fixture.mirror, 'nodemcuv2/firmware-2.0.0.bin'))).toBe(true);
    // Without a race, the same lower version is refused outright.
    await expect(release(fixture, '2.5.0')).rejects.toThrow(/refusing to publish 2\.5\.0 .* already offers 3\.0\.0/);
  });

  it('adds nothing and does not fail when a concurrent run publishes the same release meanwhile', async () => {
    const fixture = setup();
    await release(fixture, '1.0.0');
    const racing = racingTarget(fixture, () => release(fixture, '2.0.0'));
    const {
      manifests: [published],
    } = await release(fixture, '2.0.0', { target: racing });
    expect(published).toMatchObject({ version: '2.0.0', supersededBy: '2.0.0' });
    expect(manifestVersion(fixture)).toBe('2.0.0');
  });

  it('never removes the image latest.txt names, even when newer images lie around', async () => {
    const fixture = setup();
    await release(fixture, '1.0.0');
    // An image a failed run left behind, newer than anything latest.txt ever named.
    writeEspImage(join(fixture.mirror, 'nodemcuv2', 'firmware-9.0.0.bin'), { publicKey: fixture.key.publicKey });
    await release(fixture, '1.1.0', { keep: 1 });
    expect(readdirSync(join(fixture.mirror, 'nodemcuv2')).sort()).toEqual([
      'firmware-1.1.0.bin',
      'firmware-9.0.0.bin',
      'latest.txt',
    ]);
    expect(manifestVersion(fixture)).toBe('1.1.0');
  });

  it('keeps only the newest N images, never the current one', async () => {
    const fixture = setup();
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) await release(fixture, version);
    writeFileSync(join(fixture.mirror, 'nodemcuv2/CNAME'), 'ota.example.com');
    await release(fixture, '1.10.0', { keep: 2 });
    expect(readdirSync(join(fixture.mirror, 'nodemcuv2')).sort()).toEqual([
      'CNAME',
      'firmware-1.10.0.bin',
      'firmware-1.2.0.bin',
      'latest.txt',
    ]);
  });
});

describe('image checks and the lockout guard', () => {
  const sign = (
    imageFile: string,
    keys: SigningKey[],
    policy: { nextReleaseKeys?: Uint8Array[]; allowLockout?: boolean; maxImageBytes?: number } = {},
  ) =>
    signRelease(
      { imageFile, board: 'nodemcuv2', version: '1.0.0', channel: 'stable', file: 'firmware-1.0.0.bin' },
      { keys, ...policy },
    );

  it('refuses empty, oversized and non-ESP images with a clear message', async () => {
    const fixture = setup();
    const file = join(fixture.folder, 'image.bin');
    writeFileSync(file, Buffer.alloc(0));
    await expect(sign(file, [fixture.key])).rejects.toThrow(/is empty/);
    writeEspImage(file, { publicKey: fixture.key.publicKey, size: 2048 });
    await expect(sign(file, [fixture.key], { maxImageBytes: 1024 })).rejects.toThrow(
      /2048 bytes, over the limit of 1024/,
    );
    writeFileSync(file, Buffer.concat([Buffer.from('<html>'), fixture.key.publicKey]));
    await expect(sign(file, [fixture.key])).rejects.toThrow(/starts with 0x3c, not an ESP image/);
    await expect(sign(join(fixture.folder, 'missing.bin'), [fixture.key])).rejects.toThrow(InputError);
  });

  it('refuses an image that trusts no key able to sign the next release', async () => {
    const fixture = setup();
    const file = join(fixture.folder, 'image.bin');
    writeEspImage(file, { publicKey: newKey().publicKey });
    await expect(sign(file, [fixture.key])).rejects.toThrow(
      /lockout guard: .* does not contain any public key able to sign the next release/,
    );
    await expect(sign(file, [fixture.key], { allowLockout: true })).resolves.toMatchObject({ size: 4096 });
  });

  it('accepts an image that trusts a listed next-release key, also inside a gzip image', async () => {
    const fixture = setup();
    const successor = newKey();
    const file = join(fixture.folder, 'image.bin');
    writeEspImage(file, { publicKey: successor.publicKey, size: 300_000 });
    await expect(sign(file, [fixture.key])).rejects.toThrow(/lockout guard/);
    await expect(sign(file, [fixture.key], { nextReleaseKeys: [successor.publicKey] })).resolves.toBeDefined();
    writeFileSync(file, gzipSync(readFileSync(file)));
    await expect(sign(file, [fixture.key], { nextReleaseKeys: [successor.publicKey] })).resolves.toBeDefined();
  });

  it('refuses a gzip image of several members: eboot inflates the first one only', async () => {
    const fixture = setup();
    const file = join(fixture.folder, 'image.bin');
    const image = writeEspImage(file, { publicKey: fixture.key.publicKey, size: 20_000 });
    // An empty first member: Node's gunzip inflates both (the image, its trailer right), eboot's uzlib the first.
    writeFileSync(file, Buffer.concat([gzipSync(Buffer.alloc(0)), gzipSync(image)]));
    await expect(sign(file, [fixture.key])).rejects.toThrow(
      /gzip image .* has bytes after its first gzip member \(at byte 20 of \d+\)/,
    );
    writeFileSync(file, Buffer.concat([gzipSync(image), Buffer.alloc(8)]));
    await expect(sign(file, [fixture.key])).rejects.toThrow(InputError);
    // A header with a file name, a comment and extra data is still one member.
    const named = gzipSync(image);
    const header = Buffer.from([0x1f, 0x8b, 8, 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3, 2, 0, 0x41, 0x42]);
    writeFileSync(file, Buffer.concat([header, Buffer.from('image.bin\0note\0'), named.subarray(10)]));
    await expect(sign(file, [fixture.key])).resolves.toMatchObject({ encoding: 'gzip' });
  });

  it('signs the size a gzip image inflates to as inflated-size=', async () => {
    const fixture = setup();
    const file = join(fixture.folder, 'image.bin');
    const image = writeEspImage(file, { publicKey: fixture.key.publicKey, size: 30_000 });
    writeFileSync(file, gzipSync(image));
    const signed = await sign(file, [fixture.key]);
    expect(signed.manifestText).toMatch(/^encoding=gzip\ninflated-size=30000\n/m);
    expect(openManifest(Buffer.from(signed.manifestText, 'latin1'), [fixture.key.publicKey])).toMatchObject({
      encoding: 'gzip',
      inflatedSize: 30_000,
    });
    writeFileSync(file, image);
    expect((await sign(file, [fixture.key])).manifestText).not.toMatch(/inflated-size=/);
  });

  it('keeps the largest manifest it can write within 1024 bytes, inflated-size included', () => {
    const version = `1.0.0-${'b'.repeat(58)}`;
    const keys = Array.from({ length: MAX_SIGNATURES }, newKey);
    const text = signManifest(
      {
        version,
        board: 'B'.repeat(64),
        channel: 'c'.repeat(32),
        file: imageFileName(version),
        size: 0xffffffff,
        sha256: 'f'.repeat(64),
        expires: 0xffffffff,
        rollout: 100,
        seq: 0xffffffff,
        encoding: 'gzip',
        inflatedSize: 0xffffffff,
      },
      keys,
    );
    expect(text).toMatch(/^inflated-size=4294967295$/m);
    expect(Buffer.byteLength(text, 'latin1')).toBeLessThanOrEqual(MAX_MANIFEST_BYTES);
  });

  it('finds a key that straddles two read chunks', async () => {
    const fixture = setup();
    const file = join(fixture.folder, 'image.bin');
    const image = Buffer.alloc(3 * READ_CHUNK_BYTES, 0xff);
    image[0] = 0xe9;
    Buffer.from(fixture.key.publicKey).copy(image, 2 * READ_CHUNK_BYTES - 10);
    writeFileSync(file, image);
    await expect(sign(file, [fixture.key])).resolves.toMatchObject({ size: image.length });
  });

  it('finds a key in the last bytes of a many-chunk image, plain or gzip, and hashes every byte', async () => {
    const fixture = setup();
    const file = join(fixture.folder, 'image.bin');
    const image = randomBytes(5 * READ_CHUNK_BYTES + 12_345);
    image[0] = 0xe9;
    Buffer.from(fixture.key.publicKey).copy(image, image.length - fixture.key.publicKey.length);
    writeFileSync(file, image);
    await expect(sign(file, [fixture.key])).resolves.toMatchObject({
      size: image.length,
      sha256: createHash('sha256').update(image).digest('hex'),
    });
    const packed = gzipSync(image);
    writeFileSync(file, packed);
    await expect(sign(file, [fixture.key])).resolves.toMatchObject({
      size: packed.length,
      sha256: createHash('sha256').update(packed).digest('hex'),
    });
    writeFileSync(file, gzipSync(image.subarray(0, image.length - 1)));
    await expect(sign(file, [fixture.key])).rejects.toThrow(/lockout guard/);
  });
});
