// The calling side of requests (Requests) on its own: publish, the view fetch and the clock are
// the test's, so each path a call can take (replied, refused, rerouted, sent again, timed out,
// target gone) is driven one step at a time and its error checked word for word. The same
// behaviour through whole in-process clusters: requests.test.ts.
import { Type } from '@sinclair/typebox';
import { ClustrError, channels, compileMessageSchemas, type ClusterInfo, type DataOf, type FrameOf, type MessageSchemas } from '@clustr/protocol/core';
import { LogLimiter } from '../../src/process/log-limiter';
import { ClustrRemoteError } from '../../src/process/remote-error';
import { Requests } from '../../src/process/requests';
import { emptyStats } from '../../src/process/stats';
import { handClock, settle } from './redis-stub';
import { recordingLogger, watch } from './probes';

const META = { pid: 1, group: 'web', instance: 'caller1' };
const NAMES = channels('t');
const DEFAULT_TIMEOUT = 2_000;
const CLUSTER_INFO_TIMEOUT = 1_000;

/** One publish (or send) the code under test made, answered when the test says. */
interface Published<F> {
  channel: string;
  frame: F;
  /** Clock time of the publish. */
  at: number;
  answer(receivers: number): void;
  fail(error: Error): void;
}

interface Fetch {
  timeoutMs: number;
  resolve(info: ClusterInfo): void;
  reject(error: Error): void;
}

interface SetupOptions {
  localView?: boolean;
  trace?: boolean;
  messages?: MessageSchemas;
}

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: Error): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

function setup(options: SetupOptions = {}) {
  const clock = handClock(1_000);
  const logger = recordingLogger();
  const { records } = logger;
  const stats = emptyStats();
  const published: Array<Published<FrameOf<'request'>>> = [];
  const sent: Array<Published<FrameOf<'any'>>> = [];
  const fetches: Fetch[] = [];
  const reported: Array<{ error: Error; context: Record<string, unknown> }> = [];
  const state = {
    running: true,
    /** What Redis answers to each publish or send: a receiver count at once, or nothing until the test answers. */
    receivers: 1 as number | 'by hand',
    downtime: 0,
  };
  let ids = 0;
  function transmit<F>(list: Array<Published<F>>, channel: string, frame: F): Promise<number> {
    const { promise, resolve, reject } = deferred<number>();
    list.push({ channel, frame, at: clock.now(), answer: resolve, fail: reject });
    if (state.receivers !== 'by hand') resolve(state.receivers);
    return promise;
  }
  const requests = new Requests({
    meta: META,
    clock,
    logger,
    trace: options.trace ?? true,
    limiter: new LogLimiter(logger, clock),
    stats,
    channels: NAMES,
    validators: compileMessageSchemas(options.messages),
    defaultTimeout: DEFAULT_TIMEOUT,
    clusterInfoTimeout: CLUSTER_INFO_TIMEOUT,
    localView: options.localView ?? false,
    nextId: () => `c.${++ids}`,
    assertRunning: (method) => {
      if (!state.running) throw new ClustrError('CLUSTR_CLOSED', `${method}: closed`);
    },
    assertGroupData: (data, method) => {
      if (data === undefined) throw new ClustrError('CLUSTR_INVALID_DATA', `${method}: no data`, { field: '/data' });
    },
    publish: (channel, frame) => transmit(published, channel, frame),
    send: (channel, frame) => transmit(sent, channel, frame),
    report: (error, context) => void reported.push({ error, context }),
    fetchClusterInfo: (timeoutMs) => {
      const { promise, resolve, reject } = deferred<ClusterInfo>();
      fetches.push({ timeoutMs, resolve, reject });
      return promise;
    },
    // As the process does: Redis's fault when it was away while the request waited.
    timeoutError: (before, fallback) => (state.downtime > before ? new ClustrError('CLUSTR_REDIS_UNAVAILABLE', 'Redis was away') : fallback()),
    downtime: () => state.downtime,
  });

  /** Answers the request of `call` as `from` (its target unless told). */
  function reply(call: Published<FrameOf<'request'>>, data: DataOf<'reply'>, from = Number(call.channel.split(':').pop())): void {
    requests.replied({ v: 2, kind: 'reply', id: `r.${call.frame.id}`, re: call.frame.id, meta: { pid: from, group: 'jobs' }, data });
  }

  return {
    /** request(), its rejection handled: for calls whose outcome the test does not look at. */
    fire(...args: Parameters<Requests['request']>): void {
      requests.request(...args).catch(() => undefined);
    },
    clock,
    records,
    stats,
    published,
    sent,
    fetches,
    reported,
    state,
    requests,
    reply,
    /** The fields of every record of `event`, in order. */
    events: (event: string) => records.filter((r) => r.fields.event === event).map((r) => r.fields),
    /** The text of every record of `event`, in order. */
    texts: (event: string) => records.filter((r) => r.fields.event === event).map((r) => r.msg),
    /** The pid each publish went to, in order. */
    targets: () => published.map((p) => Number(p.channel.split(':').pop())),
    last: () => published[published.length - 1]!,
  };
}

/**
 * What `promise` rejected with once pending jobs have run. Never waits longer: a call that stays
 * pending fails the test at once rather than hanging it.
 */
async function rejection(promise: Promise<unknown>): Promise<any> {
  const seen = watch(promise);
  await settle();
  if (seen.state !== 'rejected') throw new Error(`expected the promise to reject; it is ${seen.state}`);
  return seen.error;
}

/** What `promise` resolved to once pending jobs have run (fails the test when it has not). */
async function resolution(promise: Promise<unknown>): Promise<unknown> {
  const seen = watch(promise);
  await settle();
  if (seen.state !== 'resolved') throw new Error(`expected the promise to resolve; it is ${seen.state}${seen.state === 'rejected' ? `: ${String(seen.error)}` : ''}`);
  return seen.value;
}

const JOBS: ClusterInfo = { master: [1], web: [1], jobs: [7, 8] };

