// The packages as a user gets them. Packs @clustr/protocol, runtime, testkit and cli with
// `pnpm pack`, then:
//   1. tarball contents: README.md and LICENSE in each; every source map carries its
//      sources or points at a file inside the tarball;
//   2. @arethetypeswrong/cli on each tarball, every entry point (each schema file too),
//      strict profile: node10, node16 from CJS and from ESM, bundler all green;
//   3. the consumer matrix: the tarballs installed with plain npm into throwaway
//      projects (test/consumers), compiled with `strict` and without `skipLibCheck`,
//      each running a real master + worker cluster on the Redis at 127.0.0.1:6379;
//   4. the runtime README's examples (code blocks marked `file=cjs/...` or `file=esm/...`)
//      compiled in the CommonJS/node10 and the ESM/nodenext project as they stand, and
//      run: the master serves HTTP on a free port, then SIGTERM stops the whole cluster.
// Needs the packages built (`pnpm build`). Usage: node scripts/check-packages.js [--only name,...]
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const { cpSync, existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { get } = require('node:http');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { dirname, join, relative, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const PACKAGES = ['protocol', 'runtime', 'testkit', 'cli'];
const TEMPLATES = join(ROOT, 'test', 'consumers');
// Kept between runs, so a second run installs from the cache: `--prefer-offline`.
const NPM_CACHE = join(tmpdir(), 'clustr-consumers-npm-cache');
const RUN_TIMEOUT_MS = 60_000;
// Two projects at a time: the machines this runs on have two cores.
const PARALLEL = 2;

/** What the consumer projects install besides clustr: what a user of clustr installs. */
const THIRD_PARTY = { '@sinclair/typebox': '^0.34.41', typescript: '~5.9.3', '@types/node': '^20.19.0' };

/** Compiler options of every TypeScript project: strict, and the libraries' types checked. */
const STRICT = { target: 'es2022', strict: true, skipLibCheck: false, outDir: 'dist', rootDir: 'src', types: ['node'] };

/**
 * The projects, one per way a user's tools resolve modules. `esModuleInterop: false`
 * where a project of that kind may well not have it: no clustr .d.ts may need it.
 */
const PROJECTS = {
  'cjs-node10': { type: 'commonjs', readme: 'cjs', compilerOptions: { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: false } },
  node16: { type: 'commonjs', compilerOptions: { module: 'node16', moduleResolution: 'node16' } },
  'esm-nodenext': {
    type: 'module',
    readme: 'esm',
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true },
  },
  bundler: { type: 'module', compilerOptions: { module: 'esnext', moduleResolution: 'bundler', esModuleInterop: false } },
  javascript: { type: 'commonjs', javascript: true },
};

function log(line) {
  process.stdout.write(`[check-packages] ${line}\n`);
}

function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function run(command, args, options = {}) {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, ...options });
}

/** Runs a command; resolves with its output, rejects with the output when it fails. */
function exec(command, args, options) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(output) : reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${output}`))));
  });
}

function packageJson(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

// --- 1. pack ------------------------------------------------------------------------------

function pack(dest) {
  const tarballs = {};
  for (const name of PACKAGES) {
    const dir = join(ROOT, 'packages', name);
    const { name: fullName, version, main: entry } = packageJson(dir);
    if (!existsSync(join(dir, entry))) throw new Error(`${fullName} is not built: run pnpm build first`);
    run('npx', ['-y', 'pnpm@12.4.2', 'pack', '--pack-destination', dest], { cwd: dir });
    const file = join(dest, `${fullName.replace('@', '').replace('/', '-')}-${version}.tgz`);
    if (!existsSync(file)) throw new Error(`pnpm pack wrote no ${file}`);
    tarballs[fullName] = file;
  }
  return tarballs;
}

// --- 2. contents and attw ------------------------------------------------------------------

function walk(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Problems with what one tarball holds; an empty list when there are none. */
function contentProblems(tarball, scratch) {
  const dir = mkdtempSync(join(scratch, 'contents-'));
  run('tar', ['-xzf', tarball, '-C', dir]);
  const root = join(dir, 'package');
  const problems = [];
  for (const file of ['package.json', 'README.md', 'LICENSE']) if (!existsSync(join(root, file))) problems.push(`no ${file}`);
  const manifest = packageJson(root);
  for (const [range, spec] of Object.entries(manifest.dependencies ?? {})) if (String(spec).startsWith('workspace:')) problems.push(`dependency ${range} is still ${spec}`);
  for (const map of walk(root).filter((file) => file.endsWith('.map'))) {
    const { sources = [], sourcesContent = [], sourceRoot = '' } = JSON.parse(readFileSync(map, 'utf8'));
    sources.forEach((source, i) => {
      if (typeof sourcesContent[i] === 'string') return;
      const target = resolve(dirname(map), sourceRoot, source);
      if (!target.startsWith(root) || !existsSync(target)) problems.push(`${relative(root, map)} points at ${source}, which is not in the tarball`);
    });
  }
  return problems;
}

/** Every subpath attw cannot discover by itself: each file behind a `*` pattern of `exports`. */
function wildcardEntrypoints(tarball, scratch) {
  const dir = mkdtempSync(join(scratch, 'entries-'));
  run('tar', ['-xzf', tarball, '-C', dir, 'package/package.json']);
  const exportsMap = packageJson(join(dir, 'package')).exports ?? {};
  const entries = [];
  for (const [subpath, target] of Object.entries(exportsMap)) {
    if (!subpath.includes('*') || typeof target !== 'string') continue;
    const folder = dirname(target.replace('./', ''));
    const listing = run('tar', ['-tzf', tarball]).split('\n').filter((f) => f.startsWith(`package/${folder}/`));
    for (const file of listing) entries.push(subpath.replace('*', file.slice(`package/${folder}/`.length)));
  }
  return entries;
}

function attw(tarball, scratch) {
  const extra = wildcardEntrypoints(tarball, scratch);
  const args = [tarball, '--profile', 'strict', '--format', 'table-flipped', '--no-color'];
  if (extra.length > 0) args.push('--include-entrypoints', ...extra);
  try {
    return { ok: true, output: run(join(ROOT, 'node_modules', '.bin', 'attw'), args), entrypoints: extra.length };
  } catch (error) {
    return { ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}`, entrypoints: extra.length };
  }
}

