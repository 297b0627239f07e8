import type { Clock, TimerHandle } from '../platform/platform';
import type { Logger } from '../process/logger';

/**
 * How connections to the shared port reach workers:
 * - `round-robin` (default): the master accepts each connection and hands it to the next
 *   serving worker, in turn, over IPC (what node:cluster does by default). The spread is
 *   even (the operating system's own choice among workers accepting on one socket is very
 *   uneven: 0 / 8.4k / 52k / 78k requests over four workers, measured here).
 * - `shared`: every worker accepts on the socket itself; the master never touches a
 *   connection. No hand-off cost, uneven spread.
 * Node 22.12 adds `reusePort` (one socket per worker, spread by the kernel's hash); clustr
 * supports Node 20, which has none.
 */
export type Distribution = 'round-robin' | 'shared';

export interface DistributorDeps<S> {
  /** Hands `socket` to the child `pid`; resolves false when it could not (gone, no IPC): the socket is still ours. */
  handOver(pid: number, socket: S): Promise<boolean>;
  /** Closes a connection no worker could take in time. */
  drop(socket: S): void;
  clock: Clock;
  logger: Logger;
  /** Connections held while no worker serves; past it, new ones are closed. */
  maxPending: number;
  /** Milliseconds a held connection waits for a worker before it is closed. */
  pendingTimeout: number;
}

interface Held<S> {
  socket: S;
  at: number;
}

/**
 * Round-robin over the workers that serve (they said `serving` and not yet
 * `draining`, and are alive). A connection that comes while none serves (all
 * restarting) waits, bounded in number and time, for the next one that does.
 */
export class Distributor<S> {
  private readonly serving: number[] = [];
  private next = 0;
  private readonly held: Array<Held<S>> = [];
  private timer: TimerHandle | undefined;
  /** Connections handed to each worker, by pid (for tests, the bench and status). */
  readonly handed = new Map<number, number>();
  private closed = false;

  constructor(private readonly deps: DistributorDeps<S>) {}

  /** Pids in the rotation, in order. */
  get workers(): readonly number[] {
    return this.serving;
  }

  get pending(): number {
    return this.held.length;
  }

  /** `pid` serves from now on: it joins the rotation and takes what was waiting. */
  add(pid: number): void {
    if (this.closed || this.serving.includes(pid)) return;
    this.serving.push(pid);
    this.deps.logger.debug({ event: 'distribution.add', pid, workers: [...this.serving] }, `worker ${pid} takes connections`);
    const waiting = this.held.splice(0);
    this.cancelTimer();
    for (const { socket } of waiting) this.offer(socket);
  }

  /** `pid` drains or is gone: no new connection goes to it. */
  remove(pid: number): void {
    const at = this.serving.indexOf(pid);
    if (at === -1) return;
    this.serving.splice(at, 1);
    if (this.next > at) this.next--;
    this.deps.logger.debug({ event: 'distribution.remove', pid, workers: [...this.serving] }, `worker ${pid} takes no more connections`);
  }

  /** A new connection: to the next worker in turn, or held until one serves. */
  offer(socket: S): void {
    if (this.closed) {
      this.deps.drop(socket);
      return;
    }
    if (this.serving.length === 0) {
      this.hold(socket);
      return;
    }
    if (this.next >= this.serving.length) this.next = 0;
    const pid = this.serving[this.next++]!;
    this.deps.handOver(pid, socket).then(
      (sent) => {
        if (sent) {
          this.handed.set(pid, (this.handed.get(pid) ?? 0) + 1);
          return;
        }
        // The worker is gone (its exit not yet seen) or has no channel: the next one takes it.
        this.remove(pid);
        this.offer(socket);
      },
      () => {
        this.remove(pid);
        this.offer(socket);
      },
    );
  }

  /** Closes what waits; later connections are closed at once. */
  close(): void {
    this.closed = true;
    this.cancelTimer();
    for (const { socket } of this.held.splice(0)) this.deps.drop(socket);
    this.serving.length = 0;
  }

  private hold(socket: S): void {
    if (this.held.length >= this.deps.maxPending) {
      this.deps.logger.warn({ event: 'distribution.full', pending: this.held.length }, `no worker takes connections and ${this.held.length} wait already: closing a new one`);
      this.deps.drop(socket);
      return;
    }
    this.held.push({ socket, at: this.deps.clock.now() });
    if (this.timer === undefined) this.arm(this.deps.pendingTimeout);
  }

  private arm(delay: number): void {
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      const now = this.deps.clock.now();
      while (this.held.length > 0 && now - this.held[0]!.at >= this.deps.pendingTimeout) this.deps.drop(this.held.shift()!.socket);
      if (this.held.length > 0) this.arm(this.deps.pendingTimeout - (now - this.held[0]!.at));
    }, Math.max(0, delay));
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) {
      this.deps.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
