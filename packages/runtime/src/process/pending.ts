import { ClustrError } from '@clustr/protocol/core';
import type { Clock, TimerHandle } from '../platform/platform';

interface Entry<T> {
  resolve(value: T): void;
  reject(error: Error): void;
  timer: TimerHandle;
  /** Sends the request (again, after a reconnect). */
  send(): void;
  /** Set by whoever owns the entry, e.g. the pid it waits on. */
  target: number | undefined;
}

/**
 * Requests waiting for their answer, by frame id: cluster info, status, user
 * requests. Each has a timer; all of them are sent again after a reconnect
 * (their answer may have been lost with the connection; the receiver answers
 * twice at worst, and only the first answer counts).
 */
export class PendingReplies<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * Registers `id`, sends it, and settles with the answer, or with
   * `timeoutError()` after `timeoutMs`.
   */
  add(id: string, options: { timeoutMs: number; send(): void; timeoutError(): Error; target?: number }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        if (this.entries.delete(id)) reject(options.timeoutError());
      }, options.timeoutMs);
      this.entries.set(id, { resolve, reject, timer, send: options.send, target: options.target });
      options.send();
    });
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Settles `id` with its answer; false when nothing waits for it (late or unknown). */
  resolve(id: string, value: T): boolean {
    const entry = this.take(id);
    entry?.resolve(value);
    return entry !== undefined;
  }

  reject(id: string, error: Error): boolean {
    const entry = this.take(id);
    entry?.reject(error);
    return entry !== undefined;
  }

  /** Rejects every entry waiting on `target` (it left the cluster); returns how many. */
  rejectTarget(target: number, error: () => Error): number {
    let count = 0;
    for (const [id, entry] of [...this.entries]) {
      if (entry.target === target && this.reject(id, error())) count++;
    }
    return count;
  }

  resendAll(): void {
    for (const entry of this.entries.values()) entry.send();
  }

  rejectAll(error: () => Error): void {
    for (const id of [...this.entries.keys()]) this.reject(id, error());
  }

  private take(id: string): Entry<T> | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    this.entries.delete(id);
    this.clock.clearTimeout(entry.timer);
    return entry;
  }
}

/** The error of a request whose answer never came: Redis's fault when it was away meanwhile. */
export function timeoutError(redisWasDown: boolean, redisLabel: string, fallback: () => ClustrError): ClustrError {
  if (!redisWasDown) return fallback();
  return new ClustrError('CLUSTR_REDIS_UNAVAILABLE', `no answer: Redis at ${redisLabel} was unreachable while the request waited. It is answered once Redis is back; retry then.`);
}
