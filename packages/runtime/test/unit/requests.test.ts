// request()/onRequest() and emitAny on an in-process cluster with the manual clock: replies,
// group balancing, and every failure path with its code.
import { Type } from '@sinclair/typebox';
import { ClustrError, channels } from '@clustr/protocol';
import { createTestCluster } from '@clustr/testkit';
import { ClustrRemoteError, type Worker, type WorkerOptions } from '@clustr/runtime';
import { recordingLogger, rejection, startCluster, thrown, type Started } from './helpers';
import { watch } from './probes';

/** The workers of `c` in group `group`. */
function inGroup(c: Started, group: string): Worker[] {
  return c.workers.filter((w) => w.group === group);
}

let c: Started;
afterEach(() => c?.cluster.close());

describe('request and reply between pids', () => {
  beforeEach(async () => {
    c = await startCluster({
      groups: ['web', 'jobs'],
      setup: (w) => {
        if (w.group !== 'jobs') return;
        w.onRequest(({ data, meta }) => ({ echo: data, from: meta.pid }));
        w.onRequest('double', ({ data }) => Promise.resolve((data as number) * 2));
      },
    });
  });

  test('a request resolves with the handler value; a promise from the handler is awaited; stats count both ends', async () => {
    const [web, jobs] = c.workers as [Worker, Worker];
    await expect(web.request(jobs.pid, { n: 1 })).resolves.toEqual({ echo: { n: 1 }, from: web.pid });
    await expect(web.request('double', jobs.pid, 21)).resolves.toBe(42);
    await expect(c.master.request('double', jobs.pid, 2)).resolves.toBe(4);
    expect(web.stats).toMatchObject({ requestsSent: 2, requestsReceived: 0, requestsReplied: 0, requestsTimedOut: 0, requestsFailed: 0, lateReplies: 0 });
    expect(jobs.stats).toMatchObject({ requestsSent: 0, requestsReceived: 3, requestsReplied: 3 });
  });

  test('a reply that cannot be written (too large) fails the request with the reason instead of leaving it to time out', async () => {
    const [web, jobs] = c.workers as [Worker, Worker];
    jobs.onRequest('huge', () => 'x'.repeat(2 * 1024 * 1024));
    const before = c.cluster.clock.now();
    await expect(web.request('huge', jobs.pid, 1)).rejects.toMatchObject({ code: 'CLUSTR_REMOTE_ERROR', remoteCode: 'CLUSTR_FRAME_TOO_LARGE' });
    expect(c.cluster.clock.now()).toBe(before);
  });

  test('a handler that returns nothing replies null', async () => {
    const [web, jobs] = c.workers as [Worker, Worker];
    jobs.onRequest('nothing', () => undefined);
    await expect(web.request('nothing', jobs.pid, 1)).resolves.toBeNull();
  });

  test('a request to the master, and from the master to itself', async () => {
    const [web] = c.workers as [Worker];
    c.master.onRequest('who', () => 'master');
    await expect(web.request('who', c.master.pid, null)).resolves.toBe('master');
    await expect(c.master.request('who', c.master.pid, null)).resolves.toBe('master');
  });

  test('a method nobody handles rejects with CLUSTR_NO_HANDLER from the target; so does a removed handler', async () => {
    const [web, jobs] = c.workers as [Worker, Worker];
    const error = await rejection(() => web.request('resize', jobs.pid, 1));
    expect(error).toBeInstanceOf(ClustrRemoteError);
    expect(error).toMatchObject({ code: 'CLUSTR_NO_HANDLER', remotePid: jobs.pid, remoteCode: 'CLUSTR_NO_HANDLER' });
    const off = jobs.onRequest('once', () => 1);
    await expect(web.request('once', jobs.pid, null)).resolves.toBe(1);
    off();
    await expect(web.request('once', jobs.pid, null)).rejects.toMatchObject({ code: 'CLUSTR_NO_HANDLER' });
    expect(web.stats.requestsFailed).toBe(2);
  });

  test('a second handler for the same method throws; the unnamed method and a named one are separate', () => {
    const [, jobs] = c.workers as [Worker, Worker];
    expect(thrown(() => jobs.onRequest('double', () => 0))).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'method' });
    expect(thrown(() => jobs.onRequest(() => 0))).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'method' });
    expect(thrown(() => jobs.onRequest('x'.repeat(129), () => 0))).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'method' });
    expect(thrown(() => jobs.onRequest('y', 5 as never))).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'handler' });
  });

  test('bad arguments reject (never throw) with the field named, and send nothing', async () => {
    const [web, jobs] = c.workers as [Worker, Worker];
    const cases: Array<[() => Promise<unknown>, string, string]> = [
      [() => web.request(0, 1), 'CLUSTR_INVALID_ARGUMENT', 'target'],
      [() => web.request('m', 'web' as never, 1), 'CLUSTR_INVALID_ARGUMENT', 'target'],
      [() => web.request({ group: 'a:b' }, 1), 'CLUSTR_INVALID_NAME', 'target.group'],
      [() => web.request({ group: 'web', pid: 1 } as never, 1), 'CLUSTR_INVALID_ARGUMENT', 'target'],
      [() => web.request('', jobs.pid, 1), 'CLUSTR_INVALID_ARGUMENT', 'method'],
      [() => web.request(jobs.pid, undefined), 'CLUSTR_INVALID_DATA', '/data/body'],
      [() => web.request(jobs.pid, 1, { timeout: 0 }), 'CLUSTR_INVALID_OPTION', 'options.timeout'],
      [() => web.request(jobs.pid, 1, { timeot: 5 } as never), 'CLUSTR_UNKNOWN_OPTION', 'options.timeot'],
      [() => web.emitAny('a b', 1), 'CLUSTR_INVALID_NAME', 'group'],
      [() => web.emitAny('jobs', undefined), 'CLUSTR_INVALID_DATA', '/data'],
    ];
    for (const [call, code, field] of cases) {
      const error = await rejection(call);
      expect(error).toBeInstanceOf(ClustrError);
      expect({ code: error.code, field: error.field }).toEqual({ code, field });
    }
    expect(web.stats).toMatchObject({ requestsSent: 0, emitAny: 0 });
    expect(jobs.stats.requestsReceived).toBe(0);
  });

  test('the request id is in the log records of the caller and of the handler', async () => {
    const [web, jobs] = c.workers as [Worker, Worker];
    await web.request(jobs.pid, 'traced');
    const sent = c.workerLogs.get(web.pid)!.events('request.sent');
    expect(sent).toHaveLength(1);
    const id = sent[0]!['requestId'];
    expect(typeof id).toBe('string');
    expect(c.workerLogs.get(web.pid)!.events('request.replied')).toEqual([expect.objectContaining({ requestId: id, from: jobs.pid })]);
    expect(c.workerLogs.get(jobs.pid)!.events('request.received')).toEqual([expect.objectContaining({ requestId: id, from: web.pid })]);
    expect(c.workerLogs.get(jobs.pid)!.events('request.answered')).toEqual([expect.objectContaining({ requestId: id, to: web.pid, ok: true })]);
  });
});

