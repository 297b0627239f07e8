#!/usr/bin/env node
// The generated validators are plain CommonJS with a declaration file (see src/frame-validators.ts):
// tsc does not emit them, so the build copies them next to the compiled codec, afresh, so that
// a validator removed from src/generated does not live on in dist.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
fs.rmSync(path.join(root, 'dist', 'generated'), { recursive: true, force: true });
fs.cpSync(path.join(root, 'src', 'generated'), path.join(root, 'dist', 'generated'), { recursive: true });
