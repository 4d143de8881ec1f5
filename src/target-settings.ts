// Mirror target settings, parsed once at the edge by one function for both
// front doors: the action reads them from its inputs (with action.yml's
// defaults), the CLI from flags of the same names (`--s3-bucket` for
// `s3-bucket`, with CLI_DEFAULTS), credentials from the environment.
import { InputError } from './inputs.js';
import type { PagesHistory } from './publish/pages.js';
import { TARGET_KINDS, type TargetConfig, type TargetKind } from './publish/targets.js';

/** Types only from the targets' modules: git and S3 code load when chosen. */
const PAGES_HISTORIES: readonly PagesHistory[] = ['keep', 'squash'];

/** A setting by its action input name; undefined or '' when not given. */
export type Setting = (name: string) => string | undefined;

/** The settings that are not secrets: each is an action input and a CLI flag. */
export const TARGET_SETTING_NAMES = [
  'target',
  'directory',
  'pages-branch',
  'pages-folder',
  'pages-history',
  's3-bucket',
  's3-prefix',
  's3-region',
  's3-endpoint',
  's3-force-path-style',
  's3-access-key-id',
  's3-acl',
] as const;

/** YAML 1.2 core booleans, as @actions/core's getBooleanInput reads them. */
function parseBoolean(text: string | undefined, name: string): boolean {
  if (text === 'true' || text === 'True' || text === 'TRUE') return true;
  if (text === 'false' || text === 'False' || text === 'FALSE') return false;
  throw new InputError(`${name} must be true or false, got ${JSON.stringify(text ?? '')}`);
}

/**
 * The target configuration from settings. Pages' remote comes from
 * GITHUB_SERVER_URL and GITHUB_REPOSITORY (set by GitHub Actions; set them
 * yourself to publish from elsewhere).
 */
export function readTargetConfig(setting: Setting, env: NodeJS.ProcessEnv): TargetConfig {
  const value = (name: string): string | undefined => setting(name) || undefined;
  const kind = value('target') ?? '';
  if (!TARGET_KINDS.includes(kind as TargetKind)) {
    throw new InputError(`target must be one of ${TARGET_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  }
  switch (kind as TargetKind) {
    case 'directory':
      return { kind: 'directory', directory: value('directory') ?? '' };
    case 'github-pages': {
      const repository = env.GITHUB_REPOSITORY;
      if (!repository) throw new InputError('target github-pages needs GITHUB_REPOSITORY (set by GitHub Actions)');
      const history = value('pages-history') ?? '';
      if (!PAGES_HISTORIES.includes(history as PagesHistory)) {
        throw new InputError(
          `pages-history must be one of ${PAGES_HISTORIES.join(', ')}, got ${JSON.stringify(history)}`,
        );
      }
      return {
        kind: 'github-pages',
        pages: {
          branch: value('pages-branch') ?? '',
          folder: value('pages-folder') ?? '',
          token: value('token'),
          remoteUrl: `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${repository}.git`,
          history: history as PagesHistory,
        },
      };
    }
    case 's3':
      return {
        kind: 's3',
        s3: {
          bucket: value('s3-bucket') ?? '',
          prefix: value('s3-prefix') ?? '',
          region: value('s3-region') ?? '',
          endpoint: value('s3-endpoint'),
          forcePathStyle: parseBoolean(value('s3-force-path-style'), 's3-force-path-style'),
          accessKeyId: value('s3-access-key-id'),
          secretAccessKey: value('s3-secret-access-key'),
          sessionToken: value('s3-session-token'),
          acl: value('s3-acl'),
        },
      };
  }
}
