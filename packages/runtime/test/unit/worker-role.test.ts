// worker/worker.ts on its own: a Worker on the fake platform, the master a peer on the same
// FakeRedis that hears what the worker publishes and sends it frames; signals, the parent's
// death and the clock are the test's. No cluster harness.
import { ClustrError } from '@clustr/protocol/core';
import { Worker } from '../../src';
import type { WorkerOptions } from '../../src/worker/worker';
import { StubRedis } from './redis-stub';
import { advance, flush } from './fake-platform';
import { peer, rolePlatform, type Peer, type RolePlatform } from './role-rig';
import { recordingLogger, thrownClustrError, watch, type RecordingLogger } from './probes';

const MASTER = { pid: 42, group: 'master' };
const NS = 'wrk';

interface Rig {
  f: RolePlatform;
  worker: Worker;
  logger: RecordingLogger;
  /** The master: hears the master channel and the worker's parent's private channel. */
  master: Peer;
}

async function started(env: Record<string, string> = { CLUSTR_PARENT_PID: '42', CLUSTR_MASTER_PID: '42' }, options: Partial<WorkerOptions> = {}): Promise<Rig> {
  const f = rolePlatform({ env });
  const master = await peer(f, NS, (names) => [names.master, names.private(7)]);
  const logger = recordingLogger();
  const worker = Worker.create({ group: 'web', platform: f.platform, namespace: NS, logger, ...options });
  await flush();
  return { f, worker, logger, master };
}

/** The kinds the master heard from the worker, in order (heartbeats left out unless asked). */
function heard(r: Rig, withHeartbeats = false): string[] {
  return r.master.frames.filter((frame) => withHeartbeats || frame.kind !== 'heartbeat').map((frame) => `${frame.kind}@${frame.channel.slice(NS.length + 1)}`);
}

describe('creating a worker', () => {
  test.each([
    ['no options at all', undefined],
    ['no group', {}],
    ['a null group', { group: null }],
    ['an empty group', { group: '' }],
  ])('%s: CLUSTR_MISSING_GROUP, with an example', (_what, options) => {
    const error = thrownClustrError(() => Worker.create(options as unknown as WorkerOptions));
    expect(error).toMatchObject({ code: 'CLUSTR_MISSING_GROUP', field: 'group', message: 'Worker.create() needs a group, e.g. Worker.create({ group: "web" }).' });
  });

  test('the group "master" is reserved: CLUSTR_RESERVED_GROUP', () => {
    const error = thrownClustrError(() => Worker.create({ group: 'master', platform: rolePlatform().platform }));
    expect(error).toMatchObject({ code: 'CLUSTR_RESERVED_GROUP', field: 'group', message: 'the group "master" is reserved for the master; give this worker another group, e.g. "web".' });
  });

  test('a group that is no valid name is refused as an option, before anything connects', () => {
    const f = rolePlatform();
    const error = thrownClustrError(() => Worker.create({ group: 'a b', platform: f.platform }));
    expect(error.code).toBe('CLUSTR_INVALID_NAME');
    expect(f.server.connectionCount).toBe(0);
    // Checked with the other options, in their order: the first wrong one is named.
    expect(thrownClustrError(() => Worker.create({ group: 'a b', reloadDelay: -1, platform: f.platform })).field).toBe('group');
    expect(thrownClustrError(() => Worker.create({ reloadDelay: -1, group: 'a b', platform: f.platform })).field).toBe('reloadDelay');
  });

  test.each([
    ['CLUSTR_PARENT_PID', { CLUSTR_PARENT_PID: '42' }, 42],
    ['no CLUSTR_PARENT_PID: the OS parent', {}, 1],
    ['CLUSTR_PARENT_PID 0: the OS parent', { CLUSTR_PARENT_PID: '0' }, 1],
    ['a negative CLUSTR_PARENT_PID: the OS parent', { CLUSTR_PARENT_PID: '-3' }, 1],
    ['a fractional CLUSTR_PARENT_PID: the OS parent', { CLUSTR_PARENT_PID: '4.5' }, 1],
    ['a CLUSTR_PARENT_PID that is no number: the OS parent', { CLUSTR_PARENT_PID: 'abc' }, 1],
  ])('its parent: %s', async (_what, env, parentPid) => {
    const f = rolePlatform({ env });
    const worker = Worker.create({ group: 'web', platform: f.platform });
    expect(worker.parentPid).toBe(parentPid);
    expect(f.watched).toEqual([parentPid]);
    await worker.close(0);
  });
});

