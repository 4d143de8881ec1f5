// k-of-n signatures and cosigning, end to end: a release signed by one of two
// required keys is staged, refused by devices that require two, and installs
// once `static-ota cosign` adds the second signature and promotes it.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openManifest } from '../../src/protocol/manifest.js';
import { removeTemporaryFolders, writeEspImage } from '../helpers.js';
import { BOARD, cli, startFleet, type Fleet } from './support.js';

const fleets: Fleet[] = [];
afterEach(async () => {
  for (const fleet of fleets.splice(0)) await fleet.server.close();
});
afterAll(removeTemporaryFolders);

const TWO = ['--required-signatures', '2'];

/** A fleet of two trusted keys whose devices require both; 1.0.0 is live, signed by both. */
async function twoPersonFleet(): Promise<Fleet & { trusted: string[]; live: string; pending: string }> {
  const fleet = await startFleet(2);
  fleets.push(fleet);
  const trusted = fleet.keys.flatMap((key) => ['--trusted-key', key.publicHex]);
  await fleet.publish('1.0.0', ['--key', fleet.keys[1].path, ...TWO, ...trusted]);
  const live = join(fleet.mirrorFolder, BOARD, 'latest.txt');
  return Object.assign(fleet, { trusted, live, pending: join(fleet.mirrorFolder, BOARD, 'pending.txt') });
}

const cosignWith = (f: Fleet & { trusted: string[] }, keyIndex: number, expectCode = 0): Promise<string> =>
  cli(
    ['cosign', '--board', BOARD, '--key', f.keys[keyIndex].path, '--out', f.mirrorFolder, ...f.trusted, ...TWO],
    expectCode,
  );

describe('k-of-n signatures and cosigning', () => {
  it('publishes with fewer keys than required as pending; devices refuse one signature and install the cosigned release', async () => {
    const f = await twoPersonFleet();
    const output = await f.publish('1.1.0', [...TWO, ...f.trusted]);
    expect(output).toContain('staged 1.1.0');
    expect(readFileSync(f.live, 'latin1')).toMatch(/^1\.0\.0\n/);
    expect(openManifest(readFileSync(f.pending), [f.keys[0].publicKey]).version).toBe('1.1.0');
    expect((await f.device({ version: '1.0.0', extra: TWO })).result).toBe('no_update');

    // A hostile mirror (or a leaked CI key) serves the one-signature manifest as latest.txt.
    const liveBefore = readFileSync(f.live);
    copyFileSync(f.pending, f.live);
    const refused = await f.device({ version: '1.0.0', extra: TWO });
    expect(refused).toMatchObject({ result: 'bad_signature', fields: { detail: 'too_few_signatures' } });
    // The same device requiring one signature would have taken it: the threshold is what refused it.
    expect((await f.device({ version: '1.0.0' })).result).toBe('updated');
    writeFileSync(f.live, liveBefore);

    // The second person checks the staged release as devices will fetch it, then cosigns.
    const pubkeys = f.keys.flatMap((key) => ['--pubkey', key.publicHex]);
    const verifyArgs = ['verify', '--mirror', f.server.url, '--board', BOARD, ...pubkeys, ...TWO];
    expect(await cli([...verifyArgs, '--pending'])).toContain('version 1.1.0');
    writeFileSync(f.live, readFileSync(f.pending));
    expect(await cli(verifyArgs, 1)).toContain('too_few_signatures');
    writeFileSync(f.live, liveBefore);
    expect(await cosignWith(f, 1)).toContain('now has 2 signatures, promoted to latest.txt');
    expect(await cli(verifyArgs)).toContain('version 1.1.0');
    expect(existsSync(f.pending)).toBe(false);
    const installed = await f.device({ version: '1.0.0', extra: TWO });
    expect(installed).toMatchObject({ result: 'updated', fields: { offered: '1.1.0' } });
  });

  it('counts one key signing twice once, and cosign refuses to add a key that already signed', async () => {
    const f = await twoPersonFleet();
    await f.publish('1.1.0', [...TWO, ...f.trusted]);
    expect(await cosignWith(f, 0, 1)).toContain('already signed by');
    const text = readFileSync(f.pending, 'latin1');
    const signature = text.slice(text.indexOf('sig='));
    writeFileSync(f.live, text + signature, 'latin1');
    const run = await f.device({ version: '1.0.0', extra: TWO });
    expect(run).toMatchObject({ result: 'bad_signature', fields: { detail: 'too_few_signatures' } });
  });

  it('cosign refuses a staged manifest with a signature that does not verify', async () => {
    const f = await twoPersonFleet();
    await f.publish('1.1.0', [...TWO, ...f.trusted]);
    writeFileSync(f.pending, readFileSync(f.pending, 'latin1').replace('size=8192', 'size=8193'), 'latin1');
    expect(await cosignWith(f, 1, 1)).toContain('every existing signature must be a valid one');
    expect(readFileSync(f.live, 'latin1')).toMatch(/^1\.0\.0\n/);
  });

  it('the lockout guard requires the image to embed two trusted keys', async () => {
    const f = await twoPersonFleet();
    const firmware = join(f.folder, 'one-key.bin');
    writeEspImage(firmware, { publicKey: f.keys[0].publicKey, marker: 'one key only', size: 8192 });
    const output = await cli(
      [
        'publish',
        '--firmware',
        firmware,
        '--version',
        '1.2.0',
        '--board',
        BOARD,
        '--key',
        f.keys[0].path,
        '--out',
        f.mirrorFolder,
        ...TWO,
        ...f.trusted,
      ],
      1,
    );
    expect(output).toContain('does not contain 2 distinct public keys');
    expect(existsSync(f.pending)).toBe(false);
  });

  it('a rollout change signed by one key is staged until cosigned', async () => {
    const f = await twoPersonFleet();
    await f.publish('1.1.0', [...TWO, ...f.trusted, '--rollout', '100']);
    await cosignWith(f, 1);
    const rolloutArgs = [
      'rollout',
      '--board',
      BOARD,
      '--percent',
      '0',
      '--key',
      f.keys[0].path,
      '--out',
      f.mirrorFolder,
      ...f.trusted,
      ...TWO,
    ];
    expect(await cli(rolloutArgs)).toContain('staged');
    // A second staged change would silently replace the first: refused.
    expect(await cli(rolloutArgs, 1)).toContain('already holds 1.1.0 awaiting cosignatures');
    expect((await f.device({ version: '1.0.0', deviceId: 'd1', extra: TWO })).result).toBe('updated');
    await cosignWith(f, 1);
    expect(
      openManifest(
        readFileSync(f.live),
        f.keys.map((key) => key.publicKey),
        2,
      ),
    ).toMatchObject({ rollout: 0, seq: 1 });
    expect((await f.device({ version: '1.0.0', deviceId: 'd1', extra: TWO })).result).toBe('not_in_rollout');
  });
});
