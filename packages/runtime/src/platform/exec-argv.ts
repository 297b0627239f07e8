/**
 * Node flags that say what this process runs rather than how Node runs: a child
 * given them would run the parent's program instead of its own file (`node -e`
 * running a master would start a master in every worker, and so on down).
 * `--check`, `--test` and `--watch` likewise change what a file means.
 */
const WITH_VALUE = new Set(['-e', '--eval', '-p', '--print', '-pe', '-ep']);
const ALONE = new Set(['-i', '--interactive', '-c', '--check', '--test', '--watch', '--watch-preserve-output', '-']);
const PREFIXES = ['--eval=', '--print=', '--test-', '--watch-path', '--input-type'];

/**
 * The flags of `execArgv` a child node process inherits: loaders, `--require`,
 * `--inspect` settings and the like carry over; the parent's own program
 * (`-e`, `-p` with their code) and run modes do not.
 */
export function inheritableExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i]!;
    if (WITH_VALUE.has(flag)) {
      // The code that follows goes too (Node requires it).
      i++;
      continue;
    }
    if (ALONE.has(flag) || PREFIXES.some((prefix) => flag.startsWith(prefix))) {
      // Its value, when written apart (`--watch-path src`, `--test-reporter spec`), goes with it:
      // in execArgv a token that is not a flag is always the value of the flag before it.
      if (!flag.includes('=')) while (i + 1 < execArgv.length && !execArgv[i + 1]!.startsWith('-')) i++;
      continue;
    }
    out.push(flag);
  }
  return out;
}
