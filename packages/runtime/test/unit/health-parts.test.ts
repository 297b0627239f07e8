// The health parts one at a time, on a hand clock and hand-made collaborators: a process's
// heartbeat (what it measures, when it sends), the master's status table (what `clustr ls`
// shows, who is reported hung) and the operator commands (`clustr reload`, `clustr stop`).
// Nothing here starts a cluster: every test is a few synchronous steps and some promise jobs.
import mitt, { type Emitter } from 'mitt';
import type { DataOf, FrameOf, Health, ProcessStatus } from '@clustr/protocol';
import { ClustrError } from '@clustr/protocol';
import type { Clock, LoopDelay, Platform, TimerHandle } from '../../src/platform/platform';
import type { ReloadState, RuntimeEvents } from '../../src/process/events';
import {
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  HEARTBEATS_BEFORE_HUNG,
  Heartbeat,
  countersOf,
  heartbeatEnv,
  hungAfter,
  resolveHeartbeat,
} from '../../src/process/heartbeat';
import type { Stats } from '../../src/process/stats';
import { Registry } from '../../src/master/registry';
import { StatusTable } from '../../src/master/status';
import { COMMAND_STOP_EXIT_CODE, Commands } from '../../src/master/commands';
import type { ReloadResult } from '../../src/reload/reload-machine';
import { recordingLogger, thrown } from './helpers';

/**
 * A clock whose time moves only when the test says. Handles are `{ id }` objects, as the
 * testkit's clock makes them; clearing anything else throws, as it does there. `unref` is
 * recorded, and can be left out (`{ unref: false }`): the Clock interface makes it optional.
 */
function handClock(options: { unref?: boolean } = {}) {
  let now = 0;
  let next = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const background = new Set<number>();
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = next++;
      timers.set(id, { at: now + ms, fn });
      return { id };
    },
    clearTimeout: (handle) => {
      timers.delete((handle as { id: number }).id);
    },
    ...(options.unref === false ? {} : { unref: (handle: TimerHandle) => void background.add((handle as { id: number }).id) }),
  };
  return {
    clock,
    now: () => now,
    /** Moves time forward by `ms`, firing every timer due on the way, in order, each at its own time. */
    advance(ms: number): void {
      const target = now + ms;
      for (;;) {
        const due = [...timers].filter(([, t]) => t.at <= target).sort(([, a], [, b]) => a.at - b.at)[0];
        if (due === undefined) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = target;
    },
    /** Sets the time without firing anything: a wall clock stepped (back, by NTP), or a loop about to wake. */
    set(to: number): void {
      now = to;
    },
    /** Timers set and not yet fired or cleared. */
    pending: (): number => timers.size,
    /** Pending timers that were marked as background work. */
    background: (): number => [...timers.keys()].filter((id) => background.has(id)).length,
  };
}

