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
};
