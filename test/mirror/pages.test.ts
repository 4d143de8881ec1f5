// The github-pages target against real git: bare repositories over file:// and
// over git's smart HTTP (git http-backend) with token authentication.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';
import { openManifest } from '../../src/protocol/manifest.js';
import { PagesTarget } from '../../src/mirror/pages.js';
import { publishReleases } from '../../src/release/publish.js';
import { defaultOf } from '../../src/settings/defaults.js';
import { readTargetConfig, type PagesConfig } from '../../src/settings/target.js';
import { createTarget } from '../../src/mirror/factory.js';
import type { SigningKey } from '../../src/release/sign.js';
import type { SiteIndex } from '../../src/site/page.js';
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

/** `mode object` of every file on the branch tip: equal entries are equal bytes and modes. */
const treeEntries = (fixture: Site, branch = BRANCH): Map<string, string> =>
  new Map(
    git(fixture.bare, 'ls-tree', '-r', '--full-tree', branch)
      .split('\n')
      .map((line) => line.split('\t'))
      .map(([entry, path]) => [path, entry.replace(' blob ', ' ')]),
  );

async function publish(
  fixture: Site,
  board: string,
  version: string,
  options: { force?: boolean; keepVersions?: number } = {},
) {
  return publishReleases(new PagesTarget(fixture.config), [await signedRelease(fixture.key, board, version)], options);
}

const versionIn = (fixture: Site, path: string, branch = BRANCH): string =>
  openManifest(branchFile(fixture.bare, branch, path), [fixture.key.publicKey]).version;
const tip = (fixture: Site, branch = BRANCH): string => git(fixture.bare, 'rev-parse', branch);