/** Runs every pending promise job. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

// ---- process/heartbeat.ts: settings --------------------------------------------------------

describe('heartbeat settings', () => {
  test('nothing configured: a beat every 2 s, and no timeout (each process’s own interval decides)', () => {
    expect(resolveHeartbeat({}, {})).toEqual({ interval: DEFAULT_HEARTBEAT_INTERVAL_MS, timeout: undefined });
    expect(DEFAULT_HEARTBEAT_INTERVAL_MS).toBe(2_000);
    // An empty variable is no setting (a shell's `CLUSTR_HEARTBEAT_INTERVAL= node app.js`).
    expect(resolveHeartbeat({}, { CLUSTR_HEARTBEAT_INTERVAL: '', CLUSTR_HEARTBEAT_TIMEOUT: '' })).toEqual({ interval: 2_000, timeout: undefined });
  });

  test('an option wins over what the parent handed down, which wins over the default', () => {
    const env = { CLUSTR_HEARTBEAT_INTERVAL: '900', CLUSTR_HEARTBEAT_TIMEOUT: '5000' };
    expect(resolveHeartbeat({}, env)).toEqual({ interval: 900, timeout: 5_000 });
    expect(resolveHeartbeat({ heartbeatInterval: 500, heartbeatTimeout: 4_000 }, env)).toEqual({ interval: 500, timeout: 4_000 });
    expect(resolveHeartbeat({ heartbeatInterval: 1 }, {})).toEqual({ interval: 1, timeout: undefined });
  });

  test('an inherited figure must be a whole number of ms of at least 1: the error names the variable and what it held', () => {
    for (const raw of ['soon', '1.5', '0', '-3']) {
      const error = thrown(() => resolveHeartbeat({}, { CLUSTR_HEARTBEAT_INTERVAL: raw }));
      expect(error).toBeInstanceOf(ClustrError);
      expect(error).toMatchObject({
        code: 'CLUSTR_INVALID_OPTION',
        field: 'CLUSTR_HEARTBEAT_INTERVAL',
        message: `CLUSTR_HEARTBEAT_INTERVAL must be a whole number of milliseconds of at least 1; got ${JSON.stringify(raw)}.`,
      });
    }
    expect(thrown(() => resolveHeartbeat({}, { CLUSTR_HEARTBEAT_TIMEOUT: 'x' }))).toMatchObject({ field: 'CLUSTR_HEARTBEAT_TIMEOUT' });
    expect(resolveHeartbeat({}, { CLUSTR_HEARTBEAT_INTERVAL: '1' })).toEqual({ interval: 1, timeout: undefined });
  });

  test('a timeout under two intervals is refused, naming where it came from; exactly two is accepted', () => {
    expect(resolveHeartbeat({ heartbeatInterval: 1_000, heartbeatTimeout: 2_000 }, {})).toEqual({ interval: 1_000, timeout: 2_000 });
    expect(thrown(() => resolveHeartbeat({ heartbeatInterval: 1_000, heartbeatTimeout: 1_999 }, {}))).toMatchObject({
      code: 'CLUSTR_INVALID_OPTION',
      field: 'heartbeatTimeout',
      message: 'heartbeatTimeout (1999 ms) must be at least 2 heartbeat intervals (2000 ms), or one late heartbeat would count as a hang.',
    });
    // Inherited, it is the variable that is wrong; an interval set here still counts.
    expect(thrown(() => resolveHeartbeat({ heartbeatInterval: 3_000 }, { CLUSTR_HEARTBEAT_TIMEOUT: '5000' }))).toMatchObject({
      field: 'CLUSTR_HEARTBEAT_TIMEOUT',
      message: 'CLUSTR_HEARTBEAT_TIMEOUT (5000 ms) must be at least 2 heartbeat intervals (6000 ms), or one late heartbeat would count as a hang.',
    });
  });

  test('children inherit the interval, and the timeout only when one is set', () => {
    expect(heartbeatEnv({ interval: 750, timeout: undefined })).toEqual({ CLUSTR_HEARTBEAT_INTERVAL: '750' });
    expect(heartbeatEnv({ interval: 750, timeout: 4_000 })).toEqual({ CLUSTR_HEARTBEAT_INTERVAL: '750', CLUSTR_HEARTBEAT_TIMEOUT: '4000' });
    // What one process hands down, the next one reads back.
    expect(resolveHeartbeat({}, heartbeatEnv({ interval: 750, timeout: 4_000 }))).toEqual({ interval: 750, timeout: 4_000 });
  });

  test('a process is hung after three of its intervals, or the configured timeout, but never before two of its intervals', () => {
    expect(HEARTBEATS_BEFORE_HUNG).toBe(3);
    expect(hungAfter(1_000, undefined)).toBe(3_000);
    expect(hungAfter(1_000, 10_000)).toBe(10_000);
    // A child beating slower than the master's own timeout allows.
    expect(hungAfter(5_000, 6_000)).toBe(10_000);
    expect(hungAfter(5_000, 10_000)).toBe(10_000);
  });
});

describe('the counters a heartbeat carries', () => {
  test('whole non-negative counts, and records of them; every other figure is left out', () => {
    const stats = { sent: 3, zero: 0, negative: -1, fraction: 1.5, text: 'x', list: [1], none: null, nested: { a: 1, zero: 0, b: 2.5, c: -1, d: 'x' } };
    expect(countersOf(stats)).toEqual({ sent: 3, zero: 0, nested: { a: 1, zero: 0 } });
  });

  test('at most 64 counters, the first 64, and at most 64 valid entries in a record', () => {
    const many = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`c${i}`, i]));
    expect(Object.keys(countersOf(many))).toEqual(Object.keys(many).slice(0, 64));
    // Entries left out do not take a place among the 64 of a record.
    const nested = { ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`bad${i}`, -1])), ...Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`n${i}`, i])) };
    expect(countersOf({ nested })['nested']).toEqual(Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`n${i}`, i])));
  });
});

// ---- process/heartbeat.ts: the sampler -----------------------------------------------------

interface Machine {
  cpu: number;
  memory: { rss: number; heapUsed: number; heapTotal: number };
  loop: LoopDelay;
  takes: number;
  loopStopped: number;
}

/** A Heartbeat on a hand clock, with the machine's figures set by the test; every sent beat recorded. */
function heartbeatOn(options: { interval?: number; restarts?: number; stats?: object; unref?: boolean; connected?: () => boolean } = {}) {
  const hand = handClock(options.unref === false ? { unref: false } : {});
  hand.set(10_000);
  const machine: Machine = { cpu: 5_000, memory: { rss: 100.4, heapUsed: 50.5, heapTotal: 80.6 }, loop: { p50: 1.234, p99: 9.876, max: 20.005 }, takes: 0, loopStopped: 0 };
  const platform = {
    clock: hand.clock,
    hostname: 'box-1',
    cpuTime: () => machine.cpu,
    memoryUsage: () => machine.memory,
    monitorLoopDelay: () => ({
      take: () => {
        machine.takes++;
        return machine.loop;
      },
      stop: () => void machine.loopStopped++,
    }),
  } as unknown as Platform;
  const sent: Array<{ at: number; health: Health }> = [];
  const heartbeat = new Heartbeat({
    platform,
    interval: options.interval ?? 1_000,
    stats: (options.stats ?? { onMessage: 2, rejectedFrames: { stale: 1 } }) as Stats,
    restarts: options.restarts ?? 0,
    send: (health) => sent.push({ at: hand.now(), health }),
    isConnected: options.connected ?? (() => true),
  });
  return { hand, machine, heartbeat, sent };
}

