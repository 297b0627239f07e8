/**
 * `@clustr/protocol/core` is what the runtime loads in every process. It must give
 * the same values as the main entry, use validators that match the schemas, and
 * stay free of TypeBox and of Ajv's compiler: that is what keeps start-up short.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as core from '../../src/core';
import * as main from '../../src';
import { FRAME_VALIDATORS_DECLARATIONS, FRAME_VALIDATORS_FILE, renderFrameValidatorDeclarations, renderFrameValidators } from '../../src/frame-validators';

const PACKAGE = path.join(__dirname, '..', '..');

test('the committed frame validators are exactly what the schemas compile to (run `pnpm schema` when this fails)', () => {
  const committed = readFileSync(path.join(PACKAGE, FRAME_VALIDATORS_FILE), 'utf8');
  expect(committed === renderFrameValidators()).toBe(true);
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
