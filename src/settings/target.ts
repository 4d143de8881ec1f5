// Mirror target settings: each target's configuration and every check of it,
// run once at the edge by one function for both front doors: the action reads
// them from its inputs (with action.yml's defaults), the CLI from flags of the
// same names (`--s3-bucket` for `s3-bucket`, with CLI_DEFAULTS), credentials
// from the environment. Messages name a setting as the front door spells it
// (Label). The targets take their configuration as checked here; this module
// imports none of them, so git and S3 code load only when chosen.
import { InputError } from './values.js';

/** keep: one commit per publish on top of the branch; squash: the branch becomes a single commit of the current files. */
export type PagesHistory = 'keep' | 'squash';
const PAGES_HISTORIES: readonly PagesHistory[] = ['keep', 'squash'];

export interface PagesConfig {
  /** Branch to commit into; created (with .nojekyll) when missing. Checked by checkPagesBranch. */
  branch: string;
  /** Sub-folder of the branch that is the mirror root ('' for the top), as parsePagesFolder returns it. */
  folder: string;
  /** Token for git over HTTPS (the caller masks it; the target masks the form git sends). */
  token?: string;
  /** Git remote URL, e.g. https://github.com/owner/repo.git (from GITHUB_SERVER_URL and GITHUB_REPOSITORY). */
  remoteUrl: string;
  /** Default keep (pages-history in action.yml). */
  history?: PagesHistory;
}

export interface S3Config {
  bucket: string;
  prefix: string;
  /** Empty: AWS_REGION, else us-east-1; R2 uses auto. */
  region: string;
  /** As parseS3Endpoint returns it; absent: AWS for the region. */
  endpoint?: URL;
  forcePathStyle: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  acl?: string;
  /** Longest silence from the server within one request (default 60 s); each retried attempt gets it again. */
  idleTimeoutMs?: number;
}

/** Each target's settings, checked. */
export type TargetConfig =
  | { kind: 'directory'; directory: string }
  | { kind: 'github-pages'; pages: PagesConfig }
  | { kind: 's3'; s3: S3Config };

export type TargetKind = TargetConfig['kind'];
export const TARGET_KINDS: readonly TargetKind[] = ['directory', 'github-pages', 's3'];

/** A setting by its action input name; undefined or '' when not given. */
export type Setting = (name: string) => string | undefined;

/** A setting's name as the user wrote it: the input name in the action, `--name` on the command line. */
export type Label = (name: string) => string;
const inputName: Label = (name) => name;

/** The settings that are not secrets, each an action input and a CLI flag, with the target kind it belongs to. */
export const TARGET_SETTING_KINDS = {
  directory: 'directory',
  'pages-branch': 'github-pages',
  'pages-folder': 'github-pages',
  'pages-history': 'github-pages',
  's3-bucket': 's3',
  's3-prefix': 's3',
  's3-region': 's3',
  's3-endpoint': 's3',
  's3-force-path-style': 's3',
  's3-access-key-id': 's3',
  's3-acl': 's3',
} as const satisfies Record<string, TargetKind>;

export type TargetSettingName = keyof typeof TARGET_SETTING_KINDS;
export const TARGET_SETTING_NAMES = ['target', ...(Object.keys(TARGET_SETTING_KINDS) as TargetSettingName[])] as const;

/** YAML 1.2 core booleans, as @actions/core's getBooleanInput reads them. */
function parseBoolean(text: string | undefined, name: string): boolean {
  if (text === 'true' || text === 'True' || text === 'TRUE') return true;
  if (text === 'false' || text === 'False' || text === 'FALSE') return false;
  throw new InputError(`${name} must be true or false, got ${JSON.stringify(text ?? '')}`);
}

/** pages-folder as the path inside the branch ('' for its top); nothing that leaves the branch or reaches .git. */
function parsePagesFolder(folder: string, label: Label): string {
  const segments = folder.split('/').filter((segment) => segment !== '');
  for (const segment of segments) {
    if (segment === '.' || segment === '..' || segment === '.git' || segment.includes('\\')) {
      throw new InputError(
        `${label('pages-folder')} ${JSON.stringify(folder)} must be a plain relative folder, like ota or firmware/ota`,
      );
    }
  }
  return segments.join('/');
}

