// onConfirmation: batches of `count`, per listener, with the sender of each confirmation.
import type { ConfirmationMessage, Worker } from '@clustr/runtime';
import { startCluster } from './helpers';

test('each listener fires every `count` confirmations of its identifier, with that batch', async () => {
  const c = await startCluster({ groups: ['web', 'web', 'jobs'] });
  const [w0, w1, w2] = c.workers as [Worker, Worker, Worker];
  const pairs: ConfirmationMessage[][] = [];
  const triples: number[][] = [];
  const singles: number[] = [];
  const offPairs = c.master.onConfirmation(2, 'deploy', (messages) => pairs.push(messages));
  c.master.onConfirmation(3, 'deploy', (messages) => triples.push(messages.map((m) => m.meta.pid)));
  c.master.onConfirmation(1, 'other', (messages) => singles.push(messages[0]!.meta.pid));

  for (const w of [w0, w1, w2, w0, w1]) {
    await w.emitConfirmation('deploy');
    await c.cluster.settle();
  }
  await w2.emitConfirmation('other');
  await c.cluster.settle();

  expect(pairs).toEqual([
    [
      { meta: { pid: w0.pid, group: 'web', instance: w0.instance }, data: { identifier: 'deploy' } },
      { meta: { pid: w1.pid, group: 'web', instance: w1.instance }, data: { identifier: 'deploy' } },
    ],
    [
      { meta: { pid: w2.pid, group: 'jobs', instance: w2.instance }, data: { identifier: 'deploy' } },
      { meta: { pid: w0.pid, group: 'web', instance: w0.instance }, data: { identifier: 'deploy' } },
    ],
  ]);
  expect(triples).toEqual([[w0.pid, w1.pid, w2.pid]]);
  expect(singles).toEqual([w2.pid]);
  expect(c.master.stats.receivedConfirmations).toBe(6);
  expect(c.master.stats.successfulConfirmations).toBe(4);

  // One more completes the second triple but, unsubscribed, no third pair.
  offPairs();
  await w2.emitConfirmation('deploy');
  await c.cluster.settle();
  expect(pairs).toHaveLength(2);
  expect(triples).toEqual([
    [w0.pid, w1.pid, w2.pid],
    [w0.pid, w1.pid, w2.pid],
  ]);
  expect(c.master.stats.successfulConfirmations).toBe(5);
  await c.cluster.close();
});

test('a throwing confirmation listener does not stop the next one', async () => {
  const c = await startCluster({ groups: ['web'] });
  const fired: string[] = [];
  c.master.onConfirmation(1, 'x', () => {
    fired.push('first');
    throw new Error('bad listener');
  });
  c.master.onConfirmation(1, 'x', () => fired.push('second'));
  await c.workers[0]!.emitConfirmation('x');
  await c.cluster.settle();
  expect(fired).toEqual(['first', 'second']);
  expect(c.master.stats.listenerErrors).toBe(1);
  expect(c.master.stats.successfulConfirmations).toBe(2);
  await c.cluster.close();
});

test('a process counts its own confirmations', async () => {
  const c = await startCluster({ groups: ['web'] });
  const got: number[] = [];
  c.master.onConfirmation(2, 'self', (messages) => got.push(...messages.map((m) => m.meta.pid)));
  await c.master.emitConfirmation('self');
  await c.workers[0]!.emitConfirmation('self');
  await c.cluster.settle();
  expect(got.sort()).toEqual([c.master.pid, c.workers[0]!.pid].sort());
  await c.cluster.close();
});
