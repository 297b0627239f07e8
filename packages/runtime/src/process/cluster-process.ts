import mitt, { type Emitter } from 'mitt';
import { randomBytes } from 'node:crypto';
import {
  ClustrError,
  DEFAULT_REPLAY_WINDOW_MS,
  FRAME_KINDS,
  KIND_CHANNELS,
  PROTOCOL_VERSION,
  assertGroupName,
  channels as channelNames,
  compileMessageSchemas,
  createCodec,
  createFrameIds,
  DEFAULT_NAMESPACE,
  MAX_EXIT_CODE,
  MAX_IDENTIFIER_LENGTH,
  type ChannelFamily,
  type Channels,
  type Codec,
  type ClusterInfo,
  type Frame,
  type FrameKind,
  type FrameOf,
  type Message,
  type MessageData,
  type MessageSchemas,
  type Meta,
  type SingleFrame,
  type UserMessageKind,
  type MessageValidators,
  type RequestData,
  type RequestMethod,
  type ReplyData,
} from '@clustr/protocol/core';
import type { Platform, TimerHandle } from '../platform/platform';
import { nodePlatform } from '../platform/node-platform';
import { directPublisher } from '../platform/direct-publish';
import { stacklessError } from '../internal/stackless';
import type { RedisLike } from '../transport/redis-like';
import { Transport, DEFAULT_INBOUND_QUEUE, type InboundQueueOptions } from '../transport/transport';
import { DEFAULT_OFFLINE_QUEUE, TRAILER_BYTES, type OfflineQueueOptions } from '../transport/outbox';
import type { ConnectionChange, ConnectionInfo } from '../transport/connection';
import { Confirmations, type ConfirmationMessage } from './confirmations';
import { clusterArgs, parseArgs } from './config';
import type { ChildExitInfo, ChildGiveUpInfo, ChildSpawnInfo, RejectedFrame, RuntimeEvents } from './events';
import { jsonLogger, safeLogger, silentLogger, type Logger } from './logger';
import { LogLimiter } from './log-limiter';
import { checkKeys, checks, nested, optionsObject, MAX_TIMEOUT_MS, type Check } from './options';
import { PendingReplies, timeoutError } from './pending';
import { isAuthError, isTlsRefusal, redisAuthError, redisTlsError, resolveRedis, type RedisTarget, type ResolvedRedis } from './redis-target';
import { KeyRing, invalidSecretArgument } from './keyring';
import { emptyStats, trackStats, type Stats } from './stats';
import { Supervisor, RESTART_POLICY_CHECKS, validateRestartPolicy, type RestartPolicy } from '../supervision/supervisor';
import type { SpawnDefinition } from '../supervision/definition';
import { MESSAGES_CHECK } from './messages-option';
import { RequestHandlers, type RequestHandler } from './request-handlers';
import { DEFAULT_REQUEST_TIMEOUT_MS, Requests, type RequestOptions, type RequestTarget } from './requests';
import { bounded } from '../transport/transport';
import { Heartbeat, heartbeatEnv, resolveHeartbeat, type HeartbeatSettings } from './heartbeat';
import { Watchdog } from '../supervision/watchdog';
import { chooseRedis, deferredClients, wantsPrivateRedis, type RedisChoice } from './embedded-redis';
import { RESTARTS_ENV } from '../supervision/supervisor';

export { MAX_TIMEOUT_MS } from './options';
export { DEFAULT_REDIS_URL } from './redis-target';

/** Exit code of a process that could not reach Redis at start (sysexits' EX_UNAVAILABLE). */
export const EXIT_REDIS_UNREACHABLE = 69;

/** Options every clustr process takes. */
export interface ProcessOptions<S extends MessageSchemas = MessageSchemas> {
  /** Milliseconds the master waits after a replacement registered before it retires the old child, during a reload. Default `500`. */
  reloadDelay?: number;
  /** Receives structured records (pino-compatible). Default: silent, or JSON lines on stderr with `--verbose` (master) / `--cluster-verbose` (every process). */
  logger?: Logger;
  /** Redis client used to publish. Default: a new ioredis client to `redis`. */
  publisher?: RedisLike;
  /** Redis client used to subscribe (it cannot publish). Default: a new ioredis client to `redis`. */
  subscriber?: RedisLike;
  /**
   * Redis to connect to, handed down to every child: a URL (`redis://user:pass@host:6379/0`,
   * `rediss://...` for TLS, or a Unix socket path) or ioredis connection options written as
   * plain JSON values (`{ host, port, username, password, tls: { ca: '<PEM>' } }`).
   * Default: what the parent handed down, else `CLUSTR_REDIS_URL`, else `redis://127.0.0.1:6379`.
   */
  redis?: RedisTarget;
  /** Prefix of every channel; clusters with different namespaces share one Redis without cross-talk. Inherited by every descendant. Default: `CLUSTR_NAMESPACE`, else `"clustr"`. */
  namespace?: string;
  /**
   * Your own settings, merged into `process.config` under this process's
   * command-line args (`--port=3000` overrides `config: { port: 80 }`). clustr's
   * own options are checked by name, so a typo is an error, not a silent default:
   * anything of yours goes here. Default `{}`.
   */
  config?: Record<string, unknown>;
  /**
   * TypeBox (or JSON) schemas for the `data` of public, private and group messages
   * (emitAny sends group data), and for request bodies and replies: `request` and
   * `reply` for the method without a name, `requests: { [method]: { request, reply } }`
   * for named ones. Typed handlers, emits and requests, validated on both ends.
   * Default: any JSON.
   */
  messages?: S;
  /**
   * Milliseconds onKill hooks get to call done() before the process exits anyway; `false` waits forever.
   * Then request handlers still running get as long again at most (less when their callers stop waiting sooner). Default `10000`.
   */
  killTimeout?: number | false;
  /**
   * Milliseconds a child gets to exit after SIGTERM before it is killed with SIGKILL. Default
   * `2 × killTimeout + 5000` (`25000`): a child with the same killTimeout gets its onKill hooks,
   * then its running request handlers, each their full time, and 5 s to exit.
   */
  stopTimeout?: number;
  /** Milliseconds fetchClusterInfo() waits for the master. Default `5000`. */
  clusterInfoTimeout?: number;
  /** Largest frame in bytes this process sends or accepts. Use the same value on every process. Default 1 MiB. */
  maxFrameBytes?: number;
  /** How children this process spawns are restarted when they crash. Defaults: see RestartPolicy. */
  restart?: RestartPolicy;
  /** Called with every error the runtime catches: invalid frames, throwing listeners, failed publishes, lost frames, Redis faults. */
  onError?: (error: Error, context: ErrorContext) => void;
  /** The process boundary (spawn, exit, signals, timers, Redis). Default: the real one. Tests inject @clustr/testkit's. */
  platform?: Platform;
  /**
   * Signs every frame this process sends and drops every frame it receives that
   * is not signed with it (docs/security.md). A list rotates keys: the first
   * signs, all verify. Handed to children through their environment, never on a
   * command line. Default: `CLUSTR_SECRET` (one secret, or a JSON list), else unsigned.
   */
  secret?: string | string[];
  /** With a secret: a signed frame whose `ts` is further than this from the receiver's clock is dropped as `stale`. Default `30000`. */
  replayWindow?: number;
  /**
   * Milliseconds a starting process tries to reach Redis. Then it prints one line
   * naming the Redis URL to stderr, reports CLUSTR_REDIS_UNREACHABLE through
   * onError, and exits with code 69. Default `20000`.
   */
  connectTimeout?: number;
  /** What may wait while Redis is unreachable: `{ maxFrames: 1000, maxBytes: 8 MiB, maxWait: 5000 }` by default. Beyond it emits reject. */
  offlineQueue?: OfflineQueueOptions;
  /** What may wait to be handled when handlers are slower than the traffic: `{ maxFrames: 5000, maxBytes: 16 MiB }` by default. Beyond it frames are dropped as `overloaded`. */
  inboundQueue?: InboundQueueOptions;
  /**
   * Publish the frames one channel gets in the same tick as one batch frame,
   * which receivers unpack, check and deliver one by one, in order (a lone frame
   * still goes out in the same tick, on its own). About twice the messages per
   * second of one PUBLISH each under load. Every clustr process of envelope v2
   * (0.2 and later) understands batches, and the exported JSON Schema describes
   * them; `false` sends one PUBLISH per frame, for tools of your own that read the
   * channels and do not unpack them. Default `true`.
   */
  coalesce?: boolean;
  /** Milliseconds `request()` waits for its reply unless the call says `{ timeout }`. Default `5000`. */
  requestTimeout?: number;
  /**
   * Replies of a request handler that threw carry the error's stack (the caller
   * finds it in `remoteStack`). Stacks show file paths and code: leave it off where
   * callers should not see them. Default `false`.
   */
  replyErrorStacks?: boolean;
  /**
   * Milliseconds between two heartbeats: from its registration on, a process tells
   * the master (and its parent) how it is doing — memory, CPU, event-loop delay,
   * stats — which `clustr ls` shows and the watchdog judges. Inherited by every
   * descendant. Default: what the parent handed down, else `2000`.
   */
  heartbeatInterval?: number;
  /**
   * Milliseconds without a heartbeat after which a registered process counts as
   * hung: reported (CLUSTR_PROCESS_HUNG) on its parent and the master, and killed
   * and restarted by its parent unless its spawn definition says `watchdog: false`.
   * At least two intervals. Inherited by every descendant. Default: three of the
   * process's own heartbeat intervals (`6000`).
   */
  heartbeatTimeout?: number;
}