describe('arguments', () => {
  test('a process that is not running rejects with the error of assertRunning and sends nothing', async () => {
    const t = setup();
    t.state.running = false;
    expect(await rejection(t.requests.request(undefined, 7, 1, undefined))).toMatchObject({ code: 'CLUSTR_CLOSED', message: 'request: closed' });
    expect(t.published).toEqual([]);
    expect(t.fetches).toEqual([]);
  });

  test.each([
    [5, 'number 5'],
    ['', 'the string ""'],
    ['m'.repeat(129), `the string "${'m'.repeat(60)}…"`],
  ])('the method %p is refused, naming the field and the bounds', async (method, got) => {
    const t = setup();
    const error = await rejection(t.requests.request(method as string, 7, 1, undefined));
    expect(error).toBeInstanceOf(ClustrError);
    expect({ code: error.code, field: error.field, message: error.message }).toEqual({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'method', message: `request method must be a string of 1 to 128 characters; got ${got}.` });
    expect(t.published).toEqual([]);
  });

  test('a method of 128 characters is sent', async () => {
    const t = setup();
    t.fire('m'.repeat(128), 7, 1, undefined);
    expect(t.published.map((p) => p.frame.data.method)).toEqual(['m'.repeat(128)]);
  });

  test.each([
    [0, 'number 0'],
    [-3, 'number -3'],
    [1.5, 'number 1.5'],
    [Number.NaN, 'number NaN'],
    ['7', 'the string "7"'],
    [null, 'null'],
    [[], 'an array of 0'],
    [Object.assign([], { group: 'jobs' }), 'an array of 0'],
    [{}, 'an object'],
    [{ name: 'jobs' }, 'an object'],
    [{ group: 'jobs', pid: 7 }, 'an object'],
  ])('the target %p is refused', async (target, got) => {
    const t = setup();
    t.requests.membership(JOBS);
    const error = await rejection(t.requests.request(undefined, target, 1, undefined));
    expect(error).toBeInstanceOf(ClustrError);
    expect({ code: error.code, field: error.field, message: error.message }).toEqual({
      code: 'CLUSTR_INVALID_ARGUMENT',
      field: 'target',
      message: `request target must be a pid (a whole number of at least 1) or { group: "name" }; got ${got}.`,
    });
    expect(t.published).toEqual([]);
  });

  test('pid 1 is a target; a group name is checked as such', async () => {
    const t = setup();
    t.fire(undefined, 1, 'x', undefined);
    expect(t.targets()).toEqual([1]);
    expect(await rejection(t.requests.request(undefined, { group: 'a:b' }, 1, undefined))).toMatchObject({ code: 'CLUSTR_INVALID_NAME', field: 'target.group' });
    expect(t.fetches).toHaveLength(1);
  });

  test('options: a timeout of its own, the default without one, and bad options refused with the field named', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.fire(undefined, 7, 1, { timeout: 300 });
    t.fire(undefined, 7, 1, {});
    t.fire(undefined, 7, 1, undefined);
    expect(t.published.map((p) => p.frame.data.timeout)).toEqual([300, DEFAULT_TIMEOUT, DEFAULT_TIMEOUT]);
    const cases: Array<[unknown, string, string, string]> = [
      [{ timeout: 0 }, 'CLUSTR_INVALID_OPTION', 'options.timeout', 'options.timeout must be a whole number of milliseconds from 1 to'],
      [{ timeot: 5 }, 'CLUSTR_UNKNOWN_OPTION', 'options.timeot', 'options.timeot'],
      ['fast', 'CLUSTR_INVALID_OPTION', 'options', 'request options must be an options object; got the string "fast".'],
    ];
    for (const [opts, code, field, text] of cases) {
      const error = await rejection(t.requests.request(undefined, 7, 1, opts));
      expect({ code: error.code, field: error.field }).toEqual({ code, field });
      expect(error.message).toContain(text);
    }
    expect(t.published).toHaveLength(3);
  });

  test('an undefined body is refused, naming the method', async () => {
    const t = setup();
    expect(await rejection(t.requests.request(undefined, 7, undefined, undefined))).toMatchObject({ code: 'CLUSTR_INVALID_DATA', field: '/data/body', message: 'request: data is undefined, which JSON cannot carry. Send null or a value.' });
    expect(await rejection(t.requests.request('resize', 7, undefined, undefined))).toMatchObject({ code: 'CLUSTR_INVALID_DATA', field: '/data/body', message: 'request resize: data is undefined, which JSON cannot carry. Send null or a value.' });
    expect(t.published).toEqual([]);
  });

  test("a body that fails this process's request schema is refused, naming the path and the schema; a method without schemas takes any body", async () => {
    const t = setup({ messages: { request: Type.String(), requests: { resize: { request: Type.Object({ width: Type.Integer({ minimum: 1 }) }) } } } });
    expect(await rejection(t.requests.request(undefined, 7, 5, undefined))).toMatchObject({ code: 'CLUSTR_INVALID_DATA', field: '/data/body', message: 'request: /data/body must be string. Send data that matches messages.request.' });
    expect(await rejection(t.requests.request('resize', 7, { width: 0 }, undefined))).toMatchObject({
      code: 'CLUSTR_INVALID_DATA',
      field: '/data/body/width',
      message: 'request resize: /data/body/width must be >= 1. Send data that matches messages.requests.resize.request.',
    });
    expect(t.published).toEqual([]);
    t.fire('free', 7, { any: 1 }, undefined);
    t.fire('resize', 7, { width: 1 }, undefined);
    expect(t.published).toHaveLength(2);
    expect(t.stats).toMatchObject({ requestsSent: 2, requestsFailed: 0 });
  });
});

