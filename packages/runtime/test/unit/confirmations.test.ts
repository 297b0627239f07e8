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

test('a confirmation listener that throws or rejects is reported to onError with its own context, the error as thrown', async () => {
  const c = await startCluster({ groups: ['web'] });
  const reported: Array<{ error: Error; context: unknown }> = [];
  c.master.onError((error, context) => reported.push({ error, context }));
  const thrownError = new Error('listener broke');
  const rejectedError = new TypeError('async listener broke');
  c.master.onConfirmation(1, 'sync', () => {
    throw thrownError;
  });
  c.master.onConfirmation(1, 'async', () => Promise.reject(rejectedError));
  c.master.onConfirmation(1, 'not-an-error', () => {
    throw 'a plain string';
  });

  for (const identifier of ['sync', 'async', 'not-an-error']) {
    await c.workers[0]!.emitConfirmation(identifier);
    await c.cluster.settle();
  }

  const context = { event: 'listener.threw', listener: 'onConfirmation' };
  expect(reported).toHaveLength(3);
  expect(reported[0]).toStrictEqual({ error: thrownError, context });
  expect(reported[1]).toStrictEqual({ error: rejectedError, context });
  // What was thrown is not an Error: it comes wrapped in one, its text as the message.
  expect(reported[2]!.context).toStrictEqual(context);
  expect(reported[2]!.error).toBeInstanceOf(Error);
  expect(reported[2]!.error.message).toBe('a plain string');
  // Logged once each, with the same context and the error.
  expect(c.logger.events('listener.threw')).toEqual(reported.map(({ error }) => ({ ...context, error })));
  expect(c.master.stats.listenerErrors).toBe(3);
  // A listener that failed still counts its batch as confirmed.
  expect(c.master.stats.successfulConfirmations).toBe(3);
  await c.cluster.close();
});

test('confirmations of other identifiers never count toward a batch, whatever the order they arrive in', async () => {
  const c = await startCluster({ groups: ['web', 'jobs'] });
  const [w0, w1] = c.workers as [Worker, Worker];
  const batches: Array<Array<[number, string]>> = [];
  c.master.onConfirmation(2, 'deploy', (messages) => batches.push(messages.map((m) => [m.meta.pid, m.data.identifier])));

  for (const [w, identifier] of [[w0, 'other'], [w0, 'deploy'], [w1, 'deploy-2'], [w1, 'Deploy'], [w1, 'deploy'], [w0, 'other'], [w0, 'deploy']] as const) {
    await w.emitConfirmation(identifier);
    await c.cluster.settle();
  }

  expect(batches).toEqual([
    [
      [w0.pid, 'deploy'],
      [w1.pid, 'deploy'],
    ],
  ]);
  expect(c.master.stats.receivedConfirmations).toBe(7);
  expect(c.master.stats.successfulConfirmations).toBe(1);
  await c.cluster.close();
});
