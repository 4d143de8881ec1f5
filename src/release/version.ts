// Release versions: from the tag or an explicit input, validated, and mapped to a channel.
// Only the functions used, not semver's index: it loads every range and comparator module (about 0.6 MiB per run).
import semverCompare from 'semver/functions/compare.js';
import semverPrerelease from 'semver/functions/prerelease.js';
import { isValidChannel, STABLE_CHANNEL, versionProblem } from '../protocol/manifest.js';
import { InputError } from '../common/input-error.js';

/** `1.4.2` or `v1.4.2` → `1.4.2`; anything else is an error naming the input. */
export function parseVersion(text: string, name = 'version'): string {
  const version = text.replace(/^v/, '');
  const problem = versionProblem(version);
  if (problem !== undefined) throw new InputError(`${name} ${JSON.stringify(text)} ${problem}`);
  return version;
}

/** `refs/tags/v1.4.2` → `v1.4.2`; undefined for any other ref. */
export const tagFromRef = (ref: string | undefined): string | undefined =>
  ref?.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;

/** The version a tag (from tagFromRef) releases, or undefined without a tag (CI mode: build only). */
export function versionFromTag(tag: string | undefined, ref: string | undefined): string | undefined {
  if (tag === undefined) return undefined;
  try {
    return parseVersion(tag);
  } catch {
    throw new InputError(
      `the tag ${JSON.stringify(tag)} (${ref}) is not a semantic version such as v1.4.2 or v1.5.0-beta.2. ` +
        "Run the release only on version tags (on: push: tags: ['v*.*.*']), or give the version input.",
    );
  }
}

/** `1.5.0-beta.2` is a pre-release; `1.4.2` is not. */
export const isPrerelease = (version: string): boolean => semverPrerelease(version) !== null;

/** A channel name, which becomes a folder of the mirror. */
export function parseChannel(channel: string, name = 'channel'): string {
  if (!isValidChannel(channel)) {
    throw new InputError(
      `${name} ${JSON.stringify(channel)} is invalid: use lowercase letters, digits and '-', at most 32`,
    );
  }
  return channel;
}

/**
 * The channel a pre-release names: the leading letters of its first identifier,
 * lowercased as the channel rule wants (`rc1` and `RC1` → `rc`, `beta.2` →
 * `beta`), so every release candidate reaches the devices on `rc`.
 */
function prereleaseChannel(version: string, name: string): string {
  const first = String(semverPrerelease(version)?.[0]);
  const letters = /^[a-z]+/i.exec(first)?.[0];
  if (letters === undefined) {
    throw new InputError(
      `pre-release ${version} names no channel: its first identifier ${JSON.stringify(first)} does not start with a letter; ` +
        `set ${name} (for example nightly), or tag it as 1.2.0-rc1 or 1.2.0-beta.2`,
    );
  }
  return letters.toLowerCase();
}

/**
 * Stable releases go to `stable`; a pre-release goes to the channel its first
 * identifier's letters name (`1.5.0-rc2` → `rc`), never to stable.
 */
export function channelFor(version: string, requested?: string, name = 'channel'): string {
  const prerelease = isPrerelease(version);
  if (!requested) {
    if (!prerelease) return STABLE_CHANNEL;
    // Derived from the version: a message names the version, not a setting the user did not give.
    const derived = prereleaseChannel(version, name);
    if (derived === STABLE_CHANNEL)
      throw new InputError(
        `pre-release ${version} cannot be published to the stable channel, which its first identifier names: set ${name}`,
      );
    if (!isValidChannel(derived))
      throw new InputError(
        `pre-release ${version} names the channel ${JSON.stringify(derived)} by its first identifier, which cannot be one ` +
          `(lowercase letters, digits and '-', at most 32): set ${name}`,
      );
    return derived;
  }
  const channel = parseChannel(requested, name);
  if (prerelease && channel === STABLE_CHANNEL) {
    throw new InputError(
      `pre-release ${version} cannot be published to the stable channel (${name} ${STABLE_CHANNEL})`,
    );
  }
  return channel;
}

export const compareVersions = (a: string, b: string): number => semverCompare(a, b);
