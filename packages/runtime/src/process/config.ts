import type Yargs from 'yargs/yargs';

/** Keys yargs adds that are not the user's. */
const YARGS_KEYS = new Set(['_', '$0']);

/**
 * Parses command-line args the way users write them (`--port=3000` gives
 * `port: 3000`, `--flag=true` gives `flag: true`); both the dashed and the
 * camel-case key are kept, as yargs does.
 */
export function parseArgs(argv: readonly string[]): Record<string, unknown> {
  // Most workers get few or no args; yargs is loaded only when there is something to parse.
  if (argv.length === 0) return {};
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load keeps start-up short
  const yargs = require('yargs/yargs') as typeof Yargs;
  const parsed = yargs([...argv]).help(false).version(false).strict(false).parserConfiguration({ 'duplicate-arguments-array': false }).parseSync();
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!YARGS_KEYS.has(key)) result[key] = booleans(value);
  }
  return result;
}

/**
 * renderArgs hands booleans down as `--key=true`, which yargs leaves a string: without
 * this, `--cluster-verbose` (and any boolean spawn arg) arrived in children as "true".
 * Dotted args (`--db.tls=true`) are objects, converted the same way all the way down.
 */
function booleans(value: unknown): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, booleans(inner)]));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const CLUSTER_ARG_PREFIX = 'cluster-';

/** The `--cluster-*` args of a parsed argv, dashed keys only (camel-case copies are dropped). */
export function clusterArgs(parsed: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (key.startsWith(CLUSTER_ARG_PREFIX)) result[key] = value;
  }
  return result;
}

/**
 * Renders args as `--key=value` flags; arrays repeat the flag. An object (what yargs makes of
 * dotted args such as `--cluster-db.host=h1`) is rendered back as dotted flags, so a child
 * parses the same object its parent did — as JSON it arrived as a string.
 */
export function renderArgs(args: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined) continue;
    if (isPlainObject(value)) {
      out.push(...renderArgs(Object.fromEntries(Object.entries(value).map(([inner, v]) => [`${key}.${inner}`, v]))));
      continue;
    }
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      // JSON for objects and lists inside a list (null too: JSON.stringify(null) is "null").
      out.push(`--${key}=${typeof item === 'object' ? JSON.stringify(item) : String(item)}`);
    }
  }
  return out;
}
