import { isAbsolute, resolve } from 'node:path';
import {
  ClusterClient,
  Master,
  Worker,
  nodePlatform,
  type ClusterClientOptions,
  type ChildExit,
  type ChildHandle,
  type Clock,
  type IpcMessage,
  type MasterOptions,
  type Platform,
  type RedisLike,
  type Signal,
  type SpawnSpec,
  type WorkerOptions,
} from '@clustr/runtime';
import type { MessageSchemas } from '@clustr/protocol';
import { FakeRedis, FakeRedisServer } from '../fake-redis';
import { ManualClock } from './manual-clock';

/** What a simulated program gets instead of `process`. */
export interface ProgramContext {
  readonly pid: number;
  readonly parentPid: number;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The in-process platform; pass it as the `platform` option of Master/Worker.create. */
  readonly platform: Platform;
  /** Worker.create with this process's platform; the harness keeps the instance so tests can reach it. */
  createWorker<S extends MessageSchemas = MessageSchemas>(options: WorkerOptions<S>): Worker<S>;
}

/** The body of a simulated script: what its file would run at start. */
export type Program = (context: ProgramContext) => void;

export type SimState = 'running' | 'exited';

/** One simulated OS process. */
export interface SimProcess {
  readonly pid: number;
  readonly parentPid: number;
  readonly file: string | undefined;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Master or Worker the program created, once it has. */
  instance: Master | Worker | undefined;
  state: SimState;
  exit: ChildExit | undefined;
  /** The CPU a `cpu` option pinned it to (through taskset). */
  cpu: number | undefined;
}

/**
 * How simulated time moves.
 * - `'auto'`: by itself, whenever the cluster is idle. Once every pending delivery and
 *   promise has run, the next due timer fires (at once, in simulated time). A test
 *   simply awaits `worker.emitReady()`, `fetchClusterInfo()` or a kill, with any runner.
 * - `'manual'`: only when the test moves it (`advance`, `until`), for tests that look at
 *   the cluster between two timers.
 */
export type ClockMode = 'auto' | 'manual';

export interface TestClusterOptions {
  /** How simulated time moves: by itself when the cluster is idle, or only through `advance`/`until`. Default `'auto'`. */
  clock?: ClockMode;
  /** Scripts by path (relative to `baseDir`). More can be added with `program()`. */
  programs?: Record<string, Program>;
  /** Directory relative spawn files resolve against. Default `/app`. */
  baseDir?: string;
  /** Namespace handed to processes through the environment. Default: a fresh one per cluster. */
  namespace?: string;
  /** CPUs the simulated machine has. Default `2`. */
  cpus?: number;
  /** Programs on the simulated PATH. Default `node`, `bash`, `taskset`. */
  executables?: string[];
  /** The in-memory Redis; default a new one per cluster. */
  server?: FakeRedisServer;
  /** First pid handed out. Default `1000`. */
  firstPid?: number;
}

let clusterCount = 0;

/**
 * A whole clustr cluster in one process, on FakeRedis, with spawn, exit,
 * signals, parent death and timers simulated. Time is simulated: it moves when
 * the cluster is idle (the default, `clock: 'auto'`) or only when the test moves
 * it (`clock: 'manual'`: `advance`, `until`). Timers fire in a fixed order, so
 * every run is the same.
 */
export class TestCluster {
  readonly server: FakeRedisServer;
  readonly clock: ManualClock;
  /** How simulated time moves. */
  readonly clockMode: ClockMode;
  readonly baseDir: string;
  readonly namespace: string;
  /** Every line simulated processes wrote through the platform. */
  readonly output: Array<{ pid: number; stream: 'stdout' | 'stderr'; text: string }> = [];

  private readonly programs = new Map<string, Program>();
  /** Real work under way that simulated time must not run ahead of: shared sockets being put into the listening state. */
  private readonly realWork = new Set<Promise<unknown>>();
  private readonly sims = new Map<number, InternalSim>();
  private nextPid: number;
  private readonly cpus: number;
  private readonly executables: Set<string>;
  /** The automatic clock's loop is running. */
  private pumping = false;
  /** advance() or until() calls in progress: they move time themselves, so the pump waits. */
  private driving = 0;
  private closed = false;

