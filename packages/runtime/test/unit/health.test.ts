// Heartbeats, the master's status table and the hung-process watchdog, on simulated time.
import { channels, type FrameOf } from '@clustr/protocol';
import { FakeRedis, createTestCluster, type TestCluster } from '@clustr/testkit';
import type { ErrorContext, Master, ProcessStatus } from '@clustr/runtime';
import { Master as SrcMaster } from '../../src';
import { countersOf } from '../../src/process/heartbeat';
import { argOf, recordingLogger, thrown } from './helpers';
import { fakePlatform, flush } from './fake-platform';
import mitt from 'mitt';
import type { Clock, TimerHandle } from '../../src/platform/platform';
import type { RuntimeEvents } from '../../src/process/events';
import type { Slot } from '../../src/supervision/supervisor';
import { Deadlines, STALL_SLACK_MS, Watchdog } from '../../src/supervision/watchdog';
import type { ConnectionState } from '../../src/transport/connection';

const INTERVAL = 1_000;
const TIMEOUT = 3 * INTERVAL;

interface Heard {
  channel: string;
  at: number;
  frame: FrameOf<'heartbeat'>;
}

/** Every heartbeat published in the namespace, with the simulated time it was heard. */
async function listen(cluster: TestCluster): Promise<{ heard: Heard[]; close(): void }> {
  const spy = new FakeRedis({ server: cluster.server });
  const heard: Heard[] = [];
  spy.on('pmessage', (_pattern: string, channel: string, raw: string) => {
    const frame = JSON.parse(raw) as { kind: string };
    if (frame.kind === 'heartbeat') heard.push({ channel, at: cluster.clock.now(), frame: frame as FrameOf<'heartbeat'> });
  });
  await spy.psubscribe(`${cluster.namespace}:*`);
  return { heard, close: () => spy.disconnect() };
}

interface Tree {
  cluster: TestCluster;
  master: Master;
  errors: Array<{ error: Error & { code?: string }; context: ErrorContext }>;
}

/**
 * A master (heartbeat every INTERVAL, handed down to every child) spawning
 * `definitions`: `web.js` registers at once (`--delay=N`: N ms after it starts),
 * `parent.js` registers and spawns a `web.js` of its own, `silent.js` never registers.
 */
async function tree(definitions: Array<{ file: string; args?: Record<string, string | number>; watchdog?: boolean }>, wait = true): Promise<Tree> {
  const cluster = createTestCluster({ clock: 'manual' });
  cluster.program('web.js', (ctx) => {
    const worker = ctx.createWorker({ group: 'web' });
    const delay = Number(argOf(ctx.argv, 'delay') ?? 0);
    if (delay > 0) ctx.platform.clock.setTimeout(() => void worker.emitReady(), delay);
    else void worker.emitReady();
  });
  cluster.program('parent.js', (ctx) => {
    const worker = ctx.createWorker({ group: 'parents' });
    worker.spawn([{ file: 'web.js' }]);
    void worker.emitReady();
  });
  cluster.program('silent.js', (ctx) => {
    ctx.createWorker({ group: 'silent' });
  });
  const master = cluster.createMaster({ heartbeatInterval: INTERVAL, logger: recordingLogger() });
  const errors: Tree['errors'] = [];
  master.onError((error, context) => errors.push({ error, context }));
  master.spawn(definitions);
  if (wait) await cluster.until(() => Object.values(master.clusterInfo).flat().length === 1 + definitions.length + definitions.filter((d) => d.file === 'parent.js').length);
  return { cluster, master, errors };
}

