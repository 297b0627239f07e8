import { Worker } from '@clustr/runtime';
import { messages, say } from './messages';

const worker = Worker.create({ group: 'web', messages, reloadDelay: 50 });
const me = `web ${worker.pid}`;
say(me, `up with port=${String(worker.config['port'])}`);

worker.onPublic(({ meta, data }) => {
  say(me, `public from ${meta.group} ${meta.pid}: "${data.text}"`);
  void worker.emitConfirmation('public-received');
});
worker.onGroup(({ data }) => {
  say(me, `group message: "${data.text}"`);
  void worker.emitConfirmation('group-received');
});
worker.onKill((done) => {
  say(me, `stopping; stats ${JSON.stringify({ onPublic: worker.stats.onPublic, onGroup: worker.stats.onGroup, emitConfirmation: worker.stats.emitConfirmation })}`);
  done();
});
void worker.emitReady();
