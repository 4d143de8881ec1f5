import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../src/cli.js';
import { listen, removeTemporaryFolders, serveFolder, temporaryFolder, writeEspImage, writeKeyFile } from './helpers.js';

afterAll(removeTemporaryFolders);

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env });
  return { code, stdout, stderr, all: stdout + stderr };
}

describe('static-ota keygen', () => {
  it('writes a PKCS#8 PEM key, prints the public key as hex and as a C array', async () => {
    const folder = temporaryFolder();
    const out = join(folder, 'key.pem');
    const result = await cli(['keygen', '--out', out]);
    expect(result.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(result.stdout).toMatch(/public key: [0-9a-f]{64}\nkeyid: [0-9a-f]{8}\n/);
    expect(result.stdout).toMatch(/static const uint8_t STATIC_OTA_PUBLIC_KEY\[32\] = \{\n(  (0x[0-9a-f]{2}, ){7}0x[0-9a-f]{2},\n){4}\};/);
  });

  it('refuses to overwrite an existing file', async () => {
    const folder = temporaryFolder();
    const out = join(folder, 'key.pem');
    writeFileSync(out, 'precious');
    const result = await cli(['keygen', '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/already exists: refusing to overwrite/);
    expect(readFileSync(out, 'utf8')).toBe('precious');
  });
});

describe('static-ota publish and verify', () => {
  function project() {
    const folder = temporaryFolder();
    const key = writeKeyFile(folder);
    const mirror = join(folder, 'mirror');
    const image = (version: string, marker = version) => {
      const path = join(folder, `fw-${version}.bin`);
      writeEspImage(path, { publicKey: key.publicKey, marker, size: 10_000 });
      return path;
    };
    return { folder, key, mirror, image };
  }

  it('publishes with a key file and verifies the mirror from disk and over HTTP', async () => {
    const p = project();
    const published = await cli(['publish', '--firmware', p.image('1.4.2'), '--version', 'v1.4.2', '--board', 'nodemcuv2', '--key', p.key.path, '--out', p.mirror]);
    expect(published.stderr).toBe('');
    expect(published.code).toBe(0);
    expect(published.stdout).toContain('published 1.4.2 for nodemcuv2 (stable)');
    const fromDisk = await cli(['verify', '--mirror', p.mirror, '--board', 'nodemcuv2', '--pubkey', p.key.publicHex]);
    expect(fromDisk).toMatchObject({ code: 0, stderr: '' });
    expect(fromDisk.stdout).toContain(`version 1.4.2, board nodemcuv2, channel stable, signed by ${p.key.keyId}`);
    const server = await serveFolder(p.mirror);
    try {
      const overHttp = await cli(['verify', '--mirror', server.url, '--board', 'nodemcuv2', '--pubkey', p.key.publicHex]);
      expect(overHttp.stdout).toContain(`OK ${server.url}/nodemcuv2/latest.txt`);
      expect(overHttp.code).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('takes the key from STATIC_OTA_KEY as a hex seed and never prints it', async () => {
    const p = project();
    const seedHex = Buffer.alloc(32, 9).toString('hex');
    const { parseSigningKey } = await import('../src/sign.js');
    const key = parseSigningKey(seedHex, 'seed');
    const firmware = join(p.folder, 'seeded.bin');
    writeEspImage(firmware, { publicKey: key.publicKey });
    const result = await cli(['publish', '--firmware', firmware, '--version', '2.0.0', '--board', 'd1_mini', '--out', p.mirror], { STATIC_OTA_KEY: seedHex });
    expect(result.code).toBe(0);
    expect(result.all).not.toContain(seedHex);
    expect(result.all).not.toContain(Buffer.alloc(32, 9).toString('base64'));
    const bad = await cli(['publish', '--firmware', firmware, '--version', '2.0.1', '--board', 'd1_mini', '--out', p.mirror], { STATIC_OTA_KEY: `${seedHex.slice(2)}zz` });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/STATIC_OTA_KEY: expected an Ed25519 private key/);
    expect(bad.all).not.toContain(seedHex.slice(2));
  });

  it('refuses a downgrade and a republish with clear messages, allows --force for the same version', async () => {
    const p = project();
    const args = (version: string, ...extra: string[]) => ['publish', '--firmware', p.image(version), '--version', version, '--board', 'nodemcuv2', '--key', p.key.path, '--out', p.mirror, ...extra];
    expect((await cli(args('1.4.2'))).code).toBe(0);
    const downgrade = await cli(args('1.4.1'));
    expect(downgrade.code).toBe(1);
    expect(downgrade.stderr).toMatch(/refusing to publish 1\.4\.1 for nodemcuv2 \(stable\): directory .* already offers 1\.4\.2/);
    expect((await cli(args('1.4.2'))).stderr).toMatch(/already published/);
    expect((await cli(args('1.4.2', '--force'))).code).toBe(0);
  });

  it('signs with several keys for a rotation and writes expires= from --expires-in', async () => {
    const p = project();
    const successor = writeKeyFile(p.folder, 'successor.pem');
    const before = Math.floor(Date.now() / 1000);
    const result = await cli(['publish', '--firmware', p.image('1.0.0'), '--version', '1.0.0', '--board', 'nodemcuv2', '--key', p.key.path, '--key', successor.path, '--expires-in', '30d', '--out', p.mirror]);
    expect(result.stderr).toBe('');
    const manifest = readFileSync(join(p.mirror, 'nodemcuv2/latest.txt'), 'latin1');
    expect(manifest.match(/^sig=([0-9a-f]{8}):/gm)).toEqual([`sig=${p.key.keyId}:`, `sig=${successor.keyId}:`]);
    const expires = Number(/^expires=(\d+)$/m.exec(manifest)?.[1]);
    expect(expires - before).toBeGreaterThanOrEqual(30 * 86400);
    expect(expires - before).toBeLessThan(30 * 86400 + 60);
    for (const key of [p.key, successor]) {
      expect((await cli(['verify', '--mirror', p.mirror, '--board', 'nodemcuv2', '--pubkey', key.publicHex])).code).toBe(0);
    }
    const badDuration = await cli(['publish', '--firmware', p.image('1.0.1'), '--version', '1.0.1', '--board', 'nodemcuv2', '--key', p.key.path, '--expires-in', 'soon', '--out', p.mirror]);
    expect(badDuration.stderr).toMatch(/--expires-in must be a duration such as 3600, 12h or 30d/);
  });

  it('reports usage errors with exit code 2', async () => {
    const p = project();
    const missing = await cli(['publish', '--firmware', p.image('1.0.0'), '--board', 'x', '--out', p.mirror, '--key', p.key.path]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--version is required');
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['publish', '--no-such-flag'])).code).toBe(2);
    const badBoard = await cli(['publish', '--firmware', p.image('1.0.0'), '--version', '1.0.0', '--board', '../x', '--out', p.mirror, '--key', p.key.path]);
    expect(badBoard.stderr).toMatch(/board "\.\.\/x" is invalid/);
    expect(badBoard.code).toBe(1);
    const badVerifyBoard = await cli(['verify', '--mirror', p.mirror, '--board', '../m/b', '--pubkey', p.key.publicHex]);
    expect(badVerifyBoard).toMatchObject({ code: 2 });
    expect(badVerifyBoard.stderr).toMatch(/--board "\.\.\/m\/b" is not a board name/);
    expect(existsSync(p.mirror)).toBe(false);
  });

  it('fails verification on a tampered image, a wrong key and a missing manifest', async () => {
    const p = project();
    await cli(['publish', '--firmware', p.image('1.0.0'), '--version', '1.0.0', '--board', 'nodemcuv2', '--key', p.key.path, '--out', p.mirror]);
    const other = writeKeyFile(p.folder, 'other.pem');
    const wrongKey = await cli(['verify', '--mirror', p.mirror, '--board', 'nodemcuv2', '--pubkey', other.publicHex]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/untrusted_key/);
    const imagePath = join(p.mirror, 'nodemcuv2/firmware-1.0.0.bin');
    const image = readFileSync(imagePath);
    image[100] ^= 0xff;
    writeFileSync(imagePath, image);
    const tampered = await cli(['verify', '--mirror', p.mirror, '--board', 'nodemcuv2', '--pubkey', p.key.publicHex]);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toMatch(/has SHA-256 [0-9a-f]{64}, the manifest says/);
    const missing = await cli(['verify', '--mirror', p.mirror, '--board', 'esp32dev', '--pubkey', p.key.publicHex]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/esp32dev\/latest\.txt not found/);
  });

  it.each([
    ['chunked', (body: Buffer) => ({ headers: {}, body }), /firmware-1\.0\.0\.bin: Transfer-Encoding chunked; devices read only plain bodies/],
    ['without Content-Length, ended by closing', (body: Buffer) => ({ headers: { Connection: 'close' }, body, close: true }), /firmware-1\.0\.0\.bin: no Content-Length; devices need a Content-Length equal to size=10000/],
  ])('fails an image served %s, as devices refuse it', async (_name, shape, message) => {
    const p = project();
    await cli(['publish', '--firmware', p.image('1.0.0'), '--version', '1.0.0', '--board', 'nodemcuv2', '--key', p.key.path, '--out', p.mirror]);
    const server = await listen((request, response) => {
      const body = readFileSync(join(p.mirror, ...(request.url ?? '').split('/').filter(Boolean)));
      if (request.url?.endsWith('latest.txt')) {
        response.writeHead(200, { 'Content-Length': body.length }).end(body);
        return;
      }
      const served = shape(body);
      if ('close' in served) {
        // HTTP/1.0 style: no length, the end of the connection ends the body.
        response.socket?.end(`HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n${served.body.toString('latin1')}`, 'latin1');
        return;
      }
      response.writeHead(200, served.headers).end(served.body);
    });
    try {
      const result = await cli(['verify', '--mirror', server.url, '--board', 'nodemcuv2', '--pubkey', p.key.publicHex]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
    } finally {
      await server.close();
    }
  });

  it('explains a redirect from plain HTTP to https, as GitHub Pages sends', async () => {
    const server = await listen((request, response) => {
      response.writeHead(301, { Location: `https://example.github.io${request.url}` }).end();
    });
    try {
      // Any usable key (RFC 8032 test 1's): the redirect ends the check before a signature is read.
      const rfc8032Key = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
      const result = await cli(['verify', '--mirror', `${server.url}/ota`, '--board', 'nodemcuv2', '--pubkey', rfc8032Key]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/301 redirect to https:\/\/example\.github\.io\/ota\/nodemcuv2\/latest\.txt\. Plain-HTTP devices cannot follow/);
    } finally {
      await server.close();
    }
  });
});
