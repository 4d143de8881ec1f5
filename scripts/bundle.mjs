// Bundles the action (dist/index.js, its logic in dist/main.js) and the CLI (dist/cli.js) with esbuild
// (options in ./bundle-options.mjs). Code splitting puts the large, rarely needed parts (the GitHub client,
// attestations, the Pages and S3 targets) in chunks that load only when a run uses them.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { nodeBundleOptions } from './bundle-options.mjs';

// --outdir lets tests bundle the current sources without touching the committed dist/.
const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } });

rmSync(values.outdir, { recursive: true, force: true });
await build({
  ...nodeBundleOptions,
  // main.js exports run() for tools that call the action's logic (GitHub's
  // local-action); index.js, which action.yml runs, imports and calls it.
  entryPoints: { index: 'src/index.ts', main: 'src/main.ts', cli: 'src/bin.ts' },
  outdir: values.outdir,
});

// ESP Web Tools for the release page's install button, copied into each mirror's
// install/ folder: a browser bundle, so the page works from a LAN mirror without
// a CDN. Licence notices go to .LEGAL.txt files beside the chunks.
await build({
  entryPoints: { 'install-button': 'node_modules/esp-web-tools/dist/install-button.js' },
  outdir: `${values.outdir}/install`,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  minify: true,
  platform: 'browser',
  target: 'es2020',
  format: 'esm',
  legalComments: 'linked',
  logLevel: 'warning',
});
