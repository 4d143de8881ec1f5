// The CLI reaches every mirror target the action supports: publish, rollout
// and cosign against a GitHub Pages branch (a bare git repository, as the
// action's remote is derived from GITHUB_SERVER_URL and GITHUB_REPOSITORY) and
// an S3 bucket (s3rver on 127.0.0.1, credentials from the environment).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openManifest } from '../../src/protocol/manifest.js';
import { runDevice } from '../device/simulator.js';
import {
  bundledCli,
  removeTemporaryFolders,
  temporaryFolder,
  writeEspImage,
  writeKeyFile,
  type KeyFile,
} from '../helpers.js';
import { branchFile, branchFiles, git } from '../mirror/fixtures.js';
import { BUCKET, S3RVER_CREDENTIALS, startLocalS3, type LocalS3 } from '../mirror/s3-server.js';
import { execFileSync } from 'node:child_process';
import { TARGET_SETTING_NAMES } from '../../src/settings/target.js';
import { readActionMetadata } from '../action/action-metadata.js';
import { BOARD, cli } from '../maintain/support.js';

afterAll(removeTemporaryFolders);

it("the bundled CLI's defaults are action.yml's, read from it when the bundle is built", () => {
  const { inputs } = readActionMetadata();
  const help = execFileSync(process.execPath, [bundledCli(), 'publish', '--help'], { encoding: 'utf8' }).replace(
    /\s+/g,
    ' ',
  );
  for (const name of ['max-image-size', 'compress', 's3-region', 'pages-branch', 'pages-history', 'target'])
    expect([name, help]).toEqual([name, expect.stringContaining(`default: ${JSON.stringify(inputs[name].default)}`)]);
  for (const name of TARGET_SETTING_NAMES) expect([name, inputs[name] !== undefined]).toEqual([name, true]);
});

interface Signers {
  folder: string;
  keys: KeyFile[];
  firmware(version: string): string;
  trusted: string[];
}

function signers(): Signers {
  const folder = temporaryFolder('static-ota-cli-targets-');
  const keys = [writeKeyFile(folder, 'ci.pem'), writeKeyFile(folder, 'maintainer.pem')];
  return {
    folder,
    keys,
    trusted: keys.flatMap((key) => ['--trusted-key', key.publicHex]),
    firmware(version) {
      const path = join(folder, `firmware-${version}.bin`);
      writeEspImage(path, {
        publicKey: Buffer.concat(keys.map((key) => Buffer.from(key.publicKey))),
        marker: version,
        size: 6000,
      });
      return path;
    },
  };
}

describe('CLI against the github-pages target', () => {
  it('publishes with a rollout, halts it with static-ota rollout, and cosigns a staged release', async () => {
    const s = signers();
    const root = temporaryFolder('static-ota-cli-git-');
    const bare = join(root, 'octo', 'widget.git');
    git(root, 'init', '--quiet', '--bare', bare);
    const env = { GITHUB_SERVER_URL: `file://${root}`, GITHUB_REPOSITORY: 'octo/widget' };
    const target = ['--target', 'github-pages', '--pages-branch', 'ota-site', '--pages-folder', 'ota'];
    const manifest = (path = 'ota/nodemcuv2/latest.txt') =>
      openManifest(
        branchFile(bare, 'ota-site', path),
        s.keys.map((key) => key.publicKey),
      );

    await cli(
      [
        'publish',
        '--firmware',
        s.firmware('1.0.0'),
        '--version',
        '1.0.0',
        '--board',
        BOARD,
        '--key',
        s.keys[0].path,
        '--rollout',
        '25',
        ...target,
      ],
      0,
      env,
    );
    expect(manifest()).toMatchObject({ version: '1.0.0', rollout: 25, seq: 0 });
    expect(
      await cli(['rollout', '--board', BOARD, '--percent', '0', '--key', s.keys[0].path, ...target], 0, env),
    ).toContain('25% -> 0% (seq 1), halted');
    expect(manifest()).toMatchObject({ version: '1.0.0', rollout: 0, seq: 1 });

    const staged = ['--required-signatures', '2', ...s.trusted];
    await cli(
      [
        'publish',
        '--firmware',
        s.firmware('1.1.0'),
        '--version',
        '1.1.0',
        '--board',
        BOARD,
        '--key',
        s.keys[0].path,
        ...staged,
        ...target,
      ],
      0,
      env,
    );
    expect(manifest('ota/nodemcuv2/pending.txt').version).toBe('1.1.0');
    expect(manifest().version).toBe('1.0.0');
    expect(await cli(['cosign', '--board', BOARD, '--key', s.keys[1].path, ...staged, ...target], 0, env)).toContain(
      'promoted',
    );
    expect(
      openManifest(
        branchFile(bare, 'ota-site', 'ota/nodemcuv2/latest.txt'),
        s.keys.map((key) => key.publicKey),
        2,
      ).version,
    ).toBe('1.1.0');
    expect(branchFiles(bare, 'ota-site')).not.toContain('ota/nodemcuv2/pending.txt');
  });

  it('explains a missing GITHUB_REPOSITORY, a usage error as a missing option is', async () => {
    const s = signers();
    const output = await cli(
      ['rollout', '--board', BOARD, '--percent', '0', '--key', s.keys[0].path, '--target', 'github-pages'],
      2,
      {},
    );
    expect(output).toContain('--target github-pages needs GITHUB_REPOSITORY');
  });
});