describe('failures', () => {
  test('no reply within the timeout rejects with CLUSTR_REQUEST_TIMEOUT at the timeout, not before; the default is 5000 ms', async () => {
    c = await startCluster({ groups: ['web', 'jobs'], setup: (w) => w.onRequest(() => new Promise(() => undefined)) });
    const [web, jobs] = c.workers as [Worker, Worker];
    const start = c.cluster.clock.now();
    const byDefault = watch(web.request(jobs.pid, 1));
    const short = watch(web.request(jobs.pid, 2, { timeout: 300 }));
    await c.cluster.advance(299);
    expect(short.state).toBe('pending');
    await c.cluster.advance(1);
    expect(short.state).toBe('rejected');
    expect(short.error).toMatchObject({ code: 'CLUSTR_REQUEST_TIMEOUT' });
    expect(short.error.message).toContain(`pid ${jobs.pid}`);
    await c.cluster.advance(5_000 - 301);
    expect(byDefault.state).toBe('pending');
    await c.cluster.advance(1);
    expect(byDefault.state).toBe('rejected');
    expect(c.cluster.clock.now() - start).toBe(5_000);
    expect(web.stats).toMatchObject({ requestsSent: 2, requestsTimedOut: 2, requestsFailed: 0 });
  });

  test('requestTimeout sets the default; a reply after the timeout is counted as late and dropped', async () => {
    let answer: ((value: string) => void) | undefined;
    c = await startCluster({
      groups: ['web', 'jobs'],
      worker: { requestTimeout: 100 },
      setup: (w) => w.onRequest(() => new Promise<string>((resolve) => (answer = resolve))),
    });
    const [web, jobs] = c.workers as [Worker, Worker];
    const call = watch(web.request(jobs.pid, 1));
    await c.cluster.advance(100);
    expect(call.state).toBe('rejected');
    expect(call.error).toMatchObject({ code: 'CLUSTR_REQUEST_TIMEOUT' });
    answer!('too late');
    await c.cluster.settle();
    expect(web.stats).toMatchObject({ requestsTimedOut: 1, lateReplies: 1 });
    expect(jobs.stats.requestsReplied).toBe(1);
  });

  test('at most one reply is accepted: a second reply with the same id is counted as late', async () => {
    c = await startCluster({ groups: ['web', 'jobs'], setup: (w) => w.onRequest(() => 'first') });
    const [web, jobs] = c.workers as [Worker, Worker];
    const id = await new Promise<string>((resolve) => {
      const off = jobs.onRequest('x', (request) => {
        off();
        resolve(request.id);
        return 'first';
      });
      void web.request('x', jobs.pid, null);
    });
    await c.cluster.settle();
    const names = channels(c.cluster.namespace);
    c.cluster.server.inject(names.private(web.pid), JSON.stringify({ v: 2, kind: 'reply', id: 'dup.1', re: id, meta: { pid: jobs.pid, group: 'jobs', instance: jobs.instance }, data: { ok: true, body: 'second' } }));
    await c.cluster.settle();
    expect(web.stats.lateReplies).toBe(1);
  });

  test('the handler throwing: CLUSTR_REMOTE_ERROR with the remote message and code, no stack; rejecting the same', async () => {
    c = await startCluster({
      groups: ['web', 'jobs'],
      setup: (w) => {
        w.onRequest('throw', () => {
          throw Object.assign(new Error('disk full'), { code: 'E_FULL' });
        });
        w.onRequest('reject', () => Promise.reject(new TypeError('bad input')));
        w.onRequest('string', () => {
          throw 'plain';
        });
        w.onRequest('clustr', () => {
          throw new ClustrError('CLUSTR_CLOSED', 'an inner emit found its process closed');
        });
      },
    });
    const [web, jobs] = c.workers as [Worker, Worker];
    const thrownError = await rejection(() => web.request('throw', jobs.pid, 1));
    expect(thrownError).toBeInstanceOf(ClustrRemoteError);
    expect(thrownError).toMatchObject({ code: 'CLUSTR_REMOTE_ERROR', remoteCode: 'E_FULL', remotePid: jobs.pid, remoteStack: undefined });
    expect(thrownError.message).toContain('disk full');
    await expect(web.request('reject', jobs.pid, 1)).rejects.toMatchObject({ code: 'CLUSTR_REMOTE_ERROR', remoteCode: 'TypeError', message: expect.stringContaining('bad input') });
    await expect(web.request('string', jobs.pid, 1)).rejects.toMatchObject({ code: 'CLUSTR_REMOTE_ERROR', remoteCode: 'Error', message: expect.stringContaining('plain') });
    // A handler's own ClustrError with a code the runtime refuses with is not taken for a refusal.
    await expect(web.request('clustr', jobs.pid, 1)).rejects.toMatchObject({ code: 'CLUSTR_REMOTE_ERROR', remoteCode: 'CLUSTR_REMOTE_ERROR', message: expect.stringContaining('CLUSTR_CLOSED: an inner emit') });
    expect(web.stats.requestsFailed).toBe(4);
    expect(c.workerLogs.get(jobs.pid)!.events('request.handler.threw')).toHaveLength(4);
  });

  test('replyErrorStacks: true sends the stack along, in remoteStack', async () => {
    c = await startCluster({
      groups: ['web', 'jobs'],
      worker: { replyErrorStacks: true },
      setup: (w) =>
        w.onRequest(() => {
          throw new Error('with stack');
        }),
    });
    const [web, jobs] = c.workers as [Worker, Worker];
    const error = (await rejection(() => web.request(jobs.pid, 1))) as ClustrRemoteError;
    expect(error.remoteStack).toContain('Error: with stack');
    expect(error.stack).not.toContain(error.remoteStack);
  });

  test('a target killed while the request waits rejects it at once with CLUSTR_TARGET_GONE, not at the timeout', async () => {
    c = await startCluster({ groups: ['web', 'jobs'], setup: (w) => w.onRequest(() => new Promise(() => undefined)) });
    const [web, jobs] = c.workers as [Worker, Worker];
    const calls = [watch(web.request(jobs.pid, 1)), watch(web.request({ group: 'jobs' }, 2)), watch(c.master.request(jobs.pid, 3))];
    await c.cluster.settle();
    expect(jobs.stats.requestsReceived).toBe(3);
    const before = c.cluster.clock.now();
    c.cluster.signal(jobs.pid, 'SIGKILL');
    await c.cluster.settle();
    expect(c.cluster.clock.now()).toBe(before);
    for (const call of calls) {
      expect(call.state).toBe('rejected');
      expect(call.error).toMatchObject({ code: 'CLUSTR_TARGET_GONE' });
      expect(call.error.message).toContain('may or may not have run');
    }
    expect(web.stats).toMatchObject({ requestsFailed: 2, requestsTimedOut: 0 });
  });

  test('a process with no view yet asks for one with its first request to a pid, so it notices at once when that target dies', async () => {
    c = await startCluster({ groups: ['jobs'], setup: (w) => w.onRequest(() => new Promise(() => undefined)) });
    const [jobs] = c.workers as [Worker];
    const late = c.cluster.createWorker({ group: 'ctl' }, { pid: 1, masterPid: c.master.pid });
    const call = watch(late.request(jobs.pid, 1, { timeout: 60_000 }));
    await c.cluster.settle();
    const before = c.cluster.clock.now();
    c.cluster.signal(jobs.pid, 'SIGKILL');
    await c.cluster.settle();
    expect(call.error).toMatchObject({ code: 'CLUSTR_TARGET_GONE' });
    expect(c.cluster.clock.now()).toBe(before);
    await late.close(0);
  });

  test('a target that stops with a handler still running answers once it is done, then leaves; one whose handler outlives killTimeout leaves and the caller rejects at once', async () => {
    let finish: (() => void) | undefined;
    c = await startCluster({
      groups: ['web', 'jobs', 'slow'],
      setup: (w) => {
        if (w.group === 'jobs') w.onRequest(() => new Promise<string>((resolve) => (finish = () => resolve('done'))));
        if (w.group === 'slow') w.onRequest(() => new Promise(() => undefined));
      },
      worker: { killTimeout: 200 },
    });
    const [web, jobs, slow] = c.workers as [Worker, Worker, Worker];
    const answered = watch(web.request(jobs.pid, 1));
    const hung = watch(web.request(slow.pid, 1, { timeout: 60_000 }));
    await c.cluster.settle();
    const closedAt = c.cluster.clock.now();
    void jobs.close(0);
    void slow.close(0);
    await c.cluster.advance(50);
    expect(answered.state).toBe('pending');
    expect(c.cluster.process(jobs.pid).state).toBe('running');
    // While it waits for its running handler, it takes no new request: refused, never run.
    await expect(web.request(jobs.pid, 2)).rejects.toMatchObject({ code: 'CLUSTR_TARGET_GONE', message: expect.stringContaining('It did not run') });
    finish!();
    await c.cluster.until(() => c.cluster.process(jobs.pid).state === 'exited');
    expect(answered).toMatchObject({ state: 'resolved', value: 'done' });
    // The slow one waited killTimeout (200 ms) for its handler, then deregistered: the caller knows at once.
    await c.cluster.until(() => hung.state !== 'pending');
    expect(hung.error).toMatchObject({ code: 'CLUSTR_TARGET_GONE' });
    expect(c.cluster.clock.now() - closedAt).toBe(200);
  });

  test('a group with no member rejects at once with CLUSTR_NO_MEMBER, for request and emitAny', async () => {
    c = await startCluster({ groups: ['web'] });
    const [web] = c.workers as [Worker];
    const before = c.cluster.clock.now();
    await expect(web.request({ group: 'jobs' }, 1)).rejects.toMatchObject({ code: 'CLUSTR_NO_MEMBER', message: expect.stringContaining('group "jobs" has no live registered member') });
    await expect(web.emitAny('jobs', 1)).rejects.toMatchObject({ code: 'CLUSTR_NO_MEMBER' });
    expect(c.cluster.clock.now()).toBe(before);
    expect(web.stats).toMatchObject({ requestsFailed: 1, requestsSent: 0 });
  });

  test('an emitAny nobody awaits that finds no member is reported through onError, and does not crash the process with an unhandled rejection', async () => {
    c = await startCluster({ groups: ['web'] });
    const [web] = c.workers as [Worker];
    const reported: Array<[string | undefined, unknown]> = [];
    web.onError((error, context) => reported.push([(error as Error & { code?: string }).code, context.event]));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      void web.emitAny('jobs', 1);
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect(reported).toEqual([['CLUSTR_NO_MEMBER', 'any.failed']]);
  });

  test('a pid nothing listens on rejects at once with CLUSTR_TARGET_GONE (it did not run)', async () => {
    c = await startCluster({ groups: ['web'] });
    const [web] = c.workers as [Worker];
    await expect(web.request(99_999, 1)).rejects.toMatchObject({ code: 'CLUSTR_TARGET_GONE', message: expect.stringContaining('It did not run') });
  });

  test('a closed process rejects request and emitAny with CLUSTR_CLOSED; its pending requests reject with CLUSTR_CLOSED', async () => {
    c = await startCluster({ groups: ['web', 'jobs'], setup: (w) => w.onRequest(() => new Promise(() => undefined)) });
    const [web, jobs] = c.workers as [Worker, Worker];
    const pending = watch(web.request(jobs.pid, 1));
    await c.cluster.settle();
    const closing = web.close(0);
    await expect(web.request(jobs.pid, 1)).rejects.toMatchObject({ code: 'CLUSTR_CLOSED' });
    await expect(web.emitAny('jobs', 1)).rejects.toMatchObject({ code: 'CLUSTR_CLOSED' });
    await c.cluster.until(() => pending.state !== 'pending');
    expect(pending.error).toMatchObject({ code: 'CLUSTR_CLOSED' });
    expect(web.stats).toMatchObject({ requestsSent: 1, requestsFailed: 1 });
    await closing;
  });
});

