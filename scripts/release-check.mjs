// Checks a release tag of static-ota itself before the release workflow
// publishes it: vX.Y.Z (SemVer), the package.json version and the device
// library's (firmware/), a CHANGELOG.md section. Writes that section as the
// release notes and prints, for the workflow, whether it is a pre-release and
// which major tag it moves.
//   node scripts/release-check.mjs v1.2.0 notes.md
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import semver from 'semver';

const root = resolve(import.meta.dirname, '..');
const [tag, notesFile] = process.argv.slice(2);

function fail(message) {
  console.error(`release check: ${message}`);
  process.exit(1);
}

if (!tag || !notesFile) fail('usage: node scripts/release-check.mjs vX.Y.Z NOTES_FILE');
const version = /^v(.+)$/.exec(tag)?.[1];
if (!version || semver.valid(version) !== version)
  fail(`${tag} is not a release tag: use v followed by a semantic version, e.g. v1.2.0`);
const { version: packageVersion } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (packageVersion !== version)
  fail(
    `${tag} does not match package.json version ${packageVersion}: bump it (npm version ${version} --no-git-tag-version) and tag that commit`,
  );
// The device library is released from the same tag: its registry files and the
// version its User-Agent reports must say the same.
const libraryVersions = {
  'firmware/library.json': JSON.parse(readFileSync(join(root, 'firmware', 'library.json'), 'utf8')).version,
  'firmware/library.properties': /^version=(.*)$/m.exec(
    readFileSync(join(root, 'firmware', 'library.properties'), 'utf8'),
  )?.[1],
  'firmware/src/core/user_agent.h': /kLibraryVersion\[\] = "([^"]*)"/.exec(
    readFileSync(join(root, 'firmware', 'src', 'core', 'user_agent.h'), 'utf8'),
  )?.[1],
};
for (const [file, libraryVersion] of Object.entries(libraryVersions)) {
  if (libraryVersion !== version)
    fail(
      `${file} says version ${libraryVersion}, not ${version}: the device library is released with the same version`,
    );
}
const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
const section = new RegExp(
  `^## ${version.replaceAll('.', '\\.')}(?: .*)?\\n([\\s\\S]*?)(?=^## |(?![\\s\\S]))`,
  'm',
).exec(changelog);
if (!section || !section[1].trim()) fail(`CHANGELOG.md has no section "## ${version}" saying what changed`);
writeFileSync(notesFile, `${section[1].trim()}\n`);
const prerelease = semver.prerelease(version) !== null;
console.log(`prerelease=${prerelease}`);
console.log(`major=${prerelease ? '' : `v${semver.major(version)}`}`);
