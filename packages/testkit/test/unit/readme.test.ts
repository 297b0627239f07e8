import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The README's examples are real tests that CI runs; this keeps the two from drifting apart.
const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!.trimEnd());

test('the README shows the example test and the code it tests, verbatim', () => {
  for (const file of ['inventory.ts', 'inventory.test.ts']) {
    const source = readFileSync(join(__dirname, 'readme-example', file), 'utf8').trimEnd();
    expect(blocks).toContain(source);
  }
});

test('the README shows the jest, node:test and vitest examples of examples/testing, verbatim', () => {
  const example = join(__dirname, '..', '..', '..', '..', 'examples', 'testing');
  for (const file of ['src/greeter.ts', 'src/start-greeter.ts', 'test/unit/greeter.test.ts', 'test/node/greeter.test.ts', 'test/vitest/greeter.test.ts']) {
    expect(blocks).toContain(readFileSync(join(example, file), 'utf8').trimEnd());
  }
});
