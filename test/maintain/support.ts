// Shared by the fleet-control tests (issue 11): a mirror folder served on
// 127.0.0.1, the CLI run as a maintainer runs it, and the simulated device.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { temporaryFolder, writeEspImage, writeKeyFile, type KeyFile } from '../helpers.js';
import { runDevice, serveMirror, type DeviceRun, type Mirror } from '../device/simulator.js';

export const BOARD = 'nodemcuv2';

/** Runs the CLI; throws with its output when the exit code is not `expectCode`. */
export async function cli(args: string[], expectCode = 0, env: NodeJS.ProcessEnv = {}): Promise<string> {
  let output = '';
  const code = await runCli(args, { stdout: (text) => (output += text), stderr: (text) => (output += text), env });
  if (code !== expectCode)
    throw new Error(`static-ota ${args.join(' ')} exited ${code}, expected ${expectCode}:\n${output}`);
  return output;
}

export interface Fleet {
  folder: string;
  mirrorFolder: string;
  keys: KeyFile[];
  server: Mirror;
  /** An image for `version` that trusts every fleet key (the lockout guard needs them). */
  image(version: string): string;
  publish(version: string, extra?: string[]): Promise<string>;
  /** `static-ota rollout` of the board's stable manifest to `percent`, signed with the first key. */
  rollout(percent: number, extra?: string[], expectCode?: number): Promise<string>;
  /** One poll of a device with its own flash file; `url` defaults to the board's stable manifest. */
  device(options: {
    version: string;
    channel?: string;
    deviceId?: string;
    state?: string;
    extra?: string[];
    urls?: string[];
  }): Promise<DeviceRun>;
}

export async function startFleet(keyCount = 1): Promise<Fleet> {
  const folder = temporaryFolder('static-ota-fleet-');
  const mirrorFolder = join(folder, 'mirror');
  const keys = Array.from({ length: keyCount }, (_, index) => writeKeyFile(folder, `key-${index}.pem`));
  const server = await serveMirror(mirrorFolder);
  let flashes = 0;
  const fleet: Fleet = {
    folder,
    mirrorFolder,
    keys,
    server,
    image(version) {
      const path = join(folder, `firmware-${version}.bin`);
      const content = Buffer.concat(keys.map((key) => Buffer.from(key.publicKey)));
      writeEspImage(path, { publicKey: content, marker: `release ${version}`, size: 8192 });
      return path;
    },
    publish(version, extra = []) {
      return cli([
        'publish',
        '--firmware',
        fleet.image(version),
        '--version',
        version,
        '--board',
        BOARD,
        '--key',
        keys[0].path,
        '--out',
        mirrorFolder,
        ...extra,
      ]);
    },
    rollout(percent, extra = [], expectCode = 0) {
      const args = ['rollout', '--board', BOARD, '--percent', String(percent), '--key', keys[0].path];
      return cli([...args, '--out', mirrorFolder, ...extra], expectCode);
    },
    device({ version, channel = 'stable', deviceId, state, extra = [], urls }) {
      const flash = join(folder, `flash-${flashes++}.bin`);
      writeFileSync(flash, 'factory');
      const path = channel === 'stable' ? `${BOARD}/latest.txt` : `${BOARD}/${channel}/latest.txt`;
      const urlArgs = (urls ?? [`${server.url}/${path}`]).flatMap((url) => ['--url', url]);
      return runDevice([
        ...urlArgs,
        ...keys.flatMap((key) => ['--pubkey', key.publicHex]),
        '--version',
        version,
        '--board',
        BOARD,
        '--channel',
        channel,
        '--flash',
        flash,
        '--timeout-ms',
        '2000',
        ...(deviceId === undefined ? [] : ['--device-id', deviceId]),
        ...(state === undefined ? [] : ['--state', state]),
        ...extra,
      ]);
    },
  };
  return fleet;
}
