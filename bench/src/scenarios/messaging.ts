/**
 * Scenario 1 (throughput: point-to-point and fan-out), scenario 2 (round-trip
 * latency) and the fan-out half of scenario 7 (scaling).
 *
 * This machine is shared: other work comes and goes within seconds, so a
 * clustr run followed by a raw run would compare two different machines. Both
 * setups are therefore started side by side and measured in short alternating
 * rounds (raw, clustr, clustr, raw, ...), and the median round is reported.
 * CPU time per message, which is far less sensitive to other load than
 * wall-clock rates, is reported alongside.
 */
import { randomBytes } from 'node:crypto';
import type { BenchContext } from '../lib/context';
import { forkChild, type ChildEvent, type Proc } from '../lib/proc';
import { figure, type Figure } from '../lib/report';
import { median, summarize } from '../lib/stats';

/**
 * `clustr` runs with default settings (frames of one tick coalesced into a batch);
 * `unbatched` sets `coalesce: false` (one PUBLISH per frame). `signed` is clustr with a
 * secret and one PUBLISH per frame: every frame signed (HMAC-SHA256) and verified, the
 * per-frame cost docs/security.md quotes; `signed-batched` coalesces, so a batch is
 * signed once. `prev` is clustr as an earlier commit built it (BENCH_PREV_RUNTIME): the
 * `before` of a before/after comparison.
 */
export type Impl = 'clustr' | 'unbatched' | 'signed' | 'signed-batched' | 'raw' | 'prev';
type Kind = 'public' | 'private';

/** The `signed` side's secret, handed to its children in their environment (BENCH_PARAMS). */
const SECRET = randomBytes(32).toString('base64');

/** Parameters every messaging child of `impl` gets. */
function implParams(impl: Impl): { impl: Impl; secret?: string; coalesce?: boolean } {
  switch (impl) {
    case 'unbatched':
      return { impl, coalesce: false };
    case 'signed':
      return { impl, secret: SECRET, coalesce: false };
    case 'signed-batched':
      return { impl, secret: SECRET, coalesce: true };
    default:
      return { impl };
  }
}

const WINDOW = 1024;
const LEAD = 20_000;
const PROGRESS_EVERY = 1_000;
const STALL_MS = 5_000;

export interface RoundResult {
  /** Messages received per second, all subscribers together. */
  rate: number;
  received: number;
  expected: number;
  ms: number;
  publishErrors: number;
  /** CPU microseconds per message published, in the publisher process. */
  pubCpuPerMsg: number;
  /** CPU microseconds per message received, over all subscriber processes. */
  subCpuPerMsg: number;
}

/** One publisher process and its subscriber processes, kept for several rounds. */
interface FlowGroup {
  impl: Impl;
  subs: Proc[];
  pub: Proc;
}

let rounds = 0;

async function openGroup(ctx: BenchContext, impl: Impl, kind: Kind, subscribers: number): Promise<FlowGroup> {
  const ns = ctx.ns(`tp-${impl}-${kind}-${subscribers}`);
  const subs = Array.from({ length: subscribers }, (_, i) => forkChild(`${impl}-sub${i}`, 'tp-sub.js', { ...implParams(impl), kind, ns, progressEvery: PROGRESS_EVERY }));
  await Promise.all(subs.map((s) => s.waitFor('ready', 30_000 + subscribers * 1_000)));
  const pub = forkChild(`${impl}-pub`, 'tp-pub.js', { ...implParams(impl), kind, ns, target: subs[0]!.pid, window: WINDOW, lead: LEAD });
  await pub.waitFor('ready', 30_000);
  return { impl, subs, pub };
}

async function closeGroup(group: FlowGroup | undefined): Promise<void> {
  if (group) await Promise.all([group.pub, ...group.subs].map((p) => p.stop('SIGTERM', 10_000)));
}

/**
 * One round: `messages` published, each received by every subscriber. The
 * rate is every message received divided by the time from the publisher's
 * first send to the last receipt.
 */