describe('heartbeats', () => {
  test('every registered process beats every interval on the master channel, from its registration on', async () => {
    const { cluster, master } = await tree([{ file: 'web.js' }, { file: 'web.js' }]);
    const spy = await listen(cluster);
    const t0 = cluster.clock.now();
    await cluster.advance(5 * INTERVAL);
    const workers = master.clusterInfo['web']!;
    for (const pid of workers) {
      const beats = spy.heard.filter((h) => h.frame.meta.pid === pid);
      // One every interval: five in five intervals, on the master channel only (the master is the parent).
      expect(beats).toHaveLength(5);
      expect(new Set(beats.map((b) => b.channel))).toEqual(new Set([channels(cluster.namespace).master]));
      expect(beats.map((b) => b.at - t0).every((at, i, all) => i === 0 || at - all[i - 1]! === INTERVAL)).toBe(true);
      expect(beats[0]!.frame.data).toMatchObject({ parentPid: master.pid, host: 'testkit', interval: INTERVAL, rss: 64 * 1024 * 1024, restarts: 0, cpu: 0, loopP99: 0 });
      expect(beats[0]!.frame.data.stats).toMatchObject({ onMessage: 0, emitPublic: 0, rejectedFrames: {} });
    }
    spy.close();
    await cluster.close();
  });

  test('a grandchild beats to the master and to its parent, which is not the master', async () => {
    const { cluster, master } = await tree([{ file: 'parent.js' }]);
    const spy = await listen(cluster);
    await cluster.advance(2 * INTERVAL);
    const parent = master.clusterInfo['parents']![0]!;
    const child = master.clusterInfo['web']![0]!;
    const ns = channels(cluster.namespace);
    const fromChild = spy.heard.filter((h) => h.frame.meta.pid === child);
    expect(new Set(fromChild.map((h) => h.channel))).toEqual(new Set([ns.master, ns.private(parent)]));
    expect(fromChild.every((h) => h.frame.data.parentPid === parent)).toBe(true);
    // The parent's own beats go to the master only: its parent is the master.
    expect(new Set(spy.heard.filter((h) => h.frame.meta.pid === parent).map((h) => h.channel))).toEqual(new Set([ns.master]));
    spy.close();
    await cluster.close();
  });

  test('heartbeat settings reach every child through its environment; a timeout under two intervals is refused', async () => {
    const f = fakePlatform({ files: ['/srv/app/w.js'] });
    const master = SrcMaster.create({ platform: f.platform, heartbeatInterval: 750, heartbeatTimeout: 4_000 });
    master.spawn([{ file: 'w.js' }]);
    await flush();
    expect(f.children[0]!.spec.env).toMatchObject({ CLUSTR_HEARTBEAT_INTERVAL: '750', CLUSTR_HEARTBEAT_TIMEOUT: '4000', CLUSTR_RESTARTS: '0' });
    await master.close(0);

    const bad = fakePlatform();
    expect(thrown(() => SrcMaster.create({ platform: bad.platform, heartbeatInterval: 1_000, heartbeatTimeout: 1_500 }))).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'heartbeatTimeout' });
    const inherited = fakePlatform({ env: { CLUSTR_HEARTBEAT_INTERVAL: 'soon' } });
    expect(thrown(() => SrcMaster.create({ platform: inherited.platform }))).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'CLUSTR_HEARTBEAT_INTERVAL' });
  });
});

describe('status', () => {
  test('the master answers a status request with every process, itself first, and each one’s latest heartbeat', async () => {
    const { cluster, master } = await tree([{ file: 'web.js' }, { file: 'parent.js' }]);
    await cluster.advance(2 * INTERVAL + 10);
    const client = await cluster.createClient();
    const processes = await client.status();
    expect(processes[0]).toMatchObject({ group: 'master', pid: master.pid, parentPid: master.pid, state: 'ready' });
    const rows = (list: Array<[string, number, number, string]>) => list.sort((a, b) => a[1] - b[1]);
    expect(rows(processes.slice(1).map((p) => [p.group, p.pid, p.parentPid, p.state]))).toEqual(
      rows(
        Object.entries(master.clusterInfo)
          .filter(([group]) => group !== 'master')
          .flatMap(([group, pids]) => pids.map((pid): [string, number, number, string] => [group, pid, cluster.process(pid).parentPid, 'ready'])),
      ),
    );
    expect(processes).toHaveLength(4);
    for (const p of processes) {
      expect(p.health).toMatchObject({ host: 'testkit', interval: INTERVAL, restarts: 0 });
      // Fresh: no older than one interval.
      expect(cluster.clock.now() - p.lastHeartbeat!).toBeLessThanOrEqual(INTERVAL);
    }
    await client.close();
    await cluster.close();
  });

  test('a registered process that never beat is starting; one silent past the timeout is hung (watchdog: false leaves it running)', async () => {
    const { cluster, master, errors } = await tree([{ file: 'web.js', watchdog: false }]);
    const pid = master.clusterInfo['web']![0]!;
    // A process of another implementation registers but sends no heartbeat.
    const outsider = new FakeRedis({ server: cluster.server });
    await outsider.publish(channels(cluster.namespace).master, JSON.stringify({ v: 2, kind: 'register', id: 'x.1', meta: { pid: 4242, group: 'py' }, data: { parentPid: master.pid } }));
    await cluster.settle();
    const client = await cluster.createClient();
    const stateOf = async (p: number) => (await client.status()).find((s: ProcessStatus) => s.pid === p)?.state;
    expect(await stateOf(4242)).toBe('starting');
    expect(await stateOf(pid)).toBe('ready');

    cluster.hang(pid);
    await cluster.advance(TIMEOUT + INTERVAL);
    expect(await stateOf(pid)).toBe('hung');
    expect(cluster.process(pid).state).toBe('running');
    expect(errors.map((e) => [e.error.code, e.context['pid'], e.context['killed']])).toEqual([['CLUSTR_PROCESS_HUNG', pid, false]]);
    cluster.resume(pid);
    await cluster.advance(INTERVAL);
    expect(await stateOf(pid)).toBe('ready');
    outsider.disconnect();
    await client.close();
    await cluster.close();
  });
});

