#!/usr/bin/env node
// Writes the JavaScript the package ships: dist/index.js, the whole runtime as one CommonJS
// file, and dist/redis-watcher.js, the private-Redis watcher script beside it. tsc stays the
// type checker and writes the declarations (`--emitDeclarationOnly`, see package.json).
//
// Why one file: every clustr process loads the runtime before it can register, so its load
// time is start-up time for every worker and for every step of a reload. Node pays a resolve,
// a stat, a read and a wrapper compile for each module; for the runtime's 47 modules that was
// about 45 ms of CPU per process on a 2-core machine, most of what clustr added to the start
// of a Redis-connected worker (BENCHMARKS.md, "start"). esbuild is a well-kept bundler with
// nothing to configure beyond this file.
//
// Dependencies stay outside the bundle, @clustr/protocol above all: its error classes and
// codec must be the same objects whether a user imports them from the protocol package or
// meets them through the runtime.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const external = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).flatMap((name) => [name, `${name}/*`]);

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  tsconfig: path.join(root, 'tsconfig.build.json'),
  external,
  // Maps point at src/*.ts, which the package ships.
  sourcemap: true,
  sourcesContent: false,
  // Class and function names as written: inspect(worker) says Worker, not esbuild's renamed _Worker.
  keepNames: true,
  logLevel: 'warning',
};
esbuild.buildSync({ ...common, entryPoints: [path.join(root, 'src', 'index.ts')], outfile: path.join(root, 'dist', 'index.js') });
// Run by path (platform/redis-server.ts: join(__dirname, 'redis-watcher.js')), so it sits beside the bundle.
esbuild.buildSync({ ...common, entryPoints: [path.join(root, 'src', 'platform', 'redis-watcher.ts')], outfile: path.join(root, 'dist', 'redis-watcher.js') });

// Only declarations below dist/: JavaScript there is left from a build before the bundle, and
// would be packed (`files` holds dist) as modules nothing should load.
function prune(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) prune(file);
    else if (/\.js(\.map)?$/.test(entry.name)) fs.rmSync(file);
  }
}
const dist = path.join(root, 'dist');
for (const entry of fs.readdirSync(dist, { withFileTypes: true })) if (entry.isDirectory()) prune(path.join(dist, entry.name));