describe('a process’s heartbeat', () => {
  test('a sample: host, start and uptime, the interval, rounded memory, restarts, and the counters', () => {
    const { hand, heartbeat } = heartbeatOn({ interval: 750, restarts: 2 });
    hand.set(12_500);
    expect(heartbeat.interval).toBe(750);
    expect(heartbeat.sample(7)).toEqual({
      parentPid: 7,
      host: 'box-1',
      startedAt: 10_000,
      uptime: 2_500,
      interval: 750,
      rss: 100,
      heapUsed: 51,
      heapTotal: 81,
      cpu: 0,
      loopP50: 1.23,
      loopP99: 9.88,
      loopMax: 20.01,
      restarts: 2,
      stats: { onMessage: 2, rejectedFrames: { stale: 1 } },
    });
  });

  test('CPU is the percent of one core used since the previous sample, rounded to hundredths; each sample starts a new window', () => {
    const { hand, machine, heartbeat } = heartbeatOn();
    // 1 s later, 250 ms of CPU: a quarter of a core.
    hand.set(11_000);
    machine.cpu += 250_000;
    expect(heartbeat.sample(1).cpu).toBe(25);
    // 3 s later, 1 s of CPU: a third of a core, rounded.
    hand.set(14_000);
    machine.cpu += 1_000_000;
    expect(heartbeat.sample(1).cpu).toBe(33.33);
    // 2 s of CPU in 1 s: two cores' worth.
    hand.set(15_000);
    machine.cpu += 2_000_000;
    expect(heartbeat.sample(1).cpu).toBe(200);
    // Nothing used.
    hand.set(16_000);
    expect(heartbeat.sample(1).cpu).toBe(0);
  });

  test('the loop delay figures are taken afresh for every sample', () => {
    const { machine, heartbeat } = heartbeatOn();
    expect(heartbeat.sample(1)).toMatchObject({ loopP50: 1.23, loopP99: 9.88, loopMax: 20.01 });
    machine.loop = { p50: 0.5, p99: 2, max: 3.333 };
    expect(heartbeat.sample(1)).toMatchObject({ loopP50: 0.5, loopP99: 2, loopMax: 3.33 });
    expect(machine.takes).toBe(2);
  });

  test('no time passed, or a wall clock stepped back: CPU 0 and uptime 0, never a figure the schema refuses', () => {
    const { hand, machine, heartbeat } = heartbeatOn();
    machine.cpu += 1_000;
    expect(heartbeat.sample(1)).toMatchObject({ cpu: 0, uptime: 0 });
    hand.set(9_000);
    machine.cpu += 1_000;
    expect(heartbeat.sample(1)).toMatchObject({ cpu: 0, uptime: 0 });
  });

  test('started, it sends at once, then every interval; the next beat waits as background work', () => {
    const { hand, heartbeat, sent } = heartbeatOn();
    expect(sent).toEqual([]);
    expect(hand.pending()).toBe(0);
    heartbeat.start(7);
    expect(sent.map((s) => s.at)).toEqual([10_000]);
    expect(sent[0]!.health.parentPid).toBe(7);
    expect(hand.background()).toBe(1);
    hand.advance(999);
    expect(sent).toHaveLength(1);
    hand.advance(1);
    hand.advance(2_000);
    expect(sent.map((s) => s.at)).toEqual([10_000, 11_000, 12_000, 13_000]);
    expect(sent.every((s) => s.health.parentPid === 7)).toBe(true);
    expect(hand.pending()).toBe(1);
    expect(hand.background()).toBe(1);
    heartbeat.stop();
  });

  test('on a clock that cannot mark background work, it beats all the same', () => {
    const { hand, heartbeat, sent } = heartbeatOn({ unref: false });
    heartbeat.start(7);
    hand.advance(1_000);
    expect(sent).toHaveLength(2);
    heartbeat.stop();
  });

  test('starting again changes nothing: one beat per interval, to the first parent', () => {
    const { hand, heartbeat, sent } = heartbeatOn();
    heartbeat.start(7);
    heartbeat.start(8);
    expect(sent).toHaveLength(1);
    hand.advance(1_000);
    expect(sent.map((s) => s.health.parentPid)).toEqual([7, 7]);
    expect(hand.pending()).toBe(1);
  });

  test('while Redis is away no beat is sent, but each still starts a new window and the beats go on', () => {
    let connected = false;
    const { hand, machine, heartbeat, sent } = heartbeatOn({ connected: () => connected });
    heartbeat.start(7);
    hand.advance(1_000);
    expect(sent).toEqual([]);
    expect(machine.takes).toBe(2);
    connected = true;
    // The first beat sent covers the last interval only: 100 ms of CPU in 1 s.
    machine.cpu += 100_000;
    hand.advance(1_000);
    expect(sent.map((s) => [s.at, s.health.cpu])).toEqual([[12_000, 10]]);
  });

  test('stopped, it sends no more, leaves no timer, and stops measuring the loop; stopping again, or starting, changes nothing', () => {
    const { hand, machine, heartbeat, sent } = heartbeatOn();
    heartbeat.start(7);
    heartbeat.stop();
    expect(hand.pending()).toBe(0);
    expect(machine.loopStopped).toBe(1);
    heartbeat.stop();
    heartbeat.start(7);
    hand.advance(10_000);
    expect(sent).toHaveLength(1);
    expect(hand.pending()).toBe(0);
  });

  test('stopped before it ever started, it never sends', () => {
    const { hand, machine, heartbeat, sent } = heartbeatOn();
    heartbeat.stop();
    expect(machine.loopStopped).toBe(1);
    heartbeat.start(7);
    hand.advance(10_000);
    expect(sent).toEqual([]);
    expect(hand.pending()).toBe(0);
  });

  test('stopped while a beat is being sent (the process is closing), it schedules no next beat', () => {
    let stop = (): void => undefined;
    const { hand, heartbeat, sent } = heartbeatOn({ connected: () => true });
    const send = sent.push.bind(sent);
    sent.push = (...items) => {
      const n = send(...items);
      stop();
      return n;
    };
    stop = () => heartbeat.stop();
    heartbeat.start(7);
    expect(sent).toHaveLength(1);
    expect(hand.pending()).toBe(0);
    hand.advance(10_000);
    expect(sent).toHaveLength(1);
  });
});

