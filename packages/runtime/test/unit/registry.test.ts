// The master's registry, cluster info (local and fetched) and onClusterStarted.
import { createTestCluster } from '@clustr/testkit';
import { ClustrError, MASTER_GROUP } from '@clustr/protocol';
import type { ErrorContext, Worker } from '@clustr/runtime';
import { Registry } from '../../src/master/registry';
import { argOf, recordingLogger, startCluster } from './helpers';

describe('Registry', () => {
  test('holds the master under "master"; add reports whether membership changed (a new pid, or a reused one elsewhere)', () => {
    const registry = new Registry(1);
    expect(registry.info()).toEqual({ master: [1] });
    expect(registry.add({ pid: 2, group: 'web', parentPid: 1 })).toBe(true);
    expect(registry.add({ pid: 2, group: 'web', parentPid: 1 })).toBe(false);
    expect(registry.add({ pid: 3, group: 'web', parentPid: 1 })).toBe(true);
    expect(registry.info()).toEqual({ master: [1], web: [2, 3] });
    expect(registry.has(3)).toBe(true);
    // A reused pid: another group, or another parent, is a change of membership.
    expect(registry.add({ pid: 3, group: 'jobs', parentPid: 1 })).toBe(true);
    expect(registry.info()).toEqual({ master: [1], web: [2], jobs: [3] });
    expect(registry.add({ pid: 3, group: 'jobs', parentPid: 2 })).toBe(true);
    expect(registry.add({ pid: 3, group: 'jobs', parentPid: 2, seenAt: 5 })).toBe(false);
  });

  test('remove takes the pid and all its descendants, never the master', () => {
    const registry = new Registry(1);
    registry.add({ pid: 2, group: 'web', parentPid: 1 });
    registry.add({ pid: 3, group: 'jobs', parentPid: 2 });
    registry.add({ pid: 4, group: 'jobs', parentPid: 3 });
    registry.add({ pid: 5, group: 'web', parentPid: 1 });
    expect(registry.remove(1)).toEqual([]);
    expect(registry.remove(99)).toEqual([]);
    expect(registry.remove(2)).toEqual([2, 3, 4]);
    expect(registry.info()).toEqual({ master: [1], web: [5] });
    expect(registry.has(4)).toBe(false);
    expect(registry.remove(2)).toEqual([]);
  });

  test('remove of a pid that never registered still takes its registered descendants', () => {
    const registry = new Registry(1);
    // 2 never registered (a bash script, a worker that never called emitReady); its child 3 did.
    registry.add({ pid: 3, group: 'jobs', parentPid: 2 });
    registry.add({ pid: 4, group: 'jobs', parentPid: 3 });
    registry.add({ pid: 5, group: 'web', parentPid: 1 });
    expect(registry.remove(2)).toEqual([3, 4]);
    expect(registry.info()).toEqual({ master: [1], web: [5] });
  });

  test('an entry of the master group never leaves: not by its pid, not as a descendant', () => {
    const registry = new Registry(1);
    registry.add({ pid: 2, group: 'web', parentPid: 1 });
    // A frame claiming the master group (the schema allows the name; only workers refuse it).
    registry.add({ pid: 9, group: MASTER_GROUP, parentPid: 2 });
    registry.add({ pid: 3, group: 'jobs', parentPid: 9 });
    expect(registry.remove(9)).toEqual([]);
    expect(registry.remove(2)).toEqual([2]);
    expect(registry.info()).toEqual({ master: [1, 9], jobs: [3] });
  });

  test('get and list: one registration by pid, or all of them, the master first', () => {
    const registry = new Registry(1);
    registry.add({ pid: 3, group: 'jobs', parentPid: 1, seenAt: 7 });
    registry.add({ pid: 2, group: 'web', parentPid: 3 });
    expect(registry.get(3)).toEqual({ pid: 3, group: 'jobs', parentPid: 1, seenAt: 7 });
    expect(registry.get(1)).toEqual({ pid: 1, group: MASTER_GROUP, parentPid: 1 });
    expect(registry.get(99)).toBeUndefined();
    expect(registry.list()).toEqual([
      { pid: 1, group: MASTER_GROUP, parentPid: 1 },
      { pid: 3, group: 'jobs', parentPid: 1, seenAt: 7 },
      { pid: 2, group: 'web', parentPid: 3 },
    ]);
  });

  test('staleSince: the pids last registered strictly before `since` (never registered with a time counts as 0), never the master', () => {
    const registry = new Registry(1);
    registry.add({ pid: 2, group: 'web', parentPid: 1, seenAt: 100 });
    registry.add({ pid: 3, group: 'web', parentPid: 1, seenAt: 99 });
    registry.add({ pid: 4, group: 'jobs', parentPid: 2 });
    expect(registry.staleSince(0)).toEqual([]);
    // The master has no registration time either, and is still not stale.
    expect(registry.staleSince(1)).toEqual([4]);
    // Seen exactly at `since` is not stale.
    expect(registry.staleSince(100)).toEqual([3, 4]);
    expect(registry.staleSince(101)).toEqual([2, 3, 4]);
    // A registration again (after a reconnect) makes it fresh.
    registry.add({ pid: 3, group: 'web', parentPid: 1, seenAt: 200 });
    expect(registry.staleSince(200)).toEqual([2, 4]);
  });
});

