import { Worker } from '@clustr/runtime';
import { messages, say } from './messages';

const worker = Worker.create({ group: 'helpers', messages, reloadDelay: 50 });
const me = `helper ${worker.pid}`;
say(me, `child of ${worker.parentPid}; inherited cluster-color=${String(worker.config['cluster-color'])}`);

worker.onPublic(({ data }) => {
  say(me, `public: "${data.text}"`);
  void worker.emitConfirmation('public-received');
});
worker.onKill((done) => {
  say(me, 'stopping');
  done();
});
void worker.emitReady().then(() => worker.emitPrivate(worker.parentPid, { text: 'hello from helper' }));
