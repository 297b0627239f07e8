/**
 * `Master` and `Worker`: spawn, supervise, message and reload Node.js processes over Redis
 * pub/sub. Options, events (the `on*` methods), `Stats` and the error codes are here.
 *
 * @module @clustr/runtime
 */
export { Master } from './master/master';
export type { MasterOptions } from './master/master';
export { Worker } from './worker/worker';
export type { WorkerOptions } from './worker/worker';
export { ClusterProcess, DEFAULT_REDIS_URL, EXIT_REDIS_UNREACHABLE } from './process/cluster-process';
export type { ProcessOptions, ErrorContext, MessageHandler, KillHook, Handlers, EmitArgs, ProcessState } from './process/cluster-process';
export type { RedisTarget, RedisConnectionOptions } from './process/redis-target';
export type { ConnectionState, ConnectionChange, ConnectionInfo } from './transport/connection';
export type { OfflineQueueOptions } from './transport/outbox';
export type { InboundQueueOptions } from './transport/transport';
export type { ConfirmationMessage } from './process/confirmations';
export { ClustrRemoteError } from './process/remote-error';
export { DEFAULT_REQUEST_TIMEOUT_MS } from './process/requests';
export type { RequestTarget, RequestOptions } from './process/requests';
export type { RequestHandler, RequestMessage } from './process/request-handlers';
export type { Stats } from './process/stats';
export type { Logger, LogFields, LogLevel } from './process/logger';
export type { RejectReason, RejectedFrame, ReloadState, ChildInfo, ChildSpawnInfo, ChildExitInfo, ChildGiveUpInfo } from './process/events';
export type { SpawnDefinition, ReadyWhen } from './supervision/definition';
export type { RestartPolicy } from './supervision/supervisor';
export { DEFAULT_RESTART_POLICY } from './supervision/supervisor';
export type { ReloadResult } from './reload/reload-machine';
export { serveHttp } from './net/serve-http';
export type { ServeHttpOptions } from './net/serve-http';
export type { SharedSocketOptions } from './net/shared-socket';
export { nodePlatform } from './platform/node-platform';
export type { Platform, Clock, TimerHandle, SpawnSpec, ChildHandle, ChildExit, Signal, IpcMessage, ParentChannel } from './platform/platform';
export type { RedisLike } from './transport/redis-like';
export type { MemoryFigures, LoopDelay, LoopDelayMonitor, PrivateRedis, RedisServerControl } from './platform/platform';
export { ClusterClient } from './client/cluster-client';
export type { ClusterClientOptions, CommandProgress, PublishTarget, ReloadSummary, TailEntry } from './client/cluster-client';
export { DEFAULT_HEARTBEAT_INTERVAL_MS } from './process/heartbeat';

// Re-exported so users need one import for the common cases.
export { ClustrError, isClustrError, ERROR_CODES } from '@clustr/protocol/core';
export type { ErrorCode, ClusterInfo, Message, Meta, MessageSchema, MessageSchemas, MessageData, RequestSchemas, RequestMethod, RequestData, ReplyData, Health, ProcessStatus } from '@clustr/protocol/core';
