// The outbox on its own, with a publish whose answers the test gives: what a reconnect does to
// frames that were in flight, queued, or sent to channels nobody listens on; the offline queue's
// bounds; coalescing, sequence numbers and signing; closing.
import { ClustrError, MAX_BATCH_FRAMES, createCodec, createSigner, type Codec, type FrameSigner } from '@clustr/protocol/core';
import type { Clock, TimerHandle } from '../../src/platform/platform';
import { MAX_BATCH_BYTES, MAX_UNHEARD, Outbox, type OfflineQueueOptions } from '../../src/transport/outbox';
import { SequenceNumbers } from '../../src/transport/sequence';

interface SetupOptions {
  coalesce?: boolean;
  signer?: FrameSigner | undefined;
  codec?: Codec;
  limits?: OfflineQueueOptions;
  /** Clock time at the start. */
  now?: number;
  /** Give the outbox a `corked` that records what is published inside it. */
  corked?: boolean;
}

const META = { pid: 1, group: 'web' };
const REDIS = 'redis://127.0.0.1:6379';

function setup(options: SetupOptions = {}) {
  let now = options.now ?? 0;
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
  let ids = 0;
  const published: Array<{ channel: string; raw: string; corked: boolean; answer(receivers: number): void; refuse(error: Error): void }> = [];
  let inCork = false;
  let corks = 0;
  const outbox = new Outbox({
    publish: (channel, raw) => new Promise<number>((resolve, reject) => published.push({ channel, raw, corked: inCork, answer: resolve, refuse: reject })),
    ...(options.corked === true
      ? {
          corked: (write: () => void) => {
            corks++;
            inCork = true;
            try {
              write();
            } finally {
              inCork = false;
            }
          },
        }
      : {}),
    codec: options.codec ?? createCodec(),
    clock,
    seqs: new SequenceNumbers(() => now),
    signer: options.signer,
    meta: META,
    nextId: () => `b${++ids}`,
    coalesce: options.coalesce ?? false,
    limits: { maxFrames: 100, maxBytes: 1 << 20, maxWait: 5_000, ...options.limits },
    isReady: () => ready,
    describeRedis: () => REDIS,
  });
  const settled: string[] = [];
  /** The error each rejected frame got, by its text. */
  const errors = new Map<string, Error>();
  const send = (channel: string, text: string): void => {
    void outbox.send(channel, text).then(
      (n) => settled.push(`${text}:${n}`),
      (e: Error & { code: string }) => {
        errors.set(text, e);
        settled.push(`${text}:${e.code}`);
      },
    );
  };
  const turn = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  /** Moves the clock 1 ms at a time until something is published: how long that took. */
  const untilPublished = (limit = 10_000): number => {
    let waited = 0;
    while (published.length === 0) {
      if (waited === limit) throw new Error(`nothing published within ${limit} ms`);
      advance(1);
      waited++;
    }
    return waited;
  };
  /** A reconnect as the transport makes it: lost, then ready with receivers still resubscribing. */
  const reconnect = (): void => {
    ready = false;
    outbox.lost();
    ready = true;
    outbox.recover();
    outbox.flush();
  };
  return {
    outbox,
    corks: () => corks,
    published,
    settled,
    errors,
    send,
    turn,
    advance,
    untilPublished,
    reconnect,
    setReady: (value: boolean) => (ready = value),
    timers,
    now: () => now,
  };
}

/** A frame's text as the encoder writes it: a JSON object. */
const f = (n: number | string): string => `{"n":${JSON.stringify(n)}}`;

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

describe('Outbox.send()', () => {
  test('while ready, a frame goes to Redis at once with the next sequence number of its channel, and resolves to the receivers Redis counted', async () => {
    const { published, settled, send, turn } = setup();
    send('c', f(1));
    expect(published.map((p) => [p.channel, p.raw])).toEqual([['c', '{"n":1,"seq":1}']]);
    send('c', f(2));
    send('d', f(3));
    expect(published.map((p) => [p.channel, p.raw])).toEqual([
      ['c', '{"n":1,"seq":1}'],
      ['c', '{"n":2,"seq":2}'],
      ['d', '{"n":3,"seq":1}'],
    ]);
    published[0]!.answer(2);
    published[1]!.answer(0);
    published[2]!.answer(5);
    await turn();
    expect(settled).toEqual(['{"n":1}:2', '{"n":2}:0', '{"n":3}:5']);
  });

  test('without a reconnect, a frame that reaches nobody resolves 0 at once: it is not sent again', async () => {
    const { published, settled, send, turn, timers, advance } = setup();
    send('c', f(1));
    published.shift()!.answer(0);
    await turn();
    expect(settled).toEqual(['{"n":1}:0']);
    expect(timers.size).toBe(0);
    advance(10_000);
    expect(published).toEqual([]);
  });

  test('a publish Redis refuses rejects its frame with that error', async () => {
    const { published, send, turn, errors } = setup();
    send('c', f(1));
    const refused = new Error('NOPERM');
    published.shift()!.refuse(refused);
    await turn();
    expect(errors.get(f(1))).toBe(refused);
  });

  test('while not ready, frames wait, counted in queued, and go in the order emitted once flushed', async () => {
    const { outbox, published, send, setReady, timers } = setup();
    setReady(false);
    send('c', f(1));
    send('d', f(22));
    send('c', f(3));
    expect(published).toEqual([]);
    expect(outbox.queued).toEqual({ frames: 3, bytes: 7 + 8 + 7 });
    setReady(true);
    outbox.flush();
    expect(published.map((p) => [p.channel, p.raw])).toEqual([
      ['c', '{"n":1,"seq":1}'],
      ['d', '{"n":22,"seq":1}'],
      ['c', '{"n":3,"seq":2}'],
    ]);
    expect(outbox.queued).toEqual({ frames: 0, bytes: 0 });
    // The timer of the oldest waiting frame is gone with it.
    expect(timers.size).toBe(0);
  });

  test('a frame emitted once the connection is ready but before the flush waits behind those already waiting', () => {
    const { outbox, published, send, setReady } = setup();
    setReady(false);
    send('c', f(1));
    setReady(true);
    send('c', f(2));
    expect(published).toEqual([]);
    expect(outbox.queued.frames).toBe(2);
    outbox.flush();
    expect(published.map((p) => p.raw)).toEqual(['{"n":1,"seq":1}', '{"n":2,"seq":2}']);
  });

  test('flush() with nothing waiting publishes nothing', () => {
    const { outbox, published } = setup();
    outbox.flush();
    expect(published).toEqual([]);
    expect(outbox.queued).toEqual({ frames: 0, bytes: 0 });
  });

  test('after close(), a send rejects at once with CLUSTR_CLOSED and publishes nothing', async () => {
    const { outbox, published, send, turn, errors } = setup();
    outbox.close(new Error('closing'));
    send('c', f(1));
    await turn();
    expect(published).toEqual([]);
    expect(errors.get(f(1))).toMatchObject({ code: 'CLUSTR_CLOSED', message: 'cannot publish: this process has been closed.' });
    expect(errors.get(f(1))).toBeInstanceOf(ClustrError);
  });
});

