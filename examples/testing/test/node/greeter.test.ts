// node:test, on the compiled output: `tsc -p tsconfig.build.json && node --test dist/test/node/`
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startGreeter } from '../../src/start-greeter';

// node:test's test() returns a promise the runner itself waits for.
void test('the greeter answers by name', async () => {
  const { cluster, greet, clusterInfo } = await startGreeter();
  try {
    assert.equal(await greet('Ada'), 'hello, Ada');
    assert.deepEqual(Object.keys(await clusterInfo()).sort(), ['greeter', 'master']);
  } finally {
    await cluster.close();
  }
});
