// Round-robin hand-off of connections by the master, on its own (the IPC and sockets are faked).
import { ManualClock } from '@clustr/testkit';
import { Distributor } from '../../src/net/distributor';
import { recordingLogger } from './helpers';

interface Fake {
  id: number;
}

function setup(options: { maxPending?: number; pendingTimeout?: number } = {}) {
  const clock = new ManualClock();
  const handed: Array<[number, number]> = [];
  const dropped: number[] = [];
  const refusing = new Set<number>();
  const failing = new Set<number>();
  const logger = recordingLogger();
  const distributor = new Distributor<Fake>({
    handOver: (pid, socket) => {
      if (refusing.has(pid)) return Promise.resolve(false);
      if (failing.has(pid)) return Promise.reject(new Error('channel closed'));
      handed.push([pid, socket.id]);
      return Promise.resolve(true);
    },
    drop: (socket) => dropped.push(socket.id),
    clock: clock.view(),
    logger,
    maxPending: options.maxPending ?? 3,
    pendingTimeout: options.pendingTimeout ?? 1_000,
  });
  let next = 0;
  const offer = (n = 1) => {
    for (let i = 0; i < n; i++) distributor.offer({ id: ++next });
  };
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return { clock, distributor, handed, dropped, refusing, failing, logger, offer, settle };
}

test('hands connections to the serving workers in turn: 16 over 4 is 4 each', async () => {
  const t = setup();
  for (const pid of [10, 11, 12, 13]) t.distributor.add(pid);
  t.offer(16);
  await t.settle();
  expect(t.handed.map(([pid]) => pid)).toEqual([10, 11, 12, 13, 10, 11, 12, 13, 10, 11, 12, 13, 10, 11, 12, 13]);
  expect([...t.distributor.handed.values()]).toEqual([4, 4, 4, 4]);
});

test('a worker that drains takes no new connection; the turn goes on among the others', async () => {
  const t = setup();
  for (const pid of [10, 11, 12]) t.distributor.add(pid);
  t.offer(2);
  t.distributor.remove(11);
  t.offer(4);
  await t.settle();
  expect(t.handed.map(([pid]) => pid)).toEqual([10, 11, 12, 10, 12, 10]);
  expect(t.distributor.workers).toEqual([10, 12]);
  // Adding one twice changes nothing.
  t.distributor.add(12);
  expect(t.distributor.workers).toEqual([10, 12]);
});

test('a connection a worker cannot take (gone, no channel) goes to the next one, and that worker leaves the turn', async () => {
  const t = setup();
  for (const pid of [10, 11]) t.distributor.add(pid);
  t.refusing.add(10);
  t.offer(3);
  await t.settle();
  await t.settle();
  // Connections are independent: which one arrives first at 11 does not matter, that all do.
  expect(t.handed.map(([pid, id]) => `${pid}:${id}`).sort()).toEqual(['11:1', '11:2', '11:3']);
  expect(t.distributor.workers).toEqual([11]);
  expect(t.dropped).toEqual([]);
});

test('while no worker serves, connections wait (bounded) and go to the first that does, in order', async () => {
  const t = setup({ maxPending: 3 });
  t.offer(4);
  expect(t.distributor.pending).toBe(3);
  expect(t.dropped).toEqual([4]);
  t.distributor.add(20);
  await t.settle();
  expect(t.handed).toEqual([
    [20, 1],
    [20, 2],
    [20, 3],
  ]);
  expect(t.distributor.pending).toBe(0);
});

test('a waiting connection is closed after pendingTimeout, exactly then', async () => {
  const t = setup({ pendingTimeout: 1_000 });
  const t0 = t.clock.now();
  t.offer();
  t.clock.set(t0 + 500);
  t.offer();
  while (t.clock.fireNext(t0 + 999));
  expect(t.dropped).toEqual([]);
  while (t.clock.fireNext(t0 + 1_000));
  expect(t.dropped).toEqual([1]);
  while (t.clock.fireNext(t0 + 1_499));
  expect(t.dropped).toEqual([1]);
  while (t.clock.fireNext(t0 + 1_500));
  expect(t.dropped).toEqual([1, 2]);
});

test('close() drops what waits and every later connection', async () => {
  const t = setup();
  t.offer(2);
  t.distributor.close();
  expect(t.dropped).toEqual([1, 2]);
  t.distributor.add(10);
  t.offer();
  await t.settle();
  expect(t.dropped).toEqual([1, 2, 3]);
  expect(t.handed).toEqual([]);
});

