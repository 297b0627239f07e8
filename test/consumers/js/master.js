// A plain JavaScript project (no TypeScript): CommonJS require() of every entry,
// and a worker written as an ES module (worker.mjs) to prove named ESM imports work.
const { Master } = require('@clustr/runtime');
const { Type } = require('@sinclair/typebox');
const { channels } = require('@clustr/protocol/core');
const envelope = require('@clustr/protocol/schema/envelope.v1.json');

if (channels('x').public !== 'x:public' || typeof envelope !== 'object') throw new Error('protocol entries');

const master = Master.create({ messages: { private: Type.Object({ n: Type.Integer() }) }, reloadDelay: 0 });
master.onPrivate(({ data }) => {
  console.log(`answer ${data.n}`);
  void master.close(data.n === 42 ? 0 : 1);
});
master.onClusterStarted(() => {
  void master.emitPrivate(master.clusterInfo.echo[0], { n: 41 });
});
master.spawn([{ file: 'worker.mjs' }]);
