// Builds the configured mirror target. Every target implements MirrorTarget.
// Pages and S3 are loaded only when chosen: the AWS SDK would slow every CLI start.
import { DirectoryTarget } from './directory.js';
import type { MirrorTarget } from './target.js';

export type TargetKind = 'directory' | 'github-pages' | 's3';
export const TARGET_KINDS: readonly TargetKind[] = ['directory', 'github-pages', 's3'];

/** keep: one commit per publish on top of the branch; squash: the branch becomes a single commit of the current files. */
export type PagesHistory = 'keep' | 'squash';
export const PAGES_HISTORIES: readonly PagesHistory[] = ['keep', 'squash'];

export interface PagesConfig {
  /** Branch to commit into; created (with .nojekyll) when missing. */
  branch: string;
  /** Sub-folder of the branch that is the mirror root ('' for the top). */
  folder: string;
  /** Token for git over HTTPS (masked by the caller). */
  token?: string;
  /** Git remote URL, e.g. https://github.com/owner/repo.git (from GITHUB_SERVER_URL and GITHUB_REPOSITORY). */
  remoteUrl: string;
  /** Default keep (pages-history in action.yml). */
  history?: PagesHistory;
}

export interface S3Config {
  bucket: string;
  prefix: string;
  /** Empty: us-east-1 (DEFAULT_S3_REGION); R2 uses auto. */
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  acl?: string;
  /** Longest silence from the server within one request (default 60 s); each retried attempt gets it again. */
  idleTimeoutMs?: number;
}

export interface TargetConfig {
  kind: TargetKind;
  directory: string;
  pages?: PagesConfig;
  s3?: S3Config;
}

export async function createTarget(config: TargetConfig): Promise<MirrorTarget> {
  switch (config.kind) {
    case 'directory':
      return new DirectoryTarget(config.directory);
    case 'github-pages':
      if (!config.pages) throw new Error('target github-pages needs its settings (pages-branch, pages-folder, token)');
      return new (await import('./pages.js')).PagesTarget(config.pages);
    case 's3':
      if (!config.s3) throw new Error('target s3 needs its settings (s3-bucket, ...)');
      return new (await import('./s3.js')).S3Target(config.s3);
    default:
      throw new Error(`unknown target ${String(config.kind)}; expected one of ${TARGET_KINDS.join(', ')}`);
  }
}