describe('Outbox offline queue bound', () => {
  test('maxFrames frames may wait; the next is refused with CLUSTR_OFFLINE_QUEUE_FULL naming offlineQueue.maxFrames', async () => {
    const { outbox, published, send, turn, setReady, errors } = setup({ limits: { maxFrames: 3 } });
    setReady(false);
    for (let n = 1; n <= 4; n++) send('c', f(n));
    await turn();
    expect(outbox.queued).toEqual({ frames: 3, bytes: 21 });
    const error = errors.get(f(4));
    expect(error).toBeInstanceOf(ClustrError);
    expect(error).toMatchObject({
      code: 'CLUSTR_OFFLINE_QUEUE_FULL',
      field: 'offlineQueue',
      message: `not sent: Redis at ${REDIS} is unreachable or its receivers are reconnecting, and 3 frames already wait (offlineQueue.maxFrames). Emit less while the connection is down, or raise the bound.`,
    });
    setReady(true);
    outbox.flush();
    expect(published.map((p) => p.raw)).toEqual(['{"n":1,"seq":1}', '{"n":2,"seq":2}', '{"n":3,"seq":3}']);
  });

  test('a frame counts as its UTF-16 length while three times that fits under maxBytes, as its exact UTF-8 bytes near it; exactly maxBytes may wait, one byte more is refused naming offlineQueue.maxBytes', async () => {
    const { outbox, send, turn, setReady, errors, settled } = setup({ limits: { maxBytes: 100 } });
    setReady(false);
    const e = (count: number) => 'é'.repeat(count); // 1 UTF-16 unit, 2 UTF-8 bytes each
    send('c', e(10)); // 0 + 3 x 10 <= 100: counted as 10
    expect(outbox.queued).toEqual({ frames: 1, bytes: 10 });
    send('c', e(30)); // 10 + 3 x 30 = 100, not over: counted as 30
    expect(outbox.queued).toEqual({ frames: 2, bytes: 40 });
    send('c', e(11)); // 40 + 33 <= 100: 11
    expect(outbox.queued).toEqual({ frames: 3, bytes: 51 });
    send('c', e(20)); // 51 + 60 > 100: its 40 UTF-8 bytes, which fit
    expect(outbox.queued).toEqual({ frames: 4, bytes: 91 });
    send('c', e(5)); // 91 + 10 > 100: refused
    expect(outbox.queued).toEqual({ frames: 4, bytes: 91 });
    send('c', 'abcdefghi'); // 91 + 9 = 100: exactly at the bound
    expect(outbox.queued).toEqual({ frames: 5, bytes: 100 });
    send('c', 'x'); // one over
    await turn();
    expect(outbox.queued).toEqual({ frames: 5, bytes: 100 });
    expect(settled).toEqual([`${e(5)}:CLUSTR_OFFLINE_QUEUE_FULL`, 'x:CLUSTR_OFFLINE_QUEUE_FULL']);
    expect(errors.get('x')).toMatchObject({
      code: 'CLUSTR_OFFLINE_QUEUE_FULL',
      field: 'offlineQueue',
      message: `not sent: Redis at ${REDIS} is unreachable or its receivers are reconnecting, and 100 bytes already wait (offlineQueue.maxBytes). Emit less while the connection is down, or raise the bound.`,
    });
    // Refused frames are refused without a stack (a flood makes them by the hundred thousand).
    expect(errors.get('x')!.stack).not.toContain('\n');
  });

  test('when the frame bound is the one reached, the refusal names maxFrames even if the bytes are full too', async () => {
    const { send, turn, setReady, errors } = setup({ limits: { maxFrames: 1, maxBytes: 7 } });
    setReady(false);
    send('c', f(1));
    send('c', f(2));
    await turn();
    expect(errors.get(f(2))!.message).toContain('1 frames already wait (offlineQueue.maxFrames)');
  });
});

describe('Outbox offline queue maxWait', () => {
  test('a waiting frame is rejected exactly maxWait after it was queued; the timer is set again for the next oldest', async () => {
    const { outbox, send, turn, advance, setReady, settled, errors, timers } = setup();
    setReady(false);
    send('c', f(1));
    send('c', f(2));
    expect(timers.size).toBe(1);
    advance(1_000);
    send('c', f(33));
    expect(timers.size).toBe(1);
    advance(3_999);
    await turn();
    expect(settled).toEqual([]);
    advance(1); // 5000 ms after the first two
    await turn();
    expect(settled).toEqual(['{"n":1}:CLUSTR_OFFLINE_TIMEOUT', '{"n":2}:CLUSTR_OFFLINE_TIMEOUT']);
    expect(errors.get(f(1))).toBeInstanceOf(ClustrError);
    expect(errors.get(f(1))).toMatchObject({
      code: 'CLUSTR_OFFLINE_TIMEOUT',
      field: 'offlineQueue.maxWait',
      message: `not sent: Redis at ${REDIS} was unreachable for the 5000 ms this frame may wait (offlineQueue.maxWait).`,
    });
    expect(outbox.queued).toEqual({ frames: 1, bytes: 8 });
    expect(timers.size).toBe(1);
    advance(999);
    await turn();
    expect(settled).toHaveLength(2);
    advance(1);
    await turn();
    expect(settled).toEqual(['{"n":1}:CLUSTR_OFFLINE_TIMEOUT', '{"n":2}:CLUSTR_OFFLINE_TIMEOUT', '{"n":33}:CLUSTR_OFFLINE_TIMEOUT']);
    expect(outbox.queued).toEqual({ frames: 0, bytes: 0 });
    expect(timers.size).toBe(0);
    // The next frame to wait gets its own timer.
    send('c', f(4));
    expect(timers.size).toBe(1);
    advance(5_000);
    await turn();
    expect(settled).toContain('{"n":4}:CLUSTR_OFFLINE_TIMEOUT');
  });

  test('frames flushed in time are not rejected later', async () => {
    const { outbox, send, turn, advance, setReady, settled, published } = setup();
    setReady(false);
    send('c', f(1));
    advance(4_999);
    setReady(true);
    outbox.flush();
    advance(10_000);
    await turn();
    expect(settled).toEqual([]);
    expect(published).toHaveLength(1);
  });
});

