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
  instance: string;
  last: number;
  /** The highest `ts` seen (signed frames), to accept a restart at 1 only when it is newer. */
  lastTs: number;
  /** When it was last heard, as a count of checks: the least recently heard are forgotten first. */
  touched: number;
  /** When it was last heard, in clock time: a sender forgets a channel's counter only after SENDER_IDLE_MS. */
  heardAt: number;
}

/**
 * How long a stream must have been silent for `seq` 1 from the same run to be a new
 * start: the sender forgets a counter only after SENDER_IDLE_MS without publishing on
 * it; half of that leaves room for frames in flight and clocks that drift. Anything
 * sooner is an old frame again (ioredis resends its queue after a reconnect).
 */
export const RESTART_SILENCE_MS = SENDER_IDLE_MS / 2;

const OK: SequenceVerdict = { kind: 'ok' };
const DUPLICATE: SequenceVerdict = { kind: 'duplicate' };

/**
 * The receiving side: the last number per sender run and channel. Looked up
 * by channel, then pid, then instance (one, unless the pid was reused), so
 * checking a frame allocates nothing.
 */
export class SequenceTracker {
  private readonly byChannel = new Map<string, Map<number, Stream[]>>();
  private count = 0;
  private clock = 0;
  /** The newest `ts` of a stream forgotten for room: older signed frames of unknown streams cannot be told from replays. */
  private horizon = 0;

  constructor(private readonly now: () => number) {}

  /**
   * Checks one frame from `pid`/`instance` on `channel`. Frames without an
   * instance or a seq (a foreign sender) are not tracked. `ts` is given for
   * signed frames only, and makes a restart at 1 count only when it is newer
   * than the stream's last frame, so a replayed first frame is a duplicate.
   */
  check(pid: number, instance: string | undefined, channel: string, seq: number | undefined, ts?: number): SequenceVerdict {
    if (instance === undefined || seq === undefined) return OK;
    let senders = this.byChannel.get(channel);
    if (senders === undefined) {
      senders = new Map();
      this.byChannel.set(channel, senders);
    }
    let runs = senders.get(pid);
    let stream: Stream | undefined;
    if (runs !== undefined) for (let i = 0; i < runs.length; i++) if (runs[i]!.instance === instance) stream = runs[i];
    const now = this.now();
    if (stream === undefined) {
      // A receiver that subscribes mid-stream starts from the first number it sees: not a gap.
      if (ts !== undefined && ts <= this.horizon) return DUPLICATE;
      if (this.count >= MAX_TRACKED_STREAMS) {
        this.forgetOldest();
        runs = senders.get(pid);
      }
      const fresh: Stream = { instance, last: seq, lastTs: ts ?? 0, touched: ++this.clock, heardAt: now };
      if (runs === undefined) senders.set(pid, [fresh]);
      else runs.push(fresh);
      this.count++;
      return OK;
    }
    stream.touched = ++this.clock;
    const silentFor = now - stream.heardAt;
    stream.heardAt = now;
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
    // higher number (1 after 1 is the same frame twice) and a long silence, and when signed, newer
    // than the stream. Soon after the stream's last frame, 1 is the start of a resent run.
    if (seq === 1 && stream.last > 1 && silentFor >= RESTART_SILENCE_MS && (ts === undefined || ts > stream.lastTs)) {
      stream.last = 1;
      if (ts !== undefined) stream.lastTs = ts;
      return OK;
    }
    return DUPLICATE;
  }

  /** Streams remembered now. */
  get size(): number {
    return this.count;
  }

  /** Forgets the least recently heard tenth of the streams (at least one): amortised, each check stays O(1). */
  private forgetOldest(): void {
    const all: Array<{ channel: string; pid: number; stream: Stream }> = [];
    for (const [channel, senders] of this.byChannel) for (const [pid, runs] of senders) for (const stream of runs) all.push({ channel, pid, stream });
    all.sort((a, b) => a.stream.touched - b.stream.touched);
    for (const { channel, pid, stream } of all.slice(0, Math.max(1, Math.floor(all.length / 10)))) {
      this.horizon = Math.max(this.horizon, stream.lastTs);
      const senders = this.byChannel.get(channel)!;
      const runs = senders.get(pid)!.filter((s) => s !== stream);
      if (runs.length > 0) senders.set(pid, runs);
      else senders.delete(pid);
      if (senders.size === 0) this.byChannel.delete(channel);
      this.count--;
    }
  }
}
