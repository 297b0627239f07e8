import { ClustrError, MAX_BATCH_FRAMES, type Codec, type FrameSigner, type Meta } from '@clustr/protocol/core';
import type { Clock, TimerHandle } from '../platform/platform';
import type { SequenceNumbers } from './sequence';
import { stacklessError } from '../internal/stackless';

/** How much may wait for Redis while it is unreachable. */
export interface OfflineQueueOptions {
  /** Frames that may wait; the next emit is rejected with CLUSTR_OFFLINE_QUEUE_FULL. Default `1000`. */
  maxFrames?: number;
  /** Bytes (UTF-8, as encoded) that may wait. Default `8388608` (8 MiB). */
  maxBytes?: number;
  /** Milliseconds a frame may wait before it is rejected with CLUSTR_OFFLINE_TIMEOUT. Default `5000`. */
  maxWait?: number;
}

export const DEFAULT_OFFLINE_QUEUE: Required<OfflineQueueOptions> = { maxFrames: 1000, maxBytes: 8 * 1024 * 1024, maxWait: 5000 };

/**
 * Room the encoder leaves for the fields appended at publish time:
 * `,"seq":<16 digits>`, `,"ts":<16 digits>` and `,"sig":"<43>"`.
 */
export const TRAILER_BYTES = 128;

interface Pending {
  channel: string;
  /** The frame's JSON as encoded, without seq/ts/sig. */
  text: string;
  bytes: number;
  queuedAt: number;
  resolve(receivers: number): void;
  reject(error: Error): void;
  /** The frame as it went to Redis the first time: a retry sends exactly this again. */
  raw?: string;
  firstSentAt?: number;
  attempts?: number;
  /** The first frame of a retry line: its answer decides whether it is sent again (see attempt()). */
  retried?: boolean;
  /** Settled: a later answer from Redis for it is ignored. */
  done?: boolean;
  /** In flight when the connection dropped: ioredis sends it again, and its answer says nothing of the receivers after the loss. */
  inFlightAtLoss?: boolean;
}

/** What is in flight to Redis: one frame, or the frames of one batch. */
type Flight = Pending | Pending[];

/** Delays between retries of a frame that reached nobody after a reconnect: 50 ms, doubling, at most 1 s. */
const RETRY_BASE_MS = 50;
const RETRY_MAX_MS = 1_000;
/**
 * The most bytes one batch carries. Redis holds a subscriber's unread messages in its output
 * buffer and closes the connection of one whose buffer passes its limit (`client-output-buffer-limit
 * pubsub`, 32 MB by default, often set far lower): a batch as large as a frame may be (1 MiB)
 * could pass a small limit on its own, and a subscriber would be dropped for every batch, never
 * hearing a thing. 64 KiB keeps almost all of what coalescing gains (hundreds of small frames per
 * PUBLISH) while a lone batch stays far under any sensible limit.
 */
export const MAX_BATCH_BYTES = 64 * 1024;
/** Channels remembered as unheard; past that the set starts over (those channels are retried once more). */
export const MAX_UNHEARD = 10_000;

export interface OutboxDeps {
  publish(channel: string, raw: string): Promise<number>;
  /** Runs `write` with the publishes it makes sent to Redis together (a tick with frames for several channels); absent: each goes as publish() sends it. */
  corked?(write: () => void): void;
  codec: Codec;
  clock: Clock;
  seqs: SequenceNumbers;
  signer: FrameSigner | undefined;
  /** Sender of batches: every frame of a batch has this meta. */
  meta: Meta;
  nextId(): string;
  /** Publish several frames for one channel, emitted in the same tick, as one batch. */
  coalesce: boolean;
  limits: Required<OfflineQueueOptions>;
  /** Whether frames may go to Redis now (the connection is `ready`). */
  isReady(): boolean;
  /** Describes Redis for error messages (the URL without its password). */
  describeRedis(): string;
}

/**
 * Everything a process publishes goes through here. While the connection is
 * `ready`, frames go out at once (or, with `coalesce`, at the end of the
 * current tick, several frames of one channel in one batch). While it is not,
 * they wait in a queue bounded by count, bytes and age, and go out in order
 * once the connection is `ready` again, which is after the subscriptions are
 * restored. Sequence numbers (and signatures) are added as a frame is handed
 * to Redis, so a frame that never left takes no number.
 */