describe('sending and replies', () => {
  test('a request is published on the private channel of its target, with the time left and only the fields it has', () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.fire(undefined, 7, { n: 1 }, undefined);
    t.fire('resize', { group: 'jobs' }, 2, { timeout: 300 });
    expect(t.published.map(({ channel, frame }) => ({ channel, frame }))).toStrictEqual([
      { channel: 't:private:7', frame: { v: 2, kind: 'request', id: 'c.1', meta: META, data: { body: { n: 1 }, timeout: DEFAULT_TIMEOUT } } },
      { channel: 't:private:8', frame: { v: 2, kind: 'request', id: 'c.2', meta: META, data: { body: 2, timeout: 300, method: 'resize', group: 'jobs' } } },
    ]);
    expect(t.requests.size).toBe(2);
    expect(t.stats.requestsSent).toBe(2);
    expect(t.events('request.sent')).toEqual([
      { event: 'request.sent', requestId: 'c.1', method: undefined, target: 7, group: undefined },
      { event: 'request.sent', requestId: 'c.2', method: 'resize', target: 8, group: 'jobs' },
    ]);
    expect(t.texts('request.sent')).toEqual(['request sent', 'request sent']);
  });

  test('the reply of the target resolves the call with its body, once; any other reply is counted late and dropped', async () => {
    const t = setup();
    const call = watch(t.requests.request(undefined, 7, 1, undefined));
    const sent = t.published[0]!;
    t.clock.advance(30);
    // From another pid, and without `re`: nothing waits for them.
    t.reply(sent, { ok: true, body: 'impostor' }, 8);
    t.requests.replied({ v: 2, kind: 'reply', id: 'r.x', meta: { pid: 7, group: 'jobs' }, data: { ok: true, body: 'no re' } });
    await settle();
    expect(call.state).toBe('pending');
    expect(t.stats.lateReplies).toBe(2);
    t.reply(sent, { ok: true, body: { done: true } });
    t.reply(sent, { ok: true, body: 'second' });
    await settle();
    expect(call).toMatchObject({ state: 'resolved', value: { done: true } });
    expect(t.requests.size).toBe(0);
    expect(t.stats).toMatchObject({ requestsSent: 1, lateReplies: 3, requestsFailed: 0, requestsTimedOut: 0 });
    expect(t.events('request.replied')).toEqual([{ event: 'request.replied', requestId: 'c.1', from: 7, ms: 30 }]);
    expect(t.texts('request.replied')).toEqual(['request answered']);
    expect(new Set(t.texts('reply.late'))).toEqual(new Set(['dropped a reply nothing waits for']));
    expect(t.events('reply.late')).toEqual([
      { event: 'reply.late', requestId: 'c.1', from: 8 },
      { event: 'reply.late', requestId: undefined, from: 7 },
      { event: 'reply.late', requestId: 'c.1', from: 7 },
    ]);
  });

  test("a reply that fails this process's reply schema rejects with CLUSTR_INVALID_REPLY, naming the path", async () => {
    const t = setup({ messages: { requests: { resize: { reply: Type.Object({ area: Type.Integer() }) } } } });
    const call = t.requests.request('resize', 7, 1, undefined);
    t.reply(t.published[0]!, { ok: true, body: { area: 'big' } });
    const error = await rejection(call);
    expect(error).toBeInstanceOf(ClustrError);
    expect(error).toMatchObject({
      code: 'CLUSTR_INVALID_REPLY',
      field: '/data/body/area',
      message: "request c.1 (resize) to pid 7: the reply from pid 7 does not match this process's reply schema: /data/body/area must be integer.",
    });
    expect(t.stats).toMatchObject({ requestsFailed: 1 });
    expect(t.events('request.failed')).toEqual([{ event: 'request.failed', requestId: 'c.1', target: 7, code: 'CLUSTR_INVALID_REPLY' }]);
  });

  test('a failed reply rejects with the remote error; a refusal the caller may not reroute keeps its code', async () => {
    const t = setup();
    const failed = t.requests.request(undefined, 7, 1, undefined);
    t.reply(t.published[0]!, { ok: false, error: { code: 'E_FULL', message: 'disk full' } });
    const refused = t.requests.request('resize', 7, 1, undefined);
    t.reply(t.published[1]!, { ok: false, error: { code: 'CLUSTR_NO_HANDLER', message: 'no handler for method "resize"' } });
    const remote = await rejection(failed);
    expect(remote).toBeInstanceOf(ClustrRemoteError);
    expect(remote).toMatchObject({ code: 'CLUSTR_REMOTE_ERROR', remoteCode: 'E_FULL', remotePid: 7, message: 'request c.1 to pid 7: the handler on pid 7 failed: disk full' });
    expect(await rejection(refused)).toMatchObject({ code: 'CLUSTR_NO_HANDLER', remotePid: 7, message: 'request c.2 (resize) to pid 7: pid 7 has no onRequest handler for it (no handler for method "resize").' });
    expect(t.stats).toMatchObject({ requestsSent: 2, requestsFailed: 2 });
  });

  test('a pid that refuses because it is stopping fails a pid request (it did not run), and is not picked from its group again while it is in the view', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    const call = t.requests.request(undefined, 7, 1, undefined);
    t.reply(t.published[0]!, { ok: false, error: { code: 'CLUSTR_CLOSED', message: 'stopping' } });
    expect(await rejection(call)).toMatchObject({ code: 'CLUSTR_TARGET_GONE', message: 'request c.1 to pid 7 failed: pid 7 is stopping and takes no more requests. It did not run.' });
    for (let i = 0; i < 3; i++) t.fire(undefined, { group: 'jobs' }, i, undefined);
    // A new view that still lists it changes nothing.
    t.requests.membership({ ...JOBS, web: [1, 2] });
    t.fire(undefined, { group: 'jobs' }, 3, undefined);
    expect(t.targets().slice(1)).toEqual([8, 8, 8, 8]);
    // Once it has left the view, a pid of that number is a new process: picked again.
    t.requests.membership({ jobs: [8] });
    t.requests.membership(JOBS);
    t.published.length = 0;
    t.fire(undefined, { group: 'jobs' }, 'again', undefined);
    expect(t.targets()).toEqual([7]);
  });

  test('a pid that refuses a request of another group is not taken for a stopping one', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    const call = t.requests.request(undefined, 7, 1, undefined);
    t.reply(t.published[0]!, { ok: false, error: { code: 'CLUSTR_NO_MEMBER', message: 'not in group' } });
    expect(await rejection(call)).toMatchObject({ code: 'CLUSTR_TARGET_GONE' });
    t.fire(undefined, { group: 'jobs' }, 1, undefined);
    expect(t.targets()).toEqual([7, 7]);
  });

  test('a group request refused by a stopping member goes to another member; its replies from the first are late', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    const call = watch(t.requests.request(undefined, { group: 'jobs' }, 'job', undefined));
    const first = t.published[0]!;
    t.reply(first, { ok: false, error: { code: 'CLUSTR_CLOSED', message: 'stopping' } });
    expect(t.targets()).toEqual([7, 8]);
    expect(t.published[1]!.frame.id).toBe(first.frame.id);
    expect(t.events('request.rerouted')).toEqual([{ event: 'request.rerouted', requestId: 'c.1', from: 7, to: 8, reason: 'CLUSTR_CLOSED' }]);
    expect(t.texts('request.rerouted')).toEqual(['request moved from pid 7 to pid 8 (CLUSTR_CLOSED)']);
    t.reply(first, { ok: true, body: 'from 7' });
    t.reply(t.published[1]!, { ok: true, body: 'from 8' });
    await settle();
    expect(call).toMatchObject({ state: 'resolved', value: 'from 8' });
    expect(t.stats).toMatchObject({ requestsSent: 1, lateReplies: 1, requestsFailed: 0 });
  });

  test('a refused group request is not moved to a member known to be stopping', async () => {
    const t = setup();
    t.requests.membership({ jobs: [7, 8, 9] });
    t.fire(undefined, 8, 0, undefined);
    t.reply(t.published[0]!, { ok: false, error: { code: 'CLUSTR_CLOSED', message: 'stopping' } });
    t.fire(undefined, { group: 'jobs' }, 1, undefined);
    t.reply(t.published[1]!, { ok: false, error: { code: 'CLUSTR_NO_MEMBER', message: 'not in group' } });
    expect(t.targets()).toEqual([8, 7, 9]);
  });

  test('a call moved to another member weighs on that member, not on the one it left', () => {
    // Moved from 7 to 8, then a call to 7: each has one; the next group request goes to the first, 7.
    const t = setup();
    t.requests.membership(JOBS);
    t.fire(undefined, { group: 'jobs' }, 1, undefined);
    t.reply(t.published[0]!, { ok: false, error: { code: 'CLUSTR_NO_MEMBER', message: 'not in group' } });
    t.fire(undefined, 7, 2, undefined);
    t.fire(undefined, { group: 'jobs' }, 3, undefined);
    expect(t.targets()).toEqual([7, 8, 7, 7]);
    // Moved from 7 to 8 and answered there: nothing weighs on 7, which is next in turn.
    const u = setup();
    u.requests.membership(JOBS);
    u.fire(undefined, { group: 'jobs' }, 1, undefined);
    u.reply(u.published[0]!, { ok: false, error: { code: 'CLUSTR_NO_MEMBER', message: 'not in group' } });
    u.reply(u.published[1]!, { ok: true, body: null });
    u.fire(undefined, { group: 'jobs' }, 2, undefined);
    expect(u.targets()).toEqual([7, 8, 7]);
  });

  test('a group request every member refuses rejects with CLUSTR_NO_MEMBER, counting the members and the refusals', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    const call = t.requests.request('resize', { group: 'jobs' }, 1, undefined);
    t.reply(t.published[0]!, { ok: false, error: { code: 'CLUSTR_NO_MEMBER', message: 'not in group' } });
    t.reply(t.published[1]!, { ok: false, error: { code: 'CLUSTR_CLOSED', message: 'stopping' } });
    expect(await rejection(call)).toMatchObject({
      code: 'CLUSTR_NO_MEMBER',
      message: 'request c.1 (resize) to group "jobs" (pid 8): none of the 2 members of group "jobs" took it (2 refused or could not be reached). Wait for the group to start (onClusterStarted), or retry later.',
    });
    const single = setup();
    single.requests.membership({ jobs: [7] });
    const alone = single.requests.request(undefined, { group: 'jobs' }, 1, undefined);
    single.reply(single.published[0]!, { ok: false, error: { code: 'CLUSTR_CLOSED', message: 'stopping' } });
    expect((await rejection(alone)).message).toBe('request c.1 to group "jobs" (pid 7): none of the 1 member of group "jobs" took it (1 refused or could not be reached). Wait for the group to start (onClusterStarted), or retry later.');
  });

  test('with trace off, a whole request life writes no debug record', async () => {
    const t = setup({ trace: false });
    t.requests.membership(JOBS);
    const call = t.requests.request(undefined, { group: 'jobs' }, 1, undefined);
    t.reply(t.published[0]!, { ok: false, error: { code: 'CLUSTR_CLOSED', message: 'stopping' } });
    t.reply(t.published[0]!, { ok: true, body: 'late' });
    t.reply(t.published[1]!, { ok: true, body: 'done' });
    expect(await resolution(call)).toBe('done');
    const failing = t.requests.request(undefined, 7, 1, undefined);
    t.reply(t.published[2]!, { ok: false, error: { code: 'E', message: 'no' } });
    await rejection(failing);
    t.state.receivers = 0;
    watch(t.requests.emitAny('jobs', 1));
    await settle();
    expect(t.records.filter((r) => r.level === 'debug')).toEqual([]);
  });
});

