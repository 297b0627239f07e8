import type { Emitter } from 'mitt';
import type { DataOf, FrameOf } from '@clustr/protocol/core';
import type { ReloadState, RuntimeEvents } from '../process/events';
import type { Logger } from '../process/logger';
import type { ReloadResult } from '../reload/reload-machine';

/** The exit code of a master stopped by a `command` frame (`clustr stop`): an operator's stop is a clean end. */
export const COMMAND_STOP_EXIT_CODE = 0;

type Requester = { pid: number; re: string };

export interface CommandDeps {
  events: Emitter<RuntimeEvents>;
  logger: Logger;
  /** True while the master runs (not stopping). */
  running(): boolean;
  /** The rolling reload's state: `idle` unless one is running. */
  reloadState(): ReloadState;
  /** The rolling reload SIGHUP runs. */
  reload(): Promise<ReloadResult>;
  /** The stop SIGTERM runs, with this exit code. */
  stop(code: number): void;
  /** Publishes one progress frame to the requester's private channel; never rejects. */
  reply(to: Requester, data: DataOf<'commandReply'>): Promise<unknown>;
}

/**
 * Operator commands over Redis (`clustr reload`, `clustr stop`): the same
 * rolling reload and stop as SIGHUP and SIGTERM, with progress streamed to the
 * requester's private channel — `accepted`, each `replaced` as it happens, then
 * `reloaded` (ok or not) or `stopped` once every child has exited.
 */
export class Commands {
  /** Who waits for `stopped`; answered just before the master disconnects. */
  private readonly stopWaiters: Requester[] = [];
  private disconnecting = false;

  constructor(private readonly deps: CommandDeps) {
    deps.events.on('command', (frame) => this.handle(frame));
  }

  /** Tells every stop requester the children are gone; bounded by the caller. */
  async beforeDisconnect(code: number): Promise<void> {
    this.disconnecting = true;
    await Promise.all(this.stopWaiters.splice(0).map((to) => this.deps.reply(to, { event: 'stopped', code })));
  }

  private handle(frame: FrameOf<'command'>): void {
    const { action } = frame.data;
    const to = { pid: frame.meta.pid, re: frame.id };
    const { logger } = this.deps;
    logger.info({ event: 'command', action, from: frame.meta.pid }, `received ${action} from pid ${frame.meta.pid}`);
    if (action === 'stop') {
      // A stop already under way (a signal, another `clustr stop`) covers this one too.
      if (this.disconnecting) return void this.deps.reply(to, { event: 'refused', reason: 'the master is disconnecting: its children have stopped already' });
      void this.deps.reply(to, { event: 'accepted', action });
      this.stopWaiters.push(to);
      if (this.deps.running()) this.deps.stop(COMMAND_STOP_EXIT_CODE);
      return;
    }
    if (!this.deps.running()) {
      void this.deps.reply(to, { event: 'refused', reason: 'the master is stopping' });
      return;
    }
    void this.deps.reply(to, { event: 'accepted', action });
    // A reload asked during a reload runs after it: the replacements of the one running are not its own.
    let mine = this.deps.reloadState() === 'idle';
    const started = ({ from }: RuntimeEvents['reloadState']) => {
      if (from === 'idle') mine = true;
    };
    const replaced = ({ from, to: next }: RuntimeEvents['reloadReplaced']) => {
      if (mine) void this.deps.reply(to, { event: 'replaced', from, to: next });
    };
    const off = () => {
      this.deps.events.off('reloadState', started);
      this.deps.events.off('reloadReplaced', replaced);
    };
    this.deps.events.on('reloadState', started);
    this.deps.events.on('reloadReplaced', replaced);
    this.deps.reload().then(
      (result) => {
        off();
        const failure = result.failure === undefined ? {} : { failure: { reason: result.failure.reason, pid: result.failure.pid } };
        void this.deps.reply(to, { event: 'reloaded', ok: result.ok, replaced: result.replaced, ...failure });
      },
      (error: Error) => {
        off();
        void this.deps.reply(to, { event: 'refused', reason: error.message.slice(0, 256) });
      },
    );
  }
}
