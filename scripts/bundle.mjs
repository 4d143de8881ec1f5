// Bundles the action (dist/index.js) and the CLI (dist/cli.js) with esbuild.
// ESM output, with a require() for the odd CommonJS dependency inside the bundle.
import { build } from 'esbuild';
import { parseArgs } from 'node:util';

// --outdir lets tests bundle the current sources without touching the committed dist/.
const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } });

const requireShim = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  legalComments: 'none',
  logLevel: 'warning',
};

await build({ ...common, entryPoints: ['src/index.ts'], outfile: `${values.outdir}/index.js`, banner: { js: requireShim } });
await build({ ...common, entryPoints: ['src/bin.ts'], outfile: `${values.outdir}/cli.js`, banner: { js: `#!/usr/bin/env node\n${requireShim}` } });