/** An exit code a process can end with: a whole number from 0 to 255. */
function assertExitCode(exitCode: unknown): void {
  if (typeof exitCode !== 'number' || !Number.isInteger(exitCode) || exitCode < 0 || exitCode > MAX_EXIT_CODE) {
    const shown = typeof exitCode === 'string' ? `the string ${JSON.stringify(exitCode)}` : String(exitCode);
    throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `exitCode must be a whole number from 0 to ${MAX_EXIT_CODE}; got ${shown}.`, { field: 'exitCode' });
  }
}

/** The checks of every ProcessOptions key: the one list of option names, for typo hints too. */
export const PROCESS_OPTION_CHECKS: { readonly [K in keyof ProcessOptions]-?: Check } = {
  reloadDelay: checks.ms,
  logger: checks.logger,
  publisher: checks.redisClient,
  subscriber: checks.redisClient,
  redis: checks.redis,
  namespace: checks.namespace,
  config: checks.object,
  messages: MESSAGES_CHECK,
  killTimeout: (value, field) => {
    if (value !== false) checks.ms(value, field);
  },
  stopTimeout: checks.ms,
  clusterInfoTimeout: checks.ms,
  maxFrameBytes: (value, field) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_FRAME_BYTES) {
      throw new ClustrError('CLUSTR_INVALID_OPTION', `${field} must be a whole number of bytes, ${MIN_FRAME_BYTES} or more; got ${typeof value === 'string' ? `the string ${JSON.stringify(value)}` : String(value)}.`, { field });
    }
  },
  restart: nested(RESTART_POLICY_CHECKS),
  onError: checks.function,
  platform: checks.object,
  secret: checks.secret,
  replayWindow: checks.positiveMs,
  connectTimeout: checks.positiveMs,
  offlineQueue: nested({ maxFrames: checks.count, maxBytes: checks.count, maxWait: checks.positiveMs }),
  inboundQueue: nested({ maxFrames: checks.count, maxBytes: checks.count }),
  coalesce: checks.boolean,
  requestTimeout: checks.positiveMs,
  replyErrorStacks: checks.boolean,
  heartbeatInterval: checks.positiveMs,
  heartbeatTimeout: checks.positiveMs,
};

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
  any: [group: string, data: MessageData<S, 'group'>];
  kill: [pid: number, exitCode?: number];
  confirmation: [identifier: string];
}

export type ProcessState = 'running' | 'stopping' | 'closed';
const PROCESS_TRANSITIONS: Record<ProcessState, ProcessState[]> = {
  running: ['stopping'],
  stopping: ['closed'],
  closed: [],
};

/** Options that are objects, functions or secrets: kept out of `config`. */
const NON_CONFIG_OPTIONS = new Set(['logger', 'publisher', 'subscriber', 'messages', 'onError', 'platform', 'restart', 'secret', 'redis', 'config']);

export interface ProcessInit<S extends MessageSchemas> {
  group: string;
  options: ProcessOptions<S>;
  role: 'master' | 'worker';
  /** The checks of the options only this role takes. */
  roleChecks: Record<string, Check>;
}

/** The runtime's own control frames (a deregister, a small cluster-info reply) must always fit. */
export const MIN_FRAME_BYTES = 1024;

/** Reads an option that has been checked; undefined gives the fallback. */
function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/** The `secret` option, else CLUSTR_SECRET (one secret, or a JSON list). */
export function resolveSecret(option: string | string[] | undefined, env: Readonly<Record<string, string | undefined>>): string | string[] | undefined {
  if (option !== undefined) return option;
  const raw = env['CLUSTR_SECRET'];
  if (raw === undefined || raw === '') return undefined;
  if (!raw.startsWith('[')) return raw;
  try {
    return JSON.parse(raw) as string[];
  } catch {
    throw new ClustrError('CLUSTR_INVALID_OPTION', 'CLUSTR_SECRET starts with "[" but is not a JSON list of secrets.', { field: 'CLUSTR_SECRET' });
  }
}

