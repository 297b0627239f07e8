import { ClustrError, type Codec, type Frame, type FrameSigner, type Meta, type SingleFrame } from '@clustr/protocol/core';
import type { RedisLike } from './redis-like';
import type { Clock, TimerHandle } from '../platform/platform';
import type { DirectPublisher } from '../platform/direct-publish';
import type { RejectedFrame } from '../process/events';
import { Connection, type ConnectionChange, type ConnectionInfo, type ConnectionState } from './connection';
import { Outbox, type OfflineQueueOptions } from './outbox';
import { SequenceNumbers, SequenceTracker } from './sequence';
import { readFrames, type FrameReading } from './read-frames';

/** How much a process holds of what Redis sent it but it has not handled yet. */
export interface InboundQueueOptions {
  /**
   * Frames held; past this, new ones are dropped and counted as `overloaded`. It
   * also bounds latency: at 1 ms of handler time per frame, 5,000 frames are 5 s
   * of backlog. Default `5000`.
   */
  maxFrames?: number;
  /** Bytes held (counted as characters). Default `16777216` (16 MiB; Redis's own default limit for a pub/sub client is 32 MiB). */
  maxBytes?: number;
}

export const DEFAULT_INBOUND_QUEUE: Required<InboundQueueOptions> = { maxFrames: 5_000, maxBytes: 16 * 1024 * 1024 };

/**
 * Handlers run in the turn a frame arrives in until they have used this many
 * ms of it; then frames wait for the next turn, so timers, reconnects and
 * socket reads get their turn even under a flood with slow handlers.
 */
export const HANDLER_BUDGET_MS = 20;

export interface TransportOptions {
  publisher: RedisLike;
  subscriber: RedisLike;
  /** Whether close() quits the publisher (true when clustr created it). */
  ownsPublisher: boolean;
  /** Whether close() quits the subscriber; a borrowed one is only unsubscribed from our channels. */
  ownsSubscriber: boolean;
  clock: Clock;
  codec: Codec;
  /** Signs every frame sent and requires a valid signature on every frame received. */
  signer?: FrameSigner;
  /** A signed frame whose ts is further than this from our clock is stale, ms. */
  replayWindow: number;
  /** This process, as batches name their sender. */
  meta: Meta;
  nextId(): string;
  coalesce: boolean;
  /**
   * Publishes on the publisher without its auto-pipeline (see DirectPublisher), used with
   * `coalesce`: the outbox groups each tick's frames itself. Every frame then goes this way, so
   * none overtakes another.
   */
  direct?: DirectPublisher;
  offlineQueue: Required<OfflineQueueOptions>;
  inboundQueue: Required<InboundQueueOptions>;
  /** The Redis URL without its password, for messages. */
  redisLabel: string;
  /** Every frame that passed every check, batches unpacked. */
  onFrame(frame: SingleFrame, channel: string): void;
  /** Every frame that did not. */
  onReject(rejected: RejectedFrame): void;
  /** A sender's numbers jumped: `missed` frames from it on `channel` never arrived. */
  onGap(gap: { from: Meta; channel: string; missed: number }): void;
  onConnection(change: ConnectionChange): void;
  /** Redis refused to restore the subscriptions (see Connection); client errors go to the clients' own `error` listeners. */
  onSubscribeRefused?(error: Error): void;
}

interface Inbound {
  channel: string;
  raw: string;
  /** The frames it carries, as framesIn() counts them. */
  frames: number;
}

/**
 * How many frames a message carries, without parsing it: one, or for a batch the
 * objects that open with a `v` key (every frame does; user data may too, which
 * only counts high). A batch of 60 frames must weigh 60 against inboundQueue.maxFrames,
 * or the bound on backlog (and on latency) would be 60 times looser.
 */
function framesIn(raw: string): number {
  if (!raw.includes('"kind":"batch"')) return 1;
  let frames = 0;
  for (let at = raw.indexOf('{"v":', 1); at !== -1; at = raw.indexOf('{"v":', at + 5)) frames++;
  return Math.max(frames, 1);
}

/**
 * Pub/sub over two Redis connections (a subscribed connection cannot publish).
 * Every incoming frame is verified, decoded and checked for gaps here and
 * nowhere else; every outgoing one leaves through the outbox.
 */
export class Transport {
  private readonly publisher: RedisLike;
  private readonly subscriber: RedisLike;
  private readonly options: TransportOptions;
  private readonly listener = (channel: string, raw: string) => this.receive(channel, raw);
  private readonly connection: Connection;
  private readonly outbox: Outbox;
  private readonly tracker: SequenceTracker;
  private readonly channels = new Set<string>();
  private closed = false;
  private readyWaiters: Array<{ resolve(): void; reject(error: Error): void }> = [];
  /** Verify, decode, freshness, batches (transport/read-frames.ts); sequence numbers are checked in accept(). */
  private readonly reading: FrameReading;

  // The inbox: frames waiting for the next turn, and the current turn's start.
  private readonly inbox: Inbound[] = [];
  private inboxHead = 0;
  private inboxBytes = 0;
  private inboxFrames = 0;
  private turnStart = -1;
  private drainScheduled = false;

