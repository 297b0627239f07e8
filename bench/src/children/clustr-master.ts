/**
 * A clustr master for the start and reload scenarios: binds a shared port,
 * spawns `workers` HTTP workers and tells the bench when they have all
 * registered (onClusterStarted) and when each reload (SIGHUP) is done.
 */
import { join } from 'node:path';
import { Master } from '@clustr/runtime';
import { exitWithParent, fail, now, params, send } from './common';

interface Params {
  ns: string;
  workers: number;
  reloadDelay: number;
  /** How connections reach the workers (master.listen's option); default round-robin. */
  distribution?: 'round-robin' | 'shared';
}

const t0 = now();
const p = params<Params>();

try {
  const master = Master.create({ namespace: p.ns, reloadDelay: p.reloadDelay });
  const { port } = master.listen({ port: 0, ...(p.distribution === undefined ? {} : { distribution: p.distribution }) });
  master.spawn(Array.from({ length: p.workers }, () => ({ file: join(__dirname, 'clustr-http-worker.js'), output: 'inherit' as const })));
  master.onClusterStarted(() => {
    const info = master.clusterInfo;
    const pids = Object.entries(info)
      .filter(([group]) => group !== 'master')
      .flatMap(([, list]) => list);
    send({ ev: 'started', port, pids, innerMs: now() - t0 });
  });
  master.onClusterReloaded((result) => send({ ev: 'reloaded', ok: true, replaced: result.replaced.length }));
  master.onReloadFailed((result) => send({ ev: 'reloaded', ok: false, failure: result.failure }));
  // Lost the bench: stop the cluster the way SIGTERM does.
  exitWithParent(() => process.kill(process.pid, 'SIGTERM'));
} catch (error) {
  fail(error);
}
