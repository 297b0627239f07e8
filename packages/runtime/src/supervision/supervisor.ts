import { basename } from 'node:path';
import type { Emitter } from 'mitt';
import { ClustrError } from '@clustr/protocol/core';
import type { ChildExit, ChildHandle, IpcMessage, Platform, TimerHandle } from '../platform/platform';
import type { ChildInfo, RuntimeEvents } from '../process/events';
import type { Logger } from '../process/logger';
import { renderArgs, CLUSTER_ARG_PREFIX } from '../process/config';
import { resolveDefinition, type ReadyWhen, type SpawnDefinition } from './definition';

/** How a crashing child is restarted, and when the supervisor gives up on it. */
export interface RestartPolicy {
  /** Delay before the first restart, in ms. Default `100`. */
  initialDelay?: number;
  /** Longest delay between restarts, in ms. Default `10000`. */
  maxDelay?: number;
  /** Each restart within the window multiplies the delay by this. Default `2`. */
  factor?: number;
  /** Restarts allowed within `window` before the child is given up and reported. Default `10`. */
  maxRestarts?: number;
  /** The sliding window restarts are counted in, in ms. Default `60000`. */
  window?: number;
}

export const DEFAULT_RESTART_POLICY: Required<RestartPolicy> = {
  initialDelay: 100,
  maxDelay: 10_000,
  factor: 2,
  maxRestarts: 10,
  window: 60_000,
};

/** How many times the parent restarted this child's slot, in the child's environment. */
export const RESTARTS_ENV = 'CLUSTR_RESTARTS';

/** Names the inherited listening socket's descriptor in a child that was handed one. */
export const LISTEN_FD_ENV = 'CLUSTR_LISTEN_FD';
/** How a child handed the socket gets connections: `round-robin` (from the master, over IPC) or `shared` (it accepts). */
export const LISTEN_MODE_ENV = 'CLUSTR_LISTEN_MODE';

export type SlotState = 'pending' | 'running' | 'backoff' | 'stopped' | 'gaveUp' | 'retiring';

const SLOT_TRANSITIONS: Record<SlotState, SlotState[]> = {
  pending: ['running', 'stopped'],
  running: ['backoff', 'stopped', 'gaveUp', 'retiring'],
  backoff: ['running', 'stopped'],
  retiring: ['stopped'],
  stopped: [],
  gaveUp: [],
};

/** A supervised place for one child: it keeps its id across respawns. */
export interface Slot {
  readonly id: number;
  readonly definition: Readonly<SpawnDefinition>;
  readonly file: string;
  /** SpawnDefinition.ready with its default applied. */
  readonly ready: ReadyWhen;
  /** Changed only by Supervisor#setState. */
  state: SlotState;
  child: ChildHandle | undefined;
  /** Pid of the current (or last) child. */
  pid: number;
  restarts: number[];
  /** Times this slot's child was started again after it failed (CLUSTR_RESTARTS in the child's environment). */
  respawns: number;
  timer: TimerHandle | undefined;
  exited: Promise<ChildExit>;
}

export interface SupervisorContext {
  platform: Platform;
  events: Emitter<RuntimeEvents>;
  logger: Logger;
  restart: Required<RestartPolicy>;
  /** How long a child may take to exit after SIGTERM before it is killed with SIGKILL, in ms. */
  stopTimeout: number;
  /** Environment every child gets: the cluster identity. */
  childEnv(): Record<string, string | undefined>;
  /** `--cluster-*` args this process hands down. */
  inheritedArgs: Record<string, unknown>;
  /** Listening sockets handed to every child (master only). */
  inheritFds(): number[];
  /** How children handed the sockets get connections (see Distribution). */
  listenMode(): string;
  /** First launches wait for this (the parent's subscriptions), so no child registers before its parent can hear it. */
  gate: Promise<void>;
}

function atLeast(min: number): (value: unknown, field: string) => void {
  return (value, field) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      throw new ClustrError('CLUSTR_INVALID_OPTION', `${field} must be a number of at least ${min}; got ${typeof value === 'string' ? `the string ${JSON.stringify(value)}` : String(value)}.`, { field });
    }
  };
}

