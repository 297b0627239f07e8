import mitt, { type Emitter } from 'mitt';
import {
  ClustrError,
  FRAME_KINDS,
  PROTOCOL_VERSION,
  assertGroupName,
  assertNamespace,
  channels as channelNames,
  compileMessageSchemas,
  createCodec,
  createFrameIds,
  DEFAULT_NAMESPACE,
  MAX_EXIT_CODE,
  MAX_IDENTIFIER_LENGTH,
  type Channels,
  type Codec,
  type ClusterInfo,
  type DataValidator,
  type Frame,
  type FrameKind,
  type FrameOf,
  type Message,
  type MessageData,
  type MessageSchemas,
  type Meta,
  type UserMessageKind,
} from '@clustr/protocol/core';
import type { Platform, TimerHandle } from '../platform/platform';
import { nodePlatform } from '../platform/node-platform';
import type { RedisLike } from '../transport/redis-like';
import { Transport } from '../transport/transport';
import { Confirmations, type ConfirmationMessage } from './confirmations';
import { clusterArgs, parseArgs } from './config';
import type { ChildExitInfo, ChildGiveUpInfo, ChildSpawnInfo, RejectedFrame, RuntimeEvents } from './events';
import { jsonLogger, safeLogger, silentLogger, type Logger } from './logger';
import { emptyStats, trackStats, type Stats } from './stats';
import { Supervisor, validateRestartPolicy, type RestartPolicy } from '../supervision/supervisor';
import type { SpawnDefinition } from '../supervision/definition';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Options every clustr process takes. */
export interface ProcessOptions<S extends MessageSchemas = MessageSchemas> {
  /** Milliseconds a worker waits in emitReady() before registering, and the master waits between reload steps. Default `500`. */
  reloadDelay?: number;
  /** Receives structured records (pino-compatible). Default: silent, or JSON lines on stderr with `--verbose` (master) / `--cluster-verbose` (every process). */
  logger?: Logger;
  /** Redis client used to publish. Default: a new ioredis client to `redis`. */
  publisher?: RedisLike;
  /** Redis client used to subscribe (it cannot publish). Default: a new ioredis client to `redis`. */
  subscriber?: RedisLike;
  /** Redis URL for the default clients, handed down to children. Default: `CLUSTR_REDIS_URL`, else `redis://127.0.0.1:6379`. */
  redis?: string;
  /** Prefix of every channel; clusters with different namespaces share one Redis without cross-talk. Inherited by every descendant. Default: `CLUSTR_NAMESPACE`, else `"clustr"`. */
  namespace?: string;
  /** TypeBox schemas for the `data` of public, private and group messages: typed handlers and emits, validated on both ends. Default: any JSON. */
  messages?: S;
  /** Milliseconds onKill hooks get to call done() before the process exits anyway; `false` waits forever. Default `10000`. */
  killTimeout?: number | false;
  /** Milliseconds a child gets to exit after SIGTERM before it is killed with SIGKILL. Default `killTimeout + 5000` (`15000`). */
  stopTimeout?: number;
  /** Milliseconds fetchClusterInfo() waits for the master. Default `5000`. */
  clusterInfoTimeout?: number;
  /** Largest frame in bytes this process sends or accepts. Default 1 MiB. */
  maxFrameBytes?: number;
  /** How children this process spawns are restarted when they crash. Defaults: see RestartPolicy. */
  restart?: RestartPolicy;
  /** Called with every error the runtime catches: invalid frames, throwing listeners, failed publishes. */
  onError?: (error: Error, context: ErrorContext) => void;
  /** The process boundary (spawn, exit, signals, timers, Redis). Default: the real one. Tests inject @clustr/testkit's. */
  platform?: Platform;
}

export interface ErrorContext {
  event: string;
  [field: string]: unknown;
}

export type MessageHandler<D> = (message: Message<D>) => void;
export type KillHook = (done: () => void) => void;

/** Handler types of the generic `on(kind, handler)`. */
export interface Handlers<S extends MessageSchemas> {
  public: MessageHandler<MessageData<S, 'public'>>;
  private: MessageHandler<MessageData<S, 'private'>>;
  group: MessageHandler<MessageData<S, 'group'>>;
  kill: KillHook;
  error: (error: Error, context: ErrorContext) => void;
}

/** Argument lists of the generic `emit(kind, ...args)`. */
export interface EmitArgs<S extends MessageSchemas> {
  public: [data: MessageData<S, 'public'>];
  private: [pid: number, data: MessageData<S, 'private'>];
  group: [group: string, data: MessageData<S, 'group'>];
  kill: [pid: number, exitCode?: number];
  confirmation: [identifier: string];
}