describe('one member of a group', () => {
  /** A cluster with a web worker and three jobs workers that answer with their pid. */
  async function jobsCluster(extra: { worker?: Omit<WorkerOptions, 'platform' | 'group'>; setup?: (w: Worker) => void } = {}): Promise<Started> {
    return startCluster({
      groups: ['web', 'jobs', 'jobs', 'jobs'],
      ...(extra.worker === undefined ? {} : { worker: extra.worker }),
      setup: (w) => {
        if (w.group === 'jobs') w.onRequest(({ data }) => ({ by: w.pid, data }));
        extra.setup?.(w);
      },
    });
  }

  function countBy(replies: Array<{ by: number }>): Record<number, number> {
    const counts: Record<number, number> = {};
    for (const { by } of replies) counts[by] = (counts[by] ?? 0) + 1;
    return counts;
  }

  test('{ group } requests go round the members evenly, sent one after another or all at once', async () => {
    c = await jobsCluster();
    const web = inGroup(c, 'web')[0]!;
    const jobs = inGroup(c, 'jobs').map((w) => w.pid);
    const sequential: Array<{ by: number }> = [];
    for (let i = 0; i < 30; i++) sequential.push((await web.request({ group: 'jobs' }, i)) as { by: number });
    expect(countBy(sequential)).toEqual(Object.fromEntries(jobs.map((pid) => [pid, 10])));
    const together = (await Promise.all(Array.from({ length: 30 }, (_, i) => web.request({ group: 'jobs' }, i)))) as Array<{ by: number }>;
    expect(countBy(together)).toEqual(Object.fromEntries(jobs.map((pid) => [pid, 10])));
    // The master picks from its own registry, without asking anyone.
    const fromMaster = (await Promise.all(Array.from({ length: 6 }, (_, i) => c.master.request({ group: 'jobs' }, i)))) as Array<{ by: number }>;
    expect(countBy(fromMaster)).toEqual(Object.fromEntries(jobs.map((pid) => [pid, 2])));
  });

  test('least pending: a member still busy with a request of this process gets the next ones only when the others are as busy', async () => {
    const release: Array<() => void> = [];
    c = await startCluster({
      groups: ['web', 'jobs', 'jobs', 'jobs'],
      setup: (w) => {
        if (w.group !== 'jobs') return;
        w.onRequest(({ data }) => (data === 'slow' ? new Promise((resolve) => release.push(() => resolve({ by: w.pid }))) : { by: w.pid }));
      },
    });
    const web = inGroup(c, 'web')[0]!;
    const slow = watch(web.request({ group: 'jobs' }, 'slow'));
    await c.cluster.settle();
    const busy = c.workers.find((w) => w.group === 'jobs' && w.stats.requestsReceived === 1)!;
    const next: Array<{ by: number }> = [];
    for (let i = 0; i < 10; i++) next.push((await web.request({ group: 'jobs' }, i)) as { by: number });
    expect(next.some((reply) => reply.by === busy.pid)).toBe(false);
    expect(Object.values(countBy(next))).toEqual([5, 5]);
    release[0]!();
    await c.cluster.settle();
    expect(slow.value).toEqual({ by: busy.pid });
    const after: Array<{ by: number }> = [];
    for (let i = 0; i < 3; i++) after.push((await web.request({ group: 'jobs' }, i)) as { by: number });
    expect(after.map((reply) => reply.by)).toContain(busy.pid);
  });

  test('emitAny gives each message to exactly one member, in turn, through its onGroup handlers; stats count emitAny and onAny', async () => {
    const got: Array<[number, unknown, number]> = [];
    c = await jobsCluster({ setup: (w) => w.group === 'jobs' && w.onGroup(({ data, meta }) => got.push([w.pid, data, meta.pid])) });
    const web = inGroup(c, 'web')[0]!;
    for (let i = 0; i < 6; i++) await expect(web.emitAny('jobs', { job: i })).resolves.toBe(1);
    await c.cluster.settle();
    expect(got.map(([, data]) => data)).toEqual([0, 1, 2, 3, 4, 5].map((job) => ({ job })));
    expect(got.every(([, , from]) => from === web.pid)).toBe(true);
    expect(Object.values(countBy(got.map(([by]) => ({ by }))))).toEqual([2, 2, 2]);
    expect(web.stats).toMatchObject({ emitAny: 6, emitGroup: 0 });
    for (const w of inGroup(c, 'jobs')) expect(w.stats).toMatchObject({ onAny: 2, onGroup: 0, onMessage: 2 });
    // The generic emit() has it too.
    await web.emit('any', 'jobs', { job: 6 });
    await c.cluster.settle();
    expect(got).toHaveLength(7);
  });

  test('an emitAny message for a member without onGroup handler is reported with CLUSTR_NO_HANDLER', async () => {
    const errors: Array<[string, string]> = [];
    c = await jobsCluster({ setup: (w) => w.onError((error, context) => errors.push([(error as ClustrError).code, context.event])) });
    const web = inGroup(c, 'web')[0]!;
    await web.emitAny('jobs', 1);
    await c.cluster.settle();
    expect(errors).toEqual([['CLUSTR_NO_HANDLER', 'any.unhandled']]);
  });

  test('a process with no view yet asks the master once for many requests; membership frames keep views current without asking', async () => {
    c = await jobsCluster();
    const asked: number[] = [];
    // A late process (never registered, so never sent a membership frame) has no view yet.
    const late = c.cluster.createWorker({ group: 'ctl', logger: recordingLogger() }, { pid: 1, masterPid: c.master.pid });
    const original = late.fetchClusterInfo.bind(late);
    late.fetchClusterInfo = (timeout?: number) => {
      asked.push(c.cluster.clock.now());
      return original(timeout);
    };
    const replies = await Promise.all(Array.from({ length: 9 }, (_, i) => late.request({ group: 'jobs' }, i)));
    expect(replies).toHaveLength(9);
    expect(asked).toHaveLength(1);
    // A new member registers: the master's membership frame puts it in every view.
    const web = inGroup(c, 'web')[0]!;
    c.master.spawn([{ file: 'worker.js', args: { group: 'jobs' } }]);
    await c.cluster.until(() => (c.master.clusterInfo['jobs'] ?? []).length === 4);
    await c.cluster.settle();
    const fresh = c.cluster.processes[c.cluster.processes.length - 1]!.pid;
    const counts = countBy((await Promise.all(Array.from({ length: 8 }, (_, i) => web.request({ group: 'jobs' }, i)))) as Array<{ by: number }>);
    expect(counts[fresh]).toBe(2);
    expect(asked).toHaveLength(1);
    await late.close(0);
  });

  test('a member that exits leaves every view: no request is sent to it afterwards', async () => {
    c = await jobsCluster();
    const web = inGroup(c, 'web')[0]!;
    const [gone] = inGroup(c, 'jobs');
    c.cluster.signal(gone!.pid, 'SIGKILL');
    await c.cluster.until(() => (c.master.clusterInfo['jobs'] ?? []).length === 2);
    await c.cluster.settle();
    const replies = (await Promise.all(Array.from({ length: 10 }, (_, i) => web.request({ group: 'jobs' }, i)))) as Array<{ by: number }>;
    expect(replies.some((reply) => reply.by === gone!.pid)).toBe(false);
    expect(web.stats.requestsSent).toBe(10);
  });
});

