import { ClustrError, MAX_BATCH_FRAMES, type Codec, type FrameSigner, type Meta } from '@clustr/protocol/core';
import type { Clock, TimerHandle } from '../platform/platform';
import type { SequenceNumbers } from './sequence';

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
}

export interface OutboxDeps {
  publish(channel: string, raw: string): Promise<number>;
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
  private readonly tick = new Map<string, Pending[]>();
  private tickScheduled = false;
  private closed = false;

  constructor(private readonly deps: OutboxDeps) {}

  get queued(): { frames: number; bytes: number } {
    return { frames: this.queue.length, bytes: this.queuedBytes };
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

  /** The connection is ready again: send what waited, in order. */
  flush(): void {
    if (this.queue.length === 0) return;
    this.cancelTimer();
    const waiting = this.queue.splice(0);
    this.queuedBytes = 0;
    for (const item of waiting) this.dispatch(item);
  }

  /** Rejects everything still waiting; later sends reject at once. */
  close(reason: Error): void {
    this.closed = true;
    this.cancelTimer();
    for (const item of this.queue.splice(0)) item.reject(reason);
    this.queuedBytes = 0;
  }

  private enqueue(item: Pending): void {
    const { maxFrames, maxBytes, maxWait } = this.deps.limits;
    // Bytes counted as UTF-16 units is cheap and never under the UTF-8 count by more than 3x; the exact count only near the bound.
    if (this.queuedBytes + item.bytes * 3 > maxBytes) item.bytes = Buffer.byteLength(item.text, 'utf8');
    if (this.queue.length >= maxFrames || this.queuedBytes + item.bytes > maxBytes) {
      const which = this.queue.length >= maxFrames ? `${maxFrames} frames` : `${maxBytes} bytes`;
      item.reject(
        new ClustrError(
          'CLUSTR_OFFLINE_QUEUE_FULL',
          `not sent: Redis at ${this.deps.describeRedis()} is unreachable and ${which} already wait for it (offlineQueue.${this.queue.length >= maxFrames ? 'maxFrames' : 'maxBytes'}). Emit less while the connection is down, or raise the bound.`,
          { field: 'offlineQueue' },
        ),
      );
      return;
    }
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
    if (!this.deps.coalesce) {
      this.publishOne(item);
      return;
    }
    const list = this.tick.get(item.channel);
    if (list === undefined) this.tick.set(item.channel, [item]);
    else list.push(item);
    if (!this.tickScheduled) {
      this.tickScheduled = true;
      // Same tick: a lone frame waits only for the code that emitted it to finish.
      queueMicrotask(() => this.flushTick());
    }
  }

  private flushTick(): void {
    this.tickScheduled = false;
    const channels = [...this.tick];
    this.tick.clear();
    for (const [channel, items] of channels) {
      if (items.length === 1) this.publishOne(items[0]!);
      else this.publishBatches(channel, items);
    }
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
    this.deps.publish(item.channel, raw).then(item.resolve, item.reject);
  }

  private publishBatches(channel: string, items: Pending[]): void {
    const { codec, signer, meta } = this.deps;
    let start = 0;
    while (start < items.length) {
      const head = signer === undefined ? { id: this.deps.nextId(), meta } : { id: this.deps.nextId(), meta, ts: this.deps.clock.now() };
      // Leave room for the signature the whole batch gets.
      let room = codec.maxBytes - codec.batchOverhead(head) - (signer === undefined ? 0 : TRAILER_BYTES);
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
      this.deps.publish(channel, raw).then(
        (receivers) => {
          for (const item of group) item.resolve(receivers);
        },
        (error: Error) => {
          for (const item of group) item.reject(error);
        },
      );
    }
  }
}
