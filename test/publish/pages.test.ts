// The github-pages target against real git: bare repositories over file:// and
// over git's smart HTTP (git http-backend) with token authentication.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { openManifest } from '../../src/manifest.js';
import { PagesTarget } from '../../src/publish/pages.js';
import { publishReleases, PublishError } from '../../src/publish/publish.js';
import { createTarget, type PagesConfig } from '../../src/publish/targets.js';
import type { SigningKey } from '../../src/sign.js';
import { removeTemporaryFolders, temporaryFolder } from '../helpers.js';
import {
  bareRepository,
  branchFile,
  branchFiles,
  gatedTarget,
  git,
  isAncestor,
  newKey,
  seedBranch,
  serveGitOverHttp,
  signedRelease,
  type GitHttpServer,
} from './fixtures.js';

afterAll(removeTemporaryFolders);

const BRANCH = 'gh-pages';

interface Site {
  bare: string;
  key: SigningKey;
  config: PagesConfig;
}

function site(config: Partial<PagesConfig> = {}): Site {
  const bare = bareRepository(temporaryFolder('static-ota-remote-'));
  return { bare, key: newKey(), config: { branch: BRANCH, folder: '', remoteUrl: `file://${bare}`, ...config } };
}

async function publish(s: Site, board: string, version: string, options: { force?: boolean; keepVersions?: number } = {}) {
  return publishReleases(new PagesTarget(s.config), [await signedRelease(s.key, board, version)], options);
}

const versionIn = (s: Site, path: string, branch = BRANCH): string => openManifest(branchFile(s.bare, branch, path), [s.key.publicKey]).version;
const tip = (s: Site, branch = BRANCH): string => git(s.bare, 'rev-parse', branch);