describe('an outage of Redis itself', () => {
  test('longer than heartbeatTimeout, it makes no one hung: a grandchild beating again after it is neither reported by the master nor killed by its parent', async () => {
    const { cluster, master, errors } = await tree([{ file: 'parent.js' }]);
    const [grandchild] = master.clusterInfo['web']!;
    await cluster.advance(2 * INTERVAL);
    cluster.server.stop();
    await cluster.advance(3 * TIMEOUT);
    cluster.server.start();
    await cluster.until(() => master.connection.state === 'ready');
    await cluster.advance(2 * TIMEOUT);
    expect(errors.map((e) => e.error.code)).toEqual([]);
    expect(cluster.process(grandchild!).state).toBe('running');
    const client = await cluster.createClient();
    expect((await client.status()).map((s: ProcessStatus) => s.state)).toEqual(['ready', 'ready', 'ready']);
    await client.close();
    await cluster.close();
  });

  test('a grandchild that hung before it is still reported once Redis is back, a full heartbeatTimeout after the reconnection', async () => {
    const { cluster, master, errors } = await tree([{ file: 'parent.js', watchdog: false }]);
    const [grandchild] = master.clusterInfo['web']!;
    await cluster.advance(2 * INTERVAL);
    cluster.hang(grandchild!);
    cluster.server.stop();
    await cluster.advance(3 * TIMEOUT);
    cluster.server.start();
    await cluster.until(() => master.connection.state === 'ready');
    expect(errors).toEqual([]);
    await cluster.advance(TIMEOUT + INTERVAL);
    expect(errors.filter((e) => e.error.code === 'CLUSTR_PROCESS_HUNG').map((e) => e.context['pid'])).toEqual([grandchild]);
    cluster.resume(grandchild!);
    await cluster.close();
  });
});