describe('timeouts', () => {
  test('no reply within the default timeout rejects with CLUSTR_REQUEST_TIMEOUT at the deadline, not before, with a warning', async () => {
    const t = setup();
    const named = watch(t.requests.request('resize', 7, 1, undefined));
    const unnamed = watch(t.requests.request(undefined, 7, 1, undefined));
    t.clock.advance(DEFAULT_TIMEOUT - 1);
    await settle();
    expect([named.state, unnamed.state]).toEqual(['pending', 'pending']);
    t.clock.advance(1);
    await settle();
    expect(named.error).toMatchObject({
      code: 'CLUSTR_REQUEST_TIMEOUT',
      message: 'request c.1 (resize) to pid 7 got no reply within 2000 ms. Check that pid 7 has an onRequest handler for resize that answers; raise the timeout for slow handlers.',
    });
    expect(unnamed.error.message).toBe('request c.2 to pid 7 got no reply within 2000 ms. Check that pid 7 has an onRequest handler that answers; raise the timeout for slow handlers.');
    expect(t.stats).toMatchObject({ requestsSent: 2, requestsTimedOut: 2, requestsFailed: 0 });
    expect(t.requests.size).toBe(0);
    expect(t.records.filter((r) => r.level === 'warn')).toEqual([
      { level: 'warn', fields: { event: 'request.timeout', requestId: 'c.1', method: 'resize', target: 7 }, msg: 'request c.1 (resize) to pid 7 got no reply in time' },
      { level: 'warn', fields: { event: 'request.timeout', requestId: 'c.2', method: undefined, target: 7 }, msg: 'request c.2 to pid 7 got no reply in time' },
    ]);
    // The reply that comes afterwards is late.
    t.reply(t.published[0]!, { ok: true, body: 'late' });
    expect(t.stats.lateReplies).toBe(1);
  });

  test('a timeout of its own counts from the call, even when the view took part of it', async () => {
    const t = setup();
    const call = watch(t.requests.request(undefined, { group: 'jobs' }, 1, { timeout: 300 }));
    t.clock.advance(100);
    t.fetches[0]!.resolve(JOBS);
    await settle();
    expect(t.published[0]!.frame.data.timeout).toBe(200);
    t.clock.advance(199);
    await settle();
    expect(call.state).toBe('pending');
    t.clock.advance(1);
    await settle();
    expect(call.error).toMatchObject({ code: 'CLUSTR_REQUEST_TIMEOUT', message: expect.stringContaining('got no reply within 300 ms') });
  });

  test('a request that waited while Redis was away gets the error of the outage instead', async () => {
    const t = setup();
    const call = watch(t.requests.request(undefined, 7, 1, undefined));
    t.state.downtime = 50;
    t.clock.advance(DEFAULT_TIMEOUT);
    await settle();
    expect(call.error).toMatchObject({ code: 'CLUSTR_REDIS_UNAVAILABLE' });
    expect(t.stats.requestsTimedOut).toBe(1);
  });
});

