/**
 * Throughput subscriber: for each round the bench announces, counts messages
 * until it has the expected number, reporting progress (which the bench turns
 * into credit for the publisher) and its CPU time.
 */
import { clustrWorker, exitWithParent, fail, now, onCommand, params, rawChannels, redis, send } from './common';

interface Params {
  /**
   * `signed`: clustr with a secret (every frame signed and verified); `signed-batched`: the same
   * with `coalesce`; `prev`: clustr as built from an earlier commit (BENCH_PREV_RUNTIME).
   */
  impl: 'clustr' | 'unbatched' | 'signed' | 'signed-batched' | 'raw' | 'prev';
  /** The secret of the signed sides. */
  secret?: string;
  coalesce?: boolean;
  kind: 'public' | 'private';
  ns: string;
  progressEvery: number;
}

const p = params<Params>();
let round = -1;
let expected = 0;
let count = 0;
let first = 0;
let last = 0;
/** CPU time since the round was announced: the cost of receiving, which wall-clock rates on a shared machine hide. */
let cpuAtStart: NodeJS.CpuUsage | undefined;
const cpuMicros = () => {
  const used = process.cpuUsage(cpuAtStart);
  return used.user + used.system;
};

function received(): void {
  count++;
  if (count === 1) first = now();
  if (count % p.progressEvery === 0) send({ ev: 'progress', round, n: count });
  if (count === expected) {
    last = now();
    send({ ev: 'done', round, count, first, last, cpuMicros: cpuMicros() });
  }
}

onCommand((command) => {
  if (command.cmd === 'expect') {
    round = command['round'] as number;
    expected = command['n'] as number;
    count = 0;
    first = 0;
    last = 0;
    cpuAtStart = process.cpuUsage();
    send({ ev: 'expecting', round });
  } else if (command.cmd === 'report') {
    // The bench gave up waiting (a lost subscriber, a stall): report what arrived.
    send({ ev: 'done', round, count, first, last: last || now(), cpuMicros: cpuMicros() });
  }
});
exitWithParent();

async function main(): Promise<void> {
  if (p.impl !== 'raw') {
    const worker = await clustrWorker('sub', p.ns, { ...(p.secret === undefined ? {} : { secret: p.secret }), ...(p.coalesce === undefined ? {} : { coalesce: p.coalesce }), prev: p.impl === 'prev' });
    if (p.kind === 'private') worker.onPrivate(received);
    else worker.onPublic(received);
    // emitReady resolves once the subscriptions are confirmed.
    await worker.emitReady();
  } else {
    // A graceful exit on SIGTERM, as clustr's Worker does, so exit hooks (e.g. --cpu-prof) run alike.
    process.on('SIGTERM', () => process.exit(0));
    const subscriber = redis();
    subscriber.on('message', (_channel: string, raw: string) => {
      const frame = JSON.parse(raw) as { kind: string };
      if (frame.kind === p.kind) received();
    });
    await subscriber.subscribe(p.kind === 'private' ? rawChannels.private(p.ns, process.pid) : rawChannels.public(p.ns));
  }
  send({ ev: 'ready', pid: process.pid });
}

main().catch(fail);
