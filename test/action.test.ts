// The action end to end through its bundled entry point, on Node 24 as GitHub runs it,
// with GitHub's environment variables and the `pio` stand-in on PATH.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { openManifest } from '../src/manifest.js';
import { parseSigningKey } from '../src/sign.js';
import { bundledActionEntry, removeTemporaryFolders, temporaryFolder, writeEspImage, writeKeyFile, type KeyFile } from './helpers.js';

const ROOT = resolve(import.meta.dirname, '..');
const NODE_24 = join(ROOT, 'node_modules', '.bin', 'node');
const PIO_STANDIN = join(ROOT, 'test', 'fixtures', 'bin');
afterAll(removeTemporaryFolders);

interface Project {
  folder: string;
  mirror: string;
  key: KeyFile;
}

function makeProject(options: { embedKey?: boolean } = {}): Project {
  const folder = temporaryFolder();
  const key = writeKeyFile(folder, 'signing.pem');
  writeFileSync(join(folder, 'platformio.ini'), '[platformio]\ndefault_envs = nodemcuv2\n\n[env:nodemcuv2]\nplatform = espressif8266\n\n[env:esp32dev]\nplatform = espressif32\n');
  if (options.embedKey !== false) writeFileSync(join(folder, 'ota-public-key.hex'), key.publicHex);
  return { folder, mirror: join(folder, 'public'), key };
}

function runAction(project: Project, inputs: Record<string, string>, env: Record<string, string> = {}) {
  const outputFile = join(project.folder, 'github-output');
  const summaryFile = join(project.folder, 'step-summary');
  const pioLog = join(project.folder, 'pio-calls.log');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const inputEnv = Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]));
  const result = spawnSync(NODE_24, [bundledActionEntry()], {
    cwd: project.folder,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: `${PIO_STANDIN}${delimiter}${process.env.PATH}`,
      HOME: project.folder,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_REPOSITORY: 'octo/widget',
      PIO_STANDIN_LOG: pioLog,
      'INPUT_PROJECT-DIR': project.folder,
      INPUT_DIRECTORY: project.mirror,
      'INPUT_SIGNING-KEY': readFileSync(project.key.path, 'utf8'),
      ...inputEnv,
      ...env,
    },
  });
  const outputs = Object.fromEntries(
    [...readFileSync(outputFile, 'utf8').matchAll(/^(\w+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)].map((m) => [m[1], m[3]]),
  );
  const pioCalls = existsSync(pioLog)
    ? readFileSync(pioLog, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { args: string[]; flags: string; env: string[] })
    : [];
  return { status: result.status, output: result.stdout + result.stderr, outputs, summary: readFileSync(summaryFile, 'utf8'), pioCalls };
}

/** Every printable form of the signing key: PEM body lines, seed as hex and base64. */
function secretForms(key: KeyFile): string[] {
  const seed = Buffer.from(parseSigningKey(key.privatePem, 'key').seed);
  const pemLines = key.privatePem.split('\n').filter((line) => line && !line.startsWith('-----'));
  return [...pemLines, seed.toString('hex'), seed.toString('base64')];
}

/** The log a user sees: the runner consumes ::add-mask:: commands instead of printing them. */
const visibleLog = (output: string): string => output.split('\n').filter((line) => !line.startsWith('::add-mask::')).join('\n');

