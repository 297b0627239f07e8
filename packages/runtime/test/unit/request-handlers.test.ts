// The answering side of requests (RequestHandlers) on its own: frames go in by hand, replies are
// recorded and answered when the test says, and time moves on a hand clock. What each request is
// answered (value, failure, refusal), that it runs once per caller run and id, and how drain()
// waits for the running ones. The same behaviour through whole in-process clusters: requests.test.ts.
import { Type } from '@sinclair/typebox';
import { ClustrError, compileMessageSchemas, type DataOf, type FrameOf, type MessageSchemas } from '@clustr/protocol/core';
import { LogLimiter } from '../../src/process/log-limiter';
import { RequestHandlers, type RequestMessage } from '../../src/process/request-handlers';
import { emptyStats } from '../../src/process/stats';
import { handClock, settle } from './redis-stub';
import { recordingLogger } from './probes';

const DEFAULT_TIMEOUT = 2_000;

interface Reply {
  to: number;
  re: string;
  data: DataOf<'reply'>;
  answer(receivers: number): void;
  fail(error: Error): void;
}

interface SetupOptions {
  trace?: boolean;
  messages?: MessageSchemas;
  errorStacks?: boolean;
  drainLimit?: number;
}

/** A request as it arrives: from pid 3 (instance `a`), id `r.1`, body 1, unless told otherwise. */
interface Incoming {
  id?: string;
  pid?: number;
  instance?: string | undefined;
  method?: string;
  group?: string;
  timeout?: number;
  body?: unknown;
}

function setup(options: SetupOptions = {}) {
  const clock = handClock(10_000);
  const logger = recordingLogger();
  const { records } = logger;
  const stats = emptyStats();
  const replies: Reply[] = [];
  const reported: Array<{ error: Error; context: Record<string, unknown> }> = [];
  const state = { stopping: false, answers: 'at once' as 'at once' | 'by hand' };
  const handlers = new RequestHandlers({
    group: 'jobs',
    clock,
    logger,
    trace: options.trace ?? true,
    limiter: new LogLimiter(logger, clock),
    stats,
    validators: compileMessageSchemas(options.messages),
    defaultTimeout: DEFAULT_TIMEOUT,
    errorStacks: options.errorStacks ?? false,
    drainLimit: options.drainLimit,
    stopping: () => state.stopping,
    reply: (to, re, data) =>
      new Promise<number>((resolve, reject) => {
        replies.push({ to, re, data, answer: resolve, fail: reject });
        if (state.answers === 'at once') resolve(1);
      }),
    report: (error, context) => void reported.push({ error, context }),
  });

  function receive(incoming: Incoming = {}): void {
    const data: DataOf<'request'> = { body: 'body' in incoming ? incoming.body : 1 };
    if (incoming.method !== undefined) data.method = incoming.method;
    if (incoming.group !== undefined) data.group = incoming.group;
    if (incoming.timeout !== undefined) data.timeout = incoming.timeout;
    const meta: FrameOf<'request'>['meta'] = { pid: incoming.pid ?? 3, group: 'web' };
    const instance = 'instance' in incoming ? incoming.instance : 'a';
    if (instance !== undefined) meta.instance = instance;
    handlers.receive({ v: 2, kind: 'request', id: incoming.id ?? 'r.1', meta, data });
  }

  return {
    clock,
    records,
    stats,
    replies,
    reported,
    state,
    handlers,
    receive,
    /** What each reply said, in order. */
    answers: () => replies.map((r) => r.data),
    events: (event: string) => records.filter((r) => r.fields.event === event).map((r) => r.fields),
  };
}

function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/** A handler whose answer the test gives. */
function later(): { handler: () => Promise<unknown>; resolve(value: unknown): void; reject(error: unknown): void; calls: number } {
  const control = {
    calls: 0,
    resolve: (_value: unknown): void => undefined,
    reject: (_error: unknown): void => undefined,
    handler: () =>
      new Promise<unknown>((resolve, reject) => {
        control.calls++;
        control.resolve = resolve;
        control.reject = reject;
      }),
  };
  return control;
}

