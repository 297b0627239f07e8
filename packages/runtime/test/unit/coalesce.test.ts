// Frame coalescing (`coalesce: true`): frames one process emits for one channel in the same tick
// travel as one batch; each is still checked, numbered and delivered on its own.
import { Type } from '@sinclair/typebox';
import { channels, createCodec, decode } from '@clustr/protocol';
import { FakeRedis } from '@clustr/testkit';
import { MAX_BATCH_BYTES } from '../../src/transport/outbox';
import { startCluster, type Started } from './helpers';

/** Everything published in the cluster's namespace, as decoded frames, in order. */
async function tap(c: Started): Promise<{ frames: Array<{ channel: string; kind: string; items: number }>; close(): void }> {
  const client = new FakeRedis({ server: c.cluster.server });
  const frames: Array<{ channel: string; kind: string; items: number }> = [];
  await client.psubscribe(`${c.cluster.namespace}:*`);
  client.on('pmessage', (_pattern, channel, raw) => {
    const result = decode(raw);
    if (result.ok) frames.push({ channel, kind: result.frame.kind, items: result.frame.kind === 'batch' ? result.frame.data.length : 1 });
  });
  return { frames, close: () => client.disconnect() };
}

test('frames emitted for one channel in the same tick travel as one batch, and arrive one by one, in order', async () => {
  const c = await startCluster({ groups: ['web'], master: { coalesce: true } });
  const w = c.workers[0]!;
  const got: unknown[] = [];
  w.onPrivate(({ data }) => got.push(data));
  const wire = await tap(c);
  const sent = Array.from({ length: 50 }, (_, i) => c.master.emitPrivate(w.pid, i));
  // One publish to two receivers (the worker and the tap): every emit resolves with its count.
  expect(await Promise.all(sent)).toEqual(Array(50).fill(2));
  await c.cluster.settle();
  const toWorker = wire.frames.filter((f) => f.channel === channels(c.cluster.namespace).private(w.pid));
  expect(toWorker).toEqual([{ channel: channels(c.cluster.namespace).private(w.pid), kind: 'batch', items: 50 }]);
  expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i));
  expect(c.master.stats.emitPrivate).toBe(50);
  expect(w.stats).toMatchObject({ onPrivate: 50, missedFrames: 0, rejectedFrames: {} });
  wire.close();
  await c.cluster.close();
});

test('a lone frame is not delayed: it is published, alone, before the tick ends', async () => {
  const c = await startCluster({ groups: ['web'], master: { coalesce: true } });
  const w = c.workers[0]!;
  const wire = await tap(c);
  let tickOver = false;
  setImmediate(() => (tickOver = true));
  await expect(c.master.emitPrivate(w.pid, 'alone')).resolves.toBe(2);
  await c.cluster.redisClients(c.master.pid)[0]!.ping();
  expect(tickOver).toBe(false);
  expect(wire.frames.filter((f) => f.kind !== 'heartbeat')).toContainEqual({ channel: channels(c.cluster.namespace).private(w.pid), kind: 'private', items: 1 });
  wire.close();
  await c.cluster.close();
});

test('frames for different channels in one tick go in one batch per channel, each channel in its order', async () => {
  const c = await startCluster({ groups: ['web', 'jobs'], master: { coalesce: true } });
  const [web, jobs] = c.workers as [Started['workers'][0], Started['workers'][0]];
  const got: Record<string, unknown[]> = { web: [], jobs: [] };
  web.onPrivate(({ data }) => got['web']!.push(data));
  jobs.onPrivate(({ data }) => got['jobs']!.push(data));
  const wire = await tap(c);
  await Promise.all([1, 2, 3].flatMap((n) => [c.master.emitPrivate(web.pid, `w${n}`), c.master.emitPrivate(jobs.pid, `j${n}`)]));
  await c.cluster.settle();
  expect(got).toEqual({ web: ['w1', 'w2', 'w3'], jobs: ['j1', 'j2', 'j3'] });
  expect(wire.frames.filter((f) => f.kind === 'batch').map((f) => f.items)).toEqual([3, 3]);
  wire.close();
  await c.cluster.close();
});