describe('github-pages target over file://', () => {
  it('creates a missing branch as an orphan holding .nojekyll and the mirror, committed by github-actions[bot]', async () => {
    const fixture = site();
    seedBranch(fixture.bare, 'main', { 'README.md': '# project\n' });
    await publish(fixture, 'nodemcuv2', '1.4.2');

    expect(branchFiles(fixture.bare, BRANCH)).toEqual([
      '.nojekyll',
      'index.html',
      'index.json',
      'nodemcuv2/firmware-1.4.2.bin',
      'nodemcuv2/latest.txt',
    ]);
    expect(versionIn(fixture, 'nodemcuv2/latest.txt')).toBe('1.4.2');
    expect(git(fixture.bare, 'rev-list', '--count', BRANCH)).toBe('1');
    expect(git(fixture.bare, 'log', '-1', '--format=%an <%ae>|%cn <%ce>|%s', BRANCH)).toBe(
      'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|' +
        'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|static-ota: publish nodemcuv2 1.4.2',
    );
    expect(branchFiles(fixture.bare, 'main')).toEqual(['README.md']);
  });

  it('keeps everything already on the branch (CNAME, .nojekyll, pages, older images) and adds one commit on top', async () => {
    const fixture = site();
    const before = seedBranch(fixture.bare, BRANCH, {
      CNAME: 'ota.example.com\n',
      '.nojekyll': '',
      'index.html': '<h1>fleet</h1>\n',
    });
    await publish(fixture, 'nodemcuv2', '1.4.2');
    const afterFirst = tip(fixture);
    await publish(fixture, 'nodemcuv2', '1.4.3');

    expect(branchFiles(fixture.bare, BRANCH)).toEqual([
      '.nojekyll',
      'CNAME',
      'index.html',
      'index.json',
      'nodemcuv2/firmware-1.4.2.bin',
      'nodemcuv2/firmware-1.4.3.bin',
      'nodemcuv2/latest.txt',
      'releases.html',
    ]);
    expect(branchFile(fixture.bare, BRANCH, 'CNAME').toString()).toBe('ota.example.com\n');
    // The site's own front page stays; the release page goes beside it.
    expect(branchFile(fixture.bare, BRANCH, 'index.html').toString()).toBe('<h1>fleet</h1>\n');
    expect(versionIn(fixture, 'nodemcuv2/latest.txt')).toBe('1.4.3');
    expect(git(fixture.bare, 'rev-parse', `${BRANCH}~2`)).toBe(before);
    expect(git(fixture.bare, 'rev-parse', `${BRANCH}~1`)).toBe(afterFirst);
  });

  it('keeps a front page put over its own release page, and rewrites its own page whatever it last held', async () => {
    const fixture = site();
    const replacePage = (html: string): void => {
      const work = temporaryFolder('static-ota-owner-');
      git(work, 'clone', '--quiet', '--branch', BRANCH, fixture.bare, '.');
      writeFileSync(join(work, 'index.html'), html);
      git(work, '-c', 'user.name=Site Owner', '-c', 'user.email=owner@example.com', 'commit', '--quiet', '-am', 'page');
      git(work, 'push', '--quiet', 'origin', BRANCH);
    };
    await publish(fixture, 'nodemcuv2', '1.0.0');
    // A page of static-ota's that is not the previous index.json rendered (an older static-ota, an edit) is read.
    const edited = branchFile(fixture.bare, BRANCH, 'index.html').toString('utf8').replace('<h1>', '<h1>Edited ');
    replacePage(edited);
    await publish(fixture, 'nodemcuv2', '1.1.0');
    const ours = branchFile(fixture.bare, BRANCH, 'index.html').toString('utf8');
    expect(ours).not.toBe(edited);
    expect(ours).toContain('nodemcuv2/firmware-1.0.0.bin');
    expect(branchFiles(fixture.bare, BRANCH)).not.toContain('releases.html');

    replacePage('<h1>fleet</h1>\n');
    await publish(fixture, 'nodemcuv2', '1.2.0');
    expect(branchFile(fixture.bare, BRANCH, 'index.html').toString()).toBe('<h1>fleet</h1>\n');
    expect(branchFile(fixture.bare, BRANCH, 'releases.html').toString('utf8')).toContain(
      'nodemcuv2/firmware-1.1.0.bin',
    );
  });

  it('publishes over an index.json it cannot render, and replaces it', async () => {
    const fixture = site();
    seedBranch(fixture.bare, BRANCH, { 'index.json': '{"releases":[{"board":"nodemcuv2"}]}\n' });
    await publish(fixture, 'nodemcuv2', '1.0.0');
    const index = JSON.parse(branchFile(fixture.bare, BRANCH, 'index.json').toString('utf8')) as SiteIndex;
    expect(index.releases.map(({ version }) => version)).toEqual(['1.0.0']);
  });

  it('keeps every file outside the sparse checkout byte for byte, whatever its kind or attributes', async () => {
    const fixture = site();
    // Files a user's site may hold: none of them is ever checked out, converted or rewritten by a publish.
    seedBranch(fixture.bare, BRANCH, {
      CNAME: 'ota.example.com\n',
      '.nojekyll': '',
      '.gitattributes': '* text eol=crlf\n',
      'index.html': '<h1>fleet</h1>\r\n<p>crlf kept</p>\r\n',
      'assets/logo.bin': randomBytes(64 * 1024),
      '_includes/head.html': '<meta>\n',
      'esp32dev/latest.txt': 'a manifest of another board, not parsed\n',
      'nodemcuv2/notes.md': 'not an image: retention keeps it\n',
      'nodemcuv2/firmware-0.9.0.bin': randomBytes(4096),
    });
    const work = temporaryFolder('static-ota-seed-more-');
    git(work, 'clone', '--quiet', '--branch', BRANCH, fixture.bare, '.');
    writeFileSync(join(work, 'deploy.sh'), '#!/bin/sh\n');
    chmodSync(join(work, 'deploy.sh'), 0o755);
    git(work, 'update-index', '--add', '--chmod=+x', 'deploy.sh');
    git(
      work,
      'update-index',
      '--add',
      '--cacheinfo',
      `120000,${git(work, 'hash-object', '-w', '--stdin')},link-to-nowhere`,
    );
    git(work, '-c', 'user.name=Site Owner', '-c', 'user.email=owner@example.com', 'commit', '--quiet', '-m', 'more');
    git(work, 'push', '--quiet', 'origin', BRANCH);
    const before = treeEntries(fixture);

    await publish(fixture, 'nodemcuv2', '1.4.2');
    await publish(fixture, 'nodemcuv2', '1.4.3', { keepVersions: 1 });

    const after = treeEntries(fixture);
    for (const [path, entry] of before) {
      if (path === 'nodemcuv2/firmware-0.9.0.bin') expect(after.has(path)).toBe(false);
      else expect([path, after.get(path)]).toEqual([path, entry]);
    }
    expect(before.get('deploy.sh')).toMatch(/^100755 /);
    expect(before.get('link-to-nowhere')).toMatch(/^120000 /);
    expect([...after.keys()].filter((path) => !before.has(path)).sort()).toEqual([
      'index.json',
      'nodemcuv2/firmware-1.4.3.bin',
      'nodemcuv2/latest.txt',
      'releases.html',
    ]);
    // The branch's eol=crlf attribute does not touch what the publish writes.
    const manifest = branchFile(fixture.bare, BRANCH, 'nodemcuv2/latest.txt');
    expect(manifest.includes('\r')).toBe(false);
    expect(openManifest(manifest, [fixture.key.publicKey]).version).toBe('1.4.3');
  });

  it('reads a path outside the sparse checkout on demand', async () => {
    const fixture = site();
    seedBranch(fixture.bare, BRANCH, { CNAME: 'ota.example.com\n', 'nodemcuv2/latest.txt': 'x\n' });
    const target = new PagesTarget(fixture.config);
    const [cname, missing] = await target.transaction(
      async (session) => [await session.read('CNAME'), await session.read('nope.txt')],
      ['nodemcuv2/latest.txt'],
    );
    expect(cname?.toString()).toBe('ota.example.com\n');
    expect(missing).toBeUndefined();
  });

  it('publishes into a sub-folder of the branch, with the channel in the commit message', async () => {
    // pages-folder as written, read as the front doors read it.
    const settings: Record<string, string> = {
      target: 'github-pages',
      'pages-folder': '/ota/firmware/',
    };
    const read = readTargetConfig((name) => settings[name] ?? defaultOf(name), { GITHUB_REPOSITORY: 'o/r' });
    const fixture = site({ folder: read.kind === 'github-pages' ? read.pages.folder : '' });
    await publish(fixture, 'esp32dev', '2.0.0-beta.1');

    expect(branchFiles(fixture.bare, BRANCH)).toEqual([
      '.nojekyll',
      'ota/firmware/esp32dev/beta/firmware-2.0.0-beta.1.bin',
      'ota/firmware/esp32dev/beta/latest.txt',
      'ota/firmware/index.html',
      'ota/firmware/index.json',
    ]);
    expect(git(fixture.bare, 'log', '-1', '--format=%s', BRANCH)).toBe(
      'static-ota: publish esp32dev 2.0.0-beta.1 (beta)',
    );
  });

  it('applies the guards to what the branch holds: refuses a downgrade and a re-publish, accepts a forced re-publish', async () => {
    const fixture = site();
    await publish(fixture, 'nodemcuv2', '1.4.2');
    const published = tip(fixture);

    await expect(publish(fixture, 'nodemcuv2', '1.4.1')).rejects.toThrow(
      /refusing to publish 1\.4\.1 .*branch gh-pages of file:.* already offers 1\.4\.2/,
    );
    await expect(publish(fixture, 'nodemcuv2', '1.4.2')).rejects.toThrow(
      /1\.4\.2 is already published for nodemcuv2 \(stable\) in .*; use force to re-publish/,
    );
    expect(tip(fixture)).toBe(published);

    // The same image re-signed: nothing changes in the tree, so nothing is committed.
    await publish(fixture, 'nodemcuv2', '1.4.2', { force: true });
    expect(tip(fixture)).toBe(published);
  });

  it('publishes an image named by a path relative to the working directory, as the build step and the CLI give it', async () => {
    const s = site();
    const release = await signedRelease(s.key, 'nodemcuv2', '1.4.2');
    const started = process.cwd();
    process.chdir(dirname(release.imageFile));
    try {
      const relativeImage = { ...release, imageFile: basename(release.imageFile) };
      await publishReleases(new PagesTarget(s.config), [relativeImage], {});
      expect(branchFile(s.bare, BRANCH, 'nodemcuv2/firmware-1.4.2.bin').equals(readFileSync(release.imageFile))).toBe(
        true,
      );
      // Compared by that path too when the same image is published again.
      await publishReleases(new PagesTarget(s.config), [relativeImage], { force: true });
    } finally {
      process.chdir(started);
    }
  });

  it('refuses to replace an image with different bytes', async () => {
    const fixture = site();
    await publish(fixture, 'nodemcuv2', '1.4.2');
    const rebuilt = await signedRelease(fixture.key, 'nodemcuv2', '1.4.2', 'different build');
    await expect(publishReleases(new PagesTarget(fixture.config), [rebuilt], { force: true })).rejects.toThrow(
      /already exists .* with different bytes/,
    );
  });

  it('removes images beyond keep-versions in the same commit, never the published one', async () => {
    const fixture = site();
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) await publish(fixture, 'nodemcuv2', version);
    const beforeRetention = tip(fixture);
    await publish(fixture, 'nodemcuv2', '1.3.0', { keepVersions: 2 });

    expect(branchFiles(fixture.bare, BRANCH)).toEqual([
      '.nojekyll',
      'index.html',
      'index.json',
      'nodemcuv2/firmware-1.2.0.bin',
      'nodemcuv2/firmware-1.3.0.bin',
      'nodemcuv2/latest.txt',
    ]);
    expect(git(fixture.bare, 'rev-parse', `${BRANCH}~1`)).toBe(beforeRetention);
    expect(
      git(fixture.bare, 'diff', '--no-renames', '--name-status', `${BRANCH}~1`, BRANCH).split('\n').sort(),
    ).toEqual([
      'A\tnodemcuv2/firmware-1.3.0.bin',
      'D\tnodemcuv2/firmware-1.0.0.bin',
      'D\tnodemcuv2/firmware-1.1.0.bin',
      'M\tindex.html',
      'M\tindex.json',
      'M\tnodemcuv2/latest.txt',
    ]);
  });

  it('refuses a branch name git does not accept, before touching the remote', async () => {
    const fixture = site({ branch: 'gh..pages' });
    await expect(publish(fixture, 'nodemcuv2', '1.4.2')).rejects.toThrow(
      'pages-branch "gh..pages" is not a valid branch name',
    );
  });

  it('refuses a folder that escapes the branch, at the edge', () => {
    const settings: Record<string, string> = { target: 'github-pages', 'pages-folder': 'ota/../..' };
    expect(() => readTargetConfig((name) => settings[name] ?? defaultOf(name), { GITHUB_REPOSITORY: 'o/r' })).toThrow(
      /plain relative folder/,
    );
  });

  it('reports a remote that does not exist', async () => {
    const fixture = site({ remoteUrl: `file://${join(temporaryFolder(), 'missing.git')}` });
    await expect(publish(fixture, 'nodemcuv2', '1.4.2')).rejects.toThrow(
      /git fetch for branch gh-pages of file:.*missing\.git failed: .*does not appear to be a git repository/,
    );
  });
});

