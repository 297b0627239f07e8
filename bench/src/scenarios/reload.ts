/**
 * Scenario 5: rolling reloads under HTTP load. Four workers on one port behind
 * clustr (master.listen + serveHttp, SIGHUP), PM2 cluster mode (`pm2 reload`)
 * and node:cluster (a hand-written rolling restart); the same load generator
 * for the same time and the same number of reloads against each.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, type BenchContext } from '../lib/context';
import { childEnv, forkChild, isAlive, reapLeftovers, run, signalPid, sleep, type Proc } from '../lib/proc';
import { figure, type Figure } from '../lib/report';
import { median } from '../lib/stats';

export const WORKERS = 4;
const DRAIN_MS = 5_000;
/** Between clustr's reload steps and in emitReady; clustr's default is 500 ms. It changes how long a reload takes, not what it drops. */
const CLUSTR_RELOAD_DELAY = 250;
const WARMUP_MS = 1_000;
const GAP_MS = 500;

type ToolName = 'clustr' | 'clustr (shared)' | 'pm2' | 'nodeCluster';

export interface Tool {
  name: ToolName;
  /** Starts 4 workers; resolves with the port once they all serve. */
  start(): Promise<number>;
  /** One rolling reload; resolves when it is complete. */
  reload(): Promise<void>;
  /** Stops everything and waits until it is gone. */
  stop(): Promise<void>;
}

interface LoadSummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface ReloadRun {
  served: number;
  failed: number;
  errors: Record<string, number>;
  errorsDuringReload: Record<string, number>;
  durationMs: number;
  /** Responses by worker pid: how evenly the tool spreads connections. */
  byPid: Record<string, number>;
  all: LoadSummary;
  duringReload: LoadSummary;
  reloadMs: number[];
}

/** clustr: master.listen() with the default distribution (round-robin), or `shared` accepting. */
export function clustrTool(ctx: BenchContext, distribution?: 'shared'): Tool {
  let master: Proc | undefined;
  let reloads = 0;
  return {
    name: distribution === 'shared' ? 'clustr (shared)' : 'clustr',
    async start() {
      master = forkChild('clustr-master', 'clustr-master.js', { ns: ctx.ns('reload'), workers: WORKERS, reloadDelay: CLUSTR_RELOAD_DELAY, drainMs: DRAIN_MS, ...(distribution === undefined ? {} : { distribution }) });
      const started = await master.waitFor('started', 60_000);
      return Number(started['port']);
    },
    async reload() {
      const m = master!;
      signalPid(m.pid, 'SIGHUP');
      const done = await m.waitFor('reloaded', 120_000, () => true, reloads++);
      if (done['ok'] !== true) throw new Error(`clustr reload failed: ${JSON.stringify(done['failure'])}`);
    },
    async stop() {
      await master?.stop('SIGTERM', 30_000);
    },
  };
}

export function nodeClusterTool(): Tool {
  let primary: Proc | undefined;
  let reloads = 0;
  return {
    name: 'nodeCluster',
    async start() {
      const port = await freePort();
      primary = forkChild('cluster-primary', 'cluster-primary.js', { workers: WORKERS, port, drainMs: DRAIN_MS });
      await primary.waitFor('started', 60_000);
      return port;
    },
    async reload() {
      const p = primary!;
      p.send({ cmd: 'reload' });
      await p.waitFor('reloaded', 120_000, () => true, reloads++);
    },
    async stop() {
      await primary?.stop('SIGTERM', 30_000);
    },
  };
}

/** PM2 from this package's node_modules, with its own PM2_HOME in a temp folder, killed at the end. */
export function pm2Tool(ctx: BenchContext): Tool {
  const bin = join(dirname(require.resolve('pm2/package.json')), 'bin', 'pm2');
  const home = mkdtempSync(join(tmpdir(), 'clustr-bench-pm2-'));
  // PM2 fetches its version-check URL on first use unless this file exists.
  writeFileSync(join(home, 'touch'), String(Date.now()));
  const name = `bench-${ctx.runId}`;
  const env = childEnv({ PM2_HOME: home, PM2_DISCRETE_MODE: 'true' });
  const pm2 = (args: string[], timeoutMs = 60_000) => run(`pm2 ${args[0]}`, process.execPath, [bin, ...args], env, timeoutMs);
  let killed = false;
  const kill: () => Promise<void> = async () => {
    if (killed) return;
    killed = true;
    const pidFile = join(home, 'pm2.pid');
    const daemon = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined;
    try {
      // No pid file: the daemon never started, and `pm2 kill` would start one to kill.
      if (daemon !== undefined) await pm2(['kill'], 30_000);
    } finally {
      if (daemon) {
        const deadline = Date.now() + 10_000;
        while (isAlive(daemon) && Date.now() < deadline) await sleep(50);
        if (isAlive(daemon)) signalPid(daemon, 'SIGKILL');
      }
      rmSync(home, { recursive: true, force: true });
    }
  };
  // Registered at once: the bench kills PM2 even if this run fails half-way.
  ctx.cleanups.add(kill);
  return {
    name: 'pm2',
    async start() {
      const port = await freePort();
      const ecosystem = join(home, 'ecosystem.json');
      writeFileSync(
        ecosystem,
        JSON.stringify({
          apps: [
            {
              name,
              script: join(__dirname, '..', 'children', 'http-app.js'),
              exec_mode: 'cluster',
              instances: WORKERS,
              // Long enough for the app's own drain (DRAIN_MS) to finish before PM2's SIGKILL.
              kill_timeout: DRAIN_MS + 1_000,
              env: { PORT: String(port), BENCH_DRAIN_MS: String(DRAIN_MS) },
            },
          ],
        }),
      );
      await pm2(['start', ecosystem]);
      await waitServing(port, WORKERS);
      return port;
    },
    async reload() {
      await pm2(['reload', name], 120_000);
    },
    async stop() {
      await kill();
      ctx.cleanups.delete(kill);
    },
  };
}

