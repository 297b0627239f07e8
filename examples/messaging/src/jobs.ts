import { Worker } from '@clustr/runtime';
import { messages, say } from './messages';

const worker = Worker.create({ group: 'jobs', messages, reloadDelay: 50 });
const me = `jobs ${worker.pid}`;

// This worker has its own child; it registers only once the child has said hello.
worker.spawn([{ file: 'helper.js' }]);
let ready = false;

worker.onPublic(({ data }) => {
  say(me, `public: "${data.text}"`);
  void worker.emitConfirmation('public-received');
});
worker.onPrivate(({ meta, data }) => {
  say(me, `private from ${meta.group} ${meta.pid}: "${data.text}"`);
  if (data.text === 'hello from helper' && !ready) {
    ready = true;
    void worker.emitReady();
    return;
  }
  if (data.replyTo !== undefined) {
    void worker.emitPrivate(data.replyTo, { text: 'pong' });
    void worker.emitConfirmation('private-answered');
  }
});
worker.onKill((done) => {
  say(me, 'stopping (my helper stops with me)');
  done();
});