describe('pages-history: squash', () => {
  const squashed = (config: Partial<PagesConfig> = {}): Site => site({ history: 'squash', ...config });

  it('leaves the branch as one parentless commit of the current files, foreign files included', async () => {
    const fixture = squashed();
    seedBranch(fixture.bare, BRANCH, { CNAME: 'ota.example.com\n', 'index.html': '<h1>fleet</h1>\n' });
    const seeded = treeEntries(fixture);
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) await publish(fixture, 'nodemcuv2', version);

    expect(git(fixture.bare, 'rev-list', '--count', BRANCH)).toBe('1');
    expect(git(fixture.bare, 'log', '-1', '--format=%P|%s', BRANCH)).toBe('|static-ota: publish nodemcuv2 1.2.0');
    expect(branchFiles(fixture.bare, BRANCH)).toEqual([
      'CNAME',
      'index.html',
      'index.json',
      'nodemcuv2/firmware-1.0.0.bin',
      'nodemcuv2/firmware-1.1.0.bin',
      'nodemcuv2/firmware-1.2.0.bin',
      'nodemcuv2/latest.txt',
      'releases.html',
    ]);
    for (const path of ['CNAME', 'index.html']) expect(treeEntries(fixture).get(path)).toBe(seeded.get(path));
    expect(versionIn(fixture, 'nodemcuv2/latest.txt')).toBe('1.2.0');
  });

  it('never loses a concurrent publish: the lease on the fetched commit fails, and the retry squashes on the new tip', async () => {
    const fixture = squashed();
    await publish(fixture, 'nodemcuv2', '1.0.0');
    let otherDone!: () => void;
    const racing = gatedTarget(new PagesTarget(fixture.config), new Promise<void>((resolve) => (otherDone = resolve)));
    const higherRun = publishReleases(racing, [await signedRelease(fixture.key, 'nodemcuv2', '1.2.0')]);
    // The other run keeps history: its commit lands on top of the one the racing run fetched.
    await publishReleases(new PagesTarget({ ...fixture.config, history: 'keep' }), [
      await signedRelease(fixture.key, 'esp32dev', '3.0.0'),
    ]).finally(otherDone);
    await higherRun;

    expect(racing.attempts).toBe(2);
    expect(git(fixture.bare, 'rev-list', '--count', BRANCH)).toBe('1');
    expect(branchFiles(fixture.bare, BRANCH)).toEqual([
      '.nojekyll',
      'esp32dev/firmware-3.0.0.bin',
      'esp32dev/latest.txt',
      'index.html',
      'index.json',
      'nodemcuv2/firmware-1.0.0.bin',
      'nodemcuv2/firmware-1.2.0.bin',
      'nodemcuv2/latest.txt',
    ]);
    expect(versionIn(fixture, 'nodemcuv2/latest.txt')).toBe('1.2.0');
    expect(versionIn(fixture, 'esp32dev/latest.txt')).toBe('3.0.0');
  });
});

