// The testkit from the packed tarball: a whole cluster in this one process. Its
// promises settle without manual clock steps.
import { createTestCluster } from '@clustr/testkit';
import { messages } from './messages.js';

async function main(): Promise<void> {
  const cluster = createTestCluster();
  cluster.program('worker.js', (ctx) => {
    const worker = ctx.createWorker({ group: 'echo', messages });
    worker.onPrivate(({ meta, data }) => void worker.emitPrivate(meta.pid, { n: data.n * 2 }));
    void worker.emitReady();
  });
  const master = cluster.createMaster({ messages });
  const answers: number[] = [];
  master.onPrivate(({ data }) => answers.push(data.n));
  master.spawn([{ file: 'worker.js' }]);
  await cluster.until(() => master.clusterInfo['echo']?.length === 1);
  await master.emitPrivate(master.clusterInfo['echo']![0]!, { n: 21 });
  await cluster.until(() => answers.length === 1);
  const info = await master.fetchClusterInfo();
  await cluster.close();
  if (answers[0] !== 42 || info['echo']?.length !== 1) throw new Error(`unexpected: ${JSON.stringify({ answers, info })}`);
  console.log('in-process ok');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