export type ProcessState = 'running' | 'stopping' | 'closed';
const PROCESS_TRANSITIONS: Record<ProcessState, ProcessState[]> = {
  running: ['stopping'],
  stopping: ['closed'],
  closed: [],
};

/** Options that are objects or functions, kept out of `config`. */
const NON_CONFIG_OPTIONS = new Set(['logger', 'publisher', 'subscriber', 'messages', 'onError', 'platform', 'restart']);

export interface ProcessInit<S extends MessageSchemas> {
  group: string;
  options: ProcessOptions<S>;
  role: 'master' | 'worker';
}

interface PendingInfo {
  resolve(info: ClusterInfo): void;
  reject(error: Error): void;
  timer: TimerHandle;
}

/** Node's timers fire at once past this many ms, so no timeout may exceed it. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export function nonNegativeInteger(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_TIMEOUT_MS) {
    throw new ClustrError('CLUSTR_INVALID_OPTION', `${field} must be a whole number of milliseconds from 0 to ${MAX_TIMEOUT_MS}; got ${String(value)}.`, { field });
  }
  return value;
}

/** The runtime's own control frames (a deregister, a small cluster-info reply) must always fit. */
export const MIN_FRAME_BYTES = 1024;

function createFrameCodec(maxFrameBytes: number | undefined): Codec {
  if (maxFrameBytes === undefined) return createCodec();
  if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < MIN_FRAME_BYTES) {
    throw new ClustrError('CLUSTR_INVALID_OPTION', `maxFrameBytes must be a whole number of bytes, ${MIN_FRAME_BYTES} or more; got ${String(maxFrameBytes)}.`, { field: 'maxFrameBytes' });
  }
  return createCodec({ maxBytes: maxFrameBytes });
}

/**
 * What the master and every worker share: identity, the typed messaging API,
 * spawning, stats and shutdown. Incoming frames are decoded by the transport
 * and dispatched by kind onto one internal emitter that everything else
 * subscribes to.
 */
export abstract class ClusterProcess<S extends MessageSchemas = MessageSchemas> {
  /** This process's pid. */
  readonly pid: number;
  /** The master's pid; every descendant knows it. */
  readonly masterPid: number | undefined;
  readonly group: string;
  readonly namespace: string;
  /** Options merged with this process's own command-line args (`--port=3000` gives `port: 3000`). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Event statistics of this process. */
  readonly stats: Stats = emptyStats();

  protected readonly platform: Platform;
  protected readonly events: Emitter<RuntimeEvents> = mitt<RuntimeEvents>();
  protected readonly logger: Logger;
  protected readonly channels: Channels;
  protected readonly transport: Transport;
  protected readonly supervisor: Supervisor;
  protected readonly reloadDelay: number;
  protected readonly redisUrl: string;
  protected readonly meta: Meta;
  private subscriptions: Promise<void>;
  private readonly subscribedChannels = new Set<string>();
  protected readonly nextId: () => string;
  protected readonly stopTimeout: number;
  /** Undo process-level effects (signal handlers, parent watch); run just before exit so a second signal during shutdown is still handled. */
  protected readonly disposers: Array<() => void> = [];

  private state: ProcessState = 'running';
  private readonly validators: { [K in UserMessageKind]: DataValidator };
  private readonly confirmations: Confirmations;
  private readonly killHooks = new Set<KillHook>();
  private readonly errorHooks = new Set<(error: Error, context: ErrorContext) => void>();
  private readonly pendingInfo = new Map<string, PendingInfo>();
  private readonly killTimeout: number | false;
  private readonly clusterInfoTimeout: number;
  private readonly expectedChannel: Record<FrameKind, string>;
  private stopped: Promise<void> | undefined;
  /** The code the stop under way exits with. */
  private exitCode: number | undefined;

