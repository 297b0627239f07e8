// What a child node process inherits of its parent's flags (platform/exec-argv.ts): the way
// Node runs, never the parent's own program. Before, a master started with `node -e` gave every
// worker `-e <the master's code>`, so each worker ran a master of its own.
import { inheritableExecArgv } from '../../src/platform/exec-argv';

describe('inheritableExecArgv', () => {
  test.each([
    ['-e and its code', ['-e', 'require("./master")'], []],
    ['--eval and its code', ['--eval', 'x()'], []],
    ['--eval=code', ['--eval=x()'], []],
    ['-p, --print, -pe and their code', ['-p', '1', '--print', '2', '-pe', '3', '-ep', '4'], []],
    ['--print=code', ['--print=1'], []],
    ['the input type of the code', ['--input-type=module', '-e', 'x'], []],
    [
      'the values of dropped flags written apart, and nothing after them',
      ['--watch-path', 'src', '--enable-source-maps', '--test-reporter', 'spec', '--test-reporter-destination', 'stdout', '--input-type', 'module', '-r', 'dotenv/config', '--test-only', '--inspect'],
      ['--enable-source-maps', '-r', 'dotenv/config', '--inspect'],
    ],
    ['run modes that change what a file means', ['-i', '--interactive', '-c', '--check', '--test', '--test-reporter=tap', '--watch', '--watch-path=src', '--watch-preserve-output', '-'], []],
  ])('drops %s', (_name, execArgv, expected) => {
    expect(inheritableExecArgv(execArgv)).toEqual(expected);
  });

  test('keeps loaders, requires, inspector and V8 flags, in order, around what it drops', () => {
    const execArgv = ['--require', 'tsx/cjs', '-e', '--not-a-flag-but-code', '--import=tsx', '--max-old-space-size=512', '-r', 'dotenv/config', '--inspect=0', '--enable-source-maps', '--experimental-loader', 'ts-node/esm'];
    expect(inheritableExecArgv(execArgv)).toEqual(['--require', 'tsx/cjs', '--import=tsx', '--max-old-space-size=512', '-r', 'dotenv/config', '--inspect=0', '--enable-source-maps', '--experimental-loader', 'ts-node/esm']);
  });

  test('returns a new array and leaves its input alone', () => {
    const execArgv = Object.freeze(['--enable-source-maps']);
    const out = inheritableExecArgv(execArgv);
    expect(out).toEqual(['--enable-source-maps']);
    expect(out).not.toBe(execArgv);
  });
});
