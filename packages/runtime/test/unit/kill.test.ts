// onKill hooks, emitKill, killTimeout and close().
import { isClustrError } from '@clustr/protocol';
import type { Worker } from '@clustr/runtime';
import { createTestCluster } from '@clustr/testkit';
import { startCluster, type Started } from './helpers';

async function oneWorker(killTimeout?: number | false): Promise<Started & { w: Worker }> {
  const c = await startCluster({ groups: ['web'], worker: killTimeout === undefined ? {} : { killTimeout } });
  return { ...c, w: c.workers[0]! };
}

test('emitKill runs every onKill hook while the process is still running, and exits with the code once all called done()', async () => {
  const c = await oneWorker();
  const states: string[] = [];
  const dones: Array<() => void> = [];
  c.w.onKill((done) => {
    states.push(`a:${c.cluster.process(c.w.pid).state}:${c.w.status}`);
    dones.push(done);
  });
  c.w.onKill((done) => {
    states.push('b');
    dones.push(done);
  });
  await c.master.emitKill(c.w.pid, 9);
  await c.cluster.settle();
  expect(states).toEqual(['a:running:stopping', 'b']);
  await c.cluster.advance(9_999); // default killTimeout is 10 s
  dones[0]!();
  dones[0]!(); // calling done twice counts once
  await c.cluster.settle();
  expect(c.cluster.process(c.w.pid).state).toBe('running');
  dones[1]!();
  await c.cluster.settle();
  expect(c.cluster.process(c.w.pid).exit).toEqual({ code: 9, signal: null });
  expect(c.w.status).toBe('closed');
  expect(c.workerLogs.get(c.w.pid)!.events('kill.received')).toEqual([{ event: 'kill.received', from: c.master.pid, code: 9 }]);
  expect(c.workerLogs.get(c.w.pid)!.events('kill.timeout')).toEqual([]);
  // It deregistered on the way out.
  expect(c.master.clusterInfo).toEqual({ master: [c.master.pid] });
  await c.cluster.close();
});

test('emitKill defaults to exit code 0; a removed hook does not run', async () => {
  const c = await oneWorker();
  const ran: string[] = [];
  const off = c.w.onKill(() => ran.push('removed'));
  off();
  await c.master.emitKill(c.w.pid);
  await c.cluster.settle();
  expect(ran).toEqual([]);
  expect(c.cluster.process(c.w.pid).exit).toEqual({ code: 0, signal: null });
  await c.cluster.close();
});

test('killTimeout forces the exit when a hook never calls done(), exactly on time', async () => {
  const c = await oneWorker(1_000);
  c.w.onKill(() => undefined);
  await c.master.emitKill(c.w.pid, 7);
  await c.cluster.advance(999);
  expect(c.cluster.process(c.w.pid).state).toBe('running');
  await c.cluster.advance(1);
  expect(c.cluster.process(c.w.pid).exit).toEqual({ code: 7, signal: null });
  expect(c.workerLogs.get(c.w.pid)!.events('kill.timeout')).toEqual([{ event: 'kill.timeout', timeoutMs: 1_000 }]);
  await c.cluster.close();
});

// A hook that throws has finished (badly): it is reported and counted, and the process goes on
// to exit without waiting for a done() that will never come — even with `killTimeout: false`.
test.each([1_000, false] as const)('a hook that throws is reported and does not hold the exit (killTimeout %p)', async (killTimeout) => {
  const c = await oneWorker(killTimeout);
  const errors: string[] = [];
  c.w.onError((error) => errors.push(error.message));
  c.w.onKill(() => {
    throw new Error('hook broke');
  });
  await c.master.emitKill(c.w.pid, 2);
  await c.cluster.settle();
  expect(errors).toEqual(['hook broke']);
  expect(c.w.stats.listenerErrors).toBe(1);
  expect(c.cluster.process(c.w.pid).exit).toEqual({ code: 2, signal: null });
  await c.cluster.close();
});

test('killTimeout false waits for done() forever', async () => {
  const c = await oneWorker(false);
  let finish: (() => void) | undefined;
  c.w.onKill((done) => {
    finish = done;
  });
  await c.master.emitKill(c.w.pid, 5);
  await c.cluster.advance(24 * 3_600_000);
  expect(c.cluster.process(c.w.pid).state).toBe('running');
  expect(c.w.status).toBe('stopping');
  finish!();
  await c.cluster.settle();
  expect(c.cluster.process(c.w.pid).exit).toEqual({ code: 5, signal: null });
  await c.cluster.close();
});

test('a process can kill itself', async () => {
  const c = await oneWorker();
  await c.w.emitKill(c.w.pid, 4);
  await c.cluster.settle();
  expect(c.cluster.process(c.w.pid).exit).toEqual({ code: 4, signal: null });
  await c.cluster.close();
});

