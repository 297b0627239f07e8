/**
 * The node:cluster baseline: a primary that forks `workers` copies of the same
 * HTTP app PM2 runs, and on `reload` does a hand-written rolling restart the
 * way a careful user would write one: for each old worker, fork its
 * replacement, wait until it is listening, then SIGINT the old one (it drains)
 * and wait for it to exit before going on.
 *
 * With `redisNs` it is the start scenario's "node:cluster + ioredis" floor:
 * every worker also connects to Redis and publishes that it is ready (see
 * http-app.ts), and the primary, subscribed before it forks, counts those.
 */
import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import { join } from 'node:path';
import { exitWithParent, fail, now, onCommand, params, rawChannels, redis, send } from './common';

interface Params {
  workers: number;
  port: number;
  drainMs: number;
  redisNs?: string;
}

const t0 = now();
const p = params<Params>();
cluster.setupPrimary({ exec: join(__dirname, 'http-app.js') });

function fork(): Worker {
  return cluster.fork({ PORT: String(p.port), BENCH_DRAIN_MS: String(p.drainMs), ...(p.redisNs ? { BENCH_REDIS_NS: p.redisNs } : {}) });
}

/** Resolves once `count` distinct workers have published their ready frame (redisNs mode only). */
async function redisReady(ns: string, count: number): Promise<() => Promise<void>> {
  const subscriber = redis();
  const seen = new Set<number>();
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  subscriber.on('message', (_channel: string, raw: string) => {
    seen.add((JSON.parse(raw) as { meta: { pid: number } }).meta.pid);
    if (seen.size === count) done();
  });
  await subscriber.subscribe(rawChannels.master(ns));
  return async () => {
    await all;
    subscriber.disconnect();
  };
}

function listening(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    worker.once('listening', () => resolve());
    worker.once('exit', (code) => reject(new Error(`worker ${worker.process.pid} exited (${code}) before listening`)));
  });
}

async function rollingRestart(): Promise<void> {
  for (const old of Object.values(cluster.workers ?? {})) {
    if (!old) continue;
    const fresh = fork();
    await listening(fresh);
    const exited = once(old, 'exit');
    old.process.kill('SIGINT');
    await exited;
  }
}

async function stopAll(): Promise<void> {
  const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  const exits = workers.map((w) => once(w, 'exit'));
  for (const w of workers) w.process.kill('SIGTERM');
  await Promise.all(exits);
  process.exit(0);
}

async function main(): Promise<void> {
  const ready = p.redisNs ? await redisReady(p.redisNs, p.workers) : undefined;
  const workers = Array.from({ length: p.workers }, fork);
  await Promise.all([...workers.map(listening), ready?.()]);
  send({ ev: 'started', port: p.port, pids: workers.map((w) => w.process.pid), innerMs: now() - t0 });
}

onCommand((command) => {
  if (command.cmd === 'reload') {
    rollingRestart().then(() => send({ ev: 'reloaded', ok: true }), fail);
  }
});
process.on('SIGTERM', () => void stopAll());
exitWithParent(() => void stopAll());
main().catch(fail);