describe('github-pages target over file://', () => {
  it('creates a missing branch as an orphan holding .nojekyll and the mirror, committed by github-actions[bot]', async () => {
    const s = site();
    seedBranch(s.bare, 'main', { 'README.md': '# project\n' });
    await publish(s, 'nodemcuv2', '1.4.2');

    expect(branchFiles(s.bare, BRANCH)).toEqual(['.nojekyll', 'index.html', 'index.json', 'nodemcuv2/firmware-1.4.2.bin', 'nodemcuv2/latest.txt']);
    expect(versionIn(s, 'nodemcuv2/latest.txt')).toBe('1.4.2');
    expect(git(s.bare, 'rev-list', '--count', BRANCH)).toBe('1');
    expect(git(s.bare, 'log', '-1', '--format=%an <%ae>|%cn <%ce>|%s', BRANCH)).toBe(
      'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|' +
        'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|static-ota: publish nodemcuv2 1.4.2',
    );
    expect(branchFiles(s.bare, 'main')).toEqual(['README.md']);
  });

  it('keeps everything already on the branch (CNAME, .nojekyll, pages, older images) and adds one commit on top', async () => {
    const s = site();
    const before = seedBranch(s.bare, BRANCH, {
      CNAME: 'ota.example.com\n',
      '.nojekyll': '',
      'index.html': '<h1>fleet</h1>\n',
    });
    await publish(s, 'nodemcuv2', '1.4.2');
    const afterFirst = tip(s);
    await publish(s, 'nodemcuv2', '1.4.3');

    expect(branchFiles(s.bare, BRANCH)).toEqual([
      '.nojekyll',
      'CNAME',
      'index.html',
      'index.json',
      'nodemcuv2/firmware-1.4.2.bin',
      'nodemcuv2/firmware-1.4.3.bin',
      'nodemcuv2/latest.txt',
      'releases.html',
    ]);
    expect(branchFile(s.bare, BRANCH, 'CNAME').toString()).toBe('ota.example.com\n');
    // The site's own front page stays; the release page goes beside it.
    expect(branchFile(s.bare, BRANCH, 'index.html').toString()).toBe('<h1>fleet</h1>\n');
    expect(versionIn(s, 'nodemcuv2/latest.txt')).toBe('1.4.3');
    expect(git(s.bare, 'rev-parse', `${BRANCH}~2`)).toBe(before);
    expect(git(s.bare, 'rev-parse', `${BRANCH}~1`)).toBe(afterFirst);
  });

  it('publishes into a sub-folder of the branch, with the channel in the commit message', async () => {
    const s = site({ folder: '/ota/firmware/' });
    await publish(s, 'esp32dev', '2.0.0-beta.1');

    expect(branchFiles(s.bare, BRANCH)).toEqual([
      '.nojekyll',
      'ota/firmware/esp32dev/beta/firmware-2.0.0-beta.1.bin',
      'ota/firmware/esp32dev/beta/latest.txt',
      'ota/firmware/index.html',
      'ota/firmware/index.json',
    ]);
    expect(git(s.bare, 'log', '-1', '--format=%s', BRANCH)).toBe('static-ota: publish esp32dev 2.0.0-beta.1 (beta)');
  });

  it('applies the guards to what the branch holds: refuses a downgrade and a re-publish, accepts a forced re-publish', async () => {
    const s = site();
    await publish(s, 'nodemcuv2', '1.4.2');
    const published = tip(s);

    await expect(publish(s, 'nodemcuv2', '1.4.1')).rejects.toThrow(/refusing to publish 1\.4\.1 .*branch gh-pages of file:.* already offers 1\.4\.2/);
    await expect(publish(s, 'nodemcuv2', '1.4.2')).rejects.toThrow(PublishError);
    expect(tip(s)).toBe(published);

    // The same image re-signed: nothing changes in the tree, so nothing is committed.
    await publish(s, 'nodemcuv2', '1.4.2', { force: true });
    expect(tip(s)).toBe(published);
  });

  it('refuses to replace an image with different bytes', async () => {
    const s = site();
    await publish(s, 'nodemcuv2', '1.4.2');
    const rebuilt = await signedRelease(s.key, 'nodemcuv2', '1.4.2', 'different build');
    await expect(publishReleases(new PagesTarget(s.config), [rebuilt], { force: true })).rejects.toThrow(/already exists .* with different bytes/);
  });

  it('removes images beyond keep-versions in the same commit, never the published one', async () => {
    const s = site();
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) await publish(s, 'nodemcuv2', version);
    const beforeRetention = tip(s);
    await publish(s, 'nodemcuv2', '1.3.0', { keepVersions: 2 });

    expect(branchFiles(s.bare, BRANCH)).toEqual([
      '.nojekyll',
      'index.html',
      'index.json',
      'nodemcuv2/firmware-1.2.0.bin',
      'nodemcuv2/firmware-1.3.0.bin',
      'nodemcuv2/latest.txt',
    ]);
    expect(git(s.bare, 'rev-parse', `${BRANCH}~1`)).toBe(beforeRetention);
    expect(git(s.bare, 'diff', '--no-renames', '--name-status', `${BRANCH}~1`, BRANCH).split('\n').sort()).toEqual([
      'A\tnodemcuv2/firmware-1.3.0.bin',
      'D\tnodemcuv2/firmware-1.0.0.bin',
      'D\tnodemcuv2/firmware-1.1.0.bin',
      'M\tindex.html',
      'M\tindex.json',
      'M\tnodemcuv2/latest.txt',
    ]);
  });

  it('refuses a branch name git does not accept, before touching the remote', async () => {
    const s = site({ branch: 'gh..pages' });
    await expect(publish(s, 'nodemcuv2', '1.4.2')).rejects.toThrow('pages-branch "gh..pages" is not a valid branch name');
  });

  it('refuses a folder that escapes the branch', () => {
    expect(() => new PagesTarget({ branch: BRANCH, folder: 'ota/../..', remoteUrl: 'file:///nowhere' })).toThrow(/plain relative folder/);
  });

  it('reports a remote that does not exist', async () => {
    const s = site({ remoteUrl: `file://${join(temporaryFolder(), 'missing.git')}` });
    await expect(publish(s, 'nodemcuv2', '1.4.2')).rejects.toThrow(/git ls-remote for branch gh-pages of file:.*missing\.git failed: .*/);
  });
});

