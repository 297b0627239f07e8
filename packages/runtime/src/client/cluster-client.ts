import { randomBytes } from 'node:crypto';
import {
  ClustrError,
  DEFAULT_NAMESPACE,
  DEFAULT_REPLAY_WINDOW_MS,
  PROTOCOL_VERSION,
  assertGroupName,
  channels as channelNames,
  createCodec,
  createFrameIds,
  createSigner,
  type Channels,
  type ClusterInfo,
  type DataOf,
  type Frame,
  type FrameKind,
  type FrameOf,
  type FrameSigner,
  type Meta,
  type ProcessStatus,
  type SingleFrame,
} from '@clustr/protocol/core';
import type { Platform, TimerHandle } from '../platform/platform';
import { nodePlatform } from '../platform/node-platform';
import type { RejectedFrame } from '../process/events';
import { checkKeys, checks, optionsObject, type Check } from '../process/options';
import { isAuthError, resolveRedis, type RedisTarget, type ResolvedRedis } from '../process/redis-target';
import { resolveSecret } from '../process/cluster-process';
import { DEFAULT_INBOUND_QUEUE, Transport, bounded } from '../transport/transport';
import { DEFAULT_OFFLINE_QUEUE, TRAILER_BYTES } from '../transport/outbox';
import { readFrames } from '../transport/read-frames';
import type { RedisLike } from '../transport/redis-like';

/** Options of ClusterClient.connect(). */
export interface ClusterClientOptions {
  /** The cluster's namespace. Default: `CLUSTR_NAMESPACE`, else `"clustr"`. */
  namespace?: string;
  /**
   * The cluster's Redis: a URL, a Unix socket path or ioredis options. Default:
   * `CLUSTR_REDIS_URL`; else the private Redis a master started for this
   * namespace on this machine, when one answers; else the default address.
   */
  redis?: RedisTarget;
  /** Signs what the client sends and verifies what it receives, as the cluster does. Default: `CLUSTR_SECRET`, else unsigned. */
  secret?: string | string[];
  /** Milliseconds the master has to answer a request (status, cluster info, a command's acceptance). Default `3000`. */
  timeout?: number;
  /** Milliseconds to reach Redis before connect() rejects with CLUSTR_REDIS_UNREACHABLE. Default `5000`. */
  connectTimeout?: number;
  /** With a secret: frames whose `ts` is further than this from our clock are dropped as `stale`. Default `30000`. */
  replayWindow?: number;
  /** The group the client's frames name as their sender's (`meta.group`). Default `"client"`. */
  group?: string;
  /** The process boundary. Default: the real one. */
  platform?: Platform;
}

const CLIENT_OPTION_CHECKS: { readonly [K in keyof ClusterClientOptions]-?: Check } = {
  namespace: checks.namespace,
  redis: checks.redis,
  secret: checks.secret,
  timeout: checks.positiveMs,
  connectTimeout: checks.positiveMs,
  replayWindow: checks.positiveMs,
  group: (value, field) => assertGroupName(value, field),
  platform: checks.object,
};

/** Where `clustr publish` sends a message. */
export type PublishTarget = { kind: 'public' } | { kind: 'private'; pid: number } | { kind: 'group'; group: string };

/** One step of a command, as the master reports it: accepted, each replacement, then the end. */
export type CommandProgress = DataOf<'commandReply'>;

/** What a tail hears: a frame that passed every check, or one that was dropped and why. */
export type TailEntry = { at: number; channel: string; frame: SingleFrame } | { at: number; channel: string; rejected: RejectedFrame };

/** What a completed reload replaced: old pid -> new pid, in order. */
export interface ReloadSummary {
  replaced: Array<{ from: number; to: number }>;
}

/** How long a private Redis's socket gets to answer when looking for it. */
const FIND_TIMEOUT_MS = 500;
/** After `stopped`, how long the client waits for the master to leave Redis. */
const LEAVE_TIMEOUT_MS = 5_000;
const LEAVE_POLL_MS = 50;
/** A master still there answers a cluster-info request well within this. */
const LEAVE_ANSWER_MS = 250;

const SIGNATURE_REASONS = new Set(['unsigned', 'bad_signature', 'stale', 'replayed']);

type Waiter = (frame: SingleFrame) => void;

/**
 * A connection to a running cluster from outside it — no supervisor, no signal
 * handlers, nothing registered: it asks the master for status and cluster info,
 * asks it to reload or stop (what SIGHUP and SIGTERM do) and follows the
 * progress, publishes messages, and tails every frame of the namespace. It signs
 * and verifies with the cluster's secret. The `clustr` command is built on it;
 * deploy scripts can use it directly.
 *
 * Every method rejects with a ClustrError: CLUSTR_NO_MASTER when no master
 * answers, CLUSTR_FRAME_REJECTED when the master's answers do not verify with
 * this client's secret, CLUSTR_RELOAD_FAILED / CLUSTR_COMMAND_REFUSED for
 * commands.
 */
