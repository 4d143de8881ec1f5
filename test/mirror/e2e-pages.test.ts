// End to end on GitHub Pages: the action publishes through git's smart HTTP
// (token checked by the server) into gh-pages; a checkout of the branch is
// served as Pages would serve it, and the device simulator updates from it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeTemporaryFolders, serveFolder, temporaryFolder } from '../helpers.js';
import { branchFile, branchFiles, git, serveGitOverHttp, type GitHttpServer } from './fixtures.js';
import { makeProject, runAction, type Project } from '../action/action-runner.js';
import { deviceArgs } from './e2e-support.js';
import { runDevice } from '../device/simulator.js';

const TOKEN = 'ghs_e2eTokenValue0123456789';
const BRANCH = 'gh-pages';

let gitServer: GitHttpServer;
let bare: string;
let project: Project;

beforeAll(async () => {
  const root = temporaryFolder('static-ota-e2e-git-');
  bare = join(root, 'octo', 'widget.git');
  git(root, 'init', '--quiet', '--bare', bare);
  // Partial clones, as GitHub serves them.
  git(bare, 'config', 'uploadpack.allowFilter', 'true');
  gitServer = await serveGitOverHttp(root, TOKEN);
  project = makeProject();
}, 180_000);

afterAll(async () => {
  await gitServer?.close();
  removeTemporaryFolders();
});

/** A fresh checkout of the branch, served over plain HTTP like a Pages custom domain without "Enforce HTTPS". */
async function servePagesCheckout() {
  const checkout = temporaryFolder('static-ota-e2e-pages-site-');
  git(checkout, 'clone', '--quiet', '--branch', BRANCH, bare, '.');
  return serveFolder(checkout);
}

/** The branch's files, without the bundled ESP Web Tools of the release page (test/site covers those). */
const mirrorFiles = () => branchFiles(bare, BRANCH).filter((path) => !path.startsWith('ota/install/'));

const publish = (tag: string, inputs: Record<string, string> = {}) =>
  runAction(
    project,
    { target: 'github-pages', 'pages-folder': 'ota', token: TOKEN, ...inputs },
    { GITHUB_REF: `refs/tags/${tag}`, GITHUB_SERVER_URL: gitServer.url },
  );