describe('two publishes at once on github-pages', () => {
  it('both land when the lower version commits first: the higher one retries on the new tip, no force push', async () => {
    const s = site();
    seedBranch(s.bare, BRANCH, { CNAME: 'ota.example.com\n' });
    const lower = await signedRelease(s.key, 'nodemcuv2', '1.0.0');
    const higher = await signedRelease(s.key, 'nodemcuv2', '1.1.0');

    let lowerDone!: () => void;
    const lowerFinished = new Promise<void>((resolve) => (lowerDone = resolve));
    const racing = gatedTarget(new PagesTarget(s.config), lowerFinished);
    const higherRun = publishReleases(racing, [higher]);
    const lowerRun = publishReleases(new PagesTarget(s.config), [lower]).finally(lowerDone);
    await lowerRun;
    const lowerTip = tip(s);
    await higherRun;

    expect(racing.attempts).toBe(2);
    expect(versionIn(s, 'nodemcuv2/latest.txt')).toBe('1.1.0');
    expect(branchFiles(s.bare, BRANCH)).toEqual(['CNAME', 'index.html', 'index.json', 'nodemcuv2/firmware-1.0.0.bin', 'nodemcuv2/firmware-1.1.0.bin', 'nodemcuv2/latest.txt']);
    expect(isAncestor(s.bare, lowerTip, tip(s))).toBe(true);
  });

  it('both land when the higher version commits first: the lower one adds its image on retry, latest.txt keeps the higher', async () => {
    const s = site();
    const lower = await signedRelease(s.key, 'nodemcuv2', '1.0.0');
    const higher = await signedRelease(s.key, 'nodemcuv2', '1.1.0');

    let higherDone!: () => void;
    const higherFinished = new Promise<void>((resolve) => (higherDone = resolve));
    const racing = gatedTarget(new PagesTarget(s.config), higherFinished);
    const lowerRun = publishReleases(racing, [lower]);
    await publishReleases(new PagesTarget(s.config), [higher]).finally(higherDone);
    const higherTip = tip(s);

    const [published] = await lowerRun;
    expect(published).toMatchObject({ version: '1.0.0', supersededBy: '1.1.0' });
    expect(racing.attempts).toBe(2);
    expect(versionIn(s, 'nodemcuv2/latest.txt')).toBe('1.1.0');
    expect(branchFiles(s.bare, BRANCH)).toEqual(['.nojekyll', 'index.html', 'index.json', 'nodemcuv2/firmware-1.0.0.bin', 'nodemcuv2/firmware-1.1.0.bin', 'nodemcuv2/latest.txt']);
    expect(isAncestor(s.bare, higherTip, tip(s))).toBe(true);
  });

  it('both land when two boards race to create the branch', async () => {
    const s = site();
    const first = await signedRelease(s.key, 'nodemcuv2', '1.0.0');
    const second = await signedRelease(s.key, 'esp32dev', '3.0.0');

    let firstDone!: () => void;
    const firstFinished = new Promise<void>((resolve) => (firstDone = resolve));
    const racing = gatedTarget(new PagesTarget(s.config), firstFinished);
    const secondRun = publishReleases(racing, [second]);
    await publishReleases(new PagesTarget(s.config), [first]).finally(firstDone);
    await secondRun;

    expect(racing.attempts).toBe(2);
    expect(branchFiles(s.bare, BRANCH)).toEqual([
      '.nojekyll',
      'esp32dev/firmware-3.0.0.bin',
      'esp32dev/latest.txt',
      'index.html',
      'index.json',
      'nodemcuv2/firmware-1.0.0.bin',
      'nodemcuv2/latest.txt',
    ]);
    expect(git(s.bare, 'rev-list', '--count', BRANCH)).toBe('2');
  });
});

