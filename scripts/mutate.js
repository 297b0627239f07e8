#!/usr/bin/env node
// `pnpm mutate [unit...]`: mutation testing of the unit tier, one unit at a time (a set of files
// and the tests written for them: scripts/mutation-floors.mjs), then the per-file floors
// (scripts/check-mutation.js). Incremental: each unit's results of the last run are committed in
// reports/stryker-incremental.<unit>.json, and a run re-tests only the mutants whose code or tests
// changed since. docs/testing.md says how to run one file.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');

async function main() {
  const { UNIT_NAMES: PACKAGES } = await import(path.join(root, 'scripts', 'mutation-floors.mjs'));
  // --ci: every unit must have committed results, so the run stays incremental (minutes, not hours).
  const ci = process.argv.includes('--ci');
  const args = process.argv.slice(2).filter((a) => a !== '--ci');
  const unknown = args.filter((a) => !PACKAGES.includes(a));
  if (unknown.length > 0) {
    process.stderr.write(`mutate: unknown unit ${unknown.join(', ')}; expected some of ${PACKAGES.join(', ')}\n`);
    process.exit(2);
  }
  const chosen = args.length > 0 ? args : PACKAGES;
  for (const pkg of chosen) {
    const incremental = path.join(root, 'reports', `stryker-incremental.${pkg}.json`);
    if (ci && !existsSync(incremental)) {
      process.stderr.write(`mutate --ci: reports/stryker-incremental.${pkg}.json is missing; run \`pnpm mutate ${pkg}\` and commit it (a full run takes too long for CI)\n`);
      process.exit(1);
    }
    process.stdout.write(`\nmutate: ${pkg} (${existsSync(incremental) ? 'incremental, from the committed results' : 'full run: no results yet'})\n`);
    const run = spawnSync('npx', ['stryker', 'run'], { cwd: root, stdio: 'inherit', env: { ...process.env, CLUSTR_MUTATE_UNIT: pkg } });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
  const check = spawnSync(process.execPath, [path.join(root, 'scripts', 'check-mutation.js'), ...args], { cwd: root, stdio: 'inherit' });
  process.exit(check.status ?? 1);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
