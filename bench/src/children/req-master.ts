/**
 * The master of the request scenario: spawns `members` req-member workers of
 * group `jobs` and tells the bench their pids once all have registered. It
 * keeps the membership every process picks `{ group: 'jobs' }` members from.
 */
import { join } from 'node:path';
import { Master } from '@clustr/runtime';
import { exitWithParent, fail, params, redis, send } from './common';

const p = params<{ ns: string; members: number }>();

try {
  const master = Master.create({ namespace: p.ns, reloadDelay: 0, publisher: redis(), subscriber: redis() });
  master.spawn(Array.from({ length: p.members }, () => ({ file: join(__dirname, 'req-member.js'), output: 'inherit' as const })));
  master.onClusterStarted(() => send({ ev: 'ready', pid: process.pid, members: master.clusterInfo['jobs'] ?? [] }));
  // Lost the bench: stop the cluster the way SIGTERM does.
  exitWithParent(() => process.kill(process.pid, 'SIGTERM'));
} catch (error) {
  fail(error);
}
