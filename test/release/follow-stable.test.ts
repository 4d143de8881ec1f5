// Channels that follow stable, end to end: the CLI publishes a beta, then the
// stable release, into a folder served on 127.0.0.1; a beta device moves on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openManifest } from '../../src/protocol/manifest.js';
import { removeTemporaryFolders } from '../helpers.js';
import { BOARD, startFleet, type Fleet } from '../maintain/support.js';

const fleets: Fleet[] = [];
afterEach(async () => {
  for (const fleet of fleets.splice(0)) await fleet.server.close();
});
afterAll(removeTemporaryFolders);

async function fleet(): Promise<Fleet> {
  const started = await startFleet();
  fleets.push(started);
  return started;
}

describe('channels that follow stable', () => {
  it('offers a stable release to a beta device running a lower beta, signed for beta', async () => {
    const f = await fleet();
    await f.publish('1.3.0-beta.1');
    const before = await f.device({ version: '1.3.0-beta.1', channel: 'beta' });
    expect(before.result).toBe('no_update');

    await f.publish('1.3.0');
    const betaManifest = readFileSync(join(f.mirrorFolder, BOARD, 'beta', 'latest.txt'));
    expect(openManifest(betaManifest, [f.keys[0].publicKey])).toMatchObject({
      version: '1.3.0',
      channel: 'beta',
      file: 'firmware-1.3.0.bin',
    });
    // The image sits next to the beta manifest, byte for byte the stable one.
    expect(readFileSync(join(f.mirrorFolder, BOARD, 'beta', 'firmware-1.3.0.bin'))).toEqual(
      readFileSync(join(f.mirrorFolder, BOARD, 'firmware-1.3.0.bin')),
    );
    const beta = await f.device({ version: '1.3.0-beta.1', channel: 'beta' });
    expect(beta).toMatchObject({ result: 'updated', fields: { offered: '1.3.0' } });
    const stable = await f.device({ version: '1.2.0' });
    expect(stable).toMatchObject({ result: 'updated', fields: { offered: '1.3.0' } });
  });

  it('leaves a channel that already offers a higher version alone', async () => {
    const f = await fleet();
    await f.publish('1.4.0-beta.1');
    const betaBefore = readFileSync(join(f.mirrorFolder, BOARD, 'beta', 'latest.txt'));
    await f.publish('1.3.0');
    expect(readFileSync(join(f.mirrorFolder, BOARD, 'beta', 'latest.txt'))).toEqual(betaBefore);
    expect((await f.device({ version: '1.3.0', channel: 'beta' })).fields.offered).toBe('1.4.0-beta.1');
  });

  it('with --no-follow-stable, the beta device keeps getting no_update', async () => {
    const f = await fleet();
    await f.publish('1.3.0-beta.1');
    const output = await f.publish('1.3.0', ['--no-follow-stable']);
    expect(output).not.toContain('(beta)');
    expect(readFileSync(join(f.mirrorFolder, BOARD, 'beta', 'latest.txt'), 'latin1')).toMatch(/^1\.3\.0-beta\.1\n/);
    expect((await f.device({ version: '1.3.0-beta.1', channel: 'beta' })).result).toBe('no_update');
  });

  it('follows several channels, and a later beta above stable publishes as usual', async () => {
    const f = await fleet();
    await f.publish('1.3.0-beta.1');
    await f.publish('1.3.0-rc.1');
    const output = await f.publish('1.3.0');
    expect(output).toContain('(beta)');
    expect(output).toContain('(rc)');
    expect(readFileSync(join(f.mirrorFolder, BOARD, 'channels.txt'), 'latin1')).toBe('beta\nrc\n');
    await f.publish('1.4.0-beta.1');
    expect((await f.device({ version: '1.3.0', channel: 'beta' })).fields.offered).toBe('1.4.0-beta.1');
    expect((await f.device({ version: '1.3.0', channel: 'rc' })).result).toBe('no_update');
  });
});
