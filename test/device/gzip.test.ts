// gzip images end to end: the action (compress: auto) and the CLI (--compress
// gzip) publish into a folder served on 127.0.0.1; the simulator is an
// ESP8266 (--chip esp8266: its eboot model inflates the staged image at the
// restart and checks what it installs) or an ESP32 (refuses encoding=gzip
// before the download).
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { runCli } from '../../src/cli/program.js';
import { hashFile } from '../../src/protocol/crypto.js';
import { openManifest, type ManifestFields } from '../../src/protocol/manifest.js';
import { parseSigningKey, signManifest } from '../../src/release/sign.js';
import { makeProject, runAction, type Project } from '../action/action-runner.js';
import { removeTemporaryFolders, temporaryFolder, writeEspImage, writeKeyFile, type KeyFile } from '../helpers.js';
import { runDevice, serveMirror, type Mirror } from './simulator.js';

afterAll(removeTemporaryFolders);

const servers: Mirror[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const IMAGE_SIZE = 60_000;

async function mirrorOf(folder: string): Promise<Mirror> {
  const server = await serveMirror(folder);
  servers.push(server);
  return server;
}

/**
 * Serves bytes as nodemcuv2's firmware-2.0.0.bin in root with a manifest signed here, without the
 * publisher's checks (or written as a publisher before inflated-size= did).
 */
function signByHand(root: string, key: KeyFile, bytes: Buffer, fields: Partial<ManifestFields> = {}): void {
  const mirror = join(root, 'nodemcuv2');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const manifest = {
    version: '2.0.0',
    board: 'nodemcuv2',
    channel: 'stable',
    file: 'firmware-2.0.0.bin',
    size: bytes.length,
    sha256,
    ...fields,
  };
  mkdirSync(mirror, { recursive: true });
  writeFileSync(join(mirror, 'firmware-2.0.0.bin'), bytes);
  writeFileSync(join(mirror, 'latest.txt'), signManifest(manifest, [parseSigningKey(key.privatePem, 'key')]), 'latin1');
}

/** The simulator's arguments for a device running 1.0.0 on nodemcuv2. */
function deviceArgs(server: Mirror, publicHex: string, chip: 'esp8266' | 'esp32', storage: string[]): string[] {
  return [
    '--url',
    `${server.url}/nodemcuv2/latest.txt`,
    '--pubkey',
    publicHex,
    '--version',
    '1.0.0',
    '--board',
    'nodemcuv2',
    '--chip',
    chip,
    '--timeout-ms',
    '2000',
    ...storage,
  ];
}

/** An action run on tag v1.4.2 for an espressif8266 and an espressif32 environment, compress left at its default. */
async function actionRelease(
  options: { embedKey?: boolean } = {},
): Promise<{ project: Project; mirror: string; output: string; status: number | null }> {
  const project = makeProject(['nodemcuv2', 'esp32dev'], options);
  const mirror = join(project.folder, 'public');
  const result = await runAction(
    project,
    { directory: mirror },
    { GITHUB_REF: 'refs/tags/v1.4.2', PIO_STANDIN_IMAGE_SIZE: String(IMAGE_SIZE) },
  );
  return { project, mirror, output: result.output, status: result.status };
}

describe('gzip images (compress: auto) on the simulator', () => {
  it('an ESP8266 installs the compressed image, eboot inflates it at the restart and the new version boots', async () => {
    const { project, mirror, output, status } = await actionRelease();
    expect(output).not.toMatch(/::error::/);
    expect(status).toBe(0);
    const built = readFileSync(join(project.folder, '.pio', 'build', 'nodemcuv2', 'firmware.bin'));
    const served = readFileSync(join(mirror, 'nodemcuv2', 'firmware-1.4.2.bin'));
    expect([...served.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(served).equals(built)).toBe(true);
    expect(served.length).toBeLessThan(built.length);
    const manifest = openManifest(readFileSync(join(mirror, 'nodemcuv2', 'latest.txt')), [project.key.publicKey]);
    expect(manifest).toMatchObject({
      encoding: 'gzip',
      size: served.length,
      sha256: (await hashFile(join(mirror, 'nodemcuv2', 'firmware-1.4.2.bin'))).sha256,
    });
    // espressif32 is never compressed.
    const esp32 = openManifest(readFileSync(join(mirror, 'esp32dev', 'latest.txt')), [project.key.publicKey]);
    expect(esp32.encoding).toBeUndefined();
    expect(esp32.size).toBe(IMAGE_SIZE);

    const server = await mirrorOf(mirror);
    const deviceFile = join(project.folder, 'device.txt');
    const args = deviceArgs(server, project.key.publicHex, 'esp8266', ['--device', deviceFile]);
    const installed = await runDevice(args);
    expect(installed.fields).toMatchObject({ result: 'updated', offered: '1.4.2', image_bytes: String(served.length) });
    expect(readFileSync(`${deviceFile}.slot1`).equals(served)).toBe(true);
    const booted = await runDevice([...args, '--restart']);
    expect(booted.fields).toMatchObject({ result: 'restarted', running: '1.4.2', boot_state: 'pending' });
    expect(readFileSync(`${deviceFile}.slot0`).equals(built)).toBe(true);
    const confirmed = await runDevice(args);
    expect(confirmed.fields).toMatchObject({ result: 'no_update', running: '1.4.2', boot_state: 'confirmed' });
  });

  it('an ESP32 refuses encoding=gzip before downloading the image, with a result of its own', async () => {
    const { project, mirror } = await actionRelease();
    const server = await mirrorOf(mirror);
    const flash = join(project.folder, 'flash.bin');
    writeFileSync(flash, 'running image');
    for (const storage of [
      ['--flash', flash],
      ['--device', join(project.folder, 'esp32.txt')],
    ]) {
      server.requests.length = 0;
      const run = await runDevice(deviceArgs(server, project.key.publicHex, 'esp32', storage));
      expect(run.fields).toMatchObject({ result: 'unsupported_encoding', offered: '1.4.2', image_bytes: '0' });
      expect(run.exitCode).toBe(1);
      expect(server.requests).toEqual(['/nodemcuv2/latest.txt']);
    }
    expect(readFileSync(flash, 'utf8')).toBe('running image');
  });

  it('a tampered compressed image is refused and the flash stays; the untouched one then installs', async () => {
    const { project, mirror } = await actionRelease();
    const server = await mirrorOf(mirror);
    const imagePath = join(mirror, 'nodemcuv2', 'firmware-1.4.2.bin');
    const good = readFileSync(imagePath);
    const tampered = Buffer.from(good);
    tampered[tampered.length >> 1] ^= 0x01;
    writeFileSync(imagePath, tampered);
    const flash = join(project.folder, 'flash.bin');
    writeFileSync(flash, 'running image');
    const args = deviceArgs(server, project.key.publicHex, 'esp8266', ['--flash', flash]);
    expect((await runDevice(args)).fields).toMatchObject({ result: 'hash_mismatch', image_bytes: String(good.length) });
    expect(readFileSync(flash, 'utf8')).toBe('running image');
    writeFileSync(imagePath, good);
    expect((await runDevice(args)).result).toBe('updated');
    expect(readFileSync(flash).equals(good)).toBe(true);
  });

  it('the lockout guard looks inside the compressed image: the key only there passes, an image without it is refused', async () => {
    const withKey = await actionRelease();
    expect(withKey.status).toBe(0);
    const served = readFileSync(join(withKey.mirror, 'nodemcuv2', 'firmware-1.4.2.bin'));
    expect(served.includes(Buffer.from(withKey.project.key.publicKey))).toBe(false);
    expect(gunzipSync(served).includes(Buffer.from(withKey.project.key.publicKey))).toBe(true);

    const withoutKey = await actionRelease({ embedKey: false });
    expect(withoutKey.status).not.toBe(0);
    expect(withoutKey.output).toMatch(
      /::error::.*lockout guard: .*\/\.pio\/build\/nodemcuv2\/firmware\.bin \(served gzip-compressed as .*nodemcuv2\.bin\.gz\) \(nodemcuv2 1\.4\.2\) does not contain any public key/,
    );
  });
});

describe('the compress input', () => {
  const release = (environments: string[], inputs: Record<string, string>) => {
    const project = makeProject(environments);
    const mirror = join(project.folder, 'public');
    return runAction(project, { directory: mirror, ...inputs }, { GITHUB_REF: 'refs/tags/v1.4.2' }).then((result) => ({
      ...result,
      project,
      mirror,
    }));
  };

  it('none publishes the ESP8266 image as built', async () => {
    const { status, project, mirror } = await release(['nodemcuv2'], { compress: 'none' });
    expect(status).toBe(0);
    const built = readFileSync(join(project.folder, '.pio', 'build', 'nodemcuv2', 'firmware.bin'));
    expect(readFileSync(join(mirror, 'nodemcuv2', 'firmware-1.4.2.bin')).equals(built)).toBe(true);
    expect(readFileSync(join(mirror, 'nodemcuv2', 'latest.txt'), 'latin1')).not.toMatch(/encoding=/);
  });

  it('gzip is refused for an espressif32 environment before anything is published', async () => {
    const { status, output, mirror } = await release(['nodemcuv2', 'esp32dev'], { compress: 'gzip' });
    expect(status).not.toBe(0);
    expect(output).toMatch(/::error::esp32dev is an ESP32: ESP32's Update does not inflate gzip images/);
    expect(() => readFileSync(join(mirror, 'nodemcuv2', 'latest.txt'))).toThrow();
  });

  it('an unknown mode is an input error', async () => {
    const { status, output, pioCalls } = await release(['nodemcuv2'], { compress: 'zstd' });
    expect(status).not.toBe(0);
    expect(output).toMatch(/::error::compress must be one of auto, gzip, none, got "zstd"/);
    expect(pioCalls).toEqual([]);
  });
});

describe('gzip images (CLI --compress gzip) and the eboot model', () => {
  async function cliPublish(args: string[]): Promise<{ code: number; output: string }> {
    let output = '';
    const code = await runCli(['publish', ...args], {
      stdout: (text) => (output += text),
      stderr: (text) => (output += text),
      env: {},
    });
    return { code, output };
  }

  it('publishes a prebuilt image gzip-compressed, which an ESP8266 installs and boots', async () => {
    const folder = temporaryFolder('static-ota-gzip-cli-');
    const key = writeKeyFile(folder);
    const firmware = join(folder, 'firmware.bin');
    const image = writeEspImage(firmware, { publicKey: key.publicKey, marker: 'release 2.0.0', size: 30_000 });
    const mirror = join(folder, 'mirror');
    const common = ['--firmware', firmware, '--board', 'nodemcuv2', '--key', key.path, '--out', mirror];
    const plain = await cliPublish([...common, '--version', '1.5.0']);
    expect(plain.output).toMatch(
      /chip unknown \(not reported by PlatformIO, or a prebuilt image without --chip-family\), published uncompressed/,
    );
    expect(readFileSync(join(mirror, 'nodemcuv2', 'latest.txt'), 'latin1')).not.toMatch(/encoding=/);
    const published = await cliPublish([...common, '--version', '2.0.0', '--compress', 'gzip']);
    expect(published.code).toBe(0);
    expect(published.output).toMatch(/nodemcuv2: gzip 30000 -> \d+ bytes/);
    expect(readFileSync(join(mirror, 'nodemcuv2', 'latest.txt'), 'latin1')).toMatch(/^encoding=gzip$/m);

    const server = await mirrorOf(mirror);
    const deviceFile = join(folder, 'device.txt');
    const args = deviceArgs(server, key.publicHex, 'esp8266', ['--device', deviceFile]);
    expect((await runDevice(args)).result).toBe('updated');
    expect((await runDevice([...args, '--restart'])).fields).toMatchObject({ result: 'restarted', running: '2.0.0' });
    expect(readFileSync(`${deviceFile}.slot0`).equals(image)).toBe(true);
  });

  it('the publisher refuses gzip that eboot could not install, and the eboot model catches it when signed by hand', async () => {
    const folder = temporaryFolder('static-ota-gzip-bad-');
    const key = writeKeyFile(folder);
    const notEsp = gzipSync(
      Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.from(key.publicKey), Buffer.alloc(5000, 0x11)]),
    );
    const good = gzipSync(writeEspImage(join(folder, 'good.bin'), { publicKey: key.publicKey, size: 5000 }));
    const truncated = Buffer.concat([good.subarray(0, good.length - 40), good.subarray(good.length - 8)]);
    const wrongLength = Buffer.from(good);
    wrongLength.writeUInt32LE(4000, wrongLength.length - 4);
    const cases: Array<[string, Buffer, RegExp, string]> = [
      [
        'not an ESP image inside',
        notEsp,
        /does not hold an ESP image: it inflates to bytes starting with 0x50/,
        'not_esp_image',
      ],
      ['a cut deflate stream', truncated, /does not inflate/, 'inflate'],
      ['a trailer that lies about the size', wrongLength, /does not inflate: incorrect length check/, 'length'],
      [
        'two gzip members',
        Buffer.concat([good, good]),
        /inflates to 10000 bytes but its last 4 bytes say 5000/,
        'trailing_data',
      ],
      [
        'an empty gzip member before the image (its trailer is right)',
        Buffer.concat([gzipSync(Buffer.alloc(0)), good]),
        /has bytes after its first gzip member \(at byte 20 of/,
        'trailing_data',
      ],
    ];
    // A prebuilt gzip image that passes is published as it is (not compressed twice), with encoding=gzip.
    const prebuilt = join(folder, 'prebuilt.bin.gz');
    writeFileSync(prebuilt, good);
    const accepted = await cliPublish([
      '--firmware',
      prebuilt,
      '--version',
      '1.9.0',
      '--board',
      'nodemcuv2',
      '--key',
      key.path,
      '--out',
      join(folder, 'accepted'),
    ]);
    expect(accepted.code).toBe(0);
    expect(readFileSync(join(folder, 'accepted', 'nodemcuv2', 'firmware-1.9.0.bin')).equals(good)).toBe(true);
    expect(readFileSync(join(folder, 'accepted', 'nodemcuv2', 'latest.txt'), 'latin1')).toMatch(/^encoding=gzip$/m);
    for (const [index, [name, bytes, refusal, bootError]] of cases.entries()) {
      const firmware = join(folder, `case-${index}.bin`);
      writeFileSync(firmware, bytes);
      const refused = await cliPublish([
        '--firmware',
        firmware,
        '--version',
        '2.0.0',
        '--board',
        'nodemcuv2',
        '--key',
        key.path,
        '--out',
        join(folder, 'refused'),
      ]);
      expect([name, refused.code]).toEqual([name, 1]);
      expect(refused.output).toMatch(refusal);

      // Signed without the publisher's checks: the device installs it (its hash matches), eboot cannot.
      signByHand(join(folder, `mirror-${index}`), key, bytes, { encoding: 'gzip' });
      const server = await mirrorOf(join(folder, `mirror-${index}`));
      const deviceFile = join(folder, `device-${index}.txt`);
      const args = deviceArgs(server, key.publicHex, 'esp8266', ['--device', deviceFile]);
      expect([name, (await runDevice(args)).result]).toEqual([name, 'updated']);
      const boot = await runDevice([...args, '--restart']);
      expect([name, boot.fields.result, boot.fields.detail]).toEqual([name, 'boot_failed', bootError]);
      expect([name, (await runDevice(args)).result]).toEqual([name, 'boot_failed']);
    }
  });

  it('keeps the raw image when gzip would not be smaller (incompressible bytes), with auto and with gzip', async () => {
    const folder = temporaryFolder('static-ota-gzip-larger-');
    const key = writeKeyFile(folder);
    const noise = randomBytes(40_000);
    noise[0] = 0xe9;
    Buffer.from(key.publicKey).copy(noise, 100);
    const firmware = join(folder, 'noise.bin');
    writeFileSync(firmware, noise);
    for (const [mode, version] of [
      ['auto', '1.0.1'],
      ['gzip', '1.0.2'],
    ]) {
      const mirror = join(folder, `mirror-${mode}`);
      const published = await cliPublish([
        ...['--firmware', firmware, '--version', version, '--board', 'nodemcuv2', '--key', key.path],
        ...['--out', mirror, '--chip-family', 'ESP8266', '--compress', mode],
      ]);
      expect([mode, published.code]).toEqual([mode, 0]);
      expect(published.output).toMatch(/nodemcuv2: gzip 40000 -> \d+ bytes is not smaller: published uncompressed/);
      expect(readFileSync(join(mirror, 'nodemcuv2', `firmware-${version}.bin`)).equals(noise)).toBe(true);
      expect(readFileSync(join(mirror, 'nodemcuv2', 'latest.txt'), 'latin1')).not.toMatch(/encoding=|inflated-size=/);
    }
    // An image at max-image-size whose gzip form is larger still: the raw image is what is served, and it fits.
    const atLimit = await cliPublish([
      ...['--firmware', firmware, '--version', '1.0.3', '--board', 'nodemcuv2', '--key', key.path],
      ...['--out', join(folder, 'mirror-at-limit'), '--chip-family', 'ESP8266', '--max-image-size', '40000'],
    ]);
    expect(atLimit.output).toMatch(/nodemcuv2: gzip 40000 -> \d+ bytes is not smaller: published uncompressed/);
    expect(atLimit.code).toBe(0);
  });

  it('an ESP8266 refuses before the download a gzip image that inflates past the staged bytes (too_large)', async () => {
    // Updater stages the image at the top of the flash and eboot writes the inflated one from the start:
    // 64 KB of flash, 32 KB of it staged (a sector-rounded 30 KB), leave 32 KB for 60 KB inflated.
    const folder = temporaryFolder('static-ota-gzip-room-');
    const key = writeKeyFile(folder);
    const image = Buffer.concat([randomBytes(30_000), Buffer.alloc(30_000, 0xa5)]);
    image[0] = 0xe9;
    const firmware = join(folder, 'firmware.bin');
    writeFileSync(firmware, image);
    const mirror = join(folder, 'mirror');
    const published = await cliPublish([
      ...['--firmware', firmware, '--version', '2.0.0', '--board', 'nodemcuv2', '--key', key.path],
      ...['--out', mirror, '--compress', 'gzip', '--allow-lockout'],
    ]);
    expect(published.code).toBe(0);
    const served = readFileSync(join(mirror, 'nodemcuv2', 'firmware-2.0.0.bin'));
    expect(served.length).toBeGreaterThan(28_672);
    expect(served.length).toBeLessThanOrEqual(32_768);
    expect(readFileSync(join(mirror, 'nodemcuv2', 'latest.txt'), 'latin1')).toMatch(/^inflated-size=60000$/m);
    const server = await mirrorOf(mirror);
    const onFlash = (flashSize: number, device: string) => [
      ...deviceArgs(server, key.publicHex, 'esp8266', ['--device', join(folder, device)]),
      ...['--flash-size', String(flashSize)],
    ];
    const refused = await runDevice(onFlash(65_536, 'small.txt'));
    expect(refused.fields).toMatchObject({ result: 'too_large', offered: '2.0.0', image_bytes: '0' });
    expect(server.requests).toEqual(['/nodemcuv2/latest.txt']);
    expect((await runDevice([...onFlash(65_536, 'small.txt'), '--restart'])).fields).toMatchObject({
      result: 'restarted',
      running: '1.0.0',
    });
    // 96 KB: 64 KB below the staged bytes, room for 60 KB.
    expect((await runDevice(onFlash(98_304, 'large.txt'))).result).toBe('updated');
    expect((await runDevice([...onFlash(98_304, 'large.txt'), '--restart'])).fields).toMatchObject({
      result: 'restarted',
      running: '2.0.0',
    });
    expect(readFileSync(join(folder, 'large.txt.slot0')).equals(image)).toBe(true);

    // Signed without inflated-size= (as publishers did before it), the device cannot tell: eboot's copy fails.
    const unsized = join(folder, 'unsized');
    signByHand(unsized, key, served, { encoding: 'gzip' });
    const unsizedServer = await mirrorOf(unsized);
    const old = [
      ...deviceArgs(unsizedServer, key.publicHex, 'esp8266', ['--device', join(folder, 'unsized.txt')]),
      ...['--flash-size', '65536'],
    ];
    expect((await runDevice(old)).result).toBe('updated');
    expect((await runDevice([...old, '--restart'])).fields).toMatchObject({
      result: 'boot_failed',
      detail: 'too_large',
    });
  });

  it('a raw image larger than half the flash installs and boots: eboot copies it forward over the running one', async () => {
    const folder = temporaryFolder('static-ota-raw-large-');
    const key = writeKeyFile(folder);
    const firmware = join(folder, 'firmware.bin');
    const image = writeEspImage(firmware, { publicKey: key.publicKey, marker: 'large raw image', size: 60_000 });
    const mirror = join(folder, 'mirror');
    const published = await cliPublish([
      ...['--firmware', firmware, '--version', '2.0.0', '--board', 'nodemcuv2', '--key', key.path],
      ...['--out', mirror, '--compress', 'none'],
    ]);
    expect(published.code).toBe(0);
    const server = await mirrorOf(mirror);
    const deviceFile = join(folder, 'device.txt');
    const args = [...deviceArgs(server, key.publicHex, 'esp8266', ['--device', deviceFile]), '--flash-size', '65536'];
    expect((await runDevice(args)).result).toBe('updated');
    expect((await runDevice([...args, '--restart'])).fields).toMatchObject({ result: 'restarted', running: '2.0.0' });
    expect(readFileSync(`${deviceFile}.slot0`).equals(image)).toBe(true);
  });

  it('an ESP32 refuses an image that does not start with 0xE9 while writing it, and keeps running its own', async () => {
    const folder = temporaryFolder('static-ota-esp32-magic-');
    const key = writeKeyFile(folder);
    const mirror = join(folder, 'mirror');
    signByHand(mirror, key, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(20_000, 0x11)]));
    const server = await mirrorOf(mirror);
    const args = deviceArgs(server, key.publicHex, 'esp32', ['--device', join(folder, 'device.txt')]);
    expect((await runDevice(args)).fields).toMatchObject({ result: 'flash_error', offered: '2.0.0' });
    expect((await runDevice([...args, '--restart'])).fields).toMatchObject({ result: 'restarted', running: '1.0.0' });
  });
});
