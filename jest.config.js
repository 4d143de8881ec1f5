// ESM TypeScript through ts-jest: @actions/* are ESM-only, so tests run as ES modules
// (NODE_OPTIONS=--experimental-vm-modules, set by `npm run test:ts`).
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
    // action.yml as its inputs' defaults, as the bundle reads it (scripts/bundle-options.mjs).
    'action\\.yml$': '<rootDir>/scripts/action-defaults.cjs',
  },
  testTimeout: 60000,
  // Builds the action bundle and the device simulator once for all workers.
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
};