describe('the membership view', () => {
  test('a pid request with no view yet asks for one, bounded by the shorter timeout; a failed fetch changes nothing', async () => {
    const t = setup();
    t.fire(undefined, 7, 1, { timeout: 300 });
    t.fire(undefined, 7, 1, undefined);
    expect(t.fetches.map((f) => f.timeoutMs)).toEqual([300]);
    expect(t.published).toHaveLength(2);
    t.fetches[0]!.reject(new Error('no master'));
    await settle();
    t.fire(undefined, 7, 1, undefined);
    expect(t.fetches.map((f) => f.timeoutMs)).toEqual([300, CLUSTER_INFO_TIMEOUT]);
    t.fetches[1]!.resolve(JOBS);
    await settle();
    t.fire(undefined, 7, 1, undefined);
    expect(t.fetches).toHaveLength(2);
  });

  test('a process with its own view (the master) never asks for one for a pid request', () => {
    const t = setup({ localView: true });
    t.fire(undefined, 7, 1, undefined);
    expect(t.fetches).toEqual([]);
    expect(t.published).toHaveLength(1);
  });

  test('group requests with no view yet wait for one fetch together, then go round the members', async () => {
    const t = setup();
    const calls = [1, 2, 3].map((n) => watch(t.requests.request(undefined, { group: 'jobs' }, n, undefined)));
    await settle();
    expect(t.fetches.map((f) => f.timeoutMs)).toEqual([CLUSTER_INFO_TIMEOUT]);
    expect(t.published).toEqual([]);
    t.fetches[0]!.resolve(JOBS);
    await settle();
    expect(t.targets()).toEqual([7, 8, 7]);
    expect(calls.map((c) => c.state)).toEqual(['pending', 'pending', 'pending']);
    expect(t.requests.view.ready).toBe(true);
  });

  test('when the view cannot be had, group requests reject with the fetch error and count as failed; the next one asks again', async () => {
    const t = setup();
    const calls = [t.requests.request(undefined, { group: 'jobs' }, 1, undefined), t.requests.request(undefined, { group: 'jobs' }, 2, undefined)];
    const failure = new ClustrError('CLUSTR_REQUEST_TIMEOUT', 'no cluster info');
    t.fetches[0]!.reject(failure);
    for (const call of calls) expect(await rejection(call)).toBe(failure);
    expect(t.stats).toMatchObject({ requestsSent: 0, requestsFailed: 2 });
    t.fire(undefined, { group: 'jobs' }, 3, undefined);
    expect(t.fetches).toHaveLength(2);
  });

  test('a membership frame that comes while the view is fetched wins over the older answer', async () => {
    const t = setup();
    const call = watch(t.requests.request(undefined, { group: 'jobs' }, 1, undefined));
    t.requests.membership({ jobs: [9] });
    t.fetches[0]!.resolve(JOBS);
    await settle();
    expect(t.targets()).toEqual([9]);
    expect(t.requests.view.members('jobs')).toEqual([9]);
    expect(call.state).toBe('pending');
  });

  test('a view that took the whole timeout leaves no time to send: CLUSTR_REQUEST_TIMEOUT at once; one ms left is enough', async () => {
    const t = setup();
    const late = watch(t.requests.request('resize', { group: 'jobs' }, 1, { timeout: 100 }));
    const justInTime = watch(t.requests.request(undefined, { group: 'jobs' }, 2, { timeout: 101 }));
    t.clock.advance(100);
    t.fetches[0]!.resolve(JOBS);
    await settle();
    expect(late.error).toMatchObject({ code: 'CLUSTR_REQUEST_TIMEOUT', message: 'request resize: no time left to send it (the membership view took the whole timeout).' });
    const unnamed = setup();
    const none = watch(unnamed.requests.request(undefined, { group: 'jobs' }, 1, { timeout: 10 }));
    unnamed.clock.advance(10);
    unnamed.fetches[0]!.resolve(JOBS);
    await settle();
    expect(none.error.message).toBe('request: no time left to send it (the membership view took the whole timeout).');
    expect(justInTime.state).toBe('pending');
    expect(t.published.map((p) => p.frame.data.timeout)).toEqual([1]);
    expect(t.stats).toMatchObject({ requestsSent: 1, requestsFailed: 1 });
  });

  test('a group with no member rejects at once with CLUSTR_NO_MEMBER, sending nothing', async () => {
    const t = setup();
    t.requests.membership({ web: [1] });
    expect(await rejection(t.requests.request('resize', { group: 'jobs' }, 1, undefined))).toMatchObject({
      code: 'CLUSTR_NO_MEMBER',
      message: 'request resize: group "jobs" has no live registered member. Wait for the group to start (onClusterStarted), or retry later.',
    });
    expect(await rejection(t.requests.request(undefined, { group: 'jobs' }, 1, undefined))).toMatchObject({ message: expect.stringMatching(/^request: group "jobs"/) });
    expect(t.stats).toMatchObject({ requestsSent: 0, requestsFailed: 2 });
    expect(t.published).toEqual([]);
  });

  test('least pending: the member with fewer calls of this process waiting gets the next one, counting only calls still waiting', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.fire(undefined, { group: 'jobs' }, 1, undefined);
    t.fire(undefined, { group: 'jobs' }, 2, undefined);
    expect(t.targets()).toEqual([7, 8]);
    // 8 answers; 7 is still busy: the next two go to 8, then they are even again.
    t.reply(t.published[1]!, { ok: true, body: null });
    t.fire(undefined, { group: 'jobs' }, 3, undefined);
    expect(t.targets()).toEqual([7, 8, 8]);
    // A call that failed, one that timed out and one that moved away no longer weigh on their pid.
    const u = setup();
    u.requests.membership(JOBS);
    const failing = u.requests.request(undefined, 7, 1, { timeout: 50 });
    u.reply(u.published[0]!, { ok: false, error: { code: 'E', message: 'x' } });
    await rejection(failing);
    u.fire(undefined, { group: 'jobs' }, 2, undefined);
    expect(u.targets()).toEqual([7, 7]);
  });

  test('a call that timed out or moved to another member no longer counts against its former pid', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.fire(undefined, 8, 1, { timeout: 50 });
    t.fire(undefined, 8, 1, { timeout: 5_000 });
    t.fire(undefined, 7, 1, { timeout: 5_000 });
    t.clock.advance(50);
    await settle();
    // 7 and 8 each have one waiting: the first of the group is picked.
    t.fire(undefined, { group: 'jobs' }, 2, undefined);
    expect(t.targets().slice(3)).toEqual([7]);
  });
});

