/** Scenario 4 (cluster start) and the start half of scenario 7 (scaling). */
import { freePort, type BenchContext, type StartSample } from '../lib/context';
import { forkChild, reapLeftovers } from '../lib/proc';
import { figure, type Figure } from '../lib/report';
import { median } from '../lib/stats';

type Tool = 'clustr' | 'nodeCluster' | 'nodeClusterRedis';

/**
 * Milliseconds from forking the master (or primary) to its report that every
 * worker is ready: for clustr, onClusterStarted (every worker called
 * emitReady, reloadDelay 0); for node:cluster, every worker's 'listening'. The
 * workers are HTTP workers on a shared port in all. The third setup,
 * node:cluster + ioredis, adds to each worker only what any Redis-connected
 * worker needs before it is ready (load ioredis, two connections, subscribe,
 * publish once): the floor a Redis-based cluster manager can reach.
 */
async function startOnce(ctx: BenchContext, tool: Tool, workers: number): Promise<number> {
  const t0 = performance.now();
  const proc =
    tool === 'clustr'
      ? forkChild('clustr-master', 'clustr-master.js', { ns: ctx.ns(`start-${workers}`), workers, reloadDelay: 0, drainMs: 5_000 })
      : forkChild('cluster-primary', 'cluster-primary.js', {
          workers,
          port: await freePort(),
          drainMs: 5_000,
          ...(tool === 'nodeClusterRedis' ? { redisNs: ctx.ns(`start-raw-${workers}`) } : {}),
        });
  let ms: number;
  try {
    await proc.waitFor('started', 60_000 + workers * 3_000);
    ms = performance.now() - t0;
  } finally {
    await proc.stop('SIGTERM', 30_000);
  }
  const left = await reapLeftovers(10_000);
  if (left.length > 0) throw new Error(`${tool} left ${left.length} processes behind after stopping: ${left.map((l) => l.pid).join(', ')}`);
  return ms;
}

export async function measureStart(ctx: BenchContext, workers: number, rounds: number): Promise<StartSample> {
  const cached = ctx.startTimes.get(workers);
  if (cached) return cached;
  const sample: StartSample = { clustr: [], nodeCluster: [], nodeClusterRedis: [] };
  for (let round = 0; round < rounds; round++) {
    const order: Tool[] = round % 2 === 0 ? ['nodeCluster', 'nodeClusterRedis', 'clustr'] : ['clustr', 'nodeClusterRedis', 'nodeCluster'];
    for (const tool of order) {
      const ms = await startOnce(ctx, tool, workers);
      ctx.log(`  start ${workers} ${tool}: ${ms.toFixed(0)} ms`);
      sample[tool].push(ms);
    }
  }
  ctx.startTimes.set(workers, sample);
  return sample;
}

function startFigure(scenario: string, id: string, workers: number, sample: StartSample, withTarget: boolean): Figure {
  return figure({
    scenario,
    id,
    label: `master + ${workers} workers, fork to all ready (median of ${sample.clustr.length})`,
    unit: 'ms',
    better: 'lower',
    clustr: median(sample.clustr),
    // The floor first: any worker that loads ioredis, connects twice and subscribes before it
    // counts as started pays it. Plain node:cluster (workers that never talk to Redis) beside it.
    baselines: [
      { name: 'node:cluster + ioredis', value: median(sample.nodeClusterRedis) },
      { name: 'node:cluster', value: median(sample.nodeCluster) },
    ],
    ...(withTarget ? { target: { kind: 'ratioAtMost' as const, value: 1.1 } } : {}),
    detail: { runs: sample },
  });
}

export async function start(ctx: BenchContext): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const workers of ctx.sizes.startSizes) {
    const sample = await measureStart(ctx, workers, ctx.sizes.startRounds);
    figures.push(startFigure('start', `start.${workers}`, workers, sample, workers === 8));
  }
  return figures;
}

export async function scalingStart(ctx: BenchContext): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const workers of ctx.sizes.scaling) {
    // The same rounds at every size, as the headline start row.
    const sample = await measureStart(ctx, workers, ctx.sizes.startRounds);
    figures.push(startFigure('scaling', `scaling.start${workers}`, workers, sample, false));
  }
  return figures;
}
