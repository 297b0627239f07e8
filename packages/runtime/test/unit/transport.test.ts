// The transport on its own (transport/transport.ts and transport/read-frames.ts): hand-driven
// clients (redis-stub.ts) and a hand clock, so every reply, event and turn is a step the test
// takes. One test at the end runs the same path over FakeRedis through a Redis restart.
import { createCodec, createSigner, type Frame, type Meta, type SingleFrame } from '@clustr/protocol/core';
import { FakeRedis, FakeRedisServer } from '@clustr/testkit';
import type { RejectedFrame } from '../../src/process/events';
import type { ConnectionChange } from '../../src/transport/connection';
import type { RedisLike } from '../../src/transport/redis-like';
import { HANDLER_BUDGET_MS, Transport, type TransportOptions } from '../../src/transport/transport';
import { handClock, outcomes, settle, StubRedis, type HandClock } from './redis-stub';

const KEY = 'transport-key-0123456789';
const OTHER_KEY = 'another-key-0123456789ab';
const LABEL = 'redis://127.0.0.1:6379';
const CH = 'ns:private:1';
const SENDER: Meta = { pid: 7, group: 'web', instance: 'run1' };

/** What the transport handed on, in the order it did. */
type Seen = { frame: SingleFrame; channel: string } | { rejected: RejectedFrame } | { gap: { from: Meta; channel: string; missed: number } };

interface Setup {
  transport: Transport;
  clock: HandClock;
  publisher: StubRedis;
  subscriber: StubRedis;
  seen: Seen[];
  /** Data of the frames handed to onFrame, in order. */
  data(): unknown[];
  rejected(): RejectedFrame[];
  changes: ConnectionChange[];
  refused: Error[];
  /** Milliseconds of clock time the onFrame handler takes, per frame data (default 0). */
  cost: Map<unknown, number>;
  /** Run by onFrame for a frame's data, after its cost. */
  then: Map<unknown, () => void>;
  connect(): Promise<void>;
}

/** Options to replace; `undefined` leaves one out (onSubscribeRefused). */
type Overrides = { [K in Exclude<keyof TransportOptions, 'publisher' | 'subscriber' | 'clock'>]?: TransportOptions[K] | undefined };

function setup(options: Overrides & { start?: number; sameClient?: boolean; subscriber?: StubRedis } = {}): Setup {
  const { start = 1_000_000, sameClient = false, subscriber: given, ...overrides } = options;
  const clock = handClock(start);
  const publisher = new StubRedis();
  const subscriber = given ?? (sameClient ? publisher : new StubRedis());
  const seen: Seen[] = [];
  const changes: ConnectionChange[] = [];
  const refused: Error[] = [];
  const cost = new Map<unknown, number>();
  const then = new Map<unknown, () => void>();
  const transport = new Transport({
    publisher,
    subscriber,
    ownsPublisher: true,
    ownsSubscriber: true,
    clock,
    codec: createCodec(),
    replayWindow: 30_000,
    meta: { pid: 1, group: 'master', instance: 'me' },
    nextId: () => 'batch-id',
    coalesce: false,
    offlineQueue: { maxFrames: 100, maxBytes: 1 << 20, maxWait: 5_000 },
    inboundQueue: { maxFrames: 5_000, maxBytes: 1 << 24 },
    redisLabel: LABEL,
    onFrame: (frame, channel) => {
      seen.push({ frame, channel });
      clock.advance(cost.get(frame.data) ?? 0);
      then.get(frame.data)?.();
    },
    onReject: (rejected) => seen.push({ rejected }),
    onGap: (gap) => seen.push({ gap }),
    onConnection: (change) => changes.push(change),
    onSubscribeRefused: (error) => refused.push(error),
    ...(overrides as Partial<TransportOptions>),
  });
  return {
    transport,
    clock,
    publisher,
    subscriber,
    seen,
    data: () => seen.flatMap((s) => ('frame' in s ? [s.frame.data] : [])),
    rejected: () => seen.flatMap((s) => ('rejected' in s ? [s.rejected] : [])),
    changes,
    refused,
    cost,
    then,
    async connect() {
      publisher.goes('ready');
      if (subscriber !== publisher) subscriber.goes('ready');
      await settle();
    },
  };
}

/** A user frame's text as another process sends it (seq and meta given), unsigned. */
function text(data: unknown, fields: { seq?: number; ts?: number; meta?: { [K in keyof Meta]?: Meta[K] | undefined } | null } = {}): string {
  const meta: Record<string, unknown> = fields.meta === null ? { ...SENDER } : { ...SENDER, ...fields.meta };
  for (const key of Object.keys(meta)) if (meta[key] === undefined) delete meta[key];
  const frame: Record<string, unknown> = { v: 2, kind: 'public', id: `f-${String(data)}`, meta, data };
  if (fields.seq !== undefined) frame['seq'] = fields.seq;
  if (fields.ts !== undefined) frame['ts'] = fields.ts;
  return JSON.stringify(frame);
}

function signed(raw: string, channel = CH, key = KEY): string {
  return createSigner(key).sign(channel, raw);
}

function decoded(raw: string): Frame {
  const result = createCodec().decode(raw);
  if (!result.ok) throw new Error(result.message);
  return result.frame;
}

function batch(items: string[], fields: { ts?: number; meta?: Meta } = {}): string {
  const head = { v: 2, kind: 'batch', id: 'b1', meta: fields.meta ?? SENDER, ...(fields.ts === undefined ? {} : { ts: fields.ts }) };
  return `${JSON.stringify(head).slice(0, -1)},"data":[${items.join(',')}]}`;
}

const turn = (): Promise<void> => new Promise(setImmediate);

