// PlatformIO builds with the release's version and board compiled in.
import type { ExecFileOptions } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Reporter } from '../common/reporter.js';

// node:child_process and node:util are taken with getBuiltinModule when a command runs, not imported: a publish of
// prebuilt images to a directory or S3 runs none, and an ESM import of node:util evaluates every export (worker
// threads, parseArgs, diff), about 1 MiB.
const childProcess = () => process.getBuiltinModule('node:child_process');

/** promisify(execFile): resolves with the output as text, rejects with an error that carries it. */
export function execFileAsync(
  file: string,
  args: readonly string[],
  options: ExecFileOptions,
): Promise<{ stdout: string; stderr: string }> {
  return process.getBuiltinModule('node:util').promisify(childProcess().execFile)(file, args, {
    ...options,
    encoding: 'utf8',
  });
}

/** Calls `emit` with each non-blank line of a stream's chunks, a line split across chunks joined first. */
function lineForwarder(emit: (line: string) => void): { write(chunk: Buffer): void; flush(): void } {
  let partial = '';
  const send = (line: string) => {
    if (line.trim()) emit(line.trimEnd());
  };
  return {
    write(chunk) {
      const lines = (partial + chunk.toString('utf8')).split(/\r\n|\r|\n/);
      partial = lines.pop() ?? '';
      lines.forEach(send);
    },
    flush() {
      send(partial);
      partial = '';
    },
  };
}

/** Names of every `[env:NAME]` section, in file order. */
export async function listEnvironments(projectDir: string): Promise<string[]> {
  const iniPath = join(projectDir, 'platformio.ini');
  const ini = await readFile(iniPath, 'utf8').catch(() => {
    throw new Error(`${iniPath} not found: set project-dir to the PlatformIO project, or list environments`);
  });
  const environments = [...ini.matchAll(/^\s*\[env:([^\]\s]+)\]\s*$/gm)].map((match) => match[1]);
  if (environments.length === 0) throw new Error(`${iniPath} has no [env:...] section`);
  return environments;
}

/** Secrets a third-party build or installer must never see: inputs, keys, cloud credentials, the runner's tokens. */
const SECRET_VARIABLE = /^(INPUT_|AWS_|ACTIONS_ID_TOKEN_REQUEST_|ACTIONS_RUNTIME_TOKEN$|STATIC_OTA_KEY$)/;

/** The runner's environment without secrets, for every program this module starts (pio, pip). */
export function environmentWithoutSecrets(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !SECRET_VARIABLE.test(name)));
}

/** The environment of `pio run`: no secrets, and the release's version and board as build flags. */
function buildEnvironmentVariables(version: string, board: string): NodeJS.ProcessEnv {
  const env = environmentWithoutSecrets();
  const flags = `-DSTATIC_OTA_VERSION=\\"${version}\\" -DSTATIC_OTA_BOARD=\\"${board}\\"`;
  env.PLATFORMIO_BUILD_FLAGS = [process.env.PLATFORMIO_BUILD_FLAGS, flags].filter(Boolean).join(' ');
  return env;
}

async function hasPio(): Promise<boolean> {
  return execFileAsync('pio', ['--version'], { env: environmentWithoutSecrets() }).then(
    () => true,
    () => false,
  );
}

/**
 * Finds `pio`, installing PlatformIO with pip (as PlatformIO's CI guide does) when it is missing: `version`
 * (platformio-version) pinned, so a new PlatformIO release does not change a build unannounced.
 */
export async function ensurePio(log: Reporter, version?: string): Promise<void> {
  if (await hasPio()) return;
  const requirement = version ? `platformio==${version}` : 'platformio';
  log.warning(
    `pio was not found on PATH: installing ${requirement} with pip (add a setup step with a cache to save this time)`,
  );
  try {
    await execFileAsync('python3', ['-m', 'pip', 'install', '--user', '--upgrade', requirement], {
      maxBuffer: 64 << 20,
      env: environmentWithoutSecrets(),
    });
  } catch (error) {
    throw new Error(`pio is missing and installing PlatformIO with pip failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  process.env.PATH = `${join(homedir(), '.local', 'bin')}${delimiter}${process.env.PATH ?? ''}`;
  if (!(await hasPio())) throw new Error('PlatformIO was installed with pip but pio is still not on PATH');
}

/** Runs `pio run -e ENV` and returns the path of the image it produced. */
export async function buildEnvironment(
  projectDir: string,
  board: string,
  version: string,
  log: Reporter,
): Promise<string> {
  const title = `pio run -e ${board} (version ${version})`;
  const build = () =>
    new Promise<number | null>((resolve, reject) => {
      const child = childProcess().spawn('pio', ['run', '-e', board], {
        cwd: projectDir,
        env: buildEnvironmentVariables(version, board),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const streams = [child.stdout, child.stderr].map((stream) => {
        const forwarder = lineForwarder(log.info);
        stream.on('data', forwarder.write);
        return forwarder;
      });
      child.on('error', reject);
      child.on('close', (code) => {
        streams.forEach((forwarder) => forwarder.flush());
        resolve(code);
      });
    });
  if (!log.group) log.info(title);
  const code = await (log.group ? log.group(title, build) : build());
  if (code !== 0) throw new Error(`pio run -e ${board} failed with exit code ${code}`);
  const image = join(projectDir, '.pio', 'build', board, 'firmware.bin');
  if (!(await stat(image).catch(() => undefined))?.isFile()) {
    throw new Error(`pio run -e ${board} succeeded but ${image} is missing`);
  }
  return image;
}
