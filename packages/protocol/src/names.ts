import { ClustrError } from './errors';
import type { FrameKind } from './constants';

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
  /** Frames for the master: registration, deregistration, heartbeats, cluster-info, status and command requests. */
  readonly master: string;
  /** Frames from the master to every process: announcements and membership. Every process subscribes at start. */
  readonly control: string;
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
    control: `${prefix}control`,
    private: (pid: number) => `${prefix}private:${pid}`,
    group: (name: string) => {
      assertGroupName(name);
      return `${prefix}group:${name}`;
    },
  };
}

/** The channel families of a namespace; `private` and `group` are one channel per pid and per group name. */
export type ChannelFamily = 'public' | 'private' | 'group' | 'confirmation' | 'master' | 'control';

/**
 * Where each kind travels: a receiver drops a frame that arrives on a channel of
 * another family (reason `misrouted`). `private` means the receiver's own private
 * channel and `group` its own group's channel. A batch travels wherever its frames
 * do, and each of them is checked against the channel on its own.
 */
export const KIND_CHANNELS: { readonly [K in FrameKind]: readonly ChannelFamily[] } = {
  public: ['public'],
  private: ['private'],
  group: ['group'],
  any: ['private'],
  request: ['private'],
  reply: ['private'],
  kill: ['private'],
  confirmation: ['confirmation'],
  register: ['master'],
  deregister: ['master'],
  heartbeat: ['master', 'private'],
  clusterInfoRequest: ['master'],
  clusterInfoReply: ['private'],
  announce: ['control'],
  membership: ['control'],
  statusRequest: ['master'],
  statusReply: ['private'],
  command: ['master'],
  commandReply: ['private'],
  batch: ['public', 'private', 'group', 'confirmation', 'master', 'control'],
};
