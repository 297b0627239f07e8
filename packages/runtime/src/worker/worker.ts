import { ClustrError, MASTER_GROUP, assertGroupName, type MessageSchemas } from '@clustr/protocol/core';
import { ClusterProcess, type ProcessOptions } from '../process/cluster-process';
import { bounded } from '../transport/transport';

/** How long a stopping worker waits to tell the master it leaves; the parent reports its exit anyway. */
const DEREGISTER_TIMEOUT_MS = 1_000;

export interface WorkerOptions<S extends MessageSchemas = MessageSchemas> extends ProcessOptions<S> {
  /** The group this worker belongs to; group messages and cluster info are keyed by it. Required; `"master"` is reserved. */
  group: string;
}

/** Exit codes a worker uses when a signal stops it (128 + signal number, as shells report). */
const SIGNAL_EXIT_CODES = { SIGTERM: 143, SIGINT: 130 } as const;

/**
 * A process of the cluster other than the master. It registers with the master
 * when it calls emitReady(), deregisters when it stops, and stops by itself when
 * its parent dies, so no worker outlives its cluster.
 */
export class Worker<S extends MessageSchemas = MessageSchemas> extends ClusterProcess<S> {
  /** The pid of the process that spawned this one. */
  readonly parentPid: number;
  private registered = false;

  /** Creates the worker synchronously; connections are made in the background and nothing sent meanwhile is lost. */
  static create<S extends MessageSchemas = MessageSchemas>(options: WorkerOptions<S>): Worker<S> {
    return new Worker<S>(options);
  }

  private constructor(options: WorkerOptions<S>) {
    const group = (options as Partial<WorkerOptions<S>> | undefined)?.group;
    if (group === undefined || group === null || group === '') {
      throw new ClustrError('CLUSTR_MISSING_GROUP', 'Worker.create() needs a group, e.g. Worker.create({ group: "web" }).', { field: 'group' });
    }
    if (group === MASTER_GROUP) {
      throw new ClustrError('CLUSTR_RESERVED_GROUP', `the group "${MASTER_GROUP}" is reserved for the master; give this worker another group, e.g. "web".`, { field: 'group' });
    }
    // Stryker disable next-line StringLiteral: the role is only ever compared with 'master'
    super({ group, options, role: 'worker', roleChecks: { group: (value, field) => assertGroupName(value, field) } });
    const fromEnv = Number(this.platform.env['CLUSTR_PARENT_PID']);
    this.parentPid = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : this.platform.ppid;
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      this.disposers.push(
        this.platform.onSignal(signal, () => {
          this.logger.info({ event: 'signal', signal }, `received ${signal}`);
          void this.shutdown(SIGNAL_EXIT_CODES[signal], signal);
        }),
      );
    }
    // The master asks every ready process to register again when it is back (registration is idempotent).
    this.events.on('announce', (frame) => {
      if (this.registered && frame.meta.pid === this.masterPid) void this.register().catch(() => undefined);
    });
    // A hang-up reaches every process of the group (a closed terminal or ssh session,
    // `systemctl kill -s HUP`); Node's default action would kill the worker without a drain.
    // Reloading is the master's job, so a worker only notes it.
    this.disposers.push(
      this.platform.onSignal('SIGHUP', () => {
        this.logger.info({ event: 'signal.ignored', signal: 'SIGHUP' }, 'received SIGHUP; ignored (only the master reloads)');
      }),
    );
    this.disposers.push(
      this.platform.watchParent(this.parentPid, () => {
        this.logger.warn({ event: 'parent.gone', parentPid: this.parentPid }, 'parent process is gone; stopping');
        void this.shutdown(1, 'parent-gone');
      }),
    );
  }

  /**
   * Registers this worker with the master once Redis has confirmed its
   * subscriptions: from then on it is reachable, and the master's
   * onClusterStarted and a rolling reload count it as ready. Called while Redis
   * is away, it waits for Redis (a worker is never forgotten for having become
   * ready during an outage); after every reconnect, and whenever the master
   * announces itself, the worker registers again.
   */
  emitReady(): Promise<void> {
    try {
      this.assertRunning('emitReady');
    } catch (error) {
      return Promise.reject(error as Error);
    }
    this.registered = true;
    return this.whenConnected().then(
      async () => {
        if (this.status !== 'running') return;
        await this.register();
        // Heartbeats start with the registration: the parent's watchdog counts from the first one.
        this.heartbeat.start(this.parentPid);
        this.logger.info({ event: 'worker.ready' }, 'registered with the master');
      },
      (error: ClustrError) => {
        // Closed before Redis was there (a stop, no Redis within connectTimeout): as when it closes
        // after connecting, nothing is registered and the promise resolves. A rejection here would
        // end the process with the caller's error path (exit 1, an unhandled rejection) instead of its own code.
        if (error.code === 'CLUSTR_CLOSED' && this.status !== 'running') return;
        throw error;
      },
    );
  }

  protected override afterReconnect(): void {
    if (this.registered) void this.register().catch(() => undefined);
  }

  private register(): Promise<number> {
    return this.publish(this.channels.master, this.frame('register', { parentPid: this.parentPid }));
  }

  protected override async beforeDisconnect(): Promise<void> {
    if (this.registered) {
      // Bounded: with Redis down the publish would wait in the offline queue and hold the exit.
      // Stryker disable next-line ArrowFunction: publish() reports the failure; what the catch returns is never read
      await bounded(this.publish(this.channels.master, this.frame('deregister', { pid: this.pid })).catch(() => 0), DEREGISTER_TIMEOUT_MS, this.platform.clock);
    }
  }
}
