// Maintenance of a live release through the CLI, end to end with the
// simulator: rollout changes keep every signed field and every signature
// devices require, a forced re-publish keeps the rollout and raises seq, the
// release page follows rollout and cosign, and verify reports rollout, seq and
// the signature count.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openManifest } from '../../src/protocol/manifest.js';
import { removeTemporaryFolders } from '../helpers.js';
import { BOARD, cli, startFleet, type Fleet } from './support.js';

const fleets: Fleet[] = [];
afterEach(async () => {
  for (const fleet of fleets.splice(0)) await fleet.server.close();
});
afterAll(removeTemporaryFolders);

async function fleetOf(keyCount = 1): Promise<Fleet> {
  const fleet = await startFleet(keyCount);
  fleets.push(fleet);
  return fleet;
}

const TWO = ['--required-signatures', '2'];
const latest = (fleet: Fleet): Buffer => readFileSync(join(fleet.mirrorFolder, BOARD, 'latest.txt'));
const publicKeys = (fleet: Fleet): Uint8Array[] => fleet.keys.map((key) => key.publicKey);
/** The second person's cosign, with the fleet's second key. */
const cosign = (fleet: Fleet, trusted: string[]): Promise<string> =>
  cli(['cosign', '--board', BOARD, '--key', fleet.keys[1].path, '--out', fleet.mirrorFolder, ...trusted, ...TWO]);
const pageRelease = (fleet: Fleet): { version: string; rollout?: string; keyIds: string[] } => {
  const index = JSON.parse(readFileSync(join(fleet.mirrorFolder, 'index.json'), 'utf8')) as {
    releases: Array<{ board: string; version: string; rollout?: string; keyIds: string[] }>;
  };
  return index.releases.find((release) => release.board === BOARD) as {
    version: string;
    rollout?: string;
    keyIds: string[];
  };
};

describe('static-ota rollout', () => {
  it('carries encoding=gzip, expires and every other signed field forward: an ESP32 still refuses the gzip image', async () => {
    const fleet = await fleetOf();
    await fleet.publish('1.0.0');
    await fleet.publish('1.1.0', ['--compress', 'gzip', '--expires-in', '30d', '--rollout', '50']);
    const before = openManifest(latest(fleet), publicKeys(fleet));
    expect(before).toMatchObject({ encoding: 'gzip', inflatedSize: expect.any(Number), rollout: 50, seq: 0 });
    expect(await fleet.rollout(100)).toContain('50% -> 100% (seq 1)');
    const after = openManifest(latest(fleet), publicKeys(fleet));
    const { rollout: _rollout, seq: _seq, signedLength: _length, verifiedBy: _by, ...unchanged } = before;
    expect(after).toMatchObject({ ...unchanged, encoding: 'gzip', rollout: 100, seq: 1 });
    const esp32 = await fleet.device({ version: '1.0.0', deviceId: 'esp32-a', extra: ['--chip', 'esp32'] });
    expect(esp32.fields).toMatchObject({ result: 'unsupported_encoding', offered: '1.1.0', image_bytes: '0' });
  });

  it('with one key on a manifest two keys signed, stages the change; cosign promotes it and devices requiring two take it', async () => {
    const fleet = await fleetOf(2);
    const trusted = fleet.keys.flatMap((key) => ['--trusted-key', key.publicHex]);
    await fleet.publish('1.0.0', ['--key', fleet.keys[1].path, ...trusted]);
    await fleet.publish('1.1.0', [...TWO, ...trusted]);
    expect(await cosign(fleet, trusted)).toContain('promoted to latest.txt');
    const cosigned = latest(fleet);
    expect(openManifest(cosigned, publicKeys(fleet), 2).version).toBe('1.1.0');

    // Without --trusted-key the other signature cannot be counted: refused, nothing written.
    expect(await fleet.rollout(0, [], 1)).toContain('give --trusted-key for every key devices trust');
    expect(latest(fleet).equals(cosigned)).toBe(true);
    // With the trusted keys, the current manifest's two signatures are the threshold: staged, latest.txt untouched.
    expect(await fleet.rollout(0, trusted)).toContain('staged');
    expect(latest(fleet).equals(cosigned)).toBe(true);
    expect((await fleet.device({ version: '1.0.0', deviceId: 'd1', extra: TWO })).result).toBe('updated');
    await cosign(fleet, trusted);
    expect(openManifest(latest(fleet), publicKeys(fleet), 2)).toMatchObject({ rollout: 0, seq: 1 });
    expect((await fleet.device({ version: '1.0.0', deviceId: 'd1', extra: TWO })).result).toBe('not_in_rollout');
  });

  it('regenerates the release page after rollout and after cosign promotes', async () => {
    const fleet = await fleetOf(2);
    const trusted = fleet.keys.flatMap((key) => ['--trusted-key', key.publicHex]);
    await fleet.publish('1.0.0', trusted);
    expect(pageRelease(fleet).rollout).toBeUndefined();
    // Devices of this fleet require one signature: rollout judges at k = the trusted keys' count unless told.
    await fleet.rollout(0, [...trusted, '--required-signatures', '1']);
    expect(pageRelease(fleet)).toMatchObject({ version: '1.0.0', rollout: '0' });
    await fleet.publish('1.1.0', [...TWO, ...trusted]);
    expect(pageRelease(fleet).version).toBe('1.0.0');
    await cosign(fleet, trusted);
    expect(pageRelease(fleet)).toMatchObject({ version: '1.1.0', keyIds: fleet.keys.map((key) => key.keyId) });
  });
});