describe('Outbox.lost()', () => {
  test('frames in flight at the loss reject maxWait later, saying they may have been delivered; frames already answered are not touched, late answers are ignored', async () => {
    const { outbox, published, send, turn, advance, setReady, settled, errors, timers } = setup();
    send('c', f(1));
    send('c', f(2));
    send('d', f(3));
    published[0]!.answer(1);
    await turn();
    setReady(false);
    outbox.lost();
    expect(timers.size).toBe(1);
    advance(4_999);
    await turn();
    expect(settled).toEqual(['{"n":1}:1']);
    advance(1);
    await turn();
    expect(settled).toEqual(['{"n":1}:1', '{"n":2}:CLUSTR_OFFLINE_TIMEOUT', '{"n":3}:CLUSTR_OFFLINE_TIMEOUT']);
    expect(errors.get(f(2))).toBeInstanceOf(ClustrError);
    expect(errors.get(f(3))).toMatchObject({
      code: 'CLUSTR_OFFLINE_TIMEOUT',
      field: 'offlineQueue.maxWait',
      message: `not known to be sent: Redis at ${REDIS} went away while this frame was on its way, and was not back within 5000 ms (offlineQueue.maxWait). It may have been delivered.`,
    });
    // ioredis resends them once Redis is back: their answers change nothing.
    published[1]!.answer(1);
    published[2]!.answer(1);
    await turn();
    expect(settled).toHaveLength(3);
  });

  test('a frame answered before the loss timer fires keeps its answer', async () => {
    const { outbox, published, send, turn, advance, setReady, settled } = setup();
    send('c', f(1));
    send('c', f(2));
    setReady(false);
    outbox.lost();
    published[0]!.answer(3);
    await turn();
    advance(5_000);
    await turn();
    expect(settled).toEqual(['{"n":1}:3', '{"n":2}:CLUSTR_OFFLINE_TIMEOUT']);
  });

  test('flush() in time cancels the timer: what was in flight settles with its answer, however late; a second lost() meanwhile sets no second timer', async () => {
    const { outbox, published, send, turn, advance, setReady, settled, timers } = setup();
    send('c', f(1));
    setReady(false);
    outbox.lost();
    advance(1_000);
    outbox.lost();
    expect(timers.size).toBe(1);
    advance(3_999);
    setReady(true);
    outbox.flush();
    expect(timers.size).toBe(0);
    advance(10_000);
    await turn();
    expect(settled).toEqual([]);
    published[0]!.answer(2);
    await turn();
    expect(settled).toEqual(['{"n":1}:2']);
  });

  test('with nothing in flight, lost() sets no timer, and a later loss is timed from its own start', async () => {
    const { outbox, send, turn, advance, setReady, settled, timers } = setup();
    setReady(false);
    outbox.lost();
    expect(timers.size).toBe(0);
    setReady(true);
    send('c', f(1));
    setReady(false);
    advance(1_000);
    outbox.lost();
    advance(4_999);
    await turn();
    expect(settled).toEqual([]);
    advance(1);
    await turn();
    expect(settled).toEqual(['{"n":1}:CLUSTR_OFFLINE_TIMEOUT']);
    // Once the timer fired, the next loss has its own.
    setReady(true);
    send('c', f(2));
    setReady(false);
    outbox.lost();
    expect(timers.size).toBe(1);
    advance(5_000);
    await turn();
    expect(settled).toEqual(['{"n":1}:CLUSTR_OFFLINE_TIMEOUT', '{"n":2}:CLUSTR_OFFLINE_TIMEOUT']);
  });

  test('every frame of a batch in flight at the loss is rejected after maxWait', async () => {
    const { outbox, published, send, turn, advance, setReady, settled } = setup({ coalesce: true });
    send('c', f(1));
    send('c', f(2));
    send('d', f(3));
    await turn();
    expect(published).toHaveLength(2);
    setReady(false);
    outbox.lost();
    advance(5_000);
    await turn();
    expect(settled).toEqual(['{"n":1}:CLUSTR_OFFLINE_TIMEOUT', '{"n":2}:CLUSTR_OFFLINE_TIMEOUT', '{"n":3}:CLUSTR_OFFLINE_TIMEOUT']);
  });
});