// --- 3. consumer matrix ------------------------------------------------------------------------

function writeJson(path, value) {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** The README code blocks whose info string names a file: ```ts file=cjs/master.ts */
function readmeExamples() {
  const readme = readFileSync(join(ROOT, 'packages', 'runtime', 'README.md'), 'utf8');
  const examples = [...readme.matchAll(/^```(?:ts|js) file=(\w+)\/([\w.-]+)\n([\s\S]*?)^```$/gm)].map(([, kind, file, code]) => ({ kind, file, code }));
  for (const kind of ['cjs', 'esm']) {
    if (!examples.some((e) => e.kind === kind && e.file === 'master.ts')) throw new Error(`the runtime README has no \`file=${kind}/master.ts\` example`);
  }
  return examples;
}

function setUpProject(name, project, tarballs, scratch) {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  const clustr = Object.fromEntries(Object.entries(tarballs).map(([pkg, file]) => [pkg, `file:${file}`]));
  const dependencies = { ...clustr, '@sinclair/typebox': THIRD_PARTY['@sinclair/typebox'] };
  const devDependencies = project.javascript ? {} : { typescript: THIRD_PARTY.typescript, '@types/node': THIRD_PARTY['@types/node'] };
  // The runtime and testkit depend on @clustr/protocol 0.1.0 (and testkit on the runtime):
  // the overrides make npm take those from the tarballs too, never from a registry.
  writeJson(join(dir, 'package.json'), { name: `consumer-${name}`, private: true, type: project.type, dependencies, devDependencies, overrides: clustr });
  if (project.javascript) {
    cpSync(join(TEMPLATES, 'js'), dir, { recursive: true });
  } else {
    cpSync(join(TEMPLATES, 'ts'), join(dir, 'src'), { recursive: true });
    if (project.readme) {
      mkdirSync(join(dir, 'src', 'readme'));
      for (const { file, code } of readmeExamples().filter((e) => e.kind === project.readme)) writeFileSync(join(dir, 'src', 'readme', file), code);
    }
    writeJson(join(dir, 'tsconfig.json'), { compilerOptions: { ...STRICT, ...project.compilerOptions }, include: ['src'] });
  }
  return dir;
}

/**
 * Runs `node file` in its own process group, so every process it starts can be ended:
 * a cluster that outlives its master, or a run past the timeout, fails the project.
 */
function runCluster(dir, file, namespace, { env = {}, expectCode = 0, drive } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [file], { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env, CLUSTR_NAMESPACE: namespace } });
    let output = '';
    const waiters = [];
    const onData = (chunk) => {
      output += chunk;
      for (const waiter of waiters.splice(0)) if (!waiter(output)) waiters.push(waiter);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    let driveError;
    if (drive) {
      const waitFor = (pattern) => new Promise((found) => waiters.push((text) => pattern.test(text) && (found(text.match(pattern)), true)));
      drive({ waitFor, signal: (name) => child.kill(name) }).catch((error) => {
        driveError = error;
        child.kill('SIGKILL');
      });
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let leftovers = false;
      try {
        process.kill(-child.pid, 0);
        leftovers = true;
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // ESRCH: the whole group is gone, as it should be.
      }
      if (code === expectCode && !leftovers && !driveError) resolvePromise(output);
      else reject(new Error(`node ${file} ${signal ? `was killed (${signal}, timeout ${RUN_TIMEOUT_MS} ms)` : `exited ${code}`}${leftovers ? ' and left processes running' : ''}${driveError ? ` (${driveError.message})` : ''}\n${output}`));
    });
  });
}

