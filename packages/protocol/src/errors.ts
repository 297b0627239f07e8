/**
 * Every error clustr throws carries a stable `code` from this registry. Codes are
 * never reused or renamed: tools and users match on them. Each entry says what
 * happened and how to fix it; `docs/errors.md` documents every code and a test
 * keeps the two in step.
 */
export const ERROR_CODES = {
  CLUSTR_INVALID_NAME: 'A namespace or group name would break a Redis channel name.',
  CLUSTR_RESERVED_GROUP: 'A worker asked for the group reserved for the master.',
  CLUSTR_MISSING_GROUP: 'Worker.create() was called without a group.',
  CLUSTR_INVALID_OPTION: 'An option passed to clustr has the wrong type or value.',
  CLUSTR_INVALID_ARGUMENT: 'A method was called with an argument of the wrong type or value.',
  CLUSTR_INVALID_FRAME: 'encode() was given a frame that does not match the envelope schema, nests too deep, or has a forbidden key.',
  CLUSTR_INVALID_DATA: 'Emitted data does not match the message schema the process was created with.',
  CLUSTR_NOT_SERIALIZABLE: 'Emitted data cannot be written as JSON.',
  CLUSTR_FRAME_TOO_LARGE: 'An encoded frame is larger than the configured frame limit.',
  CLUSTR_CLOSED: 'A method was called on a process that has been closed.',
  CLUSTR_CLUSTER_INFO_TIMEOUT: 'The master did not answer a cluster-info request in time.',
  CLUSTR_SPAWN_FILE_NOT_FOUND: 'spawn() was given a file that does not exist.',
  CLUSTR_TASKSET_MISSING: 'A worker asked for CPU affinity but `taskset` is not installed.',
  CLUSTR_INVALID_CPU: 'A worker asked for a CPU this machine does not have.',
  CLUSTR_SHARED_SOCKET: 'The master could not bind the shared listening socket.',
  CLUSTR_NO_SHARED_SOCKET: 'A worker asked for the shared listening socket but was not given one.',
  CLUSTR_TRANSPORT: 'The Redis transport failed to subscribe or publish.',
  CLUSTR_UNKNOWN_OPTION: 'An option name clustr does not know: most often a typo.',
  CLUSTR_REDIS_UNREACHABLE: 'Redis did not answer within connectTimeout when the process started.',
  CLUSTR_REDIS_AUTH: 'Redis refused the credentials, or the ACL user lacks a permission clustr needs.',
  CLUSTR_REDIS_UNAVAILABLE: 'Redis was unreachable while a request waited for its answer.',
  CLUSTR_OFFLINE_QUEUE_FULL: 'Redis is unreachable and the bounded offline queue is full: the frame was not sent.',
  CLUSTR_OFFLINE_TIMEOUT: 'A frame waited longer than offlineQueue.maxWait for Redis to come back: it was not sent.',
  CLUSTR_FRAMES_MISSED: "A receiver found a gap in a sender's sequence numbers: frames were lost on the way.",
  CLUSTR_FRAME_REJECTED: 'A received frame failed verification (unsigned, bad signature, stale or replayed) and was dropped.',
  CLUSTR_REQUEST_TIMEOUT: 'A request got no reply within its timeout.',
  CLUSTR_NO_MEMBER: 'A request or emitAny named a group with no live, registered member.',
  CLUSTR_TARGET_GONE: 'The process a request was waiting on left the cluster.',
  CLUSTR_NO_HANDLER: 'The target of a request has no onRequest handler for its method.',
  CLUSTR_REMOTE_ERROR: 'The request handler on the target threw or rejected.',
  CLUSTR_INVALID_REPLY: "A reply did not match the caller's reply schema.",
  CLUSTR_PROCESS_HUNG: 'A registered process sent no heartbeat within heartbeatTimeout.',
  CLUSTR_NO_MASTER: 'No master answered on this namespace and Redis.',
  CLUSTR_COMMAND_REFUSED: 'The master refused a command (a reload or stop) it cannot carry out now.',
  CLUSTR_RELOAD_FAILED: 'A rolling reload stopped early: a replacement did not become ready; the old processes keep serving.',
  CLUSTR_REDIS_SERVER_MISSING: 'No Redis answered and no redis-server program is installed to start a private one.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ClustrErrorOptions {
  /** The underlying error, kept as the standard `cause`. */
  cause?: unknown;
  /** The option, argument or frame path the error is about, e.g. `"group"` or `"/meta/pid"`. */
  field?: string;
}

/** Base class of every error clustr throws. Match on `code`, never on `message`. */
export class ClustrError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: ClustrErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ClustrError';
    this.code = code;
    this.field = options.field;
  }
}

export function isClustrError(value: unknown, code?: ErrorCode): value is ClustrError {
  return value instanceof ClustrError && (code === undefined || value.code === code);
}