describe('the watchdog', () => {
  test('a child that stops beating is reported, killed with SIGKILL exactly heartbeatTimeout after its last beat, and respawned with its restart count', async () => {
    const { cluster, master, errors } = await tree([{ file: 'web.js' }]);
    const spy = await listen(cluster);
    const pid = master.clusterInfo['web']![0]!;
    await cluster.advance(INTERVAL);
    cluster.hang(pid);
    const lastBeat = Math.max(...spy.heard.filter((h) => h.frame.meta.pid === pid).map((h) => h.at));
    await cluster.until(() => cluster.process(pid).state === 'exited');
    expect(cluster.clock.now() - lastBeat).toBe(TIMEOUT);
    expect(cluster.process(pid).exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error).toMatchObject({ code: 'CLUSTR_PROCESS_HUNG' });
    expect(errors[0]!.error.message).toContain(`child ${pid} (/app/web.js) sent no heartbeat for ${TIMEOUT} ms`);
    expect(errors[0]!.context).toMatchObject({ event: 'process.hung', pid, silentMs: TIMEOUT, killed: true });

    // The restart policy brings it back; the new process knows it is a restart.
    await cluster.until(() => (master.clusterInfo['web'] ?? []).some((p) => p !== pid));
    const next = master.clusterInfo['web']![0]!;
    expect(cluster.process(next).env['CLUSTR_RESTARTS']).toBe('1');
    await cluster.advance(INTERVAL);
    expect(spy.heard.filter((h) => h.frame.meta.pid === next).at(-1)!.frame.data.restarts).toBe(1);
    expect(master.stats).toMatchObject({ killHungChildProcess: 1, respawnChildProcess: 1 });
    spy.close();
    await cluster.close();
  });

  test('a child is watched from its first heartbeat: a start of any length before it registers, or no registration at all, is never a hang', async () => {
    const { cluster, master, errors } = await tree(
      [
        { file: 'web.js', args: { delay: 10 * TIMEOUT } },
        { file: 'silent.js' },
      ],
      false,
    );
    await cluster.advance(10 * TIMEOUT - 1);
    const pids = cluster.processes.filter((p) => p.parentPid === master.pid).map((p) => p.pid);
    expect(pids).toHaveLength(2);
    await cluster.advance(5 * TIMEOUT);
    expect(pids.map((pid) => cluster.process(pid).state)).toEqual(['running', 'running']);
    expect(master.clusterInfo['web']).toEqual([pids[0]]);
    expect(errors).toEqual([]);
    expect(master.stats.killHungChildProcess).toBe(0);
    await cluster.close();
  });

  test('workers that come and go leave nothing behind in the master’s status table, whether anyone asks for a status or not', async () => {
    const { cluster, master } = await tree([{ file: 'web.js' }, { file: 'web.js' }]);
    const table = (master as unknown as { statusTable: { size: number } }).statusTable;
    for (let round = 0; round < 5; round++) {
      const pid = master.clusterInfo['web']![0]!;
      await cluster.advance(INTERVAL);
      cluster.signal(pid, 'SIGKILL');
      await cluster.until(() => master.clusterInfo['web']?.length === 2 && !master.clusterInfo['web'].includes(pid));
    }
    await cluster.advance(2 * INTERVAL);
    // The master and its two workers: none of the five that died.
    expect(table.size).toBe(3);
    await cluster.close();
  });

  test('a grandchild that falls silent is reported on the master and on its parent, and its parent (not the master) kills it', async () => {
    const { cluster, master, errors } = await tree([{ file: 'parent.js' }]);
    const parentPid = master.clusterInfo['parents']![0]!;
    const child = master.clusterInfo['web']![0]!;
    const parentErrors: Array<string | undefined> = [];
    cluster.worker(parentPid).onError((error) => parentErrors.push((error as Error & { code?: string }).code));
    await cluster.advance(INTERVAL);
    cluster.hang(child);
    await cluster.until(() => cluster.process(child).state === 'exited');
    expect(cluster.process(child).exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(parentErrors).toEqual(['CLUSTR_PROCESS_HUNG']);
    expect(errors.map((e) => [e.error.code, e.context['pid'], e.context['parentPid']])).toEqual([['CLUSTR_PROCESS_HUNG', child, parentPid]]);
    expect(cluster.worker(parentPid).stats.killHungChildProcess).toBe(1);
    expect(master.stats.killHungChildProcess).toBe(0);
    await cluster.close();
  });
});

test('a heartbeat carries only the stats figures its schema takes: whole counts, and records of them', () => {
  expect(countersOf({ sent: 3, nested: { a: 1, b: 2.5, c: -1 }, latency: 1.5, label: 'x', list: [1], none: null, neg: -2 })).toEqual({ sent: 3, nested: { a: 1 } });
  const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`c${i}`, i]));
  expect(Object.keys(countersOf(many))).toHaveLength(64);
});

/** A clock whose time moves only when the test says, and whose timers fire only when the test says. */
function handClock() {
  let now = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.set(next, { at: now + ms, fn });
      return next++ as unknown as TimerHandle;
    },
    clearTimeout: (handle) => void timers.delete(handle as unknown as number),
  };
  /** Time jumps to `to`, then every timer due by then fires (a loop blocked until `to` does this). */
  const jump = (to: number): void => {
    now = to;
    for (const [id, t] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at <= now && timers.delete(id)) t.fn();
    }
  };
  /** Timers set and not yet fired or cleared. */
  const pending = (): number => timers.size;
  return { clock, jump, pending };
}