describe('cluster info', () => {
  test('master.clusterInfo, fetchClusterInfo and emitClusterInfo agree: { master: [pid], group: [pids] }', async () => {
    const c = await startCluster({ groups: ['web', 'web', 'jobs'] });
    const [w0, w1, w2] = c.workers as [Worker, Worker, Worker];
    const expected = { master: [c.master.pid], web: [w0.pid, w1.pid].sort(), jobs: [w2.pid] };
    const sorted = (info: Record<string, number[]>) => Object.fromEntries(Object.entries(info).map(([g, pids]) => [g, [...pids].sort()]));
    expect(sorted(c.master.clusterInfo)).toEqual(expected);
    expect(sorted(await w2.fetchClusterInfo())).toEqual(expected);
    expect(sorted(await c.master.fetchClusterInfo())).toEqual(expected);
    const viaCallback: Array<Record<string, number[]>> = [];
    w0.emitClusterInfo((info) => viaCallback.push(sorted(info)));
    await c.cluster.settle();
    expect(viaCallback).toEqual([expected]);
    expect(c.logger.events('registry.add').map((f) => f['pid'])).toEqual([w0.pid, w1.pid, w2.pid].sort((a, b) => a - b));
    await c.cluster.close();
  });

  test('fetchClusterInfo rejects with CLUSTR_CLUSTER_INFO_TIMEOUT when no master answers, exactly at the timeout', async () => {
    const cluster = createTestCluster({ clock: 'manual' });
    const lonely = cluster.createWorker({ group: 'lonely', clusterInfoTimeout: 2_000 });
    let outcome: unknown;
    lonely.fetchClusterInfo().then(
      () => (outcome = 'resolved'),
      (error: unknown) => (outcome = error),
    );
    await cluster.advance(1_999);
    expect(outcome).toBeUndefined();
    await cluster.advance(1);
    expect(outcome).toBeInstanceOf(ClustrError);
    expect(outcome).toMatchObject({ code: 'CLUSTR_CLUSTER_INFO_TIMEOUT' });
    expect((outcome as Error).message).toContain(cluster.namespace);

    // An explicit timeout wins over the option; emitClusterInfo reports to onError.
    const errors: Array<[string, ErrorContext]> = [];
    lonely.onError((error, context) => errors.push([(error as ClustrError).code, context]));
    const late = lonely.fetchClusterInfo(50);
    const caught = late.catch((error: ClustrError) => error.code);
    let called = false;
    lonely.emitClusterInfo(() => (called = true));
    await cluster.advance(50);
    await expect(caught).resolves.toBe('CLUSTR_CLUSTER_INFO_TIMEOUT');
    expect(errors).toEqual([]);
    await cluster.advance(1_950);
    expect(called).toBe(false);
    expect(errors).toEqual([['CLUSTR_CLUSTER_INFO_TIMEOUT', { event: 'clusterInfo' }]]);
    await cluster.close();
  });

  test('a process that exits leaves cluster info, also when SIGKILLed without a word', async () => {
    const c = await startCluster({ groups: ['web', 'web'] });
    const [w0, w1] = c.workers as [Worker, Worker];
    c.cluster.signal(w0.pid, 'SIGKILL');
    await c.cluster.settle();
    expect(c.master.clusterInfo).toEqual({ master: [c.master.pid], web: [w1.pid] });
    expect(c.logger.events('registry.remove')).toEqual([{ event: 'registry.remove', pids: [w0.pid], by: c.master.pid }]);
    await c.cluster.close();
  });

  test('descendants leave with their parent even when they cannot deregister themselves', async () => {
    const cluster = createTestCluster({ clock: 'manual' });
    cluster.program('parent.js', (ctx) => {
      const w = ctx.createWorker({ group: 'parents', reloadDelay: 0 });
      w.spawn([{ file: 'child.js' }]);
      void w.emitReady();
    });
    cluster.program('child.js', (ctx) => {
      // Stuck in its onKill hook forever: it never gets to deregister.
      const w = ctx.createWorker({ group: 'children', reloadDelay: 0, killTimeout: false });
      w.onKill(() => undefined);
      void w.emitReady();
    });
    const logger = recordingLogger();
    const master = cluster.createMaster({ reloadDelay: 0, logger });
    master.spawn([{ file: 'parent.js' }]);
    await cluster.until(() => master.clusterInfo['children']?.length === 1 && master.clusterInfo['parents']?.length === 1);
    const parentPid = master.clusterInfo['parents']![0]!;
    const childPid = master.clusterInfo['children']![0]!;
    expect(cluster.process(childPid).parentPid).toBe(parentPid);

    cluster.signal(parentPid, 'SIGKILL');
    await cluster.settle();
    expect(cluster.process(childPid).state).toBe('running');
    expect(master.clusterInfo).toEqual({ master: [master.pid] });
    expect(logger.events('registry.remove')).toEqual([{ event: 'registry.remove', pids: [parentPid, childPid], by: master.pid }]);
    await cluster.close();
  });

  test('the dead child of a process that never registered leaves cluster info with its parent', async () => {
    const cluster = createTestCluster({ clock: 'manual' });
    // The parent never calls emitReady(): it is supervised, but not in cluster info.
    cluster.program('parent.js', (ctx) => ctx.createWorker({ group: 'parents', reloadDelay: 0 }).spawn([{ file: 'child.js' }]));
    cluster.program('child.js', (ctx) => void ctx.createWorker({ group: 'children', reloadDelay: 0 }).emitReady());
    const logger = recordingLogger();
    const master = cluster.createMaster({ reloadDelay: 0, logger });
    master.spawn([{ file: 'parent.js', respawn: false }]);
    await cluster.until(() => master.clusterInfo['children']?.length === 1);
    const childPid = master.clusterInfo['children']![0]!;
    const parentPid = cluster.process(childPid).parentPid;
    expect(master.clusterInfo['parents']).toBeUndefined();

    // Both die at once (an OOM kill of the group): the child's own parent is gone and cannot report it.
    cluster.signal(parentPid, 'SIGKILL');
    cluster.signal(childPid, 'SIGKILL');
    await cluster.settle();
    expect(cluster.alivePids()).toEqual([master.pid]);
    expect(master.clusterInfo).toEqual({ master: [master.pid] });
    expect(logger.events('registry.remove')).toEqual([{ event: 'registry.remove', pids: [childPid], by: master.pid }]);
    await cluster.close();
  });
});

