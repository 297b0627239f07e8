// prepack of every package: the tarball carries the repository's LICENSE. A copy made
// at pack time, not a committed one, so there is one license text to keep.
const { copyFileSync } = require('node:fs');
const { join } = require('node:path');

copyFileSync(join(__dirname, '..', 'LICENSE'), join(process.cwd(), 'LICENSE'));