describe('the watchdog after a stall of its own', () => {
  function watched() {
    const { clock, jump } = handClock();
    const events = mitt<RuntimeEvents>();
    const kill = jest.fn();
    const slot = { id: 1, pid: 42, state: 'running', file: '/app/web.js', definition: {}, child: { kill } } as unknown as Slot;
    const reported: string[] = [];
    const logger = recordingLogger();
    const watchdog = new Watchdog({ pid: 1, events, clock, logger, timeout: TIMEOUT, slots: () => [slot], report: (error) => reported.push(error.code) });
    const beat = (): void =>
      events.emit('heartbeat', { kind: 'heartbeat', meta: { pid: 42, group: 'web' }, data: { parentPid: 1, interval: INTERVAL } } as unknown as FrameOf<'heartbeat'>);
    return { jump, beat, kill, reported, logger, watchdog };
  }

  test('a deadline that fires long after it was due (our loop was blocked) waits a turn: the heartbeats read then keep the child alive', () => {
    const { jump, beat, kill, reported, logger } = watched();
    beat();
    // Blocked from 0 to 10 s: the child's beats of that time wait unread in the socket.
    jump(10 * INTERVAL);
    expect(kill).not.toHaveBeenCalled();
    expect(reported).toEqual([]);
    expect(logger.records.find((r) => r.fields['event'] === 'watchdog.stalled')?.fields).toMatchObject({ pid: 42, lateMs: 10 * INTERVAL - TIMEOUT });
    // Now the unread beats arrive: the child is healthy and stays.
    beat();
    jump(10 * INTERVAL + TIMEOUT - 1);
    expect(kill).not.toHaveBeenCalled();
  });

  test('the stall only postpones the verdict by one loop turn: a child whose heartbeats are not among what arrived meanwhile is killed then', () => {
    const { jump, beat, kill, reported } = watched();
    beat();
    jump(10 * INTERVAL);
    expect(kill).not.toHaveBeenCalled();
    // The next turn, no heartbeat read: the verdict.
    jump(10 * INTERVAL);
    expect(kill).toHaveBeenCalledWith('SIGKILL');
    expect(reported).toEqual(['CLUSTR_PROCESS_HUNG']);
  });

  test('a parent that stalls on every turn still judges: one turn of grace per silence, not one per stall', () => {
    const { jump, beat, kill } = watched();
    beat();
    jump(10 * INTERVAL);
    expect(kill).not.toHaveBeenCalled();
    jump(20 * INTERVAL);
    expect(kill).toHaveBeenCalledWith('SIGKILL');
  });

  test('a deadline that fires on time (or nearly) is a verdict', () => {
    const { jump, beat, kill } = watched();
    beat();
    jump(TIMEOUT + Math.min(STALL_SLACK_MS, TIMEOUT / 2) - 1);
    expect(kill).toHaveBeenCalledWith('SIGKILL');
  });
});