test('one bad frame in a batch is dropped alone and counted; the others are delivered', async () => {
  const c = await startCluster({ groups: ['web'], worker: { messages: { private: Type.Integer() } } });
  const w = c.workers[0]!;
  const got: unknown[] = [];
  w.onPrivate(({ data }) => got.push(data));
  await c.cluster.settle();
  const meta = { pid: 4242, group: 'outside', instance: 'outside1' };
  const frame = (seq: number, data: unknown) => JSON.stringify({ v: 2, kind: 'private', id: `o.${seq}`, meta, seq, data });
  const codec = createCodec();
  const batch = codec.encodeBatch({ id: 'o.b', meta }, [frame(1, 1), frame(2, 'not an integer'), frame(3, 3), JSON.stringify({ v: 2, kind: 'private', id: 'x', meta: { ...meta, pid: 1 }, seq: 4, data: 4 }), frame(5, 5)]);
  c.cluster.server.inject(channels(c.cluster.namespace).private(w.pid), batch);
  await c.cluster.settle();
  expect(got).toEqual([1, 3, 5]);
  expect(w.stats.rejectedFrames).toEqual({ invalid_data: 1, invalid_frame: 1 });
  // The frame from another sender inside the batch took seq 4: the batch's own stream shows no gap.
  expect(w.stats.missedFrames).toBe(1);
  await c.cluster.close();
});

test('a batch lost on the way counts every frame it carried as missed, once the next one arrives', async () => {
  const c = await startCluster({ groups: ['web'], master: { coalesce: true } });
  const w = c.workers[0]!;
  const got: unknown[] = [];
  w.onPrivate(({ data }) => got.push(data));
  const channel = channels(c.cluster.namespace).private(w.pid);
  await c.master.emitPrivate(w.pid, 'first');
  await c.cluster.settle();
  c.cluster.server.holdChannel(channel);
  await Promise.all([1, 2, 3, 4].map((n) => c.master.emitPrivate(w.pid, n)));
  expect(c.cluster.server.releaseChannel(channel, { discard: true })).toBe(1);
  await c.master.emitPrivate(w.pid, 'after');
  await c.cluster.settle();
  expect(got).toEqual(['first', 'after']);
  expect(w.stats.missedFrames).toBe(4);
  await c.cluster.close();
});

test('batches stay under maxFrameBytes: frames that do not fit together go in several batches', async () => {
  const c = await startCluster({ groups: ['web'], master: { coalesce: true, maxFrameBytes: 4096 }, worker: { maxFrameBytes: 4096 } });
  const w = c.workers[0]!;
  const got: unknown[] = [];
  w.onPrivate(({ data }) => got.push(data));
  const wire = await tap(c);
  const payload = (n: number) => `${n}:${'x'.repeat(1000)}`;
  await Promise.all(Array.from({ length: 10 }, (_, n) => c.master.emitPrivate(w.pid, payload(n))));
  await c.cluster.settle();
  expect(got).toEqual(Array.from({ length: 10 }, (_, n) => payload(n)));
  const sizes = wire.frames.filter((f) => f.channel === channels(c.cluster.namespace).private(w.pid)).map((f) => f.items);
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
  expect(sizes.length).toBeGreaterThan(2);
  expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
  wire.close();
  await c.cluster.close();
});

test(`a batch carries at most MAX_BATCH_BYTES (64 KiB) even when frames may be larger: a subscriber with a small Redis output buffer is not dropped for every batch`, async () => {
  const c = await startCluster({ groups: ['web'], master: { coalesce: true } });
  const w = c.workers[0]!;
  const got: unknown[] = [];
  w.onPrivate(({ data }) => got.push(data));
  const sizes: number[] = [];
  const client = new FakeRedis({ server: c.cluster.server });
  await client.psubscribe(`${c.cluster.namespace}:*`);
  client.on('pmessage', (_pattern: string, channel: string, raw: string) => {
    if (channel === channels(c.cluster.namespace).private(w.pid)) sizes.push(Buffer.byteLength(raw));
  });
  const payload = (n: number) => `${n}:${'x'.repeat(1000)}`;
  await Promise.all(Array.from({ length: 300 }, (_, n) => c.master.emitPrivate(w.pid, payload(n))));
  await c.cluster.settle();
  expect(got).toEqual(Array.from({ length: 300 }, (_, n) => payload(n)));
  // 300 frames of about 1.1 KB (330 KB in all): several batches, none past 64 KiB (the room a
  // frame takes is counted at 3 bytes per character until the batch is nearly full).
  expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
  expect(sizes.length).toBeGreaterThanOrEqual(Math.ceil((300 * 1_100) / MAX_BATCH_BYTES));
  expect(sizes.length).toBeLessThan(300 / 10);
  client.disconnect();
  await c.cluster.close();
});