/** Settled state of a promise: 'pending', 'resolved: <value>' or '<code>: <message>'. */
function track(promise: Promise<unknown>): { readonly state: string } {
  const box = { state: 'pending' };
  promise.then(
    (value) => (box.state = `resolved: ${String(value)}`),
    (error: { code?: string; message: string }) => (box.state = `${error.code ?? 'Error'}: ${error.message}`),
  );
  return box;
}

const publicFrame = (data: unknown): Frame => ({ v: 2, kind: 'public', id: 'p1', meta: { pid: 1, group: 'master', instance: 'me' }, data }) as Frame;

describe('reading frames', () => {
  test('a valid frame from Redis reaches onFrame, decoded, with its channel', () => {
    const { subscriber, seen } = setup();
    const raw = text('hello', { seq: 1 });
    subscriber.emit('message', CH, raw);
    expect(seen).toEqual([{ frame: decoded(raw), channel: CH }]);
  });

  test('a frame that does not decode is rejected with the codec reason, message and issues', () => {
    const { transport, rejected, data } = setup();
    transport.receive(CH, 'not a frame');
    transport.receive(CH, '{"v":2,"kind":"public","id":"x","data":1}');
    expect(rejected()).toEqual([
      { reason: 'not_json', channel: CH, message: expect.stringMatching(/^not_json: is not JSON/) as string, issues: [{ path: '', keyword: 'json', message: expect.stringMatching(/^is not JSON/) as string }] },
      { reason: 'invalid_frame', channel: CH, message: expect.stringContaining('meta') as string, issues: [expect.objectContaining({ keyword: 'required' })] },
    ]);
    for (const r of rejected()) {
      const result = createCodec().decode(r === rejected()[0] ? 'not a frame' : '{"v":2,"kind":"public","id":"x","data":1}');
      expect(result.ok ? undefined : { reason: result.reason, message: result.message, issues: result.issues }).toEqual({ reason: r.reason, message: r.message, issues: r.issues });
    }
    expect(data()).toEqual([]);
  });

  test('a batch is unpacked in order; a bad frame inside is rejected alone, with the path into the batch', () => {
    const { transport, seen } = setup();
    const stranger = text(2, { seq: 2, meta: { pid: 8 } });
    transport.receive(CH, batch([text(1, { seq: 1 }), stranger, text(3, { seq: 3 })]));
    expect(seen).toEqual([
      { frame: decoded(text(1, { seq: 1 })), channel: CH },
      { rejected: { reason: 'invalid_frame', channel: CH, message: expect.any(String) as string, issues: [{ path: '/data/1/meta', keyword: 'const', message: "is not the batch's sender" }] } },
      // Frame 2 never arrived as far as the numbers go: a gap of one.
      { gap: { from: SENDER, channel: CH, missed: 1 } },
      { frame: decoded(text(3, { seq: 3 })), channel: CH },
    ]);
  });

  test('without a secret, ts is not checked: a frame without one, or far from our clock, is taken', () => {
    const { transport, data, rejected } = setup();
    transport.receive(CH, text('no ts'));
    transport.receive(CH, text('old', { ts: 5 }));
    expect(data()).toEqual(['no ts', 'old']);
    expect(rejected()).toEqual([]);
  });
});

describe('reading signed frames', () => {
  const signer = createSigner(KEY);

  test('a frame without a signature is rejected as unsigned', () => {
    const { transport, clock, rejected, data } = setup({ signer });
    transport.receive(CH, text('x', { seq: 1, ts: clock.now() }));
    expect(rejected()).toEqual([{ reason: 'unsigned', channel: CH, message: 'unsigned: the frame carries no signature', issues: [] }]);
    expect(data()).toEqual([]);
  });

  test('a frame signed with another key, or for another channel, is rejected as bad_signature', () => {
    const { transport, clock, rejected, data } = setup({ signer });
    const raw = text('x', { seq: 1, ts: clock.now() });
    transport.receive(CH, signed(raw, CH, OTHER_KEY));
    transport.receive(CH, signed(raw, 'ns:public'));
    const bad = { reason: 'bad_signature', channel: CH, message: 'bad_signature: the signature does not match this channel and text', issues: [] };
    expect(rejected()).toEqual([bad, bad]);
    expect(data()).toEqual([]);
  });

  test('the replay window holds on both sides: ts within replayWindow of our clock is taken, one ms further is stale', () => {
    const { transport, clock, rejected, data } = setup({ signer });
    const now = clock.now();
    const cases: Array<[string, number]> = [
      ['late edge', now - 30_000],
      ['too old', now - 30_001],
      ['early edge', now + 30_000],
      ['too new', now + 30_001],
    ];
    cases.forEach(([name, ts], i) => transport.receive(CH, signed(text(name, { seq: i + 1, ts }))));
    expect(data()).toEqual(['late edge', 'early edge']);
    expect(rejected()).toEqual([
      { reason: 'stale', channel: CH, message: `stale: ts ${now - 30_001} is outside the 30000 ms replay window`, issues: [] },
      { reason: 'stale', channel: CH, message: `stale: ts ${now + 30_001} is outside the 30000 ms replay window`, issues: [] },
    ]);
  });

  test('a signed frame without ts is stale; the window is the configured one', () => {
    const { transport, clock, rejected } = setup({ signer, replayWindow: 1_000 });
    transport.receive(CH, signed(text('no ts', { seq: 1 })));
    transport.receive(CH, signed(text('2 s old', { seq: 2, ts: clock.now() - 2_000 })));
    expect(rejected().map((r) => r.message)).toEqual([
      'stale: ts undefined is outside the 1000 ms replay window',
      `stale: ts ${clock.now() - 2_000} is outside the 1000 ms replay window`,
    ]);
  });

  test('a signed batch is verified once and unpacked; a stale one is rejected whole', () => {
    const { transport, clock, data, rejected } = setup({ signer });
    transport.receive(CH, signed(batch([text('a', { seq: 1 }), text('b', { seq: 2 })], { ts: clock.now() })));
    transport.receive(CH, signed(batch([text('c', { seq: 3 }), text('d', { seq: 4 })], { ts: clock.now() - 40_000 })));
    expect(data()).toEqual(['a', 'b']);
    expect(rejected()).toEqual([{ reason: 'stale', channel: CH, message: `stale: ts ${clock.now() - 40_000} is outside the 30000 ms replay window`, issues: [] }]);
  });

  test.each([
    ['meta.instance', { seq: 1, meta: { instance: undefined } }],
    ['seq', {}],
    ['both', { meta: { instance: undefined } }],
  ] as const)('a signed frame without %s is rejected as unsigned: its replay cannot be told', (_name, fields) => {
    const { transport, clock, rejected, data } = setup({ signer });
    transport.receive(CH, signed(text('x', { ...fields, ts: clock.now() })));
    expect(rejected()).toEqual([{ reason: 'unsigned', channel: CH, message: 'unsigned: a signed frame must carry meta.instance and seq', issues: [] }]);
    expect(data()).toEqual([]);
  });
});

