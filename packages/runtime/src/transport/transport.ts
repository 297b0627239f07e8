import type { Codec, Frame } from '@clustr/protocol';
import { ClustrError } from '@clustr/protocol';
import type { RedisLike } from './redis-like';
import type { RejectedFrame } from '../process/events';

export interface TransportOptions {
  publisher: RedisLike;
  subscriber: RedisLike;
  /** Whether close() should quit the clients (true when clustr created them). */
  ownsClients: boolean;
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscriber.off('message', this.listener);
    if (!this.options.ownsClients) return;
    await Promise.allSettled([quit(this.subscriber), quit(this.publisher)]);
  }
}

async function quit(client: RedisLike): Promise<void> {
  if (client.status === 'end') return;
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
