import type { DecodeErrorReason, Frame, FrameIssue, FrameOf, Meta, SignatureRejectReason } from '@clustr/protocol/core';
import type { ChildExit, IpcMessage } from '../platform/platform';
import type { ConnectionChange } from '../transport/connection';

/**
 * Why an incoming frame was dropped: a decode failure, a failed signature check
 * (`unsigned`, `bad_signature`, `stale`, `replayed`), or a rule the runtime adds:
 * `invalid_data` (the receiver's message schema), `misrouted` (wrong channel for
 * its kind), `duplicate` (a sequence number seen before, without a secret),
 * `overloaded` (handlers too slow: the inbound queue was full).
 */
export type RejectReason = DecodeErrorReason | SignatureRejectReason | 'invalid_data' | 'misrouted' | 'duplicate' | 'overloaded';

export interface RejectedFrame {
  reason: RejectReason;
  channel: string;
  message: string;
  issues: FrameIssue[];
}

export interface ChildInfo {
  /** Stable id of the supervised slot; survives respawns and reloads. */
  slot: number;
  pid: number;
  file: string;
}

/** What onChildSpawn reports: a child was started (`respawn: true` when the supervisor restarted it after a crash). */
export type ChildSpawnInfo = ChildInfo & { respawn: boolean };
/** What onChildExit reports: how a child ended (`code` null when a signal ended it; 127 when it never started). */
export type ChildExitInfo = ChildInfo & ChildExit;
/** What onChildGaveUp reports: the supervisor stopped restarting a child after `restarts` restarts within `windowMs`. */
export type ChildGiveUpInfo = ChildInfo & { restarts: number; windowMs: number };

export type ReloadState = 'idle' | 'replacing' | 'settling' | 'retiring' | 'completed' | 'failed';

/**
 * The one internal event map. Every valid frame becomes an event named by its kind;
 * stats, confirmation counting, the master's registry and the reload machine all
 * listen here — nothing reads frames any other way.
 */
export type RuntimeEvents = {
  public: FrameOf<'public'>;
  private: FrameOf<'private'>;
  group: FrameOf<'group'>;
  any: FrameOf<'any'>;
  request: FrameOf<'request'>;
  reply: FrameOf<'reply'>;
  kill: FrameOf<'kill'>;
  confirmation: FrameOf<'confirmation'>;
  register: FrameOf<'register'>;
  deregister: FrameOf<'deregister'>;
  heartbeat: FrameOf<'heartbeat'>;
  clusterInfoRequest: FrameOf<'clusterInfoRequest'>;
  clusterInfoReply: FrameOf<'clusterInfoReply'>;
  announce: FrameOf<'announce'>;
  membership: FrameOf<'membership'>;
  statusRequest: FrameOf<'statusRequest'>;
  statusReply: FrameOf<'statusReply'>;
  command: FrameOf<'command'>;
  commandReply: FrameOf<'commandReply'>;
  rejected: RejectedFrame;
  /** Frames a sender numbered never arrived. */
  missed: { from: Meta; channel: string; missed: number };
  /** A frame this process emitted was not sent (offline queue full or timed out, closed). */
  unsent: { kind: Frame['kind']; error: Error };
  connection: ConnectionChange;
  emitted: Frame;
  confirmed: { identifier: string; metas: Meta[] };
  listenerError: { listener: string; error: unknown };
  childSpawned: ChildSpawnInfo;
  childExited: ChildExitInfo;
  childGaveUp: ChildGiveUpInfo;
  /** A clustr IPC message from a child (e.g. `serving`, `draining` from serveHttp). */
  childMessage: { slot: number; pid: number; message: IpcMessage };
  reloadState: { from: ReloadState; to: ReloadState; slot?: number };
  // ---- issue 13: health, the watchdog, operator commands ----
  /** The watchdog killed a child that sent no heartbeat for `silentMs`. */
  childHung: ChildInfo & { silentMs: number };
  /** A rolling reload replaced one child (`from` retired, `to` ready). */
  reloadReplaced: { slot: number; from: number; to: number };
};
