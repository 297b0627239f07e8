import { ClustrError, MASTER_GROUP, type ClusterInfo, type MessageSchemas } from '@clustr/protocol/core';
import { ClusterProcess, type ProcessOptions } from '../process/cluster-process';
import { checkKeys, checks, optionsObject } from '../process/options';
import { ReloadMachine, type ReloadResult } from '../reload/reload-machine';
import { Registry } from './registry';
import type { Socket } from 'node:net';
import { acceptConnections, bindSharedSocket, endpoint, listenInBackground, type SharedSocket, type SharedSocketOptions } from '../net/shared-socket';
import { Distributor, type Distribution } from '../net/distributor';
import type { ReloadState } from '../process/events';
import { StatusTable } from './status';
import { Commands } from './commands';
import { bounded } from '../transport/transport';

/** How long a stopping master waits to tell `clustr stop` that its children are gone. */
const STOPPED_REPLY_TIMEOUT_MS = 1_000;
/** Exit code of a master whose shared socket could not listen (listenFailed). */
const EXIT_LISTEN_FAILED = 1;

export interface MasterOptions<S extends MessageSchemas = MessageSchemas> extends ProcessOptions<S> {
  /** Milliseconds a replacement may take to register during a reload before the reload is abandoned (children with `ready: 'register'`). Default `30000`. */
  readyTimeout?: number;
  /**
   * Children a rolling reload replaces at once: their replacements start together, and
   * the old children are stopped once all of them are ready, so the port never has fewer
   * ready workers than before. Raise it for clusters with many workers. Default `1`.
   */
  reloadConcurrency?: number;
}

/** The checks of the options only the master takes. */
const MASTER_OPTION_CHECKS = { readyTimeout: checks.ms, reloadConcurrency: checks.count } as const satisfies { [K in Exclude<keyof MasterOptions, keyof ProcessOptions>]-?: unknown };

/**
 * After Redis comes back, processes register again; the master then drops the
 * registrations not renewed within this many ms whose process is gone (their
 * deregistration may have been lost in the outage).
 */
export const REVALIDATE_AFTER_MS = 5_000;

const LISTEN_OPTION_KEYS = { port: checks.later, host: checks.later, distribution: checks.later };

/** Exit codes of the master when a signal stops the cluster: 15 for SIGTERM (as the original clustr), 130 for SIGINT. */
const STOP_SIGNALS = { SIGTERM: 15, SIGINT: 130 } as const;

/**
 * The root of a cluster. It spawns and supervises workers, keeps the registry
 * behind cluster info, answers cluster-info requests, reloads every child one
 * after another on SIGHUP and stops the whole tree on SIGTERM.
 */
export class Master<S extends MessageSchemas = MessageSchemas> extends ClusterProcess<S> {
  private readonly registry: Registry;
  private readonly reloads: ReloadMachine;
  private readonly startedHooks = new Set<() => void>();
  private readonly reloadedHooks = new Set<(result: ReloadResult) => void>();
  private readonly reloadFailedHooks = new Set<(result: ReloadResult) => void>();
  private readonly sockets: SharedSocket[] = [];
  // Stryker disable next-line StringLiteral: read only once listen() has set it (listenMode() matters only with a socket to inherit)
  private distribution: Distribution = 'round-robin';
  private readonly stopAccepting: Array<() => void> = [];
  private readonly distributor: Distributor<Socket>;
  private started = false;
  private membershipScheduled = false;
  // ---- operator view and commands (master/status.ts, master/commands.ts) ----
  private readonly statusTable: StatusTable;
  private readonly commands: Commands;

  /** Creates the master synchronously; connections are made in the background. */
  static create<S extends MessageSchemas = MessageSchemas>(options: MasterOptions<S> = {}): Master<S> {
    return new Master<S>(options);
  }

