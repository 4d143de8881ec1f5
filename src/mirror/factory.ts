// Builds the configured mirror target. Every target implements MirrorTarget.
// Pages and S3 are loaded only when chosen: the AWS SDK would slow every CLI start.
import type { Reporter } from '../common/reporter.js';
import { DirectoryTarget } from './directory.js';
import type { TargetConfig } from '../settings/target.js';
import type { MirrorTarget } from './target.js';

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
