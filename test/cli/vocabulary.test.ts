// The CLI's vocabulary, shared with the action: one name for the signing key's
// secret, --directory for the mirror folder, the key commands' output where
// scripts read it, and publish's report as JSON.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { openManifest } from '../../src/protocol/manifest.js';
import { parseSigningKey } from '../../src/release/sign.js';
import { publishCommand, removeTemporaryFolders, temporaryFolder, writeEspImage, writeKeyFile } from '../helpers.js';

afterAll(removeTemporaryFolders);

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env });
  return { code, stdout, stderr };
}

function project() {
  const folder = temporaryFolder('static-ota-vocabulary-');
  const key = writeKeyFile(folder);
  const firmware = join(folder, 'firmware.bin');
  writeEspImage(firmware, { publicKey: key.publicKey });
  return { folder, key, firmware, mirror: join(folder, 'mirror') };
}

describe('keygen and pubkey', () => {
  it('keygen --out - writes the PEM alone to stdout and the public key to stderr; pubkey prints the same key', async () => {
    const generated = await cli(['keygen', '--out', '-']);
    expect(generated.code).toBe(0);
    expect(generated.stdout).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    const publicHex = Buffer.from(parseSigningKey(generated.stdout, 'stdout').publicKey).toString('hex');
    expect(generated.stderr).toContain(`public key: ${publicHex}\n`);

    const folder = temporaryFolder();
    const file = join(folder, 'key.pem');
    await (await import('node:fs/promises')).writeFile(file, generated.stdout);
    const printed = await cli(['pubkey', '--key', file]);
    expect(printed).toMatchObject({ code: 0, stderr: '' });
    expect(printed.stdout).toContain(`public key: ${publicHex}\n`);
    expect(printed.stdout).toContain('static const uint8_t kTrustedKeys[][32] = {');
    // The key from the environment, as publish reads it.
    const fromEnvironment = await cli(['pubkey'], { STATIC_OTA_SIGNING_KEY: generated.stdout });
    expect(fromEnvironment.stdout).toContain(`public key: ${publicHex}\n`);
  });
});

describe('one name for the signing key', () => {
  it('reads STATIC_OTA_SIGNING_KEY, the action secret, and the earlier STATIC_OTA_KEY with a warning', async () => {
    const p = project();
    const pem = readFileSync(p.key.path, 'utf8');
    const args = (version: string) => [
      ...publishCommand(p.firmware, p.key.path, version).filter(
        (arg, i, all) => arg !== '--key' && all[i - 1] !== '--key',
      ),
      '--directory',
      p.mirror,
    ];
    const current = await cli(args('1.0.0'), { STATIC_OTA_SIGNING_KEY: pem });
    expect(current).toMatchObject({ code: 0, stderr: '' });
    const earlier = await cli(args('1.0.1'), { STATIC_OTA_KEY: pem });
    expect(earlier.code).toBe(0);
    expect(earlier.stderr).toContain('warning: STATIC_OTA_KEY is read for now; name it STATIC_OTA_SIGNING_KEY');
    const none = await cli(args('1.0.2'));
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give --key PATH or set STATIC_OTA_SIGNING_KEY');
  });
});

describe('publish --json', () => {
  it('prints what was published as JSON on stdout, the progress on stderr', async () => {
    const p = project();
    const result = await cli([
      ...publishCommand(p.firmware, p.key.path, '1.4.2'),
      '--directory',
      p.mirror,
      '--chip-family',
      'esp32',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      manifests: Array<{ board: string; version: string; sha256: string; imageWritten: boolean; manifest: string }>;
      installNote?: string;
    };
    const live = openManifest(readFileSync(join(p.mirror, 'nodemcuv2', 'latest.txt')), [p.key.publicKey]);
    expect(report.manifests).toMatchObject([
      {
        board: 'nodemcuv2',
        version: '1.4.2',
        sha256: live.sha256,
        imageWritten: true,
        manifest: 'nodemcuv2/latest.txt',
      },
    ]);
    // ESP32: never gzip, and no install button from a prebuilt image, said why.
    expect(live.encoding).toBeUndefined();
    expect(report.installNote).toMatch(/^nodemcuv2: no install button on the release page: ESP32 prebuilt image/);
    expect(result.stderr).toContain('published 1.4.2 for nodemcuv2 (stable)');
  });
});
