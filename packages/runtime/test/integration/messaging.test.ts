import Redis from 'ioredis';
import type { Stats } from '../../src';
import { freshNamespace, isAlive, killTracked, runFixture, waitGone, type FixtureEvent } from './harness';
import { asPublished } from './signed-run';
import {
  allPids,
  barrier,
  closeControllers,
  command,
  createController,
  emitFrom,
  expectAllGone,
  received,
  recordReceived,
  sortedInfo,
  startTree,
  stopTree,
  type Tree,
} from './msg-helpers';

// Real Redis on 127.0.0.1:6379 and real processes. Every test starts its own
// tree in its own namespace, drives it from a controller Worker inside jest
// (private command messages; the fixture acks each one on stdout), and ends
// by stopping the tree and checking every pid it saw is gone.

// The integration project's `testTimeout` in jest.config.js is not applied (jest-circus
// only reads the global one), so these tests set their own budget: each takes 1-3 s
// alone, more when the 2-core machine is busy with other suites.
jest.setTimeout(30_000);

const redisClients: Redis[] = [];

afterEach(async () => {
  await closeControllers();
  await Promise.all(redisClients.splice(0).map((client) => client.quit().catch(() => client.disconnect())));
  await killTracked();
});

function meta(tree: Tree, name: string): { pid: number; group: string } {
  const group = name === 'master' ? 'master' : name === 'j1' || name === 'p' ? 'jobs' : 'web';
  return { pid: tree.pids[name]!, group };
}

function statsOf(ack: FixtureEvent): Stats {
  return ack['stats'] as Stats;
}

/** Stats of a process that only received: every counter 0 unless given. */
function stats(counts: Partial<Stats>): Stats {
  return {
    emitPublic: 0,
    emitPrivate: 0,
    emitGroup: 0,
    emitKill: 0,
    emitConfirmation: 0,
    emitAny: 0,
    onMessage: 0,
    onPublic: 0,
    onGroup: 0,
    onPrivate: 0,
    onAny: 0,
    requestsSent: 0,
    requestsReceived: 0,
    requestsReplied: 0,
    requestsTimedOut: 0,
    requestsFailed: 0,
    lateReplies: 0,
    spawnChildProcess: 0,
    respawnChildProcess: 0,
    giveUpChildProcess: 0,
    receivedConfirmations: 0,
    successfulConfirmations: 0,
    rejectedFrames: {},
    missedFrames: 0,
    unsentFrames: 0,
    reconnects: 0,
    listenerErrors: 0,
    killHungChildProcess: 0,
    ...counts,
  };
}