describe('sequence numbers', () => {
  test('a number seen before is dropped as duplicate; the next one goes on', () => {
    const { transport, seen } = setup();
    for (const seq of [1, 2, 2, 3]) transport.receive(CH, text(`n${seq}`, { seq }));
    expect(seen.map((s) => ('frame' in s ? s.frame.data : s))).toEqual([
      'n1',
      'n2',
      { rejected: { reason: 'duplicate', channel: CH, message: 'duplicate: seq 2 from pid 7 was seen before', issues: [] } },
      'n3',
    ]);
  });

  test('with a secret, a number seen before is a replay', () => {
    const { transport, clock, rejected, data } = setup({ signer: createSigner(KEY) });
    const first = signed(text('once', { seq: 1, ts: clock.now() }));
    transport.receive(CH, first);
    transport.receive(CH, first);
    expect(data()).toEqual(['once']);
    expect(rejected()).toEqual([{ reason: 'replayed', channel: CH, message: 'replayed: seq 1 from pid 7 was seen before', issues: [] }]);
  });

  test('a jump is reported to onGap with the number missed, before the frame that shows it is handed on', () => {
    const { transport, seen } = setup();
    for (const seq of [1, 2, 5, 7]) transport.receive(CH, text(`n${seq}`, { seq }));
    expect(seen.map((s) => ('frame' in s ? s.frame.data : s))).toEqual([
      'n1',
      'n2',
      { gap: { from: SENDER, channel: CH, missed: 2 } },
      'n5',
      { gap: { from: SENDER, channel: CH, missed: 1 } },
      'n7',
    ]);
  });

  test('without a secret, frames without an instance or seq are not numbered: the same one twice is taken twice', () => {
    const { transport, data, rejected } = setup();
    transport.receive(CH, text('a', { meta: { instance: undefined }, seq: 1 }));
    transport.receive(CH, text('a', { meta: { instance: undefined }, seq: 1 }));
    transport.receive(CH, text('b'));
    transport.receive(CH, text('b'));
    expect(data()).toEqual(['a', 'a', 'b', 'b']);
    expect(rejected()).toEqual([]);
  });

  // A sender forgets an idle channel's counter and starts again at 1 (sequence.ts): after a long
  // silence, 1 is a new start, unless the frame is signed and not newer than the last one seen.
  const SILENCE = 5 * 60_000;

  // The clock jumps within a turn here: the frames after a jump wait for the next turn (the handler budget).
  test('with a secret, seq 1 again after a long silence but not newer than the last frame is a replay', async () => {
    const { transport, clock, data, rejected } = setup({ signer: createSigner(KEY), replayWindow: 3_600_000 });
    const ts = clock.now();
    transport.receive(CH, signed(text('first', { seq: 1, ts })));
    transport.receive(CH, signed(text('second', { seq: 2, ts })));
    clock.advance(SILENCE);
    transport.receive(CH, signed(text('first', { seq: 1, ts })));
    await turn();
    expect(rejected().map((r) => r.reason)).toEqual(['replayed']);
    clock.advance(SILENCE);
    transport.receive(CH, signed(text('restart', { seq: 1, ts: clock.now() })));
    await turn();
    expect(data()).toEqual(['first', 'second', 'restart']);
    expect(rejected().map((r) => r.reason)).toEqual(['replayed']);
  });

  test('without a secret, ts says nothing: seq 1 after a long silence is a new start', async () => {
    const { transport, clock, data, rejected } = setup();
    transport.receive(CH, text('first', { seq: 1, ts: 500 }));
    transport.receive(CH, text('second', { seq: 2, ts: 500 }));
    clock.advance(SILENCE);
    transport.receive(CH, text('again', { seq: 1, ts: 400 }));
    await turn();
    expect(data()).toEqual(['first', 'second', 'again']);
    expect(rejected()).toEqual([]);
  });
});

