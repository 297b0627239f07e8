/**
 * `@clustr/protocol/core` is what the runtime loads in every process. It must give
 * the same values as the main entry, use validators that match the schemas, and
 * stay free of TypeBox and of Ajv's compiler: that is what keeps start-up short.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as core from '../../src/core';
import * as main from '../../src';
import { FRAME_KINDS } from '../../src/constants';
import { FRAME_VALIDATORS_DECLARATIONS, FRAME_VALIDATORS_DIR, FRAME_VALIDATORS_FILE, frameValidatorFile, renderFrameValidatorDeclarations, renderFrameValidators } from '../../src/frame-validators';

const PACKAGE = path.join(__dirname, '..', '..');

test('the committed frame validators are exactly what the schemas compile to (run `pnpm schema` when this fails)', () => {
  const rendered = renderFrameValidators();
  expect(Object.keys(rendered).sort()).toEqual([FRAME_VALIDATORS_FILE, ...FRAME_KINDS.map(frameValidatorFile)].sort());
  for (const [file, text] of Object.entries(rendered)) {
    expect({ file, upToDate: readFileSync(path.join(PACKAGE, file), 'utf8') === text }).toEqual({ file, upToDate: true });
  }
  // No module of a kind that has left the schema.
  expect(readdirSync(path.join(PACKAGE, FRAME_VALIDATORS_DIR)).sort()).toEqual(FRAME_KINDS.map((kind) => `${kind}.js`).sort());
  const declarations = readFileSync(path.join(PACKAGE, FRAME_VALIDATORS_DECLARATIONS), 'utf8');
  expect(declarations).toBe(renderFrameValidatorDeclarations());
});

test('every value of the core entry is the same value in the main entry', () => {
  const names = Object.keys(core);
  expect(names.length).toBeGreaterThan(20);
  for (const name of names) expect({ name, same: (main as Record<string, unknown>)[name] === (core as Record<string, unknown>)[name] }).toEqual({ name, same: true });
});

test('loading the built core entry loads neither TypeBox nor the Ajv compiler', () => {
  const script = `
    require(${JSON.stringify(path.join(PACKAGE, 'dist', 'core.js'))});
    const loaded = Object.keys(require.cache).map((file) => file.split(require('node:path').sep).join('/'));
    process.stdout.write(JSON.stringify(loaded.filter((file) => /node_modules\\/(@sinclair\\/typebox|ajv)\\//.test(file)).map((file) => file.replace(/.*node_modules\\//, ''))));
  `;
  const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
  // The generated validators need only Ajv's small runtime helpers.
  expect(loaded.length).toBeGreaterThan(0);
  expect(loaded.filter((file) => !file.startsWith('ajv/dist/runtime/'))).toEqual([]);
});

test('the built core entry parses a kind\'s validator only when a frame of that kind is first checked', () => {
  const script = `
    const core = require(${JSON.stringify(path.join(PACKAGE, 'dist', 'core.js'))});
    const validators = () => Object.keys(require.cache).filter((file) => /[\\\\/]generated[\\\\/]validators[\\\\/]/.test(file)).map((file) => require('node:path').basename(file)).sort();
    const atLoad = validators();
    const meta = { pid: 42, group: 'web', instance: 'abc' };
    const codec = core.createCodec();
    const register = codec.decode(JSON.stringify({ v: core.PROTOCOL_VERSION, kind: 'register', id: 'f1', meta, data: { parentPid: 1 } }));
    const afterRegister = validators();
    // The fast path answers a plain user frame without Ajv; an invalid one loads that kind's validator to explain.
    codec.decode(JSON.stringify({ v: core.PROTOCOL_VERSION, kind: 'public', id: 'f2', meta, data: { n: 1 } }));
    const afterPlainPublic = validators();
    const bad = codec.decode(JSON.stringify({ v: core.PROTOCOL_VERSION, kind: 'public', id: 'f3', meta: { pid: 0, group: 'web' }, data: 1 }));
    process.stdout.write(JSON.stringify({ atLoad, registerOk: register.ok, afterRegister, afterPlainPublic, bad: bad.ok ? 'accepted' : bad.issues[0].path, afterBad: validators() }));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as Record<string, unknown>;
  expect(out).toEqual({
    atLoad: [],
    registerOk: true,
    afterRegister: ['register.js'],
    afterPlainPublic: ['register.js'],
    bad: '/meta/pid',
    afterBad: ['public.js', 'register.js'],
  });
});