  constructor(options: TestClusterOptions = {}) {
    this.clockMode = options.clock ?? 'auto';
    if (this.clockMode !== 'auto' && this.clockMode !== 'manual') {
      throw new Error(`createTestCluster: clock must be 'auto' or 'manual'; got ${JSON.stringify(options.clock)}`);
    }
    this.clock = new ManualClock(undefined, () => this.startPump());
    // Reconnect delays and delayed channels follow the simulated clock too.
    this.server = options.server ?? new FakeRedisServer({ timers: this.clock.view() });
    this.baseDir = options.baseDir ?? '/app';
    this.namespace = options.namespace ?? `test-${++clusterCount}`;
    this.nextPid = options.firstPid ?? 1000;
    this.cpus = options.cpus ?? 2;
    this.executables = new Set(options.executables ?? ['node', 'bash', 'taskset']);
    for (const [file, program] of Object.entries(options.programs ?? {})) this.program(file, program);
  }

  /** Registers the script `file` (relative to baseDir) so spawn() can start it. */
  program(file: string, program: Program): this {
    this.programs.set(this.resolve(file), program);
    return this;
  }

  /** Creates the master in its own simulated process. */
  createMaster<S extends MessageSchemas = MessageSchemas>(options: Omit<MasterOptions<S>, 'platform'> = {}, argv: string[] = []): Master<S> {
    const sim = this.createSim({ parentPid: 1, file: undefined, argv, env: { CLUSTR_NAMESPACE: this.namespace }, cpu: undefined });
    const master = Master.create<S>({ ...options, platform: sim.platform } as MasterOptions<S>);
    sim.instance = master as unknown as Master;
    return master;
  }

  /** Creates a worker in its own simulated process, as if a parent with pid `parentPid` had spawned it. */
  createWorker<S extends MessageSchemas = MessageSchemas>(options: Omit<WorkerOptions<S>, 'platform'>, parent?: { pid: number; masterPid?: number }): Worker<S> {
    const parentPid = parent?.pid ?? 1;
    const env: Record<string, string> = { CLUSTR_NAMESPACE: this.namespace, CLUSTR_PARENT_PID: String(parentPid) };
    if (parent?.masterPid !== undefined) env['CLUSTR_MASTER_PID'] = String(parent.masterPid);
    const sim = this.createSim({ parentPid, file: undefined, argv: [], env, cpu: undefined });
    return sim.context.createWorker(options as WorkerOptions<S>);
  }

  /**
   * Connects a ClusterClient — what the `clustr` command and deploy scripts use —
   * from a simulated process of its own: status, cluster info, reload, stop,
   * publish and tail against this cluster.
   */
  createClient(options: Omit<ClusterClientOptions, 'platform'> = {}): Promise<ClusterClient> {
    const sim = this.createSim({ parentPid: 1, file: undefined, argv: [], env: { CLUSTR_NAMESPACE: this.namespace }, cpu: undefined });
    return ClusterClient.connect({ ...options, platform: sim.platform });
  }

  /** The simulated process `pid`. Throws when there is none. */
  process(pid: number): SimProcess {
    const sim = this.sims.get(pid);
    if (!sim) throw new Error(`no simulated process with pid ${pid}`);
    return sim;
  }

  /** The Worker running as `pid`. */
  worker(pid: number): Worker {
    const instance = this.process(pid).instance;
    if (!(instance instanceof Worker)) throw new Error(`pid ${pid} runs no Worker`);
    return instance;
  }

  /**
   * The FakeRedis clients process `pid` created, in the order it created them (a
   * clustr process: publisher, then subscriber), for faults aimed at one process:
   * `cluster.redisClients(pid)[1]!.dropConnection({ reconnect: 'manual' })`.
   */
  redisClients(pid: number): readonly FakeRedis[] {
    const sim = this.sims.get(pid);
    if (!sim) throw new Error(`no simulated process with pid ${pid}`);
    return [...sim.clients];
  }

  /** Every simulated process ever started, in pid order. */
  get processes(): SimProcess[] {
    return [...this.sims.values()];
  }

  /** Pids of processes still running. */
  alivePids(): number[] {
    return this.processes.filter((p) => p.state === 'running').map((p) => p.pid);
  }

  /**
   * Blocks the event loop of process `pid`, as a synchronous endless loop would:
   * its timers (heartbeats among them) and signal handlers wait until resume();
   * SIGKILL still ends it. Messages still reach its handlers.
   */
  hang(pid: number): void {
    const sim = this.sims.get(pid);
    if (!sim) throw new Error(`no simulated process with pid ${pid}`);
    sim.hung = true;
    this.clock.hold(pid);
  }