describe('a worker that leaves the rotation: the turn goes on from where it was', () => {
  // 10, 11, 12, 13 serve; two connections went to 10 and 11: 12 is next.
  async function afterTwo() {
    const t = setup();
    for (const pid of [10, 11, 12, 13]) t.distributor.add(pid);
    t.offer(2);
    await t.settle();
    t.handed.length = 0;
    return t;
  }
  const picks = async (t: ReturnType<typeof setup>, n: number) => {
    t.offer(n);
    await t.settle();
    return t.handed.map(([pid]) => pid);
  };

  test('one that already had its turn: the next is still the one that was next', async () => {
    const t = await afterTwo();
    t.distributor.remove(10);
    expect(await picks(t, 4)).toEqual([12, 13, 11, 12]);
  });

  test('the one that was next: the one after it takes its turn', async () => {
    const t = await afterTwo();
    t.distributor.remove(12);
    expect(await picks(t, 4)).toEqual([13, 10, 11, 13]);
  });

  test('one whose turn has not come yet: the next is still the one that was next', async () => {
    const t = await afterTwo();
    t.distributor.remove(13);
    expect(await picks(t, 4)).toEqual([12, 10, 11, 12]);
  });

  test('the last one, when the turn was at the end: the turn starts over at the first', async () => {
    const t = setup();
    for (const pid of [10, 11, 12]) t.distributor.add(pid);
    t.offer(3);
    await t.settle();
    t.handed.length = 0;
    t.distributor.remove(12);
    expect(await picks(t, 3)).toEqual([10, 11, 10]);
  });

  test('one that is not in the rotation: nothing changes', async () => {
    const t = await afterTwo();
    t.distributor.remove(99);
    expect(t.distributor.workers).toEqual([10, 11, 12, 13]);
    expect(await picks(t, 4)).toEqual([12, 13, 10, 11]);
  });
});

test('a hand-over that fails (the IPC send throws) goes to the next worker, and the failing one leaves the turn', async () => {
  const t = setup();
  for (const pid of [10, 11]) t.distributor.add(pid);
  t.failing.add(10);
  t.offer(3);
  await t.settle();
  await t.settle();
  expect(t.handed.map(([pid, id]) => `${pid}:${id}`).sort()).toEqual(['11:1', '11:2', '11:3']);
  expect(t.distributor.workers).toEqual([11]);
  expect(t.dropped).toEqual([]);
  expect(t.distributor.handed.get(10)).toBeUndefined();
  expect(t.distributor.handed.get(11)).toBe(3);
});

describe('log records', () => {
  test('a worker joining or leaving the rotation is logged (debug) with its pid and the rotation after the change', () => {
    const t = setup();
    t.distributor.add(10);
    t.distributor.add(11);
    t.distributor.add(11);
    t.distributor.remove(10);
    t.distributor.remove(10);
    const records = t.logger.records.filter((r) => String(r.fields.event).startsWith('distribution.'));
    expect(records.map((r) => [r.level, r.fields])).toEqual([
      ['debug', { event: 'distribution.add', pid: 10, workers: [10] }],
      ['debug', { event: 'distribution.add', pid: 11, workers: [10, 11] }],
      ['debug', { event: 'distribution.remove', pid: 10, workers: [11] }],
    ]);
    // Each record carries a message for people, naming the worker.
    expect(records.map((r) => r.msg)).toEqual([expect.stringContaining('10'), expect.stringContaining('11'), expect.stringContaining('10')]);
  });

  test('a connection closed because too many already wait is logged (warn) with how many wait', () => {
    const t = setup({ maxPending: 2 });
    t.offer(3);
    expect(t.dropped).toEqual([3]);
    const full = t.logger.records.filter((r) => r.fields.event === 'distribution.full');
    expect(full.map((r) => [r.level, r.fields])).toEqual([['warn', { event: 'distribution.full', pending: 2 }]]);
    expect(full[0]!.msg).toEqual(expect.stringContaining('2'));
  });
});

describe('the pending timer', () => {
  test('one timer serves every waiting connection, and none is left once a worker takes them', async () => {
    const t = setup({ pendingTimeout: 1_000 });
    const t0 = t.clock.now();
    t.offer();
    t.clock.set(t0 + 100);
    t.offer();
    t.clock.set(t0 + 200);
    t.offer();
    expect(t.clock.pending).toBe(1);
    t.distributor.add(10);
    expect(t.clock.pending).toBe(0);
    await t.settle();
    expect(t.handed.map(([, id]) => id)).toEqual([1, 2, 3]);
  });

  test('close() leaves no timer behind (a real one would keep the master alive for pendingTimeout)', () => {
    const t = setup({ pendingTimeout: 1_000 });
    t.offer(2);
    expect(t.clock.pending).toBe(1);
    t.distributor.close();
    expect(t.clock.pending).toBe(0);
    expect(t.clock.hasForeground()).toBe(false);
  });

  test('connections held again after a worker left wait their full pendingTimeout', () => {
    const t = setup({ pendingTimeout: 1_000 });
    const t0 = t.clock.now();
    t.offer();
    t.distributor.add(10);
    t.distributor.remove(10);
    t.clock.set(t0 + 600);
    t.offer();
    expect(t.clock.pending).toBe(1);
    while (t.clock.fireNext(t0 + 1_599));
    expect(t.dropped).toEqual([]);
    while (t.clock.fireNext(t0 + 1_600));
    expect(t.dropped).toEqual([2]);
    expect(t.clock.pending).toBe(0);
  });
});