describe('members that stop, and requests nobody received', () => {
  test('a stopping member refuses requests picked from its group, which another member answers; requests to its pid still run until its hooks are done', async () => {
    let hookDone: (() => void) | undefined;
    c = await startCluster({
      groups: ['web', 'jobs', 'jobs'],
      setup: (w) => {
        if (w.group !== 'jobs') return;
        w.onRequest(() => w.pid);
        w.onKill((done) => (hookDone = done));
      },
    });
    const web = inGroup(c, 'web')[0]!;
    const [stopping, staying] = inGroup(c, 'jobs') as [Worker, Worker];
    await c.master.emitKill(stopping.pid);
    await c.cluster.until(() => hookDone !== undefined);
    const byGroup: unknown[] = [];
    for (let i = 0; i < 6; i++) byGroup.push(await web.request({ group: 'jobs' }, i));
    expect(byGroup).toEqual(Array(6).fill(staying.pid));
    // One refusal taught the caller; it sent no more to the stopping member.
    expect(stopping.stats).toMatchObject({ requestsReceived: 1, requestsReplied: 1 });
    expect(c.workerLogs.get(web.pid)!.events('request.rerouted')).toEqual([expect.objectContaining({ from: stopping.pid, to: staying.pid, reason: 'CLUSTR_CLOSED' })]);
    await expect(web.request(stopping.pid, 'direct')).resolves.toBe(stopping.pid);
    hookDone!();
    await c.cluster.until(() => c.cluster.process(stopping.pid).state === 'exited');
    expect(web.stats).toMatchObject({ requestsSent: 7, requestsFailed: 0, lateReplies: 0 });
  });

  test('a request Redis delivered to nobody is sent again while its target is registered; once the target leaves, a pid request fails (it did not run) and a group request goes to another member', async () => {
    c = await startCluster({ groups: ['web', 'jobs', 'jobs'], setup: (w) => w.group === 'jobs' && w.onRequest(() => w.pid) });
    const web = inGroup(c, 'web')[0]!;
    const [dead, alive] = inGroup(c, 'jobs') as [Worker, Worker];
    const names = channels(c.cluster.namespace);
    // Membership frames wait: the caller's view still lists the dead member.
    c.cluster.server.holdChannel(names.control);
    c.cluster.signal(dead.pid, 'SIGKILL');
    await c.cluster.settle();
    const direct = watch(web.request(dead.pid, 1));
    const viaGroup = [watch(web.request({ group: 'jobs' }, 2)), watch(web.request({ group: 'jobs' }, 3))];
    await c.cluster.advance(1_000);
    expect(direct.state).toBe('pending');
    expect(viaGroup.map((call) => call.state).sort()).toEqual(['pending', 'resolved']);
    c.cluster.server.releaseChannel(names.control);
    await c.cluster.settle();
    expect(direct.error).toMatchObject({ code: 'CLUSTR_TARGET_GONE', message: expect.stringContaining('It did not run') });
    expect(viaGroup.map((call) => call.value)).toEqual([alive.pid, alive.pid]);
    expect(c.workerLogs.get(web.pid)!.events('request.rerouted')).toEqual([expect.objectContaining({ from: dead.pid, to: alive.pid, reason: 'unreachable' })]);
  });

  test('emitAny to a member Redis did not deliver to goes to another member', async () => {
    const got: number[] = [];
    c = await startCluster({ groups: ['web', 'jobs', 'jobs'], setup: (w) => w.group === 'jobs' && w.onGroup(() => got.push(w.pid)) });
    const web = inGroup(c, 'web')[0]!;
    const [dead, alive] = inGroup(c, 'jobs') as [Worker, Worker];
    c.cluster.server.holdChannel(channels(c.cluster.namespace).control);
    c.cluster.signal(dead.pid, 'SIGKILL');
    await c.cluster.settle();
    await Promise.all([web.emitAny('jobs', 1), web.emitAny('jobs', 2)]);
    await c.cluster.settle();
    expect(got).toEqual([alive.pid, alive.pid]);
  });

  test('during a rolling reload under steady requests every request is answered exactly once', async () => {
    const handledBy = new Map<string, number[]>();
    c = await startCluster({
      groups: ['jobs', 'jobs', 'jobs'],
      master: { reloadDelay: 50 },
      setup: (w) =>
        w.onRequest(
          ({ data }) =>
            new Promise((resolve) => {
              handledBy.set(data as string, [...(handledBy.get(data as string) ?? []), w.pid]);
              // Each request takes 3 ms of work, so some are running whenever a member is retired.
              c.cluster.clock.view().setTimeout(() => resolve(w.pid), 3);
            }),
        ),
    });
    const calls: Array<ReturnType<typeof watch>> = [];
    const reload = watch(c.master.reload());
    let n = 0;
    // Four requests a millisecond: every member has some running, so the retiring ones are picked too.
    const tick = async () => {
      for (let i = 0; i < 4; i++) calls.push(watch(c.master.request({ group: 'jobs' }, `r${n++}`)));
      await c.cluster.advance(1);
    };
    while (reload.state === 'pending') await tick();
    for (let i = 0; i < 20; i++) await tick();
    await c.cluster.until(() => calls.every((call) => call.state !== 'pending'));
    expect(reload.value).toMatchObject({ ok: true, replaced: [expect.anything(), expect.anything(), expect.anything()] });
    expect(calls.filter((call) => call.state === 'rejected').map((call) => call.error.message)).toEqual([]);
    expect(calls.length).toBeGreaterThan(100);
    expect(handledBy.size).toBe(calls.length);
    expect([...handledBy.values()].filter((pids) => pids.length !== 1)).toEqual([]);
    // Old and new members both answered: the requests really crossed the reload.
    const answeredBy = new Set(calls.map((call) => call.value as number));
    expect(answeredBy.size).toBe(6);
    expect(c.master.stats).toMatchObject({ requestsSent: calls.length, requestsFailed: 0, requestsTimedOut: 0, lateReplies: 0 });
    // Some were picked for a member already stopping: it refused them (without running them) and another answered.
    expect(c.logger.events('request.rerouted').length).toBeGreaterThan(0);
    expect(c.logger.events('request.rerouted').every((record) => record['reason'] === 'CLUSTR_CLOSED')).toBe(true);
  });
});

