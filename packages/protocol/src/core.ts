/**
 * `@clustr/protocol/core`: everything a process needs to read and write frames,
 * without the TypeBox schema objects and without Ajv's compiler. The frame
 * validators are compiled at build time, so loading this entry costs a few
 * milliseconds where the full entry costs the TypeBox and Ajv start-up. The
 * runtime imports only this. Every name here is also exported, as the same
 * value, by the main entry.
 */
export { ERROR_CODES, ClustrError, isClustrError } from './errors';
export type { ErrorCode, ClustrErrorOptions } from './errors';

export { NAME_PATTERN, MASTER_GROUP, DEFAULT_NAMESPACE, KIND_CHANNELS, isValidName, assertNamespace, assertGroupName, channels } from './names';
export type { Channels, ChannelFamily } from './names';

export {
  PROTOCOL_VERSION,
  FRAME_KINDS,
  MAX_EXIT_CODE,
  MAX_IDENTIFIER_LENGTH,
  MAX_PID,
  MAX_FRAME_ID_LENGTH,
  MAX_METHOD_LENGTH,
  MAX_BATCH_FRAMES,
  MAX_SEQ,
  INSTANCE_PATTERN,
  SIGNATURE_ALGORITHM,
} from './constants';
export type { FrameKind, BatchableKind } from './constants';
export type { FrameOf, Frame, DataOf, Meta, ClusterInfo, Health, ProcessStatus } from './schema';

export { DECODE_ERROR_REASONS, DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_DEPTH, createCodec, decode, encode, createFrameIds, toIssues } from './codec';
export type { Codec, CodecOptions, DecodeResult, DecodeSuccess, DecodeFailure, DecodeErrorReason, FrameIssue, SingleFrame } from './codec';

export { SIGNATURE_REJECT_REASONS, MIN_SECRET_BYTES, DEFAULT_REPLAY_WINDOW_MS, createSigner, isFresh } from './signing';
export type { FrameSigner, SignatureRejectReason, VerifyResult } from './signing';

export { USER_MESSAGE_KINDS, compileMessageSchemas } from './messages';
export type {
  MessageSchema,
  MessageSchemas,
  MessageData,
  StaticOf,
  Message,
  DataValidator,
  DataValidationFailure,
  UserMessageKind,
  RequestSchemas,
  RequestMethod,
  RequestData,
  ReplyData,
  MessageValidators,
  MethodValidators,
} from './messages';