describe('Outbox.recover(): retrying what reached nobody after a reconnect', () => {
  test('a frame that reaches nobody is sent again, exactly as it was, 50 ms later, doubling up to 1 s apart, until it has waited maxWait; then it resolves 0', async () => {
    const { outbox, published, send, turn, settled, untilPublished, reconnect, timers } = setup();
    reconnect();
    send('c', f(1));
    const raw = '{"n":1,"seq":1}';
    expect(published.map((p) => p.raw)).toEqual([raw]);
    const gaps: number[] = [];
    for (;;) {
      published.shift()!.answer(0);
      await turn();
      if (timers.size === 0) break;
      gaps.push(untilPublished());
      expect(published.map((p) => p.raw)).toEqual([raw]);
    }
    expect(gaps).toEqual([50, 100, 200, 400, 800, 1000, 1000, 1000, 450]);
    expect(settled).toEqual(['{"n":1}:0']);
    expect(outbox.queued).toEqual({ frames: 0, bytes: 0 });
  });

  test('frames behind a retried frame wait in order, counted in queued; once it is heard they go at once, and its channel goes on as usual', async () => {
    const { outbox, published, send, turn, settled, advance, reconnect } = setup();
    reconnect();
    send('c', f(1));
    send('c', f(22));
    send('c', f(3));
    expect(published.map((p) => p.raw)).toEqual(['{"n":1,"seq":1}']);
    expect(outbox.queued).toEqual({ frames: 2, bytes: 8 + 7 });
    published.shift()!.answer(0);
    await turn();
    advance(50);
    expect(published.map((p) => p.raw)).toEqual(['{"n":1,"seq":1}']);
    published.shift()!.answer(1);
    await turn();
    expect(published.map((p) => p.raw)).toEqual(['{"n":22,"seq":2}', '{"n":3,"seq":3}']);
    expect(outbox.queued).toEqual({ frames: 0, bytes: 0 });
    send('c', f(4));
    expect(published.map((p) => p.raw)).toEqual(['{"n":22,"seq":2}', '{"n":3,"seq":3}', '{"n":4,"seq":4}']);
    await answerEach(published, [0, 2, 0]);
    await turn();
    // Sent as usual: answered 0, they resolve 0 rather than being tried again.
    expect(settled).toEqual(['{"n":1}:1', '{"n":22}:0', '{"n":3}:2', '{"n":4}:0']);
    expect(published).toEqual([]);
  });

  test('a frame to a channel still being retried waits behind it even once the recovery is over, then goes after it', async () => {
    const { published, send, turn, advance, reconnect, settled } = setup();
    reconnect(); // recovery until 5000
    advance(100);
    send('c', f(1));
    published.shift()!.answer(0);
    await turn();
    advance(50); // sent again, and not answered yet
    expect(published.map((p) => p.raw)).toEqual(['{"n":1,"seq":1}']);
    advance(4_900);
    send('c', f(2));
    expect(published.map((p) => p.raw)).toEqual(['{"n":1,"seq":1}']);
    published.shift()!.answer(1);
    await turn();
    expect(published.map((p) => p.raw)).toEqual(['{"n":2,"seq":2}']);
    expect(settled).toEqual(['{"n":1}:1']);
  });

  test('other channels are still tried one at a time while one of them is settled', async () => {
    const { published, send, turn, reconnect } = setup();
    reconnect();
    send('c', f(1));
    published.shift()!.answer(1);
    await turn();
    send('c', f(2));
    send('c', f(3));
    send('d', f(4));
    send('d', f(5));
    expect(published.map((p) => [p.channel, p.raw])).toEqual([
      ['c', '{"n":2,"seq":2}'],
      ['c', '{"n":3,"seq":3}'],
      ['d', '{"n":4,"seq":1}'],
    ]);
  });

  test('recovery lasts maxWait from the reconnect: a frame sent 1 ms before its end is tried alone, one sent at its end goes as usual', async () => {
    const { published, send, advance, reconnect } = setup({ now: 10_000 });
    reconnect();
    advance(4_999);
    send('a', f(1));
    send('a', f(2));
    expect(published.map((p) => p.raw)).toEqual(['{"n":1,"seq":1}']);
    advance(1);
    send('b', f(3));
    send('b', f(4));
    expect(published.map((p) => [p.channel, p.raw])).toEqual([
      ['a', '{"n":1,"seq":1}'],
      ['b', '{"n":3,"seq":1}'],
      ['b', '{"n":4,"seq":2}'],
    ]);
  });

  test('a new reconnect starts a new recovery: a channel heard in the last one is tried again', async () => {
    const { published, send, turn, reconnect, advance } = setup();
    reconnect();
    send('c', f(1));
    published.shift()!.answer(1);
    await turn();
    advance(1_000);
    reconnect();
    send('c', f(2));
    send('c', f(3));
    expect(published.map((p) => p.raw)).toEqual(['{"n":2,"seq":2}']);
  });

  test('a retried frame whose publish is refused rejects with that error, and the next in its line is tried', async () => {
    const { outbox, published, send, turn, reconnect, errors, settled } = setup();
    reconnect();
    send('c', f(1));
    send('c', f(2));
    send('c', f(3));
    const refused = new Error('NOPERM');
    published.shift()!.refuse(refused);
    await turn();
    expect(errors.get(f(1))).toBe(refused);
    expect(published.map((p) => p.raw)).toEqual(['{"n":2,"seq":2}']);
    expect(outbox.queued).toEqual({ frames: 1, bytes: 7 });
    published.shift()!.refuse(refused);
    await turn();
    expect(published.map((p) => p.raw)).toEqual(['{"n":3,"seq":3}']);
    expect(outbox.queued).toEqual({ frames: 0, bytes: 0 });
    published.shift()!.refuse(refused);
    await turn();
    expect(settled).toEqual(['{"n":1}:undefined', '{"n":2}:undefined', '{"n":3}:undefined']);
    // The line is gone: the next frame is tried at once.
    send('c', f(4));
    expect(published.map((p) => p.raw)).toEqual(['{"n":4,"seq":4}']);
  });

  test('a retried frame that cannot be signed rejects with the signer’s error, and the next in its line is tried', async () => {
    const real = createSigner('0123456789abcdef0123');
    const refusal = new ClustrError('CLUSTR_INVALID_FRAME', 'cannot sign');
    const signer: FrameSigner = {
      keys: 1,
      sign: (channel, text) => {
        if (text.includes('"bad"')) throw refusal;
        return real.sign(channel, text);
      },
      verify: (channel, raw) => real.verify(channel, raw),
    };
    const { outbox, published, send, turn, reconnect, errors, settled, now } = setup({ signer });
    reconnect();
    send('c', f(1));
    send('c', f('bad'));
    send('c', f(3));
    expect(outbox.queued.frames).toBe(2);
    published.shift()!.answer(1);
    await turn();
    // Heard: the channel goes on as usual, the bad frame fails alone.
    expect(errors.get(f('bad'))).toBe(refusal);
    expect(published.map((p) => p.raw)).toEqual([real.sign('c', `{"n":3,"seq":3,"ts":${now()}}`)]);
    reconnect();
    send('d', f('bad'));
    send('d', f(5));
    send('d', f(6));
    await turn();
    expect(settled).toEqual(['{"n":1}:1', '{"n":"bad"}:CLUSTR_INVALID_FRAME', '{"n":"bad"}:CLUSTR_INVALID_FRAME']);
    // The head failed: the next frame is tried, signed, the one behind it waits.
    expect(published.map((p) => p.raw)).toEqual([real.sign('c', `{"n":3,"seq":3,"ts":${now()}}`), real.sign('d', `{"n":5,"seq":2,"ts":${now()}}`)]);
    expect(outbox.queued).toEqual({ frames: 1, bytes: 7 });
    send('e', f('bad'));
    await turn();
    // A line of one bad frame is gone at once: the next frame to its channel is tried.
    send('e', f(7));
    expect(published.map((p) => p.raw).at(-1)).toBe(real.sign('e', `{"n":7,"seq":2,"ts":${now()}}`));
  });

  test('a retried frame is signed once, with the time it was first sent: every retry is the same text', async () => {
    const signer = createSigner('0123456789abcdef0123');
    const { published, send, turn, reconnect, untilPublished } = setup({ signer, now: 1_000 });
    reconnect();
    send('c', f(1));
    const raw = signer.sign('c', '{"n":1,"seq":1,"ts":1000}');
    expect(published.map((p) => p.raw)).toEqual([raw]);
    published.shift()!.answer(0);
    await turn();
    untilPublished();
    expect(published.map((p) => p.raw)).toEqual([raw]);
  });

  test('a channel heard by someone after reaching nobody is retried again after a reconnect', async () => {
    const { published, send, turn, reconnect } = setup();
    send('c', f(1));
    published.shift()!.answer(0);
    await turn();
    send('c', f(2));
    published.shift()!.answer(1);
    await turn();
    reconnect();
    send('c', f(3));
    send('c', f(4));
    expect(published.map((p) => p.raw)).toEqual(['{"n":3,"seq":3}']);
  });

  test('retries answered 0 do not make a channel unheard: after the next reconnect it is retried again', async () => {
    const { published, send, turn, reconnect, timers, untilPublished, settled } = setup();
    reconnect();
    send('c', f(1));
    for (;;) {
      published.shift()!.answer(0);
      await turn();
      if (timers.size === 0) break;
      untilPublished();
    }
    expect(settled).toEqual(['{"n":1}:0']);
    reconnect();
    send('c', f(2));
    send('c', f(3));
    expect(published.map((p) => p.raw)).toEqual(['{"n":2,"seq":2}']);
  });

  test('a batch that reached nobody makes its channel unheard: after a reconnect it is sent as usual', async () => {
    const { published, send, turn, reconnect } = setup({ coalesce: true });
    send('c', f(1));
    send('c', f(2));
    await turn();
    expect(published).toHaveLength(1);
    published.shift()!.answer(0);
    await turn();
    reconnect();
    send('c', f(3));
    send('c', f(4));
    await turn();
    expect(published.map((p) => p.raw)).toEqual([`{"v":2,"kind":"batch","id":"b2","meta":{"pid":1,"group":"web"},"data":[{"n":3,"seq":3},{"n":4,"seq":4}]}`]);
  });

  test(`at most MAX_UNHEARD (${MAX_UNHEARD}) channels are remembered as unheard: one more and the set starts over`, async () => {
    const { published, send, reconnect } = setup({ limits: { maxFrames: 100_000 } });
    for (let i = 0; i <= MAX_UNHEARD; i++) send(`c${i}`, f(i));
    await answerAll(published, 0);
    reconnect();
    // c0 was forgotten when c10000 was added: it is retried; c10000 is remembered: sent as usual.
    send('c0', f('a'));
    send('c0', f('b'));
    send(`c${MAX_UNHEARD}`, f('c'));
    send(`c${MAX_UNHEARD}`, f('d'));
    expect(published.map((p) => [p.channel, p.raw])).toEqual([
      ['c0', '{"n":"a","seq":2}'],
      [`c${MAX_UNHEARD}`, '{"n":"c","seq":2}'],
      [`c${MAX_UNHEARD}`, '{"n":"d","seq":3}'],
    ]);
  });

  test('the offline queue and the retry lines share one bound', async () => {
    const { outbox, published, send, turn, reconnect, setReady, errors } = setup({ limits: { maxFrames: 3, maxBytes: 1_000 } });
    reconnect();
    send('c', f(1)); // tried: not counted
    send('c', f(2));
    send('c', f(3));
    expect(outbox.queued).toEqual({ frames: 2, bytes: 14 });
    setReady(false);
    send('d', f(44));
    expect(outbox.queued).toEqual({ frames: 3, bytes: 22 });
    send('d', f(5));
    await turn();
    expect(errors.get(f(5))!.message).toContain('3 frames already wait (offlineQueue.maxFrames)');
    setReady(true);
    outbox.flush();
    // The frame of d is now in a line of its own (tried), c's line is full.
    expect(published.map((p) => p.raw)).toEqual(['{"n":1,"seq":1}', '{"n":44,"seq":1}']);
    expect(outbox.queued).toEqual({ frames: 2, bytes: 14 });
    send('d', f(6));
    expect(outbox.queued).toEqual({ frames: 3, bytes: 21 });
    send('c', f(7));
    await turn();
    expect(outbox.queued).toEqual({ frames: 3, bytes: 21 });
    expect(errors.get(f(6))).toBeUndefined();
    expect(errors.get(f(7))).toMatchObject({ code: 'CLUSTR_OFFLINE_QUEUE_FULL', field: 'offlineQueue' });
  });
});

