// The release procedure of static-ota itself (docs/releasing.md): the tag
// check the release workflow runs, and the version facts it relies on.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import semver from 'semver';
import { parse } from 'yaml';
import { ROOT } from '../action/action-metadata.js';
import { removeTemporaryFolders, temporaryFolder } from '../helpers.js';

afterAll(removeTemporaryFolders);

const NODE_24 = join(ROOT, 'node_modules', '.bin', 'node');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

function check(tag: string) {
  const notes = join(temporaryFolder(), 'notes.md');
  const result = spawnSync(NODE_24, [join(ROOT, 'scripts', 'release-check.mjs'), tag, notes], { encoding: 'utf8' });
  return { ...result, notes };
}

describe('releasing static-ota', () => {
  it('accepts the tag of package.json version, writes its CHANGELOG section as notes and names the major tag', () => {
    const result = check(`v${version}`);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`prerelease=false\nmajor=v${version.split('.')[0]}\n`);
    const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
    const notes = readFileSync(result.notes, 'utf8');
    expect(notes.length).toBeGreaterThan(50);
    expect(changelog).toContain(`## ${version}\n\n${notes.trim()}`);
  });

  it.each([
    ['v9.9.9', /v9\.9\.9 does not match package\.json version/],
    ['1.0.0', /1\.0\.0 is not a release tag/],
    ['v1.0', /v1\.0 is not a release tag/],
  ])('refuses the tag %s', (tag, message) => {
    const result = check(tag);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
  });

  it.each([
    ['firmware/library.json', (text: string) => text.replace(/"version": "[^"]*"/, '"version": "9.9.8"')],
    ['firmware/library.properties', (text: string) => text.replace(/^version=.*$/m, 'version=9.9.8')],
    [
      'firmware/src/core/user_agent.h',
      (text: string) => text.replace(/kLibraryVersion\[\] = "[^"]*"/, 'kLibraryVersion[] = "9.9.8"'),
    ],
  ])('refuses the tag when %s has another version than package.json', (file, change) => {
    const copy = temporaryFolder();
    for (const path of [
      'package.json',
      'CHANGELOG.md',
      'scripts/release-check.mjs',
      'firmware/library.json',
      'firmware/library.properties',
      'firmware/src/core/user_agent.h',
    ]) {
      mkdirSync(dirname(join(copy, path)), { recursive: true });
      copyFileSync(join(ROOT, path), join(copy, path));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    writeFileSync(join(copy, file), change(readFileSync(join(ROOT, file), 'utf8')));
    const result = spawnSync(
      NODE_24,
      [join(copy, 'scripts', 'release-check.mjs'), `v${version}`, join(copy, 'notes.md')],
      { encoding: 'utf8' },
    );
    expect(result.stderr).toContain(`${file} says version 9.9.8, not ${version}`);
    expect(result.status).toBe(1);
  });

  it('has a workflow that runs CI, creates the release and moves the major tag, on version tags only', () => {
    const workflow = parse(readFileSync(join(ROOT, '.github', 'workflows', 'release.yml'), 'utf8'));
    expect(workflow.on).toEqual({ push: { tags: ['v*.*.*'] } });
    const runs = workflow.jobs.release.steps.map((step: { run?: string }) => step.run ?? '').join('\n');
    expect(runs).toContain('.ci/run');
    expect(runs).toContain('node scripts/release-check.mjs "$GITHUB_REF_NAME"');
    expect(runs).toContain('gh release create "$GITHUB_REF_NAME" --verify-tag');
    expect(runs).toContain('git push --force origin "refs/tags/$MAJOR"');
  });

  it('declares the Node version the dependencies need', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; engines?: { node?: string } }>;
    };
    const ours = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines
      .node;
    const floor = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(ours)?.[1];
    expect(floor).toBeDefined();
    // Every runtime dependency must run on the lowest Node our engines admit.
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (!path || entry.dev || !entry.engines?.node) continue;
      const runs = semver.satisfies(semver.coerce(floor)?.version ?? '', entry.engines.node);
      expect([path, entry.engines.node, runs]).toEqual([path, entry.engines.node, true]);
    }
  });
});