describe('action → GitHub Pages branch → device', () => {
  it('publishes a tag into gh-pages and a device on an older version updates to exactly the published image', async () => {
    const published = await publish('v1.4.2');
    expect(published.output).not.toMatch(/::error::/);
    expect(published.status).toBe(0);
    expect(published.outputs['page-url']).toBe('https://octo.github.io/widget/ota/index.html');
    expect(JSON.parse(published.outputs.channels)).toEqual(['stable']);
    // The runner consumes ::add-mask:: commands; nothing else may show the token.
    const visible = published.output.split('\n').filter((line) => !line.startsWith('::add-mask::'));
    expect(visible.join('\n')).not.toContain(TOKEN);
    expect(gitServer.refused).toBe(0);
    expect(mirrorFiles()).toEqual([
      '.nojekyll',
      'ota/index.html',
      'ota/index.json',
      'ota/nodemcuv2/factory-1.4.2.bin', // the raw image of the gzip OTA image, for the browser install
      'ota/nodemcuv2/firmware-1.4.2.bin',
      'ota/nodemcuv2/latest.txt',
      'ota/nodemcuv2/manifest-1.4.2.json',
      'ota/nodemcuv2/manifest.json',
    ]);

    const site = await servePagesCheckout();
    try {
      const flash = join(temporaryFolder(), 'flash.bin');
      const url = `${site.url}/ota/nodemcuv2/latest.txt`;
      const updated = await runDevice(
        deviceArgs({ url, key: project.key, version: '1.0.0', board: 'nodemcuv2', flash }),
      );
      expect(updated.line).toMatch(/^result=updated offered=1\.4\.2 /m);
      expect(updated.exitCode).toBe(0);
      expect(readFileSync(flash).equals(branchFile(bare, BRANCH, 'ota/nodemcuv2/firmware-1.4.2.bin'))).toBe(true);

      const again = await runDevice(
        deviceArgs({
          url,
          key: project.key,
          version: '1.4.2',
          board: 'nodemcuv2',
          flash: join(temporaryFolder(), 'unused.bin'),
        }),
      );
      expect(again.line).toMatch(/^result=no_update /m);
    } finally {
      await site.close();
    }
  });

  it('publishes the next tag on top (retention applied) and the device takes it; a device of another board refuses it', async () => {
    const published = await publish('v1.4.3', { 'keep-versions': '1' });
    expect(published.output).not.toMatch(/::error::/);
    expect(published.status).toBe(0);
    expect(mirrorFiles()).toEqual([
      '.nojekyll',
      'ota/index.html',
      'ota/index.json',
      'ota/nodemcuv2/factory-1.4.3.bin', // the raw image of the gzip OTA image, for the browser install
      'ota/nodemcuv2/firmware-1.4.3.bin',
      'ota/nodemcuv2/latest.txt',
      'ota/nodemcuv2/manifest-1.4.3.json',
      'ota/nodemcuv2/manifest.json',
    ]);
    expect(git(bare, 'log', '--format=%s', BRANCH).split('\n')).toEqual([
      'static-ota: publish nodemcuv2 1.4.3',
      'static-ota: publish nodemcuv2 1.4.2',
    ]);

    const site = await servePagesCheckout();
    try {
      const url = `${site.url}/ota/nodemcuv2/latest.txt`;
      const flash = join(temporaryFolder(), 'flash.bin');
      const updated = await runDevice(
        deviceArgs({ url, key: project.key, version: '1.4.2', board: 'nodemcuv2', flash }),
      );
      expect(updated.line).toMatch(/^result=updated offered=1\.4\.3 /m);
      expect(readFileSync(flash).equals(branchFile(bare, BRANCH, 'ota/nodemcuv2/firmware-1.4.3.bin'))).toBe(true);

      const otherBoard = await runDevice(
        deviceArgs({
          url,
          key: project.key,
          version: '1.0.0',
          board: 'esp32dev',
          flash: join(temporaryFolder(), 'other.bin'),
        }),
      );
      expect(otherBoard.line).toMatch(/^result=wrong_board /m);
      expect(otherBoard.exitCode).not.toBe(0);
    } finally {
      await site.close();
    }
  });

  it('refuses to publish an older tag over the branch, and the branch does not move', async () => {
    const before = git(bare, 'rev-parse', BRANCH);
    const refused = await publish('v1.4.0');
    expect(refused.status).not.toBe(0);
    expect(refused.output).toMatch(
      /::error::.*refusing to publish 1\.4\.0 for nodemcuv2 \(stable\): .*already offers 1\.4\.3/,
    );
    expect(git(bare, 'rev-parse', BRANCH)).toBe(before);
  });

  it('squashes the branch to one commit with pages-history: squash, keeping every file, and the device takes the release', async () => {
    const before = branchFiles(bare, BRANCH);
    const published = await publish('v1.4.4', { 'pages-history': 'squash' });
    expect(published.output).not.toMatch(/::error::/);
    expect(published.status).toBe(0);
    expect(git(bare, 'log', '--format=%P|%s', BRANCH)).toBe('|static-ota: publish nodemcuv2 1.4.4');
    const after = branchFiles(bare, BRANCH);
    // The delta patch from 1.4.3, its base read from the branch by object id (delta-from: 2 by default).
    expect(after.filter((path) => !before.includes(path))).toEqual([
      'ota/nodemcuv2/factory-1.4.4.bin',
      'ota/nodemcuv2/firmware-1.4.4.bin',
      'ota/nodemcuv2/firmware-1.4.4.bin.from-1.4.3.patch',
      'ota/nodemcuv2/firmware-1.4.4.bin.from-1.4.3.txt',
      'ota/nodemcuv2/manifest-1.4.4.json',
    ]);
    expect(before.filter((path) => !after.includes(path))).toEqual([]);

    const site = await servePagesCheckout();
    try {
      const flash = join(temporaryFolder(), 'flash.bin');
      const updated = await runDevice(
        deviceArgs({
          url: `${site.url}/ota/nodemcuv2/latest.txt`,
          key: project.key,
          version: '1.4.3',
          board: 'nodemcuv2',
          flash,
        }),
      );
      expect(updated.line).toMatch(/^result=updated offered=1\.4\.4 /m);
      expect(readFileSync(flash).equals(branchFile(bare, BRANCH, 'ota/nodemcuv2/firmware-1.4.4.bin'))).toBe(true);
    } finally {
      await site.close();
    }
  });

  it("gives the page's URL at the custom domain of the branch's CNAME", async () => {
    const work = temporaryFolder('static-ota-e2e-cname-');
    git(work, 'clone', '--quiet', '--branch', BRANCH, bare, '.');
    writeFileSync(join(work, 'CNAME'), 'OTA.Example.com\n');
    git(work, 'add', 'CNAME');
    git(work, '-c', 'user.name=Site Owner', '-c', 'user.email=owner@example.com', 'commit', '--quiet', '-m', 'domain');
    git(work, 'push', '--quiet', 'origin', BRANCH);
    const published = await publish('v1.4.6');
    expect(published.status).toBe(0);
    expect(published.outputs['page-url']).toBe('https://ota.example.com/ota/index.html');
  });

  it('refuses an unknown pages-history before touching the branch', async () => {
    const before = git(bare, 'rev-parse', BRANCH);
    const refused = await publish('v1.4.5', { 'pages-history': 'rewrite' });
    expect(refused.status).not.toBe(0);
    expect(refused.output).toMatch(/::error::pages-history must be one of keep, squash, got "rewrite"/);
    expect(git(bare, 'rev-parse', BRANCH)).toBe(before);
  });
});