describe('adding handlers', () => {
  test.each([
    [5, 'number 5'],
    ['', 'the string ""'],
    ['m'.repeat(129), `the string "${'m'.repeat(60)}…"`],
  ])('the method %p is refused, naming the field and the bounds', (method, got) => {
    const t = setup();
    const error = thrown(() => t.handlers.add(method as string, () => 1));
    expect(error).toBeInstanceOf(ClustrError);
    expect({ code: error.code, field: error.field, message: error.message }).toEqual({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'method', message: `onRequest method must be a string of 1 to 128 characters; got ${got}.` });
    expect(t.handlers.everServed).toBe(false);
  });

  test('a handler that is not a function is refused, saying what it is', () => {
    const t = setup();
    expect(thrown(() => t.handlers.add('m', null as never))).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'handler', message: 'onRequest() needs a function; got null.' });
    expect(thrown(() => t.handlers.add(undefined, 5 as never))).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'handler', message: 'onRequest() needs a function; got number.' });
  });

  test('one handler per method: a second is refused, naming the method; the unnamed method and a named one are separate', () => {
    const t = setup();
    expect(t.handlers.everServed).toBe(false);
    t.handlers.add(undefined, () => 1);
    t.handlers.add('m'.repeat(128), () => 2);
    t.handlers.add('resize', () => 3);
    expect(t.handlers.everServed).toBe(true);
    expect(thrown(() => t.handlers.add(undefined, () => 4))).toMatchObject({
      code: 'CLUSTR_INVALID_ARGUMENT',
      field: 'method',
      message: 'onRequest: the method without a name already has a handler; remove it first (call the function onRequest returned).',
    });
    expect(thrown(() => t.handlers.add('resize', () => 4))).toMatchObject({ message: 'onRequest: method "resize" already has a handler; remove it first (call the function onRequest returned).' });
    t.receive({ id: 'a' });
    t.receive({ id: 'b', method: 'resize' });
    expect(t.answers()).toEqual([
      { ok: true, body: 1 },
      { ok: true, body: 3 },
    ]);
  });

  test('the function add returns removes that handler, and only that one', () => {
    const t = setup();
    const off = t.handlers.add('resize', () => 'first');
    off();
    t.receive({ id: 'a', method: 'resize' });
    t.handlers.add('resize', () => 'second');
    off();
    t.receive({ id: 'b', method: 'resize' });
    expect(t.answers()).toEqual([
      { ok: false, error: { code: 'CLUSTR_NO_HANDLER', message: 'no handler for method "resize"' } },
      { ok: true, body: 'second' },
    ]);
    // A process that served once still leaves its private channel cleanly when it closes.
    expect(t.handlers.everServed).toBe(true);
  });
});