describe('messaging over Redis', () => {
  test('public, private and group messages reach exactly their receivers, and a second cluster on the same Redis hears none of them', async () => {
    const [a, b] = await Promise.all([startTree({ namespace: freshNamespace('msg-a') }), startTree({ namespace: freshNamespace('msg-b') })]);
    const ctlA = createController(a.namespace);
    const ctlB = createController(b.namespace);
    const ctlSeen = { A: recordReceived(ctlA, a), B: recordReceived(ctlB, b) };
    // A reply proves the controller's subscriptions are live; it is not registered itself.
    expect(sortedInfo(await ctlA.fetchClusterInfo())).toEqual(sortedInfo({ master: [a.pids.master!], web: [a.pids.w1!, a.pids.w2!, a.pids.gc!], jobs: [a.pids.j1!, a.pids.p!] }));
    await ctlB.fetchClusterInfo();

    // The same script in both clusters, one after the other; each emit resolves to how many subscribers Redis delivered it to.
    const traffic = async (tree: Tree, ctl: typeof ctlA, tag: string) => {
      const { master, w1, j1, p, gc } = tree.pids as Record<'master' | 'w1' | 'j1' | 'p' | 'gc', number>;
      // Every process of the tree (6) and the controller: never the other cluster.
      expect(await emitFrom(ctl, tree, w1, 'public', { tag: `${tag}-public` })).toBe(7);
      expect(await emitFrom(ctl, tree, j1, 'private', gc, { tag: `${tag}-to-gc` })).toBe(1);
      // The grandchild is in `web`, so it does not hear its own message to `jobs`.
      expect(await emitFrom(ctl, tree, gc, 'group', 'jobs', { tag: `${tag}-jobs` })).toBe(2);
      expect(await emitFrom(ctl, tree, master, 'group', 'web', { tag: `${tag}-web` })).toBe(3);
      expect(await emitFrom(ctl, tree, p, 'private', master, { tag: `${tag}-to-master` })).toBe(1);
    };
    await traffic(a, ctlA, 'A');
    await traffic(b, ctlB, 'B');
    // Both barriers are published after all traffic of both clusters: a leak would have arrived before them.
    await Promise.all([barrier(ctlA, a, Object.values(a.pids)), barrier(ctlB, b, Object.values(b.pids))]);

    for (const [tree, tag] of [
      [a, 'A'],
      [b, 'B'],
    ] as const) {
      const got = (name: string) => received(tree, tree.pids[name]!);
      expect(got('master')).toEqual([`public ${tag}-public <- w1`, `private ${tag}-to-master <- p`]);
      expect(got('w1')).toEqual([`public ${tag}-public <- w1`, `group ${tag}-web <- master`]);
      expect(got('w2')).toEqual([`public ${tag}-public <- w1`, `group ${tag}-web <- master`]);
      expect(got('j1')).toEqual([`public ${tag}-public <- w1`, `group ${tag}-jobs <- gc`]);
      expect(got('p')).toEqual([`public ${tag}-public <- w1`, `group ${tag}-jobs <- gc`]);
      expect(got('gc')).toEqual([`public ${tag}-public <- w1`, `private ${tag}-to-gc <- j1`, `group ${tag}-web <- master`]);
      expect(ctlSeen[tag]).toEqual([`public ${tag}-public <- w1`]);
    }
    // The grandchild's parent and master are who they should be.
    const gcReady = a.fixture.events.find((e) => e.ev === 'ready' && e.pid === a.pids.gc)!;
    expect(gcReady).toMatchObject({ parentPid: a.pids.p, masterPid: a.pids.master, group: 'web' });

    expect(await stopTree(a)).toEqual({ code: 15, signal: null });
    expect(await stopTree(b)).toEqual({ code: 15, signal: null });
  });

  test('onConfirmation fires each time its count is reached, with the metas of the confirming processes', async () => {
    const tree = await startTree({ namespace: freshNamespace('msg-confirm') });
    const ctl = createController(tree.namespace);
    await ctl.fetchClusterInfo();
    const { master, w1, w2, j1, p, gc } = tree.pids as Record<'master' | 'w1' | 'w2' | 'j1' | 'p' | 'gc', number>;

    // `tick` is added after `three` on the same identifier: for each confirmation the master prints `three` (if it fires) before `tick`.
    await command(ctl, tree, master, 'count', { count: 3, id: 'job', label: 'three' });
    await command(ctl, tree, master, 'count', { count: 1, id: 'job', label: 'tick' });
    await command(ctl, tree, j1, 'count', { count: 6, id: 'job', label: 'six' });

    const confirmers: Array<[number, string]> = [
      [w1, 'job'],
      [j1, 'job'],
      [w2, 'other'], // another identifier: counted by no `job` listener
      [gc, 'job'],
      [master, 'job'],
      [w2, 'job'],
      [p, 'job'],
    ];
    for (const [pid, id] of confirmers) {
      // Only processes that count confirmations subscribe to them: the master and j1.
      expect(await emitFrom(ctl, tree, pid, 'confirmation', id)).toBe(2);
    }
    await tree.fixture.waitFor((e) => e.ev === 'confirmed' && e.pid === master && e['label'] === 'tick' && e['fired'] === 6, 'the sixth tick');
    const six = await tree.fixture.waitFor((e) => e.ev === 'confirmed' && e.pid === j1 && e['label'] === 'six', 'the batch of six on j1');

    const masterBatches = tree.fixture.events.filter((e) => e.ev === 'confirmed' && e.pid === master);
    expect(masterBatches.map((e) => `${String(e['label'])}#${String(e['fired'])}`)).toEqual(['tick#1', 'tick#2', 'three#1', 'tick#3', 'tick#4', 'tick#5', 'three#2', 'tick#6']);
    // meta.instance is random per process run: compared as pid and group.
    const threes = masterBatches.filter((e) => e['label'] === 'three').map((e) => (e['metas'] as Array<{ pid: number; group: string }>).map(({ pid, group }) => ({ pid, group })));
    expect(threes).toEqual([
      [meta(tree, 'w1'), meta(tree, 'j1'), meta(tree, 'gc')],
      [meta(tree, 'master'), meta(tree, 'w2'), meta(tree, 'p')],
    ]);
    expect((six['metas'] as Array<{ pid: number; group: string; instance: string }>).map(({ pid, group }) => ({ pid, group }))).toEqual(['w1', 'j1', 'gc', 'master', 'w2', 'p'].map((name) => meta(tree, name)));
    // Every sender named its run: six distinct instances.
    expect(new Set((six['metas'] as Array<{ instance: string }>).map((m) => m.instance)).size).toBe(6);
    expect(tree.fixture.events.filter((e) => e.ev === 'confirmed' && e.pid === j1)).toHaveLength(1);

    // 7 confirmation frames arrived; a batch of any listener counts as one success (2 x three + 6 x tick).
    const masterStats = statsOf(await command(ctl, tree, master, 'stats'));
    expect(masterStats).toMatchObject({ receivedConfirmations: 7, successfulConfirmations: 8, emitConfirmation: 1 });
    expect(statsOf(await command(ctl, tree, j1, 'stats'))).toMatchObject({ receivedConfirmations: 7, successfulConfirmations: 1, emitConfirmation: 1 });

    expect(await stopTree(tree)).toEqual({ code: 15, signal: null });
  });

  test('emitKill runs the target onKill hook before it exits with exactly the requested code', async () => {
    const tree = await startTree({
      namespace: freshNamespace('msg-kill'),
      names: ['k', 'j1'],
      spawn: [
        { file: 'msg-killable.js', args: { group: 'web', name: 'k' }, respawn: false },
        { file: 'msg-worker.js', args: { group: 'jobs', name: 'j1' } },
      ],
    });
    const ctl = createController(tree.namespace);
    const { master, k, j1 } = tree.pids as Record<'master' | 'k' | 'j1', number>;
    expect(sortedInfo(await ctl.fetchClusterInfo())).toEqual({ master: [master], web: [k], jobs: [j1] });
    const exitOf = (pid: number) => (e: FixtureEvent) => e.ev === 'log' && (e['record'] as { event: string; child: number }).event === 'child.exit' && (e['record'] as { child: number }).child === pid;

    expect(await ctl.emitKill(k, 7)).toBe(1);
    await tree.fixture.waitFor((e) => e.ev === 'onKill' && e.pid === k, 'the onKill hook of k');
    // The hook holds k until it is let go: k is alive, still registered, and has not exited.
    expect(isAlive(k)).toBe(true);
    expect(sortedInfo(await ctl.fetchClusterInfo())).toEqual({ master: [master], web: [k], jobs: [j1] });
    expect(tree.fixture.events.some(exitOf(k))).toBe(false);

    await command(ctl, tree, k, 'let-go');
    const exit = await tree.fixture.waitFor(exitOf(k), 'the master to see k exit');
    expect(exit['record']).toEqual({ event: 'child.exit', child: k, code: 7, signal: null });
    await waitGone(k);
    // k deregistered before it exited; respawn: false keeps it dead.
    expect(sortedInfo(await ctl.fetchClusterInfo())).toEqual({ master: [master], jobs: [j1] });

    // Killing the master stops the cluster: its hook runs, then its children stop, then it exits with the code.
    expect(await ctl.emitKill(master, 3)).toBe(1);
    expect(await tree.fixture.exited).toEqual({ code: 3, signal: null });
    const hook = await tree.fixture.waitFor((e) => e.ev === 'onKill' && e.pid === master, 'the onKill hook of the master');
    const j1Exit = await tree.fixture.waitFor(exitOf(j1), 'the master to see j1 exit');
    expect(j1Exit['record']).toEqual({ event: 'child.exit', child: j1, code: 143, signal: null });
    expect(tree.fixture.events.indexOf(hook)).toBeLessThan(tree.fixture.events.indexOf(j1Exit));
    await expectAllGone(allPids(tree));
  });

  test('cluster info follows registrations and deregistrations, including SIGKILLed workers and the grandchild of one', async () => {
    const tree = await startTree({ namespace: freshNamespace('msg-info') });
    const ctl = createController(tree.namespace);
    const { master, w1, w2, j1, p, gc } = tree.pids as Record<'master' | 'w1' | 'w2' | 'j1' | 'p' | 'gc', number>;
    const infoEverywhere = async (expected: Record<string, number[]>, grandchild: number) => {
      expect(sortedInfo(await ctl.fetchClusterInfo())).toEqual(sortedInfo(expected));
      const fromGrandchild = await command(ctl, tree, grandchild, 'info');
      expect(fromGrandchild['via']).toBe('fetchClusterInfo');
      expect(sortedInfo(fromGrandchild['info'])).toEqual(sortedInfo(expected));
      const fromMaster = await command(ctl, tree, master, 'info');
      expect(fromMaster['via']).toBe('clusterInfo');
      expect(sortedInfo(fromMaster['info'])).toEqual(sortedInfo(expected));
    };
    const removal = (pid: number) => (e: FixtureEvent) => e.ev === 'log' && (e['record'] as { event: string }).event === 'registry.remove' && ((e['record'] as { pids: number[] }).pids ?? []).includes(pid);
    const respawned = (name: string, old: number) => tree.fixture.waitFor((e) => e.ev === 'ready' && e['name'] === name && e.pid !== old, `${name} to be respawned and ready`);

    await infoEverywhere({ master: [master], web: [w1, w2, gc], jobs: [j1, p] }, gc);

    // SIGKILL gives w2 no chance to deregister: the master notices the exit, removes it, and respawns the slot.
    process.kill(w2, 'SIGKILL');
    await waitGone(w2);
    expect((await tree.fixture.waitFor(removal(w2), 'w2 removed'))['record']).toMatchObject({ pids: [w2] });
    const w2b = (await respawned('w2', w2)).pid;

    // SIGKILL the parent: its child stops by itself (parent gone) and both leave cluster info; the slot respawns both.
    process.kill(p, 'SIGKILL');
    await Promise.all([waitGone(p), waitGone(gc)]);
    await Promise.all([tree.fixture.waitFor(removal(p), 'p removed'), tree.fixture.waitFor(removal(gc), 'gc removed')]);
    const pb = (await respawned('p', p)).pid;
    const gcb = (await respawned('gc', gc)).pid;
    const gcbReady = tree.fixture.events.find((e) => e.ev === 'ready' && e.pid === gcb)!;
    expect(gcbReady['parentPid']).toBe(pb);

    await infoEverywhere({ master: [master], web: [w1, w2b, gcb], jobs: [j1, pb] }, gcb);
    expect(await stopTree(tree)).toEqual({ code: 15, signal: null });
    for (const pid of [w2, p, gc, w2b, pb, gcb]) expect(isAlive(pid)).toBe(false);
  });

  test('stats count exactly the traffic each process sent and received', async () => {
    const tree = await startTree({ namespace: freshNamespace('msg-stats') });
    const ctl = createController(tree.namespace);
    await ctl.fetchClusterInfo();
    const { master, w1, w2, j1, p, gc } = tree.pids as Record<'master' | 'w1' | 'w2' | 'j1' | 'p' | 'gc', number>;

    // The script. Every step is one command (a private message) to the process named first.
    await command(ctl, tree, master, 'count', { count: 2, id: 's', label: 'two' });
    await emitFrom(ctl, tree, w1, 'public', { tag: 's1' });
    await emitFrom(ctl, tree, w1, 'public', { tag: 's2' });
    await emitFrom(ctl, tree, w1, 'private', j1, { tag: 's3' });
    await emitFrom(ctl, tree, j1, 'group', 'web', { tag: 's4' });
    await emitFrom(ctl, tree, gc, 'group', 'jobs', { tag: 's5' });
    await emitFrom(ctl, tree, master, 'private', gc, { tag: 's6' });
    await emitFrom(ctl, tree, master, 'confirmation', 's');
    await emitFrom(ctl, tree, p, 'confirmation', 's');
    await tree.fixture.waitFor((e) => e.ev === 'confirmed' && e.pid === master && e['label'] === 'two', 'the batch of two');

    // Each stats command is published after all traffic, so each process has received all of it; the
    // command itself is counted as a private message before the snapshot is taken.
    const statsFor = async (pid: number) => statsOf(await command(ctl, tree, pid, 'stats'));
    // Everyone listens to public messages and hears both (the sender too); only the master counts
    // confirmations, so only the master receives them.
    const everyone = { onPublic: 2 };
    expect(await statsFor(w1)).toEqual(stats({ ...everyone, emitPublic: 2, emitPrivate: 1, onPrivate: 4, onGroup: 1, onMessage: 7 }));
    expect(await statsFor(w2)).toEqual(stats({ ...everyone, onPrivate: 1, onGroup: 1, onMessage: 4 }));
    expect(await statsFor(j1)).toEqual(stats({ ...everyone, emitGroup: 1, onPrivate: 3, onGroup: 1, onMessage: 6 }));
    expect(await statsFor(p)).toEqual(stats({ ...everyone, emitConfirmation: 1, onPrivate: 2, onGroup: 1, onMessage: 5, spawnChildProcess: 1 }));
    expect(await statsFor(gc)).toEqual(stats({ ...everyone, emitGroup: 1, onPrivate: 3, onGroup: 1, onMessage: 6 }));
    expect(await statsFor(master)).toEqual(
      stats({ ...everyone, emitPrivate: 1, emitConfirmation: 1, onPrivate: 4, onMessage: 6, receivedConfirmations: 2, successfulConfirmations: 1, spawnChildProcess: 4 }),
    );
    // The controller sent 4 + 1 + 2 + 2 + 2 + 4 commands; it has no public listener, so it is not
    // subscribed to the public channel and hears nothing.
    expect(ctl.stats).toEqual(stats({ emitPrivate: 15, emitPublic: 0 }));

    expect(await stopTree(tree)).toEqual({ code: 15, signal: null });
  });

  test('--cluster-* args reach grandchildren and plain args stay with the process they were given to', async () => {
    const fixture = runFixture('msg-args-master.js', { args: ['--cluster-region=eu', '--plain=1'] });
    const [master, worker, leaf] = await Promise.all(
      ['master', 'worker', 'leaf'].map((name) => fixture.waitFor((e) => e.ev === 'config' && e['name'] === name, `config of ${name}`)),
    );
    const config = (e: FixtureEvent | undefined) => e!['config'] as Record<string, unknown>;

    expect(config(master)).toMatchObject({ 'cluster-region': 'eu', plain: 1 });
    expect(config(worker)).toMatchObject({ 'cluster-region': 'eu', 'cluster-tier': 'gold', port: 3000 });
    expect(config(worker)).not.toHaveProperty('plain');
    expect(config(leaf)).toMatchObject({ 'cluster-region': 'eu', 'cluster-tier': 'gold' });
    expect(config(leaf)).not.toHaveProperty('port');
    expect(config(leaf)).not.toHaveProperty('plain');

    const pids = [master!.pid, worker!.pid, leaf!.pid];
    expect(master!.pid).toBe(fixture.pid);
    process.kill(fixture.pid, 'SIGTERM');
    expect(await fixture.exited).toEqual({ code: 15, signal: null });
    await expectAllGone(pids);
  });

  test('invalid frames published raw on a worker channel are dropped and counted by reason, and the worker keeps working', async () => {
    const tree = await startTree({
      namespace: freshNamespace('msg-frames'),
      names: ['w1', 't'],
      spawn: [
        { file: 'msg-worker.js', args: { group: 'web', name: 'w1' } },
        { file: 'msg-typed-worker.js', args: { group: 'typed', name: 't' } },
      ],
    });
    const ctl = createController(tree.namespace);
    await ctl.fetchClusterInfo();
    const { master, w1, t } = tree.pids as Record<'master' | 'w1' | 't', number>;
    const raw = new Redis('redis://127.0.0.1:6379');
    redisClients.push(raw);
    // A sender run (instance) and sequence numbers on the frames that get past decoding, as a
    // process sends them; in the signed run every frame is also signed (asPublished).
    const sender = { pid: process.pid, group: 'ctl', instance: 'raw1' };
    const frame = (kind: string, data: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ v: 2, kind, id: `raw-${kind}`, meta: sender, data, ...extra });
    const privateChannel = `${tree.namespace}:private:${w1}`;

    const garbage: Array<[string, string]> = [
      ['not_json', 'this is not json {'],
      ['unsupported_version', JSON.stringify({ v: 3, kind: 'private', id: 'raw-v3', meta: sender, data: { tag: 'v3' } })],
      // What a clustr 0.1 process (envelope v1) would send: never interpreted.
      ['unsupported_version', JSON.stringify({ v: 1, kind: 'kill', id: 'raw-v1', meta: sender, data: { pid: w1, code: 0 } })],
      ['unknown_kind', frame('teleport', {})],
      // A kill with an exit code out of range: dropped, so w1 must not die.
      ['invalid_frame', frame('kill', { pid: w1, code: 999 })],
      // A well-formed kill for another process on w1's channel: dropped, nobody dies.
      ['misrouted', frame('kill', { pid: master, code: 0 }, { seq: 1 })],
      ['misrouted', frame('public', { tag: 'public-on-private' }, { seq: 2 })],
      ['forbidden_key', `{"v":2,"kind":"private","id":"raw-proto","meta":${JSON.stringify(sender)},"data":{"__proto__":{"polluted":true}}}`],
    ];
    for (const [, payload] of garbage) expect(await raw.publish(privateChannel, asPublished(privateChannel, payload))).toBe(1);
    const errors = await tree.fixture.waitForCount((e) => e.ev === 'error' && e.pid === w1, garbage.length, 'w1 to drop every frame');
    expect(errors.map((e) => [e['event'], e['reason'], e['channel']])).toEqual(garbage.map(([reason]) => ['frame.rejected', reason, privateChannel]));

    // Still working: a valid raw frame is delivered, commands run, and stats count the drops exactly.
    expect(await raw.publish(privateChannel, asPublished(privateChannel, frame('private', { tag: 'after' }, { seq: 3 })))).toBe(1);
    await tree.fixture.waitFor((e) => e.ev === 'recv' && e.pid === w1 && (e['data'] as { tag?: string }).tag === 'after', 'w1 to receive a valid frame');
    const w1Stats = statsOf(await command(ctl, tree, w1, 'stats'));
    expect(w1Stats.rejectedFrames).toEqual({ not_json: 1, unsupported_version: 2, unknown_kind: 1, invalid_frame: 1, misrouted: 2, forbidden_key: 1 });
    expect(w1Stats).toMatchObject({ onPrivate: 2, onMessage: 2, listenerErrors: 0 });
    expect(isAlive(w1)).toBe(true);
    expect(isAlive(master)).toBe(true);

    // Data that breaks the receiver's message schema is dropped as invalid_data; valid data still arrives.
    const groupChannel = `${tree.namespace}:group:typed`;
    expect(await raw.publish(groupChannel, asPublished(groupChannel, frame('group', { n: 'one' }, { seq: 1 })))).toBe(1);
    expect(await raw.publish(groupChannel, asPublished(groupChannel, frame('group', { n: 1 }, { seq: 2 })))).toBe(1);
    const typedError = await tree.fixture.waitFor((e) => e.ev === 'error' && e.pid === t, 't to drop the invalid data');
    expect(typedError).toMatchObject({ event: 'frame.rejected', reason: 'invalid_data', channel: groupChannel });
    await tree.fixture.waitFor((e) => e.ev === 'recv' && e.pid === t && e['kind'] === 'group', 't to receive valid data');
    expect(tree.fixture.events.filter((e) => e.ev === 'recv' && e.pid === t).map((e) => e['data'])).toEqual([{ n: 1 }]);
    const tStats = statsOf(await command(ctl, tree, t, 'stats'));
    expect(tStats.rejectedFrames).toEqual({ invalid_data: 1 });
    expect(tStats).toMatchObject({ onGroup: 1, onPrivate: 1, onMessage: 2 });

    expect(sortedInfo(await ctl.fetchClusterInfo())).toEqual({ master: [master], web: [w1], typed: [t] });
    expect(await stopTree(tree)).toEqual({ code: 15, signal: null });
  });
});
