// Signals: the master stops the tree on SIGTERM/SIGINT, workers stop with their parent, close() cleans up.
import { createTestCluster, type TestCluster } from '@clustr/testkit';
import type { Master } from '@clustr/runtime';
import { Master as SrcMaster, Worker as SrcWorker } from '../../src';
import { argOf, recordingLogger, type RecordingLogger } from './helpers';
import { fakePlatform, flush } from './fake-platform';

interface Tree {
  cluster: TestCluster;
  master: Master;
  logger: RecordingLogger;
  /** `kill:<name>` when an onKill hook ran, `exit:<name>:<code>` when its parent saw a child exit, in order. */
  timeline: string[];
  pids: Map<string, number>;
}

/** master → web-1, web-2; web-2 → leaf. Every onKill and every child exit (as its parent saw it) is logged. */
async function tree(): Promise<Tree> {
  const cluster = createTestCluster({ clock: 'manual' });
  const timeline: string[] = [];
  const pids = new Map<string, number>();
  const logger = recordingLogger();
  cluster.program('node.js', (ctx) => {
    const name = argOf(ctx.argv, 'name')!;
    pids.set(name, ctx.pid);
    const w = ctx.createWorker({ group: 'nodes', reloadDelay: 0, logger: name === 'leaf' ? logger : undefined } as { group: string });
    w.onKill((done) => {
      timeline.push(`kill:${name}`);
      done();
    });
    w.onChildExit((exit) => timeline.push(`exit:${name === 'web-2' ? 'leaf' : '?'}:${String(exit.code)}`));
    if (name === 'web-2') w.spawn([{ file: 'node.js', args: { name: 'leaf' } }]);
    void w.emitReady();
  });
  const master = cluster.createMaster({ reloadDelay: 0 });
  master.onKill((done) => {
    timeline.push('kill:master');
    done();
  });
  pids.set('master', master.pid);
  master.onChildExit((exit) => timeline.push(`exit:${[...pids].find(([, pid]) => pid === exit.pid)![0]}:${String(exit.code)}`));
  master.spawn([
    { file: 'node.js', args: { name: 'web-1' } },
    { file: 'node.js', args: { name: 'web-2' } },
  ]);
  await cluster.until(() => master.clusterInfo['nodes']?.length === 3);
  return { cluster, master, logger, timeline, pids };
}

test('SIGTERM to the master runs every onKill in the tree, children exit before their parent, master exits 15', async () => {
  const t = await tree();
  t.cluster.signal(t.master.pid, 'SIGTERM');
  await t.cluster.until(() => t.cluster.alivePids().length === 0);
  const kills = t.timeline.filter((e) => e.startsWith('kill:'));
  expect(kills.sort()).toEqual(['kill:leaf', 'kill:master', 'kill:web-1', 'kill:web-2']);
  expect(t.timeline[0]).toBe('kill:master');
  const at = (event: string) => t.timeline.indexOf(event);
  expect(at('kill:leaf')).toBeGreaterThan(at('kill:web-2'));
  expect(at('exit:leaf:143')).toBeLessThan(at('exit:web-2:143'));
  expect(at('exit:web-1:143')).toBeGreaterThan(-1);
  expect(t.cluster.process(t.master.pid).exit).toEqual({ code: 15, signal: null });
  expect(t.master.status).toBe('closed');
});

test('SIGINT to the master stops the cluster with exit code 130', async () => {
  const t = await tree();
  t.cluster.signal(t.master.pid, 'SIGINT');
  await t.cluster.until(() => t.cluster.alivePids().length === 0);
  expect(t.cluster.process(t.master.pid).exit).toEqual({ code: 130, signal: null });
  expect(t.timeline.filter((e) => e.startsWith('kill:'))).toHaveLength(4);
});

