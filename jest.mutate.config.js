// The unit tier as Stryker runs it (`pnpm mutate`): the workspace packages come from their src,
// not from dist, so the mutants Stryker writes into src are the code under test; TypeScript is
// transpiled only (Stryker's mutants are not meant to type-check, and it is several times faster).
const root = __dirname;
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json', isolatedModules: true, diagnostics: false }] };

/** @type {import('jest').Config} */
module.exports = {
  rootDir: root,
  testEnvironment: 'node',
  transform,
  moduleFileExtensions: ['ts', 'js', 'json'],
  // stryker.config.mjs narrows this to the tests of the unit it runs (scripts/mutation-floors.mjs).
  testMatch: ['<rootDir>/packages/*/test/unit/**/*.test.ts'],
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp'],
  moduleNameMapper: {
    '^@clustr/protocol/core$': '<rootDir>/packages/protocol/src/core.ts',
    '^@clustr/protocol$': '<rootDir>/packages/protocol/src/index.ts',
    '^@clustr/runtime$': '<rootDir>/packages/runtime/src/index.ts',
    '^@clustr/testkit$': '<rootDir>/packages/testkit/src/index.ts',
  },
  testTimeout: 60000,
};
