#!/usr/bin/env node
// The `clustr` executable: runs the command line and exits with its code once stdout has drained.
import { main } from './cli';

void main(process.argv.slice(2)).then((code) => {
  process.stdout.write('', () => process.exit(code));
});