async function runRound(ctx: BenchContext, group: FlowGroup, messages: number): Promise<RoundResult> {
  const round = rounds++;
  const { subs, pub } = group;
  const ofRound = (e: ChildEvent) => e['round'] === round;
  for (const sub of subs) sub.send({ cmd: 'expect', round, n: messages });
  await Promise.all(subs.map((s) => s.waitFor('expecting', 10_000, ofRound)));

  // Credit: the publisher may run at most LEAD messages ahead of the slowest subscriber.
  const progress = new Map<Proc, number>(subs.map((s) => [s, 0]));
  let granted = LEAD;
  let lastMove = Date.now();
  const disposers = subs.map((sub) =>
    sub.onEvent((event) => {
      if ((event.ev !== 'progress' && event.ev !== 'done') || event['round'] !== round) return;
      const n = Number(event['n'] ?? event['count']);
      if (n <= (progress.get(sub) ?? 0)) return;
      progress.set(sub, n);
      lastMove = Date.now();
      const slowest = Math.min(...progress.values());
      if (slowest + LEAD >= granted + PROGRESS_EVERY) {
        granted = slowest + LEAD;
        pub.send({ cmd: 'credit', round, upTo: granted });
      }
    }),
  );
  try {
    pub.send({ cmd: 'go', round, messages });
    const allDone = Promise.all(subs.map((s) => s.waitFor('done', 10 * 60_000, ofRound)));
    let finished = false;
    void allDone.then(
      () => (finished = true),
      () => (finished = true),
    );
    while (!finished) {
      await Promise.race([allDone.catch(() => undefined), new Promise((r) => setTimeout(r, 100))]);
      if (!finished && Date.now() - lastMove > STALL_MS) {
        ctx.log(`  ${group.impl}: no progress for ${STALL_MS} ms; collecting partial counts`);
        for (const sub of subs) sub.send({ cmd: 'report' });
        break;
      }
    }
    const results = await Promise.all(subs.map((s) => s.waitFor('done', 10_000, ofRound)));
    const sent = await pub.waitFor('sent', 30_000, ofRound);
    const start = Number(sent['start']);
    const received = results.reduce((sum, r) => sum + Number(r['count']), 0);
    const ms = Math.max(...results.map((r) => Number(r['last']))) - start;
    const subCpu = results.reduce((sum, r) => sum + Number(r['cpuMicros']), 0);
    return {
      rate: (received / ms) * 1000,
      received,
      expected: messages * subs.length,
      ms,
      publishErrors: Number(sent['errors']),
      pubCpuPerMsg: Number(sent['cpuMicros']) / messages,
      subCpuPerMsg: subCpu / Math.max(1, received),
    };
  } finally {
    for (const dispose of disposers) dispose();
  }
}

export interface FlowComparison {
  clustr: FlowSummary;
  raw: FlowSummary;
  /** When the comparison included them. */
  unbatched?: FlowSummary;
  signed?: FlowSummary;
  'signed-batched'?: FlowSummary;
  /** When it included clustr as an earlier commit built it. */
  prev?: FlowSummary;
}

interface FlowSummary {
  /** Median of the rounds' rates. */
  rate: number;
  pubCpuPerMsg: number;
  subCpuPerMsg: number;
  received: number;
  expected: number;
  publishErrors: number;
  rounds: RoundResult[];
}

function summarizeRounds(results: RoundResult[]): FlowSummary {
  return {
    rate: median(results.map((r) => r.rate)),
    pubCpuPerMsg: median(results.map((r) => r.pubCpuPerMsg)),
    subCpuPerMsg: median(results.map((r) => r.subCpuPerMsg)),
    received: results.reduce((sum, r) => sum + r.received, 0),
    expected: results.reduce((sum, r) => sum + r.expected, 0),
    publishErrors: results.reduce((sum, r) => sum + r.publishErrors, 0),
    rounds: results,
  };
}

/**
 * The setups side by side (raw and clustr, and `signed` when asked for); a
 * warm-up round each, then `roundCount` alternating rounds of `perRound` messages.
 */
export async function compareFlow(ctx: BenchContext, kind: Kind, subscribers: number, perRound: number, roundCount: number, extra: Impl[] = []): Promise<FlowComparison> {
  const impls: Impl[] = ['raw', 'clustr', ...extra];
  const groups: Partial<Record<Impl, FlowGroup>> = {};
  try {
    for (const impl of impls) groups[impl] = await openGroup(ctx, impl, kind, subscribers);
    const warmup = ctx.sizes.warmupMessages;
    for (const impl of impls) await runRound(ctx, groups[impl]!, warmup);
    const results: Record<Impl, RoundResult[]> = { clustr: [], unbatched: [], raw: [], signed: [], 'signed-batched': [], prev: [] };
    for (let i = 0; i < roundCount; i++) {
      const order = i % 2 === 0 ? impls : [...impls].reverse();
      for (const impl of order) results[impl].push(await runRound(ctx, groups[impl]!, perRound));
    }
    const out: FlowComparison = {
      clustr: summarizeRounds(results.clustr),
      raw: summarizeRounds(results.raw),
      ...Object.fromEntries(extra.map((impl) => [impl, summarizeRounds(results[impl])])),
    };
    for (const impl of impls) {
      const s = out[impl]!;
      ctx.log(
        `  ${kind} x${subscribers} ${impl}: ${Math.round(s.rate)}/s median of ${roundCount} rounds [${s.rounds.map((r) => Math.round(r.rate)).join(' ')}], ` +
          `received ${s.received}/${s.expected}; CPU µs/msg publisher ${s.pubCpuPerMsg.toFixed(2)}, subscribers ${s.subCpuPerMsg.toFixed(2)}`,
      );
    }
    return out;
  } finally {
    await Promise.all(Object.values(groups).map(closeGroup));
  }
}