// ---- master/status.ts ----------------------------------------------------------------------

const MASTER = 1;
const INTERVAL = 1_000;

type Events = Emitter<RuntimeEvents>;

function healthOf(parentPid: number, more: Partial<Health> = {}): Health {
  return {
    parentPid,
    host: 'box-1',
    startedAt: 0,
    uptime: 0,
    interval: INTERVAL,
    rss: 1,
    heapUsed: 1,
    heapTotal: 1,
    cpu: 0,
    loopP50: 0,
    loopP99: 0,
    loopMax: 0,
    restarts: 0,
    stats: { sent: 1 },
    ...more,
  };
}

/**
 * A master's status table (pid 1) on a hand clock, over a real registry. The master's own
 * sampler is a stand-in whose samples are numbered (`restarts` counts them); every report and
 * every reply is recorded, and `replies` decides how each reply settles.
 */
function tableOf(options: { timeout?: number; ownInterval?: number; unref?: boolean } = {}) {
  const hand = handClock(options.unref === false ? { unref: false } : {});
  const events: Events = mitt<RuntimeEvents>();
  const registry = new Registry(MASTER);
  let samples = 0;
  const heartbeat = {
    interval: options.ownInterval ?? INTERVAL,
    sample: (pid: number) => healthOf(pid, { restarts: samples++ }),
  };
  const reported: Array<{ code: string; message: string; context: Record<string, unknown> }> = [];
  const replies: Array<{ re: string; processes: ProcessStatus[] }> = [];
  const answers: Array<() => Promise<unknown>> = [];
  const table = new StatusTable({
    pid: MASTER,
    events,
    clock: hand.clock,
    registry,
    heartbeat: heartbeat as unknown as Heartbeat,
    timeout: options.timeout,
    report: (error, context) => reported.push({ code: error.code, message: error.message, context }),
    reply: (request, processes) => {
      replies.push({ re: request.id, processes });
      return (answers.shift() ?? (() => Promise.resolve(1)))();
    },
  });
  /** A process joins: in the registry, then its registration frame is heard. */
  const register = (pid: number, group = 'web', parentPid = MASTER): void => {
    registry.add({ pid, group, parentPid });
    events.emit('register', { kind: 'register', id: `r.${pid}`, meta: { pid, group }, data: { parentPid } } as unknown as FrameOf<'register'>);
  };
  const beat = (pid: number, parentPid = MASTER, more: Partial<Health> = {}): void =>
    events.emit('heartbeat', { kind: 'heartbeat', id: `h.${pid}`, meta: { pid, group: 'web' }, data: healthOf(parentPid, more) } as unknown as FrameOf<'heartbeat'>);
  const ask = (id = 'q.1'): void => events.emit('statusRequest', { kind: 'statusRequest', id, meta: { pid: 900, group: 'cli' }, data: {} } as unknown as FrameOf<'statusRequest'>);
  const connection = (to: 'ready' | 'reconnecting'): void => events.emit('connection', { from: to === 'ready' ? 'reconnecting' : 'ready', to, at: hand.now() });
  const rows = () => table.list().map((s) => [s.pid, s.state]);
  return { hand, events, registry, table, reported, replies, answers, register, beat, ask, connection, rows, samples: () => samples };
}

