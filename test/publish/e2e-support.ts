// End to end: the action's bundled entry point publishes (as GitHub runs it,
// on Node 24 with INPUT_* variables and the `pio` stand-in), then the device
// simulator (firmware/host, `static-ota-device`) updates from the mirror.
// Everything runs asynchronously: the servers live in the test process.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { temporaryFolder, writeKeyFile, type KeyFile } from '../helpers.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const NODE_24 = join(ROOT, 'node_modules', '.bin', 'node');
const PIO_STANDIN = join(ROOT, 'test', 'fixtures', 'bin');

export interface Project {
  folder: string;
  key: KeyFile;
}

/** A PlatformIO project whose (stand-in) firmware embeds the signing key's public key. */
export function makeProject(): Project {
  const folder = temporaryFolder('static-ota-e2e-project-');
  const key = writeKeyFile(folder, 'signing.pem');
  writeFileSync(join(folder, 'platformio.ini'), '[env:nodemcuv2]\nplatform = espressif8266\n');
  writeFileSync(join(folder, 'ota-public-key.hex'), key.publicHex);
  return { folder, key };
}

export interface Finished {
  status: number | null;
  output: string;
}

/** Spawns a program and collects its output; killed after `timeoutMs`. */
function finish(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Finished> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, output }));
  });
}

/** Runs the bundled action on a tag with the given inputs, as the runner does. */
export function runAction(entry: string, project: Project, tag: string, inputs: Record<string, string>, env: Record<string, string> = {}): Promise<Finished> {
  const inputEnv = Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]));
  const outputs = join(project.folder, 'github-output');
  const summary = join(project.folder, 'step-summary');
  writeFileSync(outputs, '');
  writeFileSync(summary, '');
  return finish(NODE_24, [entry], {
    cwd: project.folder,
    timeoutMs: 120_000,
    env: {
      PATH: `${PIO_STANDIN}${delimiter}${process.env.PATH}`,
      HOME: project.folder,
      RUNNER_TEMP: temporaryFolder('static-ota-e2e-runner-temp-'),
      GITHUB_OUTPUT: outputs,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_REF: `refs/tags/${tag}`,
      GITHUB_REPOSITORY: 'octo/widget',
      'INPUT_PROJECT-DIR': project.folder,
      'INPUT_SIGNING-KEY': project.key.privatePem,
      ...inputEnv,
      ...env,
    },
  });
}

/** Runs the device simulator once: poll `url`, and update `flash` when a newer, valid release is offered. */
export function runDevice(
  device: string,
  options: { url: string; key: KeyFile; version: string; board: string; channel?: string; flash: string },
): Promise<Finished> {
  return finish(
    device,
    [
      ...['--url', options.url, '--pubkey', options.key.publicHex, '--version', options.version, '--board', options.board],
      ...['--channel', options.channel ?? 'stable', '--flash', options.flash, '--flash-size', String(1024 * 1024)],
    ],
    { cwd: ROOT, env: {}, timeoutMs: 60_000 },
  );
}
