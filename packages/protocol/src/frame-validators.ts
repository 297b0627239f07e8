import * as ajvModule from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { createAjv } from './ajv-setup';
import { FRAME_KINDS, type FrameKind } from './constants';
import { FRAME_SCHEMAS } from './schema';

/** Where the generated index, its declarations and the per-kind modules live, relative to the package root. */
export const FRAME_VALIDATORS_FILE = 'src/generated/frame-validators.js';
export const FRAME_VALIDATORS_DECLARATIONS = 'src/generated/frame-validators.d.ts';
export const FRAME_VALIDATORS_DIR = 'src/generated/validators';

const NOTE = `// Generated from the TypeBox schemas in src/schema.ts by \`pnpm schema\`. Do not edit.
// A test fails while this file is out of date.
`;

// Plain CommonJS, not TypeScript: the compiled validators run to thousands of lines of nested
// conditions, which TypeScript's flow analysis cannot get through (and gains nothing from);
// the build copies the generated folder into dist/generated.
const HEADER = `${NOTE}// Ajv's standalone code: compiling at build time keeps Ajv's compiler and TypeBox out of every process's start-up.
/* eslint-disable */
`;

/** The file of one kind's validator, relative to the package root. */
export function frameValidatorFile(kind: FrameKind): string {
  return `${FRAME_VALIDATORS_DIR}/${kind}.js`;
}

/**
 * The source of every generated validator module, by file (relative to the
 * package root): one module per frame kind exporting `validate` (first error
 * only, strict schemas, the length keywords of createAjv()), and an index that
 * loads a kind's module the first time the codec asks for it.
 *
 * One module per kind, not one for all: together they are about 400 KB of
 * JavaScript, which every process would parse at start-up (about 12 ms on a
 * 2-core machine) although a worker meets only a few kinds before it is ready.
 */
export function renderFrameValidators(): Record<string, string> {
  const ajv = createAjv(ajvModule, { allErrors: false, strict: true, allowUnionTypes: true, discriminator: true, code: { source: true, esm: false, lines: true } });
  for (const kind of FRAME_KINDS) ajv.addSchema(FRAME_SCHEMAS[kind]);
  const files: Record<string, string> = {};
  for (const kind of FRAME_KINDS) {
    files[frameValidatorFile(kind)] = `${HEADER}${standaloneCode(ajv, { validate: FRAME_SCHEMAS[kind].$id! })}\n`;
  }
  // Static require() calls, one per kind, so bundlers see every module the index can load.
  const cases = FRAME_KINDS.map((kind) => `    case ${JSON.stringify(kind)}: return require(${JSON.stringify(`./validators/${kind}.js`)}).validate;`);
  files[FRAME_VALIDATORS_FILE] = `${HEADER}"use strict";
exports.kinds = ${JSON.stringify(FRAME_KINDS)};
exports.loadValidator = function loadValidator(kind) {
  switch (kind) {
${cases.join('\n')}
    default: return undefined;
  }
};
`;
  return files;
}

/** The declarations of the generated index. */
export function renderFrameValidatorDeclarations(): string {
  return `${NOTE}import type { ValidateFunction } from 'ajv';

/** The frame kinds this generated code has a validator for. */
export declare const kinds: readonly string[];
/** Loads (on first call; require caches it) the validator of one frame kind; undefined for an unknown kind. */
export declare function loadValidator(kind: string): ValidateFunction | undefined;
`;
}
