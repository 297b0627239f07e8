import { createTestCluster } from '@clustr/testkit';
import type { Worker } from '@clustr/runtime';
import { buggyInventoryWorker, inventoryWorker } from './inventory';

type Setup = (worker: Worker, stock: Map<string, number>) => void;

// Runs one inventory worker under a master, in-process, on FakeRedis.
async function reserveTwice(setup: Setup): Promise<unknown[]> {
  const cluster = createTestCluster();
  cluster.program('inventory.js', (ctx) => {
    const worker = ctx.createWorker({ group: 'inventory', reloadDelay: 0 });
    setup(worker, new Map([['apple', 2]]));
    void worker.emitReady();
  });
  const master = cluster.createMaster({ reloadDelay: 0 });
  const replies: unknown[] = [];
  master.onPrivate(({ data }) => replies.push(data));
  master.spawn([{ file: 'inventory.js' }]);
  await cluster.until(() => master.clusterInfo['inventory']?.length === 1);

  const pid = master.clusterInfo['inventory']![0]!;
  await master.emitPrivate(pid, { sku: 'apple', quantity: 2 });
  await master.emitPrivate(pid, { sku: 'apple', quantity: 1 });
  await cluster.settle();
  await cluster.close();
  return replies;
}

async function expectNoOverselling(setup: Setup): Promise<void> {
  expect(await reserveTwice(setup)).toEqual([
    { ok: true, sku: 'apple', left: 0 },
    { ok: false, sku: 'apple', left: 0 },
  ]);
}

test('an inventory worker reserves only what is in stock', async () => {
  await expectNoOverselling(inventoryWorker);
});

test('the same unit test catches a handler that oversells', async () => {
  await expect(expectNoOverselling(buggyInventoryWorker)).rejects.toThrow(/"left": -1/);
});

test('restocking is confirmed to whoever waits for it', async () => {
  const cluster = createTestCluster();
  cluster.program('inventory.js', (ctx) => {
    const worker = ctx.createWorker({ group: 'inventory', reloadDelay: 0 });
    inventoryWorker(worker, new Map());
    void worker.emitReady();
  });
  const master = cluster.createMaster({ reloadDelay: 0 });
  const confirmedBy: number[][] = [];
  master.onConfirmation(2, 'restocked:pear', (messages) => confirmedBy.push(messages.map((m) => m.meta.pid)));
  master.spawn([{ file: 'inventory.js' }, { file: 'inventory.js' }]);
  await cluster.until(() => master.clusterInfo['inventory']?.length === 2);

  await master.emitGroup('inventory', { sku: 'pear', quantity: 5 });
  await cluster.settle();
  expect(confirmedBy).toHaveLength(1);
  expect(confirmedBy[0]!.sort()).toEqual([...master.clusterInfo['inventory']!].sort());
  await cluster.close();
});
