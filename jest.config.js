// Test tiers by folder: unit (fake Redis, injected platform), integration (real Redis
// on 127.0.0.1 and real child processes). `pnpm test` builds first: integration
// fixtures are plain JavaScript that require the built packages, as users would.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] };
// A mutation run (`pnpm mutate`) keeps a copy of the workspace in .stryker-tmp: never a second
// provider of the same package names.
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'], modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp'] };

/** @type {import('jest').Config} */
module.exports = {
  // jest-circus reads the timeout from the top level only; integration tests start real processes.
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/scripts/summary-reporter.js'],
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/packages/*/test/unit/**/*.test.ts', '<rootDir>/packages/*/test/contract/**/*.test.ts', '<rootDir>/examples/*/test/unit/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/packages/*/test/integration/**/*.test.ts', '<rootDir>/examples/*/test/integration/**/*.test.ts', '<rootDir>/bench/test/**/*.test.ts'],
    },
    {
      // The suites of the seed's promises once more, every process holding a secret
      // (packages/runtime/test/integration/signed-run.ts).
      ...common,
      displayName: 'integration:signed',
      testMatch: ['messaging', 'requests', 'supervision-respawn', 'supervision-signals', 'supervision-spawn', 'reload'].map((suite) => `<rootDir>/packages/runtime/test/integration/${suite}.test.ts`),
      setupFiles: ['<rootDir>/packages/runtime/test/integration/signed/env.ts'],
      setupFilesAfterEnv: ['<rootDir>/packages/runtime/test/integration/signed/check.ts'],
    },
  ],
};
