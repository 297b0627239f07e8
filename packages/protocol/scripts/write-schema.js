#!/usr/bin/env node
// Writes the JSON Schema files from the built TypeBox source. Run `pnpm schema` after changing src/schema.ts.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { renderJsonSchemas } = require('../dist/index.js');

const dir = path.join(__dirname, '..', 'schema');
fs.mkdirSync(dir, { recursive: true });
const files = renderJsonSchemas();
for (const old of fs.readdirSync(dir)) {
  if (old.endsWith('.json') && !(old in files)) fs.rmSync(path.join(dir, old));
}
for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
process.stdout.write(`wrote ${Object.keys(files).length} schema files to ${path.relative(process.cwd(), dir) || '.'}\n`);
