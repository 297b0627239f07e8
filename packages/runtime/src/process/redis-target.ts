import { ClustrError } from '@clustr/protocol/core';

/** Where clustr connects when nothing else is configured. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * ioredis connection options that can be written as JSON, so they reach every
 * child process intact: host, port, path, username, password, db, tls (with PEM
 * strings), and the like. Functions (retryStrategy, ...) cannot travel.
 */
export type RedisConnectionOptions = Record<string, unknown>;

/** A Redis URL (`redis://`, `rediss://`, or a Unix socket path) or connection options. */
export type RedisTarget = string | RedisConnectionOptions;

export interface ResolvedRedis {
  target: RedisTarget;
  /** For messages and logs: the URL with its password replaced by `***`. */
  label: string;
  /**
   * What children get in their environment to connect to the same Redis; `undefined`
   * removes a variable inherited from further up (a URL here, options up there).
   */
  env: Record<string, string | undefined>;
  /** True when nothing was configured (no option, no environment): the default address. */
  isDefault: boolean;
}

/** `redis://user:***@host:6379/0`: the URL as it may be shown. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    // A Unix socket path, or something URL cannot parse: no password can be told apart, show it as given
    // unless it looks like it holds credentials.
    return url.includes('@') ? `${url.slice(0, url.indexOf('://') + 3)}***@${url.slice(url.lastIndexOf('@') + 1)}` : url;
  }
}

function labelOf(options: RedisConnectionOptions): string {
  if (typeof options['path'] === 'string') return options['path'];
  const scheme = options['tls'] !== undefined ? 'rediss' : 'redis';
  const user = typeof options['username'] === 'string' ? `${options['username']}${options['password'] === undefined ? '' : ':***'}@` : options['password'] === undefined ? '' : ':***@';
  return `${scheme}://${user}${String(options['host'] ?? '127.0.0.1')}:${String(options['port'] ?? 6379)}${options['db'] === undefined ? '' : `/${String(options['db'])}`}`;
}

/**
 * The Redis a process connects to: the `redis` option, else what its parent
 * handed down (`CLUSTR_REDIS_OPTIONS` as JSON, or `CLUSTR_REDIS_URL`), else the
 * default address (`CLUSTR_DEFAULT_REDIS_URL`, else redis://127.0.0.1:6379).
 */
export function resolveRedis(option: RedisTarget | undefined, env: Readonly<Record<string, string | undefined>>): ResolvedRedis {
  let target: RedisTarget | undefined = option;
  if (target === undefined && env['CLUSTR_REDIS_OPTIONS'] !== undefined) {
    try {
      target = JSON.parse(env['CLUSTR_REDIS_OPTIONS']) as RedisConnectionOptions;
    } catch (error) {
      throw new ClustrError('CLUSTR_INVALID_OPTION', `CLUSTR_REDIS_OPTIONS is not JSON (${(error as Error).message}); it is written by clustr for child processes: do not set it by hand.`, {
        field: 'CLUSTR_REDIS_OPTIONS',
        cause: error,
      });
    }
  }
  const isDefault = target === undefined && (env['CLUSTR_REDIS_URL'] === undefined || env['CLUSTR_REDIS_URL'] === '');
  // CLUSTR_DEFAULT_REDIS_URL moves the default address itself (tests use it to find nothing there): still unconfigured.
  if (target === undefined) target = env['CLUSTR_REDIS_URL'] || env['CLUSTR_DEFAULT_REDIS_URL'] || DEFAULT_REDIS_URL;
  if (typeof target === 'string') return { target, label: redactUrl(target), env: { CLUSTR_REDIS_URL: target, CLUSTR_REDIS_OPTIONS: undefined }, isDefault };
  return { target, label: labelOf(target), env: { CLUSTR_REDIS_OPTIONS: JSON.stringify(target), CLUSTR_REDIS_URL: undefined }, isDefault };
}

/** The commands clustr's own clients send: the least an ACL user of a cluster needs (docs/security.md). */
export const REDIS_ACL_COMMANDS = ['publish', 'subscribe', 'info', 'quit'] as const;

/**
 * CLUSTR_REDIS_AUTH for what Redis answered: the URL without its password,
 * Redis's own words, and what to grant or check.
 */
export function redisAuthError(label: string, namespace: string, error: Error): ClustrError {
  const answer = error.message.replace(/\.+$/, '');
  const fix = /\bNOPERM\b/.test(answer)
    ? `The ACL user needs the channels &${namespace}:* and the commands ${REDIS_ACL_COMMANDS.map((command) => `+${command}`).join(' ')} (docs/security.md).`
    : "Check the user name and password, and the ACL user's permissions (docs/security.md).";
  return new ClustrError('CLUSTR_REDIS_AUTH', `Redis at ${label} refused this process: ${answer}. ${fix}`, { cause: error });
}

/** Node's codes for a server certificate this process does not trust: retrying cannot help. */
const TLS_REFUSALS = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** True when the TLS handshake failed on the certificate (or the port does not speak TLS). */
export function isTlsRefusal(error: Error | undefined): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  // A code that is not a string is in no set of strings.
  return (TLS_REFUSALS as ReadonlySet<unknown>).has(code);
}

/** CLUSTR_REDIS_UNREACHABLE for a TLS handshake that failed, with where the CA goes. */
export function redisTlsError(label: string, error: Error): ClustrError {
  return new ClustrError(
    'CLUSTR_REDIS_UNREACHABLE',
    `the TLS handshake with Redis at ${label} failed: ${error.message.replace(/\.+$/, '')}. Give clustr the CA that signed the server's certificate (redis: { ..., tls: { ca: '<PEM>' } }, or NODE_EXTRA_CA_CERTS=<file> in the master's environment), and check that the host matches the certificate (docs/security.md).`,
    { cause: error },
  );
}

/** True for the errors Redis answers bad credentials or a missing ACL permission with. */
export function isAuthError(error: Error | undefined): boolean {
  return error !== undefined && /\b(WRONGPASS|NOAUTH|NOPERM)\b|invalid password|invalid username-password/i.test(error.message);
}