  /** Unblocks a process hang() blocked: overdue timers fire, held signals are handled. */
  resume(pid: number): void {
    const sim = this.sims.get(pid);
    if (!sim) throw new Error(`no simulated process with pid ${pid}`);
    sim.hung = false;
    this.clock.release(pid);
    for (const signal of sim.heldSignals.splice(0)) this.signal(pid, signal);
    this.startPump();
  }

  /** Delivers a signal as the OS would: to the handlers, or the default action (death) when there are none. */
  signal(pid: number, signal: Signal): boolean {
    const sim = this.sims.get(pid);
    if (!sim || sim.state !== 'running') return false;
    if (signal === 'SIGKILL') {
      this.die(sim, { code: null, signal: 'SIGKILL' });
      return true;
    }
    if (sim.hung) {
      // A blocked event loop handles nothing; the signal waits, as the kernel keeps it pending.
      sim.heldSignals.push(signal);
      return true;
    }
    const handlers = sim.signals.get(signal);
    if (handlers && handlers.size > 0) {
      queueMicrotask(() => {
        if (sim.state === 'running') for (const handler of [...handlers]) handler();
      });
    } else {
      queueMicrotask(() => this.die(sim, { code: null, signal }));
    }
    return true;
  }

  /**
   * Lets every pending delivery and promise chain run, without moving time. Real work the
   * cluster started (a shared socket's listen helper, tens of milliseconds) is waited for too,
   * so no simulated timer fires while a master is still waiting for its socket to listen.
   */
  async settle(): Promise<void> {
    while (this.realWork.size > 0) await Promise.allSettled([...this.realWork]);
    for (let i = 0; i < 5; i++) await new Promise<void>((done) => setImmediate(done));
  }

  /** The real listen helper, tracked by settle(). */
  private listenShared(fd: number): Promise<number> {
    const work = nodePlatform().listenShared!(fd);
    this.realWork.add(work);
    const done = () => this.realWork.delete(work);
    work.then(done, done);
    return work;
  }

  /** Moves time forward by `ms`, firing due timers in order and settling after each. */
  async advance(ms: number): Promise<void> {
    await this.drive(async () => {
      const target = this.clock.now() + ms;
      await this.settle();
      while (this.clock.fireNext(target)) await this.settle();
      this.clock.set(target);
      await this.settle();
    });
  }

  /**
   * Moves time forward until `predicate` holds, firing timers in order.
   * Throws when it still does not hold after `maxMs` of simulated time.
   */
  async until(predicate: () => boolean, maxMs = 120_000): Promise<void> {
    await this.drive(async () => {
      const limit = this.clock.now() + maxMs;
      await this.settle();
      while (!predicate()) {
        const due = this.clock.nextDue();
        if (due === undefined || due > limit) {
          throw new Error(`TestCluster.until: condition still false after ${maxMs} ms of simulated time (${due === undefined ? 'no timers pending' : 'next timer too late'})`);
        }
        this.clock.fireNext(due);
        await this.settle();
      }
    });
  }

  /**
   * Ends every simulated process still running (SIGKILL) and closes their connections.
   * It also stops the automatic clock: nothing of the cluster runs after it.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const sim of [...this.sims.values()].reverse()) if (sim.state === 'running') this.die(sim, { code: null, signal: 'SIGKILL' });
    await this.settle();
  }

  /** The automatic clock is moving time (or waiting for the cluster to go idle to do so). */
  get autoClockRunning(): boolean {
    return this.pumping;
  }

  /** Runs a step that moves time itself; the automatic clock holds still meanwhile. */
  private async drive(step: () => Promise<void>): Promise<void> {
    this.driving++;
    try {
      await step();
    } finally {
      this.driving--;
      this.startPump();
    }
  }

  /**
   * The automatic clock: each time the cluster is idle (a settle() passes, so every
   * delivery and promise chain has run), the next due timer fires. It runs only
   * while timers are pending, so a cluster with nothing scheduled holds nothing
   * open, and stops for good at close().
   */
  private startPump(): void {
    if (this.clockMode !== 'auto' || this.pumping || this.closed || this.driving > 0) return;
    this.pumping = true;
    void (async () => {
      try {
        for (;;) {
          await this.settle();
          if (this.closed || this.driving > 0) return;
          const due = this.clock.nextDue();
          // Background timers (heartbeats, the watchdog) alone do not move time, as unref'd timers keep no Node process alive.
          if (due === undefined || !this.clock.hasForeground()) return;
          this.clock.fireNext(due);
        }
      } finally {
        this.pumping = false;
      }
    })();
  }