describe('the handler budget', () => {
  test('the budget is 20 ms of a turn', () => {
    expect(HANDLER_BUDGET_MS).toBe(20);
  });

  test.each([0, 1_000_000])('clock at %d: a frame arriving after 19 ms of handlers in this turn is handled at once', (start) => {
    const { transport, data, cost } = setup({ start });
    cost.set('a', 19);
    transport.receive(CH, text('a'));
    transport.receive(CH, text('b'));
    expect(data()).toEqual(['a', 'b']);
  });

  test.each([0, 1_000_000])('clock at %d: after 20 ms of handlers, frames wait for the next turn and are then handled in order', async (start) => {
    const { transport, data, cost, rejected } = setup({ start });
    cost.set('a', 20);
    transport.receive(CH, text('a'));
    transport.receive(CH, text('b'));
    transport.receive(CH, text('c'));
    expect(data()).toEqual(['a']);
    await turn();
    expect(data()).toEqual(['a', 'b', 'c']);
    // A new turn, a new share: handled at once again.
    transport.receive(CH, text('d'));
    expect(data()).toEqual(['a', 'b', 'c', 'd']);
    expect(rejected()).toEqual([]);
  });

  test('frames waiting are handled over as many turns as their handlers need, in order', async () => {
    const { transport, data, cost } = setup();
    for (const name of ['a', 'b', 'c']) cost.set(name, 20);
    for (const name of ['a', 'b', 'c', 'd']) transport.receive(CH, text(name));
    expect(data()).toEqual(['a']);
    await turn();
    expect(data()).toEqual(['a', 'b']);
    await turn();
    expect(data()).toEqual(['a', 'b', 'c']);
    await turn();
    expect(data()).toEqual(['a', 'b', 'c', 'd']);
  });

  test('a frame arriving at the start of a new turn still waits behind the frames held before it', async () => {
    const { transport, data, cost, then } = setup();
    cost.set('a', 20);
    cost.set('b', 20);
    // Delivered by the next turn's socket read, before the transport's own drain of that turn.
    then.set('b', () => setImmediate(() => transport.receive(CH, text('late'))));
    for (const name of ['a', 'b', 'c']) transport.receive(CH, text(name));
    await turn();
    expect(data()).toEqual(['a', 'b']);
    await turn();
    expect(data()).toEqual(['a', 'b', 'c', 'late']);
  });

  test('past inboundQueue.maxFrames waiting, a frame is rejected as overloaded, naming the bounds', async () => {
    const { transport, data, cost, rejected } = setup({ inboundQueue: { maxFrames: 2, maxBytes: 1_000 } });
    cost.set('a', 20);
    for (const name of ['a', 'b', 'c', 'd']) transport.receive(CH, text(name));
    expect(rejected()).toEqual([{ reason: 'overloaded', channel: CH, message: 'overloaded: 2 frames or 1000 bytes already wait to be handled', issues: [] }]);
    await turn();
    expect(data()).toEqual(['a', 'b', 'c']);
  });

  test('past inboundQueue.maxBytes waiting, a frame is rejected as overloaded; up to the bound exactly, it waits', async () => {
    const size = text('b').length;
    const { transport, data, cost, rejected } = setup({ inboundQueue: { maxFrames: 100, maxBytes: 2 * size } });
    cost.set('a', 20);
    for (const name of ['a', 'b', 'c', 'd']) transport.receive(CH, text(name));
    expect(rejected()).toEqual([{ reason: 'overloaded', channel: CH, message: `overloaded: 100 frames or ${2 * size} bytes already wait to be handled`, issues: [] }]);
    await turn();
    expect(data()).toEqual(['a', 'b', 'c']);
  });

  test('frames handled leave room: only those still waiting count against maxFrames', async () => {
    const { transport, data, cost, rejected } = setup({ inboundQueue: { maxFrames: 2, maxBytes: 1_000 } });
    cost.set('a', 20);
    cost.set('b', 20);
    for (const name of ['a', 'b', 'c']) transport.receive(CH, text(name));
    await turn();
    expect(data()).toEqual(['a', 'b']);
    // c waits: one more fits, the next does not.
    transport.receive(CH, text('d'));
    transport.receive(CH, text('e'));
    expect(rejected().map((r) => r.reason)).toEqual(['overloaded']);
    await turn();
    expect(data()).toEqual(['a', 'b', 'c', 'd']);
  });

  test('once the frames waiting are handled, the whole bound is free again, turn after turn', async () => {
    const size = text('b1').length;
    const { transport, data, cost, rejected } = setup({ inboundQueue: { maxFrames: 2, maxBytes: 2 * size } });
    for (const round of [1, 2, 3]) {
      cost.set(`a${round}`, 20);
      for (const name of ['a', 'b', 'c']) transport.receive(CH, text(`${name}${round}`));
      await turn();
    }
    expect(data()).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'c2', 'a3', 'b3', 'c3']);
    expect(rejected()).toEqual([]);
  });
});