export class Outbox {
  private readonly queue: Pending[] = [];
  private queuedBytes = 0;
  private timer: TimerHandle | undefined;
  /**
   * The frames of this tick, in emit order, grouped by channel as the tick is flushed. (One Map
   * kept and cleared every tick made each young-generation GC several times slower: a lone
   * frame's round trip cost ~30% more CPU in-process than with coalescing off.)
   */
  private tickItems: Pending[] = [];
  private tickScheduled = false;
  private readonly flushTickNow = (): void => this.flushTick();
  private closed = false;
  /**
   * After a reconnect, until this clock time, the receivers may still be
   * resubscribing: a frame to a retryable channel that reaches 0 of them is sent
   * again (see recover()).
   */
  private recoveringUntil = 0;
  /** Channels that reached a receiver (or gave up) since the reconnect: sent as usual. */
  private readonly settled = new Set<string>();
  /**
   * Channels whose last publish reached nobody (a private channel of a process long gone, a
   * group with no member): after a reconnect they go out as usual, not retried, so they do not
   * fill the bound the offline queue and the retry lines share. Bounded by MAX_UNHEARD.
   */
  private readonly unheard = new Set<string>();
  /** Channels being retried: their frames, in order; the first is the one being tried. */
  private readonly retrying = new Map<string, Pending[]>();
  private readonly retryTimers = new Set<TimerHandle>();
  /** Frames (and bytes) waiting behind a retried frame: they count against the same bound as the offline queue. */
  private lineFrames = 0;
  private lineBytes = 0;
  /**
   * Publishes sent and not yet answered, in the order sent. Redis answers one
   * connection in order (and ioredis sends again, first, what was in flight when
   * the connection dropped), so each answer is for the first of these: no
   * closure per publish on the hot path.
   */
  private readonly flights: Array<Flight | undefined> = [];
  private flightHead = 0;
  private lossTimer: TimerHandle | undefined;

  constructor(private readonly deps: OutboxDeps) {}

  /** Frames waiting for Redis (offline) or behind a frame being retried, and their bytes. */
  get queued(): { frames: number; bytes: number } {
    return { frames: this.queue.length + this.lineFrames, bytes: this.queuedBytes + this.lineBytes };
  }