  private resolve(file: string): string {
    return isAbsolute(file) ? file : resolve(this.baseDir, file);
  }

  private createSim(init: { parentPid: number; file: string | undefined; argv: string[]; env: Record<string, string | undefined>; cpu: number | undefined; ipc?: boolean }): InternalSim {
    const pid = this.nextPid++;
    const sim: InternalSim = {
      pid,
      parentPid: init.parentPid,
      file: init.file,
      argv: init.argv,
      env: init.env,
      cpu: init.cpu,
      instance: undefined,
      state: 'running',
      exit: undefined,
      signals: new Map(),
      exitListeners: [],
      parentWatchers: new Set(),
      ipc: init.ipc ?? false,
      fromParent: new Set(),
      toParent: [],
      clients: [],
      hung: false,
      heldSignals: [],
      platform: undefined as unknown as Platform,
      context: undefined as unknown as ProgramContext,
    };
    sim.platform = {
      pid,
      ppid: init.parentPid,
      argv: init.argv,
      env: init.env,
      execPath: '/usr/bin/node',
      execArgv: [],
      baseDir: this.baseDir,
      clock: this.processClock(sim),
      spawn: (spec) => this.spawnFrom(sim, spec),
      exit: (code) => this.die(sim, { code, signal: null }),
      onSignal(signal, handler) {
        let set = sim.signals.get(signal);
        if (!set) sim.signals.set(signal, (set = new Set()));
        set.add(handler);
        return () => set!.delete(handler);
      },
      watchParent: (parentPid, onGone) => {
        sim.parentWatchers.add(onGone);
        // A parent that is already gone is reported at once, as the real platform does.
        const parent = this.sims.get(parentPid);
        if (parent !== undefined && parent.state !== 'running') queueMicrotask(() => sim.parentWatchers.has(onGone) && onGone());
        return () => sim.parentWatchers.delete(onGone);
      },
      createRedis: () => {
        const client = new FakeRedis({ server: this.server });
        sim.clients.push(client);
        return client satisfies RedisLike;
      },
      fileExists: (path) => this.programs.has(path),
      findExecutable: (name) => (this.executables.has(name) ? `/usr/bin/${name}` : undefined),
      cpuCount: () => this.cpus,
      write: (stream, text) => {
        this.output.push({ pid, stream, text });
      },
      signalPid: (target, signal) => (signal === 0 ? this.sims.get(target)?.state === 'running' : this.signal(target, signal)),
      parentChannel: (parentPid) => {
        if (!sim.ipc || sim.parentPid !== parentPid) return undefined;
        const parentRunning = () => this.sims.get(parentPid)?.state === 'running';
        return {
          send: (message) => {
            if (sim.state !== 'running' || !parentRunning()) return false;
            queueMicrotask(() => sim.toParent.forEach((listener) => listener(message)));
            return true;
          },
          onMessage: (listener) => {
            sim.fromParent.add(listener);
            return () => sim.fromParent.delete(listener);
          },
          // The channel closes when the parent exits, as Node's 'disconnect'.
          onClose: (listener) => {
            const parent = this.sims.get(parentPid);
            let on = true;
            if (parent === undefined || parent.state !== 'running') queueMicrotask(() => on && listener());
            else parent.exitListeners.push(() => on && listener());
            return () => {
              on = false;
            };
          },
        };
      },
      // Health figures are fixed: a simulated process uses no CPU and never waits for its loop.
      hostname: 'testkit',
      memoryUsage: () => ({ rss: 64 * 1024 * 1024, heapUsed: 16 * 1024 * 1024, heapTotal: 32 * 1024 * 1024 }),
      cpuTime: () => 0,
      monitorLoopDelay: () => ({ take: () => ({ p50: 0, p99: 0, max: 0 }), stop: () => undefined }),
      // The socket master.listen() binds is a real one: it listens for real, as it would in production.
      listenShared: (fd) => this.listenShared(fd),
    };
    sim.context = {
      pid,
      parentPid: init.parentPid,
      argv: init.argv,
      env: init.env,
      platform: sim.platform,
      createWorker<S extends MessageSchemas = MessageSchemas>(options: WorkerOptions<S>): Worker<S> {
        const worker = Worker.create<S>({ ...options, platform: sim.platform });
        sim.instance = worker as unknown as Worker;
        return worker;
      },
    };
    this.sims.set(pid, sim);
    return sim;
  }