describe('the master’s status table', () => {
  test('lists every registered process, the master first with its own figures; one that has not beaten yet is starting', () => {
    const { hand, table, register } = tableOf();
    hand.advance(100);
    register(42);
    hand.advance(50);
    expect(table.list()).toEqual([
      { pid: MASTER, group: 'master', parentPid: MASTER, state: 'ready', registeredAt: 0, lastHeartbeat: 0, health: healthOf(MASTER, { restarts: 0 }) },
      { pid: 42, group: 'web', parentPid: MASTER, state: 'starting', registeredAt: 100 },
    ]);
  });

  test('a heartbeat is shown with the time it was heard; the latest one counts', () => {
    const { hand, table, register, beat } = tableOf();
    register(42);
    hand.advance(300);
    beat(42, MASTER, { rss: 5 });
    hand.advance(300);
    beat(42, MASTER, { rss: 6 });
    expect(table.list()[1]).toEqual({ pid: 42, group: 'web', parentPid: MASTER, state: 'ready', registeredAt: 0, lastHeartbeat: 600, health: healthOf(MASTER, { rss: 6 }) });
  });

  test('the master samples itself every interval of its own, whether anyone asks or not, as background work', () => {
    const { hand, table, samples } = tableOf();
    // One sample from the start: the window it opens is the first the table shows.
    expect(samples()).toBe(1);
    expect(hand.background()).toBe(1);
    hand.advance(INTERVAL - 1);
    expect(samples()).toBe(1);
    hand.advance(1);
    expect(samples()).toBe(2);
    hand.advance(2 * INTERVAL);
    expect(table.list()[0]).toMatchObject({ state: 'ready', lastHeartbeat: 3 * INTERVAL, health: { restarts: 3 } });
    expect(hand.pending()).toBe(1);
    expect(hand.background()).toBe(1);
  });

  test('on a clock that cannot mark background work, the master samples itself all the same', () => {
    const { hand, table, samples } = tableOf({ unref: false });
    hand.advance(2 * INTERVAL);
    expect(samples()).toBe(3);
    expect(table.list()[0]).toMatchObject({ lastHeartbeat: 2 * INTERVAL });
  });

  test('a process is hung once silent for three of its own intervals, or the timeout when one is set: when it would be reported', () => {
    const { hand, register, beat, rows } = tableOf();
    register(42);
    register(43);
    beat(42);
    beat(43, MASTER, { interval: 2 * INTERVAL });
    hand.advance(3 * INTERVAL - 1);
    expect(rows()).toEqual([[MASTER, 'ready'], [42, 'ready'], [43, 'ready']]);
    hand.advance(1);
    expect(rows()).toEqual([[MASTER, 'ready'], [42, 'hung'], [43, 'ready']]);
    hand.advance(3 * INTERVAL);
    expect(rows()).toEqual([[MASTER, 'ready'], [42, 'hung'], [43, 'hung']]);
    beat(42);
    expect(rows()).toEqual([[MASTER, 'ready'], [42, 'ready'], [43, 'hung']]);

    const configured = tableOf({ timeout: 5 * INTERVAL });
    configured.register(42);
    configured.beat(42);
    configured.hand.advance(5 * INTERVAL - 1);
    expect(configured.rows()).toEqual([[MASTER, 'ready'], [42, 'ready']]);
    configured.hand.advance(1);
    expect(configured.rows()).toEqual([[MASTER, 'ready'], [42, 'hung']]);
  });

  test('the master itself is never listed as hung, however old its own sample', () => {
    // Its samples say it beats every second, but it takes one only every 10 s.
    const { hand, table } = tableOf({ ownInterval: 10 * INTERVAL });
    hand.advance(5 * INTERVAL);
    expect(table.list()[0]).toMatchObject({ pid: MASTER, state: 'ready' });
  });

  test('a process keeps the time of its first registration; one the registry does not hold is not recorded', () => {
    const { hand, events, registry, table, register } = tableOf();
    register(42);
    hand.advance(500);
    // It registers again after a reconnect.
    register(42);
    expect(table.list()[1]).toMatchObject({ pid: 42, registeredAt: 0 });
    events.emit('register', { kind: 'register', id: 'r.77', meta: { pid: 77, group: 'web' }, data: { parentPid: MASTER } } as unknown as FrameOf<'register'>);
    expect(table.size).toBe(2);
    // A registration the table did not hear: registered as of now.
    registry.add({ pid: 55, group: 'web', parentPid: MASTER });
    expect(table.list()[2]).toMatchObject({ pid: 55, state: 'starting', registeredAt: 500 });
  });

  test('a heartbeat from a process the registry does not hold, or carrying the master’s own pid, is not shown', () => {
    const { table, beat, rows } = tableOf();
    beat(77);
    beat(MASTER, MASTER, { host: 'impostor' });
    expect(rows()).toEqual([[MASTER, 'ready']]);
    expect(table.list()[0]!.health!.host).toBe('box-1');
    expect(table.size).toBe(1);
  });

  test('a heartbeat carrying the master’s pid from under another parent (a process of that pid on another host) starts no watch', () => {
    const { hand, reported, beat } = tableOf();
    beat(MASTER, 10, { host: 'box-2' });
    hand.advance(10 * INTERVAL);
    expect(reported).toEqual([]);
  });

  test('processes that left the registry leave the table within an interval, or at once when asked', () => {
    const { hand, registry, table, register, beat } = tableOf();
    for (const pid of [42, 43, 44]) {
      register(pid);
      beat(pid);
    }
    expect(table.size).toBe(4);
    registry.remove(42);
    registry.remove(43);
    hand.advance(INTERVAL - 1);
    expect(table.size).toBe(4);
    hand.advance(1);
    expect(table.size).toBe(2);
    registry.remove(44);
    expect(table.list().map((s) => s.pid)).toEqual([MASTER]);
    expect(table.size).toBe(1);
  });

  test('a process that registered but never beat, gone from the registry, leaves the table too', () => {
    const { hand, registry, table, register } = tableOf();
    register(42);
    expect(table.size).toBe(2);
    registry.remove(42);
    hand.advance(INTERVAL);
    expect(table.size).toBe(1);
  });

  test('a process whose registration the table never heard, gone from the registry, leaves with its heartbeat', () => {
    const { hand, registry, table, beat } = tableOf();
    registry.add({ pid: 42, group: 'web', parentPid: MASTER });
    beat(42);
    expect(table.size).toBe(2);
    registry.remove(42);
    hand.advance(INTERVAL);
    expect(table.size).toBe(1);
  });

  test('a grandchild that falls silent is reported once per silence, with its group, parent and silence', () => {
    const { hand, table, reported, register, beat } = tableOf();
    register(10, 'parents');
    register(42, 'web', 10);
    beat(42, 10);
    hand.advance(3 * INTERVAL - 1);
    expect(reported).toEqual([]);
    hand.advance(1);
    const message = `process 42 (web, child of 10) sent no heartbeat for ${3 * INTERVAL} ms: its event loop is blocked. Its parent's watchdog restarts it unless its spawn definition says watchdog: false.`;
    expect(reported).toEqual([{ code: 'CLUSTR_PROCESS_HUNG', message, context: { event: 'process.hung', pid: 42, parentPid: 10, silentMs: 3 * INTERVAL } }]);
    // Reported, it stays listed as hung, with its last heartbeat.
    expect(table.list()[2]).toMatchObject({ pid: 42, state: 'hung', registeredAt: 0, lastHeartbeat: 0 });
    hand.advance(10 * INTERVAL);
    expect(reported).toHaveLength(1);
    // It beats again, then falls silent again: a new silence.
    beat(42, 10);
    hand.advance(3 * INTERVAL);
    expect(reported).toHaveLength(2);
  });

  test('its deadline is its own interval’s, or the configured timeout', () => {
    const slow = tableOf();
    slow.register(42, 'web', 10);
    slow.beat(42, 10, { interval: 2 * INTERVAL });
    slow.hand.advance(6 * INTERVAL - 1);
    expect(slow.reported).toEqual([]);
    slow.hand.advance(1);
    expect(slow.reported.map((r) => r.context['silentMs'])).toEqual([6 * INTERVAL]);

    const configured = tableOf({ timeout: 5 * INTERVAL });
    configured.register(42, 'web', 10);
    configured.beat(42, 10);
    configured.hand.advance(5 * INTERVAL - 1);
    expect(configured.reported).toEqual([]);
    configured.hand.advance(1);
    expect(configured.reported.map((r) => r.context['silentMs'])).toEqual([5 * INTERVAL]);
  });

  test('the master’s own children are the watchdog’s to report: the table only lists them as hung', () => {
    const { hand, reported, register, beat, rows } = tableOf();
    register(42);
    beat(42);
    hand.advance(10 * INTERVAL);
    expect(reported).toEqual([]);
    expect(rows()).toEqual([[MASTER, 'ready'], [42, 'hung']]);
  });

  test('a grandchild that left the registry before its deadline is forgotten, not reported', () => {
    // The master samples itself only every 10 s: the deadline falls before the next prune.
    const { hand, registry, table, reported, register, beat } = tableOf({ ownInterval: 10 * INTERVAL });
    register(42, 'web', 10);
    beat(42, 10);
    registry.remove(42);
    hand.advance(3 * INTERVAL);
    expect(reported).toEqual([]);
    expect(table.size).toBe(1);
  });

  test('while its own connection to Redis is down no one is reported; back on Redis, a silent grandchild is reported a full deadline later', () => {
    const { hand, reported, register, beat, connection } = tableOf();
    register(42, 'web', 10);
    beat(42, 10);
    hand.advance(INTERVAL);
    connection('reconnecting');
    hand.advance(10 * INTERVAL);
    expect(reported).toEqual([]);
    connection('ready');
    hand.advance(3 * INTERVAL - 1);
    expect(reported).toEqual([]);
    hand.advance(1);
    expect(reported.map((r) => [r.context['pid'], r.context['silentMs']])).toEqual([[42, 3 * INTERVAL]]);
  });

  test('a grandchild that beats again after the outage is not reported', () => {
    const { hand, reported, register, beat, connection } = tableOf();
    register(42, 'web', 10);
    beat(42, 10);
    connection('reconnecting');
    hand.advance(10 * INTERVAL);
    connection('ready');
    hand.advance(INTERVAL);
    beat(42, 10);
    hand.advance(3 * INTERVAL - 1);
    expect(reported).toEqual([]);
  });

  test('a status request is answered with the list, to the request', async () => {
    const { hand, replies, register, beat, ask } = tableOf();
    register(42);
    hand.advance(100);
    beat(42);
    ask('q.7');
    await settle();
    expect(replies).toEqual([
      {
        re: 'q.7',
        processes: [
          { pid: MASTER, group: 'master', parentPid: MASTER, state: 'ready', registeredAt: 0, lastHeartbeat: 0, health: healthOf(MASTER, { restarts: 0 }) },
          { pid: 42, group: 'web', parentPid: MASTER, state: 'ready', registeredAt: 0, lastHeartbeat: 100, health: healthOf(MASTER) },
        ],
      },
    ]);
  });

  test('a reply too large for one frame is sent again without the stats counters; the figures stay', async () => {
    const { replies, answers, register, beat, ask } = tableOf();
    register(42);
    register(43);
    beat(42);
    answers.push(() => Promise.reject(new ClustrError('CLUSTR_FRAME_TOO_LARGE', 'too large')));
    ask('q.1');
    await settle();
    expect(replies).toHaveLength(2);
    expect(replies[0]!.processes[1]!.health!.stats).toEqual({ sent: 1 });
    expect(replies[1]).toEqual({
      re: 'q.1',
      processes: [
        { ...replies[0]!.processes[0]!, health: { ...replies[0]!.processes[0]!.health!, stats: {} } },
        { ...replies[0]!.processes[1]!, health: { ...replies[0]!.processes[1]!.health!, stats: {} } },
        // A process that never beat has no figures to trim.
        { pid: 43, group: 'web', parentPid: MASTER, state: 'starting', registeredAt: 0 },
      ],
    });
  });

  test('a reply that fails otherwise is not sent again, and a failed second reply is dropped quietly', async () => {
    // A process.on('unhandledRejection') spy is never called under jest 30 (robustness.test.ts, 4.):
    // each failed reply records instead whether anyone subscribed to its rejection, as Node judges it.
    const handled: boolean[] = [];
    const failing = (error: Error) => (): Promise<never> => {
      const promise = Promise.reject(error);
      const index = handled.push(false) - 1;
      const then = promise.then.bind(promise);
      promise.then = ((onFulfilled, onRejected) => {
        if (onRejected) handled[index] = true;
        return then(onFulfilled, onRejected);
      }) as typeof promise.then;
      return promise;
    };
    const { replies, answers, ask } = tableOf();
    answers.push(failing(new ClustrError('CLUSTR_CLOSED', 'closed')));
    ask('q.1');
    await settle();
    expect(replies).toHaveLength(1);
    answers.push(failing(new ClustrError('CLUSTR_FRAME_TOO_LARGE', 'too large')), failing(new ClustrError('CLUSTR_FRAME_TOO_LARGE', 'still too large')));
    ask('q.2');
    await settle();
    await new Promise((resolve) => setImmediate(resolve));
    expect(replies.map((r) => r.re)).toEqual(['q.1', 'q.2', 'q.2']);
    expect(handled).toEqual([true, true, true]);
  });

  test('stopped, it samples no more, answers no one, ignores heartbeats and reports no one', async () => {
    const { hand, table, reported, replies, register, beat, ask, samples } = tableOf();
    register(42, 'web', 10);
    beat(42, 10);
    table.stop();
    expect(hand.pending()).toBe(0);
    const sampled = samples();
    hand.advance(10 * INTERVAL);
    expect(samples()).toBe(sampled);
    expect(reported).toEqual([]);
    register(43, 'web', 10);
    beat(43, 10);
    expect(hand.pending()).toBe(0);
    expect(table.list().map((s) => [s.pid, s.state])).toEqual([[MASTER, 'ready'], [42, 'hung'], [43, 'starting']]);
    ask();
    await settle();
    expect(replies).toEqual([]);
  });
});

