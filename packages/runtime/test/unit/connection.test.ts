// The connection state machine on its own (transport/connection.ts): two hand-driven clients
// and a hand clock, so each event, each resubscription answer and each state change is a step
// the test takes. Whole-outage behaviour with real clients is in faults.test.ts.
import { Connection, type ConnectionChange } from '../../src/transport/connection';
import { handClock, outcomes, settle, StubRedis } from './redis-stub';

const START = 1_000;

function setup(options: { sameClient?: boolean; subscriberStatus?: string; publisherStatus?: string; listenForRefusals?: boolean } = {}) {
  const clock = handClock(START);
  const publisher = new StubRedis();
  const subscriber = options.sameClient === true ? publisher : new StubRedis();
  if (options.publisherStatus !== undefined) publisher.status = options.publisherStatus;
  if (options.subscriberStatus !== undefined) subscriber.status = options.subscriberStatus;
  const changes: ConnectionChange[] = [];
  const refusals: Error[] = [];
  const connection = new Connection({
    publisher,
    subscriber,
    clock,
    // What the transport does: subscribe the subscriber to its channels again.
    resubscribe: () => subscriber.subscribe('ch'),
    onChange: (change) => changes.push(change),
    ...(options.listenForRefusals === false ? {} : { onResubscribeError: (error: Error) => refusals.push(error) }),
  });
  /** Both clients connect, and the resubscription is answered at once. */
  const connect = async (): Promise<void> => {
    publisher.goes('ready');
    if (subscriber !== publisher) subscriber.goes('ready');
    await settle();
  };
  return { clock, publisher, subscriber, connection, changes, refusals, connect };
}

const NONE = { frames: 0, bytes: 0 };

