/**
 * Runs the quick benchmark end to end (real processes, real Redis, PM2) and
 * checks that it produced every figure: a number for clustr and for each
 * baseline. The values themselves are not checked: they depend on the machine.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', 'dist', 'main.js');

/** Every figure quick mode must produce, with the baselines each one is compared with. */
const EXPECTED: Record<string, string[]> = {
  'throughput.p2p': ['ioredis'],
  'throughput.p2p.pubCpu': ['ioredis'],
  'throughput.p2p.subCpu': ['ioredis'],
  'throughput.p2p.unbatched': ['ioredis'],
  'throughput.p2p.signed': ['ioredis'],
  'throughput.p2p.signedUnbatched': ['ioredis'],
  'throughput.p2p.signedUnbatched.pubCpu': ['ioredis'],
  'throughput.p2p.signedUnbatched.subCpu': ['ioredis'],
  'throughput.fanout4': ['ioredis'],
  'throughput.fanout4.pubCpu': ['ioredis'],
  'throughput.fanout4.subCpu': ['ioredis'],
  'throughput.fanout4.unbatched': ['ioredis'],
  'latency.p50': ['ioredis'],
  'latency.p99': ['ioredis'],
  'latency.max': ['ioredis'],
  'latency.p50.coalescing': ['coalesce: false', 'ioredis'],
  'latency.p50.signed': ['ioredis'],
  'latency.p99.signed': ['ioredis'],
  'codec.decode': ['JSON.parse'],
  'codec.encode': ['JSON.stringify'],
  'start.8': ['node:cluster + ioredis', 'node:cluster'],
  'reload.failed': ['pm2', 'node:cluster'],
  'reload.served': ['pm2', 'node:cluster'],
  'reload.rps': ['pm2', 'node:cluster'],
  'reload.p99DuringReload': ['pm2', 'node:cluster'],
  'reload.duration': ['pm2', 'node:cluster'],
  'spread.keepAlive': ['node:cluster', 'pm2', 'clustr shared'],
  'spread.short': ['node:cluster', 'pm2', 'clustr shared'],
  'memory.idleRss': ['bare'],
  'scaling.fanout2': ['ioredis'],
  'scaling.fanout8': ['ioredis'],
  'scaling.start2': ['node:cluster + ioredis', 'node:cluster'],
  'scaling.start8': ['node:cluster + ioredis', 'node:cluster'],
  'requests.p50': ['ioredis', 'clustr emitPrivate'],
  'requests.p99': ['ioredis', 'clustr emitPrivate'],
  'requests.group4': ['point-to-point'],
  'requests.group4.work': ['point-to-point'],
  'requests.group4.callerCpu': ['point-to-point'],
};

interface FigureJson {
  id: string;
  clustr: unknown;
  baselines: Array<{ name: string; value: unknown }>;
}

describe('pnpm bench --quick', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clustr-bench-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('produces every figure, clustr and baseline, and leaves no process behind', async () => {
    const out = join(dir, 'quick.json');
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, [MAIN, '--quick', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('exit', (exitCode) => resolve({ code: exitCode, output: text }));
    });
    if (code !== 0) throw new Error(`bench exited with ${code}:\n${output}`);

    const result = JSON.parse(readFileSync(out, 'utf8')) as { meta: { mode: string; errors: unknown[]; leftovers: unknown[] }; figures: FigureJson[] };
    expect(result.meta.mode).toBe('quick');
    expect(result.meta.errors).toEqual([]);
    expect(result.meta.leftovers).toEqual([]);
    const byId = new Map(result.figures.map((f) => [f.id, f]));
    for (const [id, baselines] of Object.entries(EXPECTED)) {
      const found = byId.get(id);
      expect({ id, present: found !== undefined }).toEqual({ id, present: true });
      expect({ id, clustr: typeof found!.clustr }).toEqual({ id, clustr: 'number' });
      expect({ id, baselines: found!.baselines.map((b) => b.name) }).toEqual({ id, baselines });
      for (const b of found!.baselines) expect({ id, baseline: b.name, type: typeof b.value }).toEqual({ id, baseline: b.name, type: 'number' });
    }
  }, 180_000);
});