  protected constructor(init: ProcessInit<S>) {
    const { options, role } = init;
    if (options === null || typeof options !== 'object') {
      throw new ClustrError('CLUSTR_INVALID_OPTION', 'options must be an object.', { field: 'options' });
    }
    this.platform = options.platform ?? nodePlatform();
    const env = this.platform.env;
    this.pid = this.platform.pid;
    this.group = init.group;
    assertGroupName(this.group);
    this.namespace = options.namespace ?? env['CLUSTR_NAMESPACE'] ?? DEFAULT_NAMESPACE;
    assertNamespace(this.namespace);
    const masterFromEnv = Number(env['CLUSTR_MASTER_PID']);
    this.masterPid = role === 'master' ? this.pid : Number.isInteger(masterFromEnv) && masterFromEnv > 0 ? masterFromEnv : undefined;
    this.reloadDelay = nonNegativeInteger(options.reloadDelay, 'reloadDelay', 500);
    this.killTimeout = options.killTimeout === false ? false : nonNegativeInteger(options.killTimeout, 'killTimeout', 10_000);
    this.stopTimeout = nonNegativeInteger(options.stopTimeout, 'stopTimeout', Math.min(MAX_TIMEOUT_MS, (this.killTimeout === false ? 10_000 : this.killTimeout) + 5_000));
    this.clusterInfoTimeout = nonNegativeInteger(options.clusterInfoTimeout, 'clusterInfoTimeout', 5_000);
    this.redisUrl = options.redis ?? env['CLUSTR_REDIS_URL'] ?? DEFAULT_REDIS_URL;
    this.validators = compileMessageSchemas(options.messages);
    this.meta = { pid: this.pid, group: this.group };
    this.nextId = createFrameIds(this.pid);

    const argv = parseArgs(this.platform.argv);
    const config: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) if (!NON_CONFIG_OPTIONS.has(key)) config[key] = value;
    Object.assign(config, argv);
    this.config = config;

    const verbose = argv['cluster-verbose'] === true || (role === 'master' && argv['verbose'] === true);
    this.logger = safeLogger(options.logger ?? (verbose ? jsonLogger(this.platform, this.meta) : silentLogger));
    if (options.onError) this.errorHooks.add(options.onError);

    this.channels = channelNames(this.namespace);
    const own = this.channels.private(this.pid);
    this.expectedChannel = {
      public: this.channels.public,
      private: own,
      group: this.channels.group(this.group),
      kill: own,
      confirmation: this.channels.confirmation,
      register: this.channels.master,
      deregister: this.channels.master,
      clusterInfoRequest: this.channels.master,
      clusterInfoReply: own,
    };

    // Every option is checked before a Redis client exists: a throw after that leaked two
    // connections (and live subscriptions) that the caller has no handle to close.
    const codec = createFrameCodec(options.maxFrameBytes);
    const restart = validateRestartPolicy(options.restart);
    // Clients clustr creates (a duplicate included) are clustr's to quit; clients the user passed stay the user's.
    const publisher = options.publisher ?? this.platform.createRedis(this.redisUrl);
    const subscriber = options.subscriber ?? (options.publisher ? options.publisher.duplicate() : this.platform.createRedis(this.redisUrl));
    const owned = [...(options.publisher ? [] : [publisher]), ...(options.subscriber ? [] : [subscriber])];
    this.transport = new Transport({
      publisher,
      subscriber,
      ownsPublisher: options.publisher === undefined,
      ownsSubscriber: options.subscriber === undefined,
      clock: this.platform.clock,
      codec,
      onFrame: (frame, channel) => this.receive(frame, channel),
      onReject: (rejected) => this.reject(rejected),
    });
    for (const client of owned) {
      client.on('error', (error: Error) => this.logger.warn({ event: 'redis.error', error }, 'Redis connection error'));
    }

    trackStats(this.events, this.stats);
    this.confirmations = new Confirmations(this.events, (name, fn) => this.invoke(name, fn));
    this.events.on('kill', (frame) => {
      this.logger.info({ event: 'kill.received', from: frame.meta.pid, code: frame.data.code }, 'kill requested');
      void this.shutdown(frame.data.code, 'kill');
    });
    this.events.on('clusterInfoReply', (frame) => {
      const pending = frame.re === undefined ? undefined : this.pendingInfo.get(frame.re);
      if (!pending || frame.re === undefined) return;
      // Only the master answers; a reply from anyone else is not the cluster's state.
      if (this.masterPid !== undefined && frame.meta.pid !== this.masterPid) return;
      this.pendingInfo.delete(frame.re);
      this.platform.clock.clearTimeout(pending.timer);
      pending.resolve(frame.data);
    });
    this.events.on('childExited', ({ pid }) => {
      // The child may have died without a word (SIGKILL); tell the master so cluster info stays true.
      if (this.state !== 'closed' && pid > 0) void this.publish(this.channels.master, this.frame('deregister', { pid })).catch(() => undefined);
    });

    // The private (and master) channel always: kills and replies must arrive. Public, group and
    // confirmation channels are subscribed with their first listener, so Redis sends a process
    // nothing it would only decode and drop.
    this.subscriptions = Promise.resolve();
    this.subscribeTo(role === 'master' ? [own, this.channels.master] : [own]);

