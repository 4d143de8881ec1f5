// The publisher's delta encoder and applier (TypeScript in src/) bundled for
// the bench scripts, which run as plain node: returns the bundle's path and
// its exports.
import { build } from 'esbuild';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');

export async function loadDeltaEncoder(folder) {
  const bundle = join(folder, 'delta.mjs');
  await build({
    stdin: {
      contents:
        "export { createPatch } from './src/release/delta/encode.ts'; export { applyPatch } from './src/release/delta/apply.ts';" +
        " export { normalizedBase } from './src/protocol/patch.ts';",
      resolveDir: root,
      loader: 'ts',
    },
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  return { bundle, ...(await import(pathToFileURL(bundle).href)) };
}