describe('answers', () => {
  test('the handler gets the request and its value is the reply, sent to the caller with the request id', () => {
    const t = setup();
    const seen: RequestMessage[] = [];
    t.handlers.add('resize', (request) => {
      seen.push(request);
      return { area: 6 };
    });
    t.receive({ id: 'r.7', pid: 4, method: 'resize', body: { width: 3 } });
    expect(seen).toEqual([{ meta: { pid: 4, group: 'web', instance: 'a' }, data: { width: 3 }, id: 'r.7', method: 'resize' }]);
    expect(t.replies.map(({ to, re, data }) => ({ to, re, data }))).toEqual([{ to: 4, re: 'r.7', data: { ok: true, body: { area: 6 } } }]);
    expect(t.stats).toMatchObject({ requestsReceived: 1, requestsReplied: 1 });
    expect(t.events('request.received')).toEqual([{ event: 'request.received', requestId: 'r.7', from: 4, method: 'resize' }]);
    expect(t.events('request.answered')).toEqual([{ event: 'request.answered', requestId: 'r.7', to: 4, ok: true, code: undefined }]);
    expect(t.records.filter((r) => r.level === 'debug').map((r) => r.msg)).toEqual(['request received', 'reply sent']);
  });

  test('a promise or any thenable is awaited; null, nothing (as null) and an object whose then is no function are replies as they are', async () => {
    const t = setup();
    const values: unknown[] = [Promise.resolve('promised'), { then: (ok: (v: unknown) => void) => ok('thenable') }, null, undefined, { then: 5 }, 0];
    values.forEach((value, i) => t.handlers.add(`m${i}`, () => value));
    values.forEach((_, i) => t.receive({ id: `r.${i}`, method: `m${i}` }));
    await settle();
    const bodies = Object.fromEntries(t.replies.map((r) => [r.re, r.data.ok ? r.data.body : r.data.error]));
    expect(bodies).toEqual({ 'r.0': 'promised', 'r.1': 'thenable', 'r.2': null, 'r.3': null, 'r.4': { then: 5 }, 'r.5': 0 });
  });

  test('a handler that throws or rejects fails the request with its message and code, warned about; the stack only when asked for', async () => {
    const t = setup();
    t.handlers.add('throw', () => {
      throw Object.assign(new Error('disk full'), { code: 'E_FULL' });
    });
    t.handlers.add('reject', () => Promise.reject(new TypeError('bad input')));
    t.receive({ id: 'r.1', method: 'throw' });
    t.receive({ id: 'r.2', method: 'reject', pid: 5 });
    await settle();
    expect(t.answers()).toEqual([
      { ok: false, error: { code: 'E_FULL', message: 'disk full' } },
      { ok: false, error: { code: 'TypeError', message: 'bad input' } },
    ]);
    expect(t.records.filter((r) => r.level === 'warn').map(({ fields, msg }) => ({ ...fields, msg, error: (fields['error'] as Error).message }))).toEqual([
      { event: 'request.handler.threw', requestId: 'r.1', from: 3, code: 'E_FULL', error: 'disk full', msg: 'the handler of request r.1 failed: disk full' },
      { event: 'request.handler.threw', requestId: 'r.2', from: 5, code: 'TypeError', error: 'bad input', msg: 'the handler of request r.2 failed: bad input' },
    ]);
    expect(t.stats).toMatchObject({ requestsReceived: 2, requestsReplied: 2 });
    expect(t.events('request.answered')).toEqual([
      { event: 'request.answered', requestId: 'r.1', to: 3, ok: false, code: 'E_FULL' },
      { event: 'request.answered', requestId: 'r.2', to: 5, ok: false, code: 'TypeError' },
    ]);
    const withStacks = setup({ errorStacks: true });
    withStacks.handlers.add(undefined, () => {
      throw new Error('with stack');
    });
    withStacks.receive();
    const [reply] = withStacks.answers();
    expect(reply).toMatchObject({ ok: false, error: { code: 'Error', message: 'with stack', stack: expect.stringContaining('Error: with stack') } });
  });

  test("a reply that fails the process's own reply schema is not sent: the caller gets CLUSTR_INVALID_REPLY and the process reports it", async () => {
    const t = setup({ messages: { reply: Type.Integer(), requests: { resize: { reply: Type.Object({ area: Type.Integer() }) } } } });
    t.handlers.add('resize', () => Promise.resolve({ area: 'big' }));
    t.handlers.add(undefined, () => 'text');
    t.receive({ id: 'r.2' });
    t.receive({ id: 'r.1', method: 'resize' });
    await settle();
    expect(t.answers()).toEqual([
      { ok: false, error: { code: 'CLUSTR_INVALID_REPLY', message: '/data/body must be integer' } },
      { ok: false, error: { code: 'CLUSTR_INVALID_REPLY', message: '/data/body/area must be integer' } },
    ]);
    expect(t.reported.map(({ error, context }) => ({ code: (error as ClustrError).code, field: (error as ClustrError).field, message: error.message, context }))).toEqual([
      {
        code: 'CLUSTR_INVALID_REPLY',
        field: '/data/body',
        message: 'the handler of request r.2 returned a reply that does not match the reply schema: /data/body must be integer.',
        context: { event: 'request.reply', requestId: 'r.2' },
      },
      {
        code: 'CLUSTR_INVALID_REPLY',
        field: '/data/body/area',
        message: 'the handler of request r.1 (resize) returned a reply that does not match the reply schema: /data/body/area must be integer.',
        context: { event: 'request.reply', requestId: 'r.1' },
      },
    ]);
  });

  test('with trace off, receiving, answering and duplicates write no debug record', async () => {
    const t = setup({ trace: false });
    t.handlers.add(undefined, () => 1);
    t.receive();
    t.receive();
    t.receive({ id: 'r.2', method: 'none' });
    await settle();
    expect(t.answers()).toHaveLength(3);
    expect(t.records).toEqual([]);
  });
});

