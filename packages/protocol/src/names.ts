import { ClustrError } from './errors';

/**
 * Namespaces and group names become parts of Redis channel names. Colons separate
 * channel parts and `*?[]\` are glob characters for PSUBSCRIBE, so both are kept out;
 * so is anything a shell or a log line would mangle.
 *
 * The pattern ends in `(?![\s\S])` ("no character follows"), not `$`: it is exported in
 * the JSON Schema, and in Python's `re`, PCRE and Java `$` also matches before a final
 * newline, so those validators would accept `"web\n"`, which this package rejects.
 */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])';
const NAME_RE = new RegExp(NAME_PATTERN);

/** The group the master registers under; workers may not use it. */
export const MASTER_GROUP = 'master';
/** The namespace used when none is given. */
export const DEFAULT_NAMESPACE = 'clustr';

export function isValidName(name: unknown): name is string {
  return typeof name === 'string' && NAME_RE.test(name);
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : `a value of type ${value === null ? 'null' : typeof value}`;
}

function assertName(value: unknown, field: string, example: string): asserts value is string {
  if (!isValidName(value)) {
    throw new ClustrError(
      'CLUSTR_INVALID_NAME',
      `${field} must be 1-64 characters of letters, digits, '_', '.' or '-', starting with a letter or digit; got ${describe(value)}. ${example}`,
      { field },
    );
  }
}

export function assertNamespace(namespace: unknown, field = 'namespace'): asserts namespace is string {
  assertName(namespace, field, 'Pick a name without spaces, colons or glob characters, e.g. "shop-prod".');
}

export function assertGroupName(group: unknown, field = 'group'): asserts group is string {
  assertName(group, field, 'Pick a group name such as "web" or "jobs.email".');
}

/**
 * The only place channel names are built. Every process of one cluster uses the
 * same namespace, so several clusters share one Redis without hearing each other.
 */
export interface Channels {
  readonly namespace: string;
  /** Broadcast to every process of the cluster. */
  readonly public: string;
  /** Confirmations; every process that counts confirmations listens here. */
  readonly confirmation: string;
  /** Control frames for the master: registration, deregistration, cluster-info requests. */
  readonly master: string;
  /** Frames for one process: private messages, kill, replies. */
  private(pid: number): string;
  /** Frames for every member of one group. */
  group(name: string): string;
}

export function channels(namespace: string): Channels {
  assertNamespace(namespace);
  const prefix = `${namespace}:`;
  return {
    namespace,
    public: `${prefix}public`,
    confirmation: `${prefix}confirmation`,
    master: `${prefix}master`,
    private: (pid: number) => `${prefix}private:${pid}`,
    group: (name: string) => {
      assertGroupName(name);
      return `${prefix}group:${name}`;
    },
  };
}
