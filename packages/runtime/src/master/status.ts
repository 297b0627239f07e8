import type { Emitter } from 'mitt';
import { ClustrError, type FrameOf, type Health, type ProcessStatus } from '@clustr/protocol/core';
import type { Clock, TimerHandle } from '../platform/platform';
import type { RuntimeEvents } from '../process/events';
import { hungAfter, type Heartbeat } from '../process/heartbeat';
import { Deadlines } from '../supervision/watchdog';
import type { Registry } from './registry';

export interface StatusDeps {
  /** The master's pid. */
  pid: number;
  events: Emitter<RuntimeEvents>;
  clock: Clock;
  registry: Registry;
  /** The master's own health sampler. */
  heartbeat: Heartbeat;
  /** heartbeatTimeout, when configured. */
  timeout: number | undefined;
  /** Reports CLUSTR_PROCESS_HUNG through onError. */
  report(error: ClustrError, context: { event: string; [field: string]: unknown }): void;
  /** Sends the reply to a status request; rejects like a publish. */
  reply(request: FrameOf<'statusRequest'>, processes: ProcessStatus[]): Promise<unknown>;
}

interface Beat {
  health: Health;
  at: number;
}

/**
 * The master's view of every registered process's health: the latest heartbeat
 * of each, its own figures sampled on the same interval, and the answer to
 * status requests (`clustr ls`). It reports a process that falls silent; its
 * own children are the watchdog's, which reports and restarts them, so here only
 * grandchildren (and deeper) are reported, once per silence.
 */
export class StatusTable {
  private readonly beats = new Map<number, Beat>();
  private readonly registeredAt = new Map<number, number>();
  private readonly deadlines: Deadlines<number>;
  // Both set by sampleOwn(), which the constructor calls.
  private own!: Beat;
  private timer!: TimerHandle;
  private stopped = false;
  /** While our own connection to Redis is down: deadlines that fall due are kept, not judged. */
  private paused = false;

  constructor(private readonly deps: StatusDeps) {
    const { events, clock } = deps;
    this.registeredAt.set(deps.pid, clock.now());
    this.deadlines = new Deadlines(clock, (pid, silentMs) => this.silent(pid, silentMs));
    this.sampleOwn();
    events.on('register', (frame) => {
      if (!this.registeredAt.has(frame.meta.pid) && deps.registry.has(frame.meta.pid)) this.registeredAt.set(frame.meta.pid, clock.now());
    });
    events.on('heartbeat', (frame) => this.heartbeat(frame));
    events.on('statusRequest', (frame) => this.answer(frame));
    events.on('connection', ({ to }) => {
      // Our own outage, as for the watchdog: no heartbeat can reach us, so no silence counts.
      this.paused = to !== 'ready';
      // Restarted both ways: while paused no deadline is judged, and on the way back each starts afresh.
      this.deadlines.restartAll();
    });
  }

  /** Every registered process, the master first. */
  list(): ProcessStatus[] {
    const { registry, clock, pid: masterPid } = this.deps;
    this.prune();
    const now = clock.now();
    return registry.list().map(({ pid, group, parentPid }) => {
      const registeredAt = this.registeredAt.get(pid) ?? now;
      const beat = pid === masterPid ? this.own : this.beats.get(pid);
      if (beat === undefined) return { pid, group, parentPid, state: 'starting', registeredAt };
      // Silent for as long as its deadline: hung, as the watchdog and the report below judge it.
      const hung = pid !== masterPid && now - beat.at >= hungAfter(beat.health.interval, this.deps.timeout);
      return { pid, group, parentPid, state: hung ? 'hung' : 'ready', registeredAt, lastHeartbeat: beat.at, health: beat.health };
    });
  }

  /** How many processes the table holds anything for (the master included): never more than the registry, after an interval. */
  get size(): number {
    return new Set([...this.beats.keys(), ...this.registeredAt.keys()]).size;
  }

  stop(): void {
    this.stopped = true;
    this.deps.clock.clearTimeout(this.timer);
    this.deadlines.clearAll();
  }

  /** Runs until stop(), which clears its timer. */
  private sampleOwn(): void {
    const { clock, heartbeat, pid } = this.deps;
    // Every interval, whether anyone asks for a status or not: processes that come and go
    // (respawns, reloads) leave nothing behind.
    this.prune();
    this.own = { health: heartbeat.sample(pid), at: clock.now() };
    this.timer = clock.setTimeout(() => this.sampleOwn(), heartbeat.interval);
    clock.unref?.(this.timer);
  }

  private heartbeat(frame: FrameOf<'heartbeat'>): void {
    const { registry, clock, pid: masterPid } = this.deps;
    const pid = frame.meta.pid;
    // Only the registry says who is in the cluster; a beat from anyone else is kept out of `clustr ls`.
    if (this.stopped || pid === masterPid || !registry.has(pid)) return;
    this.beats.set(pid, { health: frame.data, at: clock.now() });
    // The master's own children are judged (and reported) by the watchdog.
    if (frame.data.parentPid !== masterPid) this.deadlines.reset(pid, hungAfter(frame.data.interval, this.deps.timeout));
  }

  private silent(pid: number, silentMs: number): void {
    const entry = this.deps.registry.get(pid);
    if (entry === undefined) this.forget(pid);
    if (this.stopped || entry === undefined) return;
    if (this.paused) {
      this.deadlines.reset(pid, silentMs);
      return;
    }
    const error = new ClustrError('CLUSTR_PROCESS_HUNG', `process ${pid} (${entry.group}, child of ${entry.parentPid}) sent no heartbeat for ${silentMs} ms: its event loop is blocked. Its parent's watchdog restarts it unless its spawn definition says watchdog: false.`);
    this.deps.report(error, { event: 'process.hung', pid, parentPid: entry.parentPid, silentMs });
  }

  /** Forgets what belongs to processes that left the registry. */
  private prune(): void {
    const { registry } = this.deps;
    for (const pid of this.beats.keys()) if (!registry.has(pid)) this.forget(pid);
    for (const pid of this.registeredAt.keys()) if (!registry.has(pid)) this.forget(pid);
  }

  private forget(pid: number): void {
    this.beats.delete(pid);
    this.registeredAt.delete(pid);
    this.deadlines.clear(pid);
  }

  /**
   * A status reply must fit one frame: past about a thousand processes the stats
   * counters are left out first (the figures `clustr ls` shows stay).
   */
  private answer(frame: FrameOf<'statusRequest'>): void {
    if (this.stopped) return;
    const processes = this.list();
    this.deps.reply(frame, processes).catch((error: ClustrError) => {
      if (error.code !== 'CLUSTR_FRAME_TOO_LARGE') return;
      const lean = processes.map((status) => (status.health === undefined ? status : { ...status, health: { ...status.health, stats: {} } }));
      this.deps.reply(frame, lean).catch(() => undefined);
    });
  }
}
