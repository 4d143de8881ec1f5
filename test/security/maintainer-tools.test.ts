// The maintainer's tools against an attacker who holds the CI key (issue 18):
// `rollout` and `cosign` add a signature only to what devices already accept
// under the policy the maintainer states (trusted keys, k, board, channel,
// time), and a cosigner can pin exactly the release that was reviewed.
// Each threat is one describe block; a fleet of two trusted keys whose
// devices require both (CI = key 0, the maintainer M = key 1).
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../../src/protocol/crypto.js';
import { manifestPath, pendingManifestPath, type ManifestFields } from '../../src/protocol/manifest.js';
import { parseSigningKey, signManifest } from '../../src/release/sign.js';
import { BOARD, cli, startFleet, type Fleet } from '../maintain/support.js';
import { removeTemporaryFolders, writeEspImage } from '../helpers.js';

const fleets: Fleet[] = [];
afterEach(async () => {
  for (const fleet of fleets.splice(0)) await fleet.server.close();
});
afterAll(removeTemporaryFolders);

const TWO = ['--required-signatures', '2'];

interface TwoPersonFleet extends Fleet {
  trusted: string[];
  live: string;
  pending: string;
  /** Signs `fields` with the CI key alone, as an attacker holding it can. */
  signedByCi(fields: ManifestFields): string;
  /** Writes an attacker's image beside the board's manifests; returns its file name, size and sha256. */
  evilImage(name: string, folder?: string): { file: string; size: number; sha256: string };
  cosign(extra?: string[], expectCode?: number): Promise<string>;
}

/** 1.4.2 is live, signed by CI and M; devices trust both and require two. */
async function twoPersonFleet(): Promise<TwoPersonFleet> {
  const fleet = await startFleet(2);
  fleets.push(fleet);
  const trusted = fleet.keys.flatMap((key) => ['--trusted-key', key.publicHex]);
  await fleet.publish('1.4.2', ['--key', fleet.keys[1].path, ...TWO, ...trusted]);
  const ci = parseSigningKey(fleet.keys[0].privatePem, 'CI key');
  return Object.assign(fleet, {
    trusted,
    live: join(fleet.mirrorFolder, manifestPath(BOARD, 'stable')),
    pending: join(fleet.mirrorFolder, pendingManifestPath(BOARD, 'stable')),
    signedByCi: (fields: ManifestFields) => signManifest(fields, [ci]),
    evilImage(name: string, folder = BOARD) {
      mkdirSync(join(fleet.mirrorFolder, folder), { recursive: true });
      const image = writeEspImage(join(fleet.mirrorFolder, folder, name), {
        publicKey: Buffer.concat(fleet.keys.map((key) => Buffer.from(key.publicKey))),
        marker: 'attacker',
        size: 8192,
      });
      return { file: name, size: image.length, sha256: sha256Hex(image) };
    },
    cosign(extra: string[] = [], expectCode = 0) {
      const args = ['cosign', '--board', BOARD, '--key', fleet.keys[1].path, '--out', fleet.mirrorFolder];
      return cli([...args, ...trusted, ...TWO, ...extra], expectCode);
    },
  });
}

const deviceRequiringTwo = (f: Fleet) => f.device({ version: '1.0.0', extra: TWO });

