#!/usr/bin/env node
// `pnpm mutate [unit...]`: mutation testing of the unit tier, one unit at a time (a set of files
// and the tests written for them: scripts/mutation-floors.mjs), then the per-file floors
// (scripts/check-mutation.js). Incremental: each unit's results of the last run are committed in
// reports/stryker-incremental.<unit>.json, and a run re-tests only the mutants whose code or tests
// changed since. docs/testing.md says how to run one file.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');

async function main() {
  const { UNITS, UNIT_NAMES: PACKAGES } = await import(path.join(root, 'scripts', 'mutation-floors.mjs'));
  // --ci: only units with committed results run (incrementally: minutes, not hours); the others are named and skipped.
  const ci = process.argv.includes('--ci');
  // --retest-timeouts: the unit's mutants that timed out are tested again. A run on a loaded
  // machine can time a slow test out, which counts as killed; run this on a quiet one.
  const retestTimeouts = process.argv.includes('--retest-timeouts');
  const args = process.argv.slice(2).filter((a) => a !== '--ci' && a !== '--retest-timeouts');
  const unknown = args.filter((a) => !PACKAGES.includes(a));
  if (unknown.length > 0) {
    process.stderr.write(`mutate: unknown unit ${unknown.join(', ')}; expected some of ${PACKAGES.join(', ')}\n`);
    process.exit(2);
  }
  const chosen = args.length > 0 ? args : PACKAGES;
  const skipped = [];
  for (const pkg of chosen) {
    const incremental = path.join(root, 'reports', `stryker-incremental.${pkg}.json`);
    if (ci && !existsSync(incremental)) {
      // A full run takes hours: CI never starts one. Said loudly, and the unit's floors are not checked.
      process.stderr.write(`mutate --ci: SKIPPED ${pkg}: reports/stryker-incremental.${pkg}.json is not committed; run \`pnpm mutate ${pkg}\` and commit it\n`);
      skipped.push(pkg);
      continue;
    }
    if (retestTimeouts) forgetTimeouts(incremental);
    process.stdout.write(`\nmutate: ${pkg} (${existsSync(incremental) ? 'incremental, from the committed results' : 'full run: no results yet'})\n`);
    const run = spawnSync('npx', ['stryker', 'run'], { cwd: root, stdio: 'inherit', env: { ...process.env, CLUSTR_MUTATE_UNIT: pkg } });
    if (run.status !== 0) process.exit(run.status ?? 1);
    prune(incremental, UNITS[pkg].files);
  }
  const checked = skipped.length > 0 ? chosen.filter((unit) => !skipped.includes(unit)) : args;
  if (checked.length === 0 && skipped.length > 0) process.exit(0);
  const check = spawnSync(process.execPath, [path.join(root, 'scripts', 'check-mutation.js'), ...checked], { cwd: root, stdio: 'inherit' });
  process.exit(check.status ?? 1);
}

/** Stryker keeps results of files a unit no longer mutates in its incremental file (and reports them): drop them. */
function prune(file, files) {
  if (!existsSync(file)) return;
  const results = JSON.parse(readFileSync(file, 'utf8'));
  const stale = Object.keys(results.files).filter((name) => !files.includes(name));
  if (stale.length === 0) return;
  for (const name of stale) delete results.files[name];
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

/** Drops the mutants that timed out from an incremental file: the next run tests them again. */
function forgetTimeouts(file) {
  if (!existsSync(file)) return;
  const results = JSON.parse(readFileSync(file, 'utf8'));
  let forgotten = 0;
  for (const entry of Object.values(results.files)) {
    const kept = entry.mutants.filter((mutant) => mutant.status !== 'Timeout');
    forgotten += entry.mutants.length - kept.length;
    entry.mutants = kept;
  }
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`mutate: ${forgotten} mutants that timed out are tested again\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
