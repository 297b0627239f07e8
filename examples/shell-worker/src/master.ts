// Two Node workers and, once they are ready, a bash worker. The bash script speaks to the
// cluster with the `clustr` command: it sends the Node workers a group message, and the
// master stops the cluster once both have confirmed it.
import { join } from 'node:path';
import { Master } from '@clustr/runtime';

const master = Master.create();
const say = (text: string) => console.log(`master ${master.pid}: ${text}`);

master.spawn([{ file: 'node-worker.js' }, { file: 'node-worker.js' }]);

master.onClusterStarted(() => {
  say(`Node workers ready: ${JSON.stringify(master.clusterInfo)}`);
  master.onConfirmation(2, 'heard-bash', (confirmations) => {
    say(`both Node workers heard the bash worker (${confirmations.map((c) => c.meta.pid).join(', ')}); stopping`);
    void master.close(0);
  });
  // Any program runs as a worker with `command`. It gets the cluster's identity in its
  // environment (CLUSTR_NAMESPACE, CLUSTR_REDIS_URL, CLUSTR_SECRET when set), so `clustr`
  // reaches this cluster without flags; PATH gets this package's node_modules/.bin, as
  // `npm start` would give it, for `clustr` itself.
  const bin = join(__dirname, '..', 'node_modules', '.bin');
  master.spawn([{ file: '../worker.sh', command: 'bash', env: { PATH: `${bin}:${process.env['PATH'] ?? ''}` } }]);
});
