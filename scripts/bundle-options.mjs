// esbuild options of the Node bundle (dist/ for the action and the CLI), shared by scripts/bundle.mjs and the bench's
// publisher (scripts/bench.mjs), so that the bench measures what dist/ ships.
// ESM, split into chunks that load only when a run needs them, with a require() for the odd CommonJS dependency.
// Builtins stay ESM imports: turning each into a require read through esbuild's interop measured 0.3-0.9 MiB more
// per publish (the interop copies every export's descriptor, which runs node:util's lazy loaders anyway); where an
// ESM import costs, the source takes the builtin with process.getBuiltinModule instead (src/build.ts, src/publish/s3.ts).
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
};