describe('Redis faults and signing', () => {
  test('after a reconnect a waiting request is sent again: the handler does not run twice, and its first answer is given again', async () => {
    let runs = 0;
    let release: (() => void) | undefined;
    c = await startCluster({
      groups: ['web', 'jobs'],
      setup: (w) => {
        if (w.group !== 'jobs') return;
        w.onRequest('quick', () => ++runs);
        w.onRequest('slow', () => new Promise((resolve) => (release = () => resolve('slow done'))));
      },
    });
    const [web, jobs] = c.workers as [Worker, Worker];
    const names = channels(c.cluster.namespace);
    // The answer to `quick` is lost on the way back.
    c.cluster.server.holdChannel(names.private(web.pid));
    const quick = watch(web.request('quick', jobs.pid, null));
    await c.cluster.settle();
    expect(runs).toBe(1);
    c.cluster.server.releaseChannel(names.private(web.pid), { discard: true });
    // `slow` is still running when it arrives again.
    const slow = watch(web.request('slow', jobs.pid, null));
    await c.cluster.settle();
    c.cluster.server.dropAllConnections();
    const duplicates = () => c.workerLogs.get(jobs.pid)!.events('request.duplicate');
    await c.cluster.until(() => quick.state !== 'pending' && duplicates().length === 2);
    expect(quick).toMatchObject({ state: 'resolved', value: 1 });
    expect(runs).toBe(1);
    expect(slow.state).toBe('pending');
    release!();
    await c.cluster.settle();
    expect(slow).toMatchObject({ state: 'resolved', value: 'slow done' });
    expect(jobs.stats).toMatchObject({ requestsReceived: 2, requestsReplied: 2 });
    expect(duplicates().map((record) => record['answered']).sort()).toEqual([false, true]);
  });

  test('with a secret on every process, requests, replies and emitAny are signed and accepted', async () => {
    const got: unknown[] = [];
    c = await startCluster({
      groups: ['web', 'jobs'],
      master: { secret: 's3cret-s3cret-s3cret-s3cret-s3cr' },
      setup: (w) => {
        if (w.group !== 'jobs') return;
        w.onRequest(({ data }) => data);
        w.onGroup(({ data }) => got.push(data));
      },
    });
    const [web, jobs] = c.workers as [Worker, Worker];
    await expect(web.request(jobs.pid, 'signed')).resolves.toBe('signed');
    await expect(web.request({ group: 'jobs' }, 'picked')).resolves.toBe('picked');
    await web.emitAny('jobs', 'job');
    await c.cluster.settle();
    expect(got).toEqual(['job']);
    for (const p of [c.master, web, jobs]) expect(p.stats.rejectedFrames).toEqual({});
    // An unsigned request is dropped before any handler sees it.
    c.cluster.server.inject(channels(c.cluster.namespace).private(jobs.pid), JSON.stringify({ v: 2, kind: 'request', id: 'x.1', meta: { pid: web.pid, group: 'web', instance: 'abc' }, data: { body: 1 } }));
    await c.cluster.settle();
    expect(jobs.stats).toMatchObject({ requestsReceived: 2, rejectedFrames: { unsigned: 1 } });
  });
});

