import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The README's example is a real test; this keeps the two from drifting apart.
test('the README shows the example test and the code it tests, verbatim', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!.trimEnd());
  for (const file of ['inventory.ts', 'inventory.test.ts']) {
    const source = readFileSync(join(__dirname, 'readme-example', file), 'utf8').trimEnd();
    expect(blocks).toContain(source);
  }
});