describe('refusals: the handler does not run', () => {
  test.each<[string, Incoming, boolean, DataOf<'reply'>]>([
    ['no handler for the unnamed method', {}, false, { ok: false, error: { code: 'CLUSTR_NO_HANDLER', message: 'no handler for requests without a method' } }],
    ['no handler for a method', { method: 'resize' }, false, { ok: false, error: { code: 'CLUSTR_NO_HANDLER', message: 'no handler for method "resize"' } }],
    ['picked from another group', { method: 'known', group: 'web' }, false, { ok: false, error: { code: 'CLUSTR_NO_MEMBER', message: 'this process is in group "jobs", not "web"' } }],
    ['picked from its group while it is stopping', { method: 'known', group: 'jobs' }, true, { ok: false, error: { code: 'CLUSTR_CLOSED', message: 'this process is stopping and takes no more requests' } }],
    ['a body its schema refuses', { method: 'known', body: 5 }, false, { ok: false, error: { code: 'CLUSTR_INVALID_DATA', message: '/data/body must be string' } }],
  ])('%s', (_label, incoming, stopping, answer) => {
    const t = setup({ messages: { requests: { known: { request: Type.String() } } } });
    let runs = 0;
    t.handlers.add('known', () => ++runs);
    t.state.stopping = stopping;
    t.receive(incoming);
    expect(t.answers()).toEqual([answer]);
    expect(runs).toBe(0);
    expect(t.stats).toMatchObject({ requestsReceived: 1, requestsReplied: 1 });
  });

  test('a stopping process still runs requests addressed to its pid, and those picked from its group when it is not stopping', () => {
    const t = setup();
    t.handlers.add(undefined, ({ id }) => id);
    t.receive({ id: 'r.1', group: 'jobs' });
    t.state.stopping = true;
    t.receive({ id: 'r.2' });
    expect(t.answers()).toEqual([
      { ok: true, body: 'r.1' },
      { ok: true, body: 'r.2' },
    ]);
  });
});

describe('each request runs once per caller run and id', () => {
  test('sent again while its handler runs: no answer; once answered: the same answer again, the handler not run again', async () => {
    const t = setup();
    const slow = later();
    t.handlers.add(undefined, slow.handler);
    t.receive();
    t.receive();
    expect(t.replies).toEqual([]);
    slow.resolve('done');
    await settle();
    t.receive();
    await settle();
    expect(slow.calls).toBe(1);
    expect(t.answers()).toEqual([
      { ok: true, body: 'done' },
      { ok: true, body: 'done' },
    ]);
    expect(t.replies.map((r) => [r.to, r.re])).toEqual([
      [3, 'r.1'],
      [3, 'r.1'],
    ]);
    expect(t.stats).toMatchObject({ requestsReceived: 1, requestsReplied: 1 });
    expect(t.events('request.duplicate')).toEqual([
      { event: 'request.duplicate', requestId: 'r.1', from: 3, answered: false },
      { event: 'request.duplicate', requestId: 'r.1', from: 3, answered: true },
    ]);
    expect(t.records.filter((r) => r.fields.event === 'request.duplicate').map((r) => r.msg)).toEqual(['request seen before; not run again', 'request seen before; not run again']);
  });

  test('the same id from another pid or another run of the same pid is another request; no instance is a run of its own', () => {
    const t = setup();
    let runs = 0;
    t.handlers.add(undefined, () => ++runs);
    t.receive({ pid: 3, instance: 'a' });
    t.receive({ pid: 4, instance: 'a' });
    t.receive({ pid: 3, instance: 'b' });
    t.receive({ pid: 3, instance: undefined });
    t.receive({ pid: 3, instance: undefined });
    expect(runs).toBe(4);
  });

  test('a request is remembered until a second after its caller stopped waiting, then it runs again', () => {
    const t = setup();
    let runs = 0;
    t.handlers.add(undefined, () => ++runs);
    t.receive({ id: 'short', timeout: 500 });
    t.receive({ id: 'default' });
    t.clock.advance(1_499);
    t.receive({ id: 'short', timeout: 500 });
    expect(runs).toBe(2);
    t.clock.advance(1);
    t.receive({ id: 'short', timeout: 500 });
    expect(runs).toBe(3);
    // The default timeout (2000 ms) when the request names none.
    t.clock.advance(2_999 - 1_500);
    t.receive({ id: 'default' });
    expect(runs).toBe(3);
    t.clock.advance(1);
    t.receive({ id: 'default' });
    expect(runs).toBe(4);
  });

  test('at most 50,000 requests are remembered: beyond, the oldest is forgotten first', () => {
    const t = setup({ trace: false });
    let runs = 0;
    t.handlers.add(undefined, () => ++runs);
    for (let i = 1; i <= 50_000; i++) t.receive({ id: `r.${i}` });
    expect(runs).toBe(50_000);
    // Checking r.2 makes room by forgetting r.1, the oldest.
    t.receive({ id: 'r.2' });
    expect(runs).toBe(50_000);
    t.receive({ id: 'r.1' });
    expect(runs).toBe(50_001);
  });

  test('a long stream keeps the latest 50,000: still recognised after the oldest have been forgotten many times over', () => {
    const t = setup({ trace: false });
    let runs = 0;
    t.handlers.add(undefined, () => ++runs);
    for (let i = 1; i <= 110_000; i++) t.receive({ id: `r.${i}` });
    expect(runs).toBe(110_000);
    // Remembered: r.60001 to r.110000. Checking r.60002 forgets r.60001 and finds r.60002.
    t.receive({ id: 'r.60002' });
    t.receive({ id: 'r.110000' });
    expect(runs).toBe(110_000);
    t.receive({ id: 'r.60001' });
    expect(runs).toBe(110_001);
  });

  test('a resent answer that cannot be published is dropped quietly', async () => {
    const t = setup();
    t.handlers.add(undefined, () => 1);
    t.receive();
    t.state.answers = 'by hand';
    t.receive();
    t.replies[1]!.fail(new Error('offline'));
    await settle();
    expect(t.reported).toEqual([]);
  });
});

