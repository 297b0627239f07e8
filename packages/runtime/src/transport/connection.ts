import type { RedisLike } from './redis-like';
import type { Clock } from '../platform/platform';

/**
 * The state of a process's link to Redis, over both of its connections:
 * `ready` only when the publisher and the subscriber are connected and every
 * subscription has been confirmed again.
 */
export type ConnectionState = 'connecting' | 'ready' | 'reconnecting' | 'closed';

const TRANSITIONS: Record<ConnectionState, readonly ConnectionState[]> = {
  connecting: ['ready', 'closed'],
  ready: ['reconnecting', 'closed'],
  reconnecting: ['ready', 'closed'],
  closed: [],
};

/** One change of the connection state, as onConnection listeners receive it. */
export interface ConnectionChange {
  from: ConnectionState;
  to: ConnectionState;
  /** Clock time of the change, ms. */
  at: number;
  /** On `reconnecting -> ready`: how long Redis was away, ms. */
  downMs?: number;
  /** On a loss: the last error a client reported, if any (never carries a password). */
  error?: Error;
}

/** What the process shows of its connection (`process.connection`). */
export interface ConnectionInfo {
  state: ConnectionState;
  /** Clock time the state was entered, ms. */
  since: number;
  /** Times the connection came back after a loss. */
  reconnects: number;
  /** Total time spent `reconnecting`, ms (the current outage included). */
  downtimeMs: number;
  /** Frames waiting in the offline queue, and their bytes. */
  queuedFrames: number;
  queuedBytes: number;
}

interface ConnectionDeps {
  publisher: RedisLike;
  subscriber: RedisLike;
  clock: Clock;
  /** Subscribes the subscriber to everything it should hear; resolves when Redis confirmed it. */
  resubscribe(): Promise<unknown>;
  onChange(change: ConnectionChange): void;
  /** Redis refused a resubscription (an ACL without the namespace's channels): no client reports that as an `error`. */
  onResubscribeError?(error: Error): void;
}

/**
 * Follows both clients' events and changes state in one place (setState), like
 * ioredis's own `setStatus` one level down. After every reconnect of the
 * subscriber it resubscribes first: only then is the connection `ready`, and
 * only then does the transport send what it queued.
 */
export class Connection {
  private current: ConnectionState = 'connecting';
  private since: number;
  private reconnects = 0;
  private downtime = 0;
  /** Bumped on every subscriber `ready`: a resubscription counts only for the connection it was made on. */
  private epoch = 0;
  private restoredEpoch = -1;
  private lastError_: Error | undefined;
  private readonly listeners: Array<[RedisLike, string, (...args: any[]) => void]> = [];

  constructor(private readonly deps: ConnectionDeps) {
    this.since = deps.clock.now();
    const evaluate = () => this.evaluate();
    const onSubscriberReady = () => {
      const epoch = ++this.epoch;
      deps.resubscribe().then(
        () => {
          if (epoch === this.epoch) this.restoredEpoch = epoch;
          this.evaluate();
        },
        (error: Error) => {
          // The next `ready` tries again; until then the state stays down.
          this.lastError_ = error;
          deps.onResubscribeError?.(error);
        },
      );
      this.evaluate();
    };
    const onError = (error: Error) => {
      this.lastError_ = error;
    };
    this.listen(deps.subscriber, 'ready', onSubscriberReady);
    for (const client of new Set([deps.publisher, deps.subscriber])) {
      if (client !== deps.subscriber) this.listen(client, 'ready', evaluate);
      for (const event of ['close', 'end', 'reconnecting']) this.listen(client, event, evaluate);
      this.listen(client, 'error', onError);
    }
    // A client handed over already connected emits no `ready`: subscribe now.
    if (deps.subscriber.status === 'ready') onSubscriberReady();
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** The last error a client reported since the connection was last ready. */
  get lastError(): Error | undefined {
    return this.lastError_;
  }

  info(queued: { frames: number; bytes: number }): ConnectionInfo {
    const now = this.deps.clock.now();
    return {
      state: this.current,
      since: this.since,
      reconnects: this.reconnects,
      downtimeMs: this.downtime + (this.current === 'reconnecting' ? now - this.since : 0),
      queuedFrames: queued.frames,
      queuedBytes: queued.bytes,
    };
  }

  /** Stops following the clients; the state becomes `closed`. Idempotent. */
  close(): void {
    for (const [client, event, listener] of this.listeners.splice(0)) client.off(event, listener);
    if (this.current !== 'closed') this.setState('closed');
  }

  private listen(client: RedisLike, event: string, listener: (...args: any[]) => void): void {
    client.on(event as 'ready', listener);
    this.listeners.push([client, event, listener]);
  }

  private evaluate(): void {
    if (this.current === 'closed') return;
    const { publisher, subscriber } = this.deps;
    const subscriberUp = subscriber.status === 'ready';
    if (!subscriberUp) this.restoredEpoch = -1;
    const up = publisher.status === 'ready' && subscriberUp && this.restoredEpoch === this.epoch;
    if (up && this.current !== 'ready') this.setState('ready');
    else if (!up && this.current === 'ready') this.setState('reconnecting');
  }

  /** The only place the state changes: checked against TRANSITIONS, then reported once. */
  private setState(next: ConnectionState): void {
    const from = this.current;
    if (!TRANSITIONS[from].includes(next)) throw new Error(`clustr internal error: connection state ${from} -> ${next} is not a valid transition`);
    const at = this.deps.clock.now();
    const change: ConnectionChange = { from, to: next, at };
    if (from === 'reconnecting') {
      const downMs = at - this.since;
      this.downtime += downMs;
      if (next === 'ready') {
        this.reconnects++;
        change.downMs = downMs;
      }
    }
    if (next === 'reconnecting' && this.lastError_ !== undefined) change.error = this.lastError_;
    if (next === 'ready') this.lastError_ = undefined;
    this.current = next;
    this.since = at;
    this.deps.onChange(change);
  }
}
