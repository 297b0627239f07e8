import { createTestCluster, type TestCluster, type TestClusterOptions } from '@clustr/testkit';
import type { Master, MasterOptions, Worker, WorkerOptions } from '@clustr/runtime';
import { recordingLogger, type RecordingLogger } from './probes';

export { recordingLogger, type LogRecord, type RecordingLogger } from './probes';

/** Runs `fn` and returns what it threw (fails the test when it does not throw). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}


/**
 * What a promise-returning method rejected with. Fails the test when the method
 * throws at the call (the emit contract: promises never throw synchronously) or
 * when its promise resolves.
 */
export async function rejection(fn: () => Promise<unknown>): Promise<any> {
  let promise: Promise<unknown>;
  try {
    promise = fn();
  } catch (error) {
    throw new Error(`expected a rejected promise, but the call threw synchronously: ${String(error)}`);
  }
  if (!(promise instanceof Promise)) throw new Error('expected the call to return a promise');
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** The value of `--name=value` in a simulated argv. */
export function argOf(argv: readonly string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

export interface Started {
  cluster: TestCluster;
  master: Master;
  logger: RecordingLogger;
  /** The workers in spawn order. */
  workers: Worker[];
  /** Each worker's own recording logger, by pid. */
  workerLogs: Map<number, RecordingLogger>;
}

export interface StartOptions {
  /** One worker per entry, in this group. */
  groups: string[];
  master?: Omit<MasterOptions, 'platform' | 'logger'>;
  worker?: Omit<WorkerOptions, 'platform' | 'group'>;
  cluster?: TestClusterOptions;
  /** Runs in each worker right after it is created, before emitReady(). */
  setup?: (worker: Worker) => void;
}

/**
 * A master with one registered worker per group in `groups`, spawned from
 * `worker.js` (group passed as `--group=`). Resolves once all have registered.
 */
export async function startCluster(options: StartOptions): Promise<Started> {
  const cluster = createTestCluster({ clock: 'manual', ...options.cluster });
  const workerLogs = new Map<number, RecordingLogger>();
  cluster.program('worker.js', (ctx) => {
    const log = recordingLogger();
    workerLogs.set(ctx.pid, log);
    const worker = ctx.createWorker({ reloadDelay: 0, logger: log, ...options.worker, group: argOf(ctx.argv, 'group') ?? 'none' });
    options.setup?.(worker);
    void worker.emitReady();
  });
  const logger = recordingLogger();
  const master = cluster.createMaster({ reloadDelay: 0, ...options.master, logger });
  master.spawn(options.groups.map((group) => ({ file: 'worker.js', args: { group } })));
  const total = () => Object.entries(master.clusterInfo).reduce((n, [group, pids]) => n + (group === 'master' ? 0 : pids.length), 0);
  await cluster.until(() => total() === options.groups.length);
  const workers = cluster.processes.filter((p) => p.parentPid === master.pid).map((p) => cluster.worker(p.pid));
  return { cluster, master, logger, workers, workerLogs };
}
