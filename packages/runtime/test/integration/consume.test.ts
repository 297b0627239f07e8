import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// Another Node project, outside the workspace, using the built packages through their
// `exports` maps with a plain require() and a plain import.
const PACKAGES = resolve(__dirname, '..', '..', '..');
let project: string;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'clustr-consumer-'));
  mkdirSync(join(project, 'node_modules', '@clustr'), { recursive: true });
  for (const name of ['protocol', 'runtime', 'testkit']) symlinkSync(join(PACKAGES, name), join(project, 'node_modules', '@clustr', name), 'dir');
  writeFileSync(
    join(project, 'cjs.js'),
    `const runtime = require('@clustr/runtime');
const protocol = require('@clustr/protocol');
const testkit = require('@clustr/testkit');
console.log(JSON.stringify({
  master: typeof runtime.Master.create, worker: typeof runtime.Worker.create, serveHttp: typeof runtime.serveHttp,
  decode: protocol.decode('{').reason, fake: typeof testkit.FakeRedis, harness: typeof testkit.createTestCluster,
  schema: require.resolve('@clustr/protocol/schema/envelope.v1.json').endsWith('envelope.v1.json'),
}));`,
  );
  writeFileSync(
    join(project, 'esm.mjs'),
    `import { Master, Worker, ClustrError } from '@clustr/runtime';
import { decode, FRAME_KINDS } from '@clustr/protocol';
import { createTestCluster } from '@clustr/testkit';
console.log(JSON.stringify({ master: typeof Master.create, worker: typeof Worker.create, error: typeof ClustrError, decode: decode('{').reason, kinds: FRAME_KINDS.length, harness: typeof createTestCluster }));`,
  );
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

const run = (file: string) => JSON.parse(execFileSync(process.execPath, [file], { cwd: project, encoding: 'utf8' })) as Record<string, unknown>;

test('require() of every package works from another project', () => {
  expect(run('cjs.js')).toEqual({ master: 'function', worker: 'function', serveHttp: 'function', decode: 'not_json', fake: 'function', harness: 'function', schema: true });
});

test('import of every package works from another project, with named exports', () => {
  expect(run('esm.mjs')).toEqual({ master: 'function', worker: 'function', error: 'function', decode: 'not_json', kinds: 20, harness: 'function' });
});