describe('a leaked CI key: rollout must not re-sign what devices refuse', () => {
  it('refuses a CI-only 1.4.2 with another image on latest.txt, which k=2 devices refuse', async () => {
    const f = await twoPersonFleet();
    const evil = f.evilImage('evil-1.4.2.bin');
    writeFileSync(
      f.live,
      f.signedByCi({ version: '1.4.2', board: BOARD, channel: 'stable', ...evil, rollout: 10, seq: 1 }),
      'latin1',
    );
    const planted = readFileSync(f.live);
    expect(await deviceRequiringTwo(f)).toMatchObject({
      result: 'bad_signature',
      fields: { detail: 'too_few_signatures' },
    });

    // The command of the issue, as the maintainer types it: the threshold is the trusted keys' count.
    const rollout = ['rollout', '--board', BOARD, '--percent', '100', '--key', f.keys[1].path, ...f.trusted];
    const output = await cli([...rollout, '--out', f.mirrorFolder], 1);
    expect(output).toContain('too_few_signatures');
    expect(await cli([...rollout, ...TWO, '--out', f.mirrorFolder], 1)).toContain('too_few_signatures');
    expect(readFileSync(f.live)).toEqual(planted);
    expect(existsSync(f.pending)).toBe(false);
    expect((await deviceRequiringTwo(f)).result).toBe('bad_signature');
  });

  it('refuses a manifest for another board or channel on latest.txt', async () => {
    const f = await twoPersonFleet();
    const honest = readFileSync(f.live, 'latin1');
    const rollout = ['rollout', '--board', BOARD, '--percent', '50', '--key', f.keys[0].path, '--key'];
    const withKeys = [...rollout, f.keys[1].path, ...f.trusted, '--out', f.mirrorFolder];
    // Both keys signed an esp32dev release; it is moved into nodemcuv2's folder.
    await cli([
      'publish',
      '--firmware',
      f.image('2.0.0'),
      '--version',
      '2.0.0',
      '--board',
      'esp32dev',
      '--key',
      f.keys[0].path,
      '--key',
      f.keys[1].path,
      ...TWO,
      ...f.trusted,
      '--out',
      f.mirrorFolder,
    ]);
    copyFileSync(join(f.mirrorFolder, 'esp32dev', 'latest.txt'), f.live);
    expect(await cli(withKeys, 1)).toMatch(/board esp32dev, not nodemcuv2 \(wrong_board\)/);
    const both = f.keys.map((key) => parseSigningKey(key.privatePem, 'key'));
    const size = 8192;
    const sha256 = /^sha256=(.*)$/m.exec(honest)?.[1] ?? '';
    const beta = { version: '1.4.2', board: BOARD, channel: 'beta', file: 'firmware-1.4.2.bin', size, sha256 };
    writeFileSync(f.live, signManifest(beta, both), 'latin1');
    expect(await cli(withKeys, 1)).toMatch(/channel beta, not stable \(wrong_channel\)/);
    expect(readFileSync(f.live, 'latin1')).toContain('channel=beta');
  });

  it('refuses an expired manifest, and a version or sha256 other than the one expected', async () => {
    const f = await twoPersonFleet();
    const honest = readFileSync(f.live, 'latin1');
    const rollout = ['rollout', '--board', BOARD, '--percent', '50', '--key', f.keys[0].path, '--key'];
    const withKeys = [...rollout, f.keys[1].path, ...f.trusted, '--out', f.mirrorFolder];
    const sha256 = /^sha256=(.*)$/m.exec(honest)?.[1] ?? '';
    expect(await cli([...withKeys, '--expect-version', '1.4.1'], 1)).toContain('offers 1.4.2, not 1.4.1');
    expect(await cli([...withKeys, '--expect-sha256', 'a'.repeat(64)], 1)).toContain(`sha256 ${sha256}`);
    expect(readFileSync(f.live, 'latin1')).toBe(honest);
    const done = await cli([...withKeys, '--expect-version', '1.4.2', '--expect-sha256', sha256]);
    expect(done).toContain(`board ${BOARD}, channel stable, version 1.4.2, sha256 ${sha256}`);

    const fields = { version: '1.4.2', board: BOARD, channel: 'stable', file: 'firmware-1.4.2.bin' };
    const ci = parseSigningKey(f.keys[0].privatePem, 'CI');
    const m = parseSigningKey(f.keys[1].privatePem, 'M');
    const expired = { ...fields, size: 8192, sha256, expires: 1_000_000_000, seq: 5 };
    writeFileSync(f.live, signManifest(expired, [ci, m]), 'latin1');
    expect(await cli(withKeys, 1)).toMatch(/expired at 2001-09-09T01:46:40\.000Z.*\(expired\)/);
  });
});

