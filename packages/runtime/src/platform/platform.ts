import type { RedisLike } from '../transport/redis-like';
import type { RedisTarget } from '../process/redis-target';

/** Signals a clustr process reacts to. */
export type Signal = 'SIGTERM' | 'SIGINT' | 'SIGHUP' | 'SIGKILL';

/** An opaque timer returned by a Clock. */
export type TimerHandle = { readonly __clustrTimer: true } | object;

/** Time, injected so the reload machine and backoff can be stepped in tests. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /**
   * Marks a timer as background work (heartbeats, the watchdog): like Node's
   * `timer.unref()`, it does not keep the process alive, and the testkit's
   * automatic clock does not move time for it alone. Optional: a clock without it
   * treats every timer alike.
   */
  unref?(handle: TimerHandle): void;
}

/** How a spawned child should be started. Built by the supervisor, carried out by the platform. */
export interface SpawnSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Give the child an IPC channel so it notices at once when its parent dies. Node children only. */
  ipc: boolean;
  /** Listening socket file descriptors handed to the child; it sees them from fd 3 (or 4 with ipc) on. */
  inheritFds: number[];
  /** Forward output line by line with a prefix (`prefix`) or let the child write straight to ours (`inherit`). */
  output: 'prefix' | 'inherit';
  /** Names the child in forwarded output; the platform adds the pid. */
  label: string;
}

export interface ChildExit {
  code: number | null;
  signal: string | null;
}

/** A message over the IPC channel between a parent and a Node child; clustr's own carry `clustr`. */
export interface IpcMessage {
  clustr: string;
  [field: string]: unknown;
}

/** A running child as the supervisor sees it. */
export interface ChildHandle {
  readonly pid: number;
  /** Called once, when the child has exited (or failed to start). */
  onExit(listener: (exit: ChildExit) => void): void;
  /** Sends a signal; false when the child is already gone. */
  kill(signal: Signal): boolean;
  /**
   * Sends an IPC message, with a connection (a socket accepted by this process) to hand
   * over; resolves true once sent (the socket then belongs to the child), false when the
   * child has no IPC channel or is gone (the socket stays here).
   */
  send(message: IpcMessage, socket?: unknown): Promise<boolean>;
  /** Calls `listener` with every IPC message the child sends (clustr's own only). */
  onMessage(listener: (message: IpcMessage) => void): void;
}

/** The IPC channel to the process that started this one, when it is a Node parent that gave one. */
export interface ParentChannel {
  /** Sends `message` to the parent; false when the channel is closed (the parent is gone). Never throws. */
  send(message: IpcMessage): boolean;
  /** Calls `listener` with every clustr message from the parent, and the socket handed over with it. Returns a function that stops. */
  onMessage(listener: (message: IpcMessage, socket: unknown) => void): () => void;
  /** Calls `listener` once when the channel closes (the parent exited). Returns a function that stops. */
  onClose(listener: () => void): () => void;
}

/**
 * Every effect that crosses the process boundary comes through here: spawning,
 * exiting, signals, parent-death detection, timers, Redis clients, the file
 * system and output. `nodePlatform()` is the real one; @clustr/testkit provides
 * an in-process one so clusters can be unit-tested without processes.
 */