describe('publish --force of the version the mirror offers', () => {
  it('keeps a halt and raises seq, so a device with a version store neither installs nor reports replayed', async () => {
    const fleet = await fleetOf();
    await fleet.publish('1.0.0');
    await fleet.publish('1.1.0', ['--rollout', '25']);
    await fleet.rollout(0);
    const state = join(fleet.folder, 'state.txt');
    expect((await fleet.device({ version: '1.0.0', deviceId: 'd1', state })).result).toBe('not_in_rollout');

    // The heartbeat of docs/security.md: the same version again, to renew expires=.
    await fleet.publish('1.1.0', ['--force', '--expires-in', '30d']);
    expect(openManifest(latest(fleet), publicKeys(fleet))).toMatchObject({
      version: '1.1.0',
      rollout: 0,
      seq: 2,
      expires: expect.any(Number),
    });
    expect((await fleet.device({ version: '1.0.0', deviceId: 'd1', state })).result).toBe('not_in_rollout');

    // --rollout given: it wins, seq still rises.
    await fleet.publish('1.1.0', ['--force', '--rollout', '100']);
    expect(openManifest(latest(fleet), publicKeys(fleet))).toMatchObject({ rollout: 100, seq: 3 });
    expect((await fleet.device({ version: '1.0.0', deviceId: 'd1', state })).result).toBe('updated');
  });
});

describe('static-ota verify', () => {
  it('prints rollout and seq, and counts signatures against --required-signatures', async () => {
    const fleet = await fleetOf(2);
    const trusted = fleet.keys.flatMap((key) => ['--trusted-key', key.publicHex]);
    const pubkeys = fleet.keys.flatMap((key) => ['--pubkey', key.publicHex]);
    const verify = (extra: string[], expectCode = 0): Promise<string> =>
      cli(['verify', '--mirror', fleet.mirrorFolder, '--board', BOARD, ...pubkeys, ...extra], expectCode);
    await fleet.publish('1.0.0', ['--rollout', '25', ...trusted]);
    expect(await verify([])).toContain('rollout 25 %, seq 0');
    await fleet.rollout(0, [...trusted, '--required-signatures', '1']);
    expect(await verify([])).toContain('rollout 0 % (halted), seq 1');
    expect(await verify(TWO, 1)).toContain('1 of 2 signatures');

    await fleet.publish('1.1.0', [...TWO, ...trusted]);
    const pending = await verify(['--pending', ...TWO]);
    expect(pending).toContain('awaiting cosign');
    expect(pending).toContain('1 of 2 signatures');
    await cosign(fleet, trusted);
    const live = await verify(TWO);
    expect(live).toContain('2 of 2 signatures');
    expect(live).not.toContain('awaiting cosign');
  });
});
