/**
 * Scenario 8 (requests): request/reply round trips against the raw ioredis
 * round trip of scenario 2 (and clustr's own emitPrivate echo), and request
 * throughput to one member by pid beside requests balanced over a group of four.
 *
 * A master (req-master) spawns four `jobs` members that answer each request
 * with its body; a caller (req-caller), not part of the cluster, sends them.
 * As in the messaging scenarios, the two sides of each comparison run side by
 * side and alternate block by block, so both see the same machine.
 */
import type { BenchContext } from '../lib/context';
import { forkChild, type Proc } from '../lib/proc';
import { figure, type Figure } from '../lib/report';
import { median, summarize } from '../lib/stats';
import { WORK_MICROS } from '../children/common';

const MEMBERS = 4;

interface RequestCluster {
  master: Proc;
  caller: Proc;
  members: number[];
}

async function openCluster(ctx: BenchContext): Promise<RequestCluster> {
  const ns = ctx.ns('req');
  const master = forkChild('req-master', 'req-master.js', { ns, members: MEMBERS });
  const ready = await master.waitFor('ready', 60_000);
  const members = [...(ready['members'] as number[])].sort((a, b) => a - b);
  if (members.length !== MEMBERS) throw new Error(`req-master reported ${members.length} members, not ${MEMBERS}`);
  const caller = forkChild('req-caller', 'req-caller.js', { ns });
  await caller.waitFor('ready', 30_000);
  return { master, caller, members };
}

async function closeCluster(cluster: Partial<RequestCluster>): Promise<void> {
  await Promise.all([cluster.caller?.stop('SIGTERM', 10_000), cluster.master?.stop('SIGTERM', 20_000)]);
}

let blocks = 0;

/** `count` sequential round trips on the raw pair (rtt-ping) or as requests; microseconds each. */
async function rawBlock(ping: Proc, count: number): Promise<number[]> {
  const id = blocks++;
  ping.send({ cmd: 'go', block: id, count });
  return (await ping.waitFor('done', 60_000 + count * 20, (e) => e['block'] === id))['samples'] as number[];
}

async function requestBlock(caller: Proc, target: number, count: number): Promise<number[]> {
  const id = blocks++;
  caller.send({ cmd: 'rtt', block: id, target, count });
  return (await caller.waitFor('done', 60_000 + count * 20, (e) => e['block'] === id))['samples'] as number[];
}

let rounds = 0;

interface Flow {
  rate: number;
  cpu: number;
  errors: number;
}

async function flowRound(caller: Proc, target: number | { group: string }, method: string | undefined, count: number, window: number): Promise<Flow> {
  const round = rounds++;
  caller.send({ cmd: 'flow', round, target, method, count, window });
  const done = await caller.waitFor('flowed', 120_000, (e) => e['round'] === round);
  return { rate: done['rate'] as number, cpu: done['cpuMicrosPerRequest'] as number, errors: done['errors'] as number };
}

