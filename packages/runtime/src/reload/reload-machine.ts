import type { Emitter } from 'mitt';
import type { Clock, TimerHandle } from '../platform/platform';
import type { ReloadState, RuntimeEvents } from '../process/events';
import type { Logger } from '../process/logger';
import type { Slot } from '../supervision/supervisor';

/** What the reload needs from the master: its children and how to start and stop them. */
export interface ReloadDeps {
  events: Emitter<RuntimeEvents>;
  clock: Clock;
  logger: Logger;
  /** Children to replace, in order: the master's running children when the reload starts. */
  targets(): Slot[];
  /** Starts a new child with the definition of `slot`. */
  duplicate(slot: Slot): Slot;
  /** Stops a child for good and resolves when it has exited. */
  retire(slot: Slot): Promise<void>;
  /** Milliseconds to wait after a replacement registered before retiring the old child. */
  reloadDelay: number;
  /** Milliseconds a replacement may take to register before the reload is abandoned. */
  readyTimeout: number;
  /** Called once at the end of every reload that ran (a queued one included), with its own result. */
  onResult(result: ReloadResult): void;
}

export interface ReloadResult {
  ok: boolean;
  /** Old pid -> new pid for every child replaced. */
  replaced: Array<{ from: number; to: number }>;
  /** Why the reload stopped early (`ready-timeout`, `replacement-exited`, `cancelled`). */
  failure?: { reason: string; slot: number; pid: number };
}

const TRANSITIONS: Record<ReloadState, ReloadState[]> = {
  idle: ['replacing', 'completed'],
  replacing: ['settling', 'failed'],
  // An in-place restart ends settling: the next child, or the end.
  settling: ['retiring', 'replacing', 'completed', 'failed'],
  retiring: ['replacing', 'completed', 'failed'],
  completed: ['idle'],
  failed: ['idle'],
};

type ReplaceOutcome = { ok: true; to: number } | { ok: false; failure: NonNullable<ReloadResult['failure']> };

/**
 * Rolling reload, one child at a time: start its replacement, wait until the
 * replacement has registered (emitReady) and `reloadDelay` has passed, then
 * retire the old child and go on. The port never has fewer ready workers than
 * before. A replacement that does not register in time (or dies) stops the
 * reload: it is removed and every old child not yet replaced keeps serving.
 *
 * A child that never registers (`ready: 'spawn'`: a bash script, a sidecar) is
 * restarted in place instead: stopped, started again, and watched for
 * `reloadDelay` — duplicating it and waiting for a registration that never comes
 * failed every reload and left two of it running.
 *
 * A reload requested while one runs is queued: exactly one more reload runs
 * after the current one, so code deployed mid-reload is always picked up.
 */
