/**
 * The wire protocol of clustr: the versioned frame envelope as TypeBox schemas, channel
 * names, `encode` / `decode`, message-schema compilation and the `ClustrError` registry.
 * `@clustr/protocol/core` exports the same names without the TypeBox schema objects.
 *
 * @module @clustr/protocol
 */
export { ERROR_CODES, ClustrError, isClustrError } from './errors';
export type { ErrorCode, ClustrErrorOptions } from './errors';

export {
  NAME_PATTERN,
  MASTER_GROUP,
  DEFAULT_NAMESPACE,
  isValidName,
  assertNamespace,
  assertGroupName,
  channels,
} from './names';
export type { Channels } from './names';

export { PROTOCOL_VERSION, FRAME_KINDS, MAX_EXIT_CODE, MAX_IDENTIFIER_LENGTH, MAX_PID, MAX_FRAME_ID_LENGTH } from './constants';
export type { FrameKind } from './constants';

export {
  FRAME_SCHEMAS,
  Pid,
  GroupName,
  Meta,
  ClusterInfo,
  PublicFrame,
  PrivateFrame,
  GroupFrame,
  KillFrame,
  ConfirmationFrame,
  RegisterFrame,
  DeregisterFrame,
  ClusterInfoRequestFrame,
  ClusterInfoReplyFrame,
} from './schema';
export type { FrameOf, Frame, DataOf } from './schema';

export {
  DECODE_ERROR_REASONS,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_MAX_DEPTH,
  createCodec,
  decode,
  encode,
  createFrameIds,
  toIssues,
} from './codec';
export type { Codec, CodecOptions, DecodeResult, DecodeSuccess, DecodeFailure, DecodeErrorReason, FrameIssue } from './codec';

export { USER_MESSAGE_KINDS, compileMessageSchemas } from './messages';
export type { MessageSchema, MessageSchemas, MessageData, StaticOf, Message, DataValidator, DataValidationFailure, UserMessageKind } from './messages';

export { exportJsonSchemas, renderJsonSchemas } from './json-schema';
