/**
 * A member of group `jobs` for the request scenario, spawned by req-master: it
 * answers every request with its body, as rtt-echo sends every message back.
 * Method `work` first keeps the CPU busy for WORK_MICROS, as a handler that
 * computes something would.
 */
import { WORK_MICROS, clustrRequestWorker, fail } from './common';

function busy(micros: number): void {
  const until = process.hrtime.bigint() + BigInt(micros * 1000);
  while (process.hrtime.bigint() < until);
}

async function main(): Promise<void> {
  const worker = await clustrRequestWorker('jobs');
  worker.onRequest(({ data }) => data);
  worker.onRequest('work', ({ data }) => {
    busy(WORK_MICROS);
    return data;
  });
  await worker.emitReady();
}

main().catch(fail);
