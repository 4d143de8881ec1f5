// Smoke test of loading: the bundled action run through GitHub's own
// @github/local-action, which reads action.yml with the `yaml` package (where
// the unquoted `Default:` descriptions once failed) and calls the logic
// entry's run(), from an action checkout as users get it (action.yml, dist/).
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { openManifest } from '../../src/protocol/manifest.js';
import { defaultInputEnvironment, inputVariable, ROOT } from './action-metadata.js';
import {
  bundledActionEntry,
  removeTemporaryFolders,
  temporaryFolder,
  writeEspImage,
  writeKeyFile,
} from '../helpers.js';

afterAll(removeTemporaryFolders);

const BIN = join(ROOT, 'node_modules', '.bin');

/** A dotenv line; values in double quotes, where dotenv turns \n back into new lines. */
const dotenvLine = (name: string, value: string): string =>
  `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/** A prebuilt image, a key, and a .env of the inputs that publish it into a directory mirror, as a user writes it. */
function release() {
  const work = temporaryFolder();
  const key = writeKeyFile(work);
  const firmware = join(work, 'firmware.bin');
  writeEspImage(firmware, { publicKey: key.publicKey });
  const mirror = join(work, 'mirror');
  const inputs = {
    version: '1.0.0',
    build: 'false',
    environments: 'nodemcuv2',
    firmware,
    directory: mirror,
    'signing-key': key.privatePem,
  };
  const env = {
    ...defaultInputEnvironment(),
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [inputVariable(name), value])),
    GITHUB_OUTPUT: join(work, 'github-output'),
    GITHUB_STEP_SUMMARY: join(work, 'step-summary'),
    GITHUB_REPOSITORY: 'octo/widget',
  };
  for (const file of [env.GITHUB_OUTPUT, env.GITHUB_STEP_SUMMARY]) writeFileSync(file, '');
  const dotenv = join(work, '.env');
  writeFileSync(
    dotenv,
    `${Object.entries(env)
      .map(([name, value]) => dotenvLine(name, value))
      .join('\n')}\n`,
  );
  return { key, mirror, dotenv, env };
}

/** `local-action run <checkout> <entry> <dotenv>` from the checkout: it starts tsx with `npm exec`, from its node_modules. */
function localAction(checkout: string, entry: string, dotenv: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(join(BIN, 'local-action'), ['run', checkout, entry, dotenv], {
    cwd: checkout,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, PATH: `${BIN}${delimiter}${process.env.PATH}`, npm_config_offline: 'true', ...env },
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('the bundled action under @github/local-action', () => {
  it('loads action.yml, runs dist/main.js and publishes', () => {
    const checkout = temporaryFolder('static-ota-checkout-');
    for (const file of ['action.yml', 'package.json']) copyFileSync(join(ROOT, file), join(checkout, file));
    symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
    symlinkSync(dirname(bundledActionEntry()), join(checkout, 'dist'));
    const { key, mirror, dotenv, env } = release();

    const { status, output } = localAction(checkout, 'dist/main.js', dotenv);
    expect(output).toContain('Running Action');
    expect(output).toMatch(/'release-assets'/); // local-action listed the inputs it parsed from action.yml
    expect(output).not.toMatch(/::error::/);
    expect(status).toBe(0);
    expect(readFileSync(env.GITHUB_OUTPUT, 'utf8')).toMatch(/^version<<ghadelimiter_[\w-]+\n1\.0\.0\n/m);
    expect(openManifest(readFileSync(join(mirror, 'nodemcuv2', 'latest.txt')), [key.publicKey]).version).toBe('1.0.0');
  }, 200_000);
});

describe('the sources under @github/local-action (docs/releasing.md, "Run the action locally")', () => {
  it("runs src/main.ts from this checkout through its own core stub, which fills in action.yml's defaults", () => {
    const { key, mirror, dotenv } = release();
    // Only the inputs the .env gives: the stub of @actions/core reads the rest from action.yml, as the runner would.
    const given = readFileSync(dotenv, 'utf8')
      .split('\n')
      .filter((line) => /^INPUT_(VERSION|BUILD|ENVIRONMENTS|FIRMWARE|DIRECTORY|SIGNING-KEY)=|^GITHUB_/.test(line));
    writeFileSync(dotenv, `${given.join('\n')}\n`);
    // local-action stubs @actions/core at the path `npm ls` gives; a symlinked node_modules (this worktree's) would
    // resolve elsewhere without --preserve-symlinks. An `npm ci` checkout needs none of it.
    const { status, output } = localAction(ROOT, 'src/main.ts', dotenv, { NODE_OPTIONS: '--preserve-symlinks' });
    expect(output).not.toMatch(/::error::/);
    expect(status).toBe(0);
    expect(output).toMatch(/^::set-output name=channels::\["stable"\]$/m); // the stub prints the outputs
    expect(openManifest(readFileSync(join(mirror, 'nodemcuv2', 'latest.txt')), [key.publicKey]).version).toBe('1.0.0');
  }, 200_000);
});
