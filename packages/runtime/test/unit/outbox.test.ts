// The outbox on its own, with a publish whose answers the test gives: what a reconnect does to
// frames that were in flight, queued, or sent to channels nobody listens on.
import { createCodec } from '@clustr/protocol/core';
import type { Clock, TimerHandle } from '../../src/platform/platform';
import { Outbox } from '../../src/transport/outbox';
import { SequenceNumbers } from '../../src/transport/sequence';

function setup() {
  let now = 0;
  const timers = new Set<{ at: number; fn: () => void }>();
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const timer = { at: now + ms, fn };
      timers.add(timer);
      return timer as unknown as TimerHandle;
    },
    clearTimeout: (handle) => void timers.delete(handle as unknown as { at: number; fn: () => void }),
  };
  const advance = (ms: number): void => {
    now += ms;
    for (;;) {
      const due = [...timers].filter((t) => t.at <= now).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) return;
      timers.delete(due);
      due.fn();
    }
  };
  let ready = true;
  const published: Array<{ channel: string; raw: string; answer(receivers: number): void }> = [];
  const outbox = new Outbox({
    publish: (channel, raw) => new Promise<number>((resolve) => published.push({ channel, raw, answer: resolve })),
    codec: createCodec(),
    clock,
    seqs: new SequenceNumbers(() => now),
    signer: undefined,
    meta: { pid: 1, group: 'web' },
    nextId: () => 'b',
    coalesce: false,
    limits: { maxFrames: 100, maxBytes: 1 << 20, maxWait: 5_000 },
    isReady: () => ready,
    describeRedis: () => 'redis://127.0.0.1:6379',
  });
  const settled: string[] = [];
  const send = (channel: string, text: string): void => {
    void outbox.send(channel, text).then((n) => settled.push(`${text}:${n}`), (e: { code: string }) => settled.push(`${text}:${e.code}`));
  };
  const turn = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { outbox, published, settled, send, turn, advance, setReady: (value: boolean) => (ready = value), timers };
}

describe('Outbox after a reconnect', () => {
  test('a frame in flight at the loss, answered 0 as the connection comes back, does not mark its channel as unheard: what waited is retried until its receiver is back', async () => {
    const { outbox, published, settled, send, turn, advance, setReady } = setup();
    send('c', '{"n":1}');
    published.shift()!.answer(1);
    await turn();
    send('c', '{"n":2}'); // in flight when the connection drops
    setReady(false);
    outbox.lost();
    send('c', '{"n":3}'); // emitted during the outage: waits
    // ioredis resends frame 2 as it reconnects; the receivers have not resubscribed yet.
    published.shift()!.answer(0);
    await turn();
    setReady(true);
    outbox.recover();
    outbox.flush();
    await turn();
    expect(published.map((p) => p.raw)).toEqual([expect.stringContaining('"n":3')]);
    published.shift()!.answer(0);
    await turn();
    // Nobody heard frame 3 yet: it is sent again, not given up.
    expect(settled).toEqual(['{"n":1}:1', '{"n":2}:0']);
    advance(50);
    expect(published.map((p) => p.raw)).toEqual([expect.stringContaining('"n":3')]);
    published.shift()!.answer(1);
    await turn();
    expect(settled).toEqual(['{"n":1}:1', '{"n":2}:0', '{"n":3}:1']);
  });

  test('a channel whose last frame before the loss reached nobody is sent on as usual after it, not retried', async () => {
    const { outbox, published, settled, send, turn, setReady, timers } = setup();
    send('gone', '{"n":1}');
    published.shift()!.answer(0);
    await turn();
    setReady(false);
    outbox.lost();
    send('gone', '{"n":2}');
    setReady(true);
    outbox.recover();
    outbox.flush();
    await turn();
    published.shift()!.answer(0);
    await turn();
    expect(settled).toEqual(['{"n":1}:0', '{"n":2}:0']);
    expect(timers.size).toBe(0);
  });
});
