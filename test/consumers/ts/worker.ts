import { Worker } from '@clustr/runtime';
import { messages } from './messages.js';

const worker = Worker.create({ group: 'echo', messages, reloadDelay: 0 });
worker.onPrivate(({ meta, data }) => {
  // data is { n: number }: the schema's static type.
  void worker.emitPrivate(meta.pid, { n: data.n + 1 });
});
void worker.emitReady();
