// Mutation testing of the unit tier (`pnpm mutate`; docs/testing.md). Incremental: the results
// of the last full run are committed in reports/stryker-incremental.json, and a run re-tests only
// the mutants whose code or tests changed since. Per-file floors: scripts/check-mutation.js.
import process from 'node:process';
import { UNITS, UNIT_NAMES } from './scripts/mutation-floors.mjs';

// One unit per run (scripts/mutate.js sets CLUSTR_MUTATE_UNIT): its files, its tests, its own
// incremental file and report (scripts/mutation-floors.mjs).
const name = process.env.CLUSTR_MUTATE_UNIT ?? 'protocol';
const unit = UNITS[name];
if (unit === undefined) throw new Error(`CLUSTR_MUTATE_UNIT=${name}: expected one of ${UNIT_NAMES.join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'pnpm',
  // pnpm's layout hides the runner from Stryker's plugin discovery: name it.
  plugins: ['@stryker-mutator/jest-runner'],
  testRunner: 'jest',
  jest: { configFile: 'jest.mutate.config.js', config: { testMatch: unit.tests.map((glob) => `<rootDir>/${glob}`) }, enableFindRelatedTests: false },
  coverageAnalysis: 'perTest',
  mutate: unit.files,
  incremental: true,
  incrementalFile: `reports/stryker-incremental.${name}.json`,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  // No floor for the whole run: each file has its own, checked by scripts/check-mutation.js.
  thresholds: { high: 90, low: 85, break: null },
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