describe('cross-board and cross-channel promotion by cosign', () => {
  it("refuses another board's CI-signed pending.txt placed in this board's folder", async () => {
    const f = await twoPersonFleet();
    const evil = f.evilImage('firmware-9.9.9.bin', 'esp32dev');
    mkdirSync(join(f.mirrorFolder, 'esp32dev'), { recursive: true });
    const foreign = f.signedByCi({ version: '9.9.9', board: 'esp32dev', channel: 'stable', ...evil });
    writeFileSync(f.pending, foreign, 'latin1');
    const before = readFileSync(f.live);
    expect(await f.cosign([], 1)).toMatch(/board esp32dev, not nodemcuv2 \(wrong_board\)/);
    expect(readFileSync(f.live)).toEqual(before);
    expect(readFileSync(f.pending, 'latin1')).toBe(foreign);
  });

  it("refuses another channel's pending.txt placed in the stable folder", async () => {
    const f = await twoPersonFleet();
    const evil = f.evilImage('firmware-9.9.9-beta.1.bin');
    const foreign = f.signedByCi({ version: '9.9.9-beta.1', board: BOARD, channel: 'beta', ...evil });
    writeFileSync(f.pending, foreign, 'latin1');
    const before = readFileSync(f.live);
    expect(await f.cosign([], 1)).toMatch(/channel beta, not stable \(wrong_channel\)/);
    expect(readFileSync(f.live)).toEqual(before);
  });

  it('refuses to cosign, with nothing staged, a CI-only latest.txt that devices refuse', async () => {
    const f = await twoPersonFleet();
    const evil = f.evilImage('firmware-9.9.9.bin');
    writeFileSync(f.live, f.signedByCi({ version: '9.9.9', board: BOARD, channel: 'stable', ...evil }), 'latin1');
    const planted = readFileSync(f.live);
    expect(await f.cosign([], 1)).toContain('too_few_signatures');
    expect(readFileSync(f.live)).toEqual(planted);
    expect(await deviceRequiringTwo(f)).toMatchObject({ fields: { detail: 'too_few_signatures' } });
  });

  it('refuses an expired pending.txt, which devices with a clock would refuse once promoted', async () => {
    const f = await twoPersonFleet();
    const evil = f.evilImage('firmware-1.5.0.bin');
    const stale = { version: '1.5.0', board: BOARD, channel: 'stable', ...evil, expires: 1_000_000_000 };
    writeFileSync(f.pending, f.signedByCi(stale), 'latin1');
    expect(await f.cosign([], 1)).toContain('(expired)');
    expect(readFileSync(f.live, 'latin1')).toMatch(/^1\.4\.2\n/);
  });
});

describe('pending.txt swapped between review and cosign', () => {
  it('cosign --expect-sha256 and --expect-version sign only the release that was reviewed', async () => {
    const f = await twoPersonFleet();
    await f.publish('1.5.0', [...TWO, ...f.trusted]);
    const pubkeys = f.keys.flatMap((key) => ['--pubkey', key.publicHex]);
    const review = await cli(['verify', '--pending', '--mirror', f.server.url, '--board', BOARD, ...pubkeys, ...TWO]);
    const reviewed = /sha256 ([0-9a-f]{64})/.exec(review)?.[1] ?? '';
    expect(reviewed).toMatch(/^[0-9a-f]{64}$/);

    // The CI key's holder swaps in another 1.5.0 after the review.
    const honest = readFileSync(f.pending, 'latin1');
    const evil = f.evilImage('evil-1.5.0.bin');
    writeFileSync(f.pending, f.signedByCi({ version: '1.5.0', board: BOARD, channel: 'stable', ...evil }), 'latin1');
    const pinned = ['--expect-version', '1.5.0', '--expect-sha256', reviewed];
    expect(await f.cosign(pinned, 1)).toContain(`sha256 ${evil.sha256}, not the expected ${reviewed}`);
    expect(readFileSync(f.live, 'latin1')).toMatch(/^1\.4\.2\n/);

    writeFileSync(f.pending, honest, 'latin1');
    expect(await f.cosign(['--expect-version', '1.5.1'], 1)).toContain('offers 1.5.0, not 1.5.1');
    const promoted = await f.cosign(pinned);
    expect(promoted).toContain(`board ${BOARD}, channel stable, version 1.5.0, sha256 ${reviewed}`);
    expect(promoted).toContain('promoted to latest.txt');
    expect(await deviceRequiringTwo(f)).toMatchObject({ result: 'updated', fields: { offered: '1.5.0' } });
  });

  it('refuses an --expect-sha256 that is not 64 hex characters, before reading the mirror', async () => {
    const f = await twoPersonFleet();
    expect(await f.cosign(['--expect-sha256', 'abc'], 2)).toContain('--expect-sha256 must be 64');
  });
});