describe('signals and the parent', () => {
  test.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s stops the worker with exit code %i, and says so', async (signal, code) => {
    const r = await started();
    for (const handler of r.f.signalHandlers.get(signal)!) handler();
    await flush();
    expect(r.f.exits).toEqual([code]);
    expect(r.worker.status).toBe('closed');
    expect(r.logger.records.filter((record) => record.fields.event === 'signal')).toEqual([{ level: 'info', fields: { event: 'signal', signal }, msg: `received ${signal}` }]);
    expect(r.logger.events('process.state')[0]).toMatchObject({ from: 'running', to: 'stopping', reason: signal, code });
  });

  test('SIGHUP is noted and ignored: only the master reloads', async () => {
    const r = await started();
    for (const handler of r.f.signalHandlers.get('SIGHUP')!) handler();
    await flush();
    expect(r.worker.status).toBe('running');
    expect(r.f.exits).toEqual([]);
    expect(r.logger.records.filter((record) => record.fields.event === 'signal.ignored')).toEqual([
      { level: 'info', fields: { event: 'signal.ignored', signal: 'SIGHUP' }, msg: 'received SIGHUP; ignored (only the master reloads)' },
    ]);
    await r.worker.close(0);
  });

  test('the parent dying stops the worker with exit code 1, with a warning naming the parent', async () => {
    const r = await started();
    r.f.parentDies();
    await flush();
    expect(r.f.exits).toEqual([1]);
    expect(r.logger.records.filter((record) => record.fields.event === 'parent.gone')).toEqual([
      { level: 'warn', fields: { event: 'parent.gone', parentPid: 42 }, msg: 'parent process is gone; stopping' },
    ]);
    expect(r.logger.events('process.state')[0]).toMatchObject({ reason: 'parent-gone', code: 1 });
  });

  test('once closed, its signal handlers and parent watch are gone', async () => {
    const r = await started();
    await r.worker.close(0);
    expect(r.f.signalHandlers.get('SIGTERM')!.size).toBe(0);
    expect(r.f.signalHandlers.get('SIGINT')!.size).toBe(0);
    expect(r.f.signalHandlers.get('SIGHUP')!.size).toBe(0);
    r.f.parentDies();
    await flush();
    expect(r.f.exits).toEqual([0]);
  });
});

describe('emitReady', () => {
  test('registers with the master (naming its parent), starts heartbeats and says so', async () => {
    const r = await started();
    expect(heard(r, true)).toEqual([]);
    await r.worker.emitReady();
    await flush();
    expect(heard(r, true)).toEqual(['register@master', 'heartbeat@master']);
    expect(r.master.of('register')).toEqual([expect.objectContaining({ meta: expect.objectContaining({ pid: 100, group: 'web' }), data: { parentPid: 42 } })]);
    expect(r.master.of('heartbeat')[0]!.data).toMatchObject({ parentPid: 42 });
    expect(r.logger.records.filter((record) => record.fields.event === 'worker.ready')).toEqual([{ level: 'info', fields: { event: 'worker.ready' }, msg: 'registered with the master' }]);
    await r.worker.close(0);
  });

  test('heartbeats go on every interval once registered, and not before', async () => {
    const r = await started(undefined, { heartbeatInterval: 1_000 });
    await advance(r.f.clock, 3_000);
    expect(r.master.of('heartbeat')).toHaveLength(0);
    await r.worker.emitReady();
    await advance(r.f.clock, 2_000);
    expect(r.master.of('heartbeat')).toHaveLength(3);
    await r.worker.close(0);
  });

  test('a parent other than the master hears the heartbeats too', async () => {
    const r = await started({ CLUSTR_PARENT_PID: '7', CLUSTR_MASTER_PID: '42' });
    await r.worker.emitReady();
    await flush();
    expect(heard(r, true)).toEqual(['register@master', 'heartbeat@master', 'heartbeat@private:7']);
    expect(r.master.of('register')[0]!.data).toEqual({ parentPid: 7 });
    await r.worker.close(0);
  });

  test('called before Redis is there, it waits, then registers', async () => {
    const f = rolePlatform({ env: { CLUSTR_PARENT_PID: '42', CLUSTR_MASTER_PID: '42' } });
    const master = await peer(f, NS, (names) => [names.master]);
    const worker = Worker.create({ group: 'web', platform: f.platform, namespace: NS });
    const ready = watch(worker.emitReady());
    expect(ready.state).toBe('pending');
    await flush();
    expect(ready.state).toBe('resolved');
    expect(master.of('register')).toHaveLength(1);
    await worker.close(0);
  });

  test('on a closed worker it rejects (never throws) with CLUSTR_CLOSED', async () => {
    const r = await started();
    await r.worker.close(0);
    let promise: Promise<void> | undefined;
    expect(() => (promise = r.worker.emitReady())).not.toThrow();
    const seen = watch(promise!);
    await flush();
    expect(seen.state).toBe('rejected');
    expect(seen.error).toBeInstanceOf(ClustrError);
    expect(seen.error).toMatchObject({ code: 'CLUSTR_CLOSED', message: 'emitReady() was called on a process that is closed.' });
  });

  test('closed before Redis was there: it resolves, and nothing is registered or deregistered', async () => {
    const f = rolePlatform({ env: { CLUSTR_PARENT_PID: '42' } });
    f.server.stop();
    const worker = Worker.create({ group: 'web', platform: f.platform, namespace: NS });
    const ready = watch(worker.emitReady());
    await flush();
    expect(ready.state).toBe('pending');
    const closing = watch(worker.close(0));
    await advance(f.clock, 5_000);
    expect(closing.state).toBe('resolved');
    expect(ready.state).toBe('resolved');
    expect(ready.value).toBeUndefined();
  });

  test('closed in the same tick as it was called, when connected: it resolves without registering', async () => {
    const r = await started();
    const ready = watch(r.worker.emitReady());
    void r.worker.close(0);
    await flush();
    await advance(r.f.clock, 2_000);
    expect(ready.state).toBe('resolved');
    expect(r.master.of('register')).toEqual([]);
    expect(r.logger.events('worker.ready')).toEqual([]);
  });

  test('a subscription Redis refuses is not swallowed: emitReady rejects with it', async () => {
    const f = rolePlatform({ env: { CLUSTR_PARENT_PID: '42' } });
    const publisher = new StubRedis();
    const subscriber = new StubRedis();
    publisher.status = 'ready';
    subscriber.status = 'ready';
    subscriber.answers = new Error('ERR subscribe refused');
    const worker = Worker.create({ group: 'web', platform: f.platform, namespace: NS, publisher, subscriber, onError: () => undefined });
    const ready = watch(worker.emitReady());
    await flush();
    expect(ready.state).toBe('rejected');
    expect(ready.error).toBeInstanceOf(ClustrError);
    expect((ready.error as ClustrError).code).toBe('CLUSTR_TRANSPORT');
    void worker.close(0);
    await advance(f.clock, 5_000);
  });

  test('a refused subscription is not swallowed when the worker stops meanwhile either', async () => {
    const f = rolePlatform({ env: { CLUSTR_PARENT_PID: '42' } });
    const publisher = new StubRedis();
    const subscriber = new StubRedis();
    publisher.status = 'ready';
    subscriber.status = 'ready';
    subscriber.answers = new Error('ERR subscribe refused');
    const worker = Worker.create({ group: 'web', platform: f.platform, namespace: NS, publisher, subscriber, onError: () => undefined });
    const ready = watch(worker.emitReady());
    void worker.close(0);
    await flush();
    expect(ready.state).toBe('rejected');
    expect((ready.error as ClustrError).code).toBe('CLUSTR_TRANSPORT');
    await advance(f.clock, 5_000);
  });
});