/** The checks of every RestartPolicy key (unknown keys are typos). */
export const RESTART_POLICY_CHECKS: { readonly [K in keyof RestartPolicy]-?: (value: unknown, field: string) => void } = {
  initialDelay: atLeast(0),
  maxDelay: atLeast(1),
  factor: atLeast(1),
  maxRestarts: atLeast(0),
  window: atLeast(1),
};

/** The policy with its defaults; its values were checked with RESTART_POLICY_CHECKS. */
export function validateRestartPolicy(policy: RestartPolicy | undefined): Required<RestartPolicy> {
  const merged = { ...DEFAULT_RESTART_POLICY };
  for (const key of Object.keys(RESTART_POLICY_CHECKS) as Array<keyof RestartPolicy>) {
    const value = policy?.[key];
    if (value === undefined) continue;
    RESTART_POLICY_CHECKS[key](value, `restart.${key}`);
    merged[key] = value;
  }
  return merged;
}

/** Total backoff of `maxRestarts` back-to-back restarts: the least time a crash loop takes to be given up. */
export function backoffSpan(policy: Required<RestartPolicy>): number {
  let total = 0;
  for (let n = 0; n < policy.maxRestarts; n++) total += Math.min(policy.maxDelay, policy.initialDelay * policy.factor ** n);
  return total;
}

/**
 * Starts children and keeps them alive: a child that exits 0 (or has
 * `respawn: false`) stays dead; any other exit is restarted after an
 * exponential backoff, until it has restarted `maxRestarts` times within
 * `window` — then it is given up and reported, never restarted in a hot loop.
 */
export class Supervisor {
  private readonly slotsById = new Map<number, Slot>();
  private nextSlot = 1;
  private stopping = false;

  constructor(private readonly ctx: SupervisorContext) {
    const span = backoffSpan(ctx.restart);
    if (span >= ctx.restart.window) {
      ctx.logger.warn(
        { event: 'restart.never-gives-up', backoffMs: span, windowMs: ctx.restart.window },
        `the restart policy waits ${span} ms over ${ctx.restart.maxRestarts} restarts, longer than its ${ctx.restart.window} ms window: a crash-looping child is never given up`,
      );
    }
  }

  /** Slots that may still run a child: pending, running, in backoff or retiring. Stopped and given-up slots are dropped. */
  get slots(): Slot[] {
    return [...this.slotsById.values()];
  }

  /** Validates every definition first, so a bad one spawns nothing. */
  spawn(definitions: SpawnDefinition[]): Slot[] {
    if (!Array.isArray(definitions)) {
      throw new ClustrError('CLUSTR_INVALID_ARGUMENT', 'spawn() takes an array of definitions, e.g. spawn([{ file: "worker.js" }]).', { field: 'definitions' });
    }
    if (this.stopping) {
      throw new ClustrError('CLUSTR_CLOSED', 'spawn() was called while this process is stopping.');
    }
    const resolved = definitions.map((definition, index) => resolveDefinition(definition, index, this.ctx.platform));
    return resolved.map((r) => this.start(r.definition, r.file));
  }

  /** A fresh slot running the same definition as `slot` (used by the reload). */
  duplicate(slot: Slot): Slot {
    return this.start(slot.definition, slot.file);
  }

  /** Stops one child for good: SIGTERM, then SIGKILL after the stop timeout. Resolves when it has exited. */
  async retire(slot: Slot): Promise<void> {
    this.cancelTimer(slot);
    if (slot.state === 'stopped' || slot.state === 'gaveUp') return;
    if (slot.state === 'pending') {
      this.setState(slot, 'stopped');
      return;
    }
    // Already being stopped (a reload retiring it when stopAll comes): wait for the same exit.
    // A second retiring -> retiring transition threw and made stopAll exit before its children.
    if (slot.state === 'retiring') {
      await slot.exited;
      return;
    }
    this.setState(slot, 'retiring');
    await this.terminate(slot);
  }

  /** No more restarts or spawns from now on; children in backoff stay down. Children still running keep running. */
  freeze(): void {
    this.stopping = true;
    for (const slot of this.slots) this.cancelTimer(slot);
  }

  /** Stops every child (no more restarts) and resolves when all have exited. */
  async stopAll(): Promise<void> {
    this.freeze();
    await Promise.all(this.slots.map((slot) => this.retire(slot)));
  }

