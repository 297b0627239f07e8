// Every clustr process loads @clustr/runtime before it can register, so what it loads is start-up
// time for every worker (and for every replacement during a reload). TypeBox and Ajv's compiler
// cost about as much as everything else together; the runtime must reach neither.
import { execFileSync } from 'node:child_process';

test('loading @clustr/runtime loads neither TypeBox nor the Ajv compiler', () => {
  const script = `
    require('@clustr/runtime');
    const loaded = Object.keys(require.cache).map((file) => file.split(require('node:path').sep).join('/'));
    process.stdout.write(JSON.stringify({
      ioredis: loaded.some((file) => file.includes('/node_modules/ioredis/')),
      heavy: loaded.filter((file) => /node_modules\\/(@sinclair\\/typebox|ajv)\\//.test(file) && !/ajv\\/dist\\/runtime\\//.test(file)),
    }));
  `;
  const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: __dirname })) as { ioredis: boolean; heavy: string[] };
  expect(result).toEqual({ ioredis: true, heavy: [] });
});
