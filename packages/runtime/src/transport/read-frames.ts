import { isFresh, type Codec, type FrameSigner, type SingleFrame } from '@clustr/protocol/core';
import type { Clock } from '../platform/platform';
import type { RejectedFrame } from '../process/events';

/** How one reader reads raw messages: its keys, codec and clock, and where frames go. */
export interface FrameReading {
  /** With a signer, every frame must carry a valid signature and a fresh `ts`. */
  signer: FrameSigner | undefined;
  codec: Codec;
  /** A signed frame whose ts is further than this from our clock is stale, ms. */
  replayWindow: number;
  clock: Clock;
  /** A frame that passed every check (batches unpacked), with the ts of the message that carried it. */
  accept(frame: SingleFrame, channel: string, ts: number | undefined): void;
  reject(rejected: RejectedFrame): void;
}

function rejectSigned(reading: FrameReading, reason: RejectedFrame['reason'], channel: string, detail: string): void {
  reading.reject({ reason, channel, message: `${reason}: ${detail}`, issues: [] });
}

/**
 * What every reader does with a raw message, in this order: verify the signature
 * (over the raw text), decode and validate, check freshness, unpack a batch.
 * The transport and the `clustr tail` reader both read this way; the transport
 * adds sequence numbers on top.
 */
export function readFrames(reading: FrameReading, channel: string, raw: string): void {
  const { signer, codec } = reading;
  if (signer !== undefined) {
    const verdict = signer.verify(channel, raw);
    if (!verdict.ok) {
      rejectSigned(reading, verdict.reason, channel, verdict.reason === 'unsigned' ? 'the frame carries no signature' : 'the signature does not match this channel and text');
      return;
    }
  }
  const result = codec.decode(raw);
  if (!result.ok) {
    reading.reject({ reason: result.reason, channel, message: result.message, issues: result.issues });
    return;
  }
  const frame = result.frame;
  if (signer !== undefined && !isFresh(frame.ts, reading.clock.now(), reading.replayWindow)) {
    rejectSigned(reading, 'stale', channel, `ts ${String(frame.ts)} is outside the ${reading.replayWindow} ms replay window`);
    return;
  }
  if (frame.kind !== 'batch') {
    reading.accept(frame, channel, frame.ts);
    return;
  }
  for (const item of codec.unpack(frame)) {
    if (item.ok) reading.accept(item.frame, channel, frame.ts);
    else reading.reject({ reason: item.reason, channel, message: item.message, issues: item.issues });
  }
}
