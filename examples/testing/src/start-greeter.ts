// Test setup shared by the jest, node:test and vitest examples: a master and one
// greeter worker in one process. Nothing here steps the clock: the test cluster's
// default clock moves simulated time whenever the cluster is idle.
import { createTestCluster, type TestCluster } from '@clustr/testkit';
import { greeter, messages } from './greeter';

export interface Greeting {
  cluster: TestCluster;
  /** Sends `name` to the greeter and resolves with its answer. */
  greet(name: string): Promise<string>;
  /** The pids by group, as the greeter sees them (a round trip to the master). */
  clusterInfo(): Promise<Record<string, number[]>>;
}

export async function startGreeter(): Promise<Greeting> {
  const cluster = createTestCluster();
  cluster.program('greeter.js', (ctx) => {
    const worker = ctx.createWorker({ group: 'greeter', messages });
    greeter(worker);
    void worker.emitReady(); // registers once the worker is connected (simulated Redis)
  });
  const master = cluster.createMaster({ messages });
  const started = new Promise<void>((resolve) => master.onClusterStarted(resolve));
  master.spawn([{ file: 'greeter.js' }]);
  await started;

  const pid = master.clusterInfo['greeter']![0]!;
  const answers: Array<(name: string) => void> = [];
  master.onPrivate(({ data }) => answers.shift()?.(data.name));
  return {
    cluster,
    greet: async (name) => {
      const answer = new Promise<string>((resolve) => answers.push(resolve));
      await master.emitPrivate(pid, { name });
      return answer;
    },
    clusterInfo: () => cluster.worker(pid).fetchClusterInfo(),
  };
}
