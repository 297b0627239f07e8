import { spawn as spawnChild, type StdioOptions } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { delimiter, dirname, join } from 'node:path';
import Redis from 'ioredis';
import type { ChildExit, ChildHandle, Clock, IpcMessage, LoopDelayMonitor, Platform, Signal, SpawnSpec, TimerHandle } from './platform';
import type { Socket } from 'node:net';
import { nodeRedisServer } from './redis-server';
import { inheritableExecArgv } from './exec-argv';
import type { RedisLike } from '../transport/redis-like';
import type { RedisTarget } from '../process/redis-target';
import { LineSplitter } from '../internal/lines';
import { listenInBackground } from '../net/shared-socket';

const PARENT_POLL_MS = 500;
/** How long an exit waits for the child's remaining output. */
const OUTPUT_DRAIN_MS = 250;

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms) as unknown as TimerHandle,
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  unref: (handle) => {
    (handle as NodeJS.Timeout).unref();
  },
};

/**
 * How often the event-loop delay is sampled, ms. Measured on these machines: an idle
 * process pays about 0.5% of a core for 20 ms (1% for 10 ms, Node's default), and a
 * heartbeat every 2 s still gets about 100 samples for its percentiles.
 */
export const LOOP_DELAY_RESOLUTION_MS = 20;

function loopDelayMonitor(): LoopDelayMonitor {
  const histogram = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  histogram.enable();
  // The histogram records the time between two samples, which includes the resolution itself.
  const late = (ns: number) => Math.max(0, ns / 1e6 - LOOP_DELAY_RESOLUTION_MS);
  return {
    take() {
      const figures = histogram.count === 0 ? { p50: 0, p99: 0, max: 0 } : { p50: late(histogram.percentile(50)), p99: late(histogram.percentile(99)), max: late(histogram.max) };
      histogram.reset();
      return figures;
    },
    stop: () => histogram.disable(),
  };
}

function forward(stream: NodeJS.ReadableStream | null, target: 'stdout' | 'stderr', label: string): void {
  if (!stream) return;
  const out = target === 'stdout' ? process.stdout : process.stderr;
  const splitter = new LineSplitter((line) => out.write(`[${label}] ${line}\n`));
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => splitter.push(chunk));
  stream.on('end', () => splitter.flush());
}

function isClustrMessage(message: unknown): message is IpcMessage {
  return typeof message === 'object' && message !== null && typeof (message as { clustr?: unknown }).clustr === 'string';
}

/** A child that never started: no pid, reported as exit 127 (command not found) on the next tick. */
function failedChild(): ChildHandle {
  const exit: ChildExit = { code: 127, signal: null };
  return {
    pid: -1,
    onExit(listener) {
      setImmediate(() => listener(exit));
    },
    kill: () => false,
    send: () => Promise.resolve(false),
    onMessage: () => undefined,
  };
}

/**
 * True while `pid` is a live process. Signal 0 checks existence (EPERM: it exists, owned by
 * someone else); a zombie also exists, so on Linux its state is read too — a parent killed
 * a moment ago stays a zombie until its own parent reaps it.
 */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    // No /proc (not Linux) or the process just went: signal 0 has answered.
    return true;
  }
}

