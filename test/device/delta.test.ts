// Delta updates end to end (docs/protocol.md, "Delta updates"): `static-ota
// publish` makes the patch from the mirror's earlier version, and the
// simulator running that version (--running-image) updates by downloading
// the patch manifest and the patch only; every broken patch falls back to
// the full image in the same update(), and nothing unverified is committed.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { openPatchManifest } from '../../src/protocol/patch.js';
import { verifyMirror, VerifyError } from '../../src/maintain/verify.js';
import { removeTemporaryFolders, temporaryFolder, writeKeyFile, type KeyFile } from '../helpers.js';
import { runDevice, serveMirror, type Mirror } from './simulator.js';

afterAll(removeTemporaryFolders);

const servers: Mirror[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const IMAGE_BYTES = 60_000;

/** Deterministic bytes that do not compress, so a patch's size says what the diff found. */
function noise(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

/** An ESP image embedding the key; `edit` changes a version string, a 200-byte block and inserts 100 bytes. */
function image(key: KeyFile, version: string, edit: boolean): Buffer {
  const head = Buffer.concat([Buffer.from([0xe9, 0x03, 0x02, 0x40]), Buffer.from(key.publicKey)]);
  const body = noise(IMAGE_BYTES - head.length - 16, 7);
  const versionString = Buffer.from(`v${version}`.padEnd(16, '\0'));
  if (!edit) return Buffer.concat([head, versionString, body]);
  const changed = Buffer.concat([body.subarray(0, 20_000), noise(100, 9), body.subarray(20_000)]);
  noise(200, 11).copy(changed, 40_000);
  return Buffer.concat([head, versionString, changed]);
}

interface Published {
  folder: string;
  key: KeyFile;
  mirror: string;
  v1: Buffer;
  v2: Buffer;
  v1File: string;
  output: string;
}

/** 1.0.0 then 1.1.0 of nodemcuv2 published with the CLI into one mirror folder. */
async function publishTwo(): Promise<Published> {
  const folder = temporaryFolder('static-ota-delta-');
  const key = writeKeyFile(folder);
  const mirror = join(folder, 'mirror');
  const v1 = image(key, '1.0.0', false);
  const v2 = image(key, '1.1.0', true);
  let output = '';
  for (const [version, bytes] of [
    ['1.0.0', v1],
    ['1.1.0', v2],
  ] as const) {
    const firmware = join(folder, `firmware-${version}.bin`);
    writeFileSync(firmware, bytes);
    const args = ['publish', '--firmware', firmware, '--version', version, '--board', 'nodemcuv2', '--key', key.path];
    const code = await runCli([...args, '--out', mirror], {
      stdout: (text) => (output += text),
      stderr: (text) => (output += text),
      env: {},
    });
    expect([version, code]).toEqual([version, 0]);
  }
  return { folder, key, mirror, v1, v2, v1File: join(folder, 'firmware-1.0.0.bin'), output };
}

async function mirrorOf(folder: string): Promise<Mirror> {
  const server = await serveMirror(folder);
  servers.push(server);
  return server;
}

function deviceArgs(server: Mirror, published: Published, flash: string, runningImage: string): string[] {
  return [
    '--url',
    `${server.url}/nodemcuv2/latest.txt`,
    '--pubkey',
    published.key.publicHex,
    '--version',
    '1.0.0',
    '--board',
    'nodemcuv2',
    '--flash',
    flash,
    '--flash-size',
    String(128 * 1024),
    '--timeout-ms',
    '2000',
    '--running-image',
    runningImage,
  ];
}

const PATCH_MANIFEST = 'nodemcuv2/firmware-1.1.0.bin.from-1.0.0.txt';
const PATCH = 'nodemcuv2/firmware-1.1.0.bin.from-1.0.0.patch';

describe('delta updates', () => {
  let published: Published;
  beforeAll(async () => {
    published = await publishTwo();
  }, 60_000);

  it('the publisher writes a signed patch from the earlier version, a few percent of the image', () => {
    const manifest = readFileSync(join(published.mirror, PATCH_MANIFEST));
    const opened = openPatchManifest(manifest, [published.key.publicKey]);
    const patch = readFileSync(join(published.mirror, PATCH));
    const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    const normalized = Buffer.from(published.v1);
    normalized[2] = 0;
    normalized[3] = 0;
    expect(opened).toMatchObject({
      version: '1.1.0',
      baseVersion: '1.0.0',
      size: patch.length,
      sha256: sha(patch),
      baseSize: published.v1.length,
      baseSha256: sha(normalized),
      resultSize: published.v2.length,
      resultSha256: sha(published.v2),
    });
    expect(patch.length).toBeLessThan(published.v2.length * 0.02);
    expect(published.output).toMatch(/patch from 1\.0\.0 to 1\.1\.0, \d+ bytes/);
  });

  it.each(['esp32', 'esp8266'])(
    'a device (%s) running 1.0.0 updates to 1.1.0 byte-exact, downloading only the patch',
    async (chip) => {
      const server = await mirrorOf(published.mirror);
      const flash = join(temporaryFolder(), 'flash.bin');
      const run = await runDevice([...deviceArgs(server, published, flash, published.v1File), '--chip', chip]);
      expect(run.fields).toMatchObject({ result: 'updated', patch: 'installed', image_bytes: '0' });
      expect(readFileSync(flash).equals(published.v2)).toBe(true);
      expect(server.requests).toEqual(['/nodemcuv2/latest.txt', `/${PATCH_MANIFEST}`, `/${PATCH}`]);
      const patchBytes = readFileSync(join(published.mirror, PATCH)).length;
      expect(Number(run.fields.patch_bytes)).toBe(patchBytes);
      expect(Number(run.fields.body_bytes)).toBeLessThan(patchBytes + 3000);
    },
  );

  it('a device without --running-image takes the full image, as before', async () => {
    const server = await mirrorOf(published.mirror);
    const flash = join(temporaryFolder(), 'flash.bin');
    const args = deviceArgs(server, published, flash, published.v1File).slice(0, -2);
    const run = await runDevice(args);
    expect(run.fields.result).toBe('updated');
    expect(run.fields.patch).toBeUndefined();
    expect(server.requests).toEqual(['/nodemcuv2/latest.txt', '/nodemcuv2/firmware-1.1.0.bin']);
  });

  it.each([
    ['another running image (wrong base)', 'base_mismatch'],
    ['no patch for the running version (404)', 'no_patch'],
  ])('%s: the full image in the same update()', async (name, outcome) => {
    const server = await mirrorOf(published.mirror);
    const folder = temporaryFolder();
    const flash = join(folder, 'flash.bin');
    let running = published.v1File;
    if (outcome === 'base_mismatch') {
      running = join(folder, 'other.bin');
      const other = Buffer.from(published.v1);
      other[30_000] ^= 1;
      writeFileSync(running, other);
    } else {
      server.fault = (request, response) => {
        if (!request.url?.endsWith('.txt') || request.url.endsWith('latest.txt')) return false;
        response.writeHead(404).end();
        return true;
      };
    }
    const run = await runDevice(deviceArgs(server, published, flash, running));
    expect([name, run.fields.result, run.fields.patch]).toEqual([name, 'updated', outcome]);
    expect(readFileSync(flash).equals(published.v2)).toBe(true);
    expect(server.requests).toContain('/nodemcuv2/firmware-1.1.0.bin');
    // The base is hashed before the patch is downloaded.
    expect(server.requests).not.toContain(`/${PATCH}`);
  });

  it('a tampered patch with the full image gone: nothing is committed', async () => {
    const server = await mirrorOf(published.mirror);
    const flash = join(temporaryFolder(), 'flash.bin');
    const patch = readFileSync(join(published.mirror, PATCH));
    const tampered = Buffer.from(patch);
    tampered[Math.floor(patch.length / 2)] ^= 0x10;
    server.fault = (request, response) => {
      if (request.url === `/${PATCH}`) {
        response.writeHead(200, { 'Content-Length': tampered.length }).end(tampered);
        return true;
      }
      if (request.url !== '/nodemcuv2/firmware-1.1.0.bin') return false;
      response.writeHead(404).end();
      return true;
    };
    const run = await runDevice(deviceArgs(server, published, flash, published.v1File));
    expect(run.fields.result).toBe('http_status');
    expect(['decoder', 'hash_mismatch']).toContain(run.fields.patch);
    expect(existsSync(flash)).toBe(false);
  });

  it('a gzip release: the ESP8266 builds and writes the raw image from the patch', async () => {
    const folder = temporaryFolder('static-ota-delta-gzip-');
    const mirror = join(folder, 'mirror');
    // Erased flash after the code: what makes real images compress.
    const compressible = (bytes: Buffer) =>
      Buffer.concat([bytes.subarray(0, 44_000), Buffer.alloc(bytes.length - 44_000, 0xff)]);
    const [v1, v2] = [compressible(published.v1), compressible(published.v2)];
    const running = join(folder, 'running.bin');
    writeFileSync(running, v1);
    for (const [version, bytes, extra] of [
      ['1.0.0', v1, ['--compress', 'gzip']],
      ['1.1.0', v2, ['--compress', 'gzip']],
    ] as const) {
      const firmware = join(folder, `firmware-${version}.bin`);
      writeFileSync(firmware, bytes);
      const args = ['publish', '--firmware', firmware, '--version', version, '--board', 'nodemcuv2'];
      const code = await runCli([...args, '--key', published.key.path, '--out', mirror, ...extra], {
        stdout: () => undefined,
        stderr: () => undefined,
        env: {},
      });
      expect(code).toBe(0);
    }
    expect(readFileSync(join(mirror, 'nodemcuv2', 'latest.txt'), 'latin1')).toMatch(/^encoding=gzip$/m);
    const server = await mirrorOf(mirror);
    const flash = join(folder, 'flash.bin');
    const run = await runDevice([...deviceArgs(server, { ...published, mirror }, flash, running), '--chip', 'esp8266']);
    expect(run.fields).toMatchObject({ result: 'updated', patch: 'installed' });
    expect(readFileSync(flash).equals(v2)).toBe(true);
    expect(server.requests).not.toContain('/nodemcuv2/firmware-1.1.0.bin');
  });

  it('the release page lists the patch; verify applies it to its base and checks the signed image', async () => {
    const index = JSON.parse(readFileSync(join(published.mirror, 'index.json'), 'utf8'));
    const patch = readFileSync(join(published.mirror, PATCH));
    expect(index.releases[0].patches).toEqual([
      { from: '1.0.0', manifest: PATCH_MANIFEST, patch: PATCH, size: patch.length },
    ]);
    expect(readFileSync(join(published.mirror, 'index.html'), 'utf8')).toContain('Delta patches');
    const options = { board: 'nodemcuv2', channel: 'stable', trustedKeys: [published.key.publicKey] };
    const local = await verifyMirror({ ...options, mirror: published.mirror });
    expect(local.patches).toEqual([expect.objectContaining({ from: '1.0.0', size: patch.length, applied: true })]);
    const server = await mirrorOf(published.mirror);
    const remote = await verifyMirror({ ...options, mirror: new URL(`${server.url}/`) });
    expect(remote.patches).toEqual([expect.objectContaining({ from: '1.0.0', applied: true })]);
  });

  it('verify refuses a tampered patch', async () => {
    const copy = join(temporaryFolder(), 'mirror');
    cpSync(published.mirror, copy, { recursive: true });
    const patch = readFileSync(join(copy, PATCH));
    patch[patch.length >> 1] ^= 1;
    writeFileSync(join(copy, PATCH), patch);
    const options = { board: 'nodemcuv2', channel: 'stable', trustedKeys: [published.key.publicKey] };
    await expect(verifyMirror({ ...options, mirror: copy })).rejects.toThrow(VerifyError);
    await expect(verifyMirror({ ...options, mirror: copy })).rejects.toMatchObject({ code: 'hash_mismatch' });
  });
});