/** Resolves once `port` has answered 200 `times` times in a row. */
export async function waitServing(port: number, times: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let ok = 0;
  while (ok < times) {
    if (Date.now() > deadline) throw new Error(`port ${port} is not serving after ${timeoutMs} ms`);
    const status = await new Promise<number>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0));
      req.setTimeout(2_000, () => req.destroy());
    });
    if (status === 200) ok++;
    else {
      ok = 0;
      await sleep(100);
    }
  }
}

async function underLoad(ctx: BenchContext, tool: Tool): Promise<ReloadRun> {
  const { reloads, minDurationMs, connections } = ctx.sizes.reload;
  let loadgen: Proc | undefined;
  let out: ReloadRun;
  try {
    const port = await tool.start();
    await waitServing(port, WORKERS);
    loadgen = forkChild('loadgen', 'loadgen.js', { port, connections, timeoutMs: 10_000 });
    await loadgen.waitFor('ready', 30_000);
    const began = Date.now();
    loadgen.send({ cmd: 'start' });
    await sleep(WARMUP_MS);
    const reloadMs: number[] = [];
    for (let i = 0; i < reloads; i++) {
      loadgen.send({ cmd: 'mark', reload: true });
      const t0 = performance.now();
      await tool.reload();
      reloadMs.push(performance.now() - t0);
      loadgen.send({ cmd: 'mark', reload: false });
      await sleep(GAP_MS);
    }
    const left = minDurationMs - (Date.now() - began);
    if (left > 0) await sleep(left);
    loadgen.send({ cmd: 'stop' });
    const result = await loadgen.waitFor('result', 30_000);
    out = { ...(result as unknown as Omit<ReloadRun, 'reloadMs'>), reloadMs };
    const shares = Object.values(out.byPid)
      .sort((a, b) => b - a)
      .map((n) => `${Math.round((n / Math.max(1, out.served)) * 100)}%`);
    ctx.log(`  ${tool.name}: responses by worker ${shares.join(' ')}`);
    ctx.log(
      `  ${tool.name}: served ${out.served}, failed ${out.failed} ${JSON.stringify(out.errors)}, p99 during reload ${(out.duringReload.p99 / 1000).toFixed(1)} ms, reloads ${reloadMs.map((ms) => ms.toFixed(0)).join('/')} ms`,
    );
  } finally {
    await loadgen?.stop('SIGTERM', 5_000);
    await tool.stop();
  }
  const left = await reapLeftovers(10_000);
  if (left.length > 0) throw new Error(`${tool.name} left ${left.length} processes behind: ${left.map((l) => `${l.pid} ${l.cmdline}`).join('; ')}`);
  return out;
}

export async function reload(ctx: BenchContext): Promise<Figure[]> {
  const clustr = await underLoad(ctx, clustrTool(ctx));
  const pm2 = await underLoad(ctx, pm2Tool(ctx));
  const nodeCluster = await underLoad(ctx, nodeClusterTool());
  const { reloads, minDurationMs, connections } = ctx.sizes.reload;
  const detail = { workers: WORKERS, reloads, minDurationMs, connections, clustrReloadDelay: CLUSTR_RELOAD_DELAY, drainMs: DRAIN_MS, clustr, pm2, nodeCluster };
  const common = { scenario: 'reload', detail };
  return [
    figure({
      ...common,
      id: 'reload.failed',
      label: `failed requests, ${reloads} rolling reloads of ${WORKERS} workers, ${connections} keep-alive conns`,
      unit: 'requests',
      better: 'lower',
      clustr: clustr.failed,
      baselines: [
        { name: 'pm2', value: pm2.failed },
        { name: 'node:cluster', value: nodeCluster.failed },
      ],
      target: { kind: 'equals', value: 0 },
    }),
    figure({
      ...common,
      id: 'reload.served',
      label: `requests served (each run ≥ ${minDurationMs / 1000} s under load)`,
      unit: 'requests',
      better: 'higher',
      clustr: clustr.served,
      baselines: [
        { name: 'pm2', value: pm2.served },
        { name: 'node:cluster', value: nodeCluster.served },
      ],
    }),
    figure({
      ...common,
      id: 'reload.rps',
      label: 'requests served per second over the whole run',
      unit: 'req/s',
      better: 'higher',
      clustr: rps(clustr),
      baselines: [
        { name: 'pm2', value: rps(pm2) },
        { name: 'node:cluster', value: rps(nodeCluster) },
      ],
    }),
    figure({
      ...common,
      id: 'reload.p99DuringReload',
      label: 'p99 latency of requests started during a reload',
      unit: 'ms',
      better: 'lower',
      clustr: clustr.duringReload.p99 / 1000,
      baselines: [
        { name: 'pm2', value: pm2.duringReload.p99 / 1000 },
        { name: 'node:cluster', value: nodeCluster.duringReload.p99 / 1000 },
      ],
    }),
    figure({
      ...common,
      id: 'reload.duration',
      label: 'time per rolling reload (median)',
      unit: 'ms',
      better: 'lower',
      clustr: median(clustr.reloadMs),
      baselines: [
        { name: 'pm2', value: median(pm2.reloadMs) },
        { name: 'node:cluster', value: median(nodeCluster.reloadMs) },
      ],
      target: { kind: 'ratioAtMost', value: 1 },
    }),
  ];
}


function rps(run: ReloadRun): number {
  return (run.served / run.durationMs) * 1000;
}
