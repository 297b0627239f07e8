/**
 * The protocol's plain values: no TypeBox, no Ajv, so the runtime can load them
 * (through `@clustr/protocol/core`) without paying for the schema builders.
 * src/schema.ts builds the schemas from these.
 */

/** The envelope version this package reads and writes. See docs/protocol.md for the version policy. */
export const PROTOCOL_VERSION = 1 as const;

/** Every kind of frame on the wire, as string literals: the single list the runtime dispatches over. */
export const FRAME_KINDS = [
  'public',
  'private',
  'group',
  'kill',
  'confirmation',
  'register',
  'deregister',
  'clusterInfoRequest',
  'clusterInfoReply',
] as const;

export type FrameKind = (typeof FRAME_KINDS)[number];

/** Largest exit code a process can return. */
export const MAX_EXIT_CODE = 255;
/** Longest confirmation identifier. */
export const MAX_IDENTIFIER_LENGTH = 256;
/** Largest process id (Linux caps pids far lower; this is the int32 bound). */
export const MAX_PID = 2147483647;
/** Longest frame id, and so the longest `re`. */
export const MAX_FRAME_ID_LENGTH = 64;