describe('deadlines, the watchdog’s timers', () => {
  function deadlines(withStall = true) {
    const { clock, jump, pending } = handClock();
    const expired: Array<[string, number]> = [];
    const stalled: Array<[string, number]> = [];
    const d = withStall
      ? new Deadlines<string>(clock, (key, silentMs) => expired.push([key, silentMs]), (key, lateMs) => stalled.push([key, lateMs]))
      : new Deadlines<string>(clock, (key, silentMs) => expired.push([key, silentMs]));
    return { d, jump, pending, expired, stalled };
  }

  test('a deadline is pending from its reset until it expires or is cleared; clearing them all leaves no timer behind', () => {
    const { d, jump, pending, expired } = deadlines();
    d.reset('a', 1_000);
    d.reset('b', 2_000);
    d.reset('c', 3_000);
    expect([d.has('a'), d.has('b'), d.has('c'), d.has('z')]).toEqual([true, true, true, false]);
    jump(1_000);
    expect(expired).toEqual([['a', 1_000]]);
    expect(d.has('a')).toBe(false);
    d.clear('b');
    expect([d.has('b'), d.has('c')]).toEqual([false, true]);
    d.reset('a', 1_000);
    d.clearAll();
    expect([d.has('a'), d.has('c')]).toEqual([false, false]);
    expect(pending()).toBe(0);
    jump(10_000);
    expect(expired).toEqual([['a', 1_000]]);
  });

  test('restarting every deadline gives each its own full length again, counted from the restart', () => {
    const { d, jump, expired } = deadlines();
    d.reset('short', 1_000);
    d.reset('long', 3_000);
    jump(500);
    d.restartAll();
    jump(1_000);
    expect(expired).toEqual([]);
    jump(1_500);
    expect(expired).toEqual([['short', 1_000]]);
    jump(3_500);
    expect(expired).toEqual([['short', 1_000], ['long', 3_000]]);
  });

  test(`a deadline that fires exactly ${STALL_SLACK_MS} ms late is a stall: it waits a turn before it expires`, () => {
    const { d, jump, expired, stalled } = deadlines();
    d.reset('k', 3_000);
    jump(3_000 + STALL_SLACK_MS);
    expect(expired).toEqual([]);
    expect(stalled).toEqual([['k', STALL_SLACK_MS]]);
    jump(3_000 + STALL_SLACK_MS);
    expect(expired).toEqual([['k', 3_000]]);
  });

  test('a short deadline’s slack is half its length: fired that late, it waits a turn', () => {
    const { d, jump, expired, stalled } = deadlines();
    d.reset('k', 1_000);
    jump(1_000 + 500);
    expect(expired).toEqual([]);
    expect(stalled).toEqual([['k', 500]]);
    jump(1_500);
    expect(expired).toEqual([['k', 1_000]]);
  });

  test('without a stall callback a late deadline still waits its turn quietly, then expires', () => {
    const { d, jump, expired } = deadlines(false);
    d.reset('k', 1_000);
    expect(() => jump(10_000)).not.toThrow();
    expect(expired).toEqual([]);
    jump(10_000);
    expect(expired).toEqual([['k', 1_000]]);
  });
});