/** A branch name git could take for an option (git itself checks the rest, check-ref-format, before any push). */
function checkPagesBranch(branch: string, label: Label): string {
  if (!branch || branch.startsWith('-'))
    throw new InputError(`${label('pages-branch')} ${JSON.stringify(branch)} is not a branch name`);
  return branch;
}

/** S3's canned ACLs (x-amz-acl). */
const S3_ACLS: readonly string[] = [
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
];

/** The s3 settings that need no request to check: a bucket, a canned ACL if any, a whole key pair or none. */
function checkS3Settings(
  config: { bucket: string; acl?: string; accessKeyId?: string; secretAccessKey?: string },
  label: Label,
): void {
  if (!config.bucket) throw new InputError(`the s3 target needs ${label('s3-bucket')}`);
  if (config.acl && !S3_ACLS.includes(config.acl)) {
    throw new InputError(
      `${label('s3-acl')} ${JSON.stringify(config.acl)} is not a canned ACL; expected one of ${S3_ACLS.join(', ')}`,
    );
  }
  if (Boolean(config.accessKeyId) !== Boolean(config.secretAccessKey)) {
    throw new InputError(
      `give both ${label('s3-access-key-id')} and ${label('s3-secret-access-key')}, or neither (then AWS_* environment variables are used)`,
    );
  }
}

/** s3-endpoint as a URL; only http and https. */
function parseS3Endpoint(endpoint: string, label: Label): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new InputError(`${label('s3-endpoint')} ${JSON.stringify(endpoint)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new InputError(`${label('s3-endpoint')} ${url.href} is not http or https`);
  return url;
}

/**
 * The target configuration from settings, every value checked. Pages' remote
 * comes from GITHUB_SERVER_URL and GITHUB_REPOSITORY (set by GitHub Actions;
 * set them yourself to publish from elsewhere).
 */
export function readTargetConfig(setting: Setting, env: NodeJS.ProcessEnv, label: Label = inputName): TargetConfig {
  const value = (name: string): string | undefined => setting(name) || undefined;
  const kind = value('target') ?? '';
  if (!TARGET_KINDS.includes(kind as TargetKind)) {
    throw new InputError(`${label('target')} must be one of ${TARGET_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  }
  switch (kind as TargetKind) {
    case 'directory':
      return { kind: 'directory', directory: value('directory') ?? '' };
    case 'github-pages': {
      const repository = env.GITHUB_REPOSITORY;
      if (!repository)
        throw new InputError(`${label('target')} github-pages needs GITHUB_REPOSITORY (set by GitHub Actions)`);
      const history = value('pages-history') ?? '';
      if (!PAGES_HISTORIES.includes(history as PagesHistory)) {
        throw new InputError(
          `${label('pages-history')} must be one of ${PAGES_HISTORIES.join(', ')}, got ${JSON.stringify(history)}`,
        );
      }
      return {
        kind: 'github-pages',
        pages: {
          branch: checkPagesBranch(value('pages-branch') ?? '', label),
          folder: parsePagesFolder(value('pages-folder') ?? '', label),
          token: value('token'),
          remoteUrl: `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${repository}.git`,
          history: history as PagesHistory,
        },
      };
    }
    case 's3': {
      const endpoint = value('s3-endpoint');
      const s3: S3Config = {
        bucket: value('s3-bucket') ?? '',
        prefix: value('s3-prefix') ?? '',
        region: value('s3-region') ?? '',
        endpoint: endpoint === undefined ? undefined : parseS3Endpoint(endpoint, label),
        forcePathStyle: parseBoolean(value('s3-force-path-style'), label('s3-force-path-style')),
        accessKeyId: value('s3-access-key-id'),
        secretAccessKey: value('s3-secret-access-key'),
        sessionToken: value('s3-session-token'),
        acl: value('s3-acl'),
      };
      checkS3Settings(s3, label);
      return { kind: 's3', s3 };
    }
  }
}
