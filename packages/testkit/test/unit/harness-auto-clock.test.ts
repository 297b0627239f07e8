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

// Heartbeats never stop: if they moved time, an idle cluster's clock would race on forever.
test('background timers (heartbeats, unref’d) fire in order while other timers are due, but alone never move time', async () => {
  const cluster = createTestCluster();
  const master = await echoCluster(cluster);
  await cluster.settle();
  const idleAt = cluster.clock.now();
  expect(cluster.autoClockRunning).toBe(false);
  expect(cluster.clock.pending).toBeGreaterThan(0);
  await cluster.settle();
  expect(cluster.clock.now()).toBe(idleAt);

  // Something due (a request's timeout) lets them run in order as simulated time passes.
  const [pid] = master.clusterInfo['echo']!;
  const client = await cluster.createClient();
  await new Promise<void>((resolve) => cluster.clock.view().setTimeout(resolve, 10_000));
  const echo = (await client.status()).find((p) => p.pid === pid)!;
  expect(cluster.clock.now() - idleAt).toBe(10_000);
  expect(cluster.clock.now() - echo.lastHeartbeat!).toBeLessThanOrEqual(2_000);
  await client.close();
  await cluster.close();
});

test('hang() blocks a process: its timers and signal handlers wait, SIGKILL still ends it; resume() lets them run', async () => {
  const cluster = createTestCluster({ clock: 'manual' });
  const master = await (async () => {
    const m = cluster.createMaster();
    cluster.program('w.js', (ctx) => void ctx.createWorker({ group: 'w' }).emitReady());
    m.spawn([{ file: 'w.js' }, { file: 'w.js' }]);
    await cluster.until(() => (m.clusterInfo['w'] ?? []).length === 2);
    return m;
  })();
  const [a, b] = master.clusterInfo['w']!;
  const fired: string[] = [];
  cluster.process(a!).instance!.onKill((done) => {
    fired.push('a onKill');
    done();
  });
  cluster.hang(a!);
  cluster.clock.view(a!).setTimeout(() => fired.push('a timer'), 10);
  await cluster.advance(100);
  expect(fired).toEqual([]);
  cluster.resume(a!);
  await cluster.advance(0);
  expect(fired).toEqual(['a timer']);

  cluster.hang(a!);
  cluster.signal(a!, 'SIGTERM');
  await cluster.advance(100);
  expect(fired).toEqual(['a timer']);
  expect(cluster.process(a!).state).toBe('running');
  cluster.resume(a!);
  await cluster.until(() => cluster.process(a!).state === 'exited');
  expect(fired).toEqual(['a timer', 'a onKill']);

  cluster.hang(b!);
  cluster.signal(b!, 'SIGKILL');
  await cluster.settle();
  expect(cluster.process(b!).exit).toEqual({ code: null, signal: 'SIGKILL' });
  await cluster.close();
});
