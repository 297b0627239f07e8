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
import { STALL_SLACK_MS, Watchdog } from '../../src/supervision/watchdog';

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

describe('the watchdog after a stall of its own', () => {
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
    return { clock, jump };
  }

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
