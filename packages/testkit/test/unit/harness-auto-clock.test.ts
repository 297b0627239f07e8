// The default clock moves simulated time by itself whenever the cluster is idle, so a
// test can simply await the runtime's promises, with any test runner.
import { isClustrError } from '@clustr/runtime';
import { createTestCluster, type TestCluster } from '../../src';

/** One master with one registered `echo` worker, started without a single clock step. */
async function echoCluster(cluster: TestCluster) {
  cluster.program('echo.js', (ctx) => {
    const worker = ctx.createWorker({ group: 'echo' });
    worker.onPrivate(({ meta, data }) => void worker.emitPrivate(meta.pid, data));
    // A slow start: half a second of work before it is ready.
    ctx.platform.clock.setTimeout(() => void worker.emitReady(), 500);
  });
  const master = cluster.createMaster();
  const started = new Promise<void>((resolve) => master.onClusterStarted(resolve));
  master.spawn([{ file: 'echo.js' }]);
  await started;
  return master;
}

test('emitReady(), onClusterStarted and fetchClusterInfo() settle without advance()', async () => {
  const cluster = createTestCluster();
  expect(cluster.clockMode).toBe('auto');
  const t0 = cluster.clock.now();
  const master = await echoCluster(cluster);
  // The worker's slow start took its half second in simulated time, not in real time.
  expect(cluster.clock.now() - t0).toBe(500);
  const [pid] = master.clusterInfo['echo']!;

  const worker = cluster.createWorker({ group: 'lone' }, { pid: master.pid, masterPid: master.pid });
  await worker.emitReady();
  expect(await worker.fetchClusterInfo()).toEqual({ master: [master.pid], echo: [pid], lone: [worker.pid] });

  const echoed = new Promise((resolve) => master.onPrivate(({ data }) => resolve(data)));
  await master.emitPrivate(pid!, { hello: 'world' });
  expect(await echoed).toEqual({ hello: 'world' });
  await cluster.close();
});

test('a kill runs to the end: hooks, stop, exit code', async () => {
  const cluster = createTestCluster();
  const master = await echoCluster(cluster);
  const [pid] = master.clusterInfo['echo']!;
  const exited = new Promise((resolve) => master.onChildExit(resolve));
  await master.emitKill(pid!, 3);
  expect(await exited).toMatchObject({ pid, code: 3 });
  expect(cluster.process(pid!).state).toBe('exited');
  await cluster.close();
});

test('a master that never answers fails fast: the cluster-info timeout fires in simulated time', async () => {
  const cluster = createTestCluster();
  const worker = cluster.createWorker({ group: 'alone' });
  const started = Date.now();
  const error = await worker.fetchClusterInfo(60_000).catch((e: unknown) => e);
  expect(isClustrError(error) && error.code).toBe('CLUSTR_CLUSTER_INFO_TIMEOUT');
  expect(Date.now() - started).toBeLessThan(5_000);
  await cluster.close();
});

test('advance() and until() still step time themselves; the automatic clock holds meanwhile', async () => {
  const cluster = createTestCluster();
  const view = cluster.clock.view();
  const fired: number[] = [];
  for (const ms of [10, 20, 30]) view.setTimeout(() => fired.push(ms), ms);
  await cluster.advance(15);
  // advance() fired what was due by 15 ms; by the time it returns the idle cluster moves on.
  expect(fired[0]).toBe(10);
  await cluster.until(() => fired.length === 3);
  expect(fired).toEqual([10, 20, 30]);
  expect(cluster.clock.now() - 1_700_000_000_000).toBe(30);
  await cluster.close();
});

test('close() stops the automatic clock: no timer fires after it', async () => {
  const cluster = createTestCluster();
  const view = cluster.clock.view();
  let fired = 0;
  view.setTimeout(() => fired++, 1_000);
  expect(cluster.autoClockRunning).toBe(true);
  await cluster.close();
  view.setTimeout(() => fired++, 1);
  await cluster.settle();
  await cluster.settle();
  expect(fired).toBe(0);
  expect(cluster.autoClockRunning).toBe(false);
  expect(cluster.clock.pending).toBe(2);
});

test("clock: 'manual' keeps time still until the test moves it", async () => {
  const cluster = createTestCluster({ clock: 'manual' });
  // No master: the request can only end at its timeout, 100 ms of simulated time away.
  const worker = cluster.createWorker({ group: 'web' });
  let outcome = 'pending';
  void worker.fetchClusterInfo(100).catch((error: { code: string }) => (outcome = error.code));
  await cluster.settle();
  await cluster.settle();
  expect(outcome).toBe('pending');
  expect(cluster.autoClockRunning).toBe(false);
  await cluster.advance(100);
  expect(outcome).toBe('CLUSTR_CLUSTER_INFO_TIMEOUT');
  await cluster.close();
});

test('an unknown clock mode is refused', () => {
  expect(() => createTestCluster({ clock: 'fast' as 'auto' })).toThrow("clock must be 'auto' or 'manual'; got \"fast\"");
});
