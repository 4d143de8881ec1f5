// The device simulator for the battery (built once by test/global-setup.mjs),
// with a process timeout that reports a run the device's own timeouts did not end.
import { execFile } from 'node:child_process';
import type { DeviceRun } from '../device/simulator.js';
import { SIMULATOR } from '../helpers.js';

/** Ends a run that would otherwise hang the battery; far above every timeout the attacks configure. */
const PROCESS_TIMEOUT_MS = 15_000;
/** The outcome of a run that had to be ended by PROCESS_TIMEOUT_MS: the device's own timeouts did not stop it. */
export const KILLED = 'killed (still running after 15 s)';

export type Simulator = (args: string[]) => Promise<DeviceRun>;

export function prepareSimulator(): Simulator {
  return (args) =>
    new Promise((resolve, reject) => {
      execFile(SIMULATOR, args, { timeout: PROCESS_TIMEOUT_MS }, (error, stdout, stderr) => {
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