    this.supervisor = new Supervisor({
      platform: this.platform,
      events: this.events,
      logger: this.logger,
      restart,
      stopTimeout: this.stopTimeout,
      inheritedArgs: clusterArgs(argv),
      childEnv: () => ({
        CLUSTR_MASTER_PID: String(this.masterPid ?? ''),
        CLUSTR_PARENT_PID: String(this.pid),
        CLUSTR_NAMESPACE: this.namespace,
        CLUSTR_REDIS_URL: this.redisUrl,
      }),
      inheritFds: () => this.inheritFds(),
      gate: this.subscribed.then(
        () => undefined,
        () => undefined,
      ),
    });
  }

  /** Resolves once every subscription asked for so far is confirmed by Redis. */
  protected get subscribed(): Promise<void> {
    return this.subscriptions;
  }

  // ---- listeners -------------------------------------------------------------------------

  /**
   * Calls `handler` with every public message (this process's own included) sent
   * after the first public listener was added: the process subscribes to the
   * public channel then, so one that never listens is never sent them. Returns a
   * function that removes the handler.
   */
  onPublic(handler: MessageHandler<MessageData<S, 'public'>>): () => void {
    const off = this.addMessageListener('public', 'onPublic', handler as MessageHandler<unknown>);
    this.subscribeTo([this.channels.public]);
    return off;
  }

  /** Calls `handler` with every private message sent to this process. */
  onPrivate(handler: MessageHandler<MessageData<S, 'private'>>): () => void {
    return this.addMessageListener('private', 'onPrivate', handler as MessageHandler<unknown>);
  }

  /** Calls `handler` with every message sent to this process's group (subscribed with the first group listener, as for onPublic). */
  onGroup(handler: MessageHandler<MessageData<S, 'group'>>): () => void {
    const off = this.addMessageListener('group', 'onGroup', handler as MessageHandler<unknown>);
    this.subscribeTo([this.channels.group(this.group)]);
    return off;
  }

  /**
   * Runs `hook(done)` when this process is asked to stop (emitKill, SIGTERM,
   * parent gone); the process exits only after every hook has called done(), or
   * after `killTimeout`.
   */
  onKill(hook: KillHook): () => void {
    this.assertFunction(hook, 'onKill');
    this.killHooks.add(hook);
    return () => {
      this.killHooks.delete(hook);
    };
  }

  /** Calls `callback(messages)` every time `identifier` has been confirmed `count` more times, with the sender of each. */
  onConfirmation(count: number, identifier: string, callback: (messages: ConfirmationMessage[]) => void): () => void {
    if (!Number.isInteger(count) || count < 1) {
      throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `onConfirmation count must be a whole number of at least 1; got ${String(count)}.`, { field: 'count' });
    }
    this.assertIdentifier(identifier);
    this.assertFunction(callback, 'onConfirmation');
    this.subscribeTo([this.channels.confirmation]);
    return this.confirmations.add(count, identifier, callback);
  }

  /** Calls `handler` with every error the runtime catches (invalid frames, throwing listeners, failed publishes). */
  onError(handler: (error: Error, context: ErrorContext) => void): () => void {
    this.assertFunction(handler, 'onError');
    this.errorHooks.add(handler);
    return () => {
      this.errorHooks.delete(handler);
    };
  }

  /** Calls `callback` each time a child this process supervises is started, first launch or respawn. */
  onChildSpawn(callback: (child: ChildSpawnInfo) => void): () => void {
    return this.addChildListener('childSpawned', 'onChildSpawn', callback);
  }

  /** Calls `callback` each time a child this process supervises exits, however it ends (exit code, signal, failed start). */
  onChildExit(callback: (exit: ChildExitInfo) => void): () => void {
    return this.addChildListener('childExited', 'onChildExit', callback);
  }

  /** Calls `callback` when the supervisor gives up on a crashing child (`restart.maxRestarts` within `restart.window`); it is not restarted again. */
  onChildGaveUp(callback: (child: ChildGiveUpInfo) => void): () => void {
    return this.addChildListener('childGaveUp', 'onChildGaveUp', callback);
  }

  /** Typed alias of onPublic/onPrivate/onGroup/onKill/onError. */
  on<K extends keyof Handlers<S>>(kind: K, handler: Handlers<S>[K]): () => void {
    switch (kind) {
      case 'public':
        return this.onPublic(handler as Handlers<S>['public']);
      case 'private':
        return this.onPrivate(handler as Handlers<S>['private']);
      case 'group':
        return this.onGroup(handler as Handlers<S>['group']);
      case 'kill':
        return this.onKill(handler as KillHook);
      case 'error':
        return this.onError(handler as Handlers<S>['error']);
      default:
        throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `on() got unknown kind ${JSON.stringify(kind)}; use public, private, group, kill or error.`, { field: 'kind' });
    }
  }

  // ---- emitters --------------------------------------------------------------------------

  /** Sends `data` to every process of the cluster. Resolves to the number of receivers. */
  emitPublic(data: MessageData<S, 'public'>): Promise<number> {
    this.assertData('public', data);
    return this.send(this.channels.public, this.frame('public', data));
  }

  /** Sends `data` to the process `pid`. Resolves to the number of receivers (0 when no such process listens). */
  emitPrivate(pid: number, data: MessageData<S, 'private'>): Promise<number> {
    this.assertPid(pid, 'pid');
    this.assertData('private', data);
    return this.send(this.channels.private(pid), this.frame('private', data));
  }

  /** Sends `data` to every process of `group`. */
  emitGroup(group: string, data: MessageData<S, 'group'>): Promise<number> {
    assertGroupName(group);
    this.assertData('group', data);
    return this.send(this.channels.group(group), this.frame('group', data));
  }

  /** Asks process `pid` to run its onKill hooks and exit with `exitCode` (0-255, default 0). Killing the master stops the cluster. */
  emitKill(pid: number, exitCode = 0): Promise<number> {
    this.assertPid(pid, 'pid');
    if (!Number.isInteger(exitCode) || exitCode < 0 || exitCode > MAX_EXIT_CODE) {
      throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `exitCode must be a whole number from 0 to ${MAX_EXIT_CODE}; got ${String(exitCode)}.`, { field: 'exitCode' });
    }
    return this.send(this.channels.private(pid), this.frame('kill', { pid, code: exitCode }));
  }

  /** Confirms `identifier` once to every process that counts it with onConfirmation. */
  emitConfirmation(identifier: string): Promise<number> {
    this.assertIdentifier(identifier);
    return this.send(this.channels.confirmation, this.frame('confirmation', { identifier }));
  }

  /** Typed alias of the emit* methods. */
  emit<K extends keyof EmitArgs<S>>(kind: K, ...args: EmitArgs<S>[K]): Promise<number> {
    const a = args as unknown[];
    switch (kind) {
      case 'public':
        return this.emitPublic(a[0] as MessageData<S, 'public'>);
      case 'private':
        return this.emitPrivate(a[0] as number, a[1] as MessageData<S, 'private'>);
      case 'group':
        return this.emitGroup(a[0] as string, a[1] as MessageData<S, 'group'>);
      case 'kill':
        return this.emitKill(a[0] as number, a[1] as number | undefined);
      case 'confirmation':
        return this.emitConfirmation(a[0] as string);
      default:
        throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `emit() got unknown kind ${JSON.stringify(kind)}; use public, private, group, kill or confirmation.`, { field: 'kind' });
    }
  }

  /** Asks the master for the registered pids by group. Rejects with CLUSTR_CLUSTER_INFO_TIMEOUT when it does not answer in time. */
  fetchClusterInfo(timeoutMs: number = this.clusterInfoTimeout): Promise<ClusterInfo> {
    const id = this.nextId();
    return new Promise<ClusterInfo>((resolve, reject) => {
      const timer = this.platform.clock.setTimeout(() => {
        this.pendingInfo.delete(id);
        reject(
          new ClustrError(
            'CLUSTR_CLUSTER_INFO_TIMEOUT',
            `the master did not answer a cluster-info request within ${timeoutMs} ms. Check that the master is running in namespace "${this.namespace}" on the same Redis.`,
          ),
        );
      }, timeoutMs);
      this.pendingInfo.set(id, { resolve, reject, timer });
      this.subscribed
        .then(() => this.send(this.channels.master, { ...this.frame('clusterInfoRequest', {}), id }))
        .catch((error: Error) => {
          this.pendingInfo.delete(id);
          this.platform.clock.clearTimeout(timer);
          reject(error);
        });
    });
  }

  /** Callback form of fetchClusterInfo(); errors go to onError. */
  emitClusterInfo(callback: (info: ClusterInfo) => void): void {
    this.assertFunction(callback, 'emitClusterInfo');
    this.fetchClusterInfo().then(
      (info) => this.invoke('emitClusterInfo', () => callback(info)),
      (error: Error) => this.report(error, { event: 'clusterInfo' }),
    );
  }

  // ---- processes -------------------------------------------------------------------------

  /** Starts children and supervises them (respawn with backoff). Throws before spawning anything when a definition is wrong. */
  spawn(definitions: SpawnDefinition[]): void {
    this.assertRunning('spawn');
    this.supervisor.spawn(definitions);
  }

  /** Deregisters, stops this process's children, closes its connections and exits with `exitCode` (default 1). onKill hooks do not run. */
  close(exitCode = 1): Promise<void> {
    return this.shutdown(exitCode, 'close', false);
  }

  /** `running`, `stopping` or `closed`. */
  get status(): ProcessState {
    return this.state;
  }

  // ---- internals shared with Master and Worker -------------------------------------------

  protected inheritFds(): number[] {
    return [];
  }

  /** Work a subclass does before its children are stopped (the master cancels a reload). */
  protected beforeStop(): void {}

  /** What a subclass publishes before its connections close (a worker deregisters). */
  protected async beforeDisconnect(): Promise<void> {}

  protected frame<K extends FrameKind>(kind: K, data: FrameOf<K>['data']): FrameOf<K> {
    return { v: PROTOCOL_VERSION, kind, id: this.nextId(), meta: this.meta, data } as FrameOf<K>;
  }

  /** Publishes a frame the runtime built (not counted in user stats). */
  protected publish(channel: string, frame: Frame): Promise<number> {
    let sent: Promise<number>;
    try {
      sent = this.transport.publish(channel, frame);
    } catch (error) {
      // Runtime frames are published from Redis and child-exit handlers: a throw there would be uncaught.
      sent = Promise.reject(error as Error);
    }
    sent.catch((error: Error) => this.report(error, { event: 'publish', kind: frame.kind, channel }));
    return sent;
  }

  protected report(error: Error, context: ErrorContext): void {
    this.logger.error({ ...context, error }, error.message);
    // Snapshot, as every hook set is iterated: a handler re-adding itself must wait for the next error.
    for (const hook of [...this.errorHooks]) {
      try {
        hook(error, context);
      } catch (hookError) {
        this.logger.error({ event: 'onError.threw', error: hookError }, 'an onError handler threw');
      }
    }
  }

  /** Runs user code so that a throw is reported, counted and never breaks the dispatcher. False when it threw. */
  protected invoke(listener: string, fn: () => unknown, onRejected?: () => void): boolean {
    try {
      const result = fn();
      // An async listener that rejects is reported like one that throws, never left unhandled.
      if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
        (result as PromiseLike<unknown>).then(undefined, (error: unknown) => {
          this.listenerFailed(listener, error);
          onRejected?.();
        });
      }
      return true;
    } catch (error) {
      this.listenerFailed(listener, error);
      return false;
    }
  }

  /** Counts and reports a listener that threw or rejected. A method, not a closure: invoke() runs for every message. */
  private listenerFailed(listener: string, error: unknown): void {
    this.events.emit('listenerError', { listener, error });
    const wrapped = error instanceof Error ? error : new Error(String(error));
    this.report(wrapped, { event: 'listener.threw', listener });
  }

  /**
   * Stops this process once: hooks, children, deregistration, connections, exit. A second
   * request while stopping (close() from an onKill hook, another kill, the parent dying) is
   * a no-op: the stop under way keeps its steps and its exit code, and the same promise is
   * returned.
   */
  protected shutdown(code: number, reason: string, runKillHooks = true): Promise<void> {
    if (this.stopped) {
      if (this.state === 'stopping') {
        this.logger.info({ event: 'stop.again', reason, code, exitCode: this.exitCode }, `${reason} while stopping changes nothing; exiting with ${this.exitCode}`);
      }
      return this.stopped;
    }
    this.setState('stopping', { reason, code });
    this.exitCode = code;
    // From now on nothing is respawned and no reload step starts, while the hooks run.
    this.beforeStop();
    this.supervisor.freeze();
    // Set before any hook runs: a hook that calls close() must find this stop under way.
    this.stopped = Promise.resolve().then(() => this.stop(code, runKillHooks));
    return this.stopped;
  }

  /**
   * Ends a stop under way at once: SIGKILL to every child, no more waiting for hooks,
   * children or Redis, exit with the code the stop started with. What a second SIGTERM
   * or SIGINT to the master does.
   */
  protected stopNow(reason: string): void {
    if (this.state !== 'stopping') return;
    const children = this.supervisor.killAll();
    const code = this.exitCode!;
    this.logger.warn({ event: 'signal.force', signal: reason, children, code }, `received ${reason} while stopping; killed ${children.length} children, exiting now`);
    for (const dispose of this.disposers.splice(0)) dispose();
    this.setState('closed', { code, forced: true });
    this.platform.exit(code);
  }

  private async stop(code: number, runKillHooks: boolean): Promise<void> {
    // stopNow() may end the process while this waits: after each wait, nothing more to do.
    const forced = () => this.state === 'closed';
    try {
      if (runKillHooks) await this.runKillHooks();
      if (forced()) return;
      await this.supervisor.stopAll();
      if (forced()) return;
      await this.beforeDisconnect();
    } catch (error) {
      this.report(error as Error, { event: 'shutdown' });
    }
    if (forced()) return;
    for (const pending of this.pendingInfo.values()) {
      this.platform.clock.clearTimeout(pending.timer);
      pending.reject(new ClustrError('CLUSTR_CLOSED', 'the process closed before the master answered.'));
    }
    this.pendingInfo.clear();
    this.events.all.clear();
    this.confirmations.clear();
    await this.transport.close();
    if (forced()) return;
    for (const dispose of this.disposers.splice(0)) dispose();
    this.setState('closed', { code });
    this.platform.exit(code);
  }

  protected setState(next: ProcessState, fields: Record<string, unknown> = {}): void {
    const from = this.state;
    if (!PROCESS_TRANSITIONS[from].includes(next)) {
      throw new Error(`clustr internal error: process state ${from} -> ${next} is not a valid transition`);
    }
    this.state = next;
    this.logger.info({ event: 'process.state', from, to: next, ...fields }, `${from} -> ${next}`);
  }

  protected assertRunning(method: string): void {
    if (this.state !== 'running') {
      throw new ClustrError('CLUSTR_CLOSED', `${method}() was called on a process that is ${this.state}.`);
    }
  }

  /**
   * One failure reporter per kind, made once: a closure per message (to name the
   * channel too) cost about 130 ns and an allocation on every emit.
   */
  private readonly reportSendFailure = Object.fromEntries(
    FRAME_KINDS.map((kind) => [kind, (error: Error) => this.report(error, { event: 'publish', kind })]),
  ) as Record<FrameKind, (error: Error) => void>;

  /**
   * A user emit: an invalid frame throws a ClustrError at the call; a failed publish
   * rejects the returned promise and is reported through onError, so a caller that
   * ignores the promise never gets an unhandled rejection.
   */
  private send(channel: string, frame: Frame): Promise<number> {
    const sent = this.transport.publish(channel, frame);
    sent.catch(this.reportSendFailure[frame.kind]);
    this.events.emit('emitted', frame);
    return sent;
  }

  private subscribeTo(channels: string[]): void {
    const fresh = channels.filter((channel) => !this.subscribedChannels.has(channel));
    if (fresh.length === 0) return;
    for (const channel of fresh) this.subscribedChannels.add(channel);
    const done = this.transport.subscribe(fresh);
    done.catch((error: Error) => this.report(error, { event: 'subscribe', channels: fresh }));
    this.subscriptions = Promise.all([this.subscriptions, done]).then(() => undefined);
  }

  private addMessageListener(kind: UserMessageKind, name: string, handler: MessageHandler<unknown>): () => void {
    this.assertFunction(handler, name);
    const listener = (frame: FrameOf<UserMessageKind>) => this.invoke(name, () => handler({ meta: frame.meta, data: frame.data }));
    this.events.on(kind, listener);
    return () => this.events.off(kind, listener);
  }

  private addChildListener<K extends 'childSpawned' | 'childExited' | 'childGaveUp'>(kind: K, name: string, callback: (event: RuntimeEvents[K]) => void): () => void {
    this.assertFunction(callback, name);
    const listener = (event: RuntimeEvents[K]) => this.invoke(name, () => callback({ ...event }));
    this.events.on(kind, listener);
    return () => this.events.off(kind, listener);
  }

  private receive(frame: Frame, channel: string): void {
    if (channel !== this.expectedChannel[frame.kind]) {
      this.reject({ reason: 'misrouted', channel, message: `a ${frame.kind} frame arrived on ${channel}`, issues: [{ path: '/kind', keyword: 'channel', message: `does not belong on ${channel}` }] });
      return;
    }
    (this.dispatch[frame.kind] as (frame: Frame, channel: string) => void)(frame, channel);
  }

  /** One handler per kind: a new kind does not compile until it is handled here. */
  private readonly dispatch: { [K in FrameKind]: (frame: FrameOf<K>, channel: string) => void } = {
    public: (frame, channel) => this.deliver('public', frame, channel),
    private: (frame, channel) => this.deliver('private', frame, channel),
    group: (frame, channel) => this.deliver('group', frame, channel),
    kill: (frame, channel) => {
      if (frame.data.pid !== this.pid) {
        this.reject({ reason: 'misrouted', channel, message: `a kill for pid ${frame.data.pid} arrived at pid ${this.pid}`, issues: [{ path: '/data/pid', keyword: 'const', message: `is not ${this.pid}` }] });
        return;
      }
      this.events.emit('kill', frame);
    },
    confirmation: (frame) => this.events.emit('confirmation', frame),
    register: (frame) => this.events.emit('register', frame),
    deregister: (frame) => this.events.emit('deregister', frame),
    clusterInfoRequest: (frame) => this.events.emit('clusterInfoRequest', frame),
    clusterInfoReply: (frame) => this.events.emit('clusterInfoReply', frame),
  };

  private deliver<K extends UserMessageKind>(kind: K, frame: FrameOf<K>, channel: string): void {
    const verdict = this.validators[kind](frame.data);
    if (!verdict.ok) {
      this.reject({ reason: 'invalid_data', channel, message: `invalid_data: ${verdict.message}`, issues: verdict.issues });
      return;
    }
    (this.events.emit as (type: K, event: FrameOf<K>) => void)(kind, frame);
  }

  private reject(rejected: RejectedFrame): void {
    this.events.emit('rejected', rejected);
    const error = new ClustrError('CLUSTR_INVALID_FRAME', `dropped a frame on ${rejected.channel}: ${rejected.message}`);
    this.report(error, { event: 'frame.rejected', reason: rejected.reason, channel: rejected.channel, issues: rejected.issues });
  }

  private async runKillHooks(): Promise<void> {
    const hooks = [...this.killHooks];
    if (hooks.length === 0) return;
    const { clock } = this.platform;
    let timer: TimerHandle | undefined;
    const all = Promise.all(
      hooks.map(
        (hook) =>
          new Promise<void>((resolve) => {
            let called = false;
            const done = () => {
              if (called) return;
              called = true;
              resolve();
            };
            // A hook that throws has finished, badly: waiting for its done() would only add killTimeout.
            if (!this.invoke('onKill', () => hook(done), done)) done();
          }),
      ),
    );
    const killTimeout = this.killTimeout;
    if (killTimeout === false) {
      await all;
      return;
    }
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = clock.setTimeout(() => resolve('timeout'), killTimeout);
    });
    const outcome = await Promise.race([all.then(() => 'done' as const), timedOut]);
    if (timer !== undefined) clock.clearTimeout(timer);
    if (outcome === 'timeout') {
      this.logger.warn({ event: 'kill.timeout', timeoutMs: killTimeout }, `onKill did not call done() within ${killTimeout} ms; exiting anyway`);
    }
  }

  private assertData(kind: UserMessageKind, data: unknown): void {
    if (data === undefined) {
      throw new ClustrError('CLUSTR_INVALID_DATA', `emit${kind[0]!.toUpperCase()}${kind.slice(1)}: data is undefined, which JSON cannot carry. Send null or a value.`, { field: '/data' });
    }
    const verdict = this.validators[kind](data);
    if (!verdict.ok) {
      const issue = verdict.issues[0]!;
      throw new ClustrError('CLUSTR_INVALID_DATA', `emit${kind[0]!.toUpperCase()}${kind.slice(1)}: ${issue.path} ${issue.message}. Send data that matches messages.${kind}.`, {
        field: issue.path,
      });
    }
  }

  private assertPid(pid: unknown, field: string): void {
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid < 1) {
      throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `${field} must be a process id (a whole number of at least 1); got ${String(pid)}.`, { field });
    }
  }

  private assertIdentifier(identifier: unknown): void {
    if (typeof identifier !== 'string' || identifier.length === 0 || identifier.length > MAX_IDENTIFIER_LENGTH) {
      throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `identifier must be a string of 1 to ${MAX_IDENTIFIER_LENGTH} characters; got ${typeof identifier === 'string' ? `${identifier.length} characters` : typeof identifier}.`, {
        field: 'identifier',
      });
    }
  }

  protected assertFunction(fn: unknown, method: string): void {
    if (typeof fn !== 'function') {
      throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `${method}() needs a function; got ${fn === null ? 'null' : typeof fn}.`, { field: 'handler' });
    }
  }
}