describe('subscribe, unsubscribe, whenReady', () => {
  test('whenReady resolves at once when ready, waits while connecting, and rejects CLUSTR_CLOSED after close', async () => {
    const { transport, connect } = setup();
    const early = [track(transport.whenReady()), track(transport.whenReady())];
    await settle();
    expect(early.map((t) => t.state)).toEqual(['pending', 'pending']);
    await connect();
    expect(early.map((t) => t.state)).toEqual(['resolved: undefined', 'resolved: undefined']);
    const now = track(transport.whenReady());
    await settle();
    expect(now.state).toBe('resolved: undefined');
    await transport.close();
    const after = track(transport.whenReady());
    await settle();
    expect(after.state).toBe('CLUSTR_CLOSED: the process has been closed.');
  });

  test('whenReady during an outage resolves once the connection is back', async () => {
    const { transport, subscriber, connect } = setup();
    await connect();
    subscriber.goes('reconnecting');
    const waiting = track(transport.whenReady());
    await settle();
    expect(waiting.state).toBe('pending');
    subscriber.goes('ready');
    await settle();
    expect(waiting.state).toBe('resolved: undefined');
  });

  test('subscribe on a ready connection resolves once Redis confirms it', async () => {
    const { transport, subscriber, connect } = setup();
    await connect();
    subscriber.answers = 'by hand';
    const done = track(transport.subscribe(['a', 'b']));
    await settle();
    expect(subscriber.sent('subscribe')).toEqual([['a', 'b']]);
    expect(done.state).toBe('pending');
    subscriber.last('subscribe').resolve(2);
    await settle();
    expect(done.state).toBe('resolved: undefined');
  });

  test('subscribe before the connection is ready sends nothing itself: the first subscription covers it, and it resolves once ready', async () => {
    const { transport, subscriber, connect, changes } = setup();
    const a = track(transport.subscribe(['a']));
    const b = track(transport.subscribe(['b', 'c']));
    await settle();
    expect(subscriber.sent('subscribe')).toEqual([]);
    expect([a.state, b.state]).toEqual(['pending', 'pending']);
    await connect();
    expect(subscriber.sent('subscribe')).toEqual([['a', 'b', 'c']]);
    expect([a.state, b.state]).toEqual(['resolved: undefined', 'resolved: undefined']);
    expect(changes.map((c) => c.to)).toEqual(['ready']);
  });

  test('with no channels, connecting sends no SUBSCRIBE', async () => {
    const { transport, subscriber, connect } = setup();
    await connect();
    expect(transport.state).toBe('ready');
    expect(subscriber.commands).toEqual([]);
  });

  test('after a reconnect, every channel subscribed and not unsubscribed is subscribed again, in one command', async () => {
    const { transport, subscriber, connect } = setup();
    await connect();
    await transport.subscribe(['a', 'b']);
    await transport.subscribe(['c']);
    await transport.unsubscribe(['b']);
    expect(subscriber.sent('unsubscribe')).toEqual([['b']]);
    subscriber.goes('reconnecting');
    // Unsubscribed during the outage: nothing to send now, and not subscribed again.
    await transport.unsubscribe(['c']);
    expect(subscriber.sent('unsubscribe')).toEqual([['b']]);
    subscriber.goes('ready');
    await settle();
    expect(subscriber.sent('subscribe')).toEqual([['a', 'b'], ['c'], ['a']]);
    expect(transport.state).toBe('ready');
  });

  test('Redis refusing a subscription rejects CLUSTR_TRANSPORT naming the channels, the reason and Redis', async () => {
    const { transport, subscriber, connect } = setup();
    await connect();
    const noperm = new Error('NOPERM this user has no permissions to access one of the channels used as arguments');
    subscriber.answers = noperm;
    const error = await transport.subscribe(['a', 'b']).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'CLUSTR_TRANSPORT',
      message: `could not subscribe to a, b: ${noperm.message}. Check that Redis at ${LABEL} is reachable.`,
      cause: noperm,
    });
  });

  test('a subscription cut off by a loss of the connection resolves once the channels are subscribed again after the reconnect', async () => {
    const { transport, subscriber, connect } = setup();
    await connect();
    subscriber.answers = 'by hand';
    const done = track(transport.subscribe(['a']));
    await settle();
    subscriber.goes('reconnecting');
    subscriber.last('subscribe').reject(new Error('Connection is closed.'));
    await settle();
    expect(done.state).toBe('pending');
    subscriber.goes('ready');
    await settle();
    expect(subscriber.sent('subscribe')).toEqual([['a'], ['a']]);
    expect(done.state).toBe('pending');
    subscriber.last('subscribe').resolve(1);
    await settle();
    expect(done.state).toBe('resolved: undefined');
  });

  test('a subscription cut off by close rejects CLUSTR_CLOSED, with the cause', async () => {
    const { transport, subscriber, connect } = setup();
    await connect();
    subscriber.answers = 'by hand';
    const error = transport.subscribe(['a']).catch((e: unknown) => e);
    await settle();
    const closing = transport.close();
    const closed = new Error('Connection is closed.');
    subscriber.commands[0]!.reject(closed);
    expect(await error).toMatchObject({ code: 'CLUSTR_CLOSED', message: 'the process closed before Redis confirmed the subscription.', cause: closed });
    subscriber.last('quit').resolve('OK');
    await closing;
  });

  test('unsubscribe on a ready connection resolves once Redis confirms it, and passes on a refusal', async () => {
    const { transport, subscriber, connect } = setup();
    await connect();
    await transport.subscribe(['a', 'b']);
    subscriber.answers = 'by hand';
    const done = track(transport.unsubscribe(['a', 'b']));
    await settle();
    expect(subscriber.sent('unsubscribe')).toEqual([['a', 'b']]);
    expect(done.state).toBe('pending');
    subscriber.last('unsubscribe').resolve(0);
    await settle();
    expect(done.state).toBe('resolved: undefined');
    subscriber.answers = new Error('ERR unknown command');
    await expect(transport.unsubscribe(['a'])).rejects.toThrow('ERR unknown command');
  });

  test('unsubscribe after close sends nothing, even on a borrowed client still connected', async () => {
    const { transport, subscriber, connect } = setup({ ownsSubscriber: false });
    await connect();
    await transport.subscribe(['a']);
    await transport.close();
    expect(subscriber.sent('unsubscribe')).toEqual([['a']]);
    await transport.unsubscribe(['a']);
    expect(subscriber.sent('unsubscribe')).toEqual([['a']]);
  });

  test('Redis refusing the resubscription after a reconnect goes to onSubscribeRefused, and the state stays down', async () => {
    const { transport, subscriber, connect, refused } = setup();
    await connect();
    await transport.subscribe(['a']);
    subscriber.goes('reconnecting');
    const noperm = new Error('NOPERM');
    subscriber.answers = noperm;
    subscriber.goes('ready');
    await settle();
    expect(refused).toEqual([noperm]);
    expect(transport.state).toBe('reconnecting');
    expect(transport.lastError).toBe(noperm);
  });

  test('a refused resubscription without onSubscribeRefused is handled: no handler throws', async () => {
    const { transport, subscriber, connect } = setup({ onSubscribeRefused: undefined });
    await connect();
    await transport.subscribe(['a']);
    subscriber.goes('reconnecting');
    subscriber.answers = new Error('NOPERM');
    subscriber.goes('ready');
    await settle();
    expect(transport.state).toBe('reconnecting');
    expect(new Set(await outcomes(subscriber))).toEqual(new Set(['fulfilled']));
  });

  // A waiter for the connection still waiting when the transport closes was never settled: a
  // subscribe() (or Worker.emitReady()) during an outage hung for good if the process closed first.
  test('a subscribe made during an outage, and anyone waiting for the connection, settle with CLUSTR_CLOSED when the transport closes', async () => {
    const { transport, subscriber, connect } = setup();
    await connect();
    subscriber.goes('reconnecting');
    const during = track(transport.subscribe(['a']));
    const waiting = track(transport.whenReady());
    await transport.close();
    await settle();
    expect([during.state, waiting.state]).toEqual(['CLUSTR_CLOSED: the process has been closed.', 'CLUSTR_CLOSED: the process has been closed.']);
  });
  // subscribe() after close() went to Redis when the subscriber was still connected (a borrowed one
  // is), subscribing it to a channel nobody would unsubscribe.
  test('subscribe after close rejects CLUSTR_CLOSED and sends nothing, even on a borrowed client still connected', async () => {
    const { transport, subscriber, connect } = setup({ ownsSubscriber: false });
    await connect();
    await transport.close();
    const after = track(transport.subscribe(['late']));
    await settle();
    expect(subscriber.sent('subscribe')).toEqual([]);
    expect(after.state).toMatch(/^CLUSTR_CLOSED: /);
  });
});