describe('requests nobody received', () => {
  test('sent again after 25 ms, doubling up to 400 ms, while the target is registered; the frame carries the time left', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.state.receivers = 0;
    const call = watch(t.requests.request(undefined, 7, 1, { timeout: 2_000 }));
    await settle();
    for (const delay of [25, 50, 100, 200, 400, 400]) {
      const before = t.published.length;
      t.clock.advance(delay - 1);
      await settle();
      expect(t.published).toHaveLength(before);
      t.clock.advance(1);
      await settle();
      expect(t.published).toHaveLength(before + 1);
    }
    const start = t.published[0]!.at;
    expect(t.published.map((p) => p.at - start)).toEqual([0, 25, 75, 175, 375, 775, 1175]);
    expect(t.published.map((p) => p.frame.data.timeout)).toEqual([2000, 1975, 1925, 1825, 1625, 1225, 825]);
    expect(new Set(t.published.map((p) => p.frame.id))).toEqual(new Set(['c.1']));
    t.clock.advance(400);
    await settle();
    // 425 ms left, more than the next 400: one more try; then 25 ms left, too little: the timeout settles it.
    t.clock.advance(400);
    await settle();
    expect(t.published).toHaveLength(9);
    expect(call.state).toBe('pending');
    t.clock.advance(25);
    await settle();
    expect(call.error).toMatchObject({ code: 'CLUSTR_REQUEST_TIMEOUT' });
    expect(t.published).toHaveLength(9);
    expect(t.clock.pending).toBe(0);
    expect(t.stats).toMatchObject({ requestsSent: 1, requestsTimedOut: 1, requestsFailed: 0 });
  });

  test('no try when the time left is no more than the delay: a pid request then waits for its timeout', async () => {
    const t = setup();
    t.state.receivers = 0;
    const exact = watch(t.requests.request(undefined, 7, 1, { timeout: 25 }));
    await settle();
    t.clock.advance(24);
    await settle();
    expect(exact.state).toBe('pending');
    expect(t.published).toHaveLength(1);
    const longer = setup();
    longer.state.receivers = 0;
    longer.fire(undefined, 7, 1, { timeout: 26 });
    await settle();
    longer.clock.advance(25);
    await settle();
    expect(longer.published).toHaveLength(2);
  });

  test('with no view yet, a pid nobody received is tried again (it may be registering)', async () => {
    const t = setup();
    t.state.receivers = 0;
    t.fire(undefined, 99, 1, undefined);
    await settle();
    t.clock.advance(25);
    await settle();
    expect(t.published).toHaveLength(2);
  });

  test('a pid not in the view rejects at once with CLUSTR_TARGET_GONE: it did not run', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.state.receivers = 0;
    const call = watch(t.requests.request(undefined, 99, 1, undefined));
    await settle();
    expect(call.error).toMatchObject({ code: 'CLUSTR_TARGET_GONE', message: "request c.1 to pid 99 failed: nothing listens on pid 99's channel (not running, or not in this cluster). It did not run." });
    expect(t.stats).toMatchObject({ requestsFailed: 1 });
    expect(t.clock.pending).toBe(0);
  });

  test('a pid that refused as stopping and then received nothing is not tried again', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.fire(undefined, { group: 'jobs' }, 1, undefined);
    t.reply(t.published[0]!, { ok: false, error: { code: 'CLUSTR_CLOSED', message: 'stopping' } });
    t.state.receivers = 0;
    const call = watch(t.requests.request(undefined, 7, 1, undefined));
    await settle();
    expect(call.error).toMatchObject({ code: 'CLUSTR_TARGET_GONE', message: expect.stringContaining('It did not run') });
  });

  test('a group request nobody received is tried again at the same member while it is registered, and goes to another when too little time is left', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.state.receivers = 0;
    t.fire(undefined, { group: 'jobs' }, 1, { timeout: 60 });
    await settle();
    t.clock.advance(25);
    await settle();
    // 35 ms left, not more than the next 50: handed to 8 at once.
    expect(t.targets()).toEqual([7, 7, 8]);
    expect(t.events('request.rerouted')).toEqual([{ event: 'request.rerouted', requestId: 'c.1', from: 7, to: 8, reason: 'unreachable' }]);
  });

  test('an answer of Redis to an older send of the call is ignored', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.state.receivers = 'by hand';
    const call = watch(t.requests.request(undefined, 7, 1, undefined));
    t.requests.reconnected();
    expect(t.published).toHaveLength(2);
    // The first send reached nobody (Redis restarted), the second got there.
    t.published[0]!.answer(0);
    t.published[1]!.answer(1);
    await settle();
    t.clock.advance(1_000);
    await settle();
    expect(t.published).toHaveLength(2);
    expect(call.state).toBe('pending');
  });

  test("Redis's answer to a send of a call that is settled already changes nothing", async () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.state.receivers = 'by hand';
    const replied = watch(t.requests.request(undefined, { group: 'jobs' }, 1, undefined));
    const timedOut = watch(t.requests.request(undefined, 8, 2, { timeout: 50 }));
    // The reply overtook Redis's answer to the publish (they come on different connections).
    t.reply(t.published[0]!, { ok: true, body: 'done' });
    t.clock.advance(50);
    t.published[0]!.answer(0);
    t.published[1]!.answer(0);
    await settle();
    // No try left waiting, none moved to another member.
    expect(t.clock.pending).toBe(0);
    expect(t.events('request.rerouted')).toEqual([]);
    t.clock.advance(1_000);
    await settle();
    expect(t.published).toHaveLength(2);
    expect(replied).toMatchObject({ state: 'resolved', value: 'done' });
    expect(timedOut.error).toMatchObject({ code: 'CLUSTR_REQUEST_TIMEOUT' });
    expect(t.stats).toMatchObject({ requestsFailed: 0, requestsTimedOut: 1 });
  });

  test('a failed publish rejects the call with its error; one that fails after the call settled changes nothing', async () => {
    const t = setup();
    t.state.receivers = 'by hand';
    const call = t.requests.request(undefined, 7, 1, undefined);
    const error = new ClustrError('CLUSTR_FRAME_TOO_LARGE', 'too large');
    t.published[0]!.fail(error);
    expect(await rejection(call)).toBe(error);
    expect(t.stats).toMatchObject({ requestsFailed: 1 });
    const timedOut = watch(t.requests.request(undefined, 7, 1, { timeout: 10 }));
    t.clock.advance(10);
    t.published[1]!.fail(new Error('late failure'));
    await settle();
    expect(timedOut.error).toMatchObject({ code: 'CLUSTR_REQUEST_TIMEOUT' });
    expect(t.stats).toMatchObject({ requestsFailed: 1, requestsTimedOut: 1 });
  });
});

