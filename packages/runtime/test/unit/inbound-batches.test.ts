// The inbound bound counts the frames a batch carries, not the message: a batch of many frames
// waiting must weigh as many frames against inboundQueue.maxFrames, or the backlog (and the
// latency behind it) would be as many times longer than the bound promises.
import { createCodec, type SingleFrame } from '@clustr/protocol/core';
import type { RejectedFrame } from '../../src/process/events';
import { Transport } from '../../src/transport/transport';
import { handClock, StubRedis } from './redis-stub';

const CH = 'ns:public';
const codec = createCodec();
const meta = { pid: 7, group: 'web', instance: 'sender' };
let seq = 0;
const frameText = (n: number): string => JSON.stringify({ v: 2, kind: 'public', id: `f-${n}`, meta, seq: ++seq, data: { n } });
const batchOf = (from: number, count: number): string =>
  codec.encodeBatch({ id: `b-${from}`, meta }, Array.from({ length: count }, (_, i) => frameText(from + i)));

test('a waiting batch counts each of its frames against inboundQueue.maxFrames', async () => {
  const clock = handClock(1_000_000);
  const got: number[] = [];
  const rejected: RejectedFrame[] = [];
  const transport = new Transport({
    publisher: new StubRedis(),
    subscriber: new StubRedis(),
    ownsPublisher: true,
    ownsSubscriber: true,
    clock,
    codec,
    replayWindow: 30_000,
    meta: { pid: 1, group: 'master', instance: 'me' },
    nextId: () => 'id',
    coalesce: false,
    offlineQueue: { maxFrames: 100, maxBytes: 1 << 20, maxWait: 5_000 },
    inboundQueue: { maxFrames: 10, maxBytes: 1 << 24 },
    redisLabel: 'redis://127.0.0.1:6379',
    onFrame: (frame: SingleFrame) => {
      const { n } = frame.data as { n: number };
      got.push(n);
      // The first frame uses up the turn's handler budget: what follows waits.
      if (n === 0) clock.advance(20);
    },
    onReject: (r) => rejected.push(r),
    onGap: () => undefined,
    onConnection: () => undefined,
  });
  transport.receive(CH, frameText(0));
  // Waiting: a batch of 6 frames, then one of 4 (10 frames: the bound), then one of 2 (over it).
  transport.receive(CH, batchOf(100, 6));
  transport.receive(CH, batchOf(200, 4));
  transport.receive(CH, batchOf(300, 2));
  expect(rejected.map((r) => [r.reason, r.message])).toEqual([['overloaded', 'overloaded: 10 frames or 16777216 bytes already wait to be handled']]);
  // A lone frame now would pass the bound as well.
  transport.receive(CH, frameText(400));
  expect(rejected).toHaveLength(2);
  await new Promise(setImmediate);
  expect(got).toEqual([0, 100, 101, 102, 103, 104, 105, 200, 201, 202, 203]);
  await transport.close(0);
});
