/**
 * The protocol's plain values: no TypeBox, no Ajv, so the runtime can load them
 * (through `@clustr/protocol/core`) without paying for the schema builders.
 * src/schema.ts builds the schemas from these.
 */

/** The envelope version this package reads and writes. See docs/protocol.md for the version policy. */
export const PROTOCOL_VERSION = 2 as const;

/**
 * Every kind of frame on the wire, as string literals: the single list the runtime
 * dispatches over. Grouped by who sends them; docs/protocol.md has the table.
 */
export const FRAME_KINDS = [
  // user messages
  'public',
  'private',
  'group',
  'any',
  'request',
  'reply',
  // process control
  'kill',
  'confirmation',
  // registration and cluster state (master channel, control channel)
  'register',
  'deregister',
  'heartbeat',
  'clusterInfoRequest',
  'clusterInfoReply',
  'announce',
  'membership',
  // operator commands (the `clustr` command)
  'statusRequest',
  'statusReply',
  'command',
  'commandReply',
  // transport
  'batch',
] as const;

export type FrameKind = (typeof FRAME_KINDS)[number];

/** Kinds a batch may carry: every kind but `batch` itself. */
export type BatchableKind = Exclude<FrameKind, 'batch'>;

/** Largest exit code a process can return. */
export const MAX_EXIT_CODE = 255;
/** Longest confirmation identifier. */
export const MAX_IDENTIFIER_LENGTH = 256;
/** Largest process id (Linux caps pids far lower; this is the int32 bound). */
export const MAX_PID = 2147483647;
/** Longest frame id, and so the longest `re`. */
export const MAX_FRAME_ID_LENGTH = 64;
/** `meta.instance`: random per process start, so a reused pid is not mistaken for the process that had it before. */
export const INSTANCE_PATTERN = '^[A-Za-z0-9_-]{1,32}(?![\\s\\S])';
/** Longest request method name. */
export const MAX_METHOD_LENGTH = 128;
/** Most frames one batch may carry. */
export const MAX_BATCH_FRAMES = 1024;
/** Largest `seq`: 2^53 - 1, the largest integer every JSON reader keeps exactly. */
export const MAX_SEQ = Number.MAX_SAFE_INTEGER;
/** The signature algorithm of signed frames (docs/protocol.md, "Signed frames"). */
export const SIGNATURE_ALGORITHM = 'HMAC-SHA256' as const;