describe('Connection: states and figures', () => {
  test('starts connecting, since the clock time it was made, with no reconnects, no downtime and no error', () => {
    const { connection, changes, clock } = setup();
    clock.advance(250);
    expect(connection.state).toBe('connecting');
    expect(connection.lastError).toBeUndefined();
    expect(connection.info({ frames: 3, bytes: 40 })).toEqual({ state: 'connecting', since: START, reconnects: 0, downtimeMs: 0, queuedFrames: 3, queuedBytes: 40 });
    expect(changes).toEqual([]);
  });

  test('is ready only once the publisher is ready, the subscriber is ready and Redis confirmed the resubscription', async () => {
    const { connection, publisher, subscriber, changes, clock } = setup();
    subscriber.answers = 'by hand';
    clock.advance(100);
    publisher.goes('ready');
    await settle();
    expect(connection.state).toBe('connecting');
    clock.advance(100);
    subscriber.goes('ready');
    await settle();
    expect(subscriber.sent('subscribe')).toEqual([['ch']]);
    expect(connection.state).toBe('connecting');
    clock.advance(100);
    subscriber.last('subscribe').resolve(1);
    await settle();
    expect(connection.state).toBe('ready');
    expect(changes).toEqual([{ from: 'connecting', to: 'ready', at: START + 300 }]);
    expect(connection.info(NONE)).toEqual({ state: 'ready', since: START + 300, reconnects: 0, downtimeMs: 0, queuedFrames: 0, queuedBytes: 0 });
  });

  test('a subscriber ready and resubscribed first waits for the publisher', async () => {
    const { connection, publisher, subscriber, changes, clock } = setup();
    subscriber.goes('ready');
    await settle();
    expect(connection.state).toBe('connecting');
    clock.advance(40);
    publisher.goes('ready');
    expect(connection.state).toBe('ready');
    expect(changes).toEqual([{ from: 'connecting', to: 'ready', at: START + 40 }]);
    expect(subscriber.sent('subscribe')).toEqual([['ch']]);
  });

  test('connecting → ready → reconnecting → ready → reconnecting → ready → closed: each change once, with the error, downMs, downtime and reconnects', async () => {
    const { connection, publisher, subscriber, changes, clock, connect } = setup();
    await connect();
    clock.advance(500);
    const reset = new Error('read ECONNRESET');
    publisher.emit('error', reset);
    expect(connection.lastError).toBe(reset);
    expect(connection.state).toBe('ready');
    subscriber.goes('reconnecting');
    expect(connection.state).toBe('reconnecting');
    clock.advance(300);
    expect(connection.info(NONE)).toEqual({ state: 'reconnecting', since: START + 500, reconnects: 0, downtimeMs: 300, queuedFrames: 0, queuedBytes: 0 });
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    subscriber.emit('error', refused);
    expect(connection.lastError).toBe(refused);
    clock.advance(200);
    subscriber.goes('ready');
    await settle();
    expect(connection.state).toBe('ready');
    expect(connection.lastError).toBeUndefined();
    expect(subscriber.sent('subscribe')).toEqual([['ch'], ['ch']]);
    expect(connection.info(NONE)).toEqual({ state: 'ready', since: START + 1_000, reconnects: 1, downtimeMs: 500, queuedFrames: 0, queuedBytes: 0 });
    clock.advance(1_000);
    expect(connection.info(NONE).downtimeMs).toBe(500);

    // The publisher alone goes away: no client error this time, and no resubscription on its return.
    publisher.goes('close');
    clock.advance(250);
    expect(connection.info(NONE).downtimeMs).toBe(750);
    publisher.goes('ready');
    expect(subscriber.sent('subscribe')).toHaveLength(2);
    expect(connection.info(NONE)).toEqual({ state: 'ready', since: START + 2_250, reconnects: 2, downtimeMs: 750, queuedFrames: 0, queuedBytes: 0 });
    clock.advance(50);
    connection.close();

    expect(changes).toEqual([
      { from: 'connecting', to: 'ready', at: START },
      { from: 'ready', to: 'reconnecting', at: START + 500, error: reset },
      { from: 'reconnecting', to: 'ready', at: START + 1_000, downMs: 500 },
      { from: 'ready', to: 'reconnecting', at: START + 2_000 },
      { from: 'reconnecting', to: 'ready', at: START + 2_250, downMs: 250 },
      { from: 'ready', to: 'closed', at: START + 2_300 },
    ]);
    expect(connection.state).toBe('closed');
    expect(connection.info(NONE)).toEqual({ state: 'closed', since: START + 2_300, reconnects: 2, downtimeMs: 750, queuedFrames: 0, queuedBytes: 0 });
  });

  test.each([
    ['publisher', 'close'],
    ['publisher', 'end'],
    ['publisher', 'reconnecting'],
    ['subscriber', 'close'],
    ['subscriber', 'end'],
    ['subscriber', 'reconnecting'],
  ] as const)('the %s emitting %s is a loss', async (which, event) => {
    const s = setup();
    await s.connect();
    s[which].goes(event);
    expect(s.connection.state).toBe('reconnecting');
    expect(s.changes.map((c) => c.to)).toEqual(['ready', 'reconnecting']);
  });

  test('an event while both clients are still ready changes nothing', async () => {
    const { connection, publisher, subscriber, changes, connect } = setup();
    await connect();
    publisher.emit('reconnecting');
    subscriber.emit('close');
    expect(connection.state).toBe('ready');
    expect(changes).toHaveLength(1);
  });

  test('an error reported while connecting is the last error until the connection is ready', async () => {
    const { connection, subscriber, connect } = setup();
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    subscriber.emit('error', refused);
    expect(connection.lastError).toBe(refused);
    await connect();
    expect(connection.lastError).toBeUndefined();
  });

  test('closing during an outage counts the outage as downtime but not as a reconnect', async () => {
    const { connection, subscriber, changes, clock, connect } = setup();
    await connect();
    subscriber.goes('close');
    clock.advance(400);
    connection.close();
    expect(changes[2]).toEqual({ from: 'reconnecting', to: 'closed', at: START + 400 });
    clock.advance(400);
    expect(connection.info(NONE)).toEqual({ state: 'closed', since: START + 400, reconnects: 0, downtimeMs: 400, queuedFrames: 0, queuedBytes: 0 });
  });
});