  private spawnFrom(parent: InternalSim, spec: SpawnSpec): ChildHandle {
    let args = [...spec.args];
    let cpu: number | undefined;
    if (spec.command === 'taskset') {
      cpu = Number(args[1]);
      args = args.slice(3);
    }
    const file = args.find((arg) => this.programs.has(arg));
    const sim = this.createSim({
      parentPid: parent.pid,
      ipc: spec.ipc,
      file,
      argv: file === undefined ? [] : args.slice(args.indexOf(file) + 1),
      env: spec.env,
      cpu,
    });
    const program = file === undefined ? undefined : this.programs.get(file);
    queueMicrotask(() => {
      if (sim.state !== 'running') return;
      if (!program) {
        this.die(sim, { code: 127, signal: null });
        return;
      }
      try {
        program(sim.context);
      } catch (error) {
        this.output.push({ pid: sim.pid, stream: 'stderr', text: `uncaught: ${(error as Error).stack ?? String(error)}\n` });
        this.die(sim, { code: 1, signal: null });
      }
    });
    return {
      pid: sim.pid,
      onExit(listener) {
        // A dead parent hears nothing: without this, close() (children die first) let dead
        // parents schedule respawns that later started new processes.
        const deliver = (exit: ChildExit) => {
          if (parent.state === 'running') listener(exit);
        };
        if (sim.exit) deliver(sim.exit);
        else sim.exitListeners.push(deliver);
      },
      kill: (signal) => this.signal(sim.pid, signal),
      // IPC as between a Node parent and child: asynchronous, only while the child runs; a socket is passed as it is.
      send: (message, socket) =>
        new Promise<boolean>((resolve) => {
          if (!sim.ipc || sim.state !== 'running') {
            resolve(false);
            return;
          }
          queueMicrotask(() => {
            for (const listener of [...sim.fromParent]) listener(message, socket);
            resolve(true);
          });
        }),
      onMessage: (listener) => {
        sim.toParent.push((message) => {
          if (parent.state === 'running') listener(message);
        });
      },
    };
  }

  /** The clock of one process: its timers die with it, and a dead process cannot set new ones. */
  private processClock(sim: InternalSim): Clock {
    const view = this.clock.view(sim.pid);
    return {
      now: view.now,
      setTimeout: (callback, ms) => (sim.state === 'running' ? view.setTimeout(callback, ms) : { id: -1 }),
      clearTimeout: view.clearTimeout,
      unref: (handle) => view.unref?.(handle),
    };
  }

  private die(sim: InternalSim, exit: ChildExit): void {
    if (sim.state !== 'running') return;
    sim.state = 'exited';
    sim.exit = exit;
    this.clock.cancelOwner(sim.pid);
    for (const client of sim.clients) client.disconnect();
    sim.signals.clear();
    queueMicrotask(() => {
      for (const listener of sim.exitListeners.splice(0)) listener(exit);
      for (const child of this.sims.values()) {
        if (child.parentPid === sim.pid && child.state === 'running') for (const watcher of [...child.parentWatchers]) watcher();
      }
    });
  }
}

interface InternalSim extends SimProcess {
  /** hang(): timers and signal handlers wait. */
  hung: boolean;
  heldSignals: Signal[];
  signals: Map<string, Set<() => void>>;
  exitListeners: Array<(exit: ChildExit) => void>;
  parentWatchers: Set<() => void>;
  /** Spawned with an IPC channel (a Node child): what travels on it, each way. */
  ipc: boolean;
  fromParent: Set<(message: IpcMessage, socket: unknown) => void>;
  toParent: Array<(message: IpcMessage) => void>;
  clients: FakeRedis[];
  platform: Platform;
  context: ProgramContext;
}

/** A TestCluster with fresh FakeRedis, clock and namespace. Time moves by itself when idle unless `clock: 'manual'`. */
export function createTestCluster(options: TestClusterOptions = {}): TestCluster {
  return new TestCluster(options);
}
