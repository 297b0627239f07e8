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
  /** Children replaced at once (each replacement is up before its old child goes). */
  concurrency: number;
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

/** Every state change the reload may make; setState refuses any other. */
export const RELOAD_TRANSITIONS: Record<ReloadState, readonly ReloadState[]> = {
  idle: ['replacing', 'completed'],
  replacing: ['settling', 'failed'],
  // An in-place restart ends settling: the next child, or the end.
  settling: ['retiring', 'replacing', 'completed', 'failed'],
  retiring: ['replacing', 'completed', 'failed'],
  completed: ['idle'],
  failed: ['idle'],
};

type ReplaceOutcome = { ok: true; to: number } | { ok: false; failure: NonNullable<ReloadResult['failure']> };
type BatchOutcome = { ok: true; to: number[] } | { ok: false; failure: NonNullable<ReloadResult['failure']> };

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
  // Stryker disable next-line BooleanLiteral: loop() clears it before every run; this first value is never read
  private queued = false;
  private cancelled = false;
  private running: Promise<ReloadResult> | undefined;
  /** What cancel() wakes: every wait under way (several while a surge replaces children together). */
  private readonly wakers = new Set<() => void>();
  /**
   * The exits of the batch retired last. The next batch starts and settles while it
   * drains; that batch's old children are signalled only once this is done, so at
   * most one batch drains at a time and a reload ends when every old child has exited.
   */
  private draining: Promise<void> = Promise.resolve();

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
    // Stryker disable next-line BooleanLiteral: a cancelled machine never runs again (cancelled is never reset), queued or not
    this.queued = false;
    for (const wake of [...this.wakers]) wake();
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
    // Stryker disable next-line BlockStatement: unreachable: every caller moves along the transition table, which the reload tests check; the throw only reports a bug
    if (!RELOAD_TRANSITIONS[from].includes(next)) {
      // Stryker disable next-line StringLiteral: the message of that unreachable throw
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
    this.draining = Promise.resolve();
    for (let i = 0; i < targets.length; ) {
      const old = targets[i]!;
      if (this.cancelled) return this.fail(replaced, { reason: 'cancelled', slot: old.id, pid: old.pid });
      if (old.state !== 'running') {
        i++;
        continue;
      }
      if (old.ready === 'spawn') {
        i++;
        const from = old.pid;
        const outcome = await this.restartInPlace(old);
        if (!outcome.ok) return this.fail(replaced, outcome.failure);
        replaced.push({ from, to: outcome.to });
        this.deps.events.emit('reloadReplaced', { slot: old.id, from, to: outcome.to });
        continue;
      }
      // Up to `concurrency` registering children in a row are replaced together.
      const batch: Slot[] = [];
      for (; i < targets.length && batch.length < this.deps.concurrency && targets[i]!.ready !== 'spawn'; i++) {
        if (targets[i]!.state === 'running') batch.push(targets[i]!);
      }
      const froms = batch.map((slot) => slot.pid);
      const outcome = await this.replace(batch);
      if (!outcome.ok) return this.fail(replaced, outcome.failure);
      outcome.to.forEach((to, k) => {
        replaced.push({ from: froms[k]!, to });
        this.deps.events.emit('reloadReplaced', { slot: batch[k]!.id, from: froms[k]!, to });
      });
    }
    await this.draining;
    this.setState('completed');
    this.setState('idle');
    this.deps.logger.info({ event: 'reload.completed', replaced }, `reload completed: ${replaced.length} children replaced`);
    return { ok: true, replaced };
  }

  /**
   * Start a replacement for each of `olds`, wait until every one registered and all settled
   * together, then retire the old children. One that fails stops the reload: the
   * replacements are removed and the old children keep serving.
   */
  private async replace(olds: Slot[]): Promise<BatchOutcome> {
    const first = olds[0]!;
    this.setState('replacing', first.id);
    const fresh = olds.map((old) => this.deps.duplicate(old));
    const outcomes = await Promise.all(fresh.map((slot) => this.waitForRegistration(slot)));
    const failedAt = outcomes.findIndex((outcome) => outcome !== 'registered');
    if (failedAt !== -1) {
      const outcome = outcomes[failedAt] as Exclude<(typeof outcomes)[number], 'registered'>;
      const slot = fresh[failedAt]!;
      this.deps.logger.error(
        { event: 'reload.failed', reason: outcome, slot: olds[failedAt]!.id, pid: slot.pid, timeoutMs: this.deps.readyTimeout },
        `replacement of pid ${olds[failedAt]!.pid} did not become ready (${outcome}); stopping the reload, old workers keep serving`,
      );
      await Promise.all(fresh.map((s) => this.deps.retire(s)));
      return { ok: false, failure: { reason: outcome, slot: slot.id, pid: slot.pid } };
    }
    const readyPids = fresh.map((slot) => slot.pid);
    this.setState('settling', first.id);
    const settled = await this.settle(fresh);
    if (settled === 'cancelled') return { ok: false, failure: { reason: 'cancelled', slot: first.id, pid: first.pid } };
    // A replacement that registered and then died (lazy init, first request) must not cost the old child.
    const died = fresh.findIndex((slot, k) => slot.state !== 'running' || slot.pid !== readyPids[k]);
    if (settled === 'replacement-exited' || died !== -1) return this.replacementDied(olds, fresh, readyPids, Math.max(0, died));
    this.setState('retiring', first.id);
    await this.draining;
    if (this.cancelled) return { ok: false, failure: { reason: 'cancelled', slot: first.id, pid: first.pid } };
    // The wait for the batch before may have been long (its drain): check the replacements again.
    const diedMeanwhile = fresh.findIndex((slot, k) => slot.state !== 'running' || slot.pid !== readyPids[k]);
    if (diedMeanwhile !== -1) return this.replacementDied(olds, fresh, readyPids, diedMeanwhile);
    // Out of rotation once signalled (no new connections, no new requests); the next batch
    // need not wait for their drain.
    this.draining = Promise.all(olds.map((old) => this.deps.retire(old))).then(() => undefined);
    return { ok: true, to: fresh.map((slot) => slot.pid) };
  }

  /** Replacement `k` of the batch exited after registering: the others go, every old child stays. */
  private async replacementDied(olds: Slot[], fresh: Slot[], readyPids: number[], k: number): Promise<BatchOutcome> {
    this.deps.logger.error(
      { event: 'reload.failed', reason: 'replacement-exited', slot: olds[k]!.id, pid: readyPids[k] },
      `replacement ${readyPids[k]!} of pid ${olds[k]!.pid} exited after registering; stopping the reload, old workers keep serving`,
    );
    await Promise.all(fresh.map((s) => this.deps.retire(s)));
    return { ok: false, failure: { reason: 'replacement-exited', slot: fresh[k]!.id, pid: readyPids[k]! } };
  }

  /**
   * Stop the old child, start the new one (ready once started), and watch it for
   * `reloadDelay`. One that dies meanwhile fails the reload but is not removed: there is
   * no old child to fall back on, so the supervisor's restart policy has it.
   */
  private async restartInPlace(old: Slot): Promise<ReplaceOutcome> {
    this.setState('replacing', old.id);
    await this.draining;
    await this.deps.retire(old);
    if (this.cancelled) return { ok: false, failure: { reason: 'cancelled', slot: old.id, pid: old.pid } };
    const fresh = this.deps.duplicate(old);
    const started = await this.waitForSpawn(fresh);
    if (started === 'cancelled') return { ok: false, failure: { reason: 'cancelled', slot: fresh.id, pid: fresh.pid } };
    const startedPid = fresh.pid;
    this.setState('settling', old.id);
    const settled = await this.settle([fresh]);
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

  private async fail(replaced: ReloadResult['replaced'], failure: NonNullable<ReloadResult['failure']>): Promise<ReloadResult> {
    // Old children already signalled finish their drain before the result is told.
    await this.draining;
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
        this.wakers.delete(cancel);
        resolve(outcome);
      };
      const cancel = () => finish('cancelled');
      const timer: TimerHandle = clock.setTimeout(() => finish('ready-timeout'), readyTimeout);
      const onRegister = (frame: RuntimeEvents['register']) => {
        if (frame.meta.pid === slot.pid) finish('registered');
      };
      const onExit = (exit: RuntimeEvents['childExited']) => {
        if (exit.slot === slot.id) finish('replacement-exited');
      };
      events.on('register', onRegister);
      events.on('childExited', onExit);
      this.wakers.add(cancel);
    });
  }

  /** Resolves once `slot` has started a child (it launches after the parent's subscriptions). */
  private waitForSpawn(slot: Slot): Promise<'spawned' | 'cancelled'> {
    const { events } = this.deps;
    return new Promise((resolve) => {
      const finish = (outcome: 'spawned' | 'cancelled') => {
        events.off('childSpawned', onSpawn);
        this.wakers.delete(cancel);
        resolve(outcome);
      };
      const cancel = () => finish('cancelled');
      const onSpawn = (child: RuntimeEvents['childSpawned']) => {
        // Stryker disable next-line StringLiteral: callers only tell 'cancelled' apart; any other result is a spawn
        if (child.slot === slot.id) finish('spawned');
      };
      events.on('childSpawned', onSpawn);
      this.wakers.add(cancel);
    });
  }

  /** Waits `reloadDelay`, watching the replacements: each must still be alive at the end. */
  private settle(fresh: Slot[]): Promise<'slept' | 'cancelled' | 'replacement-exited'> {
    const { events } = this.deps;
    const ids = new Set(fresh.map((slot) => slot.id));
    return new Promise((resolve) => {
      let exited = false;
      const onExit = (exit: RuntimeEvents['childExited']) => {
        if (!ids.has(exit.slot)) return;
        exited = true;
        // Stryker disable next-line StringLiteral: the sleep this listener wakes resolves right after and removes it anyway
        events.off('childExited', onExit);
        wakeSleep();
      };
      events.on('childExited', onExit);
      const { promise, wake: wakeSleep } = this.sleep(this.deps.reloadDelay);
      void promise.then((outcome) => {
        events.off('childExited', onExit);
        resolve(exited && !this.cancelled ? 'replacement-exited' : outcome);
      });
    });
  }

  /** A sleep that cancel() (or `wake`) ends early with 'cancelled'. */
  private sleep(ms: number): { promise: Promise<'slept' | 'cancelled'>; wake: () => void } {
    let wake!: () => void;
    const promise = new Promise<'slept' | 'cancelled'>((resolve) => {
      const timer = this.deps.clock.setTimeout(() => {
        this.wakers.delete(wake);
        // Stryker disable next-line StringLiteral: callers only tell 'cancelled' apart; any other result is the end of the sleep
        resolve('slept');
      }, ms);
      wake = () => {
        this.deps.clock.clearTimeout(timer);
        this.wakers.delete(wake);
        resolve('cancelled');
      };
      this.wakers.add(wake);
    });
    return { promise, wake };
  }
}
