// Every counter of process/stats.ts after scripted traffic, and frames rejected on the way in.
import { Type } from '@sinclair/typebox';
import { channels, type FrameKind } from '@clustr/protocol';
import type { ErrorContext, Stats, Worker } from '@clustr/runtime';
import mitt, { type Emitter } from 'mitt';
import type { ConnectionState } from '../../src/transport/connection';
import type { RuntimeEvents } from '../../src/process/events';
import { emptyStats, trackStats } from '../../src/process/stats';
import { startCluster, type Started } from './helpers';

const zero: Stats = {
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
};

function raw(kind: FrameKind | string, data: unknown, meta: Record<string, unknown> = { pid: 4242, group: 'outside' }, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ v: 2, kind, id: 'test.1', meta, data, ...extra });
}

test('every counter is exact after a scripted traffic pattern', async () => {
  const c = await startCluster({ groups: ['web', 'jobs'] });
  const [a, b] = c.workers as [Worker, Worker];
  // Every process listens to every kind: a process hears only what it listens to.
  for (const p of [c.master, a, b]) {
    p.onPublic(() => undefined);
    p.onPrivate(() => undefined);
    p.onGroup(() => undefined);
  }
  c.master.onConfirmation(2, 'c', () => undefined);
  a.onConfirmation(1, 'unrelated', () => undefined);
  b.onConfirmation(1, 'unrelated', () => undefined);
  b.onPublic(() => {
    throw new Error('listener bug');
  });
  await c.cluster.settle();

  await a.emitPublic(1);
  await a.emitPublic(2);
  await a.emitPrivate(b.pid, 'p');
  await a.emitGroup('jobs', 'g');
  await b.emitGroup('web', 'g');
  await a.emitKill(99_999, 4);
  await c.master.emitConfirmation('c');
  await a.emitConfirmation('c');
  await a.emitConfirmation('other');
  await c.cluster.settle();

  expect(c.master.stats).toEqual({ ...zero, emitConfirmation: 1, onPublic: 2, onMessage: 2, receivedConfirmations: 3, successfulConfirmations: 1, spawnChildProcess: 2 });
  expect(a.stats).toEqual({ ...zero, emitPublic: 2, emitPrivate: 1, emitGroup: 1, emitKill: 1, emitConfirmation: 2, onPublic: 2, onGroup: 1, onMessage: 3, receivedConfirmations: 3 });
  expect(b.stats).toEqual({ ...zero, emitGroup: 1, onPublic: 2, onPrivate: 1, onGroup: 1, onMessage: 4, receivedConfirmations: 3, listenerErrors: 2 });
  await c.cluster.close();
});

test('runtime frames (register, cluster info, deregister) are not counted as user traffic', async () => {
  const c = await startCluster({ groups: ['web'] });
  const [a] = c.workers as [Worker];
  await a.fetchClusterInfo();
  await a.close(0);
  await c.cluster.settle();
  expect(c.master.clusterInfo).toEqual({ master: [c.master.pid] });
  expect(c.master.stats).toEqual({ ...zero, spawnChildProcess: 1 });
  expect(a.stats).toEqual(zero);
  await c.cluster.close();
});

describe('rejected frames', () => {
  let c: Started;
  let b: Worker;
  let handled: unknown[];
  let errors: Array<{ code: unknown; context: ErrorContext }>;
  beforeEach(async () => {
    c = await startCluster({
      groups: ['web', 'jobs'],
      worker: { messages: { private: Type.String(), public: Type.Object({ n: Type.Integer() }) }, maxFrameBytes: 4096 },
    });
    b = c.workers[1]!;
    handled = [];
    errors = [];
    b.onPublic((m) => handled.push(m));
    b.onPrivate((m) => handled.push(m));
    b.onGroup((m) => handled.push(m));
    b.onError((error, context) => errors.push({ code: (error as { code?: unknown }).code, context }));
    await c.cluster.settle();
  });
  afterEach(() => c.cluster.close());

  test('are counted by reason, reported, never handled, and the process keeps working', async () => {
    const ch = channels(c.cluster.namespace);
    const own = ch.private(b.pid);
    const a = c.workers[0]!;
    let deep: unknown = 'leaf';
    for (let i = 0; i < 70; i++) deep = [deep];
    const garbage: Array<[string, string]> = [
      [own, 'not json at all'],
      [own, '{"v":1,'],
      [own, JSON.stringify({ v: 3, kind: 'private', id: 'x', meta: { pid: 1, group: 'g' }, data: 'hi' })],
      [own, JSON.stringify({ v: 2, kind: 'private' })],
      [own, '[1,2,3]'],
      [own, raw('teleport', 'hi')],
      [own, raw('private', 7)],
      [ch.public, raw('public', { n: 'seven' })],
      [own, raw('kill', { pid: a.pid, code: 0 })],
      [own, raw('public', { n: 1 })],
      [ch.public, raw('register', { parentPid: 1 })],
      [own, `{"v":2,"kind":"private","id":"x","meta":{"pid":5,"group":"g"},"data":{"__proto__":{"admin":true}}}`],
      [own, raw('private', deep)],
      [own, raw('private', 'x'.repeat(5000))],
    ];
    for (const [channel, frame] of garbage) c.cluster.server.inject(channel, frame);
    await c.cluster.settle();

    expect(handled).toEqual([]);
    expect(b.stats.rejectedFrames).toEqual({
      not_json: 2,
      unsupported_version: 1,
      invalid_frame: 2,
      unknown_kind: 1,
      invalid_data: 2,
      misrouted: 3,
      forbidden_key: 1,
      too_deep: 1,
      too_large: 1,
    });
    expect(b.stats.onMessage).toBe(0);
    expect(errors.map((e) => e.code)).toEqual(Array(garbage.length).fill('CLUSTR_INVALID_FRAME'));
    expect(errors.map((e) => e.context['reason'])).toEqual([
      'not_json',
      'not_json',
      'unsupported_version',
      'invalid_frame',
      'invalid_frame',
      'unknown_kind',
      'invalid_data',
      'invalid_data',
      'misrouted',
      'misrouted',
      'misrouted',
      'forbidden_key',
      'too_deep',
      'too_large',
    ]);
    expect(errors[6]!.context).toMatchObject({ event: 'frame.rejected', channel: own, issues: [{ path: '/data', keyword: 'type' }] });
    expect(errors[7]!.context).toMatchObject({ channel: ch.public, issues: [{ path: '/data/n', keyword: 'type' }] });
    expect(errors[8]!.context).toMatchObject({ issues: [{ path: '/data/pid', keyword: 'const' }] });
    // The kill for another pid stopped nobody.
    expect(c.cluster.alivePids()).toEqual([c.master.pid, a.pid, b.pid]);

    await a.emitPrivate(b.pid, 'still here');
    await a.emitPublic({ n: 3 });
    await c.cluster.settle();
    expect(handled).toEqual([
      { meta: { pid: a.pid, group: 'web', instance: a.instance }, data: 'still here' },
      { meta: { pid: a.pid, group: 'web', instance: a.instance }, data: { n: 3 } },
    ]);
    expect(b.status).toBe('running');
  });

  test('are logged with their reason through the injected logger', async () => {
    c.cluster.server.inject(channels(c.cluster.namespace).private(b.pid), 'nope');
    await c.cluster.settle();
    const log = c.workerLogs.get(b.pid)!;
    expect(log.records.filter((r) => r.fields.event === 'frame.rejected')).toEqual([
      expect.objectContaining({ level: 'error', fields: expect.objectContaining({ reason: 'not_json', error: expect.objectContaining({ code: 'CLUSTR_INVALID_FRAME' }) }) }),
    ]);
  });
});