function findExecutable(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The real process boundary: child_process, process signals, ioredis. */
let pipesIgnored = false;
/** From now on, writes to a closed stdout/stderr pipe are dropped; other output errors still throw. */
function ignoreBrokenPipes(): void {
  if (pipesIgnored) return;
  pipesIgnored = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}

export function nodePlatform(): Platform {
  const main = require.main?.filename ?? process.argv[1];
  // The process that started this one, as it was at start: the parent watch notices when it changes.
  const startedBy = process.ppid;
  return {
    pid: process.pid,
    ppid: startedBy,
    argv: process.argv.slice(2),
    env: process.env,
    execPath: process.execPath,
    execArgv: inheritableExecArgv(process.execArgv),
    baseDir: main ? dirname(main) : process.cwd(),
    clock: realClock,
    spawn(spec: SpawnSpec): ChildHandle {
      const stdio: StdioOptions = ['ignore', spec.output === 'inherit' ? 'inherit' : 'pipe', spec.output === 'inherit' ? 'inherit' : 'pipe'];
      if (spec.ipc) stdio.push('ipc');
      for (const fd of spec.inheritFds) stdio.push(fd);
      let child: ReturnType<typeof spawnChild>;
      try {
        child = spawnChild(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio });
      } catch {
        // A child that cannot even be created is reported as one that failed to start.
        return failedChild();
      }
      if (spec.output === 'prefix') {
        forward(child.stdout, 'stdout', `${spec.label} ${child.pid ?? '?'}`);
        forward(child.stderr, 'stderr', `${spec.label} ${child.pid ?? '?'}`);
      }
      // A child that never started (ENOENT, EACCES) has no pid; it is reported as an exit.
      const pid = child.pid ?? -1;
      let exited: ChildExit | undefined;
      const listeners: Array<(exit: ChildExit) => void> = [];
      const finish = (exit: ChildExit) => {
        if (exited) return;
        exited = exit;
        for (const listener of listeners) listener(exit);
      };
      child.once('exit', (code, signal) => {
        // Report the exit once the child's output has been forwarded ('close'), so its last
        // lines are never lost; bounded, because a grandchild may still hold the pipe open.
        if (spec.output !== 'prefix') return finish({ code, signal });
        const timer = setTimeout(() => finish({ code, signal }), OUTPUT_DRAIN_MS);
        child.once('close', () => {
          clearTimeout(timer);
          finish({ code, signal });
        });
      });
      child.on('error', () => {
        if (child.pid === undefined) finish({ code: 127, signal: null });
      });
      // The IPC channel is only for death detection; never let it keep us alive.
      if (spec.ipc) child.channel?.unref();
      return {
        pid,
        onExit(listener) {
          if (exited) listener(exited);
          else listeners.push(listener);
        },
        kill(signal: Signal) {
          if (exited) return false;
          try {
            return child.kill(signal);
          } catch {
            return false;
          }
        },
        send(message, socket) {
          if (exited || !child.connected) return Promise.resolve(false);
          return new Promise((resolve) => {
            try {
              // keepOpen false: once sent, this process's copy of the socket is closed; it is the child's.
              child.send(message, socket as Socket | undefined, { keepOpen: false }, (error) => resolve(error === null));
            } catch {
              resolve(false);
            }
          });
        },
        onMessage(listener) {
          child.on('message', (message: unknown) => {
            if (isClustrMessage(message)) listener(message);
          });
        },
      };
    },
    exit(code: number) {
      process.exit(code);
    },
    onSignal(signal, handler) {
      process.on(signal, handler);
      return () => process.off(signal, handler);
    },
    watchParent(parent, onGone) {
      let done = false;
      const fire = () => {
        if (done) return;
        done = true;
        stop();
        // A clustr parent that carried our output (`output: 'prefix'`) took the reading end of
        // the pipe with it: a write now fails with EPIPE, an 'error' nobody handles, which would
        // kill this process in the middle of its kill hooks. There is no one left to read it.
        ignoreBrokenPipes();
        onGone();
      };
      // Two processes are watched, because they differ when a wrapper (a shell script without
      // exec, `npm start`, a TypeScript runner) sits between them: the clustr parent, by pid,
      // and the process that started this one, whose death reparents us. Comparing ppid with
      // the clustr parent stopped every wrapped worker at once.
      const gone = () => process.ppid !== startedBy || !pidAlive(parent);
      // An IPC channel from the clustr parent itself closes the instant it dies, even by SIGKILL.
      const channel = startedBy === parent ? process.channel : undefined;
      if (channel) {
        process.on('disconnect', fire);
        channel.unref();
      }
      const timer = setInterval(() => {
        if (gone()) fire();
      }, PARENT_POLL_MS);
      timer.unref();
      // The parent may have died before watching began.
      const early = setImmediate(() => {
        if (gone() || (channel !== undefined && !process.connected)) fire();
      });
      function stop() {
        clearInterval(timer);
        clearImmediate(early);
        process.off('disconnect', fire);
      }
      return stop;
    },
    createRedis(target: RedisTarget): RedisLike {
      // The transport resubscribes itself after every reconnect, then sends what it queued (bounded);
      // ioredis's own queue only covers the instant between a drop and the transport noticing it.
      const options = { enableAutoPipelining: true, maxRetriesPerRequest: null, autoResubscribe: false, lazyConnect: false } as const;
      const client = typeof target === 'string' ? new Redis(target, options) : new Redis({ ...(target as object), ...options });
      return client as unknown as RedisLike;
    },
    parentChannel(parentPid) {
      // Only a channel to the clustr parent itself: through a wrapper, the channel (if any) leads elsewhere.
      if (startedBy !== parentPid || typeof process.send !== 'function' || !process.connected) return undefined;
      return {
        send(message) {
          // After the parent died, process.send emits ERR_IPC_CHANNEL_CLOSED as an 'error' event
          // nobody handles, which crashed a draining worker mid-shutdown; the callback takes it.
          if (!process.connected || typeof process.send !== 'function') return false;
          process.send(message, undefined, undefined, () => undefined);
          return true;
        },
        onClose(listener) {
          if (!process.connected) {
            queueMicrotask(listener);
            return () => undefined;
          }
          process.once('disconnect', listener);
          return () => process.off('disconnect', listener);
        },
        onMessage(listener) {
          const relay = (message: unknown, socket: unknown) => {
            if (isClustrMessage(message)) listener(message, socket);
          };
          process.on('message', relay);
          return () => process.off('message', relay);
        },
      };
    },
    fileExists: (path) => existsSync(path),
    findExecutable,
    cpuCount: () => availableParallelism(),
    write(stream, text) {
      (stream === 'stdout' ? process.stdout : process.stderr).write(text);
    },
    signalPid(pid, signal) {
      try {
        return process.kill(pid, signal);
      } catch {
        return false;
      }
    },
    hostname: hostname(),
    memoryUsage() {
      const { rss, heapUsed, heapTotal } = process.memoryUsage();
      return { rss, heapUsed, heapTotal };
    },
    cpuTime() {
      const { user, system } = process.cpuUsage();
      return user + system;
    },
    monitorLoopDelay: loopDelayMonitor,
    redisServer: nodeRedisServer(findExecutable),
    listenShared: listenInBackground,
  };
}
