// vitest: `vitest run`
import { expect, test } from 'vitest';
import { startGreeter } from '../../src/start-greeter';

test('the greeter answers by name', async () => {
  const { cluster, greet, clusterInfo } = await startGreeter();
  try {
    expect(await greet('Ada')).toBe('hello, Ada');
    expect(Object.keys(await clusterInfo()).sort()).toEqual(['greeter', 'master']);
  } finally {
    await cluster.close();
  }
});