function cpuFigures(scenario: string, id: string, what: string, cmp: FlowComparison): Figure[] {
  const common = { scenario, unit: 'CPU µs/msg', better: 'lower' as const };
  return [
    figure({ ...common, id: `${id}.pubCpu`, label: `${what}: publisher CPU per message sent`, clustr: cmp.clustr.pubCpuPerMsg, baselines: [{ name: 'ioredis', value: cmp.raw.pubCpuPerMsg }] }),
    figure({ ...common, id: `${id}.subCpu`, label: `${what}: subscriber CPU per message received`, clustr: cmp.clustr.subCpuPerMsg, baselines: [{ name: 'ioredis', value: cmp.raw.subCpuPerMsg }] }),
  ];
}

function detailOf(cmp: FlowComparison, extra: Record<string, unknown>): Record<string, unknown> {
  const strip = (s: FlowSummary) => ({ ...s, rounds: s.rounds.map((r) => ({ rate: Math.round(r.rate), ms: Math.round(r.ms), received: r.received, pubCpuPerMsg: r.pubCpuPerMsg, subCpuPerMsg: r.subCpuPerMsg })) });
  const more = {
    ...(cmp.unbatched === undefined ? {} : { unbatched: strip(cmp.unbatched) }),
    ...(cmp.signed === undefined ? {} : { signed: strip(cmp.signed) }),
    ...(cmp['signed-batched'] === undefined ? {} : { signedBatched: strip(cmp['signed-batched']) }),
  };
  return { ...extra, window: WINDOW, lead: LEAD, clustr: strip(cmp.clustr), raw: strip(cmp.raw), ...more };
}

export async function throughput(ctx: BenchContext): Promise<Figure[]> {
  const { p2pMessages, fanoutMessages, throughputRounds: n } = ctx.sizes;
  const p2p = await compareFlow(ctx, 'private', 1, Math.round(p2pMessages / n), n, ['unbatched', 'signed', 'signed-batched']);
  const signed = p2p.signed!;
  const batched = p2p['signed-batched']!;
  const fan = await compareFlow(ctx, 'public', 4, Math.round(fanoutMessages / n), n, ['unbatched']);
  const rate = (scenario: string, id: string, label: string, value: number, raw: number, target?: number, detail?: Record<string, unknown>) =>
    figure({
      scenario,
      id,
      label,
      unit: id.includes('fanout') ? 'delivered/s' : 'msg/s',
      better: 'higher',
      clustr: value,
      baselines: [{ name: 'ioredis', value: raw }],
      ...(target === undefined ? {} : { target: { kind: 'ratioAtLeast' as const, value: target } }),
      ...(detail === undefined ? {} : { detail }),
    });
  return [
    // Coalescing is on by default: the default row is the coalesced one, held to both targets (≥ 1.0×, ≥ 1.5×).
    rate('throughput', 'throughput.p2p', `point-to-point, default settings (coalescing on), ${p2pMessages} msgs in ${n} rounds (emitPrivate vs publish)`, p2p.clustr.rate, p2p.raw.rate, 1.5, detailOf(p2p, { messages: p2pMessages, rounds: n })),
    ...cpuFigures('throughput', 'throughput.p2p', 'point-to-point', p2p),
    rate('throughput', 'throughput.p2p.unbatched', 'point-to-point, coalesce: false (one PUBLISH per frame), same rounds', p2p.unbatched!.rate, p2p.raw.rate, undefined, { pubCpuPerMsg: p2p.unbatched!.pubCpuPerMsg, subCpuPerMsg: p2p.unbatched!.subCpuPerMsg }),
    // A cluster with a secret and default settings: what issue 11's >= 0.8x is about.
    rate('throughput', 'throughput.p2p.signed', 'point-to-point with a secret, default settings (a batch per tick, signed once), same rounds', batched.rate, p2p.raw.rate, 0.8, { pubCpuPerMsg: batched.pubCpuPerMsg, subCpuPerMsg: batched.subCpuPerMsg }),
    // The cost of signing itself: one HMAC per frame on each side.
    rate('throughput', 'throughput.p2p.signedUnbatched', 'point-to-point with a secret, coalesce: false (every frame signed and verified), same rounds', signed.rate, p2p.raw.rate, undefined, { unbatched: Math.round(p2p.unbatched!.rate), signed: Math.round(signed.rate) }),
    ...cpuFigures('throughput', 'throughput.p2p.signedUnbatched', 'point-to-point signed, coalesce: false', { clustr: signed, raw: p2p.raw }),
    rate('throughput', 'throughput.fanout4', `fan-out to 4 processes, default settings (coalescing on), ${fanoutMessages} msgs in ${n} rounds (emitPublic vs publish)`, fan.clustr.rate, fan.raw.rate, 1.5, detailOf(fan, { messages: fanoutMessages, rounds: n })),
    ...cpuFigures('throughput', 'throughput.fanout4', 'fan-out to 4', fan),
    rate('throughput', 'throughput.fanout4.unbatched', 'fan-out to 4, coalesce: false, same rounds', fan.unbatched!.rate, fan.raw.rate, undefined, { pubCpuPerMsg: fan.unbatched!.pubCpuPerMsg, subCpuPerMsg: fan.unbatched!.subCpuPerMsg }),
    ...(await againstPrevious(ctx)),
  ];
}