/** A master whose one child (slow.js) never calls done() in its onKill hook (killTimeout: false), so the master stays stopping. */
async function stuckStopping(masterOptions: { stopTimeout?: number } = {}) {
  const cluster = createTestCluster({ clock: 'manual' });
  let release: (() => void) | undefined;
  cluster.program('slow.js', (ctx) => {
    const w = ctx.createWorker({ group: 'slow', reloadDelay: 0, killTimeout: false });
    w.onKill((done) => {
      release = done;
    });
    void w.emitReady();
  });
  const logger = recordingLogger();
  const master = cluster.createMaster({ reloadDelay: 0, logger, ...masterOptions });
  master.spawn([{ file: 'slow.js' }]);
  await cluster.until(() => master.clusterInfo['slow']?.length === 1);
  const child = master.clusterInfo['slow']![0]!;
  cluster.signal(master.pid, 'SIGTERM');
  await cluster.until(() => release !== undefined);
  return { cluster, master, logger, child, release: () => release!() };
}

test('a SIGHUP while the master is stopping is ignored and logged; the stop goes on', async () => {
  const { cluster, master, logger, release } = await stuckStopping();
  cluster.signal(master.pid, 'SIGHUP');
  await cluster.settle();
  expect(master.status).toBe('stopping');
  expect(master.reloadState).toBe('idle');
  expect(logger.events('signal.ignored')).toEqual([{ event: 'signal.ignored', signal: 'SIGHUP', state: 'stopping' }]);
  release();
  await cluster.until(() => cluster.alivePids().length === 0);
  expect(cluster.process(master.pid).exit).toEqual({ code: 15, signal: null });
  expect(logger.events('process.state')).toHaveLength(2);
});

test.each(['SIGTERM', 'SIGINT'] as const)('a %s while the master is stopping stops it now: children are SIGKILLed and it exits at once, with the first code', async (second) => {
  // A stop that would take an hour: the child's hook never finishes, and stopTimeout is long.
  const { cluster, master, logger, child } = await stuckStopping({ stopTimeout: 3_600_000 });
  await cluster.advance(60_000);
  expect(master.status).toBe('stopping');
  cluster.signal(master.pid, second);
  await cluster.settle();
  expect(cluster.process(child).exit).toEqual({ code: null, signal: 'SIGKILL' });
  expect(cluster.process(master.pid).exit).toEqual({ code: 15, signal: null });
  expect(master.status).toBe('closed');
  expect(logger.events('signal.force')).toEqual([{ event: 'signal.force', signal: second, children: [child], code: 15 }]);
  expect(logger.events('process.state').map((f) => `${String(f['from'])}->${String(f['to'])}`)).toEqual(['running->stopping', 'stopping->closed']);
});

test("killTimeout: false in a child does not outlast its parent: the parent's stopTimeout still ends it with SIGKILL", async () => {
  const { cluster, master, child } = await stuckStopping({ stopTimeout: 3_000 });
  await cluster.advance(2_999);
  expect(cluster.process(child).state).toBe('running');
  await cluster.advance(1);
  expect(cluster.process(child).exit).toEqual({ code: null, signal: 'SIGKILL' });
  await cluster.until(() => cluster.alivePids().length === 0);
  expect(cluster.process(master.pid).exit).toEqual({ code: 15, signal: null });
});

test('a worker treats SIGTERM as a kill (exit 143) and SIGINT as one (exit 130)', async () => {
  const cluster = createTestCluster({ clock: 'manual' });
  const a = cluster.createWorker({ group: 'a' });
  const b = cluster.createWorker({ group: 'b' });
  const ran: string[] = [];
  a.onKill((done) => {
    ran.push('a');
    done();
  });
  cluster.signal(a.pid, 'SIGTERM');
  cluster.signal(b.pid, 'SIGINT');
  await cluster.settle();
  expect(ran).toEqual(['a']);
  expect(cluster.process(a.pid).exit).toEqual({ code: 143, signal: null });
  expect(cluster.process(b.pid).exit).toEqual({ code: 130, signal: null });
});

