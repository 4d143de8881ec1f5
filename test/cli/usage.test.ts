// Exit codes as README and --help promise them: 2 for a usage error (a bad,
// missing or conflicting option, named as typed), 1 for a failure of the work
// itself. Every option value a command checks has a row here.
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { git } from '../mirror/fixtures.js';
import {
  listen,
  publishCommand,
  removeTemporaryFolders,
  temporaryFolder,
  writeEspImage,
  writeKeyFile,
} from '../helpers.js';

afterAll(removeTemporaryFolders);

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env });
  return { code, stdout, stderr };
}

/** A project whose every option is valid: each row changes one thing. */
function project() {
  const folder = temporaryFolder('static-ota-usage-');
  const key = writeKeyFile(folder);
  const firmware = join(folder, 'fw.bin');
  writeEspImage(firmware, { publicKey: key.publicKey });
  const garbageKey = join(folder, 'garbage.pem');
  writeFileSync(garbageKey, 'not a key\n');
  const log = join(folder, 'access.log');
  writeFileSync(log, '');
  return { folder, key, firmware, garbageKey, log, mirror: join(folder, 'mirror') };
}
type Project = ReturnType<typeof project>;

const GITHUB = { GITHUB_REPOSITORY: 'octo/widget', GITHUB_SERVER_URL: 'file:///nowhere' };

/** Arguments of a command with every option valid, the mirror a directory. */
const valid: Record<string, (p: Project) => string[]> = {
  publish: (p) => publishCommand(p.firmware, p.key.path, '1.0.0'),
  rollout: (p) => ['rollout', '--board', 'nodemcuv2', '--percent', '50', '--key', p.key.path],
  cosign: (p) => ['cosign', '--board', 'nodemcuv2', '--key', p.key.path, '--trusted-key', p.key.publicHex],
  verify: (p) => ['verify', '--mirror', p.mirror, '--board', 'nodemcuv2', '--trusted-key', p.key.publicHex],
  fleet: (p) => ['fleet', '--log', p.log],
};
const mirrorCommands = ['publish', 'rollout', 'cosign'];

/** [command, changed or added options, message] — the options replace the valid ones of the same name. */
type Row = [string, (p: Project) => string[], RegExp, NodeJS.ProcessEnv?];
const always =
  (...args: string[]) =>
  () =>
    args;

