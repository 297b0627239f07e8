import http from 'node:http';
import { readFileSync } from 'node:fs';
import { freshNamespace, isAlive, runFixture, track, waitGone, type FixtureEvent, type RunningFixture } from './harness';

/** A spawn definition as fixtures/sup-master.js hands it to master.spawn(). */
export interface Definition {
  file: string;
  command?: string;
  cpu?: number;
  respawn?: boolean;
  args?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
  ready?: 'register' | 'spawn';
}

/** What fixtures/sup-master.js reads from SUP_SPEC. */
export interface MasterSpec {
  /** MasterOptions (JSON only); the fixture adds `reloadDelay: 100` unless given. */
  options?: Record<string, unknown>;
  /** Calls master.listen() with this before spawning. */
  listen?: { port: number; host?: string; distribution?: 'round-robin' | 'shared' };
  /** Batch 0 is spawned at start; each SIGUSR2 spawns the next. */
  batches: Definition[][];
  /** Log records (by `event`) the master prints as `log` events. */
  logEvents?: string[];
}

/**
 * Starts fixtures/sup-master.js with `spec`. Pids the master reports for its
 * children (`child` fields) are tracked too, so afterEach's killTracked() ends
 * a child that never printed a line of its own.
 */
export function startMaster(spec: MasterSpec, env: Record<string, string> = {}, options: { processGroup?: boolean } = {}): RunningFixture & { namespace: string } {
  const namespace = freshNamespace('sup');
  const fx = runFixture('sup-master.js', { env: { SUP_SPEC: JSON.stringify(spec), ...env }, namespace, ...options });
  let seen = 0;
  fx.child.stdout!.on('data', () => {
    for (; seen < fx.events.length; seen++) {
      const child = fx.events[seen]!['child'];
      if (typeof child === 'number' && child > 0) track(child);
    }
  });
  return Object.assign(fx, { namespace });
}

export const is =
  (ev: string, fields: Record<string, unknown> = {}) =>
  (event: FixtureEvent): boolean =>
    event.ev === ev && Object.entries(fields).every(([key, value]) => event[key] === value);

/** Every pid the fixture tree reported: processes' own pids and the children the master saw. */
export function pidsOf(fx: RunningFixture): number[] {
  const pids = new Set<number>([fx.pid]);
  for (const event of fx.events) {
    pids.add(event.pid);
    if (typeof event['child'] === 'number' && event['child'] > 0) pids.add(event['child']);
  }
  return [...pids];
}

/** Waits until every pid is gone (bounded); fails naming the survivors. */
export async function expectAllGone(pids: number[], timeoutMs = 10_000): Promise<void> {
  const results = await Promise.allSettled(pids.map((pid) => waitGone(pid, timeoutMs)));
  const alive = pids.filter((_pid, i) => results[i]!.status === 'rejected');
  expect(alive).toEqual([]);
}

/** SIGTERMs the master, expects exit code 15, and checks that every pid of the tree is gone. */
export async function stopCluster(fx: RunningFixture): Promise<void> {
  process.kill(fx.pid, 'SIGTERM');
  const exit = await fx.exited;
  expect(exit).toEqual({ code: 15, signal: null });
  await expectAllGone(pidsOf(fx));
}

/** The CPU list a process may run on, from /proc. */
export function cpusAllowed(pid: number): string {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const line = status.split('\n').find((l) => l.startsWith('Cpus_allowed_list:'));
  if (!line) throw new Error(`no Cpus_allowed_list in /proc/${pid}/status`);
  return line.slice('Cpus_allowed_list:'.length).trim();
}

export { isAlive };

/** Polls `condition` every 10 ms until it holds; rejects after `timeoutMs`. For counters that have no event. */
export async function waitUntil(condition: () => boolean, label: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${label}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// ---- HTTP load --------------------------------------------------------------------------

export interface LoadStats {
  ok: number;
  /** Transport errors, timeouts and non-200 answers. */
  failed: number;
  /** The first failures, for the assertion message. */
  failures: string[];
  /** Successful answers by the pid in the body. */
  byPid: Map<number, number>;
}

export interface Load {
  readonly stats: LoadStats;
  /** Stops issuing requests, waits for the ones in flight and closes every connection. */
  stop(): Promise<LoadStats>;
}

/**
 * Continuous GET / to 127.0.0.1:`port` from `connections` keep-alive
 * connections, each issuing its next request as soon as the previous one is
 * answered. Bounded by `maxRequests` and `maxMs`. `keepAlive: false`: every
 * request on a new connection of its own (a short-connection load).
 */
export function startLoad(port: number, options: { connections?: number; maxRequests?: number; maxMs?: number; requestTimeoutMs?: number; keepAlive?: boolean } = {}): Load {
  const connections = options.connections ?? 10;
  const maxRequests = options.maxRequests ?? 200_000;
  const deadline = Date.now() + (options.maxMs ?? 60_000);
  const requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
  const agent = new http.Agent({ keepAlive: options.keepAlive !== false, maxSockets: connections });
  const stats: LoadStats = { ok: 0, failed: 0, failures: [], byPid: new Map() };
  let issued = 0;
  let stopped = false;
  const fail = (why: string) => {
    stats.failed++;
    if (stats.failures.length < 20) stats.failures.push(why);
  };
  const once = () =>
    new Promise<void>((resolve) => {
      let settled = false;
      const settle = (failure?: string) => {
        if (settled) return;
        settled = true;
        if (failure !== undefined) fail(failure);
        resolve();
      };
      const req = http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          if (res.statusCode !== 200) return settle(`status ${String(res.statusCode)}`);
          stats.ok++;
          const pid = Number(body);
          stats.byPid.set(pid, (stats.byPid.get(pid) ?? 0) + 1);
          settle();
        });
        res.on('error', (error) => settle(`response ${error.message}`));
        res.on('close', () => settle('response closed before its end'));
      });
      req.setTimeout(requestTimeoutMs, () => req.destroy(new Error(`no answer within ${requestTimeoutMs} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) => settle(`request ${error.code ?? ''} ${error.message}`));
    });
  const loop = async () => {
    while (!stopped && issued < maxRequests && Date.now() < deadline) {
      issued++;
      await once();
    }
  };
  const loops = Promise.all(Array.from({ length: connections }, loop));
  return {
    stats,
    async stop() {
      stopped = true;
      await loops;
      agent.destroy();
      return stats;
    },
  };
}