describe('targets that leave', () => {
  test('a target that got the request and left fails it at once: it may have run, so a group request is not sent again', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    const picked = watch(t.requests.request('resize', { group: 'jobs' }, 1, undefined));
    const direct = watch(t.requests.request(undefined, 7, 2, undefined));
    const other = watch(t.requests.request(undefined, 8, 3, undefined));
    await settle();
    t.requests.membership({ jobs: [8, 9] });
    t.requests.membership({ jobs: [8, 9], web: [1] });
    await settle();
    expect(direct.error).toMatchObject({ code: 'CLUSTR_TARGET_GONE', message: 'request c.2 to pid 7 failed: pid 7 left the cluster before it answered. It may or may not have run.' });
    expect(picked.error).toMatchObject({ code: 'CLUSTR_TARGET_GONE', message: 'request c.1 (resize) to group "jobs" (pid 7) failed: pid 7 left the cluster before it answered. It may or may not have run.' });
    expect(other.state).toBe('pending');
    expect(t.targets()).toEqual([7, 7, 8]);
    expect(t.stats).toMatchObject({ requestsFailed: 2 });
  });

  test('a target that left before Redis answered the send: failed when Redis says it got there', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.state.receivers = 'by hand';
    const call = watch(t.requests.request(undefined, 7, 1, undefined));
    t.requests.membership({ jobs: [8] });
    await settle();
    expect(call.state).toBe('pending');
    t.published[0]!.answer(1);
    await settle();
    expect(call.error).toMatchObject({ code: 'CLUSTR_TARGET_GONE', message: 'request c.1 to pid 7 failed: pid 7 left the cluster before it answered. It may or may not have run.' });
  });

  test('a target that left before Redis answered the send: when nobody got it, a pid request did not run and a group request moves on', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.state.receivers = 'by hand';
    const picked = watch(t.requests.request(undefined, { group: 'jobs' }, 1, undefined));
    const direct = watch(t.requests.request(undefined, 7, 2, undefined));
    expect(t.targets()).toEqual([7, 7]);
    t.requests.membership({ jobs: [8] });
    t.published[0]!.answer(0);
    t.published[1]!.answer(0);
    await settle();
    expect(direct.error).toMatchObject({ code: 'CLUSTR_TARGET_GONE', message: expect.stringContaining('It did not run.') });
    expect(t.targets()).toEqual([7, 7, 8]);
    // The member it moved to got it: the call waits for its reply, not failed for the one that left.
    t.published[2]!.answer(1);
    await settle();
    expect(picked.state).toBe('pending');
    t.reply(t.published[2]!, { ok: true, body: 'by 8' });
    await settle();
    expect(picked).toMatchObject({ state: 'resolved', value: 'by 8' });
  });

  test('a target that leaves while a call waits to be sent again: a pid request fails at once, a group request moves on at once', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.state.receivers = 0;
    const picked = watch(t.requests.request(undefined, { group: 'jobs' }, 1, undefined));
    const direct = watch(t.requests.request(undefined, 7, 2, undefined));
    await settle();
    expect(t.targets()).toEqual([7, 7]);
    t.state.receivers = 1;
    t.requests.membership({ jobs: [8] });
    await settle();
    expect(direct.error).toMatchObject({ code: 'CLUSTR_TARGET_GONE', message: "request c.2 to pid 7 failed: nothing listens on pid 7's channel (not running, or not in this cluster). It did not run." });
    expect(t.targets()).toEqual([7, 7, 8]);
    // No try left over for the old target.
    t.clock.advance(1_000);
    await settle();
    expect(t.targets()).toEqual([7, 7, 8]);
    expect(picked.state).toBe('pending');
  });

  test('a pid that left and came back (a new process) before Redis answered: the call fails, it is not sent to the newcomer', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.state.receivers = 'by hand';
    const call = watch(t.requests.request(undefined, 7, 1, undefined));
    t.requests.membership({ jobs: [8] });
    t.requests.membership(JOBS);
    t.published[0]!.answer(0);
    await settle();
    expect(call.error).toMatchObject({ code: 'CLUSTR_TARGET_GONE', message: expect.stringContaining('It did not run.') });
    t.clock.advance(1_000);
    expect(t.published).toHaveLength(1);
  });

  test('a call moved to another member starts its tries afresh: 25 ms again', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.state.receivers = 0;
    t.fire(undefined, { group: 'jobs' }, 1, undefined);
    await settle();
    t.clock.advance(25);
    await settle();
    t.clock.advance(50);
    await settle();
    expect(t.targets()).toEqual([7, 7, 7]);
    t.requests.membership({ jobs: [8] });
    await settle();
    t.clock.advance(25);
    await settle();
    expect(t.targets()).toEqual([7, 7, 7, 8, 8]);
  });
});

describe('reconnecting and closing', () => {
  test('after a reconnect every waiting call is sent again, and the view is asked for anew', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.fire(undefined, 7, 1, undefined);
    const gone = watch(t.requests.request(undefined, 8, 2, undefined));
    t.reply(t.published[0]!, { ok: true, body: null });
    t.fire(undefined, 7, 3, undefined);
    t.requests.reconnected();
    expect(t.published.map((p) => p.frame.id)).toEqual(['c.1', 'c.2', 'c.3', 'c.2', 'c.3']);
    expect(t.fetches.map((f) => f.timeoutMs)).toEqual([CLUSTER_INFO_TIMEOUT]);
    t.fetches[0]!.resolve({ jobs: [7] });
    await settle();
    expect(gone.error).toMatchObject({ code: 'CLUSTR_TARGET_GONE' });
  });

  test('after a reconnect, a membership frame that comes before the fetched view wins; a failed fetch changes nothing', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    const call = watch(t.requests.request(undefined, 8, 1, undefined));
    t.requests.reconnected();
    t.requests.membership(JOBS);
    t.fetches[0]!.resolve({ jobs: [7] });
    await settle();
    expect(call.state).toBe('pending');
    expect(t.requests.view.has(8)).toBe(true);
    t.requests.reconnected();
    t.fetches[1]!.reject(new Error('no master'));
    await settle();
    expect(call.state).toBe('pending');
  });

  test('after a reconnect, a process without a view, or with its own, asks for none', () => {
    const t = setup();
    t.fire(undefined, 7, 1, undefined);
    t.requests.reconnected();
    expect(t.fetches).toHaveLength(1);
    const master = setup({ localView: true });
    master.requests.membership(JOBS);
    master.fire(undefined, 7, 1, undefined);
    master.requests.reconnected();
    expect(master.fetches).toEqual([]);
    expect(master.published).toHaveLength(2);
  });

  test('rejectAll rejects every waiting call with its own error, counts them as failed, and leaves no timer', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.state.receivers = 0;
    const calls = [t.requests.request(undefined, 7, 1, undefined), t.requests.request(undefined, 7, 2, undefined), t.requests.request('resize', { group: 'jobs' }, 3, undefined)];
    await settle();
    expect(t.targets()).toEqual([7, 7, 8]);
    let n = 0;
    t.requests.rejectAll(() => new ClustrError('CLUSTR_CLOSED', `closed ${++n}`));
    expect(await Promise.all(calls.map(rejection))).toEqual([1, 2, 3].map((i) => expect.objectContaining({ code: 'CLUSTR_CLOSED', message: `closed ${i}` })));
    expect(t.requests.size).toBe(0);
    expect(t.clock.pending).toBe(0);
    expect(t.stats).toMatchObject({ requestsSent: 3, requestsFailed: 3, requestsTimedOut: 0 });
    // No load is left on 7: the group's first member is picked again.
    t.state.receivers = 1;
    t.fire(undefined, { group: 'jobs' }, 4, undefined);
    expect(t.last().channel).toBe('t:private:7');
    t.reply(t.published[0]!, { ok: true, body: 'late' });
    expect(t.stats.lateReplies).toBe(1);
  });
});