export class ReloadMachine {
  private current: ReloadState = 'idle';
  private queued = false;
  private cancelled = false;
  private running: Promise<ReloadResult> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly deps: ReloadDeps) {}

  get state(): ReloadState {
    return this.current;
  }

  /** Starts a reload, or queues one if a reload is running. Resolves with the result of the reload that covers this request. */
  request(): Promise<ReloadResult> {
    if (this.running) {
      this.queued = true;
      this.deps.logger.info({ event: 'reload.queued' }, 'reload requested during a reload; one more will run after it');
      // The loop ends with the queued reload: the one that covers this request.
      return this.running;
    }
    const results = this.loop();
    this.running = results.then((all) => all[all.length - 1]!);
    // Only queued requests await `running`; without them a failure must not go unhandled.
    this.running.catch(() => undefined);
    // The request that started the loop is covered by its first reload, not by a queued one.
    return results.then((all) => all[0]!);
  }

  /** Abandons a running reload (the master is stopping). */
  cancel(): void {
    this.cancelled = true;
    this.queued = false;
    this.wake?.();
  }

  private async loop(): Promise<ReloadResult[]> {
    const results: ReloadResult[] = [];
    try {
      do {
        this.queued = false;
        const result = await this.runOnce();
        results.push(result);
        this.deps.onResult(result);
      } while (this.queued && !this.cancelled);
    } finally {
      this.running = undefined;
    }
    return results;
  }

  private setState(next: ReloadState, slot?: number): void {
    const from = this.current;
    if (!TRANSITIONS[from].includes(next)) {
      throw new Error(`clustr internal error: reload state ${from} -> ${next} is not a valid transition`);
    }
    this.current = next;
    this.deps.logger.info({ event: 'reload.state', from, to: next, ...(slot === undefined ? {} : { slot }) }, `reload ${from} -> ${next}`);
    this.deps.events.emit('reloadState', slot === undefined ? { from, to: next } : { from, to: next, slot });
  }

  private async runOnce(): Promise<ReloadResult> {
    const replaced: ReloadResult['replaced'] = [];
    const targets = this.deps.targets();
    this.deps.logger.info({ event: 'reload.start', children: targets.map((s) => s.pid) }, `reloading ${targets.length} children`);
    for (const old of targets) {
      if (this.cancelled) return this.fail(replaced, { reason: 'cancelled', slot: old.id, pid: old.pid });
      if (old.state !== 'running') continue;
      const from = old.pid;
      const outcome = old.ready === 'spawn' ? await this.restartInPlace(old) : await this.replace(old);
      if (!outcome.ok) return this.fail(replaced, outcome.failure);
      replaced.push({ from, to: outcome.to });
      this.deps.events.emit('reloadReplaced', { slot: old.id, from, to: outcome.to });
    }
    this.setState('completed');
    this.setState('idle');
    this.deps.logger.info({ event: 'reload.completed', replaced }, `reload completed: ${replaced.length} children replaced`);
    return { ok: true, replaced };
  }

  /** Start a replacement, wait until it registered and settled, then retire the old child. */
  private async replace(old: Slot): Promise<ReplaceOutcome> {
    this.setState('replacing', old.id);
    const fresh = this.deps.duplicate(old);
    const outcome = await this.waitForRegistration(fresh);
    if (outcome !== 'registered') {
      this.deps.logger.error(
        { event: 'reload.failed', reason: outcome, slot: old.id, pid: fresh.pid, timeoutMs: this.deps.readyTimeout },
        `replacement of pid ${old.pid} did not become ready (${outcome}); stopping the reload, old workers keep serving`,
      );
      await this.deps.retire(fresh);
      return { ok: false, failure: { reason: outcome, slot: fresh.id, pid: fresh.pid } };
    }
    const readyPid = fresh.pid;
    this.setState('settling', old.id);
    const settled = await this.settle(fresh);
    if (settled === 'cancelled') return { ok: false, failure: { reason: 'cancelled', slot: old.id, pid: old.pid } };
    // A replacement that registered and then died (lazy init, first request) must not cost the old child.
    if (settled === 'replacement-exited' || fresh.state !== 'running' || fresh.pid !== readyPid) {
      this.deps.logger.error(
        { event: 'reload.failed', reason: 'replacement-exited', slot: old.id, pid: readyPid },
        `replacement ${readyPid} of pid ${old.pid} exited after registering; stopping the reload, old workers keep serving`,
      );
      await this.deps.retire(fresh);
      return { ok: false, failure: { reason: 'replacement-exited', slot: fresh.id, pid: readyPid } };
    }
    this.setState('retiring', old.id);
    await this.deps.retire(old);
    return { ok: true, to: fresh.pid };
  }

  /**
   * Stop the old child, start the new one (ready once started), and watch it for
   * `reloadDelay`. One that dies meanwhile fails the reload but is not removed: there is
   * no old child to fall back on, so the supervisor's restart policy has it.
   */
  private async restartInPlace(old: Slot): Promise<ReplaceOutcome> {
    this.setState('replacing', old.id);
    await this.deps.retire(old);
    if (this.cancelled) return { ok: false, failure: { reason: 'cancelled', slot: old.id, pid: old.pid } };
    const fresh = this.deps.duplicate(old);
    const started = await this.waitForSpawn(fresh);
    if (started === 'cancelled') return { ok: false, failure: { reason: 'cancelled', slot: fresh.id, pid: fresh.pid } };
    const startedPid = fresh.pid;
    this.setState('settling', old.id);
    const settled = await this.settle(fresh);
    if (settled === 'cancelled') return { ok: false, failure: { reason: 'cancelled', slot: fresh.id, pid: startedPid } };
    if (settled === 'replacement-exited' || fresh.pid !== startedPid) {
      this.deps.logger.error(
        { event: 'reload.failed', reason: 'replacement-exited', slot: fresh.id, pid: startedPid },
        `pid ${startedPid}, restarted in place of ${old.pid}, exited within reloadDelay; stopping the reload`,
      );
      return { ok: false, failure: { reason: 'replacement-exited', slot: fresh.id, pid: startedPid } };
    }
    return { ok: true, to: startedPid };
  }

  private fail(replaced: ReloadResult['replaced'], failure: NonNullable<ReloadResult['failure']>): ReloadResult {
    this.setState('failed');
    this.setState('idle');
    return { ok: false, replaced, failure };
  }

  private waitForRegistration(slot: Slot): Promise<'registered' | 'ready-timeout' | 'replacement-exited' | 'cancelled'> {
    const { events, clock, readyTimeout } = this.deps;
    return new Promise((resolve) => {
      const finish = (outcome: 'registered' | 'ready-timeout' | 'replacement-exited' | 'cancelled') => {
        events.off('register', onRegister);
        events.off('childExited', onExit);
        clock.clearTimeout(timer);
        this.wake = undefined;
        resolve(outcome);
      };
      const timer: TimerHandle = clock.setTimeout(() => finish('ready-timeout'), readyTimeout);
      const onRegister = (frame: RuntimeEvents['register']) => {
        if (frame.meta.pid === slot.pid) finish('registered');
      };
      const onExit = (exit: RuntimeEvents['childExited']) => {
        if (exit.slot === slot.id) finish('replacement-exited');
      };
      events.on('register', onRegister);
      events.on('childExited', onExit);
      this.wake = () => finish('cancelled');
    });
  }

  /** Resolves once `slot` has started a child (it launches after the parent's subscriptions). */
  private waitForSpawn(slot: Slot): Promise<'spawned' | 'cancelled'> {
    const { events } = this.deps;
    return new Promise((resolve) => {
      const finish = (outcome: 'spawned' | 'cancelled') => {
        events.off('childSpawned', onSpawn);
        this.wake = undefined;
        resolve(outcome);
      };
      const onSpawn = (child: RuntimeEvents['childSpawned']) => {
        if (child.slot === slot.id) finish('spawned');
      };
      events.on('childSpawned', onSpawn);
      this.wake = () => finish('cancelled');
    });
  }

  /** Waits `reloadDelay`, watching the replacement: it must still be alive at the end. */
  private settle(fresh: Slot): Promise<'slept' | 'cancelled' | 'replacement-exited'> {
    const { events } = this.deps;
    return new Promise((resolve) => {
      const onExit = (exit: RuntimeEvents['childExited']) => {
        if (exit.slot !== fresh.id) return;
        events.off('childExited', onExit);
        this.wake?.();
      };
      events.on('childExited', onExit);
      void this.sleep(this.deps.reloadDelay).then((outcome) => {
        events.off('childExited', onExit);
        resolve(outcome === 'cancelled' && !this.cancelled ? 'replacement-exited' : outcome);
      });
    });
  }

  private sleep(ms: number): Promise<'slept' | 'cancelled'> {
    return new Promise((resolve) => {
      const timer = this.deps.clock.setTimeout(() => {
        this.wake = undefined;
        resolve('slept');
      }, ms);
      this.wake = () => {
        this.deps.clock.clearTimeout(timer);
        this.wake = undefined;
        resolve('cancelled');
      };
    });
  }
}
