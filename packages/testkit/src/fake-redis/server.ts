import { PubSubCore, type Timers, bindCore } from './internal/core';
import { byteKey, toBytes } from './internal/resp';

/**
 * The timer functions the fake uses for everything that waits: reconnect delays
 * (`retryStrategy`) and `delayChannel`. Ordinary delivery never uses timers.
 */
export interface FakeRedisTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface FakeRedisServerOptions {
  /**
   * Timers for reconnect delays and `delayChannel`.
   * @default the global `setTimeout`/`clearTimeout`, looked up on every call, so
   * `jest.useFakeTimers()` takes effect even for a server created before it.
   */
  timers?: FakeRedisTimers;
}

export interface ReleaseChannelOptions {
  /**
   * Deliver the held messages newest first instead of in publish order.
   * @default false
   */
  reverse?: boolean;
  /**
   * Throw the held messages away instead of delivering them (a lossy link).
   * @default false
   */
  discard?: boolean;
}

export interface DropConnectionOptions {
  /**
   * What the dropped client does next. `'auto'`: what ioredis does, reconnect after
   * `retryStrategy(attempt)` ms (50 ms for the first attempt by default). `'manual'`:
   * stay `reconnecting` (commands wait in the offline queue) until the test calls
   * `client.reconnect()`, to model an outage of the test's choosing.
   * @default 'auto'
   */
  reconnect?: 'auto' | 'manual';
  /**
   * Emitted on the client as an `error` event just before `close`, as a socket
   * error (`ECONNRESET`) would be. Like ioredis, nothing is emitted when the client
   * has no `error` listener.
   * @default undefined (the connection closes without an error, as after CLIENT KILL)
   */
  error?: Error;
}

const globalTimers: FakeRedisTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * An in-memory Redis pub/sub server. Every `FakeRedis` created with `{ server }`
 * connects to it, sees the others' publishes, and can be hurt by its fault methods.
 *
 * Faults act between PUBLISH and the subscribers: `publish()` still resolves at once
 * with the number of subscribers at that moment, and a subscriber that unsubscribes
 * or disconnects before a held or delayed message is let go never gets it.
 */
export class FakeRedisServer {
  readonly #core: PubSubCore;

  constructor(options: FakeRedisServerOptions = {}) {
    const timers: Timers = options.timers ?? globalTimers;
    this.#core = new PubSubCore(timers);
    bindCore(this, this.#core);
  }

  /** Live connections (one per connected client). */
  get connectionCount(): number {
    return this.#core.connectionCount;
  }

  /**
   * Delivers `raw` on `channel` as if some client had published it: to exact and
   * pattern subscribers, subject to holds and delays. A Buffer is delivered byte for
   * byte, so invalid UTF-8 reaches `message` listeners as U+FFFD, exactly as ioredis
   * decodes it, and `messageBuffer` listeners get the bytes.
   * @returns the number of receivers, as PUBLISH would.
   */
  inject(channel: string | Uint8Array, raw: string | Uint8Array): number {
    return this.#core.publish(toBytes(channel), toBytes(raw));
  }

  /** Holds every message later published on `channel` (exact name) until `releaseChannel`. */
  holdChannel(channel: string | Uint8Array): void {
    this.#core.hold(key(channel));
  }

  /**
   * Stops holding `channel` and delivers what was held, at once (any `delayChannel`
   * does not apply to them).
   * @returns how many held messages were delivered or discarded.
   */
  releaseChannel(channel: string | Uint8Array, options: ReleaseChannelOptions = {}): number {
    return this.#core.release(key(channel), options.reverse ?? false, options.discard ?? false);
  }

  /** How many messages `channel` is holding now. */
  heldCount(channel: string | Uint8Array): number {
    return this.#core.heldCount(key(channel));
  }

  /**
   * Delivers every message later published on `channel` `ms` milliseconds after its
   * publish (one timer each, so order on the channel is kept while other channels
   * overtake it).
   */
  delayChannel(channel: string | Uint8Array, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`delayChannel: ms must be a finite number >= 0, got ${ms}`);
    this.#core.delay(key(channel), ms);
  }

  /** Stops delaying new messages on `channel`; messages already delayed still arrive on time. */
  undelayChannel(channel: string | Uint8Array): void {
    this.#core.undelay(key(channel));
  }

  /** Ends every hold and delay: held messages and messages still waiting on a delay are lost. */
  clearFaults(): void {
    this.#core.clearFaults();
  }

  /**
   * Drops every connection at once, as a Redis restart would. Each client emits
   * `close` and `reconnecting`, and reconnects according to `options.reconnect`.
   * @returns how many connections were dropped.
   */
  dropAllConnections(options: DropConnectionOptions = {}): number {
    return this.#core.dropAll({ error: options.error, park: options.reconnect === 'manual' });
  }

  /**
   * Takes the server down, as a Redis that stops or restarts: every connection
   * drops (as with dropAllConnections) and every connection attempt is refused
   * with ECONNREFUSED until start(). Clients keep retrying on their
   * retryStrategy; subscriptions are gone, as after a real restart.
   * @returns how many connections were dropped.
   */
  stop(options: Omit<DropConnectionOptions, 'reconnect'> = {}): number {
    return this.#core.stop({ error: options.error, park: false });
  }

  /** Accepts connections again after stop(): retrying clients connect on their next attempt. */
  start(): void {
    this.#core.start();
  }

  /** True between stop() and start(). */
  get stopped(): boolean {
    return this.#core.stopped;
  }

  /** Subscribers of `channel` by exact name (PUBSUB NUMSUB). */
  numsub(channel: string | Uint8Array): number {
    return this.#core.numsub(toBytes(channel));
  }

  /** Distinct subscribed patterns (PUBSUB NUMPAT). */
  numpat(): number {
    return this.#core.numpat();
  }

  /** Channels with at least one exact subscriber, optionally filtered by a glob (PUBSUB CHANNELS). */
  channels(pattern?: string): string[] {
    return this.#core.activeChannels(pattern === undefined ? undefined : toBytes(pattern)).map((c) => c.toString('utf8'));
  }

  /**
   * Back to a clean server between tests: clears faults (held and delayed messages
   * are lost) and disconnects every client that ever connected here and has not
   * ended, as `client.disconnect()` would. That includes its quirk: a client that is
   * `reconnecting` stops retrying but stays `reconnecting` (no timers are left behind).
   * Clients can still connect again.
   */
  reset(): void {
    this.#core.reset();
  }
}

function key(channel: string | Uint8Array): string {
  return byteKey(toBytes(channel));
}