describe('publishing', () => {
  test('encode writes the frame as it travels; publish sends it with its seq and resolves to the receivers', async () => {
    const { transport, publisher, connect } = setup();
    await connect();
    const frame = publicFrame({ n: 1 });
    expect(transport.encode(frame)).toBe(JSON.stringify(frame));
    publisher.receivers = 3;
    await expect(transport.publish(CH, frame)).resolves.toBe(3);
    await expect(transport.send(CH, JSON.stringify(publicFrame(2)))).resolves.toBe(3);
    expect(publisher.sent('publish')).toEqual([
      [CH, `${JSON.stringify(frame).slice(0, -1)},"seq":1}`],
      [CH, `${JSON.stringify(publicFrame(2)).slice(0, -1)},"seq":2}`],
    ]);
  });

  test.each([
    { coalesce: true, via: 'direct' },
    { coalesce: false, via: 'publish()' },
  ])('with a direct publisher and coalesce: $coalesce, frames go through $via (corked when a tick with coalescing holds several channels)', async ({ coalesce }) => {
    const direct: Array<[string, string]> = [];
    let corks = 0;
    const { transport, publisher, connect } = setup({
      coalesce,
      direct: {
        publish: (channel: string, raw: string) => {
          direct.push([channel, raw]);
          return Promise.resolve(2);
        },
        corked: (write: () => void) => {
          corks++;
          write();
        },
      },
    });
    await connect();
    publisher.receivers = 5;
    const sent = [transport.publish(CH, publicFrame(1)), transport.publish(`${CH}-b`, publicFrame(2))];
    await expect(Promise.all(sent)).resolves.toEqual(coalesce ? [2, 2] : [5, 5]);
    const expected = [
      [CH, `${JSON.stringify(publicFrame(1)).slice(0, -1)},"seq":1}`],
      [`${CH}-b`, `${JSON.stringify(publicFrame(2)).slice(0, -1)},"seq":1}`],
    ];
    expect(direct).toEqual(coalesce ? expected : []);
    expect(publisher.sent('publish')).toEqual(coalesce ? [] : expected);
    expect(corks).toBe(coalesce ? 1 : 0);
  });

  test('a frame too large for the codec is rejected with the codec error, not thrown, and nothing is sent', async () => {
    const { transport, publisher, connect } = setup({ codec: createCodec({ maxBytes: 256 }) });
    await connect();
    let sent: Promise<number> | undefined;
    expect(() => (sent = transport.publish(CH, publicFrame('x'.repeat(300))))).not.toThrow();
    await expect(sent).rejects.toMatchObject({ code: 'CLUSTR_FRAME_TOO_LARGE', message: expect.stringContaining('256-byte limit') as string });
    expect(publisher.sent('publish')).toEqual([]);
  });

  test('after close, encode throws and publish rejects CLUSTR_CLOSED naming the kind', async () => {
    const { transport, publisher, connect } = setup();
    await connect();
    await transport.close();
    const message = 'cannot publish a public frame: this process has been closed.';
    expect(() => transport.encode(publicFrame(1))).toThrow(message);
    await expect(transport.publish(CH, publicFrame(1))).rejects.toMatchObject({ code: 'CLUSTR_CLOSED', message });
    expect(publisher.sent('publish')).toEqual([]);
  });

  test('frames published before the connection is ready wait (and show in info), then go in order once ready', async () => {
    const { transport, publisher, connect, clock } = setup();
    const one = JSON.stringify(publicFrame(1));
    const two = JSON.stringify(publicFrame(22));
    const sent = [track(transport.send(CH, one)), track(transport.send(CH, two))];
    clock.advance(10);
    expect(transport.info).toEqual({ state: 'connecting', since: 1_000_000, reconnects: 0, downtimeMs: 0, queuedFrames: 2, queuedBytes: one.length + two.length });
    expect(publisher.sent('publish')).toEqual([]);
    await connect();
    expect(publisher.sent('publish').map(([, raw]) => decoded(raw!).data)).toEqual([1, 22]);
    expect(sent.map((s) => s.state)).toEqual(['resolved: 1', 'resolved: 1']);
    expect(transport.info).toMatchObject({ state: 'ready', queuedFrames: 0, queuedBytes: 0 });
  });

  test('a frame in flight when Redis goes away is rejected CLUSTR_OFFLINE_TIMEOUT if Redis is not back within maxWait', async () => {
    const { transport, publisher, subscriber, connect, clock } = setup();
    await connect();
    publisher.answers = 'by hand';
    const sent = track(transport.publish(CH, publicFrame(1)));
    subscriber.goes('reconnecting');
    clock.advance(4_999);
    await settle();
    expect(sent.state).toBe('pending');
    clock.advance(1);
    await settle();
    expect(sent.state).toMatch(/^CLUSTR_OFFLINE_TIMEOUT: not known to be sent: Redis at redis:\/\/127\.0\.0\.1:6379 went away/);
  });

  test('a frame in flight when Redis goes away keeps waiting for its answer when Redis is back in time', async () => {
    const { transport, publisher, subscriber, connect, clock } = setup();
    await connect();
    publisher.answers = 'by hand';
    const sent = track(transport.publish(CH, publicFrame(1)));
    subscriber.goes('reconnecting');
    clock.advance(1_000);
    subscriber.goes('ready');
    await settle();
    clock.advance(10_000);
    publisher.commands[0]!.resolve(1);
    await settle();
    expect(sent.state).toBe('resolved: 1');
  });

  test('after a reconnect, a frame that reached nobody is sent again (receivers may be resubscribing); after the first connect it is not', async () => {
    const CH2 = 'ns:private:2';
    const { transport, publisher, subscriber, connect, clock } = setup();
    await connect();
    publisher.answers = 'by hand';
    const first = track(transport.publish(CH, publicFrame(1)));
    publisher.last('publish').resolve(0);
    const heard = track(transport.publish(CH2, publicFrame(2)));
    publisher.last('publish').resolve(1);
    await settle();
    clock.advance(50);
    expect([first.state, heard.state, publisher.sent('publish').length]).toEqual(['resolved: 0', 'resolved: 1', 2]);
    subscriber.goes('reconnecting');
    subscriber.goes('ready');
    await settle();
    const second = track(transport.publish(CH2, publicFrame(3)));
    publisher.last('publish').resolve(0);
    await settle();
    expect(second.state).toBe('pending');
    clock.advance(50);
    expect(publisher.sent('publish').map(([channel, raw]) => [channel, decoded(raw!).data])).toEqual([
      [CH, 1],
      [CH2, 2],
      [CH2, 3],
      [CH2, 3],
    ]);
    publisher.last('publish').resolve(1);
    await settle();
    expect(second.state).toBe('resolved: 1');
  });
});

