// The API reference in docs/api is generated from the TSDoc comments by TypeDoc
// (typedoc.json). `node scripts/api-docs.js` rewrites it; `--check` generates it into
// a temporary folder and fails when it differs from the committed one, so a changed
// option, event or error code cannot ship with a stale reference.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, relative, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const COMMITTED = join(ROOT, 'docs', 'api');

function generate(out) {
  execFileSync(join(ROOT, 'node_modules', '.bin', 'typedoc'), ['--out', out, '--logLevel', 'Warn', '--treatWarningsAsErrors'], { cwd: ROOT, stdio: 'inherit' });
}

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

if (process.argv.includes('--check')) {
  const scratch = mkdtempSync(join(tmpdir(), 'clustr-api-docs-'));
  try {
    generate(scratch);
    const fresh = new Map(files(scratch).map((file) => [relative(scratch, file), readFileSync(file, 'utf8')]));
    const committed = new Map(files(COMMITTED).map((file) => [relative(COMMITTED, file), readFileSync(file, 'utf8')]));
    const stale = [...new Set([...fresh.keys(), ...committed.keys()])].filter((file) => fresh.get(file) !== committed.get(file));
    if (stale.length > 0) {
      console.error(`docs/api is out of date (${stale.join(', ')}). Run: pnpm docs:api`);
      process.exitCode = 1;
    } else {
      console.log(`docs/api is up to date (${fresh.size} files)`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
} else {
  rmSync(COMMITTED, { recursive: true, force: true });
  generate(COMMITTED);
}
