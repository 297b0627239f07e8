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
