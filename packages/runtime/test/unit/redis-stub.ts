// A hand clock and a RedisLike whose status and answers the test decides, for the transport's
// own tests (transport.test.ts, connection.test.ts): every event and every reply happens when
// the test says, so each step of the connection state machine can be checked on its own.
import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../../src/platform/platform';
import type { RedisLike } from '../../src/transport/redis-like';

export interface HandClock extends Clock {
  /** Moves time forward, running the timers that fall due, in order. */
  advance(ms: number): void;
  /** Timers set and not yet run or cleared. */
  readonly pending: number;
}

export function handClock(start: number): HandClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return { id } as TimerHandle;
    },
    clearTimeout: (handle) => void timers.delete((handle as { id: number }).id),
    advance(ms) {
      const target = now + ms;
      for (;;) {
        const due = [...timers].filter(([, t]) => t.at <= target).sort(([, a], [, b]) => a.at - b.at)[0];
        if (due === undefined) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = target;
    },
    get pending() {
      return timers.size;
    },
  };
}

/** One command the stub received, with the means to answer it. */
export interface Command {
  name: string;
  args: string[];
  resolve(value?: unknown): void;
  reject(error: Error): void;
}

/**
 * A RedisLike whose `status` the test sets (`goes`) and whose commands it answers:
 * at once (`answers = 'at once'`: PUBLISH with `receivers`, the rest with 'OK'), later
 * by hand (`'by hand'`), or with an error. `quit()` answered sets status `end`, as ioredis.
 */
export class StubRedis extends EventEmitter implements RedisLike {
  status = 'connecting';
  answers: 'at once' | 'by hand' | Error = 'at once';
  receivers = 1;
  disconnects = 0;
  readonly commands: Command[] = [];
  /**
   * The promises the code under test derived from our replies with then() (await, race,
   * then(ok, fail)): one that rejects means a reply handler threw.
   */
  readonly derived: Array<Promise<unknown>> = [];

  /** Sets the status and emits its event (or `event`), as ioredis does. */
  goes(status: string, event: string = status): void {
    this.status = status;
    this.emit(event);
  }

  /** The arguments of every command called `name`, in order. */
  sent(name: string): string[][] {
    return this.commands.filter((c) => c.name === name).map((c) => c.args);
  }

  /** The last command called `name`. */
  last(name: string): Command {
    const found = this.commands.filter((c) => c.name === name);
    if (found.length === 0) throw new Error(`no ${name} command was sent`);
    return found[found.length - 1]!;
  }

  publish(channel: string, message: string): Promise<number> {
    return this.command('publish', [channel, message]) as Promise<number>;
  }

  subscribe(...channels: string[]): Promise<unknown> {
    return this.command('subscribe', channels);
  }

  unsubscribe(...channels: string[]): Promise<unknown> {
    return this.command('unsubscribe', channels);
  }

  psubscribe(...patterns: string[]): Promise<unknown> {
    return this.command('psubscribe', patterns);
  }

  punsubscribe(...patterns: string[]): Promise<unknown> {
    return this.command('punsubscribe', patterns);
  }

  ping(): Promise<string> {
    return this.command('ping', []) as Promise<string>;
  }

  quit(): Promise<unknown> {
    return this.command('quit', []);
  }

  disconnect(): void {
    this.disconnects++;
  }

  duplicate(): RedisLike {
    throw new Error('StubRedis.duplicate() is not used by the transport');
  }

  private command(name: string, args: string[]): Promise<unknown> {
    let resolve!: (value: unknown) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<unknown>((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    const answer = (value?: unknown): void => {
      if (name === 'quit') this.status = 'end';
      resolve(value);
    };
    this.commands.push({ name, args, resolve: answer, reject });
    const then = promise.then.bind(promise);
    promise.then = ((ok?: (value: unknown) => unknown, fail?: (error: unknown) => unknown) => {
      const next = then(ok, fail);
      this.derived.push(next);
      return next;
    }) as typeof promise.then;
    if (this.answers instanceof Error) reject(this.answers);
    else if (this.answers === 'at once') answer(name === 'publish' ? this.receivers : 'OK');
    return promise;
  }
}

/** Runs every pending promise job (replies, then() handlers, awaits). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** Whether each derived promise fulfilled: none of the code's reply handlers threw. */
export async function outcomes(stub: StubRedis): Promise<string[]> {
  return (await Promise.allSettled(stub.derived)).map((r) => r.status);
}
