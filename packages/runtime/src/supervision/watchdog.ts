import type { Emitter } from 'mitt';
import { ClustrError } from '@clustr/protocol/core';
import type { Clock, TimerHandle } from '../platform/platform';
import type { RuntimeEvents } from '../process/events';
import type { Logger } from '../process/logger';
import { hungAfter } from '../process/heartbeat';
import type { Slot } from './supervisor';

/**
 * How late a deadline may fire before the lateness says more about this process than
 * about the key: a timer this late (or half the deadline, for short ones) means our own
 * event loop was blocked, and the signs of life that arrived meanwhile are still unread
 * in the socket.
 */
export const STALL_SLACK_MS = 1_000;

/**
 * One timer per key, reset by every sign of life; fires once when the key stays silent
 * too long. A deadline that fires late (this process stalled) gets one more loop turn
 * first: the poll phase reads what arrived meanwhile, and a sign of life among it resets
 * the deadline. Only one: a process that stalls on every turn still judges.
 */
export class Deadlines<K> {
  private readonly timers = new Map<K, { timer: TimerHandle; ms: number }>();

  /**
   * @param expired called when `key` stayed silent for `silentMs`.
   * @param stalled called when a deadline fired `lateMs` late and gets one more turn.
   */
  constructor(
    private readonly clock: Clock,
    private readonly expired: (key: K, silentMs: number) => void,
    private readonly stalled?: (key: K, lateMs: number) => void,
  ) {}

  /** (Re)starts the deadline of `key`: it expires `ms` from now unless reset again. */
  reset(key: K, ms: number): void {
    this.clear(key);
    const due = this.clock.now() + ms;
    this.arm(key, ms, ms, () => {
      const lateMs = this.clock.now() - due;
      if (lateMs < Math.min(STALL_SLACK_MS, ms / 2)) {
        this.expired(key, ms);
        return;
      }
      this.stalled?.(key, lateMs);
      // The next turn: unless a sign of life read in this turn's poll phase resets it first.
      this.arm(key, 0, ms, () => this.expired(key, ms));
    });
  }

  private arm(key: K, delay: number, ms: number, fire: () => void): void {
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(key);
      fire();
    }, delay);
    // Background work: a deadline alone keeps no process alive (nor the testkit's automatic clock going).
    this.clock.unref?.(timer);
    this.timers.set(key, { timer, ms });
  }

  clear(key: K): void {
    const entry = this.timers.get(key);
    if (entry === undefined) return;
    this.clock.clearTimeout(entry.timer);
    this.timers.delete(key);
  }

  /** Every deadline starts over with its last length (after an outage of our own, no one's silence counts). */
  restartAll(): void {
    for (const [key, { ms }] of [...this.timers]) this.reset(key, ms);
  }

  clearAll(): void {
    for (const key of [...this.timers.keys()]) this.clear(key);
  }

  has(key: K): boolean {
    return this.timers.has(key);
  }
}

export interface WatchdogDeps {
  pid: number;
  events: Emitter<RuntimeEvents>;
  clock: Clock;
  logger: Logger;
  /** heartbeatTimeout, when configured; otherwise each child's own interval decides (hungAfter). */
  timeout: number | undefined;
  /** This process's children. */
  slots(): Slot[];
  /** Reports CLUSTR_PROCESS_HUNG through onError. */
  report(error: ClustrError, context: { event: string; [field: string]: unknown }): void;
}

/**
 * Kills and respawns a child whose event loop is stuck. A registered child sends
 * its parent a heartbeat every interval; one that stays silent for the hung
 * timeout is reported (CLUSTR_PROCESS_HUNG) and, unless its spawn definition says
 * `watchdog: false`, killed with SIGKILL — a blocked event loop never runs a
 * SIGTERM handler — and the supervisor's restart policy respawns it.
 *
 * A child is watched from its first heartbeat, which it sends as it registers:
 * a long synchronous start before that is never mistaken for a hang. While this
 * process's own connection to Redis is down nothing is judged, and every deadline
 * starts over when it is back. A deadline that fired long after it was due
 * (STALL_SLACK_MS: this process's own event loop was blocked) waits one more loop
 * turn, so the children's heartbeats of that time are read before anyone is judged.
 */
export class Watchdog {
  private readonly deadlines: Deadlines<number>;
  private paused = false;
  private stopped = false;
  private readonly offs: Array<() => void> = [];

  constructor(private readonly deps: WatchdogDeps) {
    this.deadlines = new Deadlines(
      deps.clock,
      (pid, silentMs) => this.silent(pid, silentMs),
      (pid, lateMs) => {
        // While paused no one is judged, so there is no verdict to postpone either.
        if (!this.paused) deps.logger.warn({ event: 'watchdog.stalled', pid, lateMs }, `watchdog: this process's event loop was blocked for ${lateMs} ms; child ${pid} is judged after the heartbeats that arrived meanwhile are read`);
      },
    );
    this.on('heartbeat', (frame) => {
      if (this.stopped || frame.data.parentPid !== deps.pid) return;
      const slot = this.slotOf(frame.meta.pid);
      if (slot === undefined) return;
      if (!this.paused) this.deadlines.reset(slot.pid, hungAfter(frame.data.interval, deps.timeout));
    });
    this.on('childExited', ({ pid }) => this.deadlines.clear(pid));
    this.on('connection', ({ to }) => {
      if (to === 'ready') {
        this.paused = false;
        this.deadlines.restartAll();
      } else {
        // Our own outage: children's heartbeats cannot reach us, so their silence means nothing.
        this.paused = true;
      }
    });
  }

  /** No more judging: the process is stopping. Idempotent. */
  stop(): void {
    this.stopped = true;
    this.deadlines.clearAll();
    for (const off of this.offs.splice(0)) off();
  }

  private on<K extends keyof RuntimeEvents>(kind: K, listener: (event: RuntimeEvents[K]) => void): void {
    this.deps.events.on(kind, listener);
    this.offs.push(() => this.deps.events.off(kind, listener));
  }

  private slotOf(pid: number): Slot | undefined {
    return this.deps.slots().find((slot) => slot.pid === pid && slot.state === 'running' && slot.child !== undefined);
  }

  private silent(pid: number, silentMs: number): void {
    if (this.stopped) return;
    if (this.paused) {
      // Due while we cannot hear anyone: no verdict, but the watch stays, for restartAll() on our reconnection.
      this.deadlines.reset(pid, silentMs);
      return;
    }
    // Being retired (a reload, a stop): it is on its way out already.
    const slot = this.slotOf(pid);
    if (slot === undefined) return;
    const kill = slot.definition.watchdog !== false;
    const error = new ClustrError(
      'CLUSTR_PROCESS_HUNG',
      `child ${pid} (${slot.file}) sent no heartbeat for ${silentMs} ms: its event loop is blocked. ${kill ? 'Killed with SIGKILL; it is restarted by the restart policy.' : 'Left running (watchdog: false in its spawn definition).'}`,
    );
    this.deps.logger.error({ event: 'child.hung', pid, slot: slot.id, silentMs, killed: kill }, error.message);
    this.deps.report(error, { event: 'process.hung', pid, slot: slot.id, silentMs, killed: kill });
    if (kill) {
      // Stryker disable next-line OptionalChaining: slotOf() returned this slot only with a child, and nothing in between unsets it (only onChildExit does, on an exit every platform delivers asynchronously); `?.` is there for the type only.
      slot.child?.kill('SIGKILL');
      this.deps.events.emit('childHung', { slot: slot.id, pid, file: slot.file, silentMs });
    }
  }
}