export class ClusterClient {
  readonly namespace: string;
  /** The Redis the client is connected to, its password hidden. */
  readonly redisLabel: string;
  readonly pid: number;

  private readonly platform: Platform;
  private readonly channels: Channels;
  private readonly own: string;
  private readonly transport: Transport;
  private readonly meta: Meta;
  private readonly nextId: () => string;
  private readonly timeout: number;
  private readonly signer: FrameSigner | undefined;
  private readonly replayWindow: number;
  private readonly target: RedisTarget;
  private readonly waiters = new Map<string, Waiter>();
  /** Frames on our private channel that failed verification, while something waited for an answer. */
  private readonly signatureFailures = new Set<(rejected: RejectedFrame) => void>();
  private readonly tails = new Set<RedisLike>();
  private closed = false;
  /** While connecting: a refusal that retrying will not change ends the wait at once. */
  private connectFailed: ((error: Error) => void) | undefined;

  /** Connects to the cluster's Redis. Rejects with CLUSTR_REDIS_UNREACHABLE (or _AUTH) when Redis does not answer in time. */
  static async connect(options: ClusterClientOptions = {}): Promise<ClusterClient> {
    const checked = optionsObject(options, 'ClusterClient.connect() options') as ClusterClientOptions;
    checkKeys(checked as Record<string, unknown>, CLIENT_OPTION_CHECKS);
    const platform = checked.platform ?? nodePlatform();
    const namespace = checked.namespace ?? platform.env['CLUSTR_NAMESPACE'] ?? DEFAULT_NAMESPACE;
    checks.namespace(namespace, checked.namespace === undefined ? 'CLUSTR_NAMESPACE' : 'namespace');
    const redis = await findRedis(platform, namespace, resolveRedis(checked.redis, platform.env));
    const client = new ClusterClient(checked, platform, namespace, redis);
    await client.ready(checked.connectTimeout ?? 5_000);
    return client;
  }

  private constructor(options: ClusterClientOptions, platform: Platform, namespace: string, redis: ResolvedRedis) {
    this.platform = platform;
    this.namespace = namespace;
    this.redisLabel = redis.label;
    this.target = redis.target;
    this.pid = platform.pid;
    this.timeout = options.timeout ?? 3_000;
    this.replayWindow = options.replayWindow ?? DEFAULT_REPLAY_WINDOW_MS;
    const secret = resolveSecret(options.secret, platform.env);
    this.signer = secret === undefined ? undefined : createSigner(secret, options.secret === undefined ? 'CLUSTR_SECRET' : 'secret');
    this.meta = { pid: this.pid, group: options.group ?? 'client', instance: randomBytes(6).toString('base64url') };
    this.nextId = createFrameIds(this.pid);
    this.channels = channelNames(namespace);
    this.own = this.channels.private(this.pid);
    const publisher = platform.createRedis(redis.target);
    const subscriber = platform.createRedis(redis.target);
    // Errors surface through ready() and the requests; the clients must not throw them as events.
    for (const client of [publisher, subscriber]) client.on('error', (error: Error) => this.connectFailed?.(error));
    this.transport = new Transport({
      publisher,
      subscriber,
      ownsPublisher: true,
      ownsSubscriber: true,
      clock: platform.clock,
      codec: createCodec({ reserveBytes: TRAILER_BYTES }),
      ...(this.signer === undefined ? {} : { signer: this.signer }),
      replayWindow: this.replayWindow,
      meta: this.meta,
      nextId: this.nextId,
      coalesce: false,
      offlineQueue: DEFAULT_OFFLINE_QUEUE,
      inboundQueue: DEFAULT_INBOUND_QUEUE,
      redisLabel: redis.label,
      onFrame: (frame, channel) => {
        if (channel !== this.own || frame.re === undefined) return;
        this.waiters.get(frame.re)?.(frame);
      },
      onReject: (rejected) => {
        if (rejected.channel === this.own && SIGNATURE_REASONS.has(rejected.reason)) for (const fail of [...this.signatureFailures]) fail(rejected);
      },
      onGap: () => undefined,
      onConnection: () => undefined,
    });
  }

  /** Every registered process with its latest health, the master first (`clustr ls`). */
  async status(): Promise<ProcessStatus[]> {
    const reply = await this.ask('statusRequest', {}, 'statusReply');
    return reply.data.processes;
  }