describe('the watchdog, judging its own children', () => {
  type FakeSlot = { id: number; pid: number; state: string; file: string; definition: { watchdog?: boolean }; child: { kill: jest.Mock } | undefined };

  function slotOf(id: number, pid: number, more: Partial<FakeSlot> = {}): FakeSlot {
    return { id, pid, state: 'running', file: `/app/w${id}.js`, definition: {}, child: { kill: jest.fn() }, ...more };
  }

  /** A watchdog of process 1 over `slots`, on a hand clock; everything it says is recorded. */
  function watchdogOver(slots: FakeSlot[], before?: (events: ReturnType<typeof mitt<RuntimeEvents>>) => void) {
    const { clock, jump, pending } = handClock();
    const events = mitt<RuntimeEvents>();
    before?.(events);
    const logger = recordingLogger();
    const reported: Array<{ code: string | undefined; message: string; context: Record<string, unknown> }> = [];
    const hung: Array<RuntimeEvents['childHung']> = [];
    events.on('childHung', (event) => hung.push(event));
    const watchdog = new Watchdog({
      pid: 1,
      events,
      clock,
      logger,
      timeout: TIMEOUT,
      slots: () => slots as unknown as Slot[],
      report: (error, context) => reported.push({ code: error.code, message: error.message, context }),
    });
    const beat = (pid: number, parentPid = 1): void =>
      events.emit('heartbeat', { kind: 'heartbeat', meta: { pid, group: 'web' }, data: { parentPid, interval: INTERVAL } } as unknown as FrameOf<'heartbeat'>);
    const connection = (from: ConnectionState, to: ConnectionState): void => events.emit('connection', { from, to, at: 0 });
    return { events, jump, pending, logger, reported, hung, watchdog, beat, connection };
  }

  test('a hung child is killed with SIGKILL, logged and reported as child.hung with its slot and silence, and announced as childHung', () => {
    const slot = slotOf(3, 42);
    const { jump, beat, logger, reported, hung } = watchdogOver([slot]);
    beat(42);
    jump(TIMEOUT - 1);
    expect(slot.child!.kill).not.toHaveBeenCalled();
    jump(TIMEOUT);
    expect(slot.child!.kill.mock.calls).toEqual([['SIGKILL']]);
    const message = `child 42 (/app/w3.js) sent no heartbeat for ${TIMEOUT} ms: its event loop is blocked. Killed with SIGKILL; it is restarted by the restart policy.`;
    expect(logger.records).toEqual([{ level: 'error', fields: { event: 'child.hung', pid: 42, slot: 3, silentMs: TIMEOUT, killed: true }, msg: message }]);
    expect(reported).toEqual([{ code: 'CLUSTR_PROCESS_HUNG', message, context: { event: 'process.hung', pid: 42, slot: 3, silentMs: TIMEOUT, killed: true } }]);
    expect(hung).toEqual([{ slot: 3, pid: 42, file: '/app/w3.js', silentMs: TIMEOUT }]);
  });

  test('a hung child spawned with watchdog: false is logged and reported as left running, and neither killed nor announced', () => {
    const slot = slotOf(3, 42, { definition: { watchdog: false } });
    const { jump, beat, logger, reported, hung } = watchdogOver([slot]);
    beat(42);
    jump(TIMEOUT);
    const message = `child 42 (/app/w3.js) sent no heartbeat for ${TIMEOUT} ms: its event loop is blocked. Left running (watchdog: false in its spawn definition).`;
    expect(logger.records).toEqual([{ level: 'error', fields: { event: 'child.hung', pid: 42, slot: 3, silentMs: TIMEOUT, killed: false }, msg: message }]);
    expect(reported).toEqual([{ code: 'CLUSTR_PROCESS_HUNG', message, context: { event: 'process.hung', pid: 42, slot: 3, silentMs: TIMEOUT, killed: false } }]);
    expect(slot.child!.kill).not.toHaveBeenCalled();
    expect(hung).toEqual([]);
  });

  test('a stall of our own is logged as a warning saying how long our loop was blocked and which child waits for its heartbeats', () => {
    const { jump, beat, logger } = watchdogOver([slotOf(3, 42)]);
    beat(42);
    jump(TIMEOUT + 2_500);
    expect(logger.records).toEqual([
      {
        level: 'warn',
        fields: { event: 'watchdog.stalled', pid: 42, lateMs: 2_500 },
        msg: "watchdog: this process's event loop was blocked for 2500 ms; child 42 is judged after the heartbeats that arrived meanwhile are read",
      },
    ]);
  });

  test('only the heartbeat of a running child with that pid is watched, and only that child is killed', () => {
    const other = slotOf(1, 7);
    const target = slotOf(2, 42);
    const { jump, beat, reported } = watchdogOver([other, target]);
    // A pid that is no child of ours (a grandchild beats to the master too) starts no watch.
    beat(99);
    beat(42);
    jump(TIMEOUT);
    expect(target.child!.kill.mock.calls).toEqual([['SIGKILL']]);
    expect(other.child!.kill).not.toHaveBeenCalled();
    expect(reported.map((r) => r.context['pid'])).toEqual([42]);
  });

  test('a heartbeat from a pid that is no child of ours starts no watch at all', () => {
    const other = slotOf(1, 7);
    const { jump, beat, reported } = watchdogOver([other]);
    beat(99);
    jump(TIMEOUT);
    jump(10 * TIMEOUT);
    expect(other.child!.kill).not.toHaveBeenCalled();
    expect(reported).toEqual([]);
  });

  test('a heartbeat addressed to another parent is not ours: it starts no watch and keeps no child alive', () => {
    const slot = slotOf(3, 42);
    const { jump, beat, reported } = watchdogOver([slot]);
    beat(42, 7);
    jump(TIMEOUT);
    expect(slot.child!.kill).not.toHaveBeenCalled();
    expect(reported).toEqual([]);

    beat(42);
    jump(TIMEOUT + 2_000);
    beat(42, 7);
    jump(2 * TIMEOUT);
    expect(slot.child!.kill.mock.calls).toEqual([['SIGKILL']]);
  });

  test('a child being retired (a reload, a stop) when its deadline expires is left alone: it is on its way out', () => {
    const slot = slotOf(3, 42);
    const { jump, beat, reported } = watchdogOver([slot]);
    beat(42);
    slot.state = 'retiring';
    jump(TIMEOUT);
    expect(slot.child!.kill).not.toHaveBeenCalled();
    expect(reported).toEqual([]);
  });

  test('a running slot whose child is gone is not judged', () => {
    const slot = slotOf(3, 42, { child: undefined });
    const { jump, beat, reported, logger, hung } = watchdogOver([slot]);
    beat(42);
    jump(TIMEOUT);
    expect(reported).toEqual([]);
    expect(logger.records).toEqual([]);
    expect(hung).toEqual([]);
  });

  test('while our own connection to Redis is down no child is judged: its silence means nothing', () => {
    const slot = slotOf(3, 42);
    const { jump, beat, connection, reported, logger } = watchdogOver([slot]);
    beat(42);
    jump(1_000);
    connection('ready', 'reconnecting');
    jump(TIMEOUT);
    jump(10 * TIMEOUT);
    expect(slot.child!.kill).not.toHaveBeenCalled();
    expect(reported).toEqual([]);
    expect(logger.records).toEqual([]);
  });

  test('back on Redis, every child’s deadline starts over: it is killed a full heartbeatTimeout after the reconnection', () => {
    const slot = slotOf(3, 42);
    const { jump, beat, connection, reported } = watchdogOver([slot]);
    beat(42);
    jump(1_000);
    connection('ready', 'reconnecting');
    jump(2_000);
    connection('reconnecting', 'ready');
    jump(TIMEOUT);
    jump(2_000 + TIMEOUT - 1);
    expect(slot.child!.kill).not.toHaveBeenCalled();
    jump(2_000 + TIMEOUT);
    expect(slot.child!.kill.mock.calls).toEqual([['SIGKILL']]);
    expect(reported.map((r) => r.context['silentMs'])).toEqual([TIMEOUT]);
  });

  test('an outage longer than heartbeatTimeout forgets no child: one still silent after the reconnection is killed a full heartbeatTimeout later', () => {
    const slot = slotOf(3, 42);
    const { jump, beat, connection, reported, pending } = watchdogOver([slot]);
    beat(42);
    jump(1_000);
    connection('ready', 'reconnecting');
    // Its deadline falls due, on time, while we cannot hear anyone: no verdict, but the watch stays.
    jump(TIMEOUT);
    jump(3 * TIMEOUT);
    expect(slot.child!.kill).not.toHaveBeenCalled();
    connection('reconnecting', 'ready');
    expect(pending()).toBe(1);
    jump(4 * TIMEOUT - 1);
    expect(slot.child!.kill).not.toHaveBeenCalled();
    jump(4 * TIMEOUT);
    expect(slot.child!.kill.mock.calls).toEqual([['SIGKILL']]);
    expect(reported.map((r) => r.context['silentMs'])).toEqual([TIMEOUT]);
  });

  test('a stopped watchdog judges no one: its deadlines are dropped, later heartbeats are ignored, and it leaves no timer or listener behind', () => {
    const slot = slotOf(3, 42);
    const baseline = mitt<RuntimeEvents>();
    const listeners = (events: typeof baseline) => ['heartbeat', 'childExited', 'connection'].map((kind) => events.all.get(kind as keyof RuntimeEvents)?.length ?? 0);
    const { events, jump, pending, beat, reported, watchdog } = watchdogOver([slot]);
    beat(42);
    jump(1_000);
    watchdog.stop();
    watchdog.stop();
    expect(pending()).toBe(0);
    expect(listeners(events)).toEqual(listeners(baseline));
    jump(TIMEOUT);
    beat(42);
    jump(10 * TIMEOUT);
    expect(slot.child!.kill).not.toHaveBeenCalled();
    expect(reported).toEqual([]);
  });

  test('a watchdog stopped while a heartbeat is being delivered does not start watching that child', () => {
    const slot = slotOf(3, 42);
    let stop = (): void => undefined;
    // A listener that runs before the watchdog's and stops it (the process is closing).
    const { jump, beat, pending, reported, watchdog } = watchdogOver([slot], (events) => events.on('heartbeat', () => stop()));
    stop = () => watchdog.stop();
    beat(42);
    expect(pending()).toBe(0);
    jump(TIMEOUT);
    expect(slot.child!.kill).not.toHaveBeenCalled();
    expect(reported).toEqual([]);
  });
});