// ---- master/commands.ts --------------------------------------------------------------------

type Reply = { to: { pid: number; re: string }; data: DataOf<'commandReply'> };

/** The master's command handler, with its running flag, reload and stop in the test's hands. */
function commandsOf() {
  const events: Events = mitt<RuntimeEvents>();
  const logger = recordingLogger();
  const state = { running: true, reload: 'idle' as ReloadState };
  const replies: Reply[] = [];
  const stops: number[] = [];
  let finish!: { resolve(result: ReloadResult): void; reject(error: Error): void };
  const reloads = jest.fn(
    () =>
      new Promise<ReloadResult>((resolve, reject) => {
        finish = { resolve, reject };
      }),
  );
  const commands = new Commands({
    events,
    logger,
    running: () => state.running,
    reloadState: () => state.reload,
    reload: reloads,
    stop: (code) => void stops.push(code),
    reply: (to, data) => {
      replies.push({ to, data });
      return Promise.resolve(1);
    },
  });
  const command = (action: 'reload' | 'stop', pid = 900, id = `c.${pid}`): void =>
    events.emit('command', { kind: 'command', id, meta: { pid, group: 'cli' }, data: { action } } as unknown as FrameOf<'command'>);
  const said = (pid = 900) => replies.filter((r) => r.to.pid === pid).map((r) => r.data);
  return { events, logger, state, replies, stops, reloads, finish: () => finish, commands, command, said };
}