  /** Registered pids by group (`clustr info`). */
  async clusterInfo(): Promise<ClusterInfo> {
    const reply = await this.ask('clusterInfoRequest', {}, 'clusterInfoReply');
    return reply.data;
  }

  /**
   * Asks the master for a rolling reload (what SIGHUP does) and resolves when it
   * completed; `onProgress` hears every step. Rejects with CLUSTR_RELOAD_FAILED
   * when a replacement did not become ready (the old processes keep serving).
   */
  async reload(onProgress?: (progress: CommandProgress) => void): Promise<ReloadSummary> {
    const end = await this.command('reload', onProgress);
    if (end.event !== 'reloaded') throw new ClustrError('CLUSTR_COMMAND_REFUSED', `the master answered a reload with ${end.event}.`);
    if (!end.ok) {
      const why = end.failure === undefined ? 'it stopped early' : `the replacement ${end.failure.pid} did not become ready (${end.failure.reason})`;
      throw new ClustrError('CLUSTR_RELOAD_FAILED', `the reload stopped: ${why}; ${end.replaced.length} process${end.replaced.length === 1 ? '' : 'es'} replaced before that. The processes not replaced keep serving.`);
    }
    return { replaced: end.replaced };
  }

  /**
   * Asks the master to stop the cluster (what SIGTERM does) and resolves once
   * every child has exited and the master has left Redis.
   */
  async stop(onProgress?: (progress: CommandProgress) => void): Promise<{ code: number }> {
    const end = await this.command('stop', onProgress);
    if (end.event !== 'stopped') throw new ClustrError('CLUSTR_COMMAND_REFUSED', `the master answered a stop with ${end.event}.`);
    await this.masterGone();
    return { code: end.code };
  }

