/** Round-trip responder (B): sends every private message straight back to its sender. */
import { clustrWorker, envelope, exitWithParent, fail, frameIds, params, rawChannels, redis, send } from './common';

interface Params {
  /** `signed`: clustr with a secret (every frame signed and verified); `signed-batched`: the same with `coalesce`. */
  impl: 'clustr' | 'unbatched' | 'signed' | 'signed-batched' | 'raw' | 'prev';
  /** The secret of the signed sides. */
  secret?: string;
  coalesce?: boolean;
  ns: string;
}

const p = params<Params>();
exitWithParent();

async function main(): Promise<void> {
  if (p.impl !== 'raw') {
    const worker = await clustrWorker('echo', p.ns, { ...(p.secret === undefined ? {} : { secret: p.secret }), ...(p.coalesce === undefined ? {} : { coalesce: p.coalesce }), prev: p.impl === 'prev' });
    worker.onPrivate((message) => {
      worker.emitPrivate(message.meta.pid, message.data).catch(fail);
    });
    await worker.emitReady();
  } else {
    // A graceful exit on SIGTERM, as clustr's Worker does, so exit hooks (e.g. --cpu-prof) run alike.
    process.on('SIGTERM', () => process.exit(0));
    const publisher = redis();
    const subscriber = redis();
    const nextId = frameIds(process.pid);
    let echoSeq = 0;
    subscriber.on('message', (_channel: string, raw: string) => {
      const frame = JSON.parse(raw) as { meta: { pid: number }; data: unknown };
      publisher.publish(rawChannels.private(p.ns, frame.meta.pid), envelope('private', nextId(), process.pid, 'echo', frame.data, ++echoSeq)).catch(fail);
    });
    await Promise.all([subscriber.subscribe(rawChannels.private(p.ns, process.pid)), publisher.ping()]);
  }
  send({ ev: 'ready', pid: process.pid });
}

main().catch(fail);