export async function requests(ctx: BenchContext): Promise<Figure[]> {
  const { rttCount, rttBlocks, rttWarmup } = ctx.sizes;
  const { perRound, rounds: roundCount, window } = ctx.sizes.requests;
  const cluster: Partial<RequestCluster> = {};
  const pairs: Array<Proc | undefined> = [];
  const samples = { raw: [] as number[], request: [] as number[], private: [] as number[] };
  /** The p50 of each block: how much the figure moves with the machine. */
  const blockP50s = { raw: [] as number[], request: [] as number[], private: [] as number[] };
  // Two handlers: an echo (the messaging cost alone) and one that computes for WORK_MICROS first.
  const flows = {
    echo: { p2p: [] as Flow[], group: [] as Flow[] },
    work: { p2p: [] as Flow[], group: [] as Flow[] },
  };
  try {
    Object.assign(cluster, await openCluster(ctx));
    const { caller, members } = cluster as RequestCluster;
    const target = members[0]!;
    // The pairs of scenario 2: raw ioredis A→B→A, and clustr's emitPrivate echo.
    const openPair = async (impl: 'raw' | 'clustr'): Promise<Proc> => {
      const ns = ctx.ns(`req-${impl}`);
      const echo = forkChild(`${impl}-echo`, 'rtt-echo.js', { impl, ns });
      pairs.push(echo);
      await echo.waitFor('ready', 30_000);
      const ping = forkChild(`${impl}-ping`, 'rtt-ping.js', { impl, ns, target: echo.pid });
      pairs.push(ping);
      await ping.waitFor('ready', 30_000);
      return ping;
    };
    const rawPing = await openPair('raw');
    const privatePing = await openPair('clustr');
    const run: Record<keyof typeof samples, (count: number) => Promise<number[]>> = {
      raw: (count) => rawBlock(rawPing, count),
      request: (count) => requestBlock(caller, target, count),
      private: (count) => rawBlock(privatePing, count),
    };

    // Round trips: request(pid) → onRequest → reply, beside the raw and the emitPrivate echo, in rotating order.
    for (const kind of ['raw', 'request', 'private'] as const) await run[kind](rttWarmup);
    const perBlock = Math.round(rttCount / rttBlocks);
    const orders = [['raw', 'request', 'private'], ['request', 'private', 'raw'], ['private', 'raw', 'request']] as const;
    for (let i = 0; i < rttBlocks; i++) {
      for (const kind of orders[i % orders.length]!) {
        const block = await run[kind](perBlock);
        samples[kind].push(...block);
        blockP50s[kind].push(Math.round(summarize(block).p50));
      }
    }

    // Throughput: `window` requests in flight, to one member by pid or to the group of four.
    for (const handler of ['echo', 'work'] as const) {
      const method = handler === 'work' ? 'work' : undefined;
      await flowRound(caller, target, method, perRound, window);
      await flowRound(caller, { group: 'jobs' }, method, perRound, window);
      for (let i = 0; i < roundCount; i++) {
        const order = i % 2 === 0 ? (['p2p', 'group'] as const) : (['group', 'p2p'] as const);
        for (const kind of order) flows[handler][kind].push(await flowRound(caller, kind === 'p2p' ? target : { group: 'jobs' }, method, perRound, window));
      }
    }
  } finally {
    await Promise.all([closeCluster(cluster), ...pairs.map((proc) => proc?.stop('SIGTERM', 10_000))]);
  }

  const raw = summarize(samples.raw);
  const request = summarize(samples.request);
  const emitPrivate = summarize(samples.private);
  ctx.log(
    `  round trip: raw p50 ${raw.p50.toFixed(0)} µs p99 ${raw.p99.toFixed(0)}; request p50 ${request.p50.toFixed(0)} µs p99 ${request.p99.toFixed(0)}; ` +
      `emitPrivate echo p50 ${emitPrivate.p50.toFixed(0)} µs p99 ${emitPrivate.p99.toFixed(0)}`,
  );
  ctx.log(`  p50 per block: raw [${blockP50s.raw.join(' ')}], request [${blockP50s.request.join(' ')}], emitPrivate [${blockP50s.private.join(' ')}]`);
  const sum = (list: Flow[]) => ({ rate: median(list.map((f) => f.rate)), cpu: median(list.map((f) => f.cpu)), errors: list.reduce((n, f) => n + f.errors, 0) });
  const echo = { p2p: sum(flows.echo.p2p), group: sum(flows.echo.group) };
  const work = { p2p: sum(flows.work.p2p), group: sum(flows.work.group) };
  const rates = (list: Flow[]) => list.map((f) => Math.round(f.rate)).join(' ');
  for (const [name, got, raw] of [['echo', echo, flows.echo], [`${WORK_MICROS} µs of work`, work, flows.work]] as const) {
    ctx.log(
      `  throughput, ${name} (window ${window}): to one member ${Math.round(got.p2p.rate)}/s [${rates(raw.p2p)}], to a group of ${MEMBERS} ${Math.round(got.group.rate)}/s [${rates(raw.group)}]; ` +
        `caller CPU µs/request ${got.p2p.cpu.toFixed(1)} / ${got.group.cpu.toFixed(1)}`,
    );
  }
  const errors = echo.p2p.errors + echo.group.errors + work.p2p.errors + work.group.errors;
  if (errors > 0) throw new Error(`${errors} requests failed during the throughput rounds`);
  const rttDetail = { count: rttCount, blocks: rttBlocks, warmup: rttWarmup, request, raw, emitPrivate, blockP50s };
  const flowDetail = { perRound, rounds: roundCount, window, members: MEMBERS, workMicros: WORK_MICROS, flows };
  return [
    figure({
      scenario: 'requests',
      id: 'requests.p50',
      label: `request/reply round trip p50, ${rttCount} sequential requests in ${rttBlocks} blocks (request(pid) vs raw A→B→A)`,
      unit: 'µs',
      better: 'lower',
      clustr: request.p50,
      baselines: [
        { name: 'ioredis', value: raw.p50 },
        { name: 'clustr emitPrivate', value: emitPrivate.p50 },
      ],
      target: { kind: 'ratioAtMost', value: 1.15 },
      detail: rttDetail,
    }),
    figure({ scenario: 'requests', id: 'requests.p99', label: 'request/reply round trip p99', unit: 'µs', better: 'lower', clustr: request.p99, baselines: [{ name: 'ioredis', value: raw.p99 }, { name: 'clustr emitPrivate', value: emitPrivate.p99 }], detail: rttDetail }),
    figure({
      scenario: 'requests',
      id: 'requests.group4',
      label: `requests/s answered by an echo handler, ${perRound} per round in ${roundCount} rounds, ${window} in flight: request({ group }) over ${MEMBERS} members vs request(pid) to one`,
      unit: 'req/s',
      better: 'higher',
      clustr: echo.group.rate,
      baselines: [{ name: 'point-to-point', value: echo.p2p.rate }],
      detail: flowDetail,
    }),
    figure({
      scenario: 'requests',
      id: 'requests.group4.work',
      label: `the same with ${WORK_MICROS} µs of CPU work per request in the handler`,
      unit: 'req/s',
      better: 'higher',
      clustr: work.group.rate,
      baselines: [{ name: 'point-to-point', value: work.p2p.rate }],
      detail: flowDetail,
    }),
    figure({
      scenario: 'requests',
      id: 'requests.group4.callerCpu',
      label: 'caller CPU per request (echo): group of 4 vs one member',
      unit: 'CPU µs/req',
      better: 'lower',
      clustr: echo.group.cpu,
      baselines: [{ name: 'point-to-point', value: echo.p2p.cpu }],
      detail: flowDetail,
    }),
  ];
}