describe('CLI against the s3 target', () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3();
  });
  afterAll(() => s3.close());

  it('stages, cosigns and halts in the bucket; a device installs from the bucket and then sees the halt', async () => {
    const s = signers();
    const env = {
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    };
    const target = [
      '--target',
      's3',
      '--s3-bucket',
      BUCKET,
      '--s3-prefix',
      'fleet',
      '--s3-endpoint',
      s3.endpoint,
      '--s3-force-path-style',
    ];
    const staged = ['--required-signatures', '2', ...s.trusted];
    await cli(
      [
        'publish',
        '--firmware',
        s.firmware('2.0.0'),
        '--version',
        '2.0.0',
        '--board',
        BOARD,
        '--key',
        s.keys[0].path,
        '--rollout',
        '100',
        ...staged,
        ...target,
      ],
      0,
      env,
    );
    const latestUrl = `${s3.direct}/${BUCKET}/fleet/${BOARD}/latest.txt`;
    expect((await fetch(latestUrl)).status).toBe(404);
    expect((await fetch(`${s3.direct}/${BUCKET}/fleet/${BOARD}/pending.txt`)).status).toBe(200);
    await cli(['cosign', '--board', BOARD, '--key', s.keys[1].path, ...staged, ...target], 0, env);

    const flash = join(s.folder, 'flash.bin');
    writeFileSync(flash, 'factory');
    const device = (deviceId: string) =>
      runDevice([
        '--url',
        latestUrl,
        ...s.keys.flatMap((key) => ['--pubkey', key.publicHex]),
        '--required-signatures',
        '2',
        '--version',
        '1.0.0',
        '--board',
        BOARD,
        '--flash',
        flash,
        '--device-id',
        deviceId,
        '--timeout-ms',
        '2000',
      ]);
    expect((await device('first')).result).toBe('updated');

    // Halting takes both keys too: the first stages the re-signed manifest, the second promotes it.
    await cli(['rollout', '--board', BOARD, '--percent', '0', '--key', s.keys[0].path, ...staged, ...target], 0, env);
    await cli(['cosign', '--board', BOARD, '--key', s.keys[1].path, ...staged, ...target], 0, env);
    expect((await device('second')).result).toBe('not_in_rollout');
  });

  it('takes the credentials from the environment: wrong ones reach the bucket and are refused there', async () => {
    const s = signers();
    const target = ['--target', 's3', '--s3-bucket', BUCKET, '--s3-endpoint', s3.endpoint, '--s3-force-path-style'];
    const output = await cli(['rollout', '--board', BOARD, '--percent', '0', '--key', s.keys[0].path, ...target], 1, {
      AWS_ACCESS_KEY_ID: 'nobody',
      AWS_SECRET_ACCESS_KEY: 'wrong',
    });
    expect(output).toContain('InvalidAccessKeyId');
  });
});

describe('static-ota rollout and cosign on the command line', () => {
  it.each([['rollout'], ['cosign']])(
    '%s --help describes every option, the target settings among them',
    async (command) => {
      const help = await cli([command, '--help']);
      expect(help).toContain(`Usage: static-ota ${command} [options]`);
      const options = help.split('\n').filter((line) => /^ {2}(-\w, )?--/.test(line));
      for (const line of options) expect(line).toMatch(/^ {2}(-\w, )?--[\w-]+( <[\w-]+>)?\s{2,}\S/);
      for (const name of ['directory', 'target', 'pages-branch', 's3-bucket', 'board', 'key'])
        expect(help).toContain(`--${name}`);
    },
  );

  it('reports the missing required options in one message, with exit code 2', async () => {
    expect(await cli(['rollout'], 2)).toContain('required options --board, --percent, --directory are missing');
    expect(await cli(['cosign', '--target', 's3'], 2)).toContain('required options --board, --trusted-key are missing');
  });
});