/**
 * What the master and every worker share: identity, the typed messaging API,
 * spawning, stats and shutdown. Incoming frames are verified, decoded and
 * checked by the transport and dispatched by kind onto one internal emitter
 * that everything else subscribes to.
 */
export abstract class ClusterProcess<S extends MessageSchemas = MessageSchemas> {
  /** This process's pid. */
  readonly pid: number;
  /** Random per process start: with the pid it names this run of the process on the wire. */
  readonly instance: string;
  /** The master's pid; every descendant knows it. */
  readonly masterPid: number | undefined;
  readonly group: string;
  readonly namespace: string;
  /** Options merged with this process's own command-line args (`--port=3000` gives `port: 3000`). Secrets and clients are left out. */
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
  /** Where this process connects; a master that starts a private Redis changes it once, before any child starts. */
  protected redis: ResolvedRedis;
  protected readonly meta: Meta;
  protected readonly nextId: () => string;
  protected readonly stopTimeout: number;
  protected readonly signer: KeyRing | undefined;
  /** Undo process-level effects (signal handlers, parent watch); run just before exit so a second signal during shutdown is still handled. */
  protected readonly disposers: Array<() => void> = [];
  // ---- health (process/heartbeat.ts, supervision/watchdog.ts) ----
  protected readonly heartbeatSettings: HeartbeatSettings;
  /** This process's health figures; a worker sends them as heartbeats from its registration on. */
  protected readonly heartbeat: Heartbeat;
  private readonly watchdog: Watchdog;

  private state: ProcessState = 'running';
  private subscriptions: Promise<void> = Promise.resolve();
  private readonly subscribedChannels = new Set<string>();
  private readonly validators: MessageValidators;
  private readonly confirmations: Confirmations;
  private readonly killHooks = new Set<KillHook>();
  private readonly errorHooks = new Set<(error: Error, context: ErrorContext) => void>();
  private readonly pendingInfo: PendingReplies<ClusterInfo>;
  private readonly killTimeout: number | false;
  private readonly clusterInfoTimeout: number;
  private readonly connectTimeout: number;
  private readonly families: Map<string, ChannelFamily>;
  private readonly limiter: LogLimiter;
  private connectTimer: TimerHandle | undefined;
  /** Requests this process sends, and emitAny (process/requests.ts). */
  private readonly requests: Requests;
  /** Requests this process answers (process/request-handlers.ts). */
  private readonly requestHandlers: RequestHandlers;
  /** onGroup handlers, which emitAny messages go to. */
  private anyListeners = 0;
  private stopped: Promise<void> | undefined;
  /** The code the stop under way exits with. */
  private exitCode: number | undefined;

  protected constructor(init: ProcessInit<S>) {
    const { role } = init;
    const options = optionsObject(init.options, `${role === 'master' ? 'Master' : 'Worker'}.create() options`) as ProcessOptions<S>;
    // Every option is checked before a Redis client exists: a throw after that leaked two
    // connections (and live subscriptions) that the caller has no handle to close.
    checkKeys(options as Record<string, unknown>, { ...PROCESS_OPTION_CHECKS, ...init.roleChecks });
    this.platform = options.platform ?? nodePlatform();
    const env = this.platform.env;
    this.pid = this.platform.pid;
    this.instance = randomBytes(6).toString('base64url');
    this.group = init.group;
    assertGroupName(this.group);
    this.namespace = options.namespace ?? env['CLUSTR_NAMESPACE'] ?? DEFAULT_NAMESPACE;
    // The option is checked with the others (checkKeys); one from the environment is checked here.
    if (options.namespace === undefined) checks.namespace(this.namespace, 'CLUSTR_NAMESPACE');
    const masterFromEnv = Number(env['CLUSTR_MASTER_PID']);
    this.masterPid = role === 'master' ? this.pid : Number.isInteger(masterFromEnv) && masterFromEnv > 0 ? masterFromEnv : undefined;
    this.reloadDelay = orDefault(options.reloadDelay, 500);
    this.killTimeout = orDefault(options.killTimeout, 10_000);
    this.stopTimeout = orDefault(options.stopTimeout, Math.min(MAX_TIMEOUT_MS, 2 * (this.killTimeout === false ? 10_000 : this.killTimeout) + 5_000));
    this.clusterInfoTimeout = orDefault(options.clusterInfoTimeout, 5_000);
    this.connectTimeout = orDefault(options.connectTimeout, 20_000);
    this.redis = resolveRedis(options.redis, env);
    if (options.redis === undefined && env['CLUSTR_REDIS_OPTIONS'] !== undefined) checks.redis(this.redis.target, 'CLUSTR_REDIS_OPTIONS');
    const secret = resolveSecret(options.secret, env);
    this.signer = secret === undefined ? undefined : new KeyRing(secret, options.secret === undefined ? 'CLUSTR_SECRET' : 'secret');
    this.validators = compileMessageSchemas(options.messages);
    this.meta = { pid: this.pid, group: this.group, instance: this.instance };
    this.nextId = createFrameIds(this.pid);

    this.heartbeatSettings = resolveHeartbeat(options, env);

    const argv = parseArgs(this.platform.argv);
    const config: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) if (!NON_CONFIG_OPTIONS.has(key) && value !== undefined) config[key] = value;
    config['redis'] = this.redis.label;
    Object.assign(config, options.config, argv);
    this.config = config;

    const verbose = argv['cluster-verbose'] === true || (role === 'master' && argv['verbose'] === true);
    this.logger = safeLogger(options.logger ?? (verbose ? jsonLogger(this.platform, this.meta) : silentLogger));
    this.limiter = new LogLimiter(this.logger, this.platform.clock);
    if (options.onError) this.errorHooks.add(options.onError);

    this.channels = channelNames(this.namespace);
    const own = this.channels.private(this.pid);
    this.families = new Map<string, ChannelFamily>([
      [this.channels.public, 'public'],
      [this.channels.confirmation, 'confirmation'],
      [this.channels.master, 'master'],
      [this.channels.control, 'control'],
      [own, 'private'],
      [this.channels.group(this.group), 'group'],
    ]);