describe('close', () => {
  test('quits both clients it owns, once, and reports connection changes to the end', async () => {
    const { transport, publisher, subscriber, connect, changes, clock } = setup();
    await connect();
    await transport.close();
    await transport.close();
    expect(publisher.sent('quit')).toEqual([[]]);
    expect(subscriber.sent('quit')).toEqual([[]]);
    expect(publisher.disconnects + subscriber.disconnects).toBe(0);
    expect(transport.state).toBe('closed');
    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual(['connecting->ready', 'ready->closed']);
    // The timeouts are cleared once Redis answered.
    expect(clock.pending).toBe(0);
  });

  test('a QUIT Redis does not answer within 1 s is given up: the client is disconnected', async () => {
    const { transport, publisher, subscriber, connect, clock } = setup();
    await connect();
    publisher.answers = 'by hand';
    subscriber.answers = 'by hand';
    const closing = track(transport.close());
    clock.advance(999);
    await settle();
    expect([closing.state, publisher.disconnects, subscriber.disconnects]).toEqual(['pending', 0, 0]);
    clock.advance(1);
    await settle();
    expect([closing.state, publisher.disconnects, subscriber.disconnects]).toEqual(['resolved: undefined', 1, 1]);
  });

  test('close(timeoutMs) waits that long for QUIT instead', async () => {
    const { transport, publisher, connect, clock } = setup();
    await connect();
    publisher.answers = 'by hand';
    const closing = track(transport.close(200));
    clock.advance(199);
    await settle();
    expect(publisher.disconnects).toBe(0);
    clock.advance(1);
    await settle();
    expect([closing.state, publisher.disconnects]).toEqual(['resolved: undefined', 1]);
  });

  test('a QUIT that fails disconnects the client', async () => {
    const { transport, publisher, subscriber, connect, clock } = setup();
    await connect();
    publisher.answers = new Error('Connection is closed.');
    await transport.close();
    expect([publisher.disconnects, subscriber.disconnects]).toEqual([1, 0]);
    expect(clock.pending).toBe(0);
  });

  test('a client that has already ended is not asked to quit', async () => {
    const { transport, publisher, subscriber, connect } = setup();
    await connect();
    publisher.status = 'end';
    await transport.close();
    expect(publisher.sent('quit')).toEqual([]);
    expect(subscriber.sent('quit')).toEqual([[]]);
    expect(publisher.disconnects).toBe(0);
  });

  test('a borrowed subscriber is not quit, only unsubscribed from our channels, and left with no listener of ours', async () => {
    const { transport, publisher, subscriber, connect } = setup({ ownsSubscriber: false });
    const theirs = (): void => undefined;
    subscriber.on('message', theirs);
    await connect();
    await transport.subscribe(['a', 'b']);
    await transport.close();
    expect(subscriber.sent('quit')).toEqual([]);
    expect(subscriber.sent('unsubscribe')).toEqual([['a', 'b']]);
    expect(subscriber.disconnects).toBe(0);
    expect(subscriber.eventNames()).toEqual(['message']);
    expect(subscriber.listeners('message')).toEqual([theirs]);
    expect(publisher.sent('quit')).toEqual([[]]);
  });

  test('a borrowed subscriber without channels of ours gets no command at all', async () => {
    const { transport, subscriber, connect } = setup({ ownsSubscriber: false });
    await connect();
    await transport.close();
    expect(subscriber.commands).toEqual([]);
  });

  test('an UNSUBSCRIBE Redis does not answer holds close for 1 s at most, and the borrowed client is kept', async () => {
    const { transport, subscriber, connect, clock } = setup({ ownsSubscriber: false, ownsPublisher: false });
    await connect();
    await transport.subscribe(['a']);
    subscriber.answers = 'by hand';
    const closing = track(transport.close());
    clock.advance(999);
    await settle();
    expect(closing.state).toBe('pending');
    clock.advance(1);
    await settle();
    expect(closing.state).toBe('resolved: undefined');
    expect(subscriber.disconnects).toBe(0);
  });

  test('a borrowed publisher is not quit', async () => {
    const { transport, publisher, connect } = setup({ ownsPublisher: false });
    await connect();
    await transport.close();
    expect(publisher.commands).toEqual([]);
    expect(publisher.disconnects).toBe(0);
  });

  test('one owned client in both roles is quit once', async () => {
    const { transport, publisher, connect } = setup({ sameClient: true });
    await connect();
    expect(transport.state).toBe('ready');
    publisher.answers = 'by hand';
    const closing = transport.close();
    expect(publisher.sent('quit')).toEqual([[]]);
    publisher.last('quit').resolve('OK');
    await closing;
    expect(publisher.sent('quit')).toEqual([[]]);
  });

  test('closing twice unsubscribes a borrowed subscriber once', async () => {
    const { transport, subscriber, connect } = setup({ ownsSubscriber: false });
    await connect();
    await transport.subscribe(['a']);
    await Promise.all([transport.close(), transport.close()]);
    await transport.close();
    expect(subscriber.sent('unsubscribe')).toEqual([['a']]);
  });

  test('frames waiting for Redis are rejected CLUSTR_CLOSED', async () => {
    const { transport } = setup();
    const waiting = track(transport.publish(CH, publicFrame(1)));
    await transport.close();
    await settle();
    expect(waiting.state).toBe('CLUSTR_CLOSED: not sent: the process closed while the frame waited for Redis.');
  });

  test('frames waiting for the next turn are dropped, and frames that arrive after close are ignored', async () => {
    const { transport, subscriber, seen, cost } = setup();
    cost.set('a', 20);
    for (const name of ['a', 'b']) subscriber.emit('message', CH, text(name));
    await transport.close();
    await turn();
    transport.receive(CH, text('c'));
    transport.receive(CH, 'garbage');
    await turn();
    expect(seen.map((s) => ('frame' in s ? s.frame.data : s))).toEqual(['a']);
    expect(subscriber.listenerCount('message')).toBe(0);
  });
});