describe('the action on a tag', () => {
  it('builds every environment with the version injected, signs and publishes, sets outputs and a summary', () => {
    const project = makeProject();
    const run = runAction(project, {}, { GITHUB_REF: 'refs/tags/v1.4.2' });
    expect(run.output).not.toMatch(/::error::/);
    expect(run.status).toBe(0);
    expect(run.pioCalls.map((call) => call.args)).toEqual([['run', '-e', 'nodemcuv2'], ['run', '-e', 'esp32dev']]);
    expect(run.pioCalls[0].flags).toBe('-DSTATIC_OTA_VERSION=\\"1.4.2\\" -DSTATIC_OTA_BOARD=\\"nodemcuv2\\"');
    expect(run.pioCalls[1].flags).toBe('-DSTATIC_OTA_VERSION=\\"1.4.2\\" -DSTATIC_OTA_BOARD=\\"esp32dev\\"');
    expect(run.pioCalls.flatMap((call) => call.env).filter((name) => name.startsWith('INPUT_'))).toEqual([]);
    for (const board of ['nodemcuv2', 'esp32dev']) {
      const manifest = openManifest(readFileSync(join(project.mirror, board, 'latest.txt')), [project.key.publicKey]);
      expect(manifest).toMatchObject({ version: '1.4.2', board, channel: 'stable', file: 'firmware-1.4.2.bin' });
    }
    expect(run.outputs.version).toBe('1.4.2');
    expect(run.outputs.channel).toBe('stable');
    const manifests = JSON.parse(run.outputs.manifests);
    expect(manifests).toHaveLength(2);
    expect(manifests[0]).toMatchObject({ board: 'nodemcuv2', manifest: 'nodemcuv2/latest.txt', image: 'nodemcuv2/firmware-1.4.2.bin', size: 4096 });
    expect(manifests[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(run.summary).toContain('<table>');
    expect(run.summary).toContain(`<td>nodemcuv2</td><td>1.4.2</td><td>4096</td><td>${manifests[0].sha256}</td><td>nodemcuv2/latest.txt</td>`);
    for (const secret of secretForms(project.key)) expect(visibleLog(run.output)).not.toContain(secret);
  });

  it('publishes a pre-release tag to its channel and only the listed environments', () => {
    const project = makeProject();
    const run = runAction(project, { environments: 'esp32dev' }, { GITHUB_REF: 'refs/tags/v1.5.0-beta.2' });
    expect(run.status).toBe(0);
    expect(run.outputs.channel).toBe('beta');
    expect(existsSync(join(project.mirror, 'esp32dev/beta/latest.txt'))).toBe(true);
    expect(existsSync(join(project.mirror, 'esp32dev/latest.txt'))).toBe(false);
    expect(existsSync(join(project.mirror, 'nodemcuv2'))).toBe(false);
  });

  it('publishes prebuilt images with build: false', () => {
    const project = makeProject();
    const firmware = join(project.folder, 'prebuilt.bin');
    writeEspImage(firmware, { publicKey: project.key.publicKey, size: 5000 });
    const run = runAction(project, { build: 'false', firmware, environments: 'd1_mini', version: '3.1.0' }, { GITHUB_REF: 'refs/heads/main' });
    expect(run.status).toBe(0);
    expect(run.pioCalls).toEqual([]);
    expect(openManifest(readFileSync(join(project.mirror, 'd1_mini/latest.txt')), [project.key.publicKey]).size).toBe(5000);
  });
});

describe('the action outside a tag', () => {
  it('only builds: nothing is signed or published', () => {
    const project = makeProject();
    const run = runAction(project, {}, { GITHUB_REF: 'refs/heads/main' });
    expect(run.status).toBe(0);
    expect(run.pioCalls).toHaveLength(2);
    expect(run.pioCalls[0].flags).toContain('-DSTATIC_OTA_VERSION=\\"0.0.0-ci\\"');
    expect(existsSync(project.mirror)).toBe(false);
    expect(run.outputs.version).toBe('');
    expect(run.summary).toContain('build only');
  });
});

describe('the action failing', () => {
  it.each([
    ['a failed build', {}, { PIO_STANDIN_FAIL: 'esp32dev' }, /::error::pio run -e esp32dev failed with exit code 1/],
    ['a garbage tag', {}, { GITHUB_REF: 'refs/tags/release-candidate' }, /::error::"release-candidate" is not a semantic version/],
    ['a missing signing key', { 'signing-key': '' }, {}, /::error::signing-key is required to publish a release/],
    ['an unreadable signing key', { 'signing-key': 'not a key at all' }, {}, /::error::signing-key: expected an Ed25519 private key/],
    ['a bad target', { target: 'ftp' }, {}, /::error::target must be one of directory, github-pages, s3, got "ftp"/],
  ])('fails with an annotation on %s, publishing nothing and printing no secret', (_name, inputs, env, message) => {
    const project = makeProject();
    const run = runAction(project, inputs, { GITHUB_REF: 'refs/tags/v1.0.0', ...env });
    expect(run.status).toBe(1);
    expect(run.output).toMatch(message);
    expect(existsSync(join(project.mirror, 'nodemcuv2', 'latest.txt'))).toBe(false);
    for (const secret of secretForms(project.key)) expect(visibleLog(run.output)).not.toContain(secret);
  });

  it('installs PlatformIO with pip when pio is missing, says so, and fails clearly when that fails', () => {
    const project = makeProject();
    // No pio on PATH, and a package index that refuses connections, so the test is hermetic.
    const run = runAction(project, {}, {
      GITHUB_REF: 'refs/tags/v1.0.0',
      PATH: process.env.PATH ?? '',
      PIP_INDEX_URL: 'http://127.0.0.1:1/simple',
      PIP_RETRIES: '0',
    });
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/::warning::pio was not found on PATH: installing PlatformIO with pip/);
    expect(run.output).toMatch(/::error::pio is missing and installing PlatformIO with pip failed/);
    expect(existsSync(project.mirror)).toBe(false);
  });

  it('refuses an image that does not contain a key able to sign the next release', () => {
    const project = makeProject({ embedKey: false });
    const run = runAction(project, {}, { GITHUB_REF: 'refs/tags/v1.0.0' });
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/::error::lockout guard: .*nodemcuv2 1\.0\.0\) does not contain any public key able to sign the next release/);
    expect(existsSync(project.mirror)).toBe(false);
    const allowed = runAction(project, { 'allow-lockout': 'true' }, { GITHUB_REF: 'refs/tags/v1.0.0' });
    expect(allowed.status).toBe(0);
  });

  it('refuses to go backwards on a later run', () => {
    const project = makeProject();
    expect(runAction(project, {}, { GITHUB_REF: 'refs/tags/v2.0.0' }).status).toBe(0);
    const older = runAction(project, {}, { GITHUB_REF: 'refs/tags/v1.9.9' });
    expect(older.status).toBe(1);
    expect(older.output).toMatch(/::error::refusing to publish 1\.9\.9 for nodemcuv2 \(stable\).*already offers 2\.0\.0/);
  });
});
