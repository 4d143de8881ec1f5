// Mirror target settings: each target's configuration and every check of it,
// run once at the edge by one function for both front doors: the action reads
// them from its inputs (with action.yml's defaults), the CLI from flags of the
// same names (`--s3-bucket` for `s3-bucket`, with the same defaults), credentials
// from the environment. Messages name a setting as the front door spells it
// (Label). The targets take their configuration as checked here; this module
// imports none of them, so git and S3 code load only when chosen.
import { InputError } from '../common/input-error.js';
import { inputLabel, type Label } from './label.js';
import { parseBoolean } from './values.js';

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
  /** The key pair, from the settings or the environment (s3Credentials). */
  accessKeyId: string;
  secretAccessKey: string;
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
export type SettingReader = (name: string) => string | undefined;

/** A target's setting as the CLI offers it: the target it belongs to, what it takes (absent: a switch), its help. */
interface TargetSetting {
  kind: TargetKind;
  metavar?: string;
  help: string;
}

/**
 * The target settings that are not secrets, each an action input and a CLI flag of the same name. The secrets (token,
 * the S3 key pair) are inputs of the action; the CLI reads them from the environment only, never from its arguments.
 */
export const TARGET_SETTINGS = {
  directory: { kind: 'directory', metavar: '<dir>', help: 'the mirror directory (required with the directory target)' },
  'pages-branch': {
    kind: 'github-pages',
    metavar: '<branch>',
    help: 'github-pages: branch; the remote is GITHUB_SERVER_URL/GITHUB_REPOSITORY.git, the token GITHUB_TOKEN',
  },
  'pages-folder': {
    kind: 'github-pages',
    metavar: '<folder>',
    help: 'github-pages: sub-folder of the branch that is the mirror root',
  },
  'pages-history': {
    kind: 'github-pages',
    metavar: '<history>',
    help: 'github-pages: keep (a commit per publish) or squash (one commit, pushed with --force-with-lease)',
  },
  's3-bucket': {
    kind: 's3',
    metavar: '<bucket>',
    help: 's3: bucket; credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN',
  },
  's3-prefix': { kind: 's3', metavar: '<prefix>', help: 's3: key prefix (the mirror root)' },
  's3-region': { kind: 's3', metavar: '<region>', help: 's3: region (R2 uses auto)' },
  's3-endpoint': { kind: 's3', metavar: '<url>', help: 's3: endpoint URL for S3-compatible services' },
  's3-force-path-style': { kind: 's3', help: 's3: path-style addressing (MinIO and most self-hosted servers)' },
  's3-acl': { kind: 's3', metavar: '<acl>', help: 's3: canned ACL for uploads, e.g. public-read' },
} as const satisfies Record<string, TargetSetting>;

export type TargetSettingName = keyof typeof TARGET_SETTINGS;
export const TARGET_SETTING_NAMES = ['target', ...(Object.keys(TARGET_SETTINGS) as TargetSettingName[])] as const;

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
function checkS3Settings(config: { bucket: string; acl?: string }, label: Label): void {
  if (!config.bucket) throw new InputError(`the s3 target needs ${label('s3-bucket')}`);
  if (config.acl && !S3_ACLS.includes(config.acl)) {
    throw new InputError(
      `${label('s3-acl')} ${JSON.stringify(config.acl)} is not a canned ACL; expected one of ${S3_ACLS.join(', ')}`,
    );
  }
}

/**
 * The key pair: from the settings, or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (as OIDC's
 * configure-aws-credentials exports them). AWS profiles, instance roles and web-identity files are not read.
 */
function s3Credentials(
  value: (name: string) => string | undefined,
  env: NodeJS.ProcessEnv,
  label: Label,
): Pick<S3Config, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'> {
  const pair = [label('s3-access-key-id'), label('s3-secret-access-key')];
  const accessKeyId = value('s3-access-key-id');
  const secretAccessKey = value('s3-secret-access-key');
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey))
    throw new InputError(`give both ${pair.join(' and ')}, or neither (then AWS_* environment variables are used)`);
  if (accessKeyId && secretAccessKey) return { accessKeyId, secretAccessKey, sessionToken: value('s3-session-token') };
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
    const ways = [...new Set([pair.join(' and '), 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'])].join(', or ');
    throw new InputError(
      `the s3 target has no credentials: set ${ways} (for example through aws-actions/configure-aws-credentials); ` +
        'AWS profiles, instance roles and web-identity files are not read',
    );
  }
  return {
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    sessionToken: env.AWS_SESSION_TOKEN || undefined,
  };
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
export function readTargetConfig(
  setting: SettingReader,
  env: NodeJS.ProcessEnv,
  label: Label = inputLabel,
): TargetConfig {
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
      const settings = {
        bucket: value('s3-bucket') ?? '',
        prefix: value('s3-prefix') ?? '',
        region: value('s3-region') ?? '',
        endpoint: endpoint === undefined ? undefined : parseS3Endpoint(endpoint, label),
        forcePathStyle: parseBoolean(value('s3-force-path-style'), label('s3-force-path-style')),
        acl: value('s3-acl'),
      };
      checkS3Settings(settings, label);
      return { kind: 's3', s3: { ...settings, ...s3Credentials(value, env, label) } };
    }
  }
}
