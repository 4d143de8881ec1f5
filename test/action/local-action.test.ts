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

describe('the bundled action under @github/local-action', () => {
  it('loads action.yml, runs dist/main.js and publishes', () => {
    const checkout = temporaryFolder('static-ota-checkout-');
    for (const file of ['action.yml', 'package.json']) copyFileSync(join(ROOT, file), join(checkout, file));
    symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
    symlinkSync(dirname(bundledActionEntry()), join(checkout, 'dist'));

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

    const result = spawnSync(join(BIN, 'local-action'), ['run', checkout, 'dist/main.js', dotenv], {
      cwd: checkout, // local-action starts tsx with `npm exec`, from the checkout's node_modules
      encoding: 'utf8',
      timeout: 180_000,
      env: { ...process.env, PATH: `${BIN}${delimiter}${process.env.PATH}`, npm_config_offline: 'true' },
    });
    const output = result.stdout + result.stderr;
    expect(output).toContain('Running Action');
    expect(output).toMatch(/'release-assets'/); // local-action listed the inputs it parsed from action.yml
    expect(output).not.toMatch(/::error::/);
    expect(result.status).toBe(0);
    expect(readFileSync(env.GITHUB_OUTPUT, 'utf8')).toMatch(/^version<<ghadelimiter_[\w-]+\n1\.0\.0\n/m);
    expect(openManifest(readFileSync(join(mirror, 'nodemcuv2', 'latest.txt')), [key.publicKey]).version).toBe('1.0.0');
  }, 200_000);
});
