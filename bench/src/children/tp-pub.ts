/**
 * Throughput publisher: for each round, sends `messages` as fast as the same
 * flow control lets it, with clustr or with raw ioredis. Flow control is
 * identical for both: at most `window` publishes awaiting Redis's reply, and
 * never more than the credit the bench grants (the slowest subscriber's
 * progress plus `lead`), so a slow subscriber is never flooded past Redis's
 * pub/sub output-buffer limit.
 */
import { clustrWorker, envelope, exitWithParent, fail, frameIds, now, onCommand, params, payload, rawChannels, redis, send } from './common';

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
  /** Receiver of private messages. */
  target: number;
  window: number;
  lead: number;
}

const p = params<Params>();
let round = -1;
let credit = 0;
let wakeCredit: (() => void) | undefined;
let sendOne: (seq: number) => Promise<number>;

onCommand((command) => {
  if (command.cmd === 'credit') {
    if (command['round'] !== round) return;
    credit = Math.max(credit, command['upTo'] as number);
    const wake = wakeCredit;
    wakeCredit = undefined;
    wake?.();
  } else if (command.cmd === 'go') {
    round = command['round'] as number;
    credit = p.lead;
    run(command['messages'] as number).catch(fail);
  }
});
exitWithParent();

async function setup(): Promise<void> {
  if (p.impl !== 'raw') {
    const worker = await clustrWorker('pub', p.ns, { ...(p.secret === undefined ? {} : { secret: p.secret }), ...(p.coalesce === undefined ? {} : { coalesce: p.coalesce }), prev: p.impl === 'prev' });
    await worker.emitReady();
    sendOne = p.kind === 'private' ? (seq) => worker.emitPrivate(p.target, payload(seq)) : (seq) => worker.emitPublic(payload(seq));
  } else {
    // A graceful exit on SIGTERM, as clustr's Worker does, so exit hooks (e.g. --cpu-prof) run alike.
    process.on('SIGTERM', () => process.exit(0));
    const publisher = redis();
    await publisher.ping();
    const nextId = frameIds(process.pid);
    const channel = p.kind === 'private' ? rawChannels.private(p.ns, p.target) : rawChannels.public(p.ns);
    sendOne = (seq) => publisher.publish(channel, envelope(p.kind, nextId(), process.pid, 'pub', payload(seq), seq + 1));
  }
  send({ ev: 'ready', pid: process.pid });
}

async function run(messages: number): Promise<void> {
  const start = now();
  const cpuAtStart = process.cpuUsage();
  let errors = 0;
  let inflight = 0;
  let wakeWindow: (() => void) | undefined;
  const settled = () => {
    inflight--;
    if (wakeWindow && inflight <= p.window >> 1) {
      const wake = wakeWindow;
      wakeWindow = undefined;
      wake();
    }
  };
  const failed = () => {
    errors++;
    settled();
  };
  for (let seq = 0; seq < messages; seq++) {
    while (seq >= credit) await new Promise<void>((resolve) => (wakeCredit = resolve));
    inflight++;
    sendOne(seq).then(settled, failed);
    if (inflight >= p.window) await new Promise<void>((resolve) => (wakeWindow = resolve));
  }
  while (inflight > 0) await new Promise<void>((resolve) => (wakeWindow = resolve));
  const cpu = process.cpuUsage(cpuAtStart);
  send({ ev: 'sent', round, start, end: now(), errors, cpuMicros: cpu.user + cpu.system });
}

setup().catch(fail);
