/**
 * `pnpm bench [--quick] [--out FILE] [--only a,b] [--verbose]`
 *
 * Runs every scenario as real processes on 127.0.0.1 against Redis, prints one
 * table with each clustr figure next to its baseline from the same run, and
 * writes the figures as JSON to bench/results/<timestamp>.json and
 * bench/results/latest.json (or only to FILE with --out).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Redis from 'ioredis';
import { FULL, QUICK, type BenchContext } from './lib/context';
import { configureProcs, killLive, reapLeftovers, type Leftover } from './lib/proc';
import { renderTable, type Figure } from './lib/report';
import { codec } from './scenarios/codec';
import { memory } from './scenarios/memory';
import { latency, scalingFanout, throughput } from './scenarios/messaging';
import { reload } from './scenarios/reload';
import { requests } from './scenarios/requests';
import { spread } from './scenarios/spread';
import { scalingStart, start } from './scenarios/start';

const SCENARIOS: Record<string, (ctx: BenchContext) => Promise<Figure[]>> = {
  throughput,
  latency,
  codec,
  start,
  reload,
  spread,
  memory,
  scaling: async (ctx) => [...(await scalingFanout(ctx)), ...(await scalingStart(ctx))],
  requests,
};

interface Args {
  quick: boolean;
  out: string | undefined;
  only: string[] | undefined;
  verbose: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, out: undefined, only: undefined, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i] ?? '';
    switch (flag) {
      case '--quick':
        args.quick = true;
        break;
      case '--out':
        args.out = resolve(value());
        break;
      case '--only':
        args.only = value().split(',').filter(Boolean);
        break;
      case '--verbose':
        args.verbose = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(`usage: node bench/dist/main.js [--quick] [--out FILE] [--only ${Object.keys(SCENARIOS).join(',')}] [--verbose]\n`);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${arg}; see --help`);
    }
  }
  for (const name of args.only ?? []) {
    if (!(name in SCENARIOS)) throw new Error(`unknown scenario ${name}; pick from ${Object.keys(SCENARIOS).join(', ')}`);
  }
  return args;
}

async function redisInfo(): Promise<string> {
  const client = new Redis(process.env['CLUSTR_REDIS_URL'] ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await client.connect();
    const info = await client.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } finally {
    client.disconnect();
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const runId = randomBytes(4).toString('hex');
  configureProcs({ runId, verbose: args.verbose });
  const log = (message: string) => process.stderr.write(`${message}\n`);
  let counter = 0;
  const ctx: BenchContext = {
    quick: args.quick,
    sizes: args.quick ? QUICK : FULL,
    runId,
    ns: (label) => `bench-${runId}-${label}-${counter++}`,
    log,
    startTimes: new Map(),
    cleanups: new Set(),
  };

  const abort = (signal: NodeJS.Signals) => {
    log(`\n${signal}: stopping every process of this run`);
    killLive();
    void Promise.allSettled([...ctx.cleanups].map((c) => c()))
      .then(() => reapLeftovers(2_000))
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);

  let redisVersion: string;
  try {
    redisVersion = await redisInfo();
  } catch (error) {
    log(`Redis is not reachable at 127.0.0.1:6379 (${(error as Error).message}). Start it first (scripts/check-redis.js).`);
    return 2;
  }

  const startedAt = new Date();
  const loadAtStart = loadavg();
  const t0 = performance.now();
  log(`clustr bench (${args.quick ? 'quick' : 'full'} mode), run ${runId}, Node ${process.version}, Redis ${redisVersion}, ${cpus().length} CPUs, load ${loadAtStart.map((l) => l.toFixed(1)).join(' ')}`);
  const figures: Figure[] = [];
  const errors: Array<{ scenario: string; message: string }> = [];
  const leftovers: Array<Leftover & { scenario: string }> = [];
  const durations: Record<string, number> = {};
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    if (args.only && !args.only.includes(name)) continue;
    log(`\n== ${name}`);
    const s0 = performance.now();
    try {
      figures.push(...(await scenario(ctx)));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`  FAILED: ${message}`);
      errors.push({ scenario: name, message });
    } finally {
      for (const cleanup of ctx.cleanups) await cleanup().catch(() => undefined);
      ctx.cleanups.clear();
      const left = await reapLeftovers();
      if (left.length > 0) log(`  left behind (now killed): ${left.map((l) => `${l.pid} ${l.cmdline}`).join('; ')}`);
      leftovers.push(...left.map((l) => ({ ...l, scenario: name })));
      durations[name] = Math.round(performance.now() - s0);
      log(`  (${(durations[name] / 1000).toFixed(1)} s)`);
    }
  }
  const durationMs = Math.round(performance.now() - t0);

  const result = {
    meta: {
      mode: args.quick ? 'quick' : 'full',
      command: `node bench/dist/main.js ${process.argv.slice(2).join(' ')}`.trim(),
      runId,
      startedAt: startedAt.toISOString(),
      durationMs,
      scenarioDurationsMs: durations,
      node: process.version,
      redis: redisVersion,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      /** 1/5/15-minute load averages: this machine is shared, and other work skews every figure. */
      loadAverage: { atStart: loadAtStart, atEnd: loadavg() },
      redisClientOptions: { enableAutoPipelining: true, maxRetriesPerRequest: null },
      sizes: ctx.sizes,
      leftovers,
      errors,
    },
    figures,
  };
  process.stdout.write(`\n${renderTable(figures)}\n\n`);
  const targets = figures.filter((f) => f.met !== undefined);
  process.stdout.write(`targets met: ${targets.filter((f) => f.met).length}/${targets.length}; ${args.quick ? 'quick' : 'full'} mode, ${(durationMs / 1000).toFixed(1)} s\n`);

  const json = `${JSON.stringify(result, null, 2)}\n`;
  const written: string[] = [];
  if (args.out) {
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, json);
    written.push(args.out);
  } else {
    const dir = join(__dirname, '..', 'results');
    mkdirSync(dir, { recursive: true });
    const stamped = join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(stamped, json);
    writeFileSync(join(dir, 'latest.json'), json);
    written.push(stamped, join(dir, 'latest.json'));
  }
  process.stdout.write(`results: ${written.join(', ')}\n`);
  for (const e of errors) process.stdout.write(`FAILED ${e.scenario}: ${e.message}\n`);
  if (leftovers.length > 0) process.stdout.write(`processes left behind (killed): ${leftovers.length}\n`);
  return errors.length > 0 || leftovers.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
