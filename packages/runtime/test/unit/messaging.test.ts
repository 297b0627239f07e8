// Listeners and emitters of the shared Master/Worker API, on an in-process cluster.
import { Type } from '@sinclair/typebox';
import { createTestCluster } from '@clustr/testkit';
import { ClustrError } from '@clustr/protocol';
import type { ClusterProcess, Message, Worker } from '@clustr/runtime';
import { rejection, startCluster, thrown, type Started } from './helpers';

type Received = { at: number; kind: 'public' | 'private' | 'group'; message: Message };

/** Records every user message each process receives. */
function listenAll(processes: ClusterProcess[]): Received[] {
  const received: Received[] = [];
  for (const p of processes) {
    p.onPublic((message) => received.push({ at: p.pid, kind: 'public', message }));
    p.onPrivate((message) => received.push({ at: p.pid, kind: 'private', message }));
    p.onGroup((message) => received.push({ at: p.pid, kind: 'group', message }));
  }
  return received;
}

function receivers(received: Received[]): number[] {
  return received.map((r) => r.at).sort((a, b) => a - b);
}

describe('message routing', () => {
  let c: Started;
  let received: Received[];
  beforeEach(async () => {
    c = await startCluster({ groups: ['web', 'web', 'jobs'] });
    received = listenAll([c.master, ...c.workers]);
    await c.cluster.settle();
  });
  afterEach(() => c.cluster.close());

  test('a public message reaches every process, the sender included, as { meta, data }', async () => {
    const [web1, web2, jobs] = c.workers as [Worker, Worker, Worker];
    await expect(web1.emitPublic({ n: 1 })).resolves.toBe(4);
    await c.cluster.settle();
    expect(receivers(received)).toEqual([c.master.pid, web1.pid, web2.pid, jobs.pid].sort((a, b) => a - b));
    for (const r of received) {
      expect(r.kind).toBe('public');
      expect(r.message).toEqual({ meta: { pid: web1.pid, group: 'web', instance: web1.instance }, data: { n: 1 } });
    }
  });

  test('a group message reaches only that group, the sender included when it is a member', async () => {
    const [web1, web2, jobs] = c.workers as [Worker, Worker, Worker];
    await expect(jobs.emitGroup('web', 'from jobs')).resolves.toBe(2);
    await c.cluster.settle();
    expect(receivers(received)).toEqual([web1.pid, web2.pid].sort((a, b) => a - b));
    expect(received.map((r) => r.message)).toEqual([
      { meta: { pid: jobs.pid, group: 'jobs', instance: jobs.instance }, data: 'from jobs' },
      { meta: { pid: jobs.pid, group: 'jobs', instance: jobs.instance }, data: 'from jobs' },
    ]);

    received.length = 0;
    await web1.emitGroup('web', 'own group');
    await c.cluster.settle();
    expect(receivers(received)).toEqual([web1.pid, web2.pid].sort((a, b) => a - b));
    expect(received.every((r) => r.kind === 'group')).toBe(true);
  });

  test('a private message reaches only its target; an unknown pid reaches nobody', async () => {
    const [web1, web2] = c.workers as [Worker, Worker];
    await expect(c.master.emitPrivate(web2.pid, [1, 2])).resolves.toBe(1);
    await c.cluster.settle();
    expect(received).toEqual([{ at: web2.pid, kind: 'private', message: { meta: { pid: c.master.pid, group: 'master', instance: c.master.instance }, data: [1, 2] } }]);

    received.length = 0;
    await web1.emitPrivate(c.master.pid, null);
    await c.cluster.settle();
    expect(received).toEqual([{ at: c.master.pid, kind: 'private', message: { meta: { pid: web1.pid, group: 'web', instance: web1.instance }, data: null } }]);

    received.length = 0;
    await expect(c.master.emitPrivate(99_999, 'nobody')).resolves.toBe(0);
    await c.cluster.settle();
    expect(received).toEqual([]);
  });

  test('the function a listener returns removes it, and only it', async () => {
    const [web1] = c.workers as [Worker];
    const calls: string[] = [];
    const offA = web1.onPublic(() => calls.push('a'));
    web1.onPublic(() => calls.push('b'));
    await c.master.emitPublic(1);
    await c.cluster.settle();
    offA();
    offA();
    await c.master.emitPublic(2);
    await c.cluster.settle();
    expect(calls).toEqual(['a', 'b', 'b']);
  });

  test('generic on()/emit() behave as the named methods', async () => {
    const [web1, web2] = c.workers as [Worker, Worker];
    const got: Array<[string, unknown]> = [];
    web2.on('public', ({ data }) => got.push(['public', data]));
    web2.on('private', ({ data }) => got.push(['private', data]));
    web2.on('group', ({ data }) => got.push(['group', data]));
    await web1.emit('public', 'p');
    await web1.emit('private', web2.pid, 'q');
    await web1.emit('group', 'web', 'g');
    await c.cluster.settle();
    expect(got).toEqual([
      ['public', 'p'],
      ['private', 'q'],
      ['group', 'g'],
    ]);
    expect(web1.stats).toMatchObject({ emitPublic: 1, emitPrivate: 1, emitGroup: 1 });

    const confirmed: number[] = [];
    c.master.onConfirmation(1, 'ok', (messages) => confirmed.push(messages[0]!.meta.pid));
    await web1.emit('confirmation', 'ok');
    await c.cluster.settle();
    expect(confirmed).toEqual([web1.pid]);

    const killed: string[] = [];
    web2.on('kill', (done) => {
      killed.push('hook');
      done();
    });
    await web1.emit('kill', web2.pid, 3);
    await c.cluster.until(() => c.cluster.process(web2.pid).state === 'exited');
    expect(killed).toEqual(['hook']);
    expect(c.cluster.process(web2.pid).exit).toEqual({ code: 3, signal: null });

    const errors: string[] = [];
    web1.on('error', (error) => errors.push(error.message));
    c.cluster.server.inject(`${c.cluster.namespace}:public`, 'garbage');
    await c.cluster.settle();
    expect(errors).toHaveLength(1);

    // on() returns no promise and throws; emit() returns one and rejects.
    for (const error of [thrown(() => web1.on('nope' as 'public', () => undefined)), await rejection(() => web1.emit('nope' as 'public', 1))]) {
      expect(error).toBeInstanceOf(ClustrError);
      expect(error).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'kind' });
    }
  });

  test('a throwing listener is reported to onError and counted; the other listeners still run', async () => {
    const [web1] = c.workers as [Worker];
    const order: string[] = [];
    const errors: Array<{ message: string; context: unknown }> = [];
    web1.onError((error, context) => errors.push({ message: error.message, context }));
    web1.onPublic(() => {
      order.push('first');
      throw new Error('boom');
    });
    web1.onPublic(() => order.push('second'));
    web1.onGroup(() => {
      throw 'not an error object';
    });
    web1.onGroup(() => order.push('group'));
    await c.master.emitPublic('x');
    await c.master.emitGroup('web', 'y');
    await c.cluster.settle();
    expect(order).toEqual(['first', 'second', 'group']);
    expect(errors).toEqual([
      { message: 'boom', context: { event: 'listener.threw', listener: 'onPublic' } },
      { message: 'not an error object', context: { event: 'listener.threw', listener: 'onGroup' } },
    ]);
    expect(web1.stats.listenerErrors).toBe(2);
    expect(web1.stats.onMessage).toBe(2);

    // A throwing onError handler is itself contained.
    web1.onError(() => {
      throw new Error('handler broke');
    });
    await c.master.emitPublic('z');
    await c.cluster.settle();
    expect(order).toEqual(['first', 'second', 'group', 'first', 'second']);
    expect(web1.stats.listenerErrors).toBe(3);
    expect(web1.status).toBe('running');
  });

  test('listener registration checks its argument', () => {
    const [web1] = c.workers as [Worker];
    const register = [
      () => web1.onPublic(undefined as never),
      () => web1.onPrivate('x' as never),
      () => web1.onGroup(null as never),
      () => web1.onKill(1 as never),
      () => web1.onError({} as never),
      () => web1.onChildSpawn(undefined as never),
      () => web1.onChildExit(undefined as never),
      () => web1.onChildGaveUp(undefined as never),
      () => web1.onConfirmation(1, 'id', undefined as never),
    ];
    for (const call of register) expect(thrown(call)).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'handler' });
  });
});

