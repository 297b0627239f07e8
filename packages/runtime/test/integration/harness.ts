import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { watchFixture, watchNamespace } from './signed-run';

export const FIXTURES = join(__dirname, 'fixtures');

/** One `@@{json}` line a fixture printed, with the pid prefix chain it arrived through. */
export interface FixtureEvent {
  ev: string;
  pid: number;
  [field: string]: unknown;
}

/** A fresh namespace per test, so tests can run in parallel against one Redis. */
export function freshNamespace(prefix = 'it'): string {
  return `${prefix}-${randomUUID().slice(0, 12)}`;
}

/** A loopback port nothing listens on (one was just bound there and released). */
/**
 * The frames a raw PUBLISH payload carries, as a clustr reader sees them: a
 * batch (frames of one channel coalesced in one tick) carries them in `data`.
 * For tests that listen on Redis directly; no validation.
 */
export function framesIn<T = Record<string, unknown>>(raw: string): T[] {
  const frame = JSON.parse(raw) as { kind?: unknown; data?: unknown };
  return frame.kind === 'batch' && Array.isArray(frame.data) ? (frame.data as T[]) : [frame as T];
}

export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** True when `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Polls until `pid` is gone; rejects after `timeoutMs`. */
export async function waitGone(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`pid ${pid} still alive after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const tracked = new Set<number>();

/** Kills (SIGKILL) every pid a test saw that is still alive; call from afterEach. Returns the pids that had to be killed. */
export async function killTracked(): Promise<number[]> {
  const leftovers = [...tracked].filter(isAlive);
  for (const pid of leftovers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await Promise.all(leftovers.map((pid) => waitGone(pid, 5000).catch(() => undefined)));
  tracked.clear();
  return leftovers;
}

/** Remembers a pid so killTracked() ends it if the test does not. */
export function track(pid: number): void {
  tracked.add(pid);
}

export interface RunningFixture {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly events: FixtureEvent[];
  readonly lines: string[];
  /** Resolves with the first event (already seen or future) that matches. */
  waitFor(match: (event: FixtureEvent) => boolean, label?: string, timeoutMs?: number): Promise<FixtureEvent>;
  /** Resolves once `count` matching events have been seen. */
  waitForCount(match: (event: FixtureEvent) => boolean, count: number, label?: string, timeoutMs?: number): Promise<FixtureEvent[]>;
  /** Resolves with the exit code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface FixtureOptions {
  args?: string[];
  env?: Record<string, string>;
  namespace?: string;
  /**
   * Start it as the leader of a process group of its own, which its children join, so a
   * test can signal the whole tree at once (`process.kill(-pid, signal)`) as a terminal
   * hang-up does, without signalling the test runner.
   */
  processGroup?: boolean;
}

/**
 * Starts a fixture script (the master of a test cluster) with a fresh namespace.
 * Every `@@{json}` line any process of the tree prints (children's output is
 * forwarded with prefixes) becomes an event; every pid an event names is
 * tracked so killTracked() can end it.
 */
export function runFixture(file: string, options: FixtureOptions = {}): RunningFixture {
  const namespace = options.namespace ?? freshNamespace();
  watchNamespace(namespace);
  const child = spawn(process.execPath, [join(FIXTURES, file), ...(options.args ?? [])], {
    env: { ...process.env, CLUSTR_NAMESPACE: namespace, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.processGroup === true,
  });
  if (child.pid === undefined) throw new Error(`could not start ${file}`);
  track(child.pid);
  const events: FixtureEvent[] = [];
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let pending = '';
  const onData = (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      const at = line.indexOf('@@');
      if (at === -1) continue;
      try {
        const event = JSON.parse(line.slice(at + 2)) as FixtureEvent;
        if (typeof event.pid === 'number') track(event.pid);
        events.push(event);
      } catch {
        // not an event line
      }
    }
    for (const wake of [...waiters]) wake();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean).map((l) => `stderr: ${l}`)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  function waitForCount(match: (event: FixtureEvent) => boolean, count: number, label = 'event', timeoutMs = 20_000): Promise<FixtureEvent[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = events.filter(match);
        if (found.length >= count) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${count} x ${label}; last lines:\n${lines.slice(-30).join('\n')}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  const fixture: RunningFixture = {
    child,
    pid: child.pid,
    events,
    lines,
    exited,
    waitForCount,
    waitFor: (match, label, timeoutMs) => waitForCount(match, 1, label, timeoutMs).then((found) => found[0]!),
  };
  watchFixture(fixture);
  return fixture;
}