describe('typed schemas, checked on both ends', () => {
  const messages = {
    group: Type.Object({ job: Type.String() }),
    request: Type.String(),
    reply: Type.Integer(),
    requests: {
      resize: { request: Type.Object({ width: Type.Integer({ minimum: 1 }) }), reply: Type.Object({ area: Type.Integer() }) },
      free: {},
    },
  };

  test('a body that fails the request schema is refused on send, naming the path and the schema; nothing is sent', async () => {
    c = await startCluster({ groups: ['web', 'jobs'], worker: { messages }, setup: (w) => w.group === 'jobs' && w.onRequest('resize', ({ data }) => ({ area: (data as { width: number }).width * 2 })) });
    const [web, jobs] = c.workers as [Worker, Worker];
    await expect(web.request('resize', jobs.pid, { width: 3 })).resolves.toEqual({ area: 6 });
    const error = await rejection(() => web.request('resize', jobs.pid, { width: 0 } as never));
    expect(error).toMatchObject({ code: 'CLUSTR_INVALID_DATA', field: '/data/body/width' });
    expect(error.message).toContain('messages.requests.resize.request');
    await expect(web.request(jobs.pid, 5 as never)).rejects.toMatchObject({ code: 'CLUSTR_INVALID_DATA', field: '/data/body', message: expect.stringContaining('messages.request') });
    // A method with no schemas, or one the schemas do not name, carries any value.
    await expect(web.request('free', jobs.pid, { anything: 1 })).rejects.toMatchObject({ code: 'CLUSTR_NO_HANDLER' });
    await expect(web.emitAny('jobs', { job: 5 } as never)).rejects.toMatchObject({ code: 'CLUSTR_INVALID_DATA', field: '/data/job', message: expect.stringContaining('emitAny') });
    expect(web.stats).toMatchObject({ requestsSent: 2, emitAny: 0 });
    expect(jobs.stats.requestsReceived).toBe(2);
  });

  test('the receiver checks the body against its own schema and refuses it with CLUSTR_INVALID_DATA; an emitAny body it refuses is dropped as invalid_data', async () => {
    const got: unknown[] = [];
    let ran = 0;
    c = await startCluster({
      groups: ['web', 'jobs'],
      setup: (w) => {
        if (w.group !== 'jobs') return;
        // Only the receiver has the schemas.
        w.onGroup(({ data }) => got.push(data));
      },
    });
    const [web] = c.workers as [Worker];
    const typed = c.cluster.createWorker({ group: 'jobs', messages }, { pid: c.master.pid, masterPid: c.master.pid });
    typed.onRequest('resize', () => ((ran += 1), { area: 1 }));
    await typed.emitReady();
    await c.cluster.settle();
    const error = await rejection(() => web.request('resize', typed.pid, { width: 'wide' }));
    expect(error).toBeInstanceOf(ClustrRemoteError);
    expect(error).toMatchObject({ code: 'CLUSTR_INVALID_DATA', remotePid: typed.pid });
    expect(error.message).toContain('/data/body/width');
    expect(ran).toBe(0);
    const errors: string[] = [];
    typed.onGroup(({ data }) => got.push(data));
    typed.onError((e) => errors.push(e.message));
    for (let i = 0; i < 2; i++) await web.emitAny('jobs', { job: 7 });
    await c.cluster.settle();
    expect(got).toEqual([{ job: 7 }]);
    expect(typed.stats.rejectedFrames).toEqual({ invalid_data: 1 });
    expect(errors).toEqual([expect.stringContaining('/data/body/job')]);
    await typed.close(0);
  });

  test('a reply that fails the handler side schema is not sent: the caller gets CLUSTR_INVALID_REPLY and the handler side reports it', async () => {
    const reported: Array<[string, string]> = [];
    c = await startCluster({
      groups: ['web', 'jobs'],
      worker: { messages },
      setup: (w) => {
        if (w.group !== 'jobs') return;
        w.onRequest('resize', () => ({ area: 'big' }) as never);
        w.onError((error, context) => reported.push([(error as ClustrError).code, context.event]));
      },
    });
    const [web, jobs] = c.workers as [Worker, Worker];
    const error = await rejection(() => web.request('resize', jobs.pid, { width: 1 }));
    expect(error).toMatchObject({ code: 'CLUSTR_INVALID_REPLY', remotePid: jobs.pid });
    expect(error.message).toContain('/data/body/area');
    expect(reported).toEqual([['CLUSTR_INVALID_REPLY', 'request.reply']]);
  });

  test('a reply that fails the caller side schema rejects with CLUSTR_INVALID_REPLY there', async () => {
    c = await startCluster({ groups: ['jobs'], setup: (w) => w.onRequest('resize', () => ({ area: 'big' })) });
    const [jobs] = c.workers as [Worker];
    const typed = c.cluster.createWorker({ group: 'web', messages }, { pid: c.master.pid, masterPid: c.master.pid });
    const error = await rejection(() => typed.request('resize', jobs.pid, { width: 1 }));
    expect(error).toBeInstanceOf(ClustrError);
    expect(error).toMatchObject({ code: 'CLUSTR_INVALID_REPLY', field: '/data/body/area' });
    expect(typed.stats).toMatchObject({ requestsSent: 1, requestsFailed: 1 });
    await typed.close(0);
  });

  test.each([
    ['a typo under messages', { pubic: Type.String() }, 'CLUSTR_UNKNOWN_OPTION', 'messages.pubic', 'Did you mean "messages.public"?'],
    ['a typo in a method', { requests: { resize: { replay: Type.String() } } }, 'CLUSTR_UNKNOWN_OPTION', 'messages.requests.resize.replay', 'Did you mean "messages.requests.resize.reply"?'],
    ['a method that is not an object', { requests: { resize: 5 } }, 'CLUSTR_INVALID_OPTION', 'messages.requests.resize', 'an object'],
    ['an empty method name', { requests: { '': {} } }, 'CLUSTR_INVALID_OPTION', 'messages.requests.', '1 to 128'],
    ['a request schema that does not compile', { requests: { resize: { request: { type: 'nope' } } } }, 'CLUSTR_INVALID_OPTION', 'messages.requests.resize.request', 'not a valid schema'],
    ['a reply schema that does not compile', { reply: { type: 'nope' } }, 'CLUSTR_INVALID_OPTION', 'messages.reply', 'not a valid schema'],
  ])('messages with %s is refused, naming the field', async (_label, bad, code, field, text) => {
    const cluster = createTestCluster({ clock: 'manual' });
    const error = thrown(() => cluster.createWorker({ group: 'web', messages: bad as never }));
    expect(error).toMatchObject({ code, field });
    expect((error as Error).message).toContain(text);
    await cluster.close();
  });

  test('requestTimeout and replyErrorStacks are checked', async () => {
    const cluster = createTestCluster({ clock: 'manual' });
    expect(thrown(() => cluster.createWorker({ group: 'web', requestTimeout: 0 }))).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'requestTimeout' });
    expect(thrown(() => cluster.createMaster({ replyErrorStacks: 'yes' as never }))).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'replyErrorStacks' });
    expect(thrown(() => cluster.createMaster({ requestTimeot: 5 } as never))).toMatchObject({ code: 'CLUSTR_UNKNOWN_OPTION', message: expect.stringContaining('Did you mean "requestTimeout"?') });
    await cluster.close();
  });
});