describe('emitter argument errors', () => {
  let c: Started;
  beforeAll(async () => {
    c = await startCluster({ groups: ['web'] });
  });
  afterAll(() => c.cluster.close());

  test.each([0, -1, 1.5, Number.NaN, '12', undefined])('emitPrivate(%p) rejects with CLUSTR_INVALID_ARGUMENT naming pid', async (pid) => {
    const error = await rejection(() => c.master.emitPrivate(pid as number, 'x'));
    expect(error).toBeInstanceOf(ClustrError);
    expect(error).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'pid' });
    expect(c.master.stats.emitPrivate).toBe(0);
  });

  test.each([-1, 256, 1.5, Number.NaN])('emitKill with exit code %p rejects naming exitCode', async (code) => {
    expect(await rejection(() => c.master.emitKill(c.workers[0]!.pid, code))).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'exitCode' });
  });

  test('emitKill accepts exit codes 0 and 255 and needs a valid pid', async () => {
    expect(await rejection(() => c.master.emitKill(0, 0))).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'pid' });
    // Nobody listens on these private channels: nothing is killed, but the calls are valid.
    await expect(c.master.emitKill(99_998, 0)).resolves.toBe(0);
    await expect(c.master.emitKill(99_998, 255)).resolves.toBe(0);
  });

  test.each(['', 'x'.repeat(257), 7, undefined])('emitConfirmation(%p) rejects naming identifier', async (identifier) => {
    expect(await rejection(() => c.master.emitConfirmation(identifier as string))).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'identifier' });
  });

  test('emitConfirmation accepts an identifier of 256 characters', async () => {
    const long = 'x'.repeat(256);
    const got: string[] = [];
    c.workers[0]!.onConfirmation(1, long, (messages) => got.push(messages[0]!.data.identifier));
    await c.cluster.settle();
    await c.master.emitConfirmation(long);
    await c.cluster.settle();
    expect(got).toEqual([long]);
  });

  test('emitGroup with a bad group name rejects with CLUSTR_INVALID_NAME', async () => {
    expect(await rejection(() => c.master.emitGroup('no spaces', 1))).toMatchObject({ code: 'CLUSTR_INVALID_NAME', field: 'group' });
    expect(await rejection(() => c.master.emitGroup('a:b', 1))).toMatchObject({ code: 'CLUSTR_INVALID_NAME' });
  });

  test('onConfirmation checks count and identifier', () => {
    for (const count of [0, -1, 1.5, Number.NaN]) {
      expect(thrown(() => c.master.onConfirmation(count, 'id', () => undefined))).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'count' });
    }
    expect(thrown(() => c.master.onConfirmation(1, '', () => undefined))).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'identifier' });
  });

  test('emitClusterInfo needs a function', () => {
    expect(thrown(() => c.master.emitClusterInfo(undefined as never))).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'handler' });
  });
});