// The counters on their own: stats are one more subscriber of the internal event bus, so each
// event is emitted there and the whole Stats object is compared (one counter moves, no other does).
describe('counters follow the internal events', () => {
  let events: Emitter<RuntimeEvents>;
  let stats: Stats;
  beforeEach(() => {
    events = mitt<RuntimeEvents>();
    stats = emptyStats();
    trackStats(events, stats);
  });

  // A frame as the receive path hands it on; the counters read no more than its kind.
  const frame = (kind: FrameKind) => ({ v: 2, kind, id: 'test.1', meta: { pid: 4242, group: 'web' }, data: null }) as never;
  const child = { slot: 1, pid: 4243, file: 'worker.js' };

  test('starts at zero', () => {
    expect(stats).toEqual(zero);
  });

  test('an emitAny message received counts in onAny and in onMessage, once each', () => {
    events.emit('any', frame('any'));
    expect(stats).toEqual({ ...zero, onAny: 1, onMessage: 1 });
    events.emit('any', frame('any'));
    expect(stats).toEqual({ ...zero, onAny: 2, onMessage: 2 });
  });

  test('a child the supervisor gave up on counts in giveUpChildProcess', () => {
    events.emit('childGaveUp', { ...child, restarts: 5, windowMs: 60_000 });
    events.emit('childGaveUp', { ...child, slot: 2, restarts: 5, windowMs: 60_000 });
    expect(stats).toEqual({ ...zero, giveUpChildProcess: 2 });
  });

  test('missedFrames adds up the frames each gap says were missed', () => {
    const from = { pid: 4242, group: 'web' };
    events.emit('missed', { from, channel: 'c', missed: 3 });
    expect(stats).toEqual({ ...zero, missedFrames: 3 });
    events.emit('missed', { from, channel: 'c', missed: 4 });
    expect(stats).toEqual({ ...zero, missedFrames: 7 });
  });

  test('every frame that never left counts once in unsentFrames', () => {
    events.emit('unsent', { kind: 'public', error: new Error('offline queue full') });
    events.emit('unsent', { kind: 'private', error: new Error('closed') });
    expect(stats).toEqual({ ...zero, unsentFrames: 2 });
  });

  test('reconnects counts the connection coming back after a loss, and no other change of state', () => {
    const steps: Array<[ConnectionState, ConnectionState, number]> = [
      ['connecting', 'ready', 0],
      ['ready', 'reconnecting', 0],
      ['reconnecting', 'ready', 1],
      ['ready', 'reconnecting', 1],
      ['reconnecting', 'ready', 2],
      ['ready', 'reconnecting', 2],
      ['reconnecting', 'closed', 2],
      ['ready', 'closed', 2],
      ['connecting', 'closed', 2],
    ];
    const seen = steps.map(([from, to]) => {
      events.emit('connection', { from, to, at: 0 });
      return stats.reconnects;
    });
    expect(seen).toEqual(steps.map(([, , expected]) => expected));
    expect(stats).toEqual({ ...zero, reconnects: 2 });
  });

  test('a child the watchdog killed as hung counts in killHungChildProcess', () => {
    events.emit('childHung', { ...child, silentMs: 3_000 });
    expect(stats).toEqual({ ...zero, killHungChildProcess: 1 });
  });

  test('frames emitted of a kind with no emit counter (any, request, reply, runtime frames) change nothing and add no key', () => {
    for (const kind of ['any', 'request', 'reply', 'heartbeat', 'register'] as const) events.emit('emitted', frame(kind));
    expect(stats).toEqual(zero);
    expect(Object.keys(stats).sort()).toEqual(Object.keys(zero).sort());
    // A kind that has one still counts.
    events.emit('emitted', frame('public'));
    expect(stats).toEqual({ ...zero, emitPublic: 1 });
  });
});