    const maxFrameBytes = orDefault(options.maxFrameBytes, undefined);
    // Encode keeps room for what the outbox appends as a frame leaves (seq, ts, sig).
    const codec: Codec = createCodec(maxFrameBytes === undefined ? { reserveBytes: TRAILER_BYTES } : { maxBytes: maxFrameBytes, reserveBytes: TRAILER_BYTES });
    const restart = validateRestartPolicy(options.restart);
    // Clients clustr creates (a duplicate included) are clustr's to quit; clients the user passed stay the user's.
    // A master given no Redis looks for one first, and may start a private one (process/embedded-redis.ts).
    const choice: Promise<RedisChoice> | undefined = wantsPrivateRedis(role, this.redis, this.platform, options.publisher === undefined && options.subscriber === undefined)
      ? chooseRedis({ platform: this.platform, namespace: this.namespace, resolved: this.redis, logger: this.logger, label: `clustr[${this.group}:${this.pid}]` })
      : undefined;
    const deferred = choice === undefined ? undefined : deferredClients(this.platform, choice);
    const publisher = options.publisher ?? deferred?.publisher ?? this.platform.createRedis(this.redis.target);
    const subscriber = options.subscriber ?? (options.publisher ? options.publisher.duplicate() : (deferred?.subscriber ?? this.platform.createRedis(this.redis.target)));
    this.pendingInfo = new PendingReplies<ClusterInfo>(this.platform.clock);
    const direct = directPublisher(publisher);
    this.transport = new Transport({
      publisher,
      subscriber,
      ownsPublisher: options.publisher === undefined,
      ownsSubscriber: options.subscriber === undefined,
      clock: this.platform.clock,
      codec,
      ...(this.signer === undefined ? {} : { signer: this.signer }),
      replayWindow: orDefault(options.replayWindow, DEFAULT_REPLAY_WINDOW_MS),
      meta: this.meta,
      nextId: this.nextId,
      coalesce: orDefault(options.coalesce, true),
      ...(direct === undefined ? {} : { direct }),
      offlineQueue: { ...DEFAULT_OFFLINE_QUEUE, ...options.offlineQueue },
      inboundQueue: { ...DEFAULT_INBOUND_QUEUE, ...options.inboundQueue },
      redisLabel: this.redis.label,
      onFrame: (frame, channel) => this.receive(frame, channel),
      onReject: (rejected) => this.reject(rejected),
      onGap: (gap) => this.events.emit('missed', gap),
      onConnection: (change) => this.events.emit('connection', change),
      onSubscribeRefused: (error) => this.redisError(error),
    });
    for (const client of new Set([publisher, subscriber])) {
      client.on('error', (error: Error) => this.redisError(error));
    }

    trackStats(this.events, this.stats);
    this.confirmations = new Confirmations(this.events, (name, fn) => this.invoke(name, fn));
    this.events.on('kill', (frame) => {
      this.logger.info({ event: 'kill.received', from: frame.meta.pid, code: frame.data.code }, 'kill requested');
      void this.shutdown(frame.data.code, 'kill');
    });
    this.events.on('clusterInfoReply', (frame) => {
      // Only the master answers; a reply from anyone else is not the cluster's state.
      if (frame.re === undefined || (this.masterPid !== undefined && frame.meta.pid !== this.masterPid)) return;
      this.pendingInfo.resolve(frame.re, frame.data);
    });
    this.events.on('missed', ({ from, channel, missed }) => {
      const error = new ClustrError('CLUSTR_FRAMES_MISSED', `${missed} frame${missed === 1 ? '' : 's'} from pid ${from.pid} on ${channel} never arrived (a gap in its sequence numbers).`);
      this.report(error, { event: 'frames.missed', from: from.pid, channel, missed });
    });
    this.events.on('connection', (change) => this.connectionChanged(change));
    this.events.on('childExited', ({ pid }) => {
      // The child may have died without a word (SIGKILL); cluster info must not keep it.
      if (this.state !== 'closed' && pid > 0) this.childGone(pid);
    });

    // The private channel (and the master's) and the control channel always: kills, replies and
    // announcements must arrive. Public, group and confirmation channels are subscribed with their
    // first listener, so Redis sends a process nothing it would only decode and drop.
    this.subscribeTo(role === 'master' ? [own, this.channels.master, this.channels.control] : [own, this.channels.control]);
    this.connectTimer = this.platform.clock.setTimeout(() => this.unreachable(), this.connectTimeout);