describe('typed messages (TypeBox schemas)', () => {
  const messages = {
    public: Type.Object({ n: Type.Integer({ minimum: 0 }), tags: Type.Optional(Type.Array(Type.String())) }, { additionalProperties: false }),
    private: Type.String({ maxLength: 5 }),
    group: Type.Union([Type.Literal('start'), Type.Literal('stop')]),
  };

  test('emitting data that violates a schema rejects with CLUSTR_INVALID_DATA naming the path, and sends nothing', async () => {
    const cluster = createTestCluster({ clock: 'manual' });
    const master = cluster.createMaster({ messages });
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => master.emitPublic({ n: -1 }), '/data/n'],
      [() => master.emitPublic({ n: 1, tags: ['ok', 2] } as never), '/data/tags/1'],
      [() => master.emitPublic({ n: 1, extra: true } as never), '/data/extra'],
      [() => master.emitPublic({} as never), '/data/n'],
      [() => master.emitPrivate(master.pid, 'too long'), '/data'],
      [() => master.emitGroup('web', 'pause' as never), '/data'],
      [() => master.emit('public', { n: 'x' } as never), '/data/n'],
    ];
    for (const [call, path] of cases) {
      const error: unknown = await rejection(call);
      expect(error).toBeInstanceOf(ClustrError);
      expect(error).toMatchObject({ code: 'CLUSTR_INVALID_DATA', field: path });
      expect((error as Error).message).toContain(path);
    }
    expect(((await rejection(() => master.emitGroup('web', 'pause' as never))) as Error).message).toMatch(/^emitGroup: .*messages\.group/);
    expect(master.stats.emitPublic + master.stats.emitPrivate + master.stats.emitGroup).toBe(0);
    const got: unknown[] = [];
    master.onPublic(({ data }) => got.push(data));
    await cluster.settle();
    await master.emitPublic({ n: 0, tags: ['a'] });
    await cluster.settle();
    expect(got).toEqual([{ n: 0, tags: ['a'] }]);
    await cluster.close();
  });

  test('a receiver with a schema drops data that violates it, even from a sender without one', async () => {
    const cluster = createTestCluster({ clock: 'manual' });
    const typed = cluster.createWorker({ group: 'typed', messages });
    const loose = cluster.createWorker({ group: 'loose' });
    await cluster.settle();
    const got: unknown[] = [];
    typed.onPublic(({ data }) => got.push(data));
    typed.onPrivate(({ data }) => got.push(data));
    await loose.emitPublic({ n: 'not a number' });
    await loose.emitPrivate(typed.pid, 'way too long');
    await loose.emitPublic({ n: 2 });
    await cluster.settle();
    expect(got).toEqual([{ n: 2 }]);
    expect(typed.stats.rejectedFrames).toEqual({ invalid_data: 2 });
    expect(typed.stats.onMessage).toBe(1);
    await cluster.close();
  });
});