describe('answers that cannot be written', () => {
  test.each(['CLUSTR_FRAME_TOO_LARGE', 'CLUSTR_NOT_SERIALIZABLE', 'CLUSTR_INVALID_FRAME'])('a reply refused with %s fails the request with that reason instead, and a resend gets the failure', async (code) => {
    const t = setup();
    t.handlers.add(undefined, () => 'x');
    t.state.answers = 'by hand';
    t.receive();
    t.replies[0]!.fail(new ClustrError(code as 'CLUSTR_FRAME_TOO_LARGE', 'too much'));
    await settle();
    const failed = { ok: false, error: { code, message: 'too much' } };
    expect(t.answers()).toEqual([{ ok: true, body: 'x' }, failed]);
    t.replies[1]!.fail(new Error('offline'));
    await settle();
    t.receive();
    expect(t.answers()[2]).toEqual(failed);
    expect(t.stats.requestsReplied).toBe(1);
  });

  test('a reply lost for another reason, or a failure that cannot be written, is not sent again', async () => {
    const t = setup();
    t.handlers.add('ok', () => 'x');
    t.handlers.add('fails', () => {
      throw new Error('no');
    });
    t.state.answers = 'by hand';
    t.receive({ id: 'r.1', method: 'ok' });
    t.receive({ id: 'r.2', method: 'fails' });
    t.replies[0]!.fail(new ClustrError('CLUSTR_REDIS_UNAVAILABLE', 'offline'));
    t.replies[1]!.fail(new ClustrError('CLUSTR_FRAME_TOO_LARGE', 'too much'));
    await settle();
    expect(t.replies).toHaveLength(2);
    // A resend is still answered with the handler's own answer.
    t.receive({ id: 'r.1', method: 'ok' });
    expect(t.answers()[2]).toEqual({ ok: true, body: 'x' });
  });
});

