/** Scenario 6: resident memory of an idle clustr worker against a bare Node process with two ioredis connections. */
import type { BenchContext } from '../lib/context';
import { forkChild, rssBytes, sleep, type Proc } from '../lib/proc';
import { figure, type Figure } from '../lib/report';
import { median } from '../lib/stats';

const MB = 1024 * 1024;

export async function memory(ctx: BenchContext): Promise<Figure[]> {
  const { instances, settleMs } = ctx.sizes.memory;
  const ns = ctx.ns('idle');
  const clustr: Proc[] = [];
  const bare: Proc[] = [];
  try {
    for (let i = 0; i < instances; i++) {
      clustr.push(forkChild(`idle-clustr${i}`, 'idle-clustr.js', { ns }));
      bare.push(forkChild(`idle-bare${i}`, 'idle-bare.js', { ns }));
    }
    await Promise.all([...clustr, ...bare].map((p) => p.waitFor('ready', 30_000)));
    await sleep(settleMs);
    const sample = async (procs: Proc[]) => {
      const perProcess: number[][] = procs.map(() => []);
      for (let i = 0; i < 5; i++) {
        procs.forEach((p, j) => perProcess[j]!.push(rssBytes(p.pid) / MB));
        await sleep(100);
      }
      return perProcess.map((values) => median(values));
    };
    const [c, b] = await Promise.all([sample(clustr), sample(bare)]);
    const clustrMb = median(c);
    const bareMb = median(b);
    ctx.log(`  idle RSS clustr ${clustrMb.toFixed(1)} MB, bare ioredis ${bareMb.toFixed(1)} MB`);
    return [
      figure({
        scenario: 'memory',
        id: 'memory.idleRss',
        label: 'RSS of an idle worker (bare: node + 2 ioredis connections)',
        unit: 'MB',
        better: 'lower',
        clustr: clustrMb,
        baselines: [{ name: 'bare', value: bareMb }],
        target: { kind: 'deltaAtMost', value: 10 },
        detail: { instances, settleMs, clustr: c, bare: b, deltaMb: clustrMb - bareMb },
      }),
    ];
  } finally {
    await Promise.all([...clustr, ...bare].map((p) => p.stop('SIGTERM', 10_000)));
  }
}
