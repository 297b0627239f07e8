// Mutation testing of the unit tier (`pnpm mutate`; docs/testing.md). Incremental: the results
// of the last full run are committed in reports/stryker-incremental.json, and a run re-tests only
// the mutants whose code or tests changed since. Per-file floors: scripts/check-mutation.js.
import process from 'node:process';
import { PACKAGES, filesOf } from './scripts/mutation-floors.mjs';

// One package per run (scripts/mutate.js sets CLUSTR_MUTATE_PACKAGE): its files, its tests
// (jest.mutate.config.js reads the same variable), its own incremental file and report.
const pkg = process.env.CLUSTR_MUTATE_PACKAGE;
if (pkg !== undefined && !PACKAGES.includes(pkg)) throw new Error(`CLUSTR_MUTATE_PACKAGE=${pkg}: expected one of ${PACKAGES.join(', ')}`);
const name = pkg ?? 'all';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'pnpm',
  // pnpm's layout hides the runner from Stryker's plugin discovery: name it.
  plugins: ['@stryker-mutator/jest-runner'],
  testRunner: 'jest',
  jest: { configFile: 'jest.mutate.config.js', enableFindRelatedTests: false },
  coverageAnalysis: 'perTest',
  mutate: filesOf(pkg),
  incremental: true,
  incrementalFile: `reports/stryker-incremental.${name}.json`,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  // The whole run's floor; each file's own floor is checked by scripts/check-mutation.js.
  thresholds: { high: 90, low: 85, break: 85 },
  concurrency: 2,
  // Added to each mutant's own test time (x1.5): a mutant that loops is cut off soon.
  timeoutMS: 5_000,
  // Static mutants (module-level constants) rerun every test for each: too slow for what they find.
  ignoreStatic: true,
  // Mutants need not type-check: jest.mutate.config.js transpiles only. Prepending @ts-nocheck to
  // every file would also break the tests that compare files byte for byte (README examples, generated code).
  disableTypeChecks: false,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
