// judgeManifest, the one verdict the tools give a manifest (issue 18), against
// the device itself: the simulator with the same policy accepts exactly what
// it accepts and refuses for the same reason, at the boundaries (k, board,
// channel, expires= against the clock).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { judgeManifest, type DevicePolicy, type ManifestFields } from '../../src/protocol/manifest.js';
import { parseSigningKey, signManifest } from '../../src/release/sign.js';
import { BOARD, startFleet, type Fleet } from '../maintain/support.js';
import { removeTemporaryFolders } from '../helpers.js';

let fleet: Fleet;
beforeAll(async () => {
  fleet = await startFleet(2);
  mkdirSync(join(fleet.mirrorFolder, BOARD), { recursive: true });
});
afterAll(async () => {
  await fleet.server.close();
  removeTemporaryFolders();
});

const NOW = 1_900_000_000;
const base: ManifestFields = {
  version: '2.0.0',
  board: BOARD,
  channel: 'stable',
  file: 'firmware-2.0.0.bin',
  size: 8192,
  sha256: 'ab'.repeat(32),
};

/** The device's result for the policy's refusals, and update_available for an accepted manifest. */
const DEVICE_RESULT: Record<string, string> = {
  accepted: 'update_available',
  too_few_signatures: 'bad_signature',
  wrong_board: 'wrong_board',
  wrong_channel: 'wrong_channel',
  expired: 'expired',
};

describe('judgeManifest gives the device verdict', () => {
  it.each([
    ['two signatures at k=2', base, 2, 2, 'accepted'],
    ['one signature at k=2', base, 1, 2, 'too_few_signatures'],
    ['one signature at k=1', base, 1, 1, 'accepted'],
    ['another board', { ...base, board: 'esp32dev' }, 2, 2, 'wrong_board'],
    ['another channel', { ...base, channel: 'beta' }, 2, 2, 'wrong_channel'],
    ['expires= one second ago', { ...base, expires: NOW - 1 }, 2, 2, 'expired'],
    ['expires= now (still valid)', { ...base, expires: NOW }, 2, 2, 'accepted'],
  ])('%s', async (_name, fields, signers, k, verdict) => {
    const keys = fleet.keys.slice(0, signers).map((key) => parseSigningKey(key.privatePem, 'key'));
    const text = signManifest(fields, keys);
    const policy: DevicePolicy = {
      trustedKeys: fleet.keys.map((key) => key.publicKey),
      requiredSignatures: k,
      board: BOARD,
      channel: 'stable',
      now: NOW,
    };
    const judged = judgeManifest(Buffer.from(text, 'latin1'), policy);
    expect(judged.accepted ? 'accepted' : judged.code).toBe(verdict);

    writeFileSync(join(fleet.mirrorFolder, BOARD, 'latest.txt'), text, 'latin1');
    const run = await fleet.device({
      version: '1.0.0',
      extra: ['--check', '--required-signatures', String(k), '--now', String(NOW)],
    });
    expect(run.result).toBe(DEVICE_RESULT[verdict]);
  });

  it('ignoreSignatureCount judges a staged manifest on all but the count, and says how many are missing', () => {
    const ci = parseSigningKey(fleet.keys[0].privatePem, 'CI');
    const policy: DevicePolicy = {
      trustedKeys: fleet.keys.map((key) => key.publicKey),
      requiredSignatures: 2,
      board: BOARD,
      channel: 'stable',
    };
    const staged = Buffer.from(signManifest(base, [ci]), 'latin1');
    expect(judgeManifest(staged, policy, { ignoreSignatureCount: true })).toMatchObject({
      accepted: true,
      missingSignatures: 1,
    });
    const foreign = Buffer.from(signManifest({ ...base, board: 'esp32dev' }, [ci]), 'latin1');
    expect(judgeManifest(foreign, policy, { ignoreSignatureCount: true })).toMatchObject({ code: 'wrong_board' });
    // Without a clock (now undefined) a device cannot check expires=, and neither does the verdict.
    const old = Buffer.from(signManifest({ ...base, expires: 1 }, [ci]), 'latin1');
    expect(judgeManifest(old, policy, { ignoreSignatureCount: true }).accepted).toBe(true);
  });
});
