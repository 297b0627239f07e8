import type { Clock, TimerHandle } from '@clustr/runtime';

interface Timer {
  id: number;
  due: number;
  callback: () => void;
  owner: number | undefined;
  /** Unref'd: background work that does not keep the automatic clock going by itself. */
  background: boolean;
}

/**
 * A clock that only moves when the test moves it. Timers fire in due order,
 * ties in the order they were set, so a run is the same every time.
 */
export class ManualClock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();
  /** Owners whose event loop is blocked (TestCluster.hang): their timers wait. */
  private readonly held = new Set<number>();

  /**
   * @param start the instant the clock starts at, in ms since the epoch.
   * @param onTimerSet called after every timer set through a view: the test cluster's
   *   automatic clock starts its pump from here.
   */
  constructor(
    start = 1_700_000_000_000,
    private readonly onTimerSet?: () => void,
  ) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** A Clock whose timers belong to one simulated process, so they die with it. */
  view(owner?: number): Clock {
    return {
      now: () => this.current,
      setTimeout: (callback, ms) => this.add(callback, ms, owner),
      clearTimeout: (handle) => {
        this.timers.delete((handle as { id: number }).id);
      },
      unref: (handle) => {
        const timer = this.timers.get((handle as { id: number }).id);
        if (timer !== undefined) timer.background = true;
      },
    };
  }

  /** The timers of `owner` stop firing (its event loop is blocked) until release(). */
  hold(owner: number): void {
    this.held.add(owner);
  }

  /** The timers of `owner` fire again; those overdue fire at the next step. */
  release(owner: number): void {
    this.held.delete(owner);
  }

  /** True while a timer that is not background work is pending (and may fire). */
  hasForeground(): boolean {
    for (const timer of this.timers.values()) if (!timer.background && !this.isHeld(timer)) return true;
    return false;
  }

  /** Cancels every timer of one simulated process. */
  cancelOwner(owner: number): void {
    for (const timer of this.timers.values()) if (timer.owner === owner) this.timers.delete(timer.id);
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.timers.size;
  }

  /** The due time of the next timer, if any. */
  nextDue(): number | undefined {
    return this.next()?.due;
  }

  /** Fires the earliest timer due at or before `limit`; false when there is none. */
  fireNext(limit: number): boolean {
    const next = this.next();
    if (!next || next.due > limit) return false;
    this.timers.delete(next.id);
    this.current = Math.max(this.current, next.due);
    next.callback();
    return true;
  }

  /** Moves time forward without firing anything (used after the last timer of a step). */
  set(to: number): void {
    this.current = Math.max(this.current, to);
  }

  /** The earliest timer that may fire: due order, ties in the order they were set. */
  private next(): Timer | undefined {
    let next: Timer | undefined;
    for (const timer of this.timers.values()) {
      if (this.isHeld(timer)) continue;
      if (!next || timer.due < next.due || (timer.due === next.due && timer.id < next.id)) next = timer;
    }
    return next;
  }

  private isHeld(timer: Timer): boolean {
    return timer.owner !== undefined && this.held.has(timer.owner);
  }

  private add(callback: () => void, ms: number, owner: number | undefined): TimerHandle {
    const timer: Timer = { id: this.nextId++, due: this.current + Math.max(0, ms), callback, owner, background: false };
    this.timers.set(timer.id, timer);
    this.onTimerSet?.();
    return { id: timer.id } as TimerHandle;
  }
}
