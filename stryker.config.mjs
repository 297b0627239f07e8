// Mutation testing of the unit tier (`pnpm mutate`; docs/testing.md). Incremental: the results
// of the last full run are committed in reports/stryker-incremental.json, and a run re-tests only
// the mutants whose code or tests changed since. Per-file floors: scripts/check-mutation.js.
import { MUTATE } from './scripts/mutation-floors.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'pnpm',
  // pnpm's layout hides the runner from Stryker's plugin discovery: name it.
  plugins: ['@stryker-mutator/jest-runner'],
  testRunner: 'jest',
  jest: { configFile: 'jest.mutate.config.js', enableFindRelatedTests: false },
  coverageAnalysis: 'perTest',
  mutate: MUTATE,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  // The whole run's floor; each file's own floor is checked by scripts/check-mutation.js.
  thresholds: { high: 90, low: 85, break: 85 },
  concurrency: 2,
  timeoutMS: 15_000,
  // Static mutants (module-level constants) rerun every test for each: too slow for what they find.
  ignoreStatic: true,
  // Mutants need not type-check: jest.mutate.config.js transpiles only. Prepending @ts-nocheck to
  // every file would also break the tests that compare files byte for byte (README examples, generated code).
  disableTypeChecks: false,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