  /** Publishes a public, private or group message, signed when the client has a secret. Resolves to the number of receivers. */
  async publish(target: PublishTarget, data: unknown): Promise<number> {
    this.assertOpen('publish');
    if (data === undefined) throw new ClustrError('CLUSTR_INVALID_DATA', 'publish: data is undefined, which JSON cannot carry. Send null or a value.', { field: '/data' });
    switch (target.kind) {
      case 'public':
        return this.transport.publish(this.channels.public, this.frame('public', data));
      case 'private':
        if (!Number.isInteger(target.pid) || target.pid < 1) throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `publish: pid must be a process id; got ${String(target.pid)}.`, { field: 'pid' });
        return this.transport.publish(this.channels.private(target.pid), this.frame('private', data));
      case 'group':
        return this.transport.publish(this.channels.group(target.group), this.frame('group', data));
    }
  }

  /**
   * Hears every frame of the namespace (PSUBSCRIBE `<namespace>:*`), each verified,
   * decoded and validated as a cluster process would (batches unpacked), or
   * reported as rejected with the reason. Resolves once listening, with a function
   * that stops.
   */
  async tail(listener: (entry: TailEntry) => void): Promise<() => Promise<void>> {
    this.assertOpen('tail');
    const pattern = `${this.namespace}:*`;
    const client = this.platform.createRedis(this.target);
    this.tails.add(client);
    const { clock } = this.platform;
    readFramesInto(client, {
      signer: this.signer,
      codec: createCodec(),
      replayWindow: this.replayWindow,
      clock,
      accept: (frame, channel) => listener({ at: clock.now(), channel, frame }),
      reject: (rejected) => listener({ at: clock.now(), channel: rejected.channel, rejected }),
    });
    client.on('error', () => undefined);
    // Subscriptions do not survive a reconnect by themselves (autoResubscribe is off): renew on every ready.
    const subscribed = new Promise<void>((resolve, reject) => {
      const subscribe = () => client.psubscribe(pattern).then(() => resolve(), reject);
      client.on('ready', () => void subscribe().catch(() => undefined));
      if (client.status === 'ready') void subscribe();
    });
    const stop = async () => {
      this.tails.delete(client);
      await bounded(client.quit(), 1_000, clock).catch(() => undefined);
      client.disconnect();
    };
    if ((await bounded(subscribed, this.timeout, clock)) === 'timeout') {
      await stop();
      throw new ClustrError('CLUSTR_REDIS_UNREACHABLE', `could not subscribe to ${pattern} on Redis at ${this.redisLabel} within ${this.timeout} ms.`);
    }
    return stop;
  }

  /** Closes the connections. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.waiters.keys()) this.waiters.delete(waiter);
    await Promise.all([this.transport.close(), ...[...this.tails].map((tail) => bounded(tail.quit(), 1_000, this.platform.clock).catch(() => undefined))]);
    for (const tail of this.tails) tail.disconnect();
  }

  // ---- internals ---------------------------------------------------------------------------

  private async ready(connectTimeout: number): Promise<void> {
    const subscribed = this.transport.subscribe([this.own]);
    subscribed.catch(() => undefined);
    // Nothing listening there (or bad credentials) will not change while a command waits: say so at once.
    const refused = new Promise<Error>((resolve) => {
      this.connectFailed = (error) => {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ECONNREFUSED' || code === 'ENOENT' || isAuthError(error)) resolve(error);
      };
    });
    const outcome = await bounded(Promise.race([subscribed, refused]), connectTimeout, this.platform.clock).catch((error: Error) => error);
    this.connectFailed = undefined;
    if (outcome === undefined) return;
    const last = outcome instanceof Error ? outcome : this.transport.lastError;
    await this.close();
    if (isAuthError(last)) throw new ClustrError('CLUSTR_REDIS_AUTH', `Redis at ${this.redisLabel} refused the client: ${last?.message ?? ''}. Check the user name and password.`, last === undefined ? {} : { cause: last });
    throw new ClustrError(
      'CLUSTR_REDIS_UNREACHABLE',
      `could not reach Redis at ${this.redisLabel} within ${connectTimeout} ms (${last?.message ?? 'no answer'}). Start the cluster's Redis, or point at it with --redis / CLUSTR_REDIS_URL.`,
      last === undefined ? {} : { cause: last },
    );
  }

  private frame<K extends FrameKind>(kind: K, data: FrameOf<K>['data']): FrameOf<K> {
    return { v: PROTOCOL_VERSION, kind, id: this.nextId(), meta: this.meta, data } as FrameOf<K>;
  }

  private assertOpen(method: string): void {
    if (this.closed) throw new ClustrError('CLUSTR_CLOSED', `${method}() was called on a closed ClusterClient.`);
  }

  /**
   * Sends a request to the master channel and calls `onFrame` with every frame that
   * names it in `re`, until `onFrame` settles. No listener on the master channel is
   * CLUSTR_NO_MASTER at once; silence is CLUSTR_NO_MASTER after the timeout, with a
   * hint about secrets; an answer that does not verify is CLUSTR_FRAME_REJECTED.
   */
  private exchange<T>(frame: Frame, onFrame: (frame: SingleFrame, settle: (result: T | Error) => void, restartTimer: (ms: number | undefined) => void) => void, timeoutMs = this.timeout): Promise<T> {
    this.assertOpen(frame.kind);
    return new Promise<T>((resolve, reject) => {
      const { clock } = this.platform;
      let timer: TimerHandle | undefined;
      let done = false;
      const settle = (result: T | Error) => {
        if (done) return;
        done = true;
        if (timer !== undefined) clock.clearTimeout(timer);
        this.waiters.delete(frame.id);
        this.signatureFailures.delete(onRejected);
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const restartTimer = (ms: number | undefined) => {
        if (timer !== undefined) clock.clearTimeout(timer);
        timer = ms === undefined ? undefined : clock.setTimeout(() => settle(this.silence()), ms);
      };
      const onRejected = (rejected: RejectedFrame) => settle(this.unverified(rejected));
      this.waiters.set(frame.id, (reply) => onFrame(reply, settle, restartTimer));
      this.signatureFailures.add(onRejected);
      restartTimer(timeoutMs);
      this.transport.publish(this.channels.master, frame).then(
        (receivers) => {
          if (receivers === 0) settle(this.noMaster());
        },
        (error: Error) => settle(error),
      );
    });
  }

  private ask<R extends 'statusReply' | 'clusterInfoReply'>(kind: 'statusRequest' | 'clusterInfoRequest', data: Record<string, never>, replyKind: R): Promise<FrameOf<R>> {
    return this.exchange<FrameOf<R>>(this.frame(kind, data), (reply, settle) => {
      if (reply.kind === replyKind) settle(reply as FrameOf<R>);
    });
  }

  /** Sends a command and follows its progress to the end (reloaded, stopped, refused). */
  private command(action: 'reload' | 'stop', onProgress?: (progress: CommandProgress) => void): Promise<CommandProgress> {
    const watch = { on: true };
    return this.exchange<CommandProgress>(this.frame('command', { action }), (reply, settle, restartTimer) => {
      if (reply.kind !== 'commandReply') return;
      const progress = reply.data;
      if (onProgress !== undefined) onProgress(progress);
      switch (progress.event) {
        case 'accepted':
          // From now on the master's silence is judged by asking it whether it still runs.
          restartTimer(undefined);
          void this.watchMaster(watch, () => settle(new ClustrError('CLUSTR_NO_MASTER', `the master (pid ${reply.meta.pid}) stopped answering during the ${action}; it may have died. Look at its output; \`clustr ls\` shows what runs now.`)));
          return;
        case 'replaced':
          return;
        case 'refused':
          settle(new ClustrError('CLUSTR_COMMAND_REFUSED', `the master refused the ${action}: ${progress.reason}.`));
          return;
        case 'reloaded':
        case 'stopped':
          settle(progress);
          return;
      }
    }).finally(() => {
      watch.on = false;
    });
  }

  /** Asks the master for cluster info every `timeout` ms while a command runs; calls `lost` when it stops answering. */
  private async watchMaster(watch: { on: boolean }, lost: () => void): Promise<void> {
    const { clock } = this.platform;
    while (watch.on && !this.closed) {
      // Unref'd: a command that ended must not keep a script alive until the next check.
      await new Promise<void>((resolve) => clock.unref?.(clock.setTimeout(resolve, this.timeout)));
      if (!watch.on || this.closed) return;
      // A stop: the master may send `stopped` and leave while this asks; then the command has ended already.
      const answered = await this.clusterInfo().then(
        () => true,
        () => false,
      );
      if (!answered && watch.on) lost();
      if (!answered) return;
    }
  }

  /**
   * After `stopped`: the master answers cluster-info requests until it disconnects, just
   * before it exits. Nobody listening on its channel, or no answer in time, is gone (a
   * tail's pattern subscription also counts as a listener, so the count alone cannot say).
   */
  private async masterGone(): Promise<void> {
    const { clock } = this.platform;
    const deadline = clock.now() + LEAVE_TIMEOUT_MS;
    while (clock.now() < deadline) {
      // A private Redis goes with its master: nothing left to wait for.
      if (this.transport.state !== 'ready') return;
      const frame = this.frame('clusterInfoRequest', {});
      const answered = await this.exchange<true>(
        frame,
        (reply, settle) => {
          if (reply.kind === 'clusterInfoReply') settle(true);
        },
        LEAVE_ANSWER_MS,
      ).catch(() => false);
      if (!answered) return;
      await new Promise<void>((resolve) => clock.setTimeout(resolve, LEAVE_POLL_MS));
    }
  }

  private noMaster(): ClustrError {
    return new ClustrError(
      'CLUSTR_NO_MASTER',
      `no master listens in namespace "${this.namespace}" on Redis at ${this.redisLabel}. Start the cluster, or check --namespace (CLUSTR_NAMESPACE) and --redis (CLUSTR_REDIS_URL).`,
    );
  }

  private silence(): ClustrError {
    return new ClustrError(
      'CLUSTR_NO_MASTER',
      `no master answered within ${this.timeout} ms in namespace "${this.namespace}" on Redis at ${this.redisLabel}, though something listens there. ` +
        (this.signer === undefined
          ? 'If the cluster runs with a secret, pass it (--secret or CLUSTR_SECRET): a master drops unsigned frames without a word.'
          : 'If the cluster runs with another secret (or none), a master drops frames it cannot verify without a word: check --secret / CLUSTR_SECRET.') +
        ' Otherwise the master may be hung.',
    );
  }

  private unverified(rejected: RejectedFrame): ClustrError {
    const hint =
      rejected.reason === 'unsigned'
        ? 'the cluster does not sign its frames: run without --secret / CLUSTR_SECRET'
        : rejected.reason === 'stale'
          ? `its clock and this one differ by more than the replay window (${this.replayWindow} ms)`
          : 'pass the secret the cluster runs with (--secret or CLUSTR_SECRET)';
    return new ClustrError('CLUSTR_FRAME_REJECTED', `the master's answer was dropped (${rejected.reason}): ${hint}.`);
  }
}

/** Every pmessage of `client` read as a cluster process reads a message. */
function readFramesInto(client: RedisLike, reading: Parameters<typeof readFrames>[0]): void {
  client.on('pmessage', (_pattern, channel, raw) => readFrames(reading, channel, raw));
}

/**
 * The Redis to use: the one configured; else the private Redis of this namespace
 * on this machine, when one answers on its well-known socket (a master that found
 * no Redis started it); else the default address.
 */
async function findRedis(platform: Platform, namespace: string, configured: ResolvedRedis): Promise<ResolvedRedis> {
  const control = platform.redisServer;
  if (!configured.isDefault || control === undefined) return configured;
  const socket = control.socketPath(namespace);
  return (await control.answers(socket, FIND_TIMEOUT_MS)) ? resolveRedis(socket, {}) : configured;
}
