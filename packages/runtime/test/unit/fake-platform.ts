// A bare Platform for tests that need to see exactly what the runtime asks of the
// process boundary (spawn specs, signal handlers, exits), without a simulated OS.
import { FakeRedis, FakeRedisServer, ManualClock } from '@clustr/testkit';
import type { ChildExit, Platform, RedisLike, Signal, SpawnSpec } from '../../src';

export interface FakeChild {
  readonly spec: SpawnSpec;
  readonly pid: number;
  /** Signals the runtime sent it. */
  readonly signals: Signal[];
  /** Ends the child as the OS would report it. */
  exit(exit: ChildExit): void;
}

export interface FakePlatformOptions {
  argv?: string[];
  env?: Record<string, string>;
  files?: string[];
  executables?: string[];
  cpus?: number;
  /** Children ignore SIGTERM (only SIGKILL ends them). Default: SIGTERM and SIGINT end a child at once. */
  stubborn?: boolean;
}

export interface FakePlatform {
  platform: Platform;
  clock: ManualClock;
  server: FakeRedisServer;
  children: FakeChild[];
  /** Installed signal handlers by signal. */
  signalHandlers: Map<string, Set<() => void>>;
  exits: number[];
}

export function fakePlatform(options: FakePlatformOptions = {}): FakePlatform {
  const clock = new ManualClock();
  const server = new FakeRedisServer();
  const children: FakeChild[] = [];
  const signalHandlers = new Map<string, Set<() => void>>();
  const exits: number[] = [];
  const files = new Set(options.files ?? []);
  const executables = new Set(options.executables ?? ['node', 'bash', 'taskset']);
  let nextPid = 500;
  const platform: Platform = {
    pid: 100,
    ppid: 1,
    argv: options.argv ?? [],
    env: { PATH: '/usr/bin', ...options.env },
    execPath: '/usr/bin/node',
    execArgv: ['--import', 'tsx'],
    baseDir: '/srv/app',
    clock: clock.view(),
    spawn(spec) {
      const pid = nextPid++;
      const listeners: Array<(exit: ChildExit) => void> = [];
      let ended: ChildExit | undefined;
      const child: FakeChild = {
        spec,
        pid,
        signals: [],
        exit(exit) {
          if (ended) return;
          ended = exit;
          for (const listener of listeners.splice(0)) listener(exit);
        },
      };
      children.push(child);
      return {
        pid,
        onExit(listener) {
          if (ended) listener(ended);
          else listeners.push(listener);
        },
        kill(signal) {
          child.signals.push(signal);
          const alive = ended === undefined;
          if (alive && (signal === 'SIGKILL' || !options.stubborn)) queueMicrotask(() => child.exit({ code: null, signal }));
          return alive;
        },
        // No IPC in this platform: its children are only spawned, signalled and ended.
        send: () => Promise.resolve(false),
        onMessage: () => undefined,
      };
    },
    exit(code) {
      exits.push(code);
    },
    onSignal(signal, handler) {
      let set = signalHandlers.get(signal);
      if (!set) signalHandlers.set(signal, (set = new Set()));
      set.add(handler);
      return () => set.delete(handler);
    },
    watchParent: () => () => undefined,
    createRedis: () => new FakeRedis({ server }) as unknown as RedisLike,
    fileExists: (path) => files.has(path),
    findExecutable: (name) => (executables.has(name) ? `/usr/bin/${name}` : undefined),
    cpuCount: () => options.cpus ?? 4,
    write: () => undefined,
    signalPid: () => false,
    parentChannel: () => undefined,
    hostname: 'fakehost',
    memoryUsage: () => ({ rss: 50_000_000, heapUsed: 10_000_000, heapTotal: 20_000_000 }),
    cpuTime: () => 0,
    monitorLoopDelay: () => ({ take: () => ({ p50: 0, p99: 0, max: 0 }), stop: () => undefined }),
  };
  return { platform, clock, server, children, signalHandlers, exits };
}

/** Lets queued promise jobs and FakeRedis deliveries run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((done) => setImmediate(done));
}

/** Moves the manual clock forward by `ms`, firing due timers in order and flushing after each. */
export async function advance(clock: ManualClock, ms: number): Promise<void> {
  const target = clock.now() + ms;
  await flush();
  while (clock.fireNext(target)) await flush();
  clock.set(target);
  await flush();
}
