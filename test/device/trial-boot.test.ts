// Trial boot, rollback and the boot guard, end to end: the CLI publishes into
// a folder served on 127.0.0.1 and the simulator (--device) models two app
// slots with ESP-IDF's app-rollback bootloader, RTC memory and the library's
// boot guard. `--restart` stands for a reset (a crash, a watchdog, a
// restart after `updated`); each other run is one poll of the sketch's loop().
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import {
  publishCommand,
  removeTemporaryFolders,
  temporaryFolder,
  writeEspImage,
  writeKeyFile,
  type KeyFile,
} from '../helpers.js';
import { runDevice, serveMirror, type DeviceRun, type Mirror } from './simulator.js';

afterAll(removeTemporaryFolders);

const servers: Mirror[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

interface Fleet {
  folder: string;
  deviceFile: string;
  /** Publishes `version` as latest.txt and returns its image. */
  release(version: string): Promise<Buffer>;
  poll(extra?: string[]): Promise<DeviceRun>;
  restart(extra?: string[]): Promise<DeviceRun>;
  server: Mirror;
}

async function fleet(): Promise<Fleet> {
  const folder = temporaryFolder('static-ota-trial-');
  const key: KeyFile = writeKeyFile(folder);
  const mirrorFolder = join(folder, 'mirror');
  const server = await serveMirror(mirrorFolder);
  servers.push(server);
  const deviceFile = join(folder, 'device.txt');
  const common = () => [
    '--url',
    `${server.url}/nodemcuv2/latest.txt`,
    '--pubkey',
    key.publicHex,
    '--version',
    '1.0.0',
    '--board',
    'nodemcuv2',
    '--device',
    deviceFile,
    '--timeout-ms',
    '2000',
    '--safe-mode-after',
    '3',
  ];
  return {
    folder,
    deviceFile,
    server,
    async release(version) {
      const firmware = join(folder, `firmware-${version}.bin`);
      const image = writeEspImage(firmware, { publicKey: key.publicKey, marker: `release ${version}`, size: 20_000 });
      let output = '';
      const code = await runCli([...publishCommand(firmware, key.path, version), '--out', mirrorFolder], {
        stdout: (text) => (output += text),
        stderr: (text) => (output += text),
        env: {},
      });
      if (code !== 0) throw new Error(`publish ${version} failed: ${output}`);
      return image;
    },
    poll: (extra = []) => runDevice([...common(), ...extra]),
    restart: (extra = []) => runDevice([...common(), '--restart', ...extra]),
  };
}

/** A device that installed 2.0.0 and restarted into it: on trial. */
async function onTrial(restartArgs: string[] = []): Promise<Fleet> {
  const f = await fleet();
  await f.release('2.0.0');
  expect((await f.poll()).result).toBe('updated');
  expect((await f.restart(restartArgs)).fields).toMatchObject({ running: '2.0.0', boot_state: 'pending' });
  return f;
}

const updateSlot = (f: Fleet, slot: number) => readFileSync(`${f.deviceFile}.slot${slot}`);
const offline = (f: Fleet) => {
  f.server.fault = (_request, response) => {
    response.writeHead(503).end();
    return true;
  };
};

describe('trial boot with automatic rollback (two-slot simulator)', () => {
  it('boots a new image pending and confirms it with the first poll that verifies a signed manifest', async () => {
    const f = await fleet();
    const image = await f.release('2.0.0');
    expect(await f.poll()).toMatchObject({ result: 'updated', fields: { running: '1.0.0', boot_state: 'confirmed' } });
    expect(updateSlot(f, 1)).toEqual(image);

    const boot = await f.restart();
    expect(boot.fields).toMatchObject({ reason: 'reset', running: '2.0.0', boot_state: 'pending', safe_mode: '0' });
    // The mirror still offers 2.0.0, the running version: verified anyway, as the health check.
    const poll = await f.poll();
    expect(poll).toMatchObject({ result: 'no_update', fields: { offered: '2.0.0', boot_state: 'confirmed' } });
    // Confirmed for good: a reset now keeps 2.0.0.
    expect((await f.restart()).fields).toMatchObject({ running: '2.0.0', boot_state: 'confirmed' });
  });

  it('a pending image offered a newer release confirms itself first, then installs it', async () => {
    const f = await onTrial();
    // ESP-IDF writes no slot while the running image is pending: the poll's verified manifest confirms 2.0.0 first.
    const image = await f.release('2.1.0');
    expect(await f.poll()).toMatchObject({ result: 'updated', fields: { offered: '2.1.0', boot_state: 'confirmed' } });
    expect(updateSlot(f, 0)).toEqual(image);
    expect((await f.restart()).fields).toMatchObject({ running: '2.1.0', boot_state: 'pending' });
    // Should 2.1.0 fail its trial, the confirmed 2.0.0 runs again.
    expect((await f.restart()).fields).toMatchObject({ running: '2.0.0', boot_state: 'rolled_back' });
  });

  it('a poll that fails does not confirm: a reset then rolls back (a crash loop)', async () => {
    const f = await onTrial();
    offline(f);
    expect(await f.poll()).toMatchObject({ result: 'http_status', fields: { boot_state: 'pending' } });
    // The new image crashes (or is reset) before any good poll: the bootloader boots the previous one.
    const crash = await f.restart();
    expect(crash.fields).toMatchObject({ reason: 'reset', running: '1.0.0', boot_state: 'rolled_back' });
  });

  it('a manifest that fails verification does not confirm either', async () => {
    const f = await onTrial();
    f.server.fault = (request, response, body) => {
      if (!request.url?.endsWith('latest.txt') || !body) return false;
      const forged = Buffer.from(body.toString('latin1').replace('channel=stable', 'channel=stablf'), 'latin1');
      response.writeHead(200, { 'Content-Length': forged.length }).end(forged);
      return true;
    };
    expect(await f.poll()).toMatchObject({ result: 'bad_signature', fields: { boot_state: 'pending' } });
  });

  it('rolls back when no good poll comes within the trial time', async () => {
    const trial = ['--trial-timeout-ms', '300'];
    const f = await onTrial(trial);
    offline(f);
    expect(await f.poll(trial)).toMatchObject({ result: 'http_status', fields: { boot_state: 'pending' } });
    await new Promise((resolve) => setTimeout(resolve, 400));
    // The mirror is back, but the trial's time is up first: marked invalid, restarted into 1.0.0.
    f.server.fault = undefined;
    const expired = await f.poll(trial);
    expect(expired).toMatchObject({
      result: 'restarted',
      fields: { reason: 'trial_timeout', running: '1.0.0', boot_state: 'rolled_back' },
    });
  });

  it('does not take a rolled-back version again from the same manifest, and takes the next newer one', async () => {
    const f = await onTrial();
    expect((await f.restart()).fields).toMatchObject({ running: '1.0.0', boot_state: 'rolled_back' });
    const requestsBefore = f.server.requests.length;
    const again = await f.poll();
    expect(again).toMatchObject({ result: 'rolled_back', fields: { offered: '2.0.0', running: '1.0.0' } });
    expect(f.server.requests.slice(requestsBefore)).toEqual(['/nodemcuv2/latest.txt']); // no image download
    // Still remembered after another reset.
    expect((await f.restart()).fields).toMatchObject({ running: '1.0.0', boot_state: 'rolled_back' });
    expect((await f.poll()).result).toBe('rolled_back');

    const fixed = await f.release('2.0.1');
    expect(await f.poll()).toMatchObject({ result: 'updated', fields: { offered: '2.0.1' } });
    expect(updateSlot(f, 1)).toEqual(fixed);
    expect((await f.restart()).fields).toMatchObject({ running: '2.0.1', boot_state: 'pending' });
    expect((await f.poll()).fields).toMatchObject({ boot_state: 'confirmed' });
  });
});

describe('trial boot with the anti-rollback version store', () => {
  it('a rolled-back image boots and polls although the store holds the failed version, and takes the next one', async () => {
    const f = await fleet();
    const store = ['--state', join(f.folder, 'store.txt')];
    await f.release('2.0.0');
    expect((await f.poll(store)).result).toBe('updated');
    expect(readFileSync(join(f.folder, 'store.txt'), 'utf8')).toContain('highest=2.0.0');
    await f.restart();
    expect((await f.restart()).fields).toMatchObject({ running: '1.0.0', boot_state: 'rolled_back' });
    expect(await f.poll(store)).toMatchObject({
      result: 'rolled_back',
      fields: { running: '1.0.0', unconfirmed_boots: '0' },
    });
    // The fix is a newer release (the publisher refuses to go below 2.0.0 anyway).
    await f.release('2.0.1');
    expect(await f.poll(store)).toMatchObject({ result: 'updated', fields: { offered: '2.0.1' } });
  });
});

describe('boot guard and safe mode', () => {
  it('enters safe mode after N boots without a good poll, and leaves it with a good update', async () => {
    const f = await fleet();
    // 1.0.0 runs, but crashes before its first poll, three times (--safe-mode-after 3).
    for (let boot = 1; boot <= 3; boot += 1) {
      expect((await f.restart()).fields).toMatchObject({
        running: '1.0.0',
        safe_mode: '0',
        unconfirmed_boots: String(boot),
      });
    }
    const safe = await f.restart();
    expect(safe.fields).toMatchObject({ running: '1.0.0', safe_mode: '1', unconfirmed_boots: '4' });
    // In safe mode the sketch only polls: the next good release installs and the new image runs normally.
    const image = await f.release('1.1.0');
    expect(await f.poll()).toMatchObject({ result: 'updated', fields: { safe_mode: '1' } });
    expect(updateSlot(f, 1)).toEqual(image);
    const recovered = await f.restart();
    expect(recovered.fields).toMatchObject({
      running: '1.1.0',
      boot_state: 'pending',
      safe_mode: '0',
      unconfirmed_boots: '1',
    });
    expect((await f.poll()).fields).toMatchObject({ boot_state: 'confirmed', unconfirmed_boots: '0' });
  });

  it('a boot whose first poll verifies a manifest resets the count', async () => {
    const f = await fleet();
    await f.release('1.0.0');
    for (let boot = 1; boot <= 3; boot += 1) await f.restart();
    expect(await f.poll()).toMatchObject({ result: 'no_update', fields: { unconfirmed_boots: '0' } });
    expect((await f.restart()).fields).toMatchObject({ safe_mode: '0', unconfirmed_boots: '1' });
  });

  it('counts nothing across a power cycle (RTC memory is lost)', async () => {
    const f = await fleet();
    for (let boot = 1; boot <= 4; boot += 1) await f.restart();
    expect((await f.restart(['--power-cycle'])).fields).toMatchObject({
      reason: 'power_on',
      safe_mode: '0',
      unconfirmed_boots: '1',
    });
  });
});
