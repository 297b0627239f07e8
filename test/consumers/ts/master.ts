// A real cluster: this master spawns worker.js, sends it a typed private message and
// stops the cluster when the answer comes back. No top-level await: this file is
// compiled to CommonJS in some projects.
import { Master, isClustrError } from '@clustr/runtime';
import { messages } from './messages.js';

const master = Master.create({ messages, reloadDelay: 0 });

master.onPrivate(({ meta, data }) => {
  console.log(`answer ${data.n} from ${meta.group}`);
  void master.close(data.n === 42 ? 0 : 1);
});
master.onError((error) => {
  console.error(isClustrError(error) ? error.code : error);
});
master.onClusterStarted(() => {
  const pid = master.clusterInfo['echo']?.[0];
  if (pid === undefined) throw new Error('no echo worker registered');
  void master.emitPrivate(pid, { n: 41 });
});
master.spawn([{ file: 'worker.js' }]);
