// Runs the bundled action the way GitHub's runner does: Node 24, INPUT_* and
// GITHUB_* variables, the `pio` stand-in on PATH, in a temporary PlatformIO
// project. Shared by every test that goes through the action's entry point.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { parseSigningKey } from '../../src/release/sign.js';
import { defaultInputEnvironment, inputVariable } from './action-metadata.js';
import { bundledActionEntry, temporaryFolder, writeKeyFile, type KeyFile } from '../helpers.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
export const NODE_24 = join(ROOT, 'node_modules', '.bin', 'node');
const PIO_STANDIN = join(ROOT, 'test', 'fixtures', 'bin');
const ACTION_TIMEOUT_MS = 120_000;

export interface Project {
  folder: string;
  key: KeyFile;
}

/**
 * A PlatformIO project with the given environments and a signing key. Unless
 * `embedKey` is false, its (stand-in) firmware compiles the public key in, as
 * real firmware does, so the lockout guard passes.
 */
export function makeProject(environments: string[] = ['nodemcuv2'], options: { embedKey?: boolean } = {}): Project {
  const folder = temporaryFolder('static-ota-project-');
  const key = writeKeyFile(folder, 'signing.pem');
  const sections = environments.map(
    (name) =>
      `[env:${name}]\nplatform = ${name.startsWith('esp32') ? 'espressif32' : 'espressif8266'}\nboard = ${name}\n`,
  );
  writeFileSync(
    join(folder, 'platformio.ini'),
    [`[platformio]\ndefault_envs = ${environments[0]}\n`, ...sections].join('\n'),
  );
  if (options.embedKey !== false) writeFileSync(join(folder, 'ota-public-key.hex'), key.publicHex);
  return { folder, key };
}

export interface PioCall {
  args: string[];
  flags: string;
  /** Names of the environment variables the build saw. */
  env: string[];
}

export interface ActionRun {
  status: number | null;
  /** stdout and stderr together. */
  output: string;
  /** What the action wrote to GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  summary: string;
  pioCalls: PioCall[];
}

/**
 * Runs the action in `project` with `inputs` (the step's `with:`, names as in action.yml) and extra
 * environment `env` (GITHUB_REF among them; it wins over the defaults).
 * Asynchronous, so servers living in the test process keep answering.
 */
export function runAction(
  project: Project,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<ActionRun> {
  const outputFile = join(project.folder, 'github-output');
  const summaryFile = join(project.folder, 'step-summary');
  const pioLog = join(project.folder, 'pio-calls.log');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  // Inputs as the runner passes them: every action.yml default, then the step's `with:`.
  const withInputs = { 'project-dir': project.folder, 'signing-key': project.key.privatePem, ...inputs };
  const inputEnv = {
    ...defaultInputEnvironment(),
    ...Object.fromEntries(Object.entries(withInputs).map(([name, value]) => [inputVariable(name), value])),
  };
  return new Promise((resolvePromise, reject) => {
    const child = spawn(NODE_24, [bundledActionEntry()], {
      cwd: project.folder,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: ACTION_TIMEOUT_MS,
      env: {
        PATH: `${PIO_STANDIN}${delimiter}${process.env.PATH}`,
        HOME: project.folder,
        RUNNER_TEMP: temporaryFolder('static-ota-runner-temp-'),
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_REPOSITORY: 'octo/widget',
        PIO_STANDIN_LOG: pioLog,
        // No credential lookups beyond what a test gives.
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: join(project.folder, 'no-aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(project.folder, 'no-aws-credentials'),
        ...inputEnv,
        ...env,
      },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const outputs = Object.fromEntries(
        [...readFileSync(outputFile, 'utf8').matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)].map(
          (match) => [match[1], match[3]],
        ),
      );
      const pioCalls = existsSync(pioLog)
        ? readFileSync(pioLog, 'utf8')
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as PioCall)
        : [];
      resolvePromise({ status, output, outputs, summary: readFileSync(summaryFile, 'utf8'), pioCalls });
    });
  });
}

/** Every printable form of a signing key: PEM body lines, and the seed as hex (both cases), base64 and base64url. */
export function signingKeyForms(key: KeyFile): string[] {
  const seed = Buffer.from(parseSigningKey(key.privatePem, 'key').seed);
  const pemLines = key.privatePem.split('\n').filter((line) => line && !line.startsWith('-----'));
  return [
    ...pemLines,
    seed.toString('hex'),
    seed.toString('hex').toUpperCase(),
    seed.toString('base64'),
    seed.toString('base64url'),
  ];
}

/** The log a user sees: the runner consumes ::add-mask:: commands instead of printing them. */
export const visibleLog = (output: string): string =>
  output
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