  /** Publishes `text` (an encoded frame) on `channel`; resolves to the number of receivers. */
  send(channel: string, text: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const item: Pending = { channel, text, bytes: text.length, queuedAt: 0, resolve, reject };
      if (this.closed) {
        reject(new ClustrError('CLUSTR_CLOSED', 'cannot publish: this process has been closed.'));
        return;
      }
      if (this.deps.isReady() && this.queue.length === 0) {
        this.dispatch(item);
        return;
      }
      this.enqueue(item);
    });
  }

  /**
   * The connection is back after a loss, but the receivers' may not be yet. For
   * `maxWait` ms, the first frames of each channel go one at a time, and one
   * that reaches nobody (PUBLISH answers 0: no subscriber got it, so sending it
   * again cannot make a duplicate) is sent again (50 ms, doubling, at most 1 s
   * apart) until someone hears it or it has waited `maxWait`; the frames behind
   * it wait, so order is kept. A channel that reached someone is sent on as usual.
   * A receiver still reconnecting is then not a loss. (A channel with several
   * listeners, some back and some not, is a partial loss the receivers count.)
   */
  recover(): void {
    this.recoveringUntil = this.deps.clock.now() + this.deps.limits.maxWait;
    this.settled.clear();
  }

  /**
   * The connection dropped. What was in flight may or may not have reached Redis;
   * ioredis sends it again after the reconnect. It gets `maxWait` ms for that:
   * then its promises reject with CLUSTR_OFFLINE_TIMEOUT (saying it may have been
   * delivered), so no emit waits for the whole outage.
   */
  lost(): void {
    if (this.lossTimer !== undefined) return;
    const inFlight = this.flights.slice(this.flightHead) as Flight[];
    if (inFlight.length === 0) return;
    for (const flight of inFlight) for (const item of Array.isArray(flight) ? flight : [flight]) item.inFlightAtLoss = true;
    const { maxWait } = this.deps.limits;
    this.lossTimer = this.deps.clock.setTimeout(() => {
      this.lossTimer = undefined;
      const error = () =>
        new ClustrError(
          'CLUSTR_OFFLINE_TIMEOUT',
          `not known to be sent: Redis at ${this.deps.describeRedis()} went away while this frame was on its way, and was not back within ${maxWait} ms (offlineQueue.maxWait). It may have been delivered.`,
          { field: 'offlineQueue.maxWait' },
        );
      for (const flight of inFlight) for (const item of Array.isArray(flight) ? flight : [flight]) this.fail(item, error());
    }, maxWait);
  }

  /** The connection is ready again: send what waited, in order. */
  flush(): void {
    if (this.lossTimer !== undefined) {
      // Back in time: what was in flight is sent again by ioredis, before anything new.
      this.deps.clock.clearTimeout(this.lossTimer);
      this.lossTimer = undefined;
    }
    if (this.queue.length === 0) return;
    this.cancelTimer();
    const waiting = this.queue.splice(0);
    this.queuedBytes = 0;
    for (const item of waiting) this.dispatch(item);
  }

  /** Sends the frames of the current tick, rejects everything still waiting; later sends reject at once. */
  close(reason: Error): void {
    // The frames of this tick were accepted while the connection was up: out they go, before the
    // transport quits (its QUIT would otherwise reach Redis first, and they would fail).
    if (this.tickScheduled) this.flushTick();
    this.closed = true;
    this.cancelTimer();
    for (const item of this.queue.splice(0)) item.reject(reason);
    this.queuedBytes = 0;
    for (const timer of this.retryTimers) this.deps.clock.clearTimeout(timer);
    this.retryTimers.clear();
    if (this.lossTimer !== undefined) this.deps.clock.clearTimeout(this.lossTimer);
    this.lossTimer = undefined;
    for (const items of this.retrying.values()) for (const item of items) item.reject(reason);
    this.retrying.clear();
    this.lineFrames = 0;
    this.lineBytes = 0;
  }

  /** False (and the frame rejected) when it would pass the bound that the offline queue and retry lines share. */
  private admit(item: Pending): boolean {
    const { maxFrames, maxBytes } = this.deps.limits;
    const { frames, bytes } = this.queued;
    // Bytes counted as UTF-16 units is cheap and never under the UTF-8 count by more than 3x; the exact count only near the bound.
    if (bytes + item.bytes * 3 > maxBytes) item.bytes = Buffer.byteLength(item.text, 'utf8');
    if (frames < maxFrames && bytes + item.bytes <= maxBytes) return true;
    const byCount = frames >= maxFrames;
    // A process emitting at full speed while Redis is away is refused up to a million times in
    // seconds: stackless, which keeps the garbage of a flood, and the memory it takes, to a fraction.
    const error = stacklessError(
      'CLUSTR_OFFLINE_QUEUE_FULL',
      `not sent: Redis at ${this.deps.describeRedis()} is unreachable or its receivers are reconnecting, and ${byCount ? `${maxFrames} frames` : `${maxBytes} bytes`} already wait (offlineQueue.${byCount ? 'maxFrames' : 'maxBytes'}). Emit less while the connection is down, or raise the bound.`,
      { field: 'offlineQueue' },
    );
    item.reject(error);
    return false;
  }

  private enqueue(item: Pending): void {
    const { maxWait } = this.deps.limits;
    if (!this.admit(item)) return;
    item.queuedAt = this.deps.clock.now();
    this.queue.push(item);
    this.queuedBytes += item.bytes;
    if (this.timer === undefined) this.arm(maxWait);
  }

  /** One timer, for the oldest frame: when it fires, every frame older than maxWait is rejected. */
  private arm(delay: number): void {
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      const { maxWait } = this.deps.limits;
      const now = this.deps.clock.now();
      while (this.queue.length > 0 && now - this.queue[0]!.queuedAt >= maxWait) {
        const item = this.queue.shift()!;
        this.queuedBytes -= item.bytes;
        item.reject(
          new ClustrError(
            'CLUSTR_OFFLINE_TIMEOUT',
            `not sent: Redis at ${this.deps.describeRedis()} was unreachable for the ${maxWait} ms this frame may wait (offlineQueue.maxWait).`,
            { field: 'offlineQueue.maxWait' },
          ),
        );
      }
      if (this.queue.length > 0) this.arm(maxWait - (now - this.queue[0]!.queuedAt));
    }, Math.max(0, delay));
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) {
      this.deps.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private dispatch(item: Pending): void {
    if (this.retrying.has(item.channel) || (this.recoveringUntil > 0 && this.recovering(item.channel))) {
      this.enqueueRetry(item);
      return;
    }
    if (!this.deps.coalesce) {
      this.publishOne(item);
      return;
    }
    this.tickItems.push(item);
    if (!this.tickScheduled) {
      this.tickScheduled = true;
      // Same tick: a lone frame waits only for the code that emitted it to finish.
      queueMicrotask(this.flushTickNow);
    }
  }

  private flushTick(): void {
    this.tickScheduled = false;
    const items = this.tickItems;
    this.tickItems = [];
    const channels = new Map<string, Pending[]>();
    for (const item of items) {
      const list = channels.get(item.channel);
      if (list === undefined) channels.set(item.channel, [item]);
      else list.push(item);
    }
    if (channels.size > 1 && this.deps.corked !== undefined) this.deps.corked(() => this.publishChannels(channels));
    else this.publishChannels(channels);
  }

  private publishChannels(channels: Map<string, Pending[]>): void {
    for (const [channel, list] of channels) {
      if (list.length === 1) this.publishOne(list[0]!);
      else this.publishBatches(channel, list);
    }
  }

  /** True while frames to `channel` still go one at a time, retried when they reach nobody. */
  private recovering(channel: string): boolean {
    if (this.deps.clock.now() >= this.recoveringUntil) {
      this.recoveringUntil = 0;
      this.settled.clear();
      return false;
    }
    return !this.settled.has(channel) && !this.unheard.has(channel);
  }

  private enqueueRetry(item: Pending): void {
    const line = this.retrying.get(item.channel);
    if (line !== undefined) {
      if (!this.admit(item)) return;
      line.push(item);
      this.lineFrames++;
      this.lineBytes += item.bytes;
      return;
    }
    this.retrying.set(item.channel, [item]);
    this.attempt(item.channel);
  }

  /** Sends the first frame of a channel being retried; what it reached decides what comes next. */
  private attempt(channel: string): void {
    const line = this.retrying.get(channel);
    const item = line?.[0];
    if (line === undefined || item === undefined) return;
    try {
      item.raw ??= this.seal(channel, this.withSeq(channel, item.text));
    } catch (error) {
      line.shift();
      item.done = true;
      item.reject(error as Error);
      this.next(channel, line);
      return;
    }
    item.firstSentAt ??= this.deps.clock.now();
    item.attempts = (item.attempts ?? 0) + 1;
    item.retried = true;
    this.transmit(channel, item.raw, item);
  }

  /** The answer to a retried frame: send it again, or settle it and let its channel go on as usual. */
  private retryAnswered(item: Pending, receivers: number): void {
    const channel = item.channel;
    const line = this.retrying.get(channel);
    if (line === undefined || line[0] !== item) return;
    const waited = this.deps.clock.now() - item.firstSentAt!;
    if (receivers === 0 && waited < this.deps.limits.maxWait) {
      const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (item.attempts! - 1), this.deps.limits.maxWait - waited);
      const timer = this.deps.clock.setTimeout(() => {
        this.retryTimers.delete(timer);
        this.attempt(channel);
      }, delay);
      this.retryTimers.add(timer);
      return;
    }
    // Heard, or nobody is there after maxWait: either way the channel needs no more care.
    line.shift();
    item.done = true;
    item.resolve(receivers);
    this.settled.add(channel);
    this.retrying.delete(channel);
    for (const rest of line) this.leaveLine(rest);
    for (const rest of line) this.dispatch(rest);
  }

  private next(channel: string, line: Pending[]): void {
    if (line.length > 0) {
      // The next frame moves to the head: it is being tried, no longer waiting.
      this.leaveLine(line[0]!);
      this.attempt(channel);
    } else {
      this.retrying.delete(channel);
    }
  }

  private leaveLine(item: Pending): void {
    this.lineFrames--;
    this.lineBytes -= item.bytes;
  }

  /** `text` (an encoded frame) with the next sequence number of `channel`. */
  private withSeq(channel: string, text: string): string {
    return `${text.slice(0, -1)},"seq":${this.deps.seqs.take(channel)}}`;
  }

  /** A frame ready for Redis: with ts and sig when signing. */
  private seal(channel: string, text: string): string {
    return this.deps.signer === undefined ? text : this.deps.signer.sign(channel, `${text.slice(0, -1)},"ts":${this.deps.clock.now()}}`);
  }

  /**
   * A lone frame ready for Redis: its seq, and when signing its ts and sig, appended
   * in one step (one string less per frame than withSeq then seal, on every signed frame).
   */
  private sealOne(channel: string, text: string): string {
    const { signer, seqs, clock } = this.deps;
    if (signer === undefined) return this.withSeq(channel, text);
    return signer.sign(channel, `${text.slice(0, -1)},"seq":${seqs.take(channel)},"ts":${clock.now()}}`);
  }

  private publishOne(item: Pending, stamped?: string): void {
    let raw: string;
    try {
      raw = stamped === undefined ? this.sealOne(item.channel, item.text) : this.seal(item.channel, stamped);
    } catch (error) {
      item.reject(error as Error);
      return;
    }
    this.transmit(item.channel, raw, item);
  }

  private publishBatches(channel: string, items: Pending[]): void {
    const { codec, signer, meta } = this.deps;
    let start = 0;
    while (start < items.length) {
      const head = signer === undefined ? { id: this.deps.nextId(), meta } : { id: this.deps.nextId(), meta, ts: this.deps.clock.now() };
      // Leave room for the signature the whole batch gets.
      let room = Math.min(codec.maxBytes, MAX_BATCH_BYTES) - codec.batchOverhead(head) - (signer === undefined ? 0 : TRAILER_BYTES);
      const texts: string[] = [];
      let end = start;
      while (end < items.length && texts.length < MAX_BATCH_FRAMES) {
        const text = items[end]!.text;
        const separator = texts.length > 0 ? 1 : 0;
        // An upper bound of the frame's UTF-8 bytes (3 per UTF-16 unit), exact only when that is too much.
        // Its seq adds at most 26 bytes; check before taking a number, so a frame left out takes none.
        const bytes = text.length * 3 + 26 <= room - separator ? text.length * 3 : Buffer.byteLength(text, 'utf8');
        if (bytes + 26 > room - separator) break;
        const stamped = this.withSeq(channel, text);
        room -= stamped.length - text.length + bytes + separator;
        texts.push(stamped);
        end++;
      }
      if (texts.length === 0) {
        // Too large to share a batch: it travels alone.
        this.publishOne(items[start]!);
        start++;
        continue;
      }
      if (texts.length === 1) {
        this.publishOne(items[start]!, texts[0]);
        start++;
        continue;
      }
      const group = items.slice(start, end);
      start = end;
      let raw: string;
      try {
        raw = codec.encodeBatch(head, texts);
        if (signer !== undefined) raw = signer.sign(channel, raw);
      } catch (error) {
        for (const item of group) item.reject(error as Error);
        continue;
      }
      this.transmit(channel, raw, group);
    }
  }

  private transmit(channel: string, raw: string, flight: Flight): void {
    this.flights.push(flight);
    this.deps.publish(channel, raw).then(this.landed, this.crashed);
  }

  private nextFlight(): Flight | undefined {
    const flight = this.flights[this.flightHead];
    if (flight === undefined) return undefined;
    this.flights[this.flightHead++] = undefined;
    if (this.flightHead === this.flights.length) {
      this.flights.length = 0;
      this.flightHead = 0;
    } else if (this.flightHead >= 1024 && this.flightHead * 2 >= this.flights.length) {
      this.flights.splice(0, this.flightHead);
      this.flightHead = 0;
    }
    return flight;
  }

  /** Redis answered the oldest publish in flight. */
  private readonly landed = (receivers: number): void => {
    const flight = this.nextFlight();
    if (flight === undefined) return;
    const first = Array.isArray(flight) ? flight[0]! : flight;
    // Only an answer to a frame sent while connected says whether the channel has listeners: not
    // a retry's during recovery, nor a resend's of what was in flight at the loss (it is answered
    // as the connection comes back, before the receivers have resubscribed).
    if (!first.retried && !first.inFlightAtLoss) {
      if (receivers === 0) {
        if (this.unheard.size >= MAX_UNHEARD) this.unheard.clear();
        this.unheard.add(first.channel);
      } else if (this.unheard.size > 0) {
        this.unheard.delete(first.channel);
      }
    }
    if (Array.isArray(flight)) for (const item of flight) this.arrived(item, receivers);
    else this.arrived(flight, receivers);
  };

  /** The oldest publish in flight failed (a Redis error reply, or the client gave up). */
  private readonly crashed = (error: Error): void => {
    const flight = this.nextFlight();
    if (flight === undefined) return;
    if (Array.isArray(flight)) for (const item of flight) this.fail(item, error);
    else this.fail(flight, error);
  };

  private arrived(item: Pending, receivers: number): void {
    // Even after close(): an emit in flight settles with its answer (a client that quits waits for
    // the replies); a retried frame close() rejected is in no line any more, and is not sent again.
    if (item.done) return;
    if (item.retried) {
      this.retryAnswered(item, receivers);
      return;
    }
    item.done = true;
    item.resolve(receivers);
  }

  private fail(item: Pending, error: Error): void {
    if (item.done) return;
    item.done = true;
    item.reject(error);
    if (!item.retried) return;
    const line = this.retrying.get(item.channel);
    if (line?.[0] !== item) return;
    line.shift();
    this.next(item.channel, line);
  }
}