describe('operator commands', () => {
  test('every command is logged with its action and sender', () => {
    const { logger, command } = commandsOf();
    command('reload', 900);
    command('stop', 901);
    expect(logger.records).toEqual([
      { level: 'info', fields: { event: 'command', action: 'reload', from: 900 }, msg: 'received reload from pid 900' },
      { level: 'info', fields: { event: 'command', action: 'stop', from: 901 }, msg: 'received stop from pid 901' },
    ]);
  });

  test('stop: accepted at once, the master stops with exit code 0, and `stopped` follows once the children are gone', async () => {
    const { replies, stops, commands, command } = commandsOf();
    command('stop', 900, 'c.1');
    expect(replies).toEqual([{ to: { pid: 900, re: 'c.1' }, data: { event: 'accepted', action: 'stop' } }]);
    expect(COMMAND_STOP_EXIT_CODE).toBe(0);
    expect(stops).toEqual([0]);
    await commands.beforeDisconnect(3);
    expect(replies.slice(1)).toEqual([{ to: { pid: 900, re: 'c.1' }, data: { event: 'stopped', code: 3 } }]);
  });

  test('a stop asked while the master is stopping already is accepted and answered with the rest, and stops nothing more', async () => {
    const { state, stops, commands, command, said } = commandsOf();
    command('stop', 900);
    state.running = false;
    command('stop', 901);
    expect(stops).toEqual([0]);
    expect(said(901)).toEqual([{ event: 'accepted', action: 'stop' }]);
    await commands.beforeDisconnect(0);
    expect(said(900)).toEqual([{ event: 'accepted', action: 'stop' }, { event: 'stopped', code: 0 }]);
    expect(said(901)).toEqual([{ event: 'accepted', action: 'stop' }, { event: 'stopped', code: 0 }]);
  });

  test('`stopped` waits until each reply is handed over, and is said once', async () => {
    const { replies, commands, command } = commandsOf();
    command('stop');
    const order: string[] = [];
    const done = commands.beforeDisconnect(0).then(() => order.push('done'));
    order.push('asked');
    await done;
    expect(order).toEqual(['asked', 'done']);
    await commands.beforeDisconnect(0);
    expect(replies.filter((r) => r.data.event === 'stopped')).toHaveLength(1);
  });

  test('once the master is disconnecting, a stop is refused: its children are gone already', async () => {
    const { stops, commands, command, said } = commandsOf();
    await commands.beforeDisconnect(0);
    command('stop');
    expect(said()).toEqual([{ event: 'refused', reason: 'the master is disconnecting: its children have stopped already' }]);
    expect(stops).toEqual([]);
  });

  test('a reload while the master stops is refused and never started', () => {
    const { state, reloads, command, said } = commandsOf();
    state.running = false;
    command('reload');
    expect(said()).toEqual([{ event: 'refused', reason: 'the master is stopping' }]);
    expect(reloads).not.toHaveBeenCalled();
  });

  test('reload: accepted, each replacement as it happens, then the result', async () => {
    const { events, reloads, finish, command, said } = commandsOf();
    command('reload');
    expect(said()).toEqual([{ event: 'accepted', action: 'reload' }]);
    expect(reloads).toHaveBeenCalledTimes(1);
    events.emit('reloadReplaced', { slot: 1, from: 10, to: 20 });
    events.emit('reloadReplaced', { slot: 2, from: 11, to: 21 });
    finish().resolve({ ok: true, replaced: [{ from: 10, to: 20 }, { from: 11, to: 21 }] });
    await settle();
    expect(said()).toEqual([
      { event: 'accepted', action: 'reload' },
      { event: 'replaced', from: 10, to: 20 },
      { event: 'replaced', from: 11, to: 21 },
      { event: 'reloaded', ok: true, replaced: [{ from: 10, to: 20 }, { from: 11, to: 21 }] },
    ]);
  });

  test('a failed reload says why and which process, not the slot', async () => {
    const { finish, command, said } = commandsOf();
    command('reload');
    finish().resolve({ ok: false, replaced: [], failure: { reason: 'ready-timeout', slot: 3, pid: 30 } });
    await settle();
    expect(said().at(-1)).toEqual({ event: 'reloaded', ok: false, replaced: [], failure: { reason: 'ready-timeout', pid: 30 } });
  });

  test('a reload that cannot run is refused with its error, cut to 256 characters', async () => {
    const { finish, command, said } = commandsOf();
    command('reload');
    finish().reject(new Error('x'.repeat(300)));
    await settle();
    expect(said().at(-1)).toEqual({ event: 'refused', reason: 'x'.repeat(256) });
  });

  test('a reload asked during a reload reports only the replacements of its own, which starts when the running one ends', async () => {
    const { events, state, finish, command, said } = commandsOf();
    state.reload = 'replacing';
    command('reload');
    // Still the running reload's.
    events.emit('reloadReplaced', { slot: 1, from: 10, to: 20 });
    events.emit('reloadState', { from: 'replacing', to: 'settling' });
    events.emit('reloadReplaced', { slot: 2, from: 11, to: 21 });
    events.emit('reloadState', { from: 'settling', to: 'completed' });
    events.emit('reloadReplaced', { slot: 3, from: 12, to: 22 });
    // Ours.
    events.emit('reloadState', { from: 'idle', to: 'replacing' });
    events.emit('reloadReplaced', { slot: 1, from: 20, to: 30 });
    finish().resolve({ ok: true, replaced: [{ from: 20, to: 30 }] });
    await settle();
    expect(said()).toEqual([
      { event: 'accepted', action: 'reload' },
      { event: 'replaced', from: 20, to: 30 },
      { event: 'reloaded', ok: true, replaced: [{ from: 20, to: 30 }] },
    ]);
  });

  test('once its reload is over, a command stops listening: later replacements are not its own', async () => {
    const { events, finish, command, said } = commandsOf();
    const listeners = (): number[] => (['reloadState', 'reloadReplaced'] as const).map((kind) => events.all.get(kind)?.length ?? 0);
    command('reload');
    expect(listeners()).toEqual([1, 1]);
    finish().resolve({ ok: true, replaced: [] });
    await settle();
    expect(listeners()).toEqual([0, 0]);
    events.emit('reloadReplaced', { slot: 1, from: 10, to: 20 });
    expect(said().map((d) => d.event)).toEqual(['accepted', 'reloaded']);

    command('reload');
    finish().reject(new Error('no'));
    await settle();
    expect(listeners()).toEqual([0, 0]);
  });
});
