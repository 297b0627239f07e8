/**
 * Sequence numbers: every frame a process publishes carries `seq`, counted per
 * channel from 1, and `meta.instance`, random per process start. A receiver
 * keeps the last number it saw per sender run and channel, so it can tell a
 * frame Redis lost (a jump), a frame it got twice (a number it has passed: an
 * ioredis resend after a reconnect, or a replay), and a sender that started
 * again (a new instance, or `seq` back at 1).
 *
 * Redis delivers one connection's messages in the order they were published,
 * and a process publishes on one connection, so numbers never legitimately
 * arrive out of order: anything at or below the last one is a duplicate.
 */

/** Channels a sender has not published on for this long lose their counter (and start again at 1). */
export const SENDER_IDLE_MS = 10 * 60_000;
/** Streams a receiver remembers; the least recently heard are forgotten first. */
export const MAX_TRACKED_STREAMS = 10_000;

/** The sending side: the next number per channel. */
export class SequenceNumbers {
  private readonly next = new Map<string, { seq: number; at: number }>();

  constructor(private readonly now: () => number) {}

  /** The number for the next frame on `channel`. */
  take(channel: string): number {
    const now = this.now();
    const entry = this.next.get(channel);
    if (entry === undefined) {
      if (this.next.size >= MAX_TRACKED_STREAMS) this.sweep(now);
      this.next.set(channel, { seq: 2, at: now });
      return 1;
    }
    entry.at = now;
    return entry.seq++;
  }

  /** How many channels have a counter. */
  get size(): number {
    return this.next.size;
  }

  /**
   * Forgets counters of channels idle for SENDER_IDLE_MS (private channels of
   * processes long gone, mostly). A receiver that is still there sees `seq` 1
   * again and takes it as a new start, which it is.
   */
  private sweep(now: number): void {
    for (const [channel, entry] of this.next) if (now - entry.at >= SENDER_IDLE_MS) this.next.delete(channel);
  }
}

export type SequenceVerdict = { kind: 'ok' } | { kind: 'gap'; missed: number } | { kind: 'duplicate' };

interface Stream {
  last: number;
  /** The highest `ts` seen (signed frames), to accept a restart at 1 only when it is newer. */
  lastTs: number;
}

const OK: SequenceVerdict = { kind: 'ok' };
const DUPLICATE: SequenceVerdict = { kind: 'duplicate' };

/** The receiving side: the last number per sender run and channel. */
export class SequenceTracker {
  // A Map keeps insertion order; touching a stream moves it to the end, so the first is the least recently heard.
  private readonly streams = new Map<string, Stream>();
  /** The newest `ts` of a stream forgotten for room: older signed frames of unknown streams cannot be told from replays. */
  private horizon = 0;

  /**
   * Checks one frame from `pid`/`instance` on `channel`. Frames without an
   * instance or a seq (a foreign sender) are not tracked. `ts` is given for
   * signed frames only, and makes a restart at 1 count only when it is newer
   * than the stream's last frame, so a replayed first frame is a duplicate.
   */
  check(pid: number, instance: string | undefined, channel: string, seq: number | undefined, ts?: number): SequenceVerdict {
    if (instance === undefined || seq === undefined) return OK;
    const key = `${pid}/${instance}/${channel}`;
    const stream = this.streams.get(key);
    if (stream === undefined) {
      // A receiver that subscribes mid-stream starts from the first number it sees: not a gap.
      if (ts !== undefined && ts <= this.horizon) return DUPLICATE;
      this.remember(key, { last: seq, lastTs: ts ?? 0 });
      return OK;
    }
    this.streams.delete(key);
    this.streams.set(key, stream);
    if (seq === stream.last + 1) {
      stream.last = seq;
      if (ts !== undefined && ts > stream.lastTs) stream.lastTs = ts;
      return OK;
    }
    if (seq > stream.last) {
      const missed = seq - stream.last - 1;
      stream.last = seq;
      if (ts !== undefined && ts > stream.lastTs) stream.lastTs = ts;
      return { kind: 'gap', missed };
    }
    // The sender forgot an idle channel's counter and started again (see SequenceNumbers): 1 after a
    // higher number (1 after 1 is the same frame twice), and when signed, newer than the stream.
    if (seq === 1 && stream.last > 1 && (ts === undefined || ts > stream.lastTs)) {
      stream.last = 1;
      if (ts !== undefined) stream.lastTs = ts;
      return OK;
    }
    return DUPLICATE;
  }

  /** Streams remembered now. */
  get size(): number {
    return this.streams.size;
  }

  private remember(key: string, stream: Stream): void {
    if (this.streams.size >= MAX_TRACKED_STREAMS) {
      const oldest = this.streams.keys().next().value as string;
      this.horizon = Math.max(this.horizon, this.streams.get(oldest)!.lastTs);
      this.streams.delete(oldest);
    }
    this.streams.set(key, stream);
  }
}