  /**
   * Sends SIGKILL to every child alive now and returns their pids. For a process about to
   * exit at once: nothing is awaited and no slot changes state.
   */
  killAll(): number[] {
    const killed: number[] = [];
    for (const slot of this.slots) {
      if (slot.child?.kill('SIGKILL')) killed.push(slot.pid);
    }
    return killed;
  }

  /** Sends an IPC message (with a socket to hand over) to the running child `pid`; false when there is none or it cannot take it. */
  sendTo(pid: number, message: IpcMessage, socket?: unknown): Promise<boolean> {
    const slot = this.slots.find((s) => s.pid === pid && s.child !== undefined);
    return slot?.child === undefined ? Promise.resolve(false) : slot.child.send(message, socket);
  }

  /** Pids of children that are alive now. */
  livePids(): number[] {
    return this.slots.filter((s) => s.child !== undefined).map((s) => s.pid);
  }

  private start(definition: SpawnDefinition, file: string): Slot {
    const slot: Slot = {
      id: this.nextSlot++,
      definition,
      file,
      ready: definition.ready ?? (definition.command === undefined ? 'register' : 'spawn'),
      state: 'pending',
      child: undefined,
      pid: -1,
      restarts: [],
      respawns: 0,
      timer: undefined,
      exited: Promise.resolve({ code: null, signal: null }),
    };
    this.slotsById.set(slot.id, slot);
    void this.ctx.gate.then(() => {
      if (slot.state === 'pending' && !this.stopping) this.launch(slot, false);
    });
    return slot;
  }

