#!/usr/bin/env node
// Writes what is generated from the built TypeBox source: the JSON Schema files, and the Ajv
// validators the codec loads. Run `pnpm schema` after changing src/schema.ts, then build again.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { renderJsonSchemas } = require('../dist/index.js');
const { FRAME_VALIDATORS_FILE, renderFrameValidators } = require('../dist/frame-validators.js');

const root = path.join(__dirname, '..');
const dir = path.join(root, 'schema');
fs.mkdirSync(dir, { recursive: true });
const files = renderJsonSchemas();
for (const old of fs.readdirSync(dir)) {
  if (old.endsWith('.json') && !(old in files)) fs.rmSync(path.join(dir, old));
}
for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
process.stdout.write(`wrote ${Object.keys(files).length} schema files to ${path.relative(process.cwd(), dir) || '.'}\n`);

fs.writeFileSync(path.join(root, FRAME_VALIDATORS_FILE), renderFrameValidators());
process.stdout.write(`wrote ${FRAME_VALIDATORS_FILE}\n`);
