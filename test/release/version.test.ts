import { InputError } from '../../src/common/input-error.js';
import { channelFor, parseVersion, tagFromRef, versionFromTag } from '../../src/release/version.js';

describe('versions from tags', () => {
  it.each([
    ['refs/tags/v1.4.2', '1.4.2'],
    ['refs/tags/1.4.2', '1.4.2'],
    ['refs/tags/v1.5.0-beta.2', '1.5.0-beta.2'],
    ['refs/tags/v2.0.0-rc.1+build.5', '2.0.0-rc.1+build.5'],
  ])('%s releases %s', (ref, version) => {
    expect(versionFromTag(tagFromRef(ref), ref)).toBe(version);
  });

  it.each(['refs/heads/main', 'refs/pull/4/merge', undefined])('%s is not a release (build only)', (ref) => {
    expect(versionFromTag(tagFromRef(ref), ref)).toBeUndefined();
  });

  it.each([
    'refs/tags/release-1',
    'refs/tags/v1.4',
    'refs/tags/v01.4.2',
    'refs/tags/vv1.4.2',
    'refs/tags/',
    'refs/tags/v1.4.2 ',
    `refs/tags/v1.0.0-${'x'.repeat(70)}`,
  ])('garbage tag %s is an error naming it', (ref) => {
    expect(() => versionFromTag(tagFromRef(ref), ref)).toThrow(InputError);
  });

  it('accepts an explicit version with or without v', () => {
    expect(parseVersion('v3.0.1')).toBe('3.0.1');
    expect(parseVersion('3.0.1')).toBe('3.0.1');
    expect(() => parseVersion('latest')).toThrow(/"latest" is not a semantic version/);
  });

  it('names the limit a version breaks: 15-digit numbers, 64 characters', () => {
    expect(parseVersion('1.0.123456789012345')).toBe('1.0.123456789012345');
    expect(() => parseVersion('1.0.12345678901234567', '--version')).toThrow(
      '--version "1.0.12345678901234567" has a number of 17 digits (12345678901234567): devices compare numbers of at most 15 digits',
    );
    expect(() => parseVersion(`1.0.0-${'a'.repeat(60)}`)).toThrow(/is longer than 64 characters/);
  });
});

describe('channels', () => {
  it('maps releases to stable and pre-releases to their first identifier', () => {
    expect(channelFor('1.4.2')).toBe('stable');
    expect(channelFor('1.5.0-beta.2')).toBe('beta');
    expect(channelFor('1.5.0-RC.1')).toBe('rc');
    expect(channelFor('1.4.2', 'canary')).toBe('canary');
  });

  it.each([
    ['1.2.0-rc1', 'rc'],
    ['1.2.0-rc2', 'rc'],
    ['1.2.0-RC1', 'rc'],
    ['1.5.0-beta2.1', 'beta'],
    ['1.5.0-alpha-3', 'alpha'],
    ['1.5.0-nightly20261207', 'nightly'],
    ['2.0.0-rc1+build.5', 'rc'],
  ])('%s goes to the channel its leading letters name (%s), where setChannel devices look', (version, channel) => {
    expect(channelFor(version)).toBe(channel);
  });

  it.each(['1.2.0-20261207', '1.2.0-1', '1.2.0-0.beta', '1.2.0-1rc', '1.2.0--rc'])(
    '%s names no channel: refused, naming the setting, unless one is given',
    (version) => {
      expect(() => channelFor(version)).toThrow(InputError);
      expect(() => channelFor(version, undefined, '--channel')).toThrow(
        /pre-release .* names no channel: its first identifier .* does not start with a letter; set --channel/,
      );
      expect(channelFor(version, 'nightly', '--channel')).toBe('nightly');
    },
  );

  it('never publishes a pre-release to stable', () => {
    expect(() => channelFor('1.5.0-beta.2', 'stable')).toThrow(/cannot be published to the stable channel/);
    expect(() => channelFor('1.5.0-stable1')).toThrow(/cannot be published to the stable channel/);
  });

  it('refuses invalid channel names', () => {
    expect(() => channelFor('1.4.2', 'Beta Channel')).toThrow(/channel "Beta Channel" is invalid/);
  });
});