describe('two publishes at once on github-pages', () => {
  it('both land when the lower version commits first: the higher one retries on the new tip, no force push', async () => {
    const fixture = site();
    seedBranch(fixture.bare, BRANCH, { CNAME: 'ota.example.com\n' });
    const lower = await signedRelease(fixture.key, 'nodemcuv2', '1.0.0');
    const higher = await signedRelease(fixture.key, 'nodemcuv2', '1.1.0');

    let lowerDone!: () => void;
    const lowerFinished = new Promise<void>((resolve) => (lowerDone = resolve));
    const racing = gatedTarget(new PagesTarget(fixture.config), lowerFinished);
    const higherRun = publishReleases(racing, [higher]);
    const lowerRun = publishReleases(new PagesTarget(fixture.config), [lower]).finally(lowerDone);
    await lowerRun;
    const lowerTip = tip(fixture);
    await higherRun;

    expect(racing.attempts).toBe(2);
    expect(versionIn(fixture, 'nodemcuv2/latest.txt')).toBe('1.1.0');
    expect(branchFiles(fixture.bare, BRANCH)).toEqual([
      'CNAME',
      'index.html',
      'index.json',
      'nodemcuv2/firmware-1.0.0.bin',
      'nodemcuv2/firmware-1.1.0.bin',
      'nodemcuv2/latest.txt',
    ]);
    expect(isAncestor(fixture.bare, lowerTip, tip(fixture))).toBe(true);
  });

  it('both land when the higher version commits first: the lower one adds its image on retry, latest.txt keeps the higher', async () => {
    const fixture = site();
    const lower = await signedRelease(fixture.key, 'nodemcuv2', '1.0.0');
    const higher = await signedRelease(fixture.key, 'nodemcuv2', '1.1.0');

    let higherDone!: () => void;
    const higherFinished = new Promise<void>((resolve) => (higherDone = resolve));
    const racing = gatedTarget(new PagesTarget(fixture.config), higherFinished);
    const lowerRun = publishReleases(racing, [lower]);
    await publishReleases(new PagesTarget(fixture.config), [higher]).finally(higherDone);
    const higherTip = tip(fixture);

    const {
      manifests: [published],
    } = await lowerRun;
    expect(published).toMatchObject({ version: '1.0.0', supersededBy: '1.1.0' });
    expect(racing.attempts).toBe(2);
    expect(versionIn(fixture, 'nodemcuv2/latest.txt')).toBe('1.1.0');
    expect(branchFiles(fixture.bare, BRANCH)).toEqual([
      '.nojekyll',
      'index.html',
      'index.json',
      'nodemcuv2/firmware-1.0.0.bin',
      'nodemcuv2/firmware-1.1.0.bin',
      'nodemcuv2/latest.txt',
    ]);
    expect(isAncestor(fixture.bare, higherTip, tip(fixture))).toBe(true);
  });

  it('both land when two boards race to create the branch', async () => {
    const fixture = site();
    const first = await signedRelease(fixture.key, 'nodemcuv2', '1.0.0');
    const second = await signedRelease(fixture.key, 'esp32dev', '3.0.0');

    let firstDone!: () => void;
    const firstFinished = new Promise<void>((resolve) => (firstDone = resolve));
    const racing = gatedTarget(new PagesTarget(fixture.config), firstFinished);
    const secondRun = publishReleases(racing, [second]);
    await publishReleases(new PagesTarget(fixture.config), [first]).finally(firstDone);
    await secondRun;

    expect(racing.attempts).toBe(2);
    expect(branchFiles(fixture.bare, BRANCH)).toEqual([
      '.nojekyll',
      'esp32dev/firmware-3.0.0.bin',
      'esp32dev/latest.txt',
      'index.html',
      'index.json',
      'nodemcuv2/firmware-1.0.0.bin',
      'nodemcuv2/latest.txt',
    ]);
    expect(git(fixture.bare, 'rev-list', '--count', BRANCH)).toBe('2');
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
    return {
      bare,
      key: newKey(),
      config: { branch: BRANCH, folder: '', remoteUrl: `${server.url}/${name}.git`, token },
    };
  }

  it('authenticates with the token as an Authorization header, never in a URL, and publishes', async () => {
    const fixture = httpSite('authorized', TOKEN);
    const refusedBefore = server.refused;
    await publish(fixture, 'nodemcuv2', '1.4.2');
    await publish(fixture, 'nodemcuv2', '1.4.3');

    expect(server.refused).toBe(refusedBefore);
    expect(branchFiles(fixture.bare, BRANCH)).toEqual([
      '.nojekyll',
      'index.html',
      'index.json',
      'nodemcuv2/firmware-1.4.2.bin',
      'nodemcuv2/firmware-1.4.3.bin',
      'nodemcuv2/latest.txt',
    ]);
    expect(versionIn(fixture, 'nodemcuv2/latest.txt')).toBe('1.4.3');
    expect(server.urls.some((url) => url.includes('receive-pack'))).toBe(true);
    expect(server.urls.join('\n')).not.toContain(TOKEN);
  });

  it('fails with a clear message, without the token, when the server refuses the token', async () => {
    const wrongToken = 'ghs_wrongTokenValue000000000';
    const fixture = httpSite('refused', wrongToken);
    const refusedBefore = server.refused;
    const failure = publish(fixture, 'nodemcuv2', '1.4.2');
    await expect(failure).rejects.toThrow(
      /git fetch for branch gh-pages of http:\/\/127\.0\.0\.1:\d+\/refused\.git failed: .*check the token input/,
    );
    const message = await failure.catch((error: Error) => error.message);
    expect(message).not.toContain(wrongToken);
    expect(message).not.toContain(Buffer.from(`x-access-token:${wrongToken}`).toString('base64'));
    expect(server.refused).toBeGreaterThan(refusedBefore);
    expect(git(fixture.bare, 'for-each-ref')).toBe('');
  });

  it('fails without a token', async () => {
    const fixture = httpSite('anonymous');
    await expect(publish(fixture, 'nodemcuv2', '1.4.2')).rejects.toThrow(
      /anonymous\.git failed: .*check the token input/,
    );
    expect(git(fixture.bare, 'for-each-ref')).toBe('');
  });

  it('never passes the token on a git command line', async () => {
    const fixture = httpSite('argv', TOKEN);
    const bin = temporaryFolder('static-ota-git-wrapper-');
    const log = join(bin, 'argv.log');
    const realGit = execFileSync('which', ['git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${realGit}' "$@"\n`);
    chmodSync(join(bin, 'git'), 0o755);
    const originalPath = process.env.PATH;
    process.env.PATH = `${bin}${delimiter}${originalPath}`;
    try {
      await publishReleases(await createTarget({ kind: 'github-pages', pages: fixture.config }), [
        await signedRelease(fixture.key, 'nodemcuv2', '1.4.2'),
      ]);
    } finally {
      process.env.PATH = originalPath;
    }
    const commandLines = readFileSync(log, 'utf8');
    expect(commandLines).toMatch(/push --porcelain/);
    expect(commandLines).not.toContain(TOKEN);
    expect(commandLines).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
    expect(versionIn(fixture, 'nodemcuv2/latest.txt')).toBe('1.4.2');
  });

  it('masks the header form of the token it derives, and that form is what the server accepts', async () => {
    const fixture = httpSite('mask', TOKEN);
    const masked: string[] = [];
    const target = await createTarget(
      { kind: 'github-pages', pages: fixture.config },
      { mask: (secret) => masked.push(secret) },
    );
    await publishReleases(target, [await signedRelease(fixture.key, 'nodemcuv2', '1.4.2')]);
    expect(masked).toEqual([Buffer.from(`x-access-token:${TOKEN}`).toString('base64')]);
    expect(versionIn(fixture, 'nodemcuv2/latest.txt')).toBe('1.4.2');
  });

  it('fetches only trees and the manifests it reads, never the images already on the branch', async () => {
    const fixture = httpSite('history', TOKEN);
    const image = 256 * 1024;
    seedBranch(fixture.bare, BRANCH, {
      CNAME: 'ota.example.com\n',
      'nodemcuv2/firmware-0.1.0.bin': randomBytes(image),
      'nodemcuv2/firmware-0.2.0.bin': randomBytes(image),
      'esp32dev/firmware-0.1.0.bin': randomBytes(image),
    });
    const before = server.bytesSent;
    await publish(fixture, 'nodemcuv2', '1.0.0', { keepVersions: 2 });

    expect(server.bytesSent - before).toBeLessThan(image / 4);
    expect(branchFiles(fixture.bare, BRANCH)).toEqual([
      'CNAME',
      'esp32dev/firmware-0.1.0.bin',
      'index.html',
      'index.json',
      'nodemcuv2/firmware-0.2.0.bin',
      'nodemcuv2/firmware-1.0.0.bin',
      'nodemcuv2/latest.txt',
    ]);
  });

  it('fetches what it reads in batches, and never the release page it replaces', async () => {
    const fixture = httpSite('batched', TOKEN);
    await publishReleases(await createTarget({ kind: 'github-pages', pages: fixture.config }), [
      await signedRelease(fixture.key, 'nodemcuv2', '1.0.0'),
      await signedRelease(fixture.key, 'esp32dev', '1.0.0'),
      await signedRelease(fixture.key, 'esp32dev', '1.1.0-beta.1'),
    ]);
    const from = server.requests.length;
    await publish(fixture, 'nodemcuv2', '1.1.0');

    const fetches = server.requests
      .slice(from)
      .filter(({ method, url }) => method === 'POST' && url.endsWith('/git-upload-pack'));
    // The ref list, the commit with its trees, nodemcuv2/latest.txt with index.json, then the other folders'
    // latest.txt together: four, however many folders. The old index.html is told ours from its object id alone.
    expect(fetches).toHaveLength(4);
    const index = JSON.parse(branchFile(fixture.bare, BRANCH, 'index.json').toString('utf8')) as SiteIndex;
    expect(index.releases.map(({ board, channel, version }) => `${board} ${channel} ${version}`)).toEqual([
      'esp32dev stable 1.0.0',
      'esp32dev beta 1.1.0-beta.1',
      'nodemcuv2 stable 1.1.0',
    ]);
    expect(branchFile(fixture.bare, BRANCH, 'index.html').toString('utf8')).toContain('nodemcuv2/firmware-1.0.0.bin');
  });

  it('still publishes through a server without partial clone support, fetching the whole tip instead', async () => {
    const name = 'no-filter';
    const bare = bareRepository(root, name, { partialClone: false });
    const fixture: Site = {
      bare,
      key: newKey(),
      config: { branch: BRANCH, folder: '', remoteUrl: `${server.url}/${name}.git`, token: TOKEN },
    };
    const image = 256 * 1024;
    const old = randomBytes(image);
    seedBranch(fixture.bare, BRANCH, { CNAME: 'ota.example.com\n', 'nodemcuv2/firmware-0.1.0.bin': old });
    const before = server.bytesSent;
    await publish(fixture, 'nodemcuv2', '1.0.0');

    expect(server.bytesSent - before).toBeGreaterThan(image);
    expect(branchFile(fixture.bare, BRANCH, 'nodemcuv2/firmware-0.1.0.bin').equals(old)).toBe(true);
    expect(versionIn(fixture, 'nodemcuv2/latest.txt')).toBe('1.0.0');
  });

  it('lets three publishes started at the same moment all land, none forced, foreign files kept', async () => {
    const fixture = httpSite('simultaneous', TOKEN);
    const seeded = seedBranch(fixture.bare, BRANCH, { CNAME: 'ota.example.com\n' });
    const boards = ['nodemcuv2', 'esp32dev', 'd1_mini'];
    const releases = await Promise.all(boards.map((board) => signedRelease(fixture.key, board, '1.0.0')));
    await Promise.all(releases.map((release) => publishReleases(new PagesTarget(fixture.config), [release])));

    expect(branchFiles(fixture.bare, BRANCH)).toEqual(
      [
        'CNAME',
        'index.html',
        'index.json',
        ...boards.flatMap((board) => [`${board}/firmware-1.0.0.bin`, `${board}/latest.txt`]),
      ].sort(),
    );
    // Every run's retry rebuilt the release index on the tip it fetched: none of the three is missing from it.
    const indexed = JSON.parse(branchFile(fixture.bare, BRANCH, 'index.json').toString()) as {
      releases: Array<{ board: string }>;
    };
    expect([...new Set(indexed.releases.map((entry) => entry.board))].sort()).toEqual([...boards].sort());
    expect(git(fixture.bare, 'rev-list', '--count', BRANCH)).toBe('4');
    expect(isAncestor(fixture.bare, seeded, tip(fixture))).toBe(true);
  });

  it('lets two concurrent publishes over HTTP both land (the race is forced at the manifest write)', async () => {
    const fixture = httpSite('concurrent', TOKEN);
    const lower = await signedRelease(fixture.key, 'nodemcuv2', '2.0.0');
    const higher = await signedRelease(fixture.key, 'nodemcuv2', '2.1.0');
    let lowerDone!: () => void;
    const racing = gatedTarget(new PagesTarget(fixture.config), new Promise<void>((resolve) => (lowerDone = resolve)));
    const higherRun = publishReleases(racing, [higher]);
    await publishReleases(new PagesTarget(fixture.config), [lower]).finally(lowerDone);
    const lowerTip = tip(fixture);
    await higherRun;

    expect(racing.attempts).toBe(2);
    expect(versionIn(fixture, 'nodemcuv2/latest.txt')).toBe('2.1.0');
    expect(branchFiles(fixture.bare, BRANCH)).toEqual([
      '.nojekyll',
      'index.html',
      'index.json',
      'nodemcuv2/firmware-2.0.0.bin',
      'nodemcuv2/firmware-2.1.0.bin',
      'nodemcuv2/latest.txt',
    ]);
    expect(isAncestor(fixture.bare, lowerTip, tip(fixture))).toBe(true);
  });
});

describe("the release page's address on github-pages", () => {
  const pageUrl = (remoteUrl: string, folder = 'ota') =>
    new PagesTarget({ branch: BRANCH, folder, remoteUrl }).publicUrl('index.html');

  it("is the repository's github.io site, or the owner's for an OWNER.github.io repository", () => {
    expect(pageUrl('https://github.com/Octo/widget.git')).toBe('https://octo.github.io/widget/ota/index.html');
    expect(pageUrl('https://github.com/octo/widget', '')).toBe('https://octo.github.io/widget/index.html');
    expect(pageUrl('https://github.com/octo/Octo.github.io.git')).toBe('https://octo.github.io/ota/index.html');
  });
});