/**
 * With BENCH_PREV_RUNTIME set (bench/scripts/prev-runtime.sh builds it): point-to-point
 * throughput of this build against clustr as an earlier commit built it, in alternating
 * rounds of this run, raw ioredis beside. How the cost of this round's fault handling
 * (sequence numbers, the connection state machine, the bounded outbox) is measured.
 */
async function againstPrevious(ctx: BenchContext): Promise<Figure[]> {
  const prev = process.env['BENCH_PREV_RUNTIME'];
  if (prev === undefined || prev === '') return [];
  const { p2pMessages, throughputRounds: n } = ctx.sizes;
  // One PUBLISH per frame on both sides, as the earlier build sends: what the fault handling costs, not what coalescing gains.
  const cmp = await compareFlow(ctx, 'private', 1, Math.round(p2pMessages / n), n, ['unbatched', 'prev']);
  const name = process.env['BENCH_PREV_NAME'] ?? 'clustr before';
  return [
    figure({
      scenario: 'throughput',
      id: 'throughput.p2p.vsPrevious',
      label: `point-to-point, coalesce: false, ${p2pMessages} msgs in ${n} rounds, against ${name}`,
      unit: 'msg/s',
      better: 'higher',
      clustr: cmp.unbatched!.rate,
      baselines: [
        { name, value: cmp.prev!.rate },
        { name: 'ioredis', value: cmp.raw.rate },
      ],
      target: { kind: 'ratioAtLeast', value: 0.97 },
      detail: detailOf(cmp, { messages: p2pMessages, rounds: n, previous: prev, prevRate: cmp.prev!.rate }),
    }),
  ];
}

interface PingPair {
  ping: Proc;
  echo: Proc;
}

async function openPair(ctx: BenchContext, impl: Impl): Promise<PingPair> {
  const ns = ctx.ns(`rtt-${impl}`);
  const echo = forkChild(`${impl}-echo`, 'rtt-echo.js', { ...implParams(impl), ns });
  await echo.waitFor('ready', 30_000);
  const ping = forkChild(`${impl}-ping`, 'rtt-ping.js', { ...implParams(impl), ns, target: echo.pid });
  await ping.waitFor('ready', 30_000);
  return { ping, echo };
}

let blocks = 0;

/** `count` sequential round trips A -> B -> A; microseconds each. */
async function block(pair: PingPair, count: number): Promise<number[]> {
  const id = blocks++;
  pair.ping.send({ cmd: 'go', block: id, count });
  const done = await pair.ping.waitFor('done', 60_000 + count * 20, (e) => e['block'] === id);
  return done['samples'] as number[];
}