describe('drain', () => {
  test('with nothing running it resolves at once; from then on every request is refused, even one to its pid', async () => {
    const t = setup();
    t.handlers.add(undefined, () => 1);
    let drained = false;
    void t.handlers.drain().then(() => (drained = true));
    await settle();
    expect(drained).toBe(true);
    t.receive();
    expect(t.answers()).toEqual([{ ok: false, error: { code: 'CLUSTR_CLOSED', message: 'this process is stopping and takes no more requests' } }]);
  });

  test('waits for the running handlers to answer, refusing new requests meanwhile; then resolves and leaves no timer', async () => {
    const t = setup();
    const slow = later();
    t.handlers.add('slow', slow.handler);
    t.handlers.add('quick', () => 'quick');
    t.receive({ id: 'r.1', method: 'slow' });
    let drained = false;
    void t.handlers.drain().then(() => (drained = true));
    t.receive({ id: 'r.2', method: 'quick' });
    t.clock.advance(100);
    await settle();
    expect(drained).toBe(false);
    slow.resolve('slow done');
    await settle();
    expect(drained).toBe(true);
    expect(t.clock.pending).toBe(0);
    expect(t.answers()).toEqual([
      { ok: false, error: { code: 'CLUSTR_CLOSED', message: 'this process is stopping and takes no more requests' } },
      { ok: true, body: 'slow done' },
    ]);
  });

  test('waits for every running handler, not the first to finish', async () => {
    const t = setup();
    const first = later();
    const second = later();
    t.handlers.add('first', first.handler);
    t.handlers.add('second', second.handler);
    t.receive({ id: 'r.1', method: 'first' });
    t.receive({ id: 'r.2', method: 'second' });
    let drained = false;
    void t.handlers.drain().then(() => (drained = true));
    first.resolve(1);
    await settle();
    expect(drained).toBe(false);
    second.resolve(2);
    await settle();
    expect(drained).toBe(true);
  });

  test('a handler that throws counts as done too', async () => {
    const t = setup();
    const slow = later();
    t.handlers.add(undefined, slow.handler);
    t.receive();
    let drained = false;
    void t.handlers.drain().then(() => (drained = true));
    slow.reject(new Error('failed'));
    await settle();
    expect(drained).toBe(true);
  });

  test('gives up on a handler when its caller stops waiting: the latest deadline of the running ones, counted from when each arrived', async () => {
    const t = setup();
    const slow = later();
    t.handlers.add(undefined, slow.handler);
    t.receive({ id: 'r.1', timeout: 500 });
    t.clock.advance(50);
    t.receive({ id: 'r.2', timeout: 100 });
    t.clock.advance(50);
    let drained = false;
    void t.handlers.drain().then(() => (drained = true));
    t.clock.advance(399);
    await settle();
    expect(drained).toBe(false);
    t.clock.advance(1);
    await settle();
    expect(drained).toBe(true);
    // A handler that answers afterwards still sends its reply.
    slow.resolve('late');
    await settle();
    expect(t.answers()).toEqual([{ ok: true, body: 'late' }]);
  });

  test('the default timeout when the request names none; handlers that finished before do not count', async () => {
    const t = setup();
    const slow = later();
    t.handlers.add('slow', slow.handler);
    t.handlers.add('long', () => 'done');
    t.receive({ id: 'r.0', method: 'long', timeout: 60_000 });
    t.receive({ id: 'r.1', method: 'slow' });
    let drained = false;
    void t.handlers.drain().then(() => (drained = true));
    t.clock.advance(DEFAULT_TIMEOUT - 1);
    await settle();
    expect(drained).toBe(false);
    t.clock.advance(1);
    await settle();
    expect(drained).toBe(true);
  });

  test('a deadline of a handler that finished is forgotten once none runs', async () => {
    const t = setup();
    const first = later();
    t.handlers.add('first', first.handler);
    const second = later();
    t.handlers.add('second', second.handler);
    t.receive({ id: 'r.1', method: 'first', timeout: 60_000 });
    first.resolve(1);
    await settle();
    t.receive({ id: 'r.2', method: 'second', timeout: 100 });
    let drained = false;
    void t.handlers.drain().then(() => (drained = true));
    t.clock.advance(100);
    await settle();
    expect(drained).toBe(true);
  });

  test('drainLimit (the killTimeout) bounds the wait, when it is the shorter', async () => {
    for (const [limit, waited] of [
      [200, 200],
      [1_000, 500],
    ] as const) {
      const t = setup({ drainLimit: limit });
      t.handlers.add(undefined, later().handler);
      t.receive({ timeout: 500 });
      let drained = false;
      void t.handlers.drain().then(() => (drained = true));
      t.clock.advance(waited - 1);
      await settle();
      expect(drained).toBe(false);
      t.clock.advance(1);
      await settle();
      expect(drained).toBe(true);
    }
  });
});
