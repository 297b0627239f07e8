import type { Codec, Frame } from '@clustr/protocol/core';
import { ClustrError } from '@clustr/protocol/core';
import type { RedisLike } from './redis-like';
import type { Clock, TimerHandle } from '../platform/platform';
import type { RejectedFrame } from '../process/events';

export interface TransportOptions {
  publisher: RedisLike;
  subscriber: RedisLike;
  /** Whether close() quits the publisher (true when clustr created it). */
  ownsPublisher: boolean;
  /** Whether close() quits the subscriber; a borrowed one is only unsubscribed from our channels. */
  ownsSubscriber: boolean;
  /** Timers for the close timeout. */
  clock: Clock;
  codec: Codec;
  /** Every frame that decoded. */
  onFrame(frame: Frame, channel: string): void;
  /** Every frame that did not. */
  onReject(rejected: RejectedFrame): void;
}

/**
 * Pub/sub over two Redis connections (a subscribed connection cannot publish).
 * Every incoming frame is decoded here and nowhere else.
 */
export class Transport {
  private readonly publisher: RedisLike;
  private readonly subscriber: RedisLike;
  private readonly options: TransportOptions;
  private readonly listener = (channel: string, raw: string) => this.receive(channel, raw);
  private closed = false;
  private readonly channels = new Set<string>();

  constructor(options: TransportOptions) {
    this.options = options;
    this.publisher = options.publisher;
    this.subscriber = options.subscriber;
    this.subscriber.on('message', this.listener);
  }

  receive(channel: string, raw: string | Buffer): void {
    const result = this.options.codec.decode(raw);
    if (result.ok) this.options.onFrame(result.frame, channel);
    else this.options.onReject({ reason: result.reason, channel, message: result.message, issues: result.issues });
  }

  /** Resolves once Redis has confirmed every subscription: from then on no frame to these channels is missed. */
  async subscribe(channels: string[]): Promise<void> {
    for (const channel of channels) this.channels.add(channel);
    try {
      await this.subscriber.subscribe(...channels);
    } catch (error) {
      throw new ClustrError('CLUSTR_TRANSPORT', `could not subscribe to ${channels.join(', ')}: ${(error as Error).message}. Check that Redis is reachable.`, { cause: error });
    }
  }

  /**
   * Encodes and publishes a frame the runtime built from checked parts; resolves
   * to the number of receivers. Throws a ClustrError when the frame breaks a rule
   * every reader enforces (size, depth, forbidden keys).
   */
  publish(channel: string, frame: Frame): Promise<number> {
    if (this.closed) {
      return Promise.reject(new ClustrError('CLUSTR_CLOSED', `cannot publish a ${frame.kind} frame: this process has been closed.`));
    }
    const raw = this.options.codec.encodeTrusted(frame);
    return this.publisher.publish(channel, raw);
  }

  /** Quits the clients clustr owns, within `timeoutMs` (then it disconnects: Redis may be down). */
  async close(timeoutMs = CLOSE_TIMEOUT_MS): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscriber.off('message', this.listener);
    const { ownsPublisher, ownsSubscriber } = this.options;
    const borrowedChannels = [...this.channels];
    await Promise.allSettled([
      ownsSubscriber ? quit(this.subscriber, timeoutMs, this.options.clock) : borrowedChannels.length > 0 ? bounded(this.subscriber.unsubscribe(...borrowedChannels), timeoutMs, this.options.clock) : undefined,
      ownsPublisher && this.publisher !== this.subscriber ? quit(this.publisher, timeoutMs, this.options.clock) : undefined,
    ]);
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