  private launch(slot: Slot, respawn: boolean): void {
    const { platform, logger } = this.ctx;
    const definition = slot.definition;
    const args = renderArgs({ ...this.ctx.inheritedArgs, ...clusterOnly(definition.args), ...plainOnly(definition.args) });
    const ownRuntime = definition.command === undefined;
    let command = ownRuntime ? platform.execPath : definition.command!;
    let commandArgs = ownRuntime ? [...platform.execArgv, slot.file, ...args] : [slot.file, ...args];
    if (definition.cpu !== undefined) {
      commandArgs = ['-c', String(definition.cpu), command, ...commandArgs];
      command = 'taskset';
    }
    const fds = this.ctx.inheritFds();
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(platform.env)) if (value !== undefined) env[key] = value;
    Object.assign(env, definition.env);
    // The cluster identity wins over both; undefined removes what this process inherited.
    for (const [key, value] of Object.entries(this.ctx.childEnv())) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    // Only a child handed the socket may be told where it is: inherited from a worker that got
    // one, the variable named an unrelated descriptor of the grandchild (an epoll handle).
    delete env[LISTEN_FD_ENV];
    delete env[LISTEN_MODE_ENV];
    if (fds.length > 0) {
      env[LISTEN_FD_ENV] = String(ownRuntime ? 4 : 3);
      env[LISTEN_MODE_ENV] = this.ctx.listenMode();
    }
    // The child reports it in its heartbeats: only the parent knows how often the slot was restarted.
    if (respawn) slot.respawns++;
    env[RESTARTS_ENV] = String(slot.respawns);
    const child = platform.spawn({
      command,
      args: commandArgs,
      env,
      cwd: platform.baseDir,
      ipc: ownRuntime,
      inheritFds: fds,
      output: definition.output ?? 'prefix',
      label: basename(slot.file),
    });
    slot.child = child;
    slot.pid = child.pid;
    this.setState(slot, 'running');
    const info: ChildInfo = { slot: slot.id, pid: child.pid, file: slot.file };
    slot.exited = new Promise((resolveExit) => child.onExit((exit) => {
      this.onChildExit(slot, child, exit);
      resolveExit(exit);
    }));
    child.onMessage((message) => this.ctx.events.emit('childMessage', { slot: slot.id, pid: child.pid, message }));
    logger.info({ event: respawn ? 'child.respawn' : 'child.spawn', ...info, command }, respawn ? 'respawned child' : 'spawned child');
    this.ctx.events.emit('childSpawned', { ...info, respawn });
  }

  private onChildExit(slot: Slot, child: ChildHandle, exit: ChildExit): void {
    if (slot.child !== child) return;
    slot.child = undefined;
    const info: ChildInfo = { slot: slot.id, pid: child.pid, file: slot.file };
    const { logger, platform, restart } = this.ctx;
    const failed = exit.code !== 0;
    logger[failed && slot.state === 'running' ? 'warn' : 'info']({ event: 'child.exit', ...info, ...exit }, 'child exited');

    // Decide the slot's fate first, so listeners of childExited see where it stands.
    const now = platform.clock.now();
    let delay: number | undefined;
    if (this.stopping || slot.state === 'retiring' || !failed || slot.definition.respawn === false) {
      this.setState(slot, 'stopped');
    } else {
      slot.restarts = slot.restarts.filter((at) => now - at < restart.window);
      if (slot.restarts.length >= restart.maxRestarts) {
        this.setState(slot, 'gaveUp');
      } else {
        delay = Math.min(restart.maxDelay, restart.initialDelay * restart.factor ** slot.restarts.length);
        slot.restarts.push(now);
        this.setState(slot, 'backoff');
      }
    }
    this.ctx.events.emit('childExited', { ...info, ...exit });

    if (slot.state === 'gaveUp') {
      logger.error(
        { event: 'child.giveup', ...info, restarts: slot.restarts.length, windowMs: restart.window },
        `gave up on ${basename(slot.file)}: it failed ${slot.restarts.length} times within ${restart.window} ms`,
      );
      this.ctx.events.emit('childGaveUp', { ...info, restarts: slot.restarts.length, windowMs: restart.window });
      return;
    }
    if (delay === undefined) return;
    logger.info({ event: 'child.backoff', ...info, delayMs: delay }, `restarting in ${delay} ms`);
    slot.timer = platform.clock.setTimeout(() => {
      slot.timer = undefined;
      if (slot.state === 'backoff' && !this.stopping) this.launch(slot, true);
    }, delay);
  }


  /** The only place a slot changes state: checked against SLOT_TRANSITIONS and logged. */
  private setState(slot: Slot, next: SlotState): void {
    const from = slot.state;
    // Stryker disable next-line BlockStatement: unreachable: every transition the supervisor makes is in SLOT_TRANSITIONS; the throw only reports a bug (as the retiring -> retiring one was), so without it nothing reachable changes
    if (!SLOT_TRANSITIONS[from].includes(next)) {
      // Stryker disable next-line StringLiteral: the message of that unreachable throw
      throw new Error(`clustr internal error: slot ${slot.id} state ${from} -> ${next} is not a valid transition`);
    }
    slot.state = next;
    this.ctx.logger.debug({ event: 'slot.state', slot: slot.id, pid: slot.pid, from, to: next }, `slot ${slot.id} ${from} -> ${next}`);
    // A slot that ends here is never started again: keeping it made every exited child and
    // every reload a permanent entry. Whoever still holds it (a reload, retire()) keeps its object.
    if (SLOT_TRANSITIONS[next].length === 0) this.slotsById.delete(slot.id);
  }

  private cancelTimer(slot: Slot): void {
    if (slot.timer !== undefined) {
      this.ctx.platform.clock.clearTimeout(slot.timer);
      slot.timer = undefined;
    }
    if (slot.state === 'backoff') this.setState(slot, 'stopped');
  }

  private async terminate(slot: Slot): Promise<void> {
    const child = slot.child;
    if (!child) return;
    const { platform, logger, stopTimeout } = this.ctx;
    child.kill('SIGTERM');
    let timer: TimerHandle | undefined;
    const timedOut = new Promise<'timeout'>((resolveTimeout) => {
      timer = platform.clock.setTimeout(() => resolveTimeout('timeout'), stopTimeout);
    });
    // Stryker disable next-line ArrowFunction: only 'timeout' is looked at; what the exit's side of the race resolves with changes nothing
    const outcome = await Promise.race([slot.exited.then(() => 'exited' as const), timedOut]);
    if (timer !== undefined) platform.clock.clearTimeout(timer);
    if (outcome === 'timeout') {
      logger.warn({ event: 'child.kill-straggler', slot: slot.id, pid: child.pid, timeoutMs: stopTimeout }, 'child did not exit after SIGTERM; sending SIGKILL');
      child.kill('SIGKILL');
      await slot.exited;
    }
  }
}

function clusterOnly(args: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args ?? {}).filter(([key]) => key.startsWith(CLUSTER_ARG_PREFIX)));
}

function plainOnly(args: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args ?? {}).filter(([key]) => !key.startsWith(CLUSTER_ARG_PREFIX)));
}
