/**
 * Scenario: how evenly four workers on one port share the requests. The same
 * load against clustr (round-robin hand-off by the master, the default), clustr
 * with every worker accepting from the shared socket, PM2 cluster mode and
 * node:cluster: first `connections` keep-alive connections, then as many loops
 * that open a new connection for every request. The figure is the busiest
 * worker's requests over the idlest one's (1.0 is a perfect spread).
 */
import { type BenchContext } from '../lib/context';
import { forkChild, reapLeftovers, sleep, type Proc } from '../lib/proc';
import { figure, type Figure } from '../lib/report';
import { clustrTool, nodeClusterTool, pm2Tool, waitServing, WORKERS, type Tool } from './reload';

export interface SpreadLoad {
  served: number;
  failed: number;
  /** Requests by worker pid. */
  byPid: Record<string, number>;
  /** Busiest worker over idlest one; an idlest worker that served nothing counts as 1 (the figure is then a lower bound). */
  maxOverMin: number;
}

/**
 * max / min over the `workers` workers' counts (a missing worker counts 0). A worker that
 * served nothing counts as 1 in the division: the figure stays a finite number (JSON has no
 * Infinity) and reads as "at least this uneven"; the counts themselves are in the detail.
 */
export function maxOverMin(byPid: Record<string, number>, workers: number): number {
  const counts = Object.entries(byPid)
    .filter(([pid]) => pid !== '?')
    .map(([, n]) => n);
  while (counts.length < workers) counts.push(0);
  const min = Math.min(...counts);
  return Math.max(...counts) / Math.max(min, 1);
}

async function load(ctx: BenchContext, port: number, keepAlive: boolean): Promise<SpreadLoad> {
  const { connections, durationMs } = ctx.sizes.spread;
  let loadgen: Proc | undefined;
  try {
    loadgen = forkChild('loadgen', 'loadgen.js', { port, connections, timeoutMs: 10_000, keepAlive });
    await loadgen.waitFor('ready', 30_000);
    loadgen.send({ cmd: 'start' });
    await sleep(durationMs);
    loadgen.send({ cmd: 'stop' });
    const result = (await loadgen.waitFor('result', 30_000)) as unknown as { served: number; failed: number; byPid: Record<string, number> };
    return { served: result.served, failed: result.failed, byPid: result.byPid, maxOverMin: maxOverMin(result.byPid, WORKERS) };
  } finally {
    await loadgen?.stop('SIGTERM', 5_000);
  }
}

async function measure(ctx: BenchContext, tool: Tool): Promise<{ keepAlive: SpreadLoad; short: SpreadLoad }> {
  let out: { keepAlive: SpreadLoad; short: SpreadLoad };
  try {
    const port = await tool.start();
    await waitServing(port, WORKERS);
    const keepAlive = await load(ctx, port, true);
    const short = await load(ctx, port, false);
    out = { keepAlive, short };
    const show = (l: SpreadLoad) => `${Object.values(l.byPid).join(' / ')} (max/min ${l.maxOverMin.toFixed(2)}, ${l.failed} failed)`;
    ctx.log(`  ${tool.name}: keep-alive ${show(keepAlive)}; short connections ${show(short)}`);
  } finally {
    await tool.stop();
  }
  const left = await reapLeftovers(10_000);
  if (left.length > 0) throw new Error(`${tool.name} left ${left.length} processes behind: ${left.map((l) => `${l.pid} ${l.cmdline}`).join('; ')}`);
  return out;
}

export async function spread(ctx: BenchContext): Promise<Figure[]> {
  const clustr = await measure(ctx, clustrTool(ctx));
  const shared = await measure(ctx, clustrTool(ctx, 'shared'));
  const pm2 = await measure(ctx, pm2Tool(ctx));
  const nodeCluster = await measure(ctx, nodeClusterTool());
  const { connections, durationMs } = ctx.sizes.spread;
  const detail = { workers: WORKERS, connections, durationMs, clustr, shared, pm2, nodeCluster };
  const row = (which: 'keepAlive' | 'short', label: string) =>
    figure({
      scenario: 'spread',
      id: `spread.${which}`,
      label,
      unit: 'max/min',
      better: 'lower',
      clustr: clustr[which].maxOverMin,
      baselines: [
        { name: 'node:cluster', value: nodeCluster[which].maxOverMin },
        { name: 'pm2', value: pm2[which].maxOverMin },
        { name: 'clustr shared', value: shared[which].maxOverMin },
      ],
      target: { kind: 'atMost', value: 1.5 },
      detail,
    });
  return [
    row('keepAlive', `requests per worker, busiest / idlest, ${WORKERS} workers, ${connections} keep-alive conns`),
    row('short', `requests per worker, busiest / idlest, ${WORKERS} workers, ${connections} loops of one request per connection`),
  ];
}