export interface Platform {
  readonly pid: number;
  /** The parent's pid at start. */
  readonly ppid: number;
  /** Command-line arguments after the script, as `process.argv.slice(2)`. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The runtime children are started with by default (`process.execPath`). */
  readonly execPath: string;
  /** Flags children inherit by default (`process.execArgv` without `-e`/`-p` and their code: loaders such as tsx carry over). */
  readonly execArgv: readonly string[];
  /** Directory spawn() resolves relative files against: the directory of the main script. */
  readonly baseDir: string;
  readonly clock: Clock;
  /** Starts a child. Never throws: a child that cannot start is reported as exiting with 127. */
  spawn(spec: SpawnSpec): ChildHandle;
  /** Ends this process. In-process platforms return; callers must not continue after it. */
  exit(code: number): void;
  /** Installs a signal handler; returns a function that removes it. */
  onSignal(signal: Exclude<Signal, 'SIGKILL'>, handler: () => void): () => void;
  /**
   * Calls `onGone` once when the clustr parent `parentPid` is gone, or the process
   * that started this one (`ppid`; a wrapper such as a shell script when there is
   * one between them) — also when either died before watching started. Returns a
   * function that stops watching.
   */
  watchParent(parentPid: number, onGone: () => void): () => void;
  /** Creates a Redis client for a URL or connection options (ioredis by default). */
  createRedis(target: RedisTarget): RedisLike;
  fileExists(path: string): boolean;
  /** Absolute path of an executable on PATH, or undefined. */
  findExecutable(name: string): string | undefined;
  cpuCount(): number;
  write(stream: 'stdout' | 'stderr', text: string): void;
  /** Sends a signal to any pid; false when it does not exist. `0` only checks. */
  signalPid(pid: number, signal: Signal | 0): boolean;
  /**
   * The IPC channel to `parentPid`, when this process was started by it directly with one
   * (a Node child of a clustr process); undefined otherwise (a wrapper sits between them,
   * or the parent is not Node).
   */
  parentChannel(parentPid: number): ParentChannel | undefined;

  // ---- health and the private Redis -----------------------------------------------------
  /** This machine's name, as heartbeats report it. */
  readonly hostname: string;
  /** This process's memory, in bytes (`process.memoryUsage()`). */
  memoryUsage(): MemoryFigures;
  /** CPU time this process has used so far, user and system, in microseconds (`process.cpuUsage()`). */
  cpuTime(): number;
  /** Starts measuring this process's event-loop delay (`perf_hooks.monitorEventLoopDelay`). */
  monitorLoopDelay(): LoopDelayMonitor;
  /**
   * Finds and starts private redis-servers, for a master that was given no Redis
   * and finds none at the default address. Absent where there are no real
   * processes (the testkit): the master then connects to the default address as given.
   */
  readonly redisServer?: RedisServerControl;
  /**
   * Puts a bound TCP socket (descriptor `fd`, the one `master.listen()` shares) into the
   * listening state without accepting on it. Resolves to listen()'s status: 0, or a negative
   * system error number (EADDRINUSE when another socket on the port listened first); rejects
   * when it could not try. nodePlatform runs a short-lived helper process in the background.
   * Absent: the master does the same.
   */
  listenShared?(fd: number): Promise<number>;
}

/** Memory of one process, in bytes. */
export interface MemoryFigures {
  rss: number;
  heapUsed: number;
  heapTotal: number;
}

/** Event-loop delay figures, in ms: how late the loop was to run a callback that was due. */
export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

/** A running event-loop delay measurement. */
export interface LoopDelayMonitor {
  /** The figures since the previous take() (or the start), and starts over. */
  take(): LoopDelay;
  stop(): void;
}

/** A private redis-server this process started. */
export interface PrivateRedis {
  readonly pid: number;
  /** The Unix socket it listens on (it has no TCP port). */
  readonly socket: string;
  /** Stops it (it also stops by itself when this process dies, even by SIGKILL). Idempotent. */
  stop(): void;
}

/** Private redis-servers: one per namespace and user on a machine, on a well-known Unix socket. */
export interface RedisServerControl {
  /** True when anything answers a PING at `target` within `timeoutMs` (an error reply counts: it is a Redis). */
  answers(target: RedisTarget, timeoutMs: number): Promise<boolean>;
  /** The Unix socket the private Redis of `namespace` listens on: the same for every process of this user on this machine, so the `clustr` command finds it. */
  socketPath(namespace: string): string;
  /**
   * Starts redis-server on `socket` only (`--port 0`, no persistence) and resolves
   * once it answers. Rejects with CLUSTR_REDIS_SERVER_MISSING when no redis-server
   * is on PATH.
   */
  start(socket: string): Promise<PrivateRedis>;
}