describe('emitAny', () => {
  test('bad arguments reject and send nothing', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    expect(await rejection(t.requests.emitAny('a b', 1))).toMatchObject({ code: 'CLUSTR_INVALID_NAME', field: 'group' });
    expect(await rejection(t.requests.emitAny('jobs', undefined))).toMatchObject({ code: 'CLUSTR_INVALID_DATA', message: 'emitAny: no data' });
    t.state.running = false;
    expect(await rejection(t.requests.emitAny('jobs', 1))).toMatchObject({ code: 'CLUSTR_CLOSED', message: 'emitAny: closed' });
    expect(t.sent).toEqual([]);
    expect(t.stats.emitAny).toBe(0);
    expect(t.reported).toEqual([]);
  });

  test('sends the message to one member, in turn, on its private channel; resolves to the number of receivers', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    const first = t.requests.emitAny('jobs', { job: 1 });
    // With a view, the message leaves at once: in order with whatever the process emits next.
    expect(t.sent).toHaveLength(1);
    expect(await resolution(first)).toBe(1);
    expect(await resolution(t.requests.emitAny('jobs', { job: 2 }))).toBe(1);
    expect(t.sent.map(({ channel, frame }) => ({ channel, frame }))).toStrictEqual([
      { channel: 't:private:7', frame: { v: 2, kind: 'any', id: 'c.1', meta: META, data: { group: 'jobs', body: { job: 1 } } } },
      { channel: 't:private:8', frame: { v: 2, kind: 'any', id: 'c.2', meta: META, data: { group: 'jobs', body: { job: 2 } } } },
    ]);
    expect(t.stats.emitAny).toBe(2);
  });

  test('a member Redis did not deliver to is skipped for another; when none gets it, CLUSTR_NO_MEMBER, reported once', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.state.receivers = 'by hand';
    const first = watch(t.requests.emitAny('jobs', 1));
    t.sent[0]!.answer(0);
    await settle();
    expect(t.sent.map((s) => s.channel)).toEqual(['t:private:7', 't:private:8']);
    expect(t.sent[1]!.frame.id).not.toBe(t.sent[0]!.frame.id);
    t.sent[1]!.answer(3);
    await settle();
    expect(first).toMatchObject({ state: 'resolved', value: 3 });
    expect(t.events('any.rerouted')).toEqual([{ event: 'any.rerouted', group: 'jobs', from: 7 }]);
    expect(t.texts('any.rerouted')).toEqual(['emitAny: pid 7 did not get it; trying another member']);
    const none = t.requests.emitAny('jobs', 2);
    for (let i = 2; i < 4; i++) {
      await settle();
      t.sent[i]!.answer(0);
    }
    const error = await rejection(none);
    expect(error).toMatchObject({ code: 'CLUSTR_NO_MEMBER', message: 'emitAny: none of the 2 members of group "jobs" took it (2 refused or could not be reached). Wait for the group to start (onClusterStarted), or retry later.' });
    await settle();
    expect(t.reported).toEqual([{ error, context: { event: 'any.failed', group: 'jobs' } }]);
    expect(t.stats.emitAny).toBe(2);
  });

  test('a member that refused a request as stopping is not given emitAny messages', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.fire(undefined, 7, 1, undefined);
    t.reply(t.published[0]!, { ok: false, error: { code: 'CLUSTR_CLOSED', message: 'stopping' } });
    await resolution(t.requests.emitAny('jobs', 1));
    await resolution(t.requests.emitAny('jobs', 2));
    expect(t.sent.map((s) => s.channel)).toEqual(['t:private:8', 't:private:8']);
  });

  test('with no view yet, emitAny waits for one fetch; when it fails, every emitAny waiting on it rejects and it is reported once', async () => {
    const t = setup();
    const a = watch(t.requests.emitAny('jobs', 1));
    const b = watch(t.requests.emitAny('jobs', 2));
    expect(t.fetches.map((f) => f.timeoutMs)).toEqual([CLUSTER_INFO_TIMEOUT]);
    expect(t.stats.emitAny).toBe(2);
    const failure = new Error('no master');
    t.fetches[0]!.reject(failure);
    await settle();
    expect([a.error, b.error]).toEqual([failure, failure]);
    expect(t.reported).toEqual([{ error: failure, context: { event: 'any.failed', group: 'jobs' } }]);
    const c = watch(t.requests.emitAny('jobs', 3));
    t.fetches[1]!.resolve(JOBS);
    await settle();
    expect(c).toMatchObject({ state: 'resolved', value: 1 });
  });

  test('a group with no member: CLUSTR_NO_MEMBER, reported', async () => {
    const t = setup();
    t.requests.membership({ web: [1] });
    const error = await rejection(t.requests.emitAny('jobs', 1));
    expect(error.message).toBe('emitAny: group "jobs" has no live registered member. Wait for the group to start (onClusterStarted), or retry later.');
    await settle();
    expect(t.reported).toHaveLength(1);
  });

  test('a failed send rejects with its error and is left to the sender to report', async () => {
    const t = setup();
    t.requests.membership(JOBS);
    t.state.receivers = 'by hand';
    const sent = t.requests.emitAny('jobs', 1);
    const failure = new ClustrError('CLUSTR_REDIS_UNAVAILABLE', 'offline');
    t.sent[0]!.fail(failure);
    expect(await rejection(sent)).toBe(failure);
    await settle();
    expect(t.reported).toEqual([]);
  });
});
