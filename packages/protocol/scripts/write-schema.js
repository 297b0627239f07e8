#!/usr/bin/env node
// Writes what is generated from the built TypeBox source: the JSON Schema files, and the Ajv
// validators the codec loads. Run `pnpm schema` after changing src/schema.ts, then build again.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
// Not the package entry: it loads the codec, which refuses a stale generated file, the very file this script rewrites.
const { PROTOCOL_VERSION } = require('../dist/constants.js');
const { renderJsonSchemas } = require('../dist/json-schema.js');
const { FRAME_VALIDATORS_FILE, FRAME_VALIDATORS_DECLARATIONS, FRAME_VALIDATORS_DIR, renderFrameValidators, renderFrameValidatorDeclarations } = require('../dist/frame-validators.js');

const root = path.join(__dirname, '..');
const dir = path.join(root, 'schema');
fs.mkdirSync(dir, { recursive: true });
const files = renderJsonSchemas();
// Files of earlier versions are frozen once released (docs/protocol.md, version policy): only this version's are rewritten.
for (const old of fs.readdirSync(dir)) {
  if (old.endsWith(`.v${PROTOCOL_VERSION}.json`) && !(old in files)) fs.rmSync(path.join(dir, old));
}
for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
process.stdout.write(`wrote ${Object.keys(files).length} schema files to ${path.relative(process.cwd(), dir) || '.'}\n`);

// The per-kind modules are written afresh: a kind that left the schema must not leave its file behind.
fs.rmSync(path.join(root, FRAME_VALIDATORS_DIR), { recursive: true, force: true });
fs.mkdirSync(path.join(root, FRAME_VALIDATORS_DIR), { recursive: true });
const generated = renderFrameValidators();
for (const [file, text] of Object.entries(generated)) fs.writeFileSync(path.join(root, file), text);
fs.writeFileSync(path.join(root, FRAME_VALIDATORS_DECLARATIONS), renderFrameValidatorDeclarations());
process.stdout.write(`wrote ${FRAME_VALIDATORS_FILE}, ${FRAME_VALIDATORS_DECLARATIONS} and ${Object.keys(generated).length - 1} validators in ${FRAME_VALIDATORS_DIR}\n`);