function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
    server.on('error', reject);
  });
}

function httpGet(port) {
  return new Promise((resolvePromise, reject) => {
    get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolvePromise(body));
    }).on('error', reject);
  });
}

/** The README's master: serves HTTP from its workers, and SIGTERM stops the cluster (exit 15, docs/runtime.md). */
async function runReadmeExample(dir, namespace) {
  const port = await freePort();
  await runCluster(dir, join('dist', 'readme', 'master.js'), namespace, {
    env: { PORT: String(port) },
    expectCode: 15,
    drive: async ({ waitFor, signal }) => {
      await waitFor(new RegExp(`cluster started on port ${port}:`));
      const body = await httpGet(port);
      if (!/^hello from \d+$/m.test(body)) throw new Error(`GET / answered ${JSON.stringify(body)}`);
      signal('SIGTERM');
    },
  });
}

function expectLine(output, pattern, what) {
  if (!pattern.test(output)) throw new Error(`${what}: no line matching ${pattern} in\n${output}`);
}

async function checkProject(name, project, tarballs, scratch) {
  const started = Date.now();
  const dir = setUpProject(name, project, tarballs, scratch);
  await exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', '--cache', NPM_CACHE], { cwd: dir });
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path.includes('@clustr/') && !String(entry.resolved ?? '').startsWith('file:')) throw new Error(`${path} came from ${entry.resolved}, not from a tarball`);
  }
  const namespace = `consumer-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const dist = project.javascript ? '.' : 'dist';
  if (!project.javascript) await exec(join(dir, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: dir });
  const output = await runCluster(dir, join(dist, 'master.js'), namespace);
  expectLine(output, /^answer 42\b/m, `${name}: the master's round trip`);
  if (!project.javascript) expectLine(await runCluster(dir, join(dist, 'in-process.js'), namespace), /^in-process ok$/m, `${name}: the testkit`);
  if (project.readme) await runReadmeExample(dir, namespace);
  if (project.javascript) await checkBin(dir);
  return seconds(started);
}

/** The `clustr` bin as npm installed it: it runs, and finds the envelope schema in the installed protocol tarball. */
async function checkBin(dir) {
  const bin = join(dir, 'node_modules', '.bin', 'clustr');
  const version = (await exec(bin, ['--version'], { cwd: dir })).trim();
  if (version !== packageJson(join(ROOT, 'packages', 'cli')).version) throw new Error(`clustr --version printed ${JSON.stringify(version)}`);
  const schema = JSON.parse(await exec(bin, ['schema'], { cwd: dir }));
  if (!/envelope\.v\d+\.json$/.test(schema.$id)) throw new Error(`clustr schema printed a schema with $id ${schema.$id}`);
}

async function consumerMatrix(tarballs, scratch, names) {
  const queue = [...names];
  const failures = [];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      try {
        log(`consumer ${name}: ok (${await checkProject(name, PROJECTS[name], tarballs, scratch)})`);
      } catch (error) {
        failures.push(name);
        log(`consumer ${name}: FAILED\n${error.message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return failures;
}

async function main() {
  const onlyIndex = process.argv.indexOf('--only');
  const names = onlyIndex === -1 ? Object.keys(PROJECTS) : process.argv[onlyIndex + 1].split(',');
  for (const name of names) if (!PROJECTS[name]) throw new Error(`no consumer project "${name}"; there are ${Object.keys(PROJECTS).join(', ')}`);

  const started = Date.now();
  const scratch = mkdtempSync(join(tmpdir(), 'clustr-packages-'));
  const failures = [];
  try {
    const tarballs = pack(scratch);
    log(`packed ${Object.keys(tarballs).join(', ')} (${seconds(started)})`);

    for (const [name, tarball] of Object.entries(tarballs)) {
      const problems = contentProblems(tarball, scratch);
      for (const problem of problems) log(`${name}: ${problem}`);
      if (problems.length > 0) failures.push(`${name} contents`);
      const result = attw(tarball, scratch);
      log(`attw ${name}${result.entrypoints ? ` (+${result.entrypoints} schema entry points)` : ''}: ${result.ok ? 'green' : 'PROBLEMS'}`);
      if (!result.ok) {
        failures.push(`${name} attw`);
        process.stdout.write(result.output);
      }
    }
    log(`contents and attw done (${seconds(started)})`);

    failures.push(...(await consumerMatrix(tarballs, scratch, names)).map((name) => `consumer ${name}`));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  log(`${failures.length === 0 ? 'all green' : `FAILED: ${failures.join(', ')}`} in ${seconds(started)}`);
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
