/** An idle clustr worker: created, registered, doing nothing. The bench reads its RSS. */
import { Worker } from '@clustr/runtime';
import { exitWithParent, fail, params, send } from './common';

const p = params<{ ns: string }>();
exitWithParent();
const worker = Worker.create({ group: 'idle', namespace: p.ns, reloadDelay: 0 });
worker.emitReady().then(() => send({ ev: 'ready', pid: process.pid }), fail);