  private constructor(options: MasterOptions<S>) {
    super({ group: MASTER_GROUP, options, role: 'master', roleChecks: MASTER_OPTION_CHECKS });
    this.registry = new Registry(this.pid);
    this.distributor = new Distributor<Socket>({
      handOver: (pid, socket) => this.supervisor.sendTo(pid, { clustr: 'conn' }, socket),
      drop: (socket) => socket.destroy(),
      clock: this.platform.clock,
      logger: this.logger,
      maxPending: 1024,
      pendingTimeout: 30_000,
    });
    // serveHttp in a child says when it takes connections and when it drains; an exit ends it too.
    this.events.on('childMessage', ({ pid, message }) => {
      if (message.clustr === 'serving') {
        this.acceptOnSharedSockets();
        this.distributor.add(pid);
      } else if (message.clustr === 'draining') {
        this.distributor.remove(pid);
        // Out of the rotation: everything handed to it before this answer reaches it first (IPC keeps order).
        void this.supervisor.sendTo(pid, { clustr: 'draining-ack' });
      }
    });
    // Stryker disable next-line StringLiteral,ArrowFunction: a worker left in the rotation after its exit is dropped at its first hand-over, which supervisor.sendTo() answers false
    this.events.on('childExited', ({ pid }) => this.distributor.remove(pid));
    this.applyMembership(this.registry.info());
    const readyTimeout = options.readyTimeout ?? 30_000;
    this.reloads = new ReloadMachine({
      events: this.events,
      clock: this.platform.clock,
      logger: this.logger,
      reloadDelay: this.reloadDelay,
      readyTimeout,
      concurrency: options.reloadConcurrency ?? 1,
      targets: () => this.supervisor.slots.filter((slot) => slot.state === 'running'),
      duplicate: (slot) => this.supervisor.duplicate(slot),
      // Out of the rotation before it is told to stop, not when its `draining` arrives.
      retire: (slot) => {
        this.distributor.remove(slot.pid);
        return this.supervisor.retire(slot);
      },
      // Per reload that ran, not per request: SIGHUPs queued behind one reload must not each
      // report the last result (the first reload's result was lost, the hooks ran N times).
      onResult: (result) => {
        const hooks = result.ok ? this.reloadedHooks : this.reloadFailedHooks;
        for (const hook of [...hooks]) this.invoke(result.ok ? 'onClusterReloaded' : 'onReloadFailed', () => hook(result));
      },
    });

    this.events.on('register', (frame) => {
      // Only other processes register; a frame claiming the master's pid is not one of them.
      if (frame.meta.pid === this.pid) return;
      const added = this.registry.add({ pid: frame.meta.pid, group: frame.meta.group, parentPid: frame.data.parentPid, seenAt: this.platform.clock.now() });
      if (added) {
        this.logger.info({ event: 'registry.add', pid: frame.meta.pid, group: frame.meta.group }, 'process registered');
        this.membershipChanged();
      }
      this.checkStarted();
    });
    this.events.on('deregister', (frame) => this.deregister(frame.data.pid, frame.meta.pid));
    this.events.on('clusterInfoRequest', (frame) => {
      // Stryker disable next-line ArrowFunction: publish() reports the failure; what the catch returns is never read
      void this.publish(this.channels.private(frame.meta.pid), { ...this.frame('clusterInfoReply', this.registry.info()), re: frame.id }).catch(() => 0);
    });
    this.events.on('connection', ({ from, to }) => {
      if (from === 'connecting' && to === 'ready') this.announce('start');
    });
    this.events.on('childSpawned', () => this.checkStarted());
    // A child that stops for good before registering must not hold the start back.
    this.events.on('childExited', () => this.checkStarted());
    this.events.on('reloadState', ({ to }) => {
      if (to === 'completed' || to === 'failed') this.logger.info({ event: 'cluster.reload', result: to }, `reload ${to}`);
    });

    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      this.disposers.push(
        this.platform.onSignal(signal, () => {
          // A second one while stopping means "now" (the second Ctrl-C): hooks or children
          // that take their time (killTimeout: false, a long stopTimeout) are cut short.
          if (this.status === 'stopping') {
            this.stopNow(signal);
            return;
          }
          this.logger.info({ event: 'signal', signal }, `received ${signal}; stopping the cluster`);
          void this.shutdown(STOP_SIGNALS[signal], signal);
        }),
      );
    }
    this.disposers.push(
      this.platform.onSignal('SIGHUP', () => {
        // The handler lives until the process exits; reload() rejects once stopping, and an
        // unhandled rejection here would crash the master mid-shutdown and orphan its children.
        if (this.status !== 'running') {
          this.logger.info({ event: 'signal.ignored', signal: 'SIGHUP', state: this.status }, 'received SIGHUP while stopping; not reloading');
          return;
        }
        this.logger.info({ event: 'signal', signal: 'SIGHUP' }, 'received SIGHUP; reloading');
        this.reload().catch((error: Error) => this.report(error, { event: 'reload' }));
      }),
    );