describe('github-pages target over smart HTTP with a token', () => {
  const TOKEN = 'ghs_testTokenValue1234567890';
  let server: GitHttpServer;
  let root: string;
  beforeAll(async () => {
    root = temporaryFolder('static-ota-git-http-');
    server = await serveGitOverHttp(root, TOKEN);
  });
  afterAll(() => server.close());

  function httpSite(name: string, token?: string): Site {
    const bare = bareRepository(root, name);
    return { bare, key: newKey(), config: { branch: BRANCH, folder: '', remoteUrl: `${server.url}/${name}.git`, token } };
  }

  it('authenticates with the token as an Authorization header, never in a URL, and publishes', async () => {
    const s = httpSite('authorized', TOKEN);
    const refusedBefore = server.refused;
    await publish(s, 'nodemcuv2', '1.4.2');
    await publish(s, 'nodemcuv2', '1.4.3');

    expect(server.refused).toBe(refusedBefore);
    expect(branchFiles(s.bare, BRANCH)).toEqual(['.nojekyll', 'index.html', 'index.json', 'nodemcuv2/firmware-1.4.2.bin', 'nodemcuv2/firmware-1.4.3.bin', 'nodemcuv2/latest.txt']);
    expect(versionIn(s, 'nodemcuv2/latest.txt')).toBe('1.4.3');
    expect(server.urls.some((url) => url.includes('receive-pack'))).toBe(true);
    expect(server.urls.join('\n')).not.toContain(TOKEN);
  });

  it('fails with a clear message, without the token, when the server refuses the token', async () => {
    const wrongToken = 'ghs_wrongTokenValue000000000';
    const s = httpSite('refused', wrongToken);
    const refusedBefore = server.refused;
    const failure = publish(s, 'nodemcuv2', '1.4.2');
    await expect(failure).rejects.toThrow(/git ls-remote for branch gh-pages of http:\/\/127\.0\.0\.1:\d+\/refused\.git failed: .*check the token input/);
    const message = await failure.catch((error: Error) => error.message);
    expect(message).not.toContain(wrongToken);
    expect(message).not.toContain(Buffer.from(`x-access-token:${wrongToken}`).toString('base64'));
    expect(server.refused).toBeGreaterThan(refusedBefore);
    expect(git(s.bare, 'for-each-ref')).toBe('');
  });

  it('fails without a token', async () => {
    const s = httpSite('anonymous');
    await expect(publish(s, 'nodemcuv2', '1.4.2')).rejects.toThrow(/anonymous\.git failed: .*check the token input/);
    expect(git(s.bare, 'for-each-ref')).toBe('');
  });

  it('never passes the token on a git command line', async () => {
    const s = httpSite('argv', TOKEN);
    const bin = temporaryFolder('static-ota-git-wrapper-');
    const log = join(bin, 'argv.log');
    const realGit = execFileSync('which', ['git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${realGit}' "$@"\n`);
    chmodSync(join(bin, 'git'), 0o755);
    const originalPath = process.env.PATH;
    process.env.PATH = `${bin}${delimiter}${originalPath}`;
    try {
      await publishReleases(await createTarget({ kind: 'github-pages', directory: '', pages: s.config }), [await signedRelease(s.key, 'nodemcuv2', '1.4.2')]);
    } finally {
      process.env.PATH = originalPath;
    }
    const commandLines = readFileSync(log, 'utf8');
    expect(commandLines).toMatch(/push --porcelain/);
    expect(commandLines).not.toContain(TOKEN);
    expect(commandLines).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
    expect(versionIn(s, 'nodemcuv2/latest.txt')).toBe('1.4.2');
  });

  it('lets two concurrent publishes over HTTP both land (the race is forced at the manifest write)', async () => {
    const s = httpSite('concurrent', TOKEN);
    const lower = await signedRelease(s.key, 'nodemcuv2', '2.0.0');
    const higher = await signedRelease(s.key, 'nodemcuv2', '2.1.0');
    let lowerDone!: () => void;
    const racing = gatedTarget(new PagesTarget(s.config), new Promise<void>((resolve) => (lowerDone = resolve)));
    const higherRun = publishReleases(racing, [higher]);
    await publishReleases(new PagesTarget(s.config), [lower]).finally(lowerDone);
    const lowerTip = tip(s);
    await higherRun;

    expect(racing.attempts).toBe(2);
    expect(versionIn(s, 'nodemcuv2/latest.txt')).toBe('2.1.0');
    expect(branchFiles(s.bare, BRANCH)).toEqual(['.nojekyll', 'index.html', 'index.json', 'nodemcuv2/firmware-2.0.0.bin', 'nodemcuv2/firmware-2.1.0.bin', 'nodemcuv2/latest.txt']);
    expect(isAncestor(s.bare, lowerTip, tip(s))).toBe(true);
  });
});
