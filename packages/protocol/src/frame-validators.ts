import * as ajvModule from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { createAjv } from './ajv-setup';
import { FRAME_KINDS, FRAME_SCHEMAS } from './schema';

/** Where the generated module and its declarations live, relative to the package root. */
export const FRAME_VALIDATORS_FILE = 'src/generated/frame-validators.js';
export const FRAME_VALIDATORS_DECLARATIONS = 'src/generated/frame-validators.d.ts';

const NOTE = `// Generated from the TypeBox schemas in src/schema.ts by \`pnpm schema\`. Do not edit.
// A test fails while this file is out of date.
`;

// Plain CommonJS, not TypeScript: the compiled validators run to thousands of lines of nested
// conditions, which TypeScript's flow analysis cannot get through (and gains nothing from);
// the build copies both files into dist/generated.
const HEADER = `${NOTE}// Ajv's standalone code: compiling at build time keeps Ajv's compiler and TypeBox out of every process's start-up.
/* eslint-disable */
`;

/**
 * The source of src/generated/frame-validators.js: one Ajv validator per frame
 * kind, exported as `validate_<kind>`: first error only, strict schemas, and the
 * length keywords of createAjv().
 */
export function renderFrameValidators(): string {
  const ajv = createAjv(ajvModule, { allErrors: false, strict: true, allowUnionTypes: true, discriminator: true, code: { source: true, esm: false, lines: true } });
  const exports: Record<string, string> = {};
  for (const kind of FRAME_KINDS) {
    const schema = FRAME_SCHEMAS[kind];
    ajv.addSchema(schema);
    exports[`validate_${kind}`] = schema.$id!;
  }
  return `${HEADER}${standaloneCode(ajv, exports)}\n`;
}

/** The declarations of the generated module: one `validate_<kind>` per kind. */
export function renderFrameValidatorDeclarations(): string {
  const lines = FRAME_KINDS.map((kind) => `export declare const validate_${kind}: ValidateFunction;`);
  return `${NOTE}import type { ValidateFunction } from 'ajv';\n\n${lines.join('\n')}\n`;
}
