// esbuild options of the Node bundle (dist/ for the action and the CLI), shared by scripts/bundle.mjs and the bench's
// publisher (scripts/bench.mjs), so that the bench measures what dist/ ships.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import actionDefaults from './action-defaults.cjs';

const ACTIONS_CORE = `${sep}node_modules${sep}@actions${sep}core${sep}lib${sep}`;
const LAZY_OIDC = 'lazy-oidc-client';
const ROOT = resolve(import.meta.dirname, '..');

/**
 * @actions/core imports its OIDC client for getIDToken alone, and with it @actions/http-client, undici and an ESM
 * import of node:http (which loads undici's WebSocket): about 13 MiB in every action run. This puts a stand-in in its
 * place whose getIDToken loads the real client on first call (only attest: true asks for a token).
 */
const lazyOidcClient = {
  name: LAZY_OIDC,
  setup(build) {
    // The stand-in's path is relative to the project: esbuild writes it into the bundle (a comment, the chunks'
    // hashes), which must not depend on where the repository is checked out (CI compares dist/ on a fresh clone).
    build.onResolve({ filter: /^\.\/oidc-utils\.js$/ }, ({ importer, namespace }) =>
      namespace === 'file' && importer.includes(ACTIONS_CORE)
        ? { path: relative(ROOT, join(dirname(importer), 'oidc-utils.js')), namespace: LAZY_OIDC }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: LAZY_OIDC }, ({ path }) => ({
      contents: `export class OidcClient {
  static async getIDToken(audience) {
    const { OidcClient } = await import('./oidc-utils.js');
    return OidcClient.getIDToken(audience);
  }
}`,
      resolveDir: dirname(join(ROOT, path)),
    }));
  },
};

/** `import defaults from '.../action.yml'`: the inputs' defaults, action.yml being their one home (the CLI's too). */
const actionYmlDefaults = {
  name: 'action-yml-defaults',
  setup(build) {
    build.onLoad({ filter: /[\\/]action\.yml$/ }, ({ path }) => ({
      contents: actionDefaults.actionDefaultsModule(readFileSync(path, 'utf8')),
      loader: 'js',
    }));
  },
};

/**
 * ESM, split into chunks that load only when a run needs them, with a require() for the odd CommonJS dependency.
 * Builtins stay ESM imports: turning each into a require read through esbuild's interop measured 0.3-0.9 MiB more per
 * publish (the interop reads every export's descriptor, which runs node:util's lazy loaders anyway); where an ESM
 * import costs, the source takes the builtin with process.getBuiltinModule (src/release/build.ts, src/mirror/s3.ts).
 */
export const nodeBundleOptions = {
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  plugins: [lazyOidcClient, actionYmlDefaults],
};
