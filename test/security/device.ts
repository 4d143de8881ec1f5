// The device simulator for the battery: built the way test/device/simulator.ts
// builds it, then copied aside, so a rebuild of firmware/build by a parallel
// test or a concurrent edit cannot swap the program out in the middle of a run.
import { execFile } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSimulator, simulatorPath, type DeviceRun } from '../device/simulator.js';
import { temporaryFolder } from '../helpers.js';

/** Ends a run that would otherwise hang the battery; far above every timeout the attacks configure. */
const PROCESS_TIMEOUT_MS = 15_000;
/** The outcome of a run that had to be ended by PROCESS_TIMEOUT_MS: the device's own timeouts did not stop it. */
export const KILLED = 'killed (still running after 15 s)';

export type Simulator = (args: string[]) => Promise<DeviceRun>;

export function prepareSimulator(): Simulator {
  buildSimulator();
  const program = join(temporaryFolder('static-ota-security-simulator-'), 'static-ota-device');
  copyFileSync(simulatorPath, program);
  return (args) =>
    new Promise((resolve, reject) => {
      execFile(program, args, { timeout: PROCESS_TIMEOUT_MS }, (error, stdout, stderr) => {
        const line = stdout.trim();
        const fields = Object.fromEntries([...line.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((match) => [match[1], match[2]]));
        if (error?.killed) {
          resolve({ result: KILLED, fields: {}, line, exitCode: -1 });
          return;
        }
        if (!fields.result) {
          reject(new Error(`no result line from static-ota-device: ${stdout}${stderr}${error?.message ?? ''}`));
          return;
        }
        resolve({ result: fields.result, fields, line, exitCode: typeof error?.code === 'number' ? error.code : 0 });
      });
    });
}