    // ---- operator view and commands: `clustr ls`, `clustr reload`, `clustr stop` ----
    this.statusTable = new StatusTable({
      pid: this.pid,
      events: this.events,
      clock: this.platform.clock,
      registry: this.registry,
      heartbeat: this.heartbeat,
      timeout: this.heartbeatSettings.timeout,
      report: (error, context) => this.report(error, context),
      reply: (request, processes) => this.transport.publish(this.channels.private(request.meta.pid), { ...this.frame('statusReply', { processes }), re: request.id }),
    });
    this.commands = new Commands({
      events: this.events,
      logger: this.logger,
      running: () => this.status === 'running',
      // Stryker disable next-line ArrowFunction: a reload the command starts from idle is claimed by its idle -> replacing event anyway; any other state means not its own, as undefined does
      reloadState: () => this.reloads.state,
      reload: () => this.reload(),
      stop: (code) => void this.shutdown(code, 'command'),
      reply: (to, data) => this.publish(this.channels.private(to.pid), { ...this.frame('commandReply', data), re: to.re }).catch(() => 0),
    });
  }

  /** Registered pids by group, the master under "master". Always current: a child that dies in any way leaves it. */
  get clusterInfo(): ClusterInfo {
    return this.registry.info();
  }

  /** The state of the rolling reload: `idle` unless one is running. */
  get reloadState(): ReloadState {
    return this.reloads.state;
  }

  /**
   * Calls `callback` once, when every child the master spawned is ready: registered
   * (emitReady) or, for a child with `ready: 'spawn'` (by default one started with
   * another `command`, such as a bash script), running.
   */
  onClusterStarted(callback: () => void): () => void {
    this.assertFunction(callback, 'onClusterStarted');
    this.startedHooks.add(callback);
    return () => this.startedHooks.delete(callback);
  }

  /** Calls `callback` each time a rolling reload has replaced every child. */
  onClusterReloaded(callback: (result: ReloadResult) => void): () => void {
    this.assertFunction(callback, 'onClusterReloaded');
    this.reloadedHooks.add(callback);
    return () => this.reloadedHooks.delete(callback);
  }

  /** Calls `callback` when a reload was abandoned because a replacement did not become ready; the old children keep serving. */
  onReloadFailed(callback: (result: ReloadResult) => void): () => void {
    this.assertFunction(callback, 'onReloadFailed');
    this.reloadFailedHooks.add(callback);
    return () => this.reloadFailedHooks.delete(callback);
  }

  /**
   * Replaces every running child one after another (what SIGHUP does). A call
   * during a reload queues exactly one more reload after it.
   */
  async reload(): Promise<ReloadResult> {
    this.assertRunning('reload');
    return this.reloads.request();
  }

  /**
   * Binds a TCP port once, puts it into the listening state and hands it to
   * every child spawned afterwards (as an inherited file descriptor, named in
   * `CLUSTR_LISTEN_FD`); workers serve it with `serveHttp()`. With
   * `distribution: 'round-robin'` (the default) the master accepts each
   * connection and hands it to the next serving worker over IPC, for an even
   * spread; with `'shared'` the workers accept themselves and the master never
   * touches a connection. Either way connections made while no worker serves
   * wait (in the kernel's queue, or held by the master for up to 30 s). The
   * socket is bound before listen() returns and listens tens of milliseconds
   * later (a helper process does it in the background); no child is first
   * launched before.
   * The port stays open across reloads. Throws a ClustrError `CLUSTR_SHARED_SOCKET`
   * naming the host, port and system error (EADDRINUSE) when the port is taken:
   * by another program, another master, or an earlier listen() of this one on
   * the same address (or one a wildcard address covers). A
   * master that binds a port in the same instant as another and loses the race
   * to listen reports the error through onError and stops with exit code 1.
   * `listening` resolves once the socket listens (and rejects with that error).
   */
  listen(options: SharedSocketOptions): { port: number; host: string; listening: Promise<void> } {
    this.assertRunning('listen');
    // port and host are checked where the socket is bound; here, a typo (`prot`) is named. The
    // checked object from here on: listen() called without options (from JavaScript) is a missing
    // port, not a TypeError.
    const given = optionsObject(options, 'listen() options');
    checkKeys(given, LISTEN_OPTION_KEYS, 'listen().');
    const distribution = (given as Partial<SharedSocketOptions>).distribution ?? 'round-robin';
    if (distribution !== 'round-robin' && distribution !== 'shared') {
      throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `listen() distribution must be "round-robin" or "shared"; got ${JSON.stringify(distribution)}.`, { field: 'distribution' });
    }
    if (this.sockets.length > 0 && distribution !== this.distribution) {
      throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `listen() distribution "${distribution}" differs from the "${this.distribution}" of an earlier listen(): every shared port of a master is served the same way.`, { field: 'distribution' });
    }
    const listenShared = this.platform.listenShared;
    // An earlier socket of ours is passed: the bind would succeed next to one not listening yet
    // (its helper still runs), and the clash would only show later; it is named at once instead.
    const socket = bindSharedSocket(given as unknown as SharedSocketOptions, listenShared ? (fd) => listenShared.call(this.platform, fd) : listenInBackground, this.sockets);
    socket.listening.catch((error: Error) => this.listenFailed(error));
    this.distribution = distribution;
    this.sockets.push(socket);
    if (this.stopAccepting.length > 0) this.accept(socket);
    this.logger.info({ event: 'socket.bound', port: socket.port, host: socket.host, distribution }, 'bound shared listening socket');
    return { port: socket.port, host: socket.host, listening: socket.listening };
  }

  /** Connections handed to each worker by the round-robin distribution so far, by pid. */
  get connectionsHanded(): ReadonlyMap<number, number> {
    return this.distributor.handed;
  }

  protected override listenMode(): string {
    return this.distribution;
  }

  /**
   * Round-robin: the master accepts from the first worker that takes handed connections
   * on. Before that, connections wait in the kernel's queue, and a worker that cannot be
   * handed any (one started through a wrapper) accepts them itself.
   */
  private acceptOnSharedSockets(): void {
    if (this.distribution !== 'round-robin' || this.stopAccepting.length > 0) return;
    for (const socket of this.sockets) this.accept(socket);
  }

  /**
   * Accepts on `socket` here and hands what comes to the distributor. Its listen can fail only
   * while the socket's helper runs and another socket on the port listens first: the helper's
   * answer then stops the master (listenFailed); here it is logged.
   */
  private accept(socket: SharedSocket): void {
    const onError = (error: Error) =>
      this.logger.warn({ event: 'socket.accept_failed', port: socket.port, host: socket.host, error }, `could not accept on ${endpoint(socket.host, socket.port)}: ${error.message}`);
    this.stopAccepting.push(acceptConnections(socket, (connection) => this.distributor.offer(connection), onError));
  }

  protected override childGone(pid: number): void {
    // The master keeps the registry: no round trip through Redis, which may be away.
    this.deregister(pid, this.pid);
  }

  protected override afterReconnect(): void {
    // Deregistrations sent during the outage may be lost: every live process registers again on
    // this announcement; what has not after REVALIDATE_AFTER_MS and is not running is dropped.
    const since = this.platform.clock.now();
    this.announce('reconnect');
    this.platform.clock.setTimeout(() => {
      if (this.status !== 'running') return;
      for (const pid of this.registry.staleSince(since)) {
        if (!this.platform.signalPid(pid, 0)) this.deregister(pid, this.pid);
      }
    }, REVALIDATE_AFTER_MS);
  }

  private announce(reason: 'start' | 'reconnect'): void {
    void this.publish(this.channels.control, this.frame('announce', { reason })).catch(() => undefined);
  }

  private deregister(pid: number, by: number): void {
    const removed = this.registry.remove(pid);
    if (removed.length === 0) return;
    this.logger.info({ event: 'registry.remove', pids: removed, by }, 'process deregistered');
    this.membershipChanged();
  }

  /** Every process keeps a view of who is registered (request/emitAny pick from it): one update per tick of changes. */
  private membershipChanged(): void {
    if (this.membershipScheduled) return;
    this.membershipScheduled = true;
    queueMicrotask(() => {
      this.membershipScheduled = false;
      const info = this.registry.info();
      this.applyMembership(info);
      if (this.status === 'running') void this.publish(this.channels.control, this.frame('membership', info)).catch(() => undefined);
    });
  }

  protected override beforeLaunch(): Promise<unknown> {
    return Promise.all(this.sockets.map((socket) => socket.listening));
  }

  /**
   * A bound socket that could not listen (another socket on the port listened first, or the
   * helper failed): the master cannot serve what it promised. One line on stderr, onError,
   * and it stops with exit code 1 before launching any child that would inherit the socket.
   */
  private listenFailed(error: Error): void {
    if (this.status !== 'running') return;
    this.platform.write('stderr', `clustr[${this.group}:${this.pid}]: ${error.message}\n`);
    this.report(error, { event: 'socket.listen_failed' });
    void this.shutdown(EXIT_LISTEN_FAILED, 'listen-failed', false);
  }

  protected override inheritFds(): number[] {
    return this.sockets.map((socket) => socket.fd);
  }

  protected override beforeStop(): void {
    this.reloads.cancel();
  }

  protected override async beforeDisconnect(): Promise<void> {
    this.distributor.close();
    for (const stop of this.stopAccepting.splice(0)) stop();
    for (const socket of this.sockets.splice(0)) socket.close();
    // Every child has exited: whoever ran `clustr stop` hears it now, while Redis is still there.
    await bounded(this.commands.beforeDisconnect(this.stopCode ?? 0), STOPPED_REPLY_TIMEOUT_MS, this.platform.clock);
    this.statusTable.stop();
  }

  private checkStarted(): void {
    if (this.started) return;
    const slots = this.supervisor.slots.filter((slot) => slot.state === 'running' || slot.state === 'pending' || slot.state === 'backoff');
    if (slots.length === 0 || !slots.every((slot) => slot.state === 'running' && (slot.ready === 'spawn' || this.registry.has(slot.pid)))) return;
    this.started = true;
    this.logger.info({ event: 'cluster.started', children: slots.map((s) => s.pid) }, 'cluster started');
    for (const hook of [...this.startedHooks]) this.invoke('onClusterStarted', hook);
  }
}
