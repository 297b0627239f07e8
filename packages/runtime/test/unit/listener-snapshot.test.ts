// Each emission calls the listeners present when it started, once: a listener that removes and
// re-adds itself inside its own callback is called again by the next emission, not by this one.
import { createTestCluster } from '@clustr/testkit';
import { startCluster } from './helpers';

/** More calls than this from one emission means the set was iterated live; the cap keeps a failing run finite. */
const RUNAWAY = 1_000;

/**
 * Registers a listener through `add` that, every time it is called, removes itself and adds
 * itself again (the "re-arm" pattern of one-shot handlers). Returns the number of calls so far.
 */
function selfRearming(add: (listener: () => void) => () => void): () => number {
  let calls = 0;
  const arm = () => {
    const off = add(() => {
      calls++;
      off();
      if (calls < RUNAWAY) arm();
    });
  };
  arm();
  return () => calls;
}

test('onConfirmation: a listener that re-arms itself is called once per confirmation', async () => {
  const c = await startCluster({ groups: ['web'] });
  const calls = selfRearming((listener) => c.master.onConfirmation(1, 'deploy', listener));
  await c.workers[0]!.emitConfirmation('deploy');
  await c.cluster.settle();
  expect(calls()).toBe(1);
  await c.workers[0]!.emitConfirmation('deploy');
  await c.cluster.settle();
  expect(calls()).toBe(2);
  await c.cluster.close();
});

test('onError: a handler that re-arms itself is called once per error', async () => {
  const c = await startCluster({ groups: ['web'] });
  const w = c.workers[0]!;
  w.onPublic(() => {
    throw new Error('listener broke');
  });
  const calls = selfRearming((listener) => w.onError(listener));
  await c.master.emitPublic('one');
  await c.cluster.settle();
  expect(calls()).toBe(1);
  await c.master.emitPublic('two');
  await c.cluster.settle();
  expect(calls()).toBe(2);
  await c.cluster.close();
});

test('onClusterStarted: a callback that re-arms itself is called once', async () => {
  const cluster = createTestCluster({ clock: 'manual' });
  cluster.program('app.js', (ctx) => void ctx.createWorker({ group: 'app', reloadDelay: 0 }).emitReady());
  const master = cluster.createMaster({ reloadDelay: 0 });
  const calls = selfRearming((listener) => master.onClusterStarted(listener));
  master.spawn([{ file: 'app.js' }]);
  await cluster.until(() => calls() > 0);
  await cluster.settle();
  expect(calls()).toBe(1);
  await cluster.close();
});

describe('reload hooks', () => {
  /** A master with one app.js worker; after breakDeploys(), new app.js processes never register. */
  async function oneApp(readyTimeout = 1_000) {
    const cluster = createTestCluster({ clock: 'manual' });
    let stuck = false;
    cluster.program('app.js', (ctx) => {
      const worker = ctx.createWorker({ group: 'app', reloadDelay: 0 });
      if (!stuck) void worker.emitReady();
    });
    const master = cluster.createMaster({ reloadDelay: 0, readyTimeout });
    master.spawn([{ file: 'app.js' }]);
    await cluster.until(() => master.clusterInfo['app']?.length === 1);
    return { cluster, master, breakDeploys: () => (stuck = true) };
  }

  test('onClusterReloaded: a callback that re-arms itself is called once per reload', async () => {
    const { cluster, master } = await oneApp();
    const calls = selfRearming((listener) => master.onClusterReloaded(listener));
    await Promise.all([master.reload(), cluster.until(() => calls() > 0)]);
    await cluster.settle();
    expect(calls()).toBe(1);
    await Promise.all([master.reload(), cluster.until(() => calls() > 1)]);
    await cluster.settle();
    expect(calls()).toBe(2);
    await cluster.close();
  });

  test('onReloadFailed: a callback that re-arms itself is called once per failed reload', async () => {
    const { cluster, master, breakDeploys } = await oneApp();
    breakDeploys();
    const calls = selfRearming((listener) => master.onReloadFailed(listener));
    await Promise.all([master.reload(), cluster.until(() => calls() > 0)]);
    await cluster.settle();
    expect(calls()).toBe(1);
    await cluster.close();
  });
});

test('onKill: a hook that re-arms itself runs once, and the process still exits', async () => {
  const c = await startCluster({ groups: ['web'] });
  const w = c.workers[0]!;
  let calls = 0;
  const arm = () => {
    const off = w.onKill((done) => {
      calls++;
      off();
      if (calls < RUNAWAY) arm();
      done();
    });
  };
  arm();
  await c.master.emitKill(w.pid, 4);
  await c.cluster.settle();
  expect(calls).toBe(1);
  expect(c.cluster.process(w.pid).exit).toEqual({ code: 4, signal: null });
  await c.cluster.close();
});