test('a worker ignores SIGHUP (a hang-up sent to the whole process group): it keeps running, registered; only the master reloads', async () => {
  const t = await tree();
  const web1 = t.pids.get('web-1')!;
  const leaf = t.pids.get('leaf')!;
  for (const pid of [web1, leaf]) t.cluster.signal(pid, 'SIGHUP');
  await t.cluster.settle();
  for (const pid of [web1, leaf]) expect(t.cluster.process(pid).state).toBe('running');
  expect(t.timeline).toEqual([]);
  expect(t.logger.events('signal.ignored')).toEqual([{ event: 'signal.ignored', signal: 'SIGHUP' }]);
  expect(t.master.clusterInfo['nodes']).toHaveLength(3);
  await t.cluster.close();
});

test('a worker whose parent dies (SIGKILL) runs its onKill hooks and stops with exit code 1', async () => {
  const t = await tree();
  const web2 = t.pids.get('web-2')!;
  const leaf = t.pids.get('leaf')!;
  t.cluster.signal(web2, 'SIGKILL');
  await t.cluster.until(() => t.cluster.process(leaf).state === 'exited');
  expect(t.timeline).toContain('kill:leaf');
  expect(t.timeline).not.toContain('kill:web-2');
  expect(t.cluster.process(leaf).exit).toEqual({ code: 1, signal: null });
  expect(t.logger.events('parent.gone')).toEqual([{ event: 'parent.gone', parentPid: web2 }]);
  // The rest of the cluster is untouched; the master respawns web-2 (a SIGKILL is a crash).
  expect(t.cluster.process(t.pids.get('web-1')!).state).toBe('running');
  await t.cluster.until(() => t.master.clusterInfo['nodes']?.length === 3);
  await t.cluster.close();
});

describe('close() removes what the process installed', () => {
  test('master: signal handlers, subscriptions and connections are gone; a second close is the same promise', async () => {
    const f = fakePlatform();
    const master = SrcMaster.create({ platform: f.platform });
    await flush();
    expect([...f.signalHandlers.entries()].map(([signal, set]) => [signal, set.size])).toEqual([
      ['SIGTERM', 1],
      ['SIGINT', 1],
      ['SIGHUP', 1],
    ]);
    master.onPublic(() => undefined);
    master.onGroup(() => undefined);
    master.onConfirmation(1, 'x', () => undefined);
    await flush();
    expect(f.server.channels().sort()).toEqual(['clustr:confirmation', 'clustr:control', 'clustr:group:master', 'clustr:master', 'clustr:private:100', 'clustr:public']);
    const first = master.close(3);
    expect(master.close()).toBe(first);
    await first;
    expect(await master.close(0)).toBeUndefined();
    expect(f.exits).toEqual([3]);
    expect([...f.signalHandlers.values()].map((set) => set.size)).toEqual([0, 0, 0]);
    expect(f.server.channels()).toEqual([]);
    expect(f.server.connectionCount).toBe(0);
    expect(master.status).toBe('closed');
  });

  test('worker: signal handlers and the parent watch are removed', async () => {
    const f = fakePlatform();
    let watching = 0;
    f.platform.watchParent = () => {
      watching++;
      return () => watching--;
    };
    const worker = SrcWorker.create({ group: 'web', platform: f.platform });
    await flush();
    expect(watching).toBe(1);
    await worker.close();
    expect(watching).toBe(0);
    expect([...f.signalHandlers.entries()].map(([signal, set]) => [signal, set.size])).toEqual([
      ['SIGTERM', 0],
      ['SIGINT', 0],
      ['SIGHUP', 0],
    ]);
    expect(f.exits).toEqual([1]);
  });

  test('listeners no longer run after close', async () => {
    const cluster = createTestCluster({ clock: 'manual' });
    const a = cluster.createWorker({ group: 'a' });
    const b = cluster.createWorker({ group: 'b' });
    await cluster.settle();
    const got: unknown[] = [];
    a.onPublic(({ data }) => got.push(data));
    await a.close(0);
    await b.emitPublic('after close');
    await cluster.settle();
    expect(got).toEqual([]);
    expect(a.stats.onPublic).toBe(0);
    await cluster.close();
  });
});
