// Named imports from the CommonJS build: Node's ESM loader detects clustr's exports.
import { Worker, isClustrError } from '@clustr/runtime';
import { createTestCluster } from '@clustr/testkit';
import { Type } from '@sinclair/typebox';

if (typeof isClustrError !== 'function' || typeof createTestCluster !== 'function') throw new Error('named ESM imports');

const worker = Worker.create({ group: 'echo', messages: { private: Type.Object({ n: Type.Integer() }) }, reloadDelay: 0 });
worker.onPrivate(({ meta, data }) => void worker.emitPrivate(meta.pid, { n: data.n + 1 }));
await worker.emitReady();
