// ESM TypeScript through ts-jest: @actions/* are ESM-only, so tests run as ES modules
// (NODE_OPTIONS=--experimental-vm-modules, set by `npm run test:ts`).
//
// Two projects, each test file in exactly one:
// - unit: tests that need nothing built: no action bundle, no device simulator
//   or C++ harness, no nginx, browser or QEMU (git, openssl and in-process
//   servers are fine). `npm run test:unit -- test/release/version.test.ts`
//   runs one of them in seconds.
// - e2e: every other test, after the global setup that bundles the action and
//   builds the simulator (test/global-setup.mjs). A new test file lands here
//   unless it is listed below.
const UNIT_TESTS = [
  'action/action-yml',
  'action/run',
  'action/workflows',
  'cli/usage',
  'common/terminal-text',
  'maintain/verify-monitor',
  'mirror/pages',
  'mirror/s3',
  'mirror/sigv4',
  'protocol/manifest.property',
  'protocol/openssl',
  'protocol/vectors',
  'release/delta/encoder',
  'release/delta/encoder-identity',
  'release/publish',
  'release/release',
  'release/release-assets',
  'release/version',
  'release/zlib-pass',
  'site/page',
  'tooling/system-deps',
].map((name) => `<rootDir>/test/${name}.test.ts`);

const shared = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
    // action.yml as its inputs' defaults, as the bundle reads it (scripts/bundle-options.mjs).
    'action\\.yml$': '<rootDir>/scripts/action-defaults.cjs',
  },
};

export default {
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: UNIT_TESTS },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...UNIT_TESTS.map((path) => `^${path.replace(/\./g, '\\.')}$`)],
      // Builds the action bundle and the device simulator once for all workers.
      globalSetup: '<rootDir>/test/global-setup.mjs',
      globalTeardown: '<rootDir>/test/global-teardown.mjs',
    },
  ],
};