describe('onClusterStarted', () => {
  test.each([
    ['dies before the other registers', 0],
    ['dies after the other registered', 50],
  ])('a child that stops for good without registering does not hold the start back (it %s)', async (_label, dieAfter) => {
    const cluster = createTestCluster({ clock: 'manual' });
    cluster.program('ready.js', (ctx) => void ctx.createWorker({ group: 'web', reloadDelay: 10 }).emitReady());
    cluster.program('dies.js', (ctx) => void ctx.platform.clock.setTimeout(() => ctx.platform.exit(1), dieAfter));
    const master = cluster.createMaster({ reloadDelay: 0 });
    let started = 0;
    master.onClusterStarted(() => started++);
    master.spawn([{ file: 'ready.js' }, { file: 'dies.js', respawn: false }]);
    await cluster.advance(100);
    expect(master.clusterInfo['web']).toHaveLength(1);
    expect(started).toBe(1);
    await cluster.close();
  });

  test('fires once, when the last spawned child registers, not before', async () => {
    const cluster = createTestCluster({ clock: 'manual' });
    const pending = new Map<number, Worker>();
    cluster.program('w.js', (ctx) => {
      pending.set(ctx.pid, ctx.createWorker({ group: 'web', reloadDelay: 0 }));
    });
    const logger = recordingLogger();
    const master = cluster.createMaster({ reloadDelay: 0, logger });
    let started = 0;
    let offCalled = 0;
    master.onClusterStarted(() => started++);
    const off = master.onClusterStarted(() => offCalled++);
    off();
    master.spawn([{ file: 'w.js' }, { file: 'w.js' }, { file: 'w.js' }]);
    await cluster.settle();
    const [a, b, d] = [...pending.values()] as [Worker, Worker, Worker];
    // emitReady() registers after reloadDelay (0 here), on the manual clock.
    void a.emitReady();
    void b.emitReady();
    await cluster.advance(0);
    expect(master.clusterInfo['web']).toHaveLength(2);
    expect(started).toBe(0);
    void d.emitReady();
    await cluster.advance(0);
    expect(started).toBe(1);
    expect(offCalled).toBe(0);
    expect(logger.events('cluster.started')).toEqual([{ event: 'cluster.started', children: [a.pid, b.pid, d.pid] }]);

    // Later registrations (a crash and its respawn) do not fire it again.
    cluster.signal(a.pid, 'SIGKILL');
    await cluster.until(() => pending.size === 4);
    void [...pending.values()][3]!.emitReady();
    await cluster.advance(0);
    expect(master.clusterInfo['web']).toHaveLength(3);
    expect(started).toBe(1);
    await cluster.close();
  });

  test('waits for a child that crashed before registering to be respawned and register', async () => {
    const cluster = createTestCluster({ clock: 'manual' });
    let launches = 0;
    cluster.program('w.js', (ctx) => {
      launches++;
      const crash = argOf(ctx.argv, 'crash-first') === 'true' && launches === 2;
      if (crash) {
        ctx.platform.exit(1);
        return;
      }
      void ctx.createWorker({ group: 'web', reloadDelay: 0 }).emitReady();
    });
    const master = cluster.createMaster({ reloadDelay: 0, restart: { initialDelay: 1_000 } });
    const started: number[] = [];
    master.onClusterStarted(() => started.push(cluster.clock.now()));
    master.spawn([{ file: 'w.js' }, { file: 'w.js', args: { 'crash-first': true } }]);
    await cluster.advance(0);
    const t0 = cluster.clock.now();
    expect(master.clusterInfo['web']).toHaveLength(1);
    expect(master.stats.respawnChildProcess).toBe(0);
    await cluster.advance(999);
    expect(started).toEqual([]);
    await cluster.advance(1);
    expect(master.stats.respawnChildProcess).toBe(1);
    expect(master.clusterInfo['web']).toHaveLength(2);
    expect(started).toEqual([t0 + 1_000]);
    await cluster.close();
  });
});
