// `static-ota verify` as the heartbeat monitor docs/security.md recommends
// (issue 18): it refuses what devices refuse (an expired manifest), warns
// before expiry, says when it timed out, takes the URL devices poll, and
// reports as JSON for scripts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { parseSigningKey, signManifest } from '../../src/release/sign.js';
import {
  listen,
  publishCommand,
  removeTemporaryFolders,
  serveFolder,
  temporaryFolder,
  writeEspImage,
  writeKeyFile,
} from '../helpers.js';

afterAll(removeTemporaryFolders);

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

async function publishedMirror(extra: string[] = []) {
  const folder = temporaryFolder();
  const key = writeKeyFile(folder);
  const firmware = join(folder, 'fw.bin');
  writeEspImage(firmware, { publicKey: key.publicKey, size: 3000 });
  const mirror = join(folder, 'mirror');
  const published = await cli([...publishCommand(firmware, key.path, '1.0.0'), '--out', mirror, ...extra]);
  expect(published.code).toBe(0);
  const latest = join(mirror, 'nodemcuv2', 'latest.txt');
  const verifyArgs = (...more: string[]) => ['verify', '--board', 'nodemcuv2', '--pubkey', key.publicHex, ...more];
  return { key, mirror, latest, verifyArgs };
}

/** The mirror's manifest re-signed with `expires` set. */
function withExpires(latest: string, keyPem: string, expires: number): void {
  const text = readFileSync(latest, 'latin1');
  const field = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(text)?.[1] ?? '';
  const fields = {
    version: text.slice(0, text.indexOf('\n')),
    board: field('board'),
    channel: field('channel'),
    file: field('file'),
    size: Number(field('size')),
    sha256: field('sha256'),
    expires,
  };
  writeFileSync(latest, signManifest(fields, [parseSigningKey(keyPem, 'key')]), 'latin1');
}

const now = () => Math.floor(Date.now() / 1000);

describe('static-ota verify as a monitor', () => {
  it('refuses an expired manifest, as devices with a clock do', async () => {
    const { key, mirror, latest, verifyArgs } = await publishedMirror();
    withExpires(latest, key.privatePem, now() - 60);
    const result = await cli(verifyArgs('--mirror', mirror));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/expired at .*\(expired\)/);
  });

  it('warns with --warn-before when expiry is near, and wants a unit on the duration', async () => {
    const { mirror, verifyArgs } = await publishedMirror(['--expires-in', '3d']);
    const near = await cli(verifyArgs('--mirror', mirror, '--warn-before', '7d'));
    expect(near.code).toBe(0);
    expect(near.stdout).toMatch(/warning: the manifest expires in 3 days? \(at \d{4}-/);
    const far = await cli(verifyArgs('--mirror', mirror, '--warn-before', '1d'));
    expect(far).toMatchObject({ code: 0, stderr: '' });
    expect(far.stdout).not.toContain('warning');
    const bare = await cli(verifyArgs('--mirror', mirror, '--warn-before', '7'));
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('--warn-before must be a duration with its unit');
    expect(bare.stderr).toContain('(a number needs its unit: s, m, h or d)');
  });

  it('says that it timed out, and after how long', async () => {
    const server = await listen(() => undefined);
    try {
      const { verifyArgs } = await publishedMirror();
      const timed = await cli(verifyArgs('--mirror', server.url, '--timeout', '1s'));
      expect(timed.code).toBe(1);
      expect(timed.stderr).not.toContain('ABORT_ERR');
      expect(timed.stderr).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/nodemcuv2\/latest\.txt: timed out after 1 s/);
    } finally {
      await server.close();
    }
  });

  it('takes the URL devices poll (…/nodemcuv2/latest.txt) as --mirror', async () => {
    const { mirror, latest, verifyArgs } = await publishedMirror();
    const server = await serveFolder(mirror);
    try {
      const result = await cli(verifyArgs('--mirror', `${server.url}/nodemcuv2/latest.txt`));
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toContain(`OK ${server.url}/nodemcuv2/latest.txt`);
      expect(result.stdout).toContain(`image ${server.url}/nodemcuv2/firmware-1.0.0.bin`);
      const fromDisk = await cli(verifyArgs('--mirror', latest));
      expect(fromDisk).toMatchObject({ code: 0, stderr: '' });
    } finally {
      await server.close();
    }
  });

  it('reports as JSON with --json, a refusal too', async () => {
    const { key, mirror, latest, verifyArgs } = await publishedMirror(['--expires-in', '3d']);
    const result = await cli(verifyArgs('--mirror', mirror, '--json', '--warn-before', '7d'));
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      ok: true,
      manifest: latest,
      version: '1.0.0',
      board: 'nodemcuv2',
      channel: 'stable',
      rollout: 100,
      seq: 0,
      signedBy: [key.keyId],
      requiredSignatures: 1,
      awaitingCosign: false,
      size: 3000,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      expires: expect.any(String),
      warnings: [expect.stringContaining('expires in 3 days')],
    });

    withExpires(latest, key.privatePem, now() - 60);
    const refused = await cli(verifyArgs('--mirror', mirror, '--json'));
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, code: 'expired', error: expect.any(String) });
  });
});