test('killing the master stops the whole cluster, running every onKill hook', async () => {
  const c = await oneWorker();
  const ran: string[] = [];
  c.master.onKill((done) => {
    ran.push('master');
    done();
  });
  c.w.onKill((done) => {
    ran.push('worker');
    done();
  });
  await c.w.emitKill(c.master.pid, 3);
  await c.cluster.until(() => c.cluster.alivePids().length === 0);
  expect(ran).toEqual(['master', 'worker']);
  expect(c.cluster.process(c.master.pid).exit).toEqual({ code: 3, signal: null });
  expect(c.cluster.process(c.w.pid).exit).toEqual({ code: 143, signal: null });
});

describe('close()', () => {
  test('is idempotent, skips onKill hooks, deregisters and exits with code 1 by default', async () => {
    const c = await oneWorker();
    const ran: string[] = [];
    c.w.onKill(() => ran.push('hook'));
    const first = c.w.close();
    const second = c.w.close(0);
    expect(second).toBe(first);
    await first;
    await c.w.close();
    await c.cluster.settle();
    expect(ran).toEqual([]);
    expect(c.cluster.process(c.w.pid).exit).toEqual({ code: 1, signal: null });
    expect(c.w.status).toBe('closed');
    expect(c.master.clusterInfo).toEqual({ master: [c.master.pid] });
    expect(c.workerLogs.get(c.w.pid)!.events('process.state').map((f) => `${String(f['from'])}->${String(f['to'])}`)).toEqual(['running->stopping', 'stopping->closed']);
    await c.cluster.close();
  });

  test('called inside an onKill hook it is a no-op: the stop under way keeps its exit code and its steps', async () => {
    const c = await oneWorker();
    const errors: string[] = [];
    c.w.onError((error) => errors.push(error.message));
    let closing: Promise<void> | undefined;
    c.w.onKill((done) => {
      closing = c.w.close(5);
      done();
    });
    await c.master.emitKill(c.w.pid, 9);
    await c.cluster.settle();
    expect(errors).toEqual([]);
    expect(c.w.stats.listenerErrors).toBe(0);
    expect(c.cluster.process(c.w.pid).exit).toEqual({ code: 9, signal: null });
    await expect(closing).resolves.toBeUndefined();
    const log = c.workerLogs.get(c.w.pid)!;
    expect(log.events('process.state').map((f) => `${String(f['from'])}->${String(f['to'])}`)).toEqual(['running->stopping', 'stopping->closed']);
    expect(log.events('stop.again')).toEqual([{ event: 'stop.again', reason: 'close', code: 5, exitCode: 9 }]);
    await c.cluster.close();
  });

  test("the master's close() inside its onKill hook during SIGTERM keeps exit code 15", async () => {
    const c = await oneWorker();
    c.master.onKill((done) => {
      void c.master.close(0);
      done();
    });
    c.cluster.signal(c.master.pid, 'SIGTERM');
    await c.cluster.until(() => c.cluster.alivePids().length === 0);
    expect(c.cluster.process(c.master.pid).exit).toEqual({ code: 15, signal: null });
    expect(c.cluster.process(c.w.pid).exit).toEqual({ code: 143, signal: null });
    expect(c.logger.events('listener.threw')).toEqual([]);
  });

  test('rejects a pending fetchClusterInfo with CLUSTR_CLOSED, and further calls fail with CLUSTR_CLOSED', async () => {
    const c = await oneWorker();
    c.cluster.server.holdChannel(`${c.cluster.namespace}:master`);
    const pending = c.w.fetchClusterInfo();
    const closing = c.w.close(0);
    await expect(pending).rejects.toMatchObject({ code: 'CLUSTR_CLOSED' });
    await closing;
    expect(() => c.w.spawn([{ file: 'worker.js' }])).toThrow(expect.objectContaining({ code: 'CLUSTR_CLOSED' }));
    await expect(c.w.emitReady()).rejects.toMatchObject({ code: 'CLUSTR_CLOSED' });
    const late = await c.w.emitPublic('late').catch((error: unknown) => error);
    expect(isClustrError(late, 'CLUSTR_CLOSED')).toBe(true);
    c.cluster.server.clearFaults();
    await c.cluster.close();
  });
});

test('by default a parent gives a stopping child 2 × killTimeout + 5 s (25 s) before SIGKILL: room for its hooks, then its request handlers', async () => {
  const cluster = createTestCluster({ clock: 'manual' });
  cluster.program('stuck.js', (ctx) => {
    const worker = ctx.createWorker({ group: 'stuck', killTimeout: false });
    worker.onKill(() => undefined); // never calls done()
    void worker.emitReady();
  });
  const master = cluster.createMaster();
  master.spawn([{ file: 'stuck.js' }]);
  await cluster.until(() => master.clusterInfo['stuck']?.length === 1);
  const pid = master.clusterInfo['stuck']![0]!;
  const start = cluster.clock.now();
  const closed = master.close();
  await cluster.advance(25_000 - 1);
  expect(cluster.process(pid).state).toBe('running');
  await cluster.advance(1);
  expect(cluster.process(pid).exit).toEqual({ code: null, signal: 'SIGKILL' });
  expect(cluster.clock.now() - start).toBe(25_000);
  await cluster.until(() => cluster.process(master.pid).state === 'exited');
  await closed.catch(() => undefined);
  await cluster.close();
});