    // The subscriptions made so far (own, master, control), not ones a later first listener adds:
    // a listener added during a Redis outage must not hold back every launch until it is back.
    const initial = this.subscribed;
    // (They reject only when the process closes first: nothing launches then.)
    const launchGate = (): Promise<void> =>
      initial.then(() => this.beforeLaunch()).then(
        () => undefined,
        () => undefined,
      );
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
        ...this.redis.env,
        ...this.signer?.childEnv(),
        ...heartbeatEnv(this.heartbeatSettings),
      }),
      inheritFds: () => this.inheritFds(),
      listenMode: () => this.listenMode(),
      // Read at every first launch (a getter), so what a subclass waits for is taken as it is then:
      // the master's shared sockets listen before any child that inherits them starts.
      get gate(): Promise<void> {
        return launchGate();
      },
    });

    [this.requests, this.requestHandlers] = this.createRequests(options, role);
    // ---- health: heartbeats and the watchdog ----
    const restarts = Number(env[RESTARTS_ENV]);
    this.heartbeat = new Heartbeat({
      platform: this.platform,
      interval: this.heartbeatSettings.interval,
      stats: this.stats,
      restarts: Number.isInteger(restarts) && restarts > 0 ? restarts : 0,
      isConnected: () => this.transport.state === 'ready',
      send: (health) => {
        void this.publish(this.channels.master, this.frame('heartbeat', health)).catch(() => undefined);
        if (health.parentPid !== this.masterPid) void this.publish(this.channels.private(health.parentPid), this.frame('heartbeat', health)).catch(() => undefined);
      },
    });
    this.watchdog = new Watchdog({
      pid: this.pid,
      events: this.events,
      clock: this.platform.clock,
      logger: this.logger,
      timeout: this.heartbeatSettings.timeout,
      slots: () => this.supervisor.slots,
      report: (error, context) => this.report(error, context),
    });
    if (choice !== undefined) {
      choice.then(
        ({ resolved, server }) => {
          this.redis = resolved;
          (this.config as Record<string, unknown>)['redis'] = resolved.label;
          if (server !== undefined) this.disposers.push(() => server.stop());
          // Stopped before it was up: nothing will run the disposers' turn for it.
          if (server !== undefined && this.state === 'closed') server.stop();
        },
        (error: Error) => this.failStart(error as ClustrError),
      );
    }
  }

  /** Resolves once every subscription asked for so far is confirmed by Redis. */
  protected get subscribed(): Promise<void> {
    return this.subscriptions;
  }

  /** The connection to Redis: state, reconnects, downtime, frames waiting for it. */
  get connection(): ConnectionInfo {
    return this.transport.info;
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

  /**
   * Calls `handler` with every message sent to this process's group (subscribed with the first
   * group listener, as for onPublic), and with every emitAny message given to this process.
   */
  onGroup(handler: MessageHandler<MessageData<S, 'group'>>): () => void {
    const off = this.addMessageListener('group', 'onGroup', handler as MessageHandler<unknown>);
    const offAny = this.addAnyListener(handler as MessageHandler<unknown>);
    this.subscribeTo([this.channels.group(this.group)]);
    return () => {
      off();
      offAny();
    };
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

  /** Calls `handler` with every error the runtime catches (invalid frames, throwing listeners, failed publishes, lost frames, Redis faults). */
  onError(handler: (error: Error, context: ErrorContext) => void): () => void {
    this.assertFunction(handler, 'onError');
    this.errorHooks.add(handler);
    return () => {
      this.errorHooks.delete(handler);
    };
  }

  /** Calls `listener` on every change of the connection to Redis (`connecting`, `ready`, `reconnecting`, `closed`), with how long it was down on recovery. */
  onConnection(listener: (change: ConnectionChange) => void): () => void {
    this.assertFunction(listener, 'onConnection');
    const wrapped = (change: ConnectionChange) => this.invoke('onConnection', () => listener({ ...change }));
    this.events.on('connection', wrapped);
    return () => this.events.off('connection', wrapped);
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
  // Every emit returns a promise and never throws: an invalid argument rejects it with a
  // ClustrError naming the field. A publish that fails (Redis away too long, process closed)
  // rejects it too, and is also reported through onError, so ignoring the promise never hides it.

  /** Sends `data` to every process of the cluster. Resolves to the number of receivers. */
  emitPublic(data: MessageData<S, 'public'>): Promise<number> {
    return this.emitUser('public', this.channels.public, data);
  }

  /** Sends `data` to the process `pid`. Resolves to the number of receivers (0 when no such process listens). */
  emitPrivate(pid: number, data: MessageData<S, 'private'>): Promise<number> {
    try {
      this.assertPid(pid, 'pid');
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.emitUser('private', this.channels.private(pid), data);
  }

  /** Sends `data` to every process of `group`. */
  emitGroup(group: string, data: MessageData<S, 'group'>): Promise<number> {
    try {
      assertGroupName(group);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.emitUser('group', this.channels.group(group), data);
  }

  /** Asks process `pid` to run its onKill hooks and exit with `exitCode` (0-255, default 0). Killing the master stops the cluster. */
  emitKill(pid: number, exitCode = 0): Promise<number> {
    try {
      this.assertPid(pid, 'pid');
      assertExitCode(exitCode);
      return this.send(this.channels.private(pid), this.frame('kill', { pid, code: exitCode }));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** Confirms `identifier` once to every process that counts it with onConfirmation. */
  emitConfirmation(identifier: string): Promise<number> {
    try {
      this.assertIdentifier(identifier);
      return this.send(this.channels.confirmation, this.frame('confirmation', { identifier }));
    } catch (error) {
      return Promise.reject(error as Error);
    }
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
      case 'any':
        return this.emitAny(a[0] as string, a[1] as MessageData<S, 'group'>);
      case 'kill':
        return this.emitKill(a[0] as number, a[1] as number | undefined);
      case 'confirmation':
        return this.emitConfirmation(a[0] as string);
      default:
        return Promise.reject(new ClustrError('CLUSTR_INVALID_ARGUMENT', `emit() got unknown kind ${JSON.stringify(kind)}; use public, private, group, any, kill or confirmation.`, { field: 'kind' }));
    }
  }

  /**
   * Asks the master for the registered pids by group. Rejects with
   * CLUSTR_CLUSTER_INFO_TIMEOUT when the master does not answer in time, or
   * CLUSTR_REDIS_UNAVAILABLE when Redis was away meanwhile (the request is sent
   * again when Redis is back, so it is answered if there is time left).
   */
  fetchClusterInfo(timeoutMs: number = this.clusterInfoTimeout): Promise<ClusterInfo> {
    try {
      checks.ms(timeoutMs, 'timeoutMs');
      this.assertRunning('fetchClusterInfo');
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const id = this.nextId();
    const downtimeBefore = this.transport.info.downtimeMs;
    const request = { ...this.frame('clusterInfoRequest', {}), id };
    return this.pendingInfo.add(id, {
      timeoutMs,
      send: () => {
        this.subscribed.then(() => this.publish(this.channels.master, request)).catch((error: Error) => this.pendingInfo.reject(id, error));
      },
      timeoutError: () =>
        timeoutError(this.transport.state !== 'ready' || this.transport.info.downtimeMs > downtimeBefore, this.redis.label, () =>
          new ClustrError('CLUSTR_CLUSTER_INFO_TIMEOUT', `the master did not answer a cluster-info request within ${timeoutMs} ms. Check that the master is running in namespace "${this.namespace}" on Redis at ${this.redis.label}.`),
        ),
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

  // ---- requests and one-of-a-group delivery ----------------------------------------------
  // The logic lives in process/requests.ts (calling), process/request-handlers.ts (answering)
  // and process/membership.ts (the view of who is registered); these are the public doors.

  /**
   * Asks `target` (a pid, or `{ group }`: one live registered member, the one with
   * the fewest of this process's requests waiting, ties in turn) and resolves with
   * its handler's reply. `method` names the handler (`onRequest(method, ...)`);
   * without it the request goes to the handler without a name. Rejects with a
   * coded ClustrError: CLUSTR_REQUEST_TIMEOUT after `timeout` (default
   * `requestTimeout`, 5 s); CLUSTR_NO_MEMBER at once when the group has no member;
   * CLUSTR_TARGET_GONE at once when the target leaves the cluster before it
   * answers; CLUSTR_REMOTE_ERROR (a ClustrRemoteError with `remoteCode`) when
   * its handler throws; CLUSTR_INVALID_REPLY when the reply fails this process's
   * reply schema; CLUSTR_NO_HANDLER, CLUSTR_INVALID_DATA when the target refuses it.
   */
  request<M extends RequestMethod<S>>(method: M, target: RequestTarget, data: RequestData<S, M>, options?: RequestOptions): Promise<ReplyData<S, M>>;
  request(target: RequestTarget, data: RequestData<S>, options?: RequestOptions): Promise<ReplyData<S>>;
  request(...args: unknown[]): Promise<unknown> {
    return typeof args[0] === 'string' ? this.requests.request(args[0], args[1], args[2], args[3]) : this.requests.request(undefined, args[0], args[1], args[2]);
  }

  /**
   * Answers requests: `handler`'s return value (or what its promise resolves to)
   * is the reply, checked against the reply schema before it is sent; a throw or
   * a rejection fails the caller's request with the error's message and code.
   * With a method name, it answers only requests to that method; without, only
   * requests without one. One handler per method. Returns a function that removes it.
   */
  onRequest(handler: RequestHandler<RequestData<S>, ReplyData<S>>): () => void;
  onRequest<M extends RequestMethod<S>>(method: M, handler: RequestHandler<RequestData<S, M>, ReplyData<S, M>>): () => void;
  onRequest(...args: unknown[]): () => void {
    return typeof args[0] === 'function' ? this.requestHandlers.add(undefined, args[0] as RequestHandler) : this.requestHandlers.add(args[0] as string, args[1] as RequestHandler);
  }

  /**
   * Sends `data` (checked against `messages.group`) to one live registered member
   * of `group`, whose onGroup handlers get it: a job hand-off, fire and forget.
   * Members take turns. When Redis reports that the member picked did not get it,
   * another one is tried. Resolves to 1; rejects with CLUSTR_NO_MEMBER when no
   * member could take it.
   */
  emitAny(group: string, data: MessageData<S, 'group'>): Promise<number> {
    return this.requests.emitAny(group, data);
  }

  /** The master keeps every process's view of the cluster current; its own view is its registry. */
  protected applyMembership(info: ClusterInfo): void {
    this.requests.membership(info);
  }

  /** The request modules of this process, and the events they follow. */
  private createRequests(options: ProcessOptions<S>, role: ProcessInit<S>['role']): [Requests, RequestHandlers] {
    const requestTimeout = orDefault(options.requestTimeout, DEFAULT_REQUEST_TIMEOUT_MS);
    // Per-request debug records are built only when someone reads them.
    const trace = this.logger !== silentLogger;
    const requests = new Requests({
      meta: this.meta,
      clock: this.platform.clock,
      logger: this.logger,
      trace,
      limiter: this.limiter,
      stats: this.stats,
      channels: this.channels,
      validators: this.validators,
      defaultTimeout: requestTimeout,
      clusterInfoTimeout: this.clusterInfoTimeout,
      localView: role === 'master',
      nextId: this.nextId,
      assertRunning: (method) => this.assertRunning(method),
      assertGroupData: (data, method) => this.assertData('group', data, method),
      publish: (channel, frame) => this.publish(channel, frame),
      send: (channel, frame) => this.send(channel, frame),
      report: (error, context) => this.report(error, context),
      fetchClusterInfo: (timeoutMs) => this.fetchClusterInfo(timeoutMs),
      timeoutError: (downtimeBefore, fallback) => timeoutError(this.transport.state !== 'ready' || this.transport.info.downtimeMs > downtimeBefore, this.redis.label, fallback),
      downtime: () => this.transport.info.downtimeMs,
    });
    const handlers = new RequestHandlers({
      group: this.group,
      clock: this.platform.clock,
      logger: this.logger,
      trace,
      limiter: this.limiter,
      stats: this.stats,
      validators: this.validators,
      defaultTimeout: requestTimeout,
      errorStacks: orDefault(options.replyErrorStacks, false),
      stopping: () => this.state !== 'running',
      drainLimit: this.killTimeout === false ? undefined : this.killTimeout,
      // A literal, not { ...this.frame(), re }: the spread cost a few µs on every reply.
      reply: (to, re, data) => this.publish(this.channels.private(to), { v: PROTOCOL_VERSION, kind: 'reply', id: this.nextId(), meta: this.meta, data, re }),
      report: (error, context) => this.report(error, context),
    });
    this.events.on('membership', (frame) => {
      // The master's view is its registry; a worker takes the view of its own master only.
      if (frame.meta.pid === this.pid || (this.masterPid !== undefined && frame.meta.pid !== this.masterPid)) return;
      requests.membership(frame.data);
    });
    this.events.on('connection', ({ from, to }) => {
      if (to === 'ready' && from === 'reconnecting') requests.reconnected();
    });
    return [requests, handlers];
  }

  private addAnyListener(handler: MessageHandler<unknown>): () => void {
    const listener = (frame: FrameOf<'any'>) => this.invoke('onGroup', () => handler({ meta: frame.meta, data: frame.data.body }));
    this.events.on('any', listener);
    this.anyListeners++;
    let on = true;
    return () => {
      if (!on) return;
      on = false;
      this.events.off('any', listener);
      this.anyListeners--;
    };
  }

  /** An emitAny message: for this group, valid against messages.group, and someone to hand it to. */
  private deliverAny(frame: FrameOf<'any'>, channel: string): void {
    if (frame.data.group !== this.group) {
      this.reject({ reason: 'misrouted', channel, message: `an emitAny message for group ${frame.data.group} arrived at pid ${this.pid} of group ${this.group}`, issues: [{ path: '/data/group', keyword: 'const', message: `is not ${this.group}` }] });
      return;
    }
    const verdict = this.validators.group(frame.data.body);
    if (!verdict.ok) {
      const issues = verdict.issues.map((issue) => ({ ...issue, path: `/data/body${issue.path.slice('/data'.length)}` }));
      this.reject({ reason: 'invalid_data', channel, message: `invalid_data: ${issues[0]!.path} ${issues[0]!.message}`, issues });
      return;
    }
    if (this.anyListeners === 0) {
      this.report(new ClustrError('CLUSTR_NO_HANDLER', `an emitAny message for group ${this.group} from pid ${frame.meta.pid} was dropped: this process has no onGroup handler.`), { event: 'any.unhandled', from: frame.meta.pid });
      return;
    }
    this.events.emit('any', frame);
  }

  /**
   * Before the process deregisters: running request handlers answer (new requests
   * are refused meanwhile), its own requests are rejected, and its private channel
   * is left, so whatever is sent to it from now on reaches nobody and the sender
   * (knowing it never ran) hands it to another member.
   */
  private async closeRequests(): Promise<void> {
    await this.requestHandlers.drain();
    this.requests.rejectAll(() => new ClustrError('CLUSTR_CLOSED', 'the process closed before the reply came.'));
    if (!this.requestHandlers.everServed && this.anyListeners === 0) return;
    const own = this.channels.private(this.pid);
    this.subscribedChannels.delete(own);
    await bounded(this.transport.unsubscribe([own]).catch(() => undefined), 1_000, this.platform.clock);
  }

  // ---- processes -------------------------------------------------------------------------

  /** Starts children and supervises them (respawn with backoff). Throws before spawning anything when a definition is wrong. */
  spawn(definitions: SpawnDefinition[]): void {
    this.assertRunning('spawn');
    this.supervisor.spawn(definitions);
  }

  /** Deregisters, stops this process's children, closes its connections and exits with `exitCode` (default 1). onKill hooks do not run. */
  close(exitCode = 1): Promise<void> {
    try {
      // Checked before anything stops: a bad code used to tear the process down and then fail in exit().
      assertExitCode(exitCode);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.shutdown(exitCode, 'close', false);
  }

  /** `running`, `stopping` or `closed`. */
  get status(): ProcessState {
    return this.state;
  }

  // ---- signing keys (docs/security.md) ---------------------------------------------------

  /**
   * Replaces this process's signing keys while it runs: the first of `secret`
   * signs from the next frame on, every one verifies, and children spawned from
   * now on (respawns, reload replacements) get the new list through their
   * environment. A rolling reload replaces every process but the master, so this
   * is how a cluster rotates its key without downtime, one reload per step: add
   * the new key last everywhere (`[old, new]`), reload; move it first
   * (`[new, old]`), reload; drop the old one (`[new]`), reload. Throws
   * CLUSTR_INVALID_ARGUMENT when a key is too short or the process was started
   * without a secret (signing cannot be switched on while the cluster runs:
   * processes without the key would drop every frame).
   */
  setSecret(secret: string | string[]): void {
    this.assertRunning('setSecret');
    if (this.signer === undefined) {
      throw new ClustrError(
        'CLUSTR_INVALID_ARGUMENT',
        'setSecret() needs a process started with a secret (the secret option or CLUSTR_SECRET): signing cannot be switched on while the cluster runs, as processes without the key would drop every frame.',
        { field: 'secret' },
      );
    }
    try {
      checks.secret(secret, 'secret');
      this.signer.replace(secret, 'secret');
    } catch (error) {
      throw invalidSecretArgument(error);
    }
    this.logger.info({ event: 'secret.replaced', keys: this.signer.keys }, `signing keys replaced: ${this.signer.keys} verify, the first signs`);
  }

  /**
   * What `console.log(process)` shows: who it is, not its internals. The platform
   * holds the environment, and with it CLUSTR_SECRET and Redis credentials.
   * @internal
   */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `${this.constructor.name} { pid: ${this.pid}, group: ${JSON.stringify(this.group)}, namespace: ${JSON.stringify(this.namespace)}, status: ${JSON.stringify(this.state)}, signed: ${this.signer !== undefined} }`;
  }

  // ---- internals shared with Master and Worker -------------------------------------------

  protected inheritFds(): number[] {
    return [];
  }

  /** How children handed the shared sockets get connections (the master's `listen()` decides). */
  protected listenMode(): string {
    return 'shared';
  }

  /** What a first launch of a child waits for besides the subscriptions (the master: its sockets listen). A failure is the subclass's to report. */
  protected beforeLaunch(): Promise<unknown> {
    return Promise.resolve();
  }

  /** Work a subclass does before its children are stopped (the master cancels a reload). */
  protected beforeStop(): void {}

  /** What a subclass publishes before its connections close (a worker deregisters). */
  protected async beforeDisconnect(): Promise<void> {}

  /** What a subclass does when the connection to Redis is back after a loss (re-register, announce). */
  protected afterReconnect(): void {}

  /** A child this process spawned exited: the master learns it through a deregister frame (the master itself, directly). */
  protected childGone(pid: number): void {
    void this.publish(this.channels.master, this.frame('deregister', { pid })).catch(() => undefined);
  }

  protected frame<K extends FrameKind>(kind: K, data: FrameOf<K>['data']): FrameOf<K> {
    return { v: PROTOCOL_VERSION, kind, id: this.nextId(), meta: this.meta, data } as FrameOf<K>;
  }

  /** Publishes a frame the runtime built (not counted in user stats); failures are reported, never thrown. */
  protected publish(channel: string, frame: Frame): Promise<number> {
    const sent = this.transport.publish(channel, frame);
    sent.catch((error: Error) => this.sendFailed(frame.kind, error, channel));
    return sent;
  }

  protected report(error: Error, context: ErrorContext): void {
    this.limiter.log('error', { ...context, error }, error.message);
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
    this.clearConnectTimer();
    // Set before any hook runs: a hook that calls close() must find this stop under way.
    this.stopped = Promise.resolve().then(() => this.stop(code, runKillHooks));
    return this.stopped;
  }

  /** The exit code of the stop under way, if one is. */
  protected get stopCode(): number | undefined {
    return this.exitCode;
  }

  /** Requests a subclass keeps open are rejected as the process closes. */
  protected closePending(): void {}

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
    this.limiter.close();
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
      await this.closeRequests();
      if (forced()) return;
      await this.beforeDisconnect();
    } catch (error) {
      this.report(error as Error, { event: 'shutdown' });
    }
    if (forced()) return;
    this.heartbeat.stop();
    this.watchdog.stop();
    this.pendingInfo.rejectAll(() => new ClustrError('CLUSTR_CLOSED', 'the process closed before the master answered.'));
    this.closePending();
    this.events.all.clear();
    this.confirmations.clear();
    await this.transport.close();
    if (forced()) return;
    this.limiter.close();
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

  /** Resolves once the connection is ready and every subscription asked for so far is confirmed. */
  protected whenConnected(): Promise<void> {
    return this.transport.whenReady().then(() => this.subscribed);
  }

  /**
   * One failure reporter per kind, made once: a closure per message (to name the
   * channel too) cost about 130 ns and an allocation on every emit.
   */
  private readonly reportSendFailure = Object.fromEntries(FRAME_KINDS.map((kind) => [kind, (error: Error) => this.sendFailed(kind, error)])) as Record<FrameKind, (error: Error) => void>;

  private sendFailed(kind: FrameKind, error: Error, channel?: string): void {
    const code = (error as ClustrError).code;
    if (code === 'CLUSTR_OFFLINE_QUEUE_FULL' || code === 'CLUSTR_OFFLINE_TIMEOUT' || code === 'CLUSTR_CLOSED') this.events.emit('unsent', { kind, error });
    this.report(error, channel === undefined ? { event: 'publish', kind } : { event: 'publish', kind, channel });
  }

  /** A user message: checked against its schema, then published. Never throws. */
  private emitUser(kind: UserMessageKind, channel: string, data: unknown): Promise<number> {
    try {
      this.assertData(kind, data);
      return this.send(channel, this.frame(kind, data));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /**
   * A user emit: a frame that cannot be written (too large, not JSON) throws here,
   * for the emit method to reject with; a failed publish rejects the returned
   * promise and is reported through onError.
   */
  private send(channel: string, frame: Frame): Promise<number> {
    this.assertRunning(`emit ${frame.kind}`);
    const text = this.transport.encode(frame);
    this.events.emit('emitted', frame);
    const sent = this.transport.send(channel, text);
    sent.catch(this.reportSendFailure[frame.kind]);
    return sent;
  }

  private subscribeTo(channels: string[]): void {
    const fresh = channels.filter((channel) => !this.subscribedChannels.has(channel));
    if (fresh.length === 0) return;
    for (const channel of fresh) this.subscribedChannels.add(channel);
    const done = this.transport.subscribe(fresh);
    // Cut off by close (CLUSTR_CLOSED) is no failure to report: the process is going away.
    done.catch((error: ClustrError) => {
      if (error.code !== 'CLUSTR_CLOSED') this.report(error, { event: 'subscribe', channels: fresh });
    });
    this.subscriptions = Promise.all([this.subscriptions, done]).then(() => undefined);
    // Reported above; whoever waits on `subscribed` (emitReady, a cluster-info request) gets the
    // rejection, and when no one does, it is not an unhandled rejection that ends the process.
    this.subscriptions.catch(() => undefined);
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

  private receive(frame: SingleFrame, channel: string): void {
    const family = this.families.get(channel);
    if (family === undefined || !KIND_CHANNELS[frame.kind].includes(family)) {
      this.reject({ reason: 'misrouted', channel, message: `a ${frame.kind} frame arrived on ${channel}`, issues: [{ path: '/kind', keyword: 'channel', message: `does not belong on ${channel}` }] });
      return;
    }
    (this.dispatch[frame.kind] as (frame: SingleFrame, channel: string) => void)(frame, channel);
  }

  private readonly emitEvent = <K extends Exclude<FrameKind, 'batch'>>(frame: FrameOf<K>) => (this.events.emit as (type: K, event: FrameOf<K>) => void)(frame.kind as K, frame);

  /** One handler per kind: a new kind does not compile until it is handled here. */
  private readonly dispatch: { [K in Exclude<FrameKind, 'batch'>]: (frame: FrameOf<K>, channel: string) => void } = {
    public: (frame, channel) => this.deliver('public', frame, channel),
    private: (frame, channel) => this.deliver('private', frame, channel),
    group: (frame, channel) => this.deliver('group', frame, channel),
    any: (frame, channel) => this.deliverAny(frame, channel),
    request: (frame) => this.requestHandlers.receive(frame),
    reply: (frame) => this.requests.replied(frame),
    kill: (frame, channel) => {
      if (frame.data.pid !== this.pid) {
        this.reject({ reason: 'misrouted', channel, message: `a kill for pid ${frame.data.pid} arrived at pid ${this.pid}`, issues: [{ path: '/data/pid', keyword: 'const', message: `is not ${this.pid}` }] });
        return;
      }
      this.events.emit('kill', frame);
    },
    confirmation: this.emitEvent,
    register: this.emitEvent,
    deregister: this.emitEvent,
    heartbeat: this.emitEvent,
    clusterInfoRequest: this.emitEvent,
    clusterInfoReply: this.emitEvent,
    announce: this.emitEvent,
    membership: this.emitEvent,
    statusRequest: this.emitEvent,
    statusReply: this.emitEvent,
    command: this.emitEvent,
    commandReply: this.emitEvent,
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
    const signature = rejected.reason === 'unsigned' || rejected.reason === 'bad_signature' || rejected.reason === 'stale' || rejected.reason === 'replayed';
    // Made per dropped frame, a flood of bad frames included: no stack (it would show only the receive path).
    const error = stacklessError(signature ? 'CLUSTR_FRAME_REJECTED' : 'CLUSTR_INVALID_FRAME', `dropped a frame on ${rejected.channel}: ${rejected.message}`);
    this.report(error, { event: 'frame.rejected', reason: rejected.reason, channel: rejected.channel, issues: rejected.issues });
  }

  private redisError(error: Error): void {
    // Before the first connection, an authentication failure will not get better by retrying.
    if (this.transport.state === 'connecting' && isAuthError(error) && this.state === 'running') {
      this.failStart(redisAuthError(this.redis.label, this.namespace, error));
      return;
    }
    // Nor a certificate this process does not trust.
    if (this.transport.state === 'connecting' && isTlsRefusal(error) && this.state === 'running') {
      this.failStart(redisTlsError(this.redis.label, error));
      return;
    }
    this.limiter.log('warn', { event: 'redis.error', error }, `Redis connection error: ${error.message}`);
  }

  private connectionChanged(change: ConnectionChange): void {
    const { from, to } = change;
    if (to === 'ready') {
      this.clearConnectTimer();
      if (from === 'reconnecting') {
        this.logger.info({ event: 'redis.recovered', downMs: change.downMs }, `Redis at ${this.redis.label} is back after ${change.downMs} ms`);
        this.pendingInfo.resendAll();
        this.afterReconnect();
      } else {
        this.logger.info({ event: 'redis.connected' }, `connected to Redis at ${this.redis.label}`);
      }
    } else if (to === 'reconnecting') {
      this.logger.warn({ event: 'redis.lost', ...(change.error === undefined ? {} : { error: change.error }) }, `lost Redis at ${this.redis.label}; reconnecting`);
    }
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== undefined) {
      this.platform.clock.clearTimeout(this.connectTimer);
      this.connectTimer = undefined;
    }
  }

  private unreachable(): void {
    this.connectTimer = undefined;
    if (this.transport.state !== 'connecting' || this.state !== 'running') return;
    const last = this.transport.lastError;
    const why = last === undefined ? 'no answer' : last.message;
    const error = isAuthError(last)
      ? redisAuthError(this.redis.label, this.namespace, last!)
      : new ClustrError(
          'CLUSTR_REDIS_UNREACHABLE',
          `could not reach Redis at ${this.redis.label} within ${this.connectTimeout} ms (${why}). Start Redis there, or point clustr at one with the redis option or CLUSTR_REDIS_URL.`,
          last === undefined ? {} : { cause: last },
        );
    this.failStart(error);
  }

  /** The process cannot start: one line on stderr, whatever the log settings; onError; exit 69. */
  private failStart(error: ClustrError): void {
    this.platform.write('stderr', `clustr[${this.group}:${this.pid}]: ${error.message}\n`);
    this.report(error, { event: 'redis.unreachable' });
    void this.shutdown(EXIT_REDIS_UNREACHABLE, 'redis-unreachable', false);
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
            // A second call of done() resolves nothing more: a promise settles once.
            const done = () => resolve();
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

  private assertData(kind: UserMessageKind, data: unknown, method = `emit${kind[0]!.toUpperCase()}${kind.slice(1)}`): void {
    if (data === undefined) {
      throw new ClustrError('CLUSTR_INVALID_DATA', `${method}: data is undefined, which JSON cannot carry. Send null or a value.`, { field: '/data' });
    }
    const verdict = this.validators[kind](data);
    if (!verdict.ok) {
      const issue = verdict.issues[0]!;
      throw new ClustrError('CLUSTR_INVALID_DATA', `${method}: ${issue.path} ${issue.message}. Send data that matches messages.${kind}.`, {
        field: issue.path,
      });
    }
  }

  protected assertPid(pid: unknown, field: string): void {
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid < 1) {
      throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `${field} must be a process id (a whole number of at least 1); got ${typeof pid === 'string' ? `the string ${JSON.stringify(pid)}` : String(pid)}.`, { field });
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
