/** Transpile-only: `tsc --noEmit` type-checks the same sources beside jest (scripts/test.mjs, package.json "test"). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/services'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  snapshotSerializers: ['<rootDir>/test/support/mask-asset-hashes.ts'],
  // A directory per run where suites share each supported configuration's synthesis (test/support/synthesized-configurations.ts).
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60000,
  // Jest defaults to cores - 1 workers: one on these 2-core machines. Two halve the wall time. (Three or four, with tsc
  // running beside jest, measured no better on a shared 2-core machine and crowd the timing-sensitive service suites.)
  maxWorkers: 2,
};
