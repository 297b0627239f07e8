/**
 * Round-trip initiator (A): for each block the bench asks for, `count`
 * sequential private messages to B, each sent only after the previous one came
 * back; reports every round trip in microseconds.
 */
import { clustrWorker, envelope, exitWithParent, fail, frameIds, onCommand, params, payload, rawChannels, redis, send } from './common';

interface Params {
  /** `signed`: clustr with a secret (every frame signed and verified); `signed-batched`: the same with `coalesce`. */
  impl: 'clustr' | 'unbatched' | 'signed' | 'signed-batched' | 'raw' | 'prev';
  /** The secret of the signed sides. */
  secret?: string;
  coalesce?: boolean;
  ns: string;
  target: number;
}

const p = params<Params>();
let pending: ((seq: number) => void) | undefined;
let sendOne: (seq: number) => Promise<number>;
exitWithParent();

function replied(seq: number): void {
  const resolve = pending;
  pending = undefined;
  resolve?.(seq);
}

async function setup(): Promise<void> {
  if (p.impl !== 'raw') {
    const worker = await clustrWorker('ping', p.ns, { ...(p.secret === undefined ? {} : { secret: p.secret }), ...(p.coalesce === undefined ? {} : { coalesce: p.coalesce }), prev: p.impl === 'prev' });
    worker.onPrivate((message) => replied((message.data as { seq: number }).seq));
    await worker.emitReady();
    sendOne = (seq) => worker.emitPrivate(p.target, payload(seq));
  } else {
    // A graceful exit on SIGTERM, as clustr's Worker does, so exit hooks (e.g. --cpu-prof) run alike.
    process.on('SIGTERM', () => process.exit(0));
    const publisher = redis();
    const subscriber = redis();
    const nextId = frameIds(process.pid);
    subscriber.on('message', (_channel: string, raw: string) => {
      replied((JSON.parse(raw) as { data: { seq: number } }).data.seq);
    });
    await Promise.all([subscriber.subscribe(rawChannels.private(p.ns, process.pid)), publisher.ping()]);
    const channel = rawChannels.private(p.ns, p.target);
    sendOne = (seq) => publisher.publish(channel, envelope('private', nextId(), process.pid, 'ping', payload(seq), seq + 1));
  }
  send({ ev: 'ready', pid: process.pid });
}

let nextSeq = 0;

async function run(block: number, count: number): Promise<void> {
  const samples = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const seq = nextSeq++;
    const back = new Promise<number>((resolve) => (pending = resolve));
    const start = process.hrtime.bigint();
    sendOne(seq).catch(fail);
    const got = await back;
    const micros = Number(process.hrtime.bigint() - start) / 1000;
    if (got !== seq) fail(new Error(`round trip ${seq} came back as ${got}`));
    samples[i] = micros;
  }
  send({ ev: 'done', block, samples: Array.from(samples) });
}

onCommand((command) => {
  if (command.cmd === 'go') run(command['block'] as number, command['count'] as number).catch(fail);
});
setup().catch(fail);
