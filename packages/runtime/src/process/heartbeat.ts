import { ClustrError, type Health } from '@clustr/protocol/core';
import type { LoopDelayMonitor, Platform, TimerHandle } from '../platform/platform';
import type { Stats } from './stats';

/** Milliseconds between two heartbeats when nothing is configured. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 2_000;
/** Heartbeats missed before a process counts as hung, when heartbeatTimeout is not set. */
export const HEARTBEATS_BEFORE_HUNG = 3;
/** A timeout shorter than this many of a process's own intervals would call a healthy process hung. */
const MIN_INTERVALS_BEFORE_HUNG = 2;

/** The heartbeat settings of one process, with their defaults and what its parent handed down applied. */
export interface HeartbeatSettings {
  interval: number;
  /** Set when configured (here or by an ancestor); otherwise each process's own interval decides. */
  timeout: number | undefined;
}

function fromEnv(env: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new ClustrError('CLUSTR_INVALID_OPTION', `${name} must be a whole number of milliseconds of at least 1; got ${JSON.stringify(raw)}.`, { field: name });
  return value;
}

/** `heartbeatInterval` / `heartbeatTimeout`, else what the parent handed down (CLUSTR_HEARTBEAT_*), else the defaults. */
export function resolveHeartbeat(options: { heartbeatInterval?: number; heartbeatTimeout?: number }, env: Readonly<Record<string, string | undefined>>): HeartbeatSettings {
  const interval = options.heartbeatInterval ?? fromEnv(env, 'CLUSTR_HEARTBEAT_INTERVAL') ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
  const timeout = options.heartbeatTimeout ?? fromEnv(env, 'CLUSTR_HEARTBEAT_TIMEOUT');
  if (timeout !== undefined && timeout < MIN_INTERVALS_BEFORE_HUNG * interval) {
    const field = options.heartbeatTimeout !== undefined ? 'heartbeatTimeout' : 'CLUSTR_HEARTBEAT_TIMEOUT';
    throw new ClustrError('CLUSTR_INVALID_OPTION', `${field} (${timeout} ms) must be at least ${MIN_INTERVALS_BEFORE_HUNG} heartbeat intervals (${MIN_INTERVALS_BEFORE_HUNG * interval} ms), or one late heartbeat would count as a hang.`, { field });
  }
  return { interval, timeout };
}

/** What children inherit, so one setting on the master holds for the whole tree. */
export function heartbeatEnv(settings: HeartbeatSettings): Record<string, string> {
  return { CLUSTR_HEARTBEAT_INTERVAL: String(settings.interval), ...(settings.timeout === undefined ? {} : { CLUSTR_HEARTBEAT_TIMEOUT: String(settings.timeout) }) };
}

/**
 * How long a process that beats every `interval` ms may stay silent before it
 * counts as hung: the configured timeout, else three of its intervals; never less
 * than two of them (a child may beat slower than its parent expects).
 */
export function hungAfter(interval: number, configured: number | undefined): number {
  return Math.max(configured ?? HEARTBEATS_BEFORE_HUNG * interval, MIN_INTERVALS_BEFORE_HUNG * interval);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Largest number of counters (and of entries per nested counter) the Health schema takes. */
const MAX_COUNTERS = 64;

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/**
 * The stats as the Health schema takes them: whole non-negative counts, or records of
 * them, at most 64 of each. A figure of another shape is left out rather than sent:
 * the master would drop the whole heartbeat as invalid, and the process would look silent.
 */
export function countersOf(stats: object): Health['stats'] {
  const counters: Health['stats'] = {};
  for (const [key, value] of Object.entries(stats).slice(0, MAX_COUNTERS)) {
    if (isCount(value)) counters[key] = value;
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      counters[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).filter((entry): entry is [string, number] => isCount(entry[1])).slice(0, MAX_COUNTERS));
    }
  }
  return counters;
}

export interface HeartbeatDeps {
  platform: Platform;
  interval: number;
  stats: Stats;
  /** How many times this process's parent restarted its slot (CLUSTR_RESTARTS). */
  restarts: number;
  /** Publishes one heartbeat; only called while the connection is ready. */
  send(health: Health): void;
  /** False while Redis is away: a heartbeat queued for later says nothing about now. */
  isConnected(): boolean;
}

/**
 * Health figures of this process, sampled every `interval` ms and sent as a
 * heartbeat once started: uptime, memory, CPU and event-loop delay since the
 * previous beat, stats counters and restarts. Figures cover the time since the
 * previous sample, so every beat (and the master's own samples) starts a new window.
 */
export class Heartbeat {
  private readonly startedAt: number;
  private readonly loop: LoopDelayMonitor;
  private lastCpu: number;
  private lastAt: number;
  private timer: TimerHandle | undefined;
  private parentPid: number | undefined;
  private stopped = false;

  constructor(private readonly deps: HeartbeatDeps) {
    const { platform } = deps;
    this.startedAt = platform.clock.now();
    this.lastAt = this.startedAt;
    this.lastCpu = platform.cpuTime();
    this.loop = platform.monitorLoopDelay();
  }

  get interval(): number {
    return this.deps.interval;
  }

  /** Sends a heartbeat now and every interval from now on. Idempotent; from registration on, never before. */
  start(parentPid: number): void {
    if (this.stopped || this.timer !== undefined) return;
    this.parentPid = parentPid;
    this.beat();
  }

  /** No more heartbeats; the loop-delay measurement stops. Idempotent. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.deps.platform.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.loop.stop();
  }

  /** The figures since the previous sample; starts a new window. */
  sample(parentPid: number): Health {
    const { platform, stats } = this.deps;
    const now = platform.clock.now();
    const cpu = platform.cpuTime();
    const elapsedMs = now - this.lastAt;
    // µs of CPU per ms of wall time / 10 = percent of one core.
    const cpuPercent = elapsedMs > 0 ? Math.max(0, (cpu - this.lastCpu) / elapsedMs / 10) : 0;
    this.lastAt = now;
    this.lastCpu = cpu;
    const memory = platform.memoryUsage();
    const loop = this.loop.take();
    return {
      parentPid,
      host: platform.hostname,
      startedAt: this.startedAt,
      uptime: Math.max(0, now - this.startedAt),
      interval: this.deps.interval,
      rss: Math.round(memory.rss),
      heapUsed: Math.round(memory.heapUsed),
      heapTotal: Math.round(memory.heapTotal),
      cpu: round(cpuPercent),
      loopP50: round(loop.p50),
      loopP99: round(loop.p99),
      loopMax: round(loop.max),
      restarts: this.deps.restarts,
      stats: countersOf(stats),
    };
  }

  private beat(): void {
    const { clock } = this.deps.platform;
    // The next beat is due before this one goes out: a stop() while it is being sent (the
    // process closing) clears it, rather than leaving a timer behind that nothing clears.
    this.timer = clock.setTimeout(() => this.beat(), this.deps.interval);
    clock.unref?.(this.timer);
    const health = this.sample(this.parentPid!);
    if (this.deps.isConnected()) this.deps.send(health);
  }
}
