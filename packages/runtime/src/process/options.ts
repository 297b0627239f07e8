import { closest, distance } from 'fastest-levenshtein';
import { ClustrError, assertNamespace } from '@clustr/protocol/core';

/** Node's timers fire at once past this many ms, so no timeout may exceed it. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** How a value is shown in an error: a string `'500'` is never confused with the number 500. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  if (typeof value === 'function') return 'a function';
  return typeof value === 'object' ? 'an object' : String(value);
}

function invalid(field: string, expected: string, value: unknown): ClustrError {
  return new ClustrError('CLUSTR_INVALID_OPTION', `${field} must be ${expected}; got ${describeValue(value)}.`, { field });
}

/** A check throws a ClustrError naming `field` when `value` (never undefined) is wrong. */
export type Check = (value: unknown, field: string) => void;

export const checks = {
  /** A known key whose value is checked further on, where it is used. */
  later: (() => undefined) as Check,
  ms: ((value, field) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_TIMEOUT_MS) throw invalid(field, `a whole number of milliseconds from 0 to ${MAX_TIMEOUT_MS}`, value);
  }) as Check,
  positiveMs: ((value, field) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) throw invalid(field, `a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`, value);
  }) as Check,
  count: ((value, field) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw invalid(field, 'a whole number of at least 1', value);
  }) as Check,
  boolean: ((value, field) => {
    if (typeof value !== 'boolean') throw invalid(field, 'true or false', value);
  }) as Check,
  string: ((value, field) => {
    if (typeof value !== 'string' || value === '') throw invalid(field, 'a non-empty string', value);
  }) as Check,
  function: ((value, field) => {
    if (typeof value !== 'function') throw invalid(field, 'a function', value);
  }) as Check,
  object: ((value, field) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(field, 'an object', value);
  }) as Check,
  namespace: ((value, field) => assertNamespace(value, field)) as Check,
  logger: ((value, field) => {
    const logger = value as Record<string, unknown> | null;
    if (logger === null || typeof logger !== 'object' || !['debug', 'info', 'warn', 'error'].every((level) => typeof logger[level] === 'function')) {
      throw invalid(field, 'a logger with debug, info, warn and error methods (pino works as it is)', value);
    }
  }) as Check,
  redisClient: ((value, field) => {
    const client = value as Record<string, unknown> | null;
    if (client === null || typeof client !== 'object' || !['publish', 'subscribe', 'on', 'duplicate'].every((method) => typeof client[method] === 'function')) {
      throw invalid(field, 'an ioredis client (or one with the same publish, subscribe, on and duplicate methods)', value);
    }
  }) as Check,
  secret: ((value, field) => {
    const ok = (typeof value === 'string' && value !== '') || (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string'));
    // Never describe the value itself: it may be (most of) a secret.
    if (!ok) {
      const got = !Array.isArray(value) ? typeof value : value.length === 0 ? 'an empty list' : 'a list with a non-string';
      throw new ClustrError('CLUSTR_INVALID_OPTION', `${field} must be a string or a non-empty list of strings (the first signs, all verify); got ${got}.`, { field });
    }
  }) as Check,
  redis: ((value, field) => {
    if (typeof value === 'string') {
      if (value === '') throw invalid(field, 'a Redis URL such as "redis://127.0.0.1:6379"', value);
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(field, 'a Redis URL or an ioredis options object', value);
    // It travels to every child process as JSON: anything JSON cannot carry would arrive changed.
    const problem = nonJson(value, field);
    if (problem !== undefined) {
      throw new ClustrError('CLUSTR_INVALID_OPTION', `${problem.path} is ${problem.what}, which cannot reach child processes (redis options are handed down as JSON). Use plain strings, numbers, booleans, arrays and objects; put certificates in as PEM strings.`, {
        field: problem.path,
      });
    }
  }) as Check,
};

function nonJson(value: unknown, path: string): { path: string; what: string } | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, what: String(value) };
  // In a list, JSON turns undefined into null (a key set to undefined is skipped below).
  if (value === undefined) return { path, what: 'undefined' };
  if (typeof value !== 'object') return { path, what: `a ${typeof value}` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = nonJson(value[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return { path, what: `an instance of ${(value as object).constructor?.name ?? 'a class'}` };
  for (const [key, item] of Object.entries(value)) {
    // JSON leaves the key out, and ioredis reads a missing key as it reads undefined
    // (`password: process.env.REDIS_PASSWORD` with the variable unset): it arrives the same.
    if (item === undefined) continue;
    const problem = nonJson(item, `${path}.${key}`);
    if (problem) return problem;
  }
  return undefined;
}

/** A nested options object checked like the top level (unknown keys included). */
export function nested(specs: Record<string, Check>): Check {
  return (value, field) => {
    checks.object(value, field);
    checkKeys(value as Record<string, unknown>, specs, `${field}.`);
  };
}

/**
 * Checks every key of `options` against `specs`: an unknown key is an error
 * that suggests the nearest known one, and each known key's value must pass its
 * check. Undefined values count as absent.
 */
export function checkKeys(options: Record<string, unknown>, specs: Record<string, Check>, prefix = ''): void {
  const known = Object.keys(specs);
  for (const [key, value] of Object.entries(options)) {
    const check = specs[key];
    if (check === undefined) {
      // Undefined when there is no name to guess from.
      const guess: string | undefined = closest(key, known);
      const hint = guess !== undefined && distance(key.toLowerCase(), guess.toLowerCase()) <= Math.max(2, Math.floor(key.length / 3)) ? ` Did you mean "${prefix}${guess}"?` : '';
      throw new ClustrError('CLUSTR_UNKNOWN_OPTION', `${prefix}${key} is not an option clustr knows.${hint} Known: ${known.join(', ')}.`, { field: `${prefix}${key}` });
    }
    if (value !== undefined) check(value, `${prefix}${key}`);
  }
}

/** An options object, checked to be one (or absent). */
export function optionsObject(options: unknown, name: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ClustrError('CLUSTR_INVALID_OPTION', `${name} must be an options object; got ${describeValue(options)}.`, { field: 'options' });
  }
  return options as Record<string, unknown>;
}
