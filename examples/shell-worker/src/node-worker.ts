// A Node worker: prints every group message and confirms it to the master.
import { Worker } from '@clustr/runtime';

const worker = Worker.create({ group: 'node' });
worker.onGroup(({ meta, data }) => {
  console.log(`node ${worker.pid}: ${JSON.stringify(data)} (sent by ${meta.group} ${meta.pid})`);
  void worker.emitConfirmation('heard-bash');
});
void worker.emitReady();
