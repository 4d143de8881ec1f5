// The action end to end through its bundled entry point, on Node 24 as GitHub runs it,
// with GitHub's environment variables and the `pio` stand-in on PATH.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openManifest } from '../../src/protocol/manifest.js';
import {
  makeProject as makeActionProject,
  NODE_24,
  runAction,
  signingKeyForms,
  visibleLog,
  type Project,
} from './action-runner.js';
import { bundledActionEntry, listen, removeTemporaryFolders, writeEspImage } from '../helpers.js';

afterAll(removeTemporaryFolders);

const makeProject = (options: { embedKey?: boolean } = {}): Project & { mirror: string } => {
  const project = makeActionProject(['nodemcuv2', 'esp32dev'], options);
  return { ...project, mirror: join(project.folder, 'public') };
};

/** Runs the action with a directory mirror inside the project. */
const publishWith = (
  project: Project & { mirror: string },
  inputs: Record<string, string>,
  env: Record<string, string> = {},
) => runAction(project, { directory: project.mirror, ...inputs }, env);

describe('the bundled action', () => {
  it('loads no HTTP client until a run needs one', () => {
    // @actions/core's OIDC client (getIDToken, for attest: true) would bring @actions/http-client, undici and
    // node:http into every run: about 13 MiB (scripts/bundle-options.mjs).
    const main = pathToFileURL(join(dirname(bundledActionEntry()), 'main.js')).href;
    const script = `await import(${JSON.stringify(main)}); console.log(JSON.stringify(process.moduleLoadList));`;
    const loaded = JSON.parse(
      execFileSync(NODE_24, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
    ) as string[];
    expect(loaded).toContain('NativeModule crypto');
    expect(loaded.filter((name) => /^NativeModule (https?|_http_client)$/.test(name))).toEqual([]);
  });
});

describe('the action on a tag', () => {
  it('builds every environment with the version injected, signs and publishes, sets outputs and a summary', async () => {
    const project = makeProject();
    const result = await publishWith(project, {}, { GITHUB_REF: 'refs/tags/v1.4.2' });
    expect(result.output).not.toMatch(/::error::/);
    expect(result.status).toBe(0);
    expect(result.pioCalls.map((call) => call.args)).toEqual([
      ['run', '-e', 'nodemcuv2'],
      ['run', '-e', 'esp32dev'],
    ]);
    expect(result.pioCalls[0].flags).toBe('-DSTATIC_OTA_VERSION=\\"1.4.2\\" -DSTATIC_OTA_BOARD=\\"nodemcuv2\\"');
    expect(result.pioCalls[1].flags).toBe('-DSTATIC_OTA_VERSION=\\"1.4.2\\" -DSTATIC_OTA_BOARD=\\"esp32dev\\"');
    expect(result.pioCalls.flatMap((call) => call.env).filter((name) => name.startsWith('INPUT_'))).toEqual([]);
    for (const board of ['nodemcuv2', 'esp32dev']) {
      const manifest = openManifest(readFileSync(join(project.mirror, board, 'latest.txt')), [project.key.publicKey]);
      expect(manifest).toMatchObject({ version: '1.4.2', board, channel: 'stable', file: 'firmware-1.4.2.bin' });
      // compress: auto gzips the espressif8266 environment only.
      expect(manifest.encoding).toBe(board === 'nodemcuv2' ? 'gzip' : undefined);
    }
    const gzipSize = readFileSync(join(project.mirror, 'nodemcuv2', 'firmware-1.4.2.bin')).length;
    expect(gzipSize).toBeLessThan(4096);
    expect(result.outputs.version).toBe('1.4.2');
    expect(result.outputs.channel).toBe('stable');
    const manifests = JSON.parse(result.outputs.manifests);
    expect(manifests).toHaveLength(2);
    expect(manifests[0]).toMatchObject({
      board: 'nodemcuv2',
      manifest: 'nodemcuv2/latest.txt',
      image: 'nodemcuv2/firmware-1.4.2.bin',
      size: gzipSize,
    });
    expect(manifests[1]).toMatchObject({ board: 'esp32dev', size: 4096 });
    expect(manifests[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(result.outputs.channels)).toEqual(['stable']);
    const page = pathToFileURL(join(project.mirror, 'index.html')).href;
    expect(result.outputs['page-url']).toBe(page);
    expect(result.summary).toContain(`<a href="${page}">`);
    expect(result.summary).toContain('<table>');
    expect(result.summary).toContain(
      `<td>nodemcuv2</td><td>1.4.2</td><td>${gzipSize}</td><td>${manifests[0].sha256}</td><td>nodemcuv2/latest.txt</td>`,
    );
    for (const secret of signingKeyForms(project.key)) expect(visibleLog(result.output)).not.toContain(secret);
  });

  it("folds each environment's pio output in a ::group::, line by line, without blank lines", async () => {
    const project = makeProject();
    const result = await publishWith(project, {}, { GITHUB_REF: 'refs/tags/v1.4.2' });
    expect(result.status).toBe(0);
    const groups = [...result.output.matchAll(/^::group::(.*)\n([\s\S]*?)^::endgroup::$/gm)];
    expect(groups.map((group) => group[1])).toEqual([
      'pio run -e nodemcuv2 (version 1.4.2)',
      'pio run -e esp32dev (version 1.4.2)',
      'sign 1.4.2 (stable)',
      `publish to directory ${project.mirror}`,
    ]);
    for (const [, title, body] of groups) {
      expect(
        body
          .split('\n')
          .slice(0, -1)
          .filter((line) => !line.trim()),
      ).toEqual([]);
      if (!title.startsWith('pio run')) continue;
      expect(body).toMatch(/^Compiling \.pio\/build\/\w+\/src\/main\.cpp\.o$/m);
      expect(body).toMatch(/^Processing /);
    }
    // Each phase's lines in its own fold: what it gzipped, what it published.
    expect(groups[2][2]).toMatch(/^nodemcuv2: gzip \d+ -> \d+ bytes/m);
    expect(groups[3][2]).toMatch(/^published 1\.4\.2 for nodemcuv2 \(stable\) to directory /m);
  });

  it('publishes a pre-release tag to its channel and only the listed environments', async () => {
    const project = makeProject();
    const result = await publishWith(project, { environments: 'esp32dev' }, { GITHUB_REF: 'refs/tags/v1.5.0-beta.2' });
    expect(result.status).toBe(0);
    expect(result.outputs.channel).toBe('beta');
    expect(visibleLog(result.output)).toMatch(
      /^releasing 1\.5\.0-beta\.2 on channel beta \(devices that call setChannel\("beta"\)\)$/m,
    );
    expect(existsSync(join(project.mirror, 'esp32dev/beta/latest.txt'))).toBe(true);
    expect(existsSync(join(project.mirror, 'esp32dev/latest.txt'))).toBe(false);
    expect(existsSync(join(project.mirror, 'nodemcuv2'))).toBe(false);
  });

  it("names every channel it published, follow-stable ones too, and the page beside the site's own index.html", async () => {
    const project = makeProject();
    mkdirSync(project.mirror);
    writeFileSync(join(project.mirror, 'index.html'), '<h1>My project</h1>');
    const beta = await publishWith(project, { environments: 'esp32dev' }, { GITHUB_REF: 'refs/tags/v1.5.0-beta.1' });
    expect(beta.status).toBe(0);
    expect(JSON.parse(beta.outputs.channels)).toEqual(['beta']);
    const stable = await publishWith(project, { environments: 'esp32dev' }, { GITHUB_REF: 'refs/tags/v1.5.0' });
    expect(stable.status).toBe(0);
    expect(stable.outputs.channel).toBe('stable');
    expect(JSON.parse(stable.outputs.channels)).toEqual(['stable', 'beta']);
    expect(stable.outputs['page-url']).toBe(pathToFileURL(join(project.mirror, 'releases.html')).href);
  });

  it('publishes prebuilt images with build: false', async () => {
    const project = makeProject();
    const firmware = join(project.folder, 'prebuilt.bin');
    writeEspImage(firmware, { publicKey: project.key.publicKey, size: 5000 });
    const result = await publishWith(
      project,
      { build: 'false', firmware, environments: 'd1_mini', version: '3.1.0' },
      { GITHUB_REF: 'refs/heads/main' },
    );
    expect(result.status).toBe(0);
    expect(result.pioCalls).toEqual([]);
    expect(openManifest(readFileSync(join(project.mirror, 'd1_mini/latest.txt')), [project.key.publicKey]).size).toBe(
      5000,
    );
  });
});

describe('the action outside a tag', () => {
  it('only builds: nothing is signed or published', async () => {
    const project = makeProject();
    const result = await publishWith(project, {}, { GITHUB_REF: 'refs/heads/main' });
    expect(result.status).toBe(0);
    expect(result.pioCalls).toHaveLength(2);
    expect(result.pioCalls[0].flags).toContain('-DSTATIC_OTA_VERSION=\\"0.0.0-ci\\"');
    expect(existsSync(project.mirror)).toBe(false);
    expect(result.outputs.version).toBe('');
    expect(result.outputs.channels).toBe('[]');
    expect(result.outputs['page-url']).toBe('');
    expect(result.summary).toContain('build only');
  });
});

describe('the action failing', () => {
  it.each([
    ['a failed build', {}, { PIO_STANDIN_FAIL: 'esp32dev' }, /::error::pio run -e esp32dev failed with exit code 1/],
    [
      'a garbage tag',
      {},
      { GITHUB_REF: 'refs/tags/release-candidate' },
      /::error::the tag "release-candidate" \(refs\/tags\/release-candidate\) is not a semantic version .*on: push: tags: \['v\*\.\*\.\*'\]\), or give the version input/,
    ],
    [
      'a pre-release whose identifier names no channel',
      {},
      { GITHUB_REF: 'refs/tags/v1.2.0-20261207' },
      /::error::pre-release 1\.2\.0-20261207 names no channel: its first identifier "20261207" does not start with a letter; set channel /,
    ],
    ['a missing signing key', { 'signing-key': '' }, {}, /::error::signing-key is required to publish a release/],
    [
      'an unreadable signing key',
      { 'signing-key': 'not a key at all' },
      {},
      /::error::signing-key: expected an Ed25519 private key/,
    ],
    ['a bad target', { target: 'ftp' }, {}, /::error::target must be one of directory, github-pages, s3, got "ftp"/],
    [
      'an environment name unfit for a mirror folder',
      { environments: '../evil' },
      {},
      /::error::board "\.\.\/evil" is invalid/,
    ],
  ])(
    'fails with an annotation on %s, publishing nothing and printing no secret',
    async (_name, inputs, env, message) => {
      const project = makeProject();
      const result = await publishWith(project, inputs, { GITHUB_REF: 'refs/tags/v1.0.0', ...env });
      expect(result.status).toBe(1);
      expect(result.output).toMatch(message);
      expect(existsSync(join(project.mirror, 'nodemcuv2', 'latest.txt'))).toBe(false);
      for (const secret of signingKeyForms(project.key)) expect(visibleLog(result.output)).not.toContain(secret);
    },
  );

  it('installs PlatformIO with pip when pio is missing, says so, and fails clearly when that fails', async () => {
    const project = makeProject();
    // No pio on PATH, and a package index that refuses connections, so the test is hermetic.
    const result = await publishWith(
      project,
      {},
      {
        GITHUB_REF: 'refs/tags/v1.0.0',
        PATH: process.env.PATH ?? '',
        PIP_INDEX_URL: 'http://127.0.0.1:1/simple',
        PIP_RETRIES: '0',
      },
    );
    expect(result.status).toBe(1);
    // platformio-version's default pins what pip installs.
    expect(result.output).toMatch(/::warning::pio was not found on PATH: installing platformio==6\.2\.0 with pip/);
    expect(result.output).toMatch(/::error::pio is missing and installing PlatformIO with pip failed/);
    expect(existsSync(project.mirror)).toBe(false);
  });

  it('refuses an image that does not contain a key able to sign the next release', async () => {
    const project = makeProject({ embedKey: false });
    const result = await publishWith(project, {}, { GITHUB_REF: 'refs/tags/v1.0.0' });
    expect(result.status).toBe(1);
    expect(result.output).toMatch(
      /::error::lockout guard: .*nodemcuv2 1\.0\.0\) does not contain any public key able to sign the next release/,
    );
    expect(existsSync(project.mirror)).toBe(false);
    const allowed = await publishWith(project, { 'allow-lockout': 'true' }, { GITHUB_REF: 'refs/tags/v1.0.0' });
    expect(allowed.status).toBe(0);
    expect(allowed.output).toMatch(
      /::warning::allow-lockout is set, publishing anyway: lockout guard: .*nodemcuv2 1\.0\.0\)/,
    );
    expect(allowed.output).toMatch(
      /::warning::allow-lockout is set, publishing anyway: lockout guard: .*esp32dev 1\.0\.0\)/,
    );
    expect(allowed.summary).toMatch(
      /<b>Warning \(published anyway: allow-lockout is set\):<\/b> lockout guard: .*nodemcuv2 1\.0\.0\)/,
    );
  });

  it('warns in a build-only run (a pull request) when a build would fail the lockout guard at release time', async () => {
    const project = makeProject({ embedKey: false });
    const result = await publishWith(project, {}, { GITHUB_REF: 'refs/pull/7/merge' });
    expect(result.status).toBe(0);
    expect(result.output).toMatch(
      /::warning::lockout guard: .*nodemcuv2 0\.0\.0-ci\) does not contain any public key .* A release of this build would be refused\./,
    );
    expect(result.summary).toMatch(
      /<b>Warning \(a release of this build would be refused\):<\/b> lockout guard: .*esp32dev 0\.0\.0-ci\)/,
    );
    const trustedOnly = await publishWith(
      project,
      { 'signing-key': '', 'trusted-keys': project.key.publicHex },
      { GITHUB_REF: 'refs/pull/7/merge' },
    );
    expect(trustedOnly.output).toMatch(/::warning::lockout guard: .*esp32dev 0\.0\.0-ci\)/);
    const healthy = await publishWith(makeProject(), {}, { GITHUB_REF: 'refs/pull/7/merge' });
    expect(healthy.output).not.toMatch(/::warning::/);
    expect(healthy.summary).not.toContain('lockout');
  });

  it('reports what it published when attaching release assets fails afterwards', async () => {
    const project = makeProject();
    const api = await listen((request, response) => {
      request.resume();
      response.writeHead(401, { 'Content-Type': 'application/json' }).end('{"message":"Bad credentials"}');
    });
    try {
      const result = await publishWith(
        project,
        { 'release-assets': 'true', token: 'ghs_testToken' },
        { GITHUB_REF: 'refs/tags/v1.2.0', GITHUB_API_URL: api.url },
      );
      expect(result.status).toBe(1);
      expect(result.output).toMatch(
        /::error::the mirror is published \(directory .*\), but attaching the release assets failed: .*Bad credentials.*re-run with build: false, force: true/,
      );
      expect(result.outputs.version).toBe('1.2.0');
      expect(JSON.parse(result.outputs.manifests)).toHaveLength(2);
      expect(
        openManifest(readFileSync(join(project.mirror, 'nodemcuv2/latest.txt')), [project.key.publicKey]).version,
      ).toBe('1.2.0');
    } finally {
      await api.close();
    }
  });

  it('refuses to go backwards on a later run', async () => {
    const project = makeProject();
    expect((await publishWith(project, {}, { GITHUB_REF: 'refs/tags/v2.0.0' })).status).toBe(0);
    const older = await publishWith(project, {}, { GITHUB_REF: 'refs/tags/v1.9.9' });
    expect(older.status).toBe(1);
    expect(older.output).toMatch(
      /::error::refusing to publish 1\.9\.9 for nodemcuv2 \(stable\).*already offers 2\.0\.0/,
    );
  });
});
