#!/usr/bin/env node
// Fails when a file's mutation score is under its floor (scripts/mutation-floors.mjs), reading the
// reports Stryker writes per package (reports/mutation/<package>.json, mutation-testing-report-schema).
// Packages named as arguments are checked (default: every package); with --table it prints the
// summary table for docs/testing.md instead.
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

async function main() {
  const { FLOORS, TARGETS, UNITS, UNIT_NAMES: PACKAGES } = await import(path.join(root, 'scripts', 'mutation-floors.mjs'));
  const named = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const unknown = named.filter((name) => !PACKAGES.includes(name));
  if (unknown.length > 0) throw new Error(`unknown mutation unit ${unknown.join(', ')}; expected some of ${PACKAGES.join(', ')}`);
  const chosen = named.length > 0 ? named : PACKAGES;
  const files = {};
  const problems = [];
  const missing = new Set();
  for (const pkg of chosen) {
    const file = path.join(root, 'reports', 'mutation', `${pkg}.json`);
    if (!existsSync(file)) {
      problems.push(`${pkg}: no report at reports/mutation/${pkg}.json (run: pnpm mutate ${pkg})`);
      missing.add(pkg);
      continue;
    }
    Object.assign(files, JSON.parse(readFileSync(file, 'utf8')).files);
  }
  const rows = [];
  const table = process.argv.includes('--table');
  for (const [file, floor] of Object.entries(FLOORS)) {
    const unit = chosen.find((name) => UNITS[name].files.includes(file));
    if (unit === undefined) {
      // In no unit (or not one checked now): listed as not measured yet, never passed as met.
      if (named.length === 0) rows.push({ file, floor, score: undefined, why: 'not measured yet' });
      continue;
    }
    if (missing.has(unit)) {
      rows.push({ file, floor, score: undefined, why: 'no report' });
      continue;
    }
    const entry = files[file] ?? files[path.join(root, file)];
    if (!entry) {
      problems.push(`${file}: not in the report (is it in stryker.config.mjs's mutate list?)`);
      continue;
    }
    let detected = 0;
    let undetected = 0;
    let equivalent = 0;
    for (const mutant of entry.mutants) {
      if (DETECTED.has(mutant.status)) detected++;
      else if (UNDETECTED.has(mutant.status)) undetected++;
      // Ignored: marked equivalent in the code (a `Stryker disable` comment with its reason), or a
      // static mutant (module-level code, skipped with ignoreStatic): only the first are counted here.
      else if (mutant.status === 'Ignored' && !/static/i.test(mutant.statusReason ?? '')) equivalent++;
    }
    const total = detected + undetected;
    const score = total === 0 ? 100 : (detected / total) * 100;
    rows.push({ file, floor, score, detected, undetected, equivalent });
    if (score + 1e-9 < floor) problems.push(`${file}: ${score.toFixed(1)}% is under its floor of ${floor}% (${undetected} mutants survived or were not covered)`);
  }
  if (table) {
    process.stdout.write('| File | Score | Target | Floor (CI) | Killed or timed out | Survived or not covered | Marked equivalent |\n| --- | --- | --- | --- | --- | --- | --- |\n');
    for (const r of rows) {
      if (r.score === undefined) process.stdout.write(`| \`${r.file}\` | ${r.why} | ${TARGETS[r.file]}% | | | | |\n`);
      else process.stdout.write(`| \`${r.file}\` | ${r.score.toFixed(1)}% | ${TARGETS[r.file]}% | ${r.floor}% | ${r.detected} | ${r.undetected} | ${r.equivalent} |\n`);
    }
    return;
  }
  for (const r of rows) {
    if (r.score === undefined) process.stdout.write(`--    ${r.why} (floor ${r.floor}%)  ${r.file}\n`);
    else process.stdout.write(`${r.score >= r.floor ? 'ok  ' : 'LOW '} ${r.score.toFixed(1).padStart(5)}% (floor ${r.floor}%)  ${r.file}\n`);
  }
  const unmeasured = rows.filter((r) => r.why === 'not measured yet').length;
  if (unmeasured > 0) process.stdout.write(`\n${unmeasured} file(s) with a floor are in no mutation unit yet (scripts/mutation-floors.mjs): their floor is not enforced.\n`);
  if (problems.length > 0) {
    process.stderr.write(`\nmutation score under the floor:\n${problems.map((p) => `- ${p}`).join('\n')}\n`);
    process.exit(1);
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
