/**
 * The caller of the request scenario: a clustr Worker (not registered) that
 * sends requests to one member by pid or to `{ group: 'jobs' }`.
 *
 * - `rtt`: `count` sequential requests, each sent when the previous reply came
 *   back; reports every round trip in microseconds (as rtt-ping does).
 * - `flow`: `count` requests (to `method`, or the unnamed one) with at most
 *   `window` waiting; reports requests answered per second and the caller's
 *   CPU time per request.
 */
import type { Worker } from '@clustr/runtime';
import { clustrRequestWorker, exitWithParent, fail, now, onCommand, params, payload, send } from './common';

const p = params<{ ns: string }>();
let worker: Worker;
exitWithParent();

type Target = number | { group: string };

async function rtt(block: number, target: Target, count: number): Promise<void> {
  const samples = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    const reply = (await worker.request(target, payload(i))) as { seq: number };
    samples[i] = Number(process.hrtime.bigint() - start) / 1000;
    if (reply.seq !== i) fail(new Error(`request ${i} came back as ${reply.seq}`));
  }
  send({ ev: 'done', block, samples: Array.from(samples) });
}

function flow(round: number, target: Target, method: string | undefined, count: number, window: number): Promise<void> {
  return new Promise((resolve) => {
    let sent = 0;
    let answered = 0;
    let errors = 0;
    const cpu = process.cpuUsage();
    const start = now();
    const one = (): void => {
      const seq = sent++;
      (method === undefined ? worker.request(target, payload(seq), { timeout: 30_000 }) : worker.request(method, target, payload(seq), { timeout: 30_000 })).then(
        () => next(),
        () => {
          errors++;
          next();
        },
      );
    };
    const next = (): void => {
      answered++;
      if (sent < count) one();
      else if (answered === count) {
        const ms = now() - start;
        const used = process.cpuUsage(cpu);
        send({ ev: 'flowed', round, count, errors, ms, rate: (count / ms) * 1000, cpuMicrosPerRequest: (used.user + used.system) / count });
        resolve();
      }
    };
    for (let i = 0; i < Math.min(window, count); i++) one();
  });
}

async function main(): Promise<void> {
  worker = await clustrRequestWorker('caller', p.ns);
  // The membership view comes with the first request; one to the group fetches it before timing starts.
  await worker.request({ group: 'jobs' }, payload(0));
  onCommand((command) => {
    const target = command['target'] as Target;
    if (command.cmd === 'rtt') rtt(command['block'] as number, target, command['count'] as number).catch(fail);
    if (command.cmd === 'flow') flow(command['round'] as number, target, command['method'] as string | undefined, command['count'] as number, command['window'] as number).catch(fail);
  });
  send({ ev: 'ready', pid: process.pid });
}

main().catch(fail);