describe('Connection: resubscription', () => {
  test('a subscriber handed over already connected is resubscribed at once', async () => {
    const { connection, subscriber, changes } = setup({ subscriberStatus: 'ready', publisherStatus: 'ready' });
    expect(subscriber.sent('subscribe')).toEqual([['ch']]);
    expect(connection.state).toBe('connecting');
    await settle();
    expect(connection.state).toBe('ready');
    expect(changes).toEqual([{ from: 'connecting', to: 'ready', at: START }]);
  });

  test('a subscriber not yet connected is not subscribed before its ready', () => {
    const { subscriber } = setup({ subscriberStatus: 'connect', publisherStatus: 'ready' });
    expect(subscriber.sent('subscribe')).toEqual([]);
  });

  test('Redis refusing the resubscription keeps the state down, makes it the last error and reports it; the next ready tries again', async () => {
    const { connection, subscriber, changes, refusals, connect } = setup();
    await connect();
    subscriber.goes('reconnecting');
    const noperm = new Error("NOPERM this user has no permissions to access one of the channels used as arguments");
    subscriber.answers = noperm;
    subscriber.goes('ready');
    await settle();
    expect(connection.state).toBe('reconnecting');
    expect(connection.lastError).toBe(noperm);
    expect(refusals).toEqual([noperm]);
    subscriber.answers = 'at once';
    subscriber.goes('ready');
    await settle();
    expect(connection.state).toBe('ready');
    expect(connection.lastError).toBeUndefined();
    expect(refusals).toEqual([noperm]);
    expect(changes.map((c) => c.to)).toEqual(['ready', 'reconnecting', 'ready']);
  });

  test('a refusal with nobody listening for refusals is still handled: no handler throws', async () => {
    const { connection, subscriber } = setup({ listenForRefusals: false });
    subscriber.answers = new Error('NOPERM');
    subscriber.goes('ready');
    await settle();
    expect(connection.state).toBe('connecting');
    expect(connection.lastError).toEqual(new Error('NOPERM'));
    expect(await outcomes(subscriber)).toEqual(['fulfilled']);
  });

  test('a resubscription confirmed after the subscriber reconnected again counts for nothing: only the latest one does', async () => {
    const { connection, publisher, subscriber, changes } = setup();
    publisher.goes('ready');
    subscriber.answers = 'by hand';
    subscriber.goes('ready');
    const first = subscriber.last('subscribe');
    subscriber.goes('close');
    subscriber.goes('ready');
    const second = subscriber.last('subscribe');
    expect(second).not.toBe(first);
    first.resolve(1);
    await settle();
    expect(connection.state).toBe('connecting');
    second.resolve(1);
    await settle();
    expect(connection.state).toBe('ready');
    expect(changes).toEqual([{ from: 'connecting', to: 'ready', at: START }]);
  });

  test('a resubscription of an older connection confirmed after the latest one changes nothing', async () => {
    const { connection, publisher, subscriber, changes } = setup();
    publisher.goes('ready');
    subscriber.answers = 'by hand';
    subscriber.goes('ready');
    const first = subscriber.last('subscribe');
    subscriber.goes('close');
    subscriber.goes('ready');
    subscriber.last('subscribe').resolve(1);
    await settle();
    expect(connection.state).toBe('ready');
    first.resolve(1);
    await settle();
    expect(connection.state).toBe('ready');
    expect(changes.map((c) => c.to)).toEqual(['ready']);
  });

  test('a new subscriber connection is not ready until resubscribed, even when its loss went unnoticed', async () => {
    const { connection, subscriber, changes, connect } = setup();
    await connect();
    subscriber.answers = 'by hand';
    subscriber.goes('ready');
    expect(connection.state).toBe('reconnecting');
    subscriber.last('subscribe').resolve(1);
    await settle();
    expect(connection.state).toBe('ready');
    expect(changes.map((c) => c.to)).toEqual(['ready', 'reconnecting', 'ready']);
  });

  test('a subscriber whose status is ready again before its ready event is not yet resubscribed', async () => {
    const { connection, publisher, subscriber, connect } = setup();
    await connect();
    subscriber.goes('close');
    expect(connection.state).toBe('reconnecting');
    // ioredis sets the status at once and emits the event later: another event in between must not count it.
    subscriber.status = 'ready';
    publisher.goes('ready');
    expect(connection.state).toBe('reconnecting');
    subscriber.goes('ready');
    await settle();
    expect(connection.state).toBe('ready');
  });

  test('one client in both roles is followed once: one resubscription per ready, and its losses and errors count', async () => {
    const { connection, publisher, changes } = setup({ sameClient: true });
    publisher.goes('ready');
    await settle();
    expect(connection.state).toBe('ready');
    expect(publisher.sent('subscribe')).toEqual([['ch']]);
    const reset = new Error('read ECONNRESET');
    publisher.emit('error', reset);
    publisher.goes('end');
    expect(connection.state).toBe('reconnecting');
    publisher.goes('ready');
    await settle();
    expect(publisher.sent('subscribe')).toEqual([['ch'], ['ch']]);
    expect(changes.map(({ from, to, error }) => ({ from, to, error }))).toEqual([
      { from: 'connecting', to: 'ready', error: undefined },
      { from: 'ready', to: 'reconnecting', error: reset },
      { from: 'reconnecting', to: 'ready', error: undefined },
    ]);
  });
});

