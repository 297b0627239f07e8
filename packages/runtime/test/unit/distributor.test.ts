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
  const distributor = new Distributor<Fake>({
    handOver: (pid, socket) => {
      if (refusing.has(pid)) return Promise.resolve(false);
      handed.push([pid, socket.id]);
      return Promise.resolve(true);
    },
    drop: (socket) => dropped.push(socket.id),
    clock: clock.view(),
    logger: recordingLogger(),
    maxPending: options.maxPending ?? 3,
    pendingTimeout: options.pendingTimeout ?? 1_000,
  });
  let next = 0;
  const offer = (n = 1) => {
    for (let i = 0; i < n; i++) distributor.offer({ id: ++next });
  };
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return { clock, distributor, handed, dropped, refusing, offer, settle };
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
