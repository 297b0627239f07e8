import type { Emitter } from 'mitt';
import type { RejectReason, RuntimeEvents } from './events';

/** Event statistics of one process. Counters only go up. */
export interface Stats {
  emitPublic: number;
  emitPrivate: number;
  emitGroup: number;
  emitKill: number;
  emitConfirmation: number;
  /** emitAny calls that sent their message (a message tried on a second member counts once). */
  emitAny: number;
  /** Every user message received: public + private + group + any. */
  onMessage: number;
  onPublic: number;
  /** Group messages received (every member gets each one); emitAny messages are counted in onAny. */
  onGroup: number;
  onPrivate: number;
  /** emitAny messages received (each goes to one member of the group). */
  onAny: number;
  /** request() calls sent to a target (one handed to another member counts once). */
  requestsSent: number;
  /** Requests this process received to answer (a request sent again after a reconnect counts once). */
  requestsReceived: number;
  /** Answers this process sent: replies and failures, refusals included. */
  requestsReplied: number;
  /** request() calls that got no reply within their timeout. */
  requestsTimedOut: number;
  /** request() calls that rejected for any other reason: no member, target gone, remote error, invalid reply, closed. */
  requestsFailed: number;
  /** Replies that came when nothing waited for them (after the timeout, a second one, from a former target): dropped. */
  lateReplies: number;
  spawnChildProcess: number;
  respawnChildProcess: number;
  giveUpChildProcess: number;
  receivedConfirmations: number;
  successfulConfirmations: number;
  /** Frames dropped, by reason. */
  rejectedFrames: Partial<Record<RejectReason, number>>;
  /**
   * Frames that other processes sent this one but never arrived: found as jumps
   * in their sequence numbers (a Redis restart, a subscriber dropped by Redis).
   * Frames this process dropped itself as `overloaded` show here too once the
   * sender's next frame arrives.
   */
  missedFrames: number;
  /** Frames this process emitted that never left: the offline queue was full, a frame waited too long, or the process closed. */
  unsentFrames: number;
  /** Times the connection to Redis came back after a loss. */
  reconnects: number;
  /** Exceptions thrown by user listeners (caught and reported). */
  listenerErrors: number;
  /** Children the watchdog killed because they sent no heartbeat within heartbeatTimeout (then restarted). */
  killHungChildProcess: number;
}

export function emptyStats(): Stats {
  return {
    emitPublic: 0,
    emitPrivate: 0,
    emitGroup: 0,
    emitKill: 0,
    emitConfirmation: 0,
    emitAny: 0,
    onMessage: 0,
    onPublic: 0,
    onGroup: 0,
    onPrivate: 0,
    onAny: 0,
    requestsSent: 0,
    requestsReceived: 0,
    requestsReplied: 0,
    requestsTimedOut: 0,
    requestsFailed: 0,
    lateReplies: 0,
    spawnChildProcess: 0,
    respawnChildProcess: 0,
    giveUpChildProcess: 0,
    receivedConfirmations: 0,
    successfulConfirmations: 0,
    rejectedFrames: {},
    missedFrames: 0,
    unsentFrames: 0,
    reconnects: 0,
    listenerErrors: 0,
    killHungChildProcess: 0,
  };
}

const EMIT_COUNTERS = {
  public: 'emitPublic',
  private: 'emitPrivate',
  group: 'emitGroup',
  kill: 'emitKill',
  confirmation: 'emitConfirmation',
} as const;

/** Stats are one more subscriber of the internal emitter. */
export function trackStats(events: Emitter<RuntimeEvents>, stats: Stats): void {
  events.on('emitted', (frame) => {
    const counter = EMIT_COUNTERS[frame.kind as keyof typeof EMIT_COUNTERS];
    if (counter) stats[counter]++;
  });
  events.on('public', () => {
    stats.onPublic++;
    stats.onMessage++;
  });
  events.on('private', () => {
    stats.onPrivate++;
    stats.onMessage++;
  });
  events.on('group', () => {
    stats.onGroup++;
    stats.onMessage++;
  });
  events.on('any', () => {
    stats.onAny++;
    stats.onMessage++;
  });
  events.on('confirmation', () => {
    stats.receivedConfirmations++;
  });
  events.on('confirmed', () => {
    stats.successfulConfirmations++;
  });
  events.on('childSpawned', ({ respawn }) => {
    if (respawn) stats.respawnChildProcess++;
    else stats.spawnChildProcess++;
  });
  events.on('childGaveUp', () => {
    stats.giveUpChildProcess++;
  });
  events.on('rejected', ({ reason }) => {
    stats.rejectedFrames[reason] = (stats.rejectedFrames[reason] ?? 0) + 1;
  });
  events.on('listenerError', () => {
    stats.listenerErrors++;
  });
  events.on('missed', ({ missed }) => {
    stats.missedFrames += missed;
  });
  events.on('unsent', () => {
    stats.unsentFrames++;
  });
  events.on('connection', ({ to, from }) => {
    if (to === 'ready' && from === 'reconnecting') stats.reconnects++;
  });
  events.on('childHung', () => {
    stats.killHungChildProcess++;
  });
}