describe('registering again', () => {
  test("the master's announcement makes a ready worker register again", async () => {
    const r = await started();
    await r.worker.emitReady();
    await flush();
    r.master.send(r.master.names.control, 'announce', { reason: 'start' }, MASTER);
    await flush();
    expect(r.master.of('register')).toHaveLength(2);
    await r.worker.close(0);
  });

  test('an announcement from anyone but the master, or before emitReady, changes nothing', async () => {
    const r = await started();
    r.master.send(r.master.names.control, 'announce', { reason: 'start' }, MASTER);
    await flush();
    expect(r.master.of('register')).toHaveLength(0);
    await r.worker.emitReady();
    await flush();
    r.master.send(r.master.names.control, 'announce', { reason: 'start' }, { pid: 43, group: 'master' });
    await flush();
    expect(r.master.of('register')).toHaveLength(1);
    await r.worker.close(0);
  });

  test('after Redis comes back, a ready worker registers again; one not ready does not', async () => {
    const ready = await started();
    const idle = await started();
    await ready.worker.emitReady();
    await flush();
    for (const r of [ready, idle]) {
      for (const client of r.f.clients) client.dropConnection();
      await advance(r.f.clock, 5_000);
      expect(r.worker.connection.state).toBe('ready');
    }
    expect(ready.logger.events('redis.recovered')).toHaveLength(1);
    expect(ready.master.of('register')).toHaveLength(2);
    expect(idle.logger.events('redis.recovered')).toHaveLength(1);
    expect(idle.master.of('register')).toHaveLength(0);
    await ready.worker.close(0);
    await idle.worker.close(0);
  });
});

describe('stopping', () => {
  test('a registered worker deregisters, naming its own pid, before it exits', async () => {
    const r = await started();
    await r.worker.emitReady();
    await r.worker.close(3);
    await flush();
    expect(heard(r)).toEqual(['register@master', 'deregister@master']);
    expect(r.master.of('deregister')[0]!.data).toEqual({ pid: 100 });
    expect(r.f.exits).toEqual([3]);
  });

  test('a worker that never registered does not deregister', async () => {
    const r = await started();
    await r.worker.close(0);
    await flush();
    expect(heard(r)).toEqual([]);
    expect(r.f.exits).toEqual([0]);
  });

  test('with Redis away, the deregistration holds the exit for 1 s at most', async () => {
    const r = await started(undefined, { stopTimeout: 60_000 });
    await r.worker.emitReady();
    await flush();
    r.f.server.stop();
    await flush();
    const closing = watch(r.worker.close(0));
    await advance(r.f.clock, 999);
    expect(closing.state).toBe('pending');
    expect(r.f.exits).toEqual([]);
    await advance(r.f.clock, 1);
    await advance(r.f.clock, 5_000);
    expect(r.f.exits).toEqual([0]);
  });
});