describe('over FakeRedis', () => {
  test('a Redis restart: connecting → ready → reconnecting → ready → closed, and the channels are heard again after it', async () => {
    const clock = handClock(0);
    const server = new FakeRedisServer({ timers: { setTimeout: (fn, ms) => clock.setTimeout(fn, ms), clearTimeout: (handle) => clock.clearTimeout(handle as never) } });
    const publisher = new FakeRedis({ server }) as unknown as RedisLike;
    const subscriber = new FakeRedis({ server }) as unknown as RedisLike;
    const seen: unknown[] = [];
    const changes: string[] = [];
    const transport = new Transport({
      publisher,
      subscriber,
      ownsPublisher: true,
      ownsSubscriber: true,
      clock,
      codec: createCodec(),
      replayWindow: 30_000,
      meta: { pid: 1, group: 'master', instance: 'me' },
      nextId: () => 'b',
      coalesce: false,
      offlineQueue: { maxFrames: 100, maxBytes: 1 << 20, maxWait: 5_000 },
      inboundQueue: { maxFrames: 100, maxBytes: 1 << 20 },
      redisLabel: LABEL,
      onFrame: (frame) => seen.push(frame.data),
      onReject: (rejected) => seen.push(rejected),
      onGap: (gap) => seen.push(gap),
      onConnection: (change) => changes.push(`${change.from}->${change.to}`),
    });
    await transport.subscribe([CH]);
    expect(transport.state).toBe('ready');
    expect(server.inject(CH, text('before', { seq: 1 }))).toBe(1);
    await settle();
    server.stop();
    await settle();
    expect(transport.state).toBe('reconnecting');
    expect(server.inject(CH, text('lost', { seq: 2 }))).toBe(0);
    clock.advance(1_000);
    server.start();
    clock.advance(2_000);
    await transport.whenReady();
    expect(server.inject(CH, text('after', { seq: 3 }))).toBe(1);
    // The hand clock moved 3 s within one turn: the handlers' share of it is spent, the frame waits for the next turn.
    await settle();
    expect(seen).toEqual(['before']);
    await turn();
    await transport.close();
    expect(seen).toEqual(['before', { from: SENDER, channel: CH, missed: 1 }, 'after']);
    expect(changes).toEqual(['connecting->ready', 'ready->reconnecting', 'reconnecting->ready', 'ready->closed']);
    expect(transport.info).toMatchObject({ state: 'closed', reconnects: 1 });
  });
});