const badValues: Row[] = [
  ['publish', always('--version', 'one'), /--version "one" is not a semantic version/],
  ['publish', always('--board', '../x'), /--board "\.\.\/x" is invalid/],
  ['publish', always('--board', 'install'), /--board "install" is taken/],
  ['publish', always('--channel', 'Beta Channel'), /--channel "Beta Channel" is invalid/],
  [
    'publish',
    always('--version', '1.5.0-beta.1', '--channel', 'stable'),
    /pre-release 1\.5\.0-beta\.1 cannot be published to the stable channel \(--channel stable\)/,
  ],
  [
    'publish',
    always('--version', '1.2.0-20261207'),
    /pre-release 1\.2\.0-20261207 names no channel: .*; set --channel /,
  ],
  ['publish', always('--compress', 'zip'), /--compress must be one of auto, gzip, none, got "zip"/],
  ['publish', always('--keep-versions', '0'), /--keep-versions must be a whole number of at least 1, got "0"/],
  ['publish', always('--max-image-size', '1e6'), /--max-image-size must be a whole number/],
  ['publish', always('--rollout', '101'), /--rollout must be a whole percentage from 0 to 100, got "101"/],
  ['publish', always('--required-signatures', '0'), /--required-signatures must be a whole number from 1/],
  ['publish', always('--expires-in', 'soon'), /--expires-in must be a duration/],
  [
    'publish',
    always('--chip-family', 'esp32', '--compress', 'gzip'),
    /--compress gzip: ESP32's Update does not inflate gzip images/,
  ],
  ['publish', always('--chip-family', 'esp8266x'), /--chip-family "esp8266x" is not a chip family: one of ESP8266/],
  ['publish', always('--trusted-key', 'abc'), /--trusted-key: expected an Ed25519 public key/],
  ['publish', (p) => ['--key', p.garbageKey], /--key .*garbage\.pem: expected an Ed25519 private key/],
  ['publish', always('--target', 'ftp'), /option '--target <kind>' argument 'ftp' is invalid/],
  [
    'publish',
    always('--target', 'github-pages', '--pages-history', 'linear'),
    /--pages-history must be one of keep, squash, got "linear"/,
    GITHUB,
  ],
  [
    'publish',
    always('--target', 'github-pages', '--pages-folder', 'ota/../..'),
    /--pages-folder "ota\/\.\.\/\.\." must be a plain relative folder/,
    GITHUB,
  ],
  [
    'publish',
    always('--target', 'github-pages', '--pages-branch=-x'),
    /--pages-branch "-x" is not a branch name/,
    GITHUB,
  ],
  ['publish', always('--target', 'github-pages'), /--target github-pages needs GITHUB_REPOSITORY/],
  ['publish', always('--target', 's3'), /the s3 target needs --s3-bucket/],
  [
    'publish',
    always('--target', 's3', '--s3-bucket', 'b', '--s3-acl', 'public'),
    /--s3-acl "public" is not a canned ACL/,
  ],
  [
    'publish',
    always('--target', 's3', '--s3-bucket', 'b', '--s3-endpoint', 'not a url'),
    /--s3-endpoint "not a url" is not a URL/,
  ],
  [
    'publish',
    always('--target', 's3', '--s3-bucket', 'b', '--s3-endpoint', 'ftp://minio'),
    /--s3-endpoint ftp:\/\/minio\/? is not http or https/,
  ],
  // The S3 key pair comes from the environment only: secrets never go on the command line.
  [
    'publish',
    always('--target', 's3', '--s3-bucket', 'b', '--s3-access-key-id', 'AKIDEXAMPLE'),
    /unknown option '--s3-access-key-id'/,
  ],
  [
    'publish',
    always('--target', 's3', '--s3-bucket', 'b'),
    /the s3 target has no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY \(/,
  ],
  ['rollout', always('--percent', '150'), /--percent must be a whole percentage from 0 to 100, got "150"/],
  ['rollout', always('--board', '../x'), /--board "\.\.\/x" is invalid/],
  ['rollout', always('--channel', 'A B'), /--channel "A B" is invalid/],
  ['rollout', always('--required-signatures', '99'), /--required-signatures must be a whole number from 1/],
  ['rollout', always('--trusted-key', 'zz'), /--trusted-key: expected an Ed25519 public key/],
  ['rollout', (p) => ['--key', p.garbageKey], /--key .*garbage\.pem: expected an Ed25519 private key/],
  [
    'rollout',
    always('--target', 's3', '--s3-bucket', 'b', '--s3-acl', 'public'),
    /--s3-acl "public" is not a canned ACL/,
  ],
  ['cosign', always('--required-signatures', 'two'), /--required-signatures must be a whole number from 1/],
  ['cosign', always('--trusted-key', 'zz'), /--trusted-key: expected an Ed25519 public key/],
  ['cosign', always('--board', '.x'), /--board "\.x" is invalid/],
  [
    'cosign',
    always('--target', 'github-pages', '--pages-folder', '.git'),
    /--pages-folder "\.git" must be a plain relative folder/,
    GITHUB,
  ],
  [
    'verify',
    always('--mirror', 'ftp://ota.example.com'),
    /--mirror ftp:\/\/ota\.example\.com: ftp:\/\/ is not supported/,
  ],
  [
    'verify',
    (p) => ['--trusted-key', p.key.path],
    /--trusted-key: expected an Ed25519 public key as 64 hex characters or PEM/,
  ],
  // The earlier name is still read, and named as typed.
  ['verify', (p) => ['--pubkey', p.key.path], /--pubkey: expected an Ed25519 public key as 64 hex characters or PEM/],
  ['verify', always('--required-signatures', '0'), /--required-signatures must be a whole number from 1/],
  ['verify', always('--board', '../m/b'), /--board "\.\.\/m\/b" is invalid/],
  ['verify', always('--channel', 'Beta'), /--channel "Beta" is invalid/],
  ['publish', (p) => ['--key', p.key.path, '--key', p.key.path], /the same signing key is given twice/],
  ['rollout', (p) => ['--key', p.key.path, '--key', p.key.path], /the same signing key is given twice/],
  ['verify', always('--required-signatures', '2'), /--required-signatures 2 needs as many --trusted-key keys, got 1/],
  ['fleet', always('--since', 'forever'), /--since must be a duration with its unit, such as 45s, 30m, 12h or 30d/],
];

/** Flags that would be ignored in the company of others: refused instead. */
const conflicts: Row[] = [
  ['publish', (p) => ['--directory', p.mirror], /option '--out <dir>' cannot be used with option '--directory <dir>'/],
  [
    'publish',
    always('--s3-bucket', 'b'),
    /--s3-bucket is a setting of --target s3, and the target is directory \(the default\)/,
  ],
  [
    'publish',
    always('--target', 's3', '--s3-bucket', 'b', '--pages-branch', 'gh-pages'),
    /--pages-branch is a setting of --target github-pages, and the target is s3/,
  ],
  [
    'publish',
    always('--version', '1.5.0-beta.1', '--no-follow-stable'),
    /--no-follow-stable is for stable releases, and 1\.5\.0-beta\.1 goes to beta/,
  ],
  [
    'rollout',
    always('--pages-folder', 'ota'),
    /--pages-folder is a setting of --target github-pages, and the target is directory/,
  ],
  [
    'rollout',
    always('--target', 'github-pages', '--s3-prefix', 'fleet'),
    /--s3-prefix is a setting of --target s3, and the target is github-pages/,
    GITHUB,
  ],
  [
    'cosign',
    (p) => ['--target', 's3', '--s3-bucket', 'b', '--out', p.mirror],
    /--out is a setting of --target directory, and the target is s3/,
  ],
  ['cosign', always('--directory', 'elsewhere'), /option '--out <dir>' cannot be used with option '--directory <dir>'/],
];

const labelled = (what: string, rows: Row[]) =>
  rows.map(([command, changes, message, env]) => [what, command, changes, message, env] as const);

/** The valid arguments of `command` with `changes` applied: a changed option replaces the valid one. */
function argsFor(command: string, p: Project, changes: string[]): string[] {
  const base = valid[command](p);
  if (mirrorCommands.includes(command)) base.push('--out', p.mirror);
  const changed = new Set(changes.filter((arg) => arg.startsWith('--')).map((arg) => arg.split('=')[0]));
  const kept: string[] = [base[0]];
  for (let i = 1; i < base.length; i += 2) if (!changed.has(base[i])) kept.push(base[i], base[i + 1]);
  // Another target than the directory takes no --out (a row about --out gives it again).
  const target = changes.includes('--target') ? changes[changes.indexOf('--target') + 1] : 'directory';
  const withoutOut =
    target === 'directory' ? kept : kept.filter((arg, i) => arg !== '--out' && kept[i - 1] !== '--out');
  return [...withoutOut, ...changes];
}

describe('static-ota exit codes', () => {
  it.each([
    ...labelled('a bad value is a usage error naming the flag', badValues),
    ...labelled('options that would be ignored together are refused', conflicts),
  ])('%s: %s (%#)', async (_what, command, changes, message, env) => {
    const p = project();
    const args = argsFor(command, p, changes(p));
    const result = await cli(args, env);
    expect([args.join(' '), result.stderr]).toEqual([args.join(' '), expect.stringMatching(message)]);
    expect(result.code).toBe(2);
    expect(existsSync(p.mirror)).toBe(false);
  });

  it('keeps exit code 1 for a failure of the work: unreadable firmware or key file, an unreachable mirror', async () => {
    const p = project();
    const missingImage = await cli(argsFor('publish', p, ['--firmware', join(p.folder, 'missing.bin')]));
    expect(missingImage.stderr).toMatch(/firmware image .*missing\.bin does not exist/);
    expect(missingImage.code).toBe(1);
    const missingKey = await cli(argsFor('publish', p, ['--key', join(p.folder, 'missing.pem')]));
    expect(missingKey.stderr).toMatch(/cannot read key file .*missing\.pem: ENOENT/);
    expect(missingKey.code).toBe(1);
    const nothingThere = await cli(argsFor('rollout', p, []));
    expect(nothingThere.stderr).toMatch(/nodemcuv2\/latest\.txt does not exist in .*publish a release first/);
    expect(nothingThere.code).toBe(1);

    const server = await listen((_request, response) => response.end());
    const closedUrl = server.url;
    await server.close();
    const unreachable = await cli(argsFor('verify', p, ['--mirror', closedUrl]));
    expect(unreachable.stderr).toMatch(/ECONNREFUSED/);
    expect(unreachable.code).toBe(1);
  });

  it('keeps exit code 1 when the Pages remote refuses the push', async () => {
    const p = project();
    const root = temporaryFolder('static-ota-usage-git-');
    const bare = join(root, 'octo', 'widget.git');
    git(root, 'init', '--quiet', '--bare', bare);
    const hook = join(bare, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "protected branch" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const env = { GITHUB_REPOSITORY: 'octo/widget', GITHUB_SERVER_URL: `file://${resolve(root)}` };
    const refused = await cli(argsFor('publish', p, ['--target', 'github-pages']), env);
    expect(refused.stderr).toMatch(/git push to branch gh-pages of .* failed/);
    expect(refused.code).toBe(1);
  });
});
