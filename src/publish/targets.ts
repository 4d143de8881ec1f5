// Builds the configured mirror target. Every target implements MirrorTarget.
// Pages and S3 are loaded only when chosen: the AWS SDK would slow every CLI start.
import type { Reporter } from '../build.js';
import { DirectoryTarget } from './directory.js';
import type { PagesConfig } from './pages.js';
import type { S3Config } from './s3.js';
import type { MirrorTarget } from './target.js';

/** Each target's settings live beside it (PagesConfig in pages.ts, S3Config in s3.ts). */
export type TargetConfig =
  | { kind: 'directory'; directory: string }
  | { kind: 'github-pages'; pages: PagesConfig }
  | { kind: 's3'; s3: S3Config };

export type TargetKind = TargetConfig['kind'];
export const TARGET_KINDS: readonly TargetKind[] = ['directory', 'github-pages', 's3'];

/** `log.mask` hides the secrets a target derives from its settings (the form git sends a token in). */
export async function createTarget(config: TargetConfig, log?: Pick<Reporter, 'mask'>): Promise<MirrorTarget> {
  switch (config.kind) {
    case 'directory':
      return new DirectoryTarget(config.directory);
    case 'github-pages':
      return new (await import('./pages.js')).PagesTarget(config.pages, log);
    case 's3':
      return new (await import('./s3.js')).S3Target(config.s3);
  }
}