describe('Connection: close', () => {
  test('close while connecting: connecting → closed, once however often it is called', () => {
    const { connection, changes, clock } = setup();
    clock.advance(70);
    connection.close();
    connection.close();
    expect(connection.state).toBe('closed');
    expect(changes).toEqual([{ from: 'connecting', to: 'closed', at: START + 70 }]);
  });

  test('after close the clients are no longer followed: no listener is left, and their events change nothing', async () => {
    const { connection, publisher, subscriber, changes, connect } = setup();
    await connect();
    connection.close();
    expect(publisher.eventNames()).toEqual([]);
    expect(subscriber.eventNames()).toEqual([]);
    subscriber.goes('reconnecting');
    subscriber.goes('ready');
    await settle();
    expect(connection.lastError).toBeUndefined();
    expect(subscriber.sent('subscribe')).toHaveLength(1);
    expect(connection.state).toBe('closed');
    expect(changes.map((c) => c.to)).toEqual(['ready', 'closed']);
  });

  test('a resubscription confirmed after close changes nothing, and nothing throws', async () => {
    const { connection, publisher, subscriber, changes } = setup();
    publisher.goes('ready');
    subscriber.answers = 'by hand';
    subscriber.goes('ready');
    connection.close();
    subscriber.last('subscribe').resolve(1);
    await settle();
    expect(connection.state).toBe('closed');
    expect(changes.map((c) => c.to)).toEqual(['closed']);
    expect(await outcomes(subscriber)).toEqual(['fulfilled']);
  });

  test('a transition the state machine does not allow is refused as an internal error, and nothing is reported', () => {
    const { connection, changes } = setup();
    const machine = connection as unknown as { setState(next: string): void };
    expect(() => machine.setState('reconnecting')).toThrow(new Error('clustr internal error: connection state connecting -> reconnecting is not a valid transition'));
    connection.close();
    expect(() => machine.setState('ready')).toThrow(new Error('clustr internal error: connection state closed -> ready is not a valid transition'));
    expect(changes.map((c) => c.to)).toEqual(['closed']);
    expect(connection.state).toBe('closed');
  });
});