/** Answers the publishes made so far, in order, one answer each. */
async function answerEach(published: Array<{ answer(n: number): void }>, answers: number[]): Promise<void> {
  for (const answer of answers) published.shift()!.answer(answer);
  await Promise.resolve();
}

/** Answers every publish made so far with `receivers`. */
async function answerAll(published: Array<{ answer(n: number): void }>, receivers: number): Promise<void> {
  for (const p of published.splice(0)) p.answer(receivers);
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** A batch frame's text as it goes to Redis (before any signature). */
const batchOf = (id: string, texts: string[], ts?: number): string =>
  `{"v":2,"kind":"batch","id":"${id}","meta":{"pid":1,"group":"web"}${ts === undefined ? '' : `,"ts":${ts}`},"data":[${texts.join(',')}]}`;

/** A frame's text of exactly `bytes` UTF-8 bytes (at least 8), mostly two-byte characters. */
const frameOfBytes = (bytes: number): string => `{"p":"${'é'.repeat(Math.floor((bytes - 8) / 2))}${'x'.repeat((bytes - 8) % 2)}"}`;

describe('Outbox coalescing', () => {
  test('frames to one channel in one tick go, at the end of the tick, as one batch per channel, numbered per channel; every frame resolves to the batch’s receivers', async () => {
    const { published, send, turn, settled } = setup({ coalesce: true });
    send('c', f(1));
    send('d', f(2));
    send('c', f(3));
    send('e', f(4));
    send('d', f(5));
    send('c', f(6));
    expect(published).toEqual([]);
    await turn();
    expect(published.map((p) => [p.channel, p.raw])).toEqual([
      ['c', batchOf('b1', ['{"n":1,"seq":1}', '{"n":3,"seq":2}', '{"n":6,"seq":3}'])],
      ['d', batchOf('b2', ['{"n":2,"seq":1}', '{"n":5,"seq":2}'])],
      ['e', '{"n":4,"seq":1}'],
    ]);
    await answerEach(published, [2, 0, 1]);
    await turn();
    expect(settled).toEqual(['{"n":1}:2', '{"n":3}:2', '{"n":6}:2', '{"n":2}:0', '{"n":5}:0', '{"n":4}:1']);
  });

  test('a tick with frames for several channels is published in one corked write, channel after channel; a tick with one channel is published as is', async () => {
    const { published, send, turn, corks } = setup({ coalesce: true, corked: true });
    send('c', f(1));
    send('d', f(2));
    send('c', f(3));
    await turn();
    expect(corks()).toBe(1);
    expect(published.map((p) => [p.channel, p.corked])).toEqual([
      ['c', true],
      ['d', true],
    ]);
    send('c', f(4));
    send('c', f(5));
    await turn();
    send('e', f(6));
    await turn();
    expect(corks()).toBe(1);
    expect(published.map((p) => [p.channel, p.raw, p.corked])).toEqual([
      ['c', batchOf('b1', ['{"n":1,"seq":1}', '{"n":3,"seq":2}']), true],
      ['d', '{"n":2,"seq":1}', true],
      ['c', batchOf('b2', ['{"n":4,"seq":3}', '{"n":5,"seq":4}']), false],
      ['e', '{"n":6,"seq":1}', false],
    ]);
  });

  test('a lone frame goes alone, as a frame, not a batch (and takes no batch id); the next tick is a tick of its own', async () => {
    const { published, send, turn } = setup({ coalesce: true });
    send('c', f(1));
    await turn();
    expect(published.map((p) => p.raw)).toEqual(['{"n":1,"seq":1}']);
    send('c', f(2));
    send('c', f(3));
    await turn();
    send('c', f(4));
    await turn();
    expect(published.map((p) => p.raw)).toEqual(['{"n":1,"seq":1}', batchOf('b1', ['{"n":2,"seq":2}', '{"n":3,"seq":3}']), '{"n":4,"seq":4}']);
  });

  test(`a batch carries at most MAX_BATCH_FRAMES (${MAX_BATCH_FRAMES}) frames: the next goes in the next batch, or alone`, async () => {
    const { published, send, turn } = setup({ coalesce: true });
    for (let n = 1; n <= MAX_BATCH_FRAMES + 1; n++) send('c', f(n));
    await turn();
    expect(published).toHaveLength(2);
    const first = JSON.parse(published[0]!.raw) as { kind: string; data: Array<{ n: number; seq: number }> };
    expect(first.kind).toBe('batch');
    expect(first.data).toHaveLength(MAX_BATCH_FRAMES);
    expect(first.data.at(-1)).toEqual({ n: MAX_BATCH_FRAMES, seq: MAX_BATCH_FRAMES });
    expect(published[1]!.raw).toBe(`{"n":${MAX_BATCH_FRAMES + 1},"seq":${MAX_BATCH_FRAMES + 1}}`);
  });

  // The room of a batch: MAX_BATCH_BYTES (or the codec's maxBytes, if smaller), less the batch's own
  // fields, less TRAILER_BYTES when signing. A frame takes its bytes and its seq (8 bytes for
  // `,"seq":1`), a comma after the first, and must leave 26 bytes for a seq of any size.
  test.each([
    ['unsigned', undefined],
    ['signed', createSigner('0123456789abcdef0123')],
  ])('%s: a batch is filled up to MAX_BATCH_BYTES (64 KiB) exactly, counting UTF-8 bytes, and one byte over, the frame goes in the next', async (_, signer) => {
    const codec = createCodec();
    const overhead = codec.batchOverhead(signer === undefined ? { id: 'b1', meta: META } : { id: 'b1', meta: META, ts: 0 });
    const room = MAX_BATCH_BYTES - overhead - (signer === undefined ? 0 : 128);
    // The second frame (7 bytes) fits exactly when 7 + 26 = room - (first + 8) - 1.
    const fits = frameOfBytes(room - 42);
    const over = frameOfBytes(room - 41);
    const sign = (channel: string, text: string) => (signer === undefined ? text : signer.sign(channel, text));
    {
      const { published, send, turn } = setup({ coalesce: true, signer });
      send('c', fits);
      send('c', f(2));
      await turn();
      const text = `${fits.slice(0, -1)},"seq":1}`;
      expect(published.map((p) => p.raw)).toEqual([sign('c', batchOf('b1', [text, '{"n":2,"seq":2}'], signer === undefined ? undefined : 0))]);
      expect(Buffer.byteLength(published[0]!.raw)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    }
    {
      const { published, send, turn } = setup({ coalesce: true, signer });
      send('c', over);
      send('c', f(2));
      await turn();
      const ts = signer === undefined ? '' : ',"ts":0';
      expect(published.map((p) => p.raw)).toEqual([sign('c', `${over.slice(0, -1)},"seq":1${ts}}`), sign('c', `{"n":2,"seq":2${ts}}`)]);
    }
  });

  test('a frame counts 3 bytes a character while that fits the room; only when it does not, its exact bytes', async () => {
    const probe = createCodec();
    const overhead = probe.batchOverhead({ id: 'b1', meta: META });
    // A room of 326 bytes: a frame of 100 characters counted as 300 (+ 26) just fits, and leaves too little for another.
    const codec = createCodec({ maxBytes: overhead + 326 });
    const frame = (chars: number) => `{"p":"${'x'.repeat(chars - 8)}"}`;
    {
      const { published, send, turn } = setup({ coalesce: true, codec });
      send('c', frame(100));
      send('c', f(2));
      await turn();
      expect(published.map((p) => p.raw)).toEqual([`${frame(100).slice(0, -1)},"seq":1}`, '{"n":2,"seq":2}']);
    }
    {
      // One character more is past the estimate: counted exactly (101), it leaves room for the next.
      const { published, send, turn } = setup({ coalesce: true, codec });
      send('c', frame(101));
      send('c', f(2));
      await turn();
      expect(published.map((p) => p.raw)).toEqual([batchOf('b1', [`${frame(101).slice(0, -1)},"seq":1}`, '{"n":2,"seq":2}'])]);
    }
  });

  test('the commas between frames count: a frame that would fit but for them goes in the next batch', async () => {
    const overhead = createCodec().batchOverhead({ id: 'b1', meta: META });
    const big = `{"p":"${'x'.repeat(92)}"}`; // 100 bytes, counted exactly
    const small = (s: string) => `{"p":"${s}"}`; // 10 bytes, counted exactly this near the end
    const stamped = (text: string, seq: number) => `${text.slice(0, -1)},"seq":${seq}}`;
    // After the big frame (100 + 8), 56 bytes are left: the first small frame takes 10 + 8 and a comma
    // (37 left), the second needs 10 + 26 and a comma: 37 exactly.
    for (const [room, batches] of [
      [164, [[stamped(big, 1), stamped(small('ab'), 2), stamped(small('cd'), 3)]]],
      [163, [[stamped(big, 1), stamped(small('ab'), 2)], stamped(small('cd'), 3)]],
    ] as const) {
      const { published, send, turn } = setup({ coalesce: true, codec: createCodec({ maxBytes: overhead + room }) });
      send('c', big);
      send('c', small('ab'));
      send('c', small('cd'));
      await turn();
      expect(published.map((p) => p.raw)).toEqual(batches.map((b) => (typeof b === 'string' ? b : batchOf('b1', [...b]))));
    }
  });

  test('a frame too large to share a batch travels alone, in its place, with its number', async () => {
    const probe = createCodec();
    const overhead = probe.batchOverhead({ id: 'b1', meta: META });
    const codec = createCodec({ maxBytes: overhead + 100 });
    const big = `{"p":"${'x'.repeat(70)}"}`; // 78 + 26 > 100
    const { published, send, turn } = setup({ coalesce: true, codec });
    send('c', f(1));
    send('c', f(2));
    await turn();
    send('c', big);
    send('c', f(3));
    send('c', f(4));
    await turn();
    expect(published.map((p) => p.raw)).toEqual([
      batchOf('b1', ['{"n":1,"seq":1}', '{"n":2,"seq":2}']),
      `${big.slice(0, -1)},"seq":3}`,
      batchOf('b3', ['{"n":3,"seq":4}', '{"n":4,"seq":5}']),
    ]);
  });

  test('signed: a lone frame gets seq, ts and sig; a batch gets ts and is signed once, its frames inside are not', async () => {
    const signer = createSigner('0123456789abcdef0123');
    const { published, send, turn } = setup({ coalesce: true, signer, now: 1_700 });
    send('c', f(1));
    await turn();
    send('c', f(2));
    send('c', f(3));
    await turn();
    expect(published.map((p) => p.raw)).toEqual([
      signer.sign('c', '{"n":1,"seq":1,"ts":1700}'),
      signer.sign('c', batchOf('b1', ['{"n":2,"seq":2}', '{"n":3,"seq":3}'], 1_700)),
    ]);
    expect(published.map((p) => signer.verify('c', p.raw))).toEqual([
      { ok: true, key: 0 },
      { ok: true, key: 0 },
    ]);
  });

  test('signed without coalescing: every frame gets seq, ts and sig', () => {
    const signer = createSigner('0123456789abcdef0123');
    const { published, send } = setup({ signer, now: 42 });
    send('c', f(1));
    send('c', f(2));
    expect(published.map((p) => p.raw)).toEqual([signer.sign('c', '{"n":1,"seq":1,"ts":42}'), signer.sign('c', '{"n":2,"seq":2,"ts":42}')]);
  });

  test('a frame or a batch that cannot be signed is rejected with the signer’s error, and nothing of it is published; the next batch still goes', async () => {
    const real = createSigner('0123456789abcdef0123');
    const refusal = new ClustrError('CLUSTR_INVALID_FRAME', 'cannot sign');
    const signer: FrameSigner = {
      keys: 1,
      sign: (channel, text) => {
        if (text.includes('"bad"')) throw refusal;
        return real.sign(channel, text);
      },
      verify: (channel, raw) => real.verify(channel, raw),
    };
    {
      const { published, send, turn, errors } = setup({ signer });
      send('c', f('bad'));
      await turn();
      expect(published).toEqual([]);
      expect(errors.get(f('bad'))).toBe(refusal);
    }
    {
      const { published, send, turn, errors, settled } = setup({ coalesce: true, signer });
      send('c', f('bad'));
      send('c', f(2));
      for (let n = 3; n <= MAX_BATCH_FRAMES + 2; n++) send('c', f(n));
      await turn();
      expect(errors.get(f(2))).toBe(refusal);
      expect(settled.slice(0, 2)).toEqual(['{"n":"bad"}:CLUSTR_INVALID_FRAME', '{"n":2}:CLUSTR_INVALID_FRAME']);
      expect(settled).toHaveLength(MAX_BATCH_FRAMES);
      // The last two frames, in a batch of their own.
      expect(published.map((p) => p.raw)).toEqual([real.sign('c', batchOf('b2', [`{"n":${MAX_BATCH_FRAMES + 1},"seq":${MAX_BATCH_FRAMES + 1}}`, `{"n":${MAX_BATCH_FRAMES + 2},"seq":${MAX_BATCH_FRAMES + 2}}`], 0))]);
    }
  });

  test('a batch Redis refuses rejects every frame of it with that error', async () => {
    const { published, send, turn, errors } = setup({ coalesce: true });
    send('c', f(1));
    send('c', f(2));
    await turn();
    const refused = new Error('NOPERM');
    published.shift()!.refuse(refused);
    await turn();
    expect(errors.get(f(1))).toBe(refused);
    expect(errors.get(f(2))).toBe(refused);
  });
});

describe('Outbox answers', () => {
  test('each answer settles the oldest publish in flight, however many are in flight (past 1024)', async () => {
    const { published, send, turn, settled } = setup();
    const total = 3_000;
    for (let n = 0; n < total; n++) send('c', f(n));
    expect(published).toHaveLength(total);
    // Answer most of them (the flights behind are kept, the answered ones dropped), then the rest.
    for (const p of published.slice(0, 2_100)) p.answer(Number(p.raw.slice(5, p.raw.indexOf(','))) % 7);
    await turn();
    send('c', f(total));
    for (const p of published.slice(2_100)) p.answer(Number(p.raw.slice(5, p.raw.indexOf(','))) % 7);
    await turn();
    expect(settled).toEqual(Array.from({ length: total + 1 }, (_, n) => `${f(n)}:${n % 7}`));
  });
});

describe('Outbox.close()', () => {
  test('rejects what waits offline, in retry lines and behind them with the reason; cancels every timer; later sends reject', async () => {
    const { outbox, published, send, turn, settled, errors, advance, reconnect, setReady, timers } = setup();
    send('x', f('x'));
    reconnect();
    send('c', f(1));
    send('c', f(2));
    published[0]!.answer(1); // x
    published[1]!.answer(0); // c: tried again in 50 ms
    await turn();
    send('y', f(5)); // tried, in flight when the connection drops again
    setReady(false);
    outbox.lost();
    send('q', f(3));
    // The retry of c, the loss of y, the wait of q.
    expect(timers.size).toBe(3);
    expect(outbox.queued).toEqual({ frames: 2, bytes: 14 });
    const reason = new ClustrError('CLUSTR_CLOSED', 'closing');
    outbox.close(reason);
    await turn();
    expect(timers.size).toBe(0);
    expect(outbox.queued).toEqual({ frames: 0, bytes: 0 });
    expect(settled).toEqual(['{"n":"x"}:1', '{"n":3}:CLUSTR_CLOSED', '{"n":1}:CLUSTR_CLOSED', '{"n":2}:CLUSTR_CLOSED', '{"n":5}:CLUSTR_CLOSED']);
    for (const n of [1, 2, 3, 5]) expect(errors.get(f(n))).toBe(reason);
    const before = published.length;
    advance(60_000);
    await turn();
    expect(published).toHaveLength(before);
    expect(settled).toHaveLength(5);
    send('c', f(4));
    await turn();
    expect(errors.get(f(4))).toMatchObject({ code: 'CLUSTR_CLOSED', message: 'cannot publish: this process has been closed.' });
  });

  test('frames of the current tick are sent at the close, before the transport quits; what is sent after it rejects', async () => {
    const { outbox, published, send, turn, settled } = setup({ coalesce: true });
    send('c', f(1));
    send('d', f(2));
    outbox.close(new ClustrError('CLUSTR_CLOSED', 'closed'));
    expect(published.map((p) => [p.channel, p.raw])).toEqual([
      ['c', '{"n":1,"seq":1}'],
      ['d', '{"n":2,"seq":1}'],
    ]);
    send('c', f(3));
    await turn();
    expect(published).toHaveLength(2);
    await answerEach(published, [1, 1]);
    await turn();
    expect(settled).toEqual(['{"n":3}:CLUSTR_CLOSED', '{"n":1}:1', '{"n":2}:1']);
  });
});

describe('Outbox after close()', () => {
  test('a frame in flight at the close settles with Redis’s answer: its emit does not wait forever', async () => {
    const { outbox, published, send, turn, settled } = setup();
    send('c', f(1));
    send('c', f(2));
    outbox.close(new ClustrError('CLUSTR_CLOSED', 'closing'));
    // The client quits after the replies to what it sent: they still come.
    published[0]!.answer(2);
    published[1]!.answer(0);
    await turn();
    expect(settled).toEqual(['{"n":1}:2', '{"n":2}:0']);
  });

  test('a late answer 0 to a retried frame that was in flight at the close does not send it again', async () => {
    const { outbox, published, send, turn, settled, advance, reconnect, timers } = setup();
    reconnect();
    send('c', f(1));
    send('c', f(2));
    outbox.close(new ClustrError('CLUSTR_CLOSED', 'closing'));
    published.shift()!.answer(0);
    await turn();
    expect(timers.size).toBe(0);
    advance(10_000);
    expect(published).toEqual([]);
    expect(settled).toEqual(['{"n":1}:CLUSTR_CLOSED', '{"n":2}:CLUSTR_CLOSED']);
  });

  test('a late refusal of a retried frame that was in flight at the close changes nothing', async () => {
    const { outbox, published, send, turn, settled, reconnect, timers } = setup();
    reconnect();
    send('c', f(1));
    send('c', f(2));
    outbox.close(new ClustrError('CLUSTR_CLOSED', 'closing'));
    published.shift()!.refuse(new Error('Connection is closed.'));
    await turn();
    expect(settled).toEqual(['{"n":1}:CLUSTR_CLOSED', '{"n":2}:CLUSTR_CLOSED']);
    expect(published).toEqual([]);
    expect(timers.size).toBe(0);
  });
});