  constructor(options: TransportOptions) {
    this.options = options;
    this.tracker = new SequenceTracker(() => options.clock.now());
    this.publisher = options.publisher;
    this.subscriber = options.subscriber;
    this.subscriber.on('message', this.listener);
    this.reading = {
      signer: options.signer,
      codec: options.codec,
      replayWindow: options.replayWindow,
      clock: options.clock,
      accept: (frame, channel, ts) => this.accept(frame, channel, ts),
      reject: options.onReject,
    };
    this.outbox = new Outbox({
      ...(options.coalesce && options.direct !== undefined ? { publish: options.direct.publish, corked: options.direct.corked } : { publish: (channel: string, raw: string) => this.publisher.publish(channel, raw) }),
      codec: options.codec,
      clock: options.clock,
      seqs: new SequenceNumbers(() => options.clock.now()),
      signer: options.signer,
      meta: options.meta,
      nextId: options.nextId,
      coalesce: options.coalesce,
      limits: options.offlineQueue,
      isReady: () => this.connection.state === 'ready',
      describeRedis: () => options.redisLabel,
    });
    this.connection = new Connection({
      publisher: this.publisher,
      subscriber: this.subscriber,
      clock: options.clock,
      resubscribe: () => (this.channels.size === 0 ? Promise.resolve() : this.subscriber.subscribe(...this.channels)),
      onChange: (change) => {
        if (change.to === 'ready') {
          // Subscriptions are restored: now what waited may go, then anyone waiting for the connection.
          if (change.from === 'reconnecting') this.outbox.recover();
          this.outbox.flush();
          for (const waiter of this.readyWaiters.splice(0)) waiter.resolve();
        } else if (change.to === 'reconnecting') {
          this.outbox.lost();
        }
        options.onConnection(change);
      },
      onResubscribeError: (error) => options.onSubscribeRefused?.(error),
    });
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  /** The last error a Redis client reported since the connection was last ready. */
  get lastError(): Error | undefined {
    return this.connection.lastError;
  }

  get info(): ConnectionInfo {
    return this.connection.info(this.outbox.queued);
  }

  /** Resolves once the connection is `ready` (at once when it is). */
  whenReady(): Promise<void> {
    if (this.connection.state === 'ready') return Promise.resolve();
    if (this.closed) return Promise.reject(new ClustrError('CLUSTR_CLOSED', 'the process has been closed.'));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /**
   * Resolves once Redis has confirmed every subscription: from then on no frame
   * to these channels is missed. While the connection is down, it resolves once
   * the channels are subscribed after the reconnect.
   */
  async subscribe(channels: string[]): Promise<void> {
    if (this.closed) throw new ClustrError('CLUSTR_CLOSED', `cannot subscribe to ${channels.join(', ')}: the process has been closed.`);
    for (const channel of channels) this.channels.add(channel);
    if (this.subscriber.status !== 'ready') {
      await this.whenReady();
      return;
    }
    try {
      await this.subscriber.subscribe(...channels);
    } catch (error) {
      if (this.closed) throw new ClustrError('CLUSTR_CLOSED', 'the process closed before Redis confirmed the subscription.', { cause: error });
      // The connection dropped under the command: the resubscription after the reconnect covers these channels.
      if (this.connection.state !== 'ready') return this.whenReady();
      throw new ClustrError('CLUSTR_TRANSPORT', `could not subscribe to ${channels.join(', ')}: ${(error as Error).message}. Check that Redis at ${this.options.redisLabel} is reachable.`, { cause: error });
    }
  }

  /**
   * Stops listening on `channels`, after reconnects too. Resolves once Redis has
   * confirmed it: whatever is published there afterwards reaches nobody here
   * (PUBLISH answers 0 when nobody else listens), and what came before was handed
   * to onFrame.
   */
  async unsubscribe(channels: string[]): Promise<void> {
    for (const channel of channels) this.channels.delete(channel);
    if (this.closed || this.subscriber.status !== 'ready') return;
    await this.subscriber.unsubscribe(...channels);
  }

  /**
   * Encodes and publishes a frame the runtime built from checked parts; resolves
   * to the number of receivers. Rejects with a ClustrError when the frame breaks
   * a rule every reader enforces (size, depth, forbidden keys), when the process
   * is closed, or when the offline queue is full or the frame waited too long.
   */
  publish(channel: string, frame: Frame): Promise<number> {
    let text: string;
    try {
      text = this.encode(frame);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.send(channel, text);
  }

  /** Writes a frame as it will travel (without seq, ts and sig, added as it leaves). Throws a ClustrError when it cannot be. */
  encode(frame: Frame): string {
    if (this.closed) throw new ClustrError('CLUSTR_CLOSED', `cannot publish a ${frame.kind} frame: this process has been closed.`);
    return this.options.codec.encodeTrusted(frame);
  }

  /** Publishes text from encode(); resolves to the number of receivers. */
  send(channel: string, text: string): Promise<number> {
    return this.outbox.send(channel, text);
  }

  /** What the transport does with every message Redis delivers. */
  receive(channel: string, raw: string): void {
    if (this.closed) return;
    if (this.inboxHead < this.inbox.length || this.overBudget()) {
      this.hold(channel, raw);
      return;
    }
    this.handle(channel, raw);
  }

  /** Quits the clients clustr owns, within `timeoutMs` (then it disconnects: Redis may be down). */
  async close(timeoutMs = CLOSE_TIMEOUT_MS): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscriber.off('message', this.listener);
    this.connection.close();
    // Whoever waits for the connection (a subscribe, an emitReady during an outage) is told now, not never.
    for (const waiter of this.readyWaiters.splice(0)) waiter.reject(new ClustrError('CLUSTR_CLOSED', 'the process has been closed.'));
    this.outbox.close(new ClustrError('CLUSTR_CLOSED', 'not sent: the process closed while the frame waited for Redis.'));
    this.inbox.length = 0;
    this.inboxHead = 0;
    const { ownsPublisher, ownsSubscriber } = this.options;
    const borrowedChannels = [...this.channels];
    await Promise.allSettled([
      ownsSubscriber ? quit(this.subscriber, timeoutMs, this.options.clock) : borrowedChannels.length > 0 ? bounded(this.subscriber.unsubscribe(...borrowedChannels), timeoutMs, this.options.clock) : undefined,
      ownsPublisher && this.publisher !== this.subscriber ? quit(this.publisher, timeoutMs, this.options.clock) : undefined,
    ]);
  }

  // ---- receiving ------------------------------------------------------------------------

  /** True once handlers have had their share of this turn; the next turn starts with a new share. */
  private overBudget(): boolean {
    const now = this.options.clock.now();
    if (this.turnStart < 0) {
      this.turnStart = now;
      setImmediate(() => {
        this.turnStart = -1;
      });
      return false;
    }
    return now - this.turnStart >= HANDLER_BUDGET_MS;
  }

  private hold(channel: string, raw: string): void {
    const { maxFrames, maxBytes } = this.options.inboundQueue;
    const frames = framesIn(raw);
    if (this.inboxFrames + frames > maxFrames || this.inboxBytes + raw.length > maxBytes) {
      this.options.onReject({ reason: 'overloaded', channel, message: `overloaded: ${maxFrames} frames or ${maxBytes} bytes already wait to be handled`, issues: [] });
      return;
    }
    this.inbox.push({ channel, raw, frames });
    this.inboxBytes += raw.length;
    this.inboxFrames += frames;
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    while (this.inboxHead < this.inbox.length && !this.closed) {
      if (this.overBudget()) {
        this.scheduleDrain();
        return;
      }
      const item = this.inbox[this.inboxHead]!;
      this.inbox[this.inboxHead++] = undefined as unknown as Inbound;
      this.inboxBytes -= item.raw.length;
      this.inboxFrames -= item.frames;
      this.handle(item.channel, item.raw);
    }
    this.inbox.length = 0;
    this.inboxHead = 0;
  }

  private handle(channel: string, raw: string): void {
    readFrames(this.reading, channel, raw);
  }

  private accept(frame: SingleFrame, channel: string, ts: number | undefined): void {
    const { meta, seq } = frame;
    const signed = this.options.signer !== undefined;
    // Replay protection is the sequence number of a sender run: a signed frame without one cannot be checked.
    if (signed && (meta.instance === undefined || seq === undefined)) {
      this.reject('unsigned', channel, 'a signed frame must carry meta.instance and seq');
      return;
    }
    const verdict = this.tracker.check(meta.pid, meta.instance, channel, seq, signed ? ts : undefined);
    if (verdict.kind === 'duplicate') {
      this.reject(signed ? 'replayed' : 'duplicate', channel, `seq ${String(seq)} from pid ${meta.pid} was seen before`);
      return;
    }
    if (verdict.kind === 'gap') this.options.onGap({ from: meta, channel, missed: verdict.missed });
    this.options.onFrame(frame, channel);
  }

  private reject(reason: RejectedFrame['reason'], channel: string, detail: string): void {
    this.options.onReject({ reason, channel, message: `${reason}: ${detail}`, issues: [] });
  }
}

/** How long close() waits for Redis to acknowledge QUIT before dropping the connection. */
const CLOSE_TIMEOUT_MS = 1_000;

/** Resolves with `promise`, or with 'timeout' after `ms`. */
export function bounded<T>(promise: Promise<T>, ms: number, clock: Clock): Promise<T | 'timeout'> {
  let timer: TimerHandle | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = clock.setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    if (timer !== undefined) clock.clearTimeout(timer);
  });
}

async function quit(client: RedisLike, timeoutMs: number, clock: Clock): Promise<void> {
  if (client.status === 'end') return;
  try {
    if ((await bounded(client.quit(), timeoutMs, clock)) === 'timeout') client.disconnect();
  } catch {
    client.disconnect();
  }
}