export async function latency(ctx: BenchContext): Promise<Figure[]> {
  const { rttCount, rttBlocks, rttWarmup } = ctx.sizes;
  const pairs: Partial<Record<Impl, PingPair>> = {};
  const samples: Record<Impl, number[]> = { clustr: [], unbatched: [], raw: [], signed: [], 'signed-batched': [], prev: [] };
  // With a secret and default settings (`signed-batched`): a lone frame goes alone in its tick, signed.
  const prevName = process.env['BENCH_PREV_RUNTIME'] ? (process.env['BENCH_PREV_NAME'] ?? 'clustr before') : undefined;
  const impls: Impl[] = ['raw', 'clustr', 'unbatched', 'signed-batched', ...(prevName === undefined ? [] : ['prev' as const])];
  try {
    for (const impl of impls) pairs[impl] = await openPair(ctx, impl);
    for (const impl of impls) await block(pairs[impl]!, rttWarmup);
    const perBlock = Math.round(rttCount / rttBlocks);
    for (let i = 0; i < rttBlocks; i++) {
      const order = i % 2 === 0 ? impls : [...impls].reverse();
      for (const impl of order) samples[impl].push(...(await block(pairs[impl]!, perBlock)));
    }
  } finally {
    await Promise.all(Object.values(pairs).flatMap((pair) => [pair.ping.stop('SIGTERM', 10_000), pair.echo.stop('SIGTERM', 10_000)]));
  }
  const raw = summarize(samples.raw);
  const clustr = summarize(samples.clustr);
  const signed = summarize(samples['signed-batched']);
  const unbatched = summarize(samples.unbatched);
  const prev = prevName === undefined ? undefined : summarize(samples.prev);
  if (prev !== undefined) ctx.log(`  ${prevName} p50 ${prev.p50.toFixed(0)} µs p99 ${prev.p99.toFixed(0)}`);
  ctx.log(
    `  raw p50 ${raw.p50.toFixed(0)} µs p99 ${raw.p99.toFixed(0)}; clustr p50 ${clustr.p50.toFixed(0)} µs p99 ${clustr.p99.toFixed(0)}; ` +
      `coalesce: false p50 ${unbatched.p50.toFixed(0)} µs p99 ${unbatched.p99.toFixed(0)}; signed p50 ${signed.p50.toFixed(0)} µs p99 ${signed.p99.toFixed(0)}`,
  );
  const detail = { count: rttCount, blocks: rttBlocks, warmup: rttWarmup, clustr, raw, unbatched, signed };
  const common = { scenario: 'latency', unit: 'µs', better: 'lower' as const, detail };
  return [
    figure({ ...common, id: 'latency.p50', label: `round trip p50, default settings, ${rttCount} sequential A→B→A in ${rttBlocks} blocks`, clustr: clustr.p50, baselines: [{ name: 'ioredis', value: raw.p50 }], target: { kind: 'ratioAtMost', value: 1.05 } }),
    figure({ ...common, id: 'latency.p99', label: 'round trip p99', clustr: clustr.p99, baselines: [{ name: 'ioredis', value: raw.p99 }], target: { kind: 'ratioAtMost', value: 1.1 } }),
    figure({ ...common, id: 'latency.max', label: 'round trip max', clustr: clustr.max, baselines: [{ name: 'ioredis', value: raw.max }] }),
    // A lone frame is flushed in the tick it was emitted in: coalescing must not show here.
    figure({ ...common, id: 'latency.p50.coalescing', label: 'round trip p50, default (coalescing on) against coalesce: false, same blocks', clustr: clustr.p50, baselines: [{ name: 'coalesce: false', value: unbatched.p50 }, { name: 'ioredis', value: raw.p50 }] }),
    ...(prev === undefined
      ? []
      : [figure({ ...common, id: 'latency.p50.vsPrevious', label: `round trip p50 against ${prevName!}, coalesce: false, same blocks`, clustr: unbatched.p50, baselines: [{ name: prevName!, value: prev.p50 }, { name: 'ioredis', value: raw.p50 }] })]),
    figure({ ...common, id: 'latency.p50.signed', label: 'round trip p50 with a secret (both frames signed and verified), same blocks', clustr: signed.p50, baselines: [{ name: 'ioredis', value: raw.p50 }], target: { kind: 'ratioAtMost', value: 1.2 } }),
    figure({ ...common, id: 'latency.p99.signed', label: 'round trip p99 with a secret', clustr: signed.p99, baselines: [{ name: 'ioredis', value: raw.p99 }] }),
  ];
}

export async function scalingFanout(ctx: BenchContext): Promise<Figure[]> {
  const figures: Figure[] = [];
  const n = ctx.sizes.scalingRounds;
  for (const subscribers of ctx.sizes.scaling) {
    const messages = Math.round(ctx.sizes.scalingDelivered / subscribers);
    const cmp = await compareFlow(ctx, 'public', subscribers, Math.round(messages / n), n);
    figures.push(
      figure({
        scenario: 'scaling',
        id: `scaling.fanout${subscribers}`,
        label: `fan-out to ${subscribers} processes, ${messages} msgs in ${n} rounds`,
        unit: 'delivered/s',
        better: 'higher',
        clustr: cmp.clustr.rate,
        baselines: [{ name: 'ioredis', value: cmp.raw.rate }],
        detail: detailOf(cmp, { messages, rounds: n }),
      }),
    );
  }
  return figures;
}
