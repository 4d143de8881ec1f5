// Staged rollout and halt, end to end: the CLI publishes at 25 %, 1,000
// simulated devices (static-ota-device, one process each) poll the mirror on
// 127.0.0.1, then `static-ota rollout` halts and widens the release.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openManifest } from '../../src/protocol/manifest.js';
import type { DeviceRun } from '../device/simulator.js';
import { removeTemporaryFolders } from '../helpers.js';
import { BOARD, startFleet, type Fleet } from './support.js';

const DEVICES = 1000;
const PARALLEL = 8;
const deviceIds = Array.from({ length: DEVICES }, (_, index) => `device-${index}`);

let fleet: Fleet;
beforeAll(async () => {
  fleet = await startFleet();
});
afterAll(async () => {
  await fleet.server.close();
  removeTemporaryFolders();
});

/** Runs `poll` for every id, PARALLEL processes at a time; results in id order. */
async function pollAll(ids: string[], poll: (id: string) => Promise<DeviceRun>): Promise<string[]> {
  const results: string[] = new Array(ids.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const index = next++;
      results[index] = (await poll(ids[index])).result;
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return results;
}

const count = (results: string[], result: string): number => results.filter((each) => each === result).length;
const latest = (): string => join(fleet.mirrorFolder, BOARD, 'latest.txt');

describe('staged rollout to 1,000 simulated devices', () => {
  let firstRun: string[];
  let originalManifest: Buffer;
  const installed = new Set<string>();

  it('at --rollout 25, between 22 % and 28 % install; the others report not_in_rollout', async () => {
    await fleet.publish('1.0.0');
    await fleet.publish('1.1.0', ['--rollout', '25']);
    originalManifest = readFileSync(latest());
    expect(openManifest(originalManifest, [fleet.keys[0].publicKey])).toMatchObject({
      version: '1.1.0',
      rollout: 25,
      seq: 0,
    });
    firstRun = await pollAll(deviceIds, (deviceId) => fleet.device({ version: '1.0.0', deviceId }));
    deviceIds.forEach((id, index) => firstRun[index] === 'updated' && installed.add(id));
    expect(count(firstRun, 'updated') + count(firstRun, 'not_in_rollout')).toBe(DEVICES);
    const rate = count(firstRun, 'updated') / DEVICES;
    expect(rate).toBeGreaterThanOrEqual(0.22);
    expect(rate).toBeLessThanOrEqual(0.28);
  }, 300_000);

  it('the same ids decide the same way on a second run', async () => {
    const second = await pollAll(deviceIds, (deviceId) =>
      fleet.device({ version: '1.0.0', deviceId, extra: ['--check'] }),
    );
    expect(second.map((result) => (result === 'update_available' ? 'updated' : result))).toEqual(firstRun);
  }, 300_000);

  it('--percent 0 halts: no device that has not installed starts, installed ones keep theirs', async () => {
    expect(await fleet.rollout(0)).toContain('25% -> 0% (seq 1), halted');
    const waiting = deviceIds.filter((id) => !installed.has(id));
    const halted = await pollAll(waiting, (deviceId) => fleet.device({ version: '1.0.0', deviceId }));
    expect(count(halted, 'not_in_rollout')).toBe(waiting.length);
    const kept = await pollAll([...installed].slice(0, 20), (deviceId) => fleet.device({ version: '1.1.0', deviceId }));
    expect(count(kept, 'no_update')).toBe(kept.length);
  }, 300_000);

  it('a device that saw the halt refuses the replayed 25 % manifest; widening to 100 installs the rest', async () => {
    // A device in the first 25 % that had not polled yet polls during the halt, with its version store.
    const watcher = [...installed][0];
    const state = join(fleet.folder, 'watcher-state.txt');
    expect((await fleet.device({ version: '1.0.0', deviceId: watcher, state })).result).toBe('not_in_rollout');

    // A hostile mirror serves the earlier, wider signing again.
    const halt = readFileSync(latest());
    writeFileSync(latest(), originalManifest);
    expect((await fleet.device({ version: '1.0.0', deviceId: watcher, state })).result).toBe('replayed');
    // Without a version store there is no memory to defend with (docs/security.md).
    expect((await fleet.device({ version: '1.0.0', deviceId: watcher })).result).toBe('updated');
    writeFileSync(latest(), halt);

    expect(await fleet.rollout(100)).toContain('0% -> 100% (seq 2)');
    const waiting = deviceIds.filter((id) => !installed.has(id));
    const widened = await pollAll(waiting, (deviceId) => fleet.device({ version: '1.0.0', deviceId }));
    expect(count(widened, 'updated')).toBe(waiting.length);
    expect((await fleet.device({ version: '1.0.0', deviceId: watcher, state })).result).toBe('updated');
  }, 300_000);
});
