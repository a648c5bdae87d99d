/** Transpile-only: `tsc --noEmit` type-checks once before jest runs (see package.json "test"). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/services'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  snapshotSerializers: ['<rootDir>/test/support/mask-asset-hashes.ts'],
  testTimeout: 60000,
  // Jest defaults to cores - 1 workers: one on these 2-core machines. Two halve the wall time.
  maxWorkers: 2,
};
