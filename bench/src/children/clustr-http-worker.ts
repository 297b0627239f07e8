/** A clustr HTTP worker: serves the shared socket with serveHttp (which drains on kill) and registers. */
import { Worker, serveHttp } from '@clustr/runtime';
import { handle } from './http-handler';
import { fail, params } from './common';

interface Params {
  reloadDelay: number;
  drainMs: number;
}

const p = params<Params>();

async function main(): Promise<void> {
  const worker = Worker.create({ group: 'web', reloadDelay: p.reloadDelay });
  await serveHttp(worker, handle, { drainTimeout: p.drainMs });
  await worker.emitReady();
}

main().catch(fail);
