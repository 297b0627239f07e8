// Fault injection on FakeRedis: dropped connections, held, reordered and delayed
// channels, injected raw messages. What ioredis would do in each case is pinned by the
// contract suite; these tests pin the knobs themselves.

import type { RedisLike } from '@clustr/runtime';
import {
  FakeRedis,
  FakeRedisMaxRetriesPerRequestError,
  FakeRedisServer,
  type FakeRedisOptions,
  type FakeRedisTimers,
  defaultFakeRedisServer,
  resetDefaultFakeRedisServer,
} from '../../src';

type Delivery = [kind: 'message' | 'pmessage', channel: string, message: string];

function nextEvent<T extends unknown[] = unknown[]>(client: FakeRedis, event: string): Promise<T> {
  return new Promise((resolve) => client.once(event, (...args: unknown[]) => resolve(args as T)));
}

function recordEvents(client: FakeRedis): string[] {
  const events: string[] = [];
  for (const name of ['connecting', 'connect', 'ready', 'close', 'reconnecting', 'end', 'error'] as const) {
    client.on(name, (arg: unknown) =>
      events.push(typeof arg === 'number' ? `${name}(${arg})` : arg instanceof Error ? `${name}(${arg.message})` : name),
    );
  }
  return events;
}

/** Collects deliveries; `until(n)` resolves once n have arrived. */
function inbox(client: FakeRedis): { received: Delivery[]; until(count: number): Promise<Delivery[]> } {
  const received: Delivery[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const push = (delivery: Delivery): void => {
    received.push(delivery);
    for (const waiter of waiters.filter((w) => received.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  client.on('message', (channel, message) => push(['message', channel, message]));
  client.on('pmessage', (_pattern, channel, message) => push(['pmessage', channel, message]));
  return {
    received,
    async until(count) {
      if (received.length < count) await new Promise<void>((resolve) => waiters.push({ count, resolve }));
      return received;
    },
  };
}

/** Timers driven by hand: a stand-in for a test's own clock. */
class ManualTimers implements FakeRedisTimers {
  now = 0;
  readonly #pending = new Map<number, { at: number; callback: () => void }>();
  #nextId = 1;

  get size(): number {
    return this.#pending.size;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#pending.set(id, { at: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  advance(ms: number): void {
    this.now += ms;
    const due = [...this.#pending].filter(([, t]) => t.at <= this.now).sort(([, a], [, b]) => a.at - b.at);
    for (const [id, timer] of due) {
      this.#pending.delete(id);
      timer.callback();
    }
  }
}

let server: FakeRedisServer;
let clients: FakeRedis[];

function client(options: FakeRedisOptions = {}): FakeRedis {
  const created = new FakeRedis({ server, ...options });
  clients.push(created);
  return created;
}

async function ready(created: FakeRedis): Promise<FakeRedis> {
  if (created.status !== 'ready') await nextEvent(created, 'ready');
  return created;
}

beforeEach(() => {
  server = new FakeRedisServer();
  clients = [];
});

afterEach(async () => {
  jest.useRealTimers();
  server.reset();
  await Promise.all(
    clients.map(async (c) => {
      if (c.status === 'reconnecting') await c.reconnect().catch(() => undefined);
      if (c.status === 'end') return;
      const ended = nextEvent(c, 'end');
      c.disconnect();
      await ended;
    }),
  );
});

describe('FakeRedis is a RedisLike', () => {
  test('assignable without a cast', () => {
    const redis: RedisLike = new FakeRedis({ server: new FakeRedisServer(), lazyConnect: true });
    const duplicate: RedisLike = redis.duplicate();
    expect([redis.status, duplicate.status]).toEqual(['wait', 'wait']);
    redis.disconnect();
    duplicate.disconnect();
  });
});

describe('scheduling', () => {
  test('delivery is asynchronous: nothing arrives inside publish or inject', async () => {
    const sub = await ready(client());
    await sub.subscribe('c');
    const got = inbox(sub);
    expect(server.inject('c', 'm')).toBe(1);
    expect(got.received).toEqual([]);
    await got.until(1);
    expect(got.received).toEqual([['message', 'c', 'm']]);
  });

  test('connection, commands and delivery work under jest fake timers without advancing time', async () => {
    jest.useFakeTimers();
    const sub = await ready(client());
    const pub = await ready(client());
    await sub.subscribe('c');
    const got = inbox(sub);
    await expect(pub.publish('c', 'frozen time')).resolves.toBe(1);
    expect(await got.until(1)).toEqual([['message', 'c', 'frozen time']]);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('dropping connections', () => {
  test('auto: close and reconnecting(50), then after the retry delay ready again and resubscribed', async () => {
    jest.useFakeTimers();
    const sub = await ready(client());
    await sub.subscribe('c');
    await sub.psubscribe('c*');
    const events = recordEvents(sub);
    const closed = nextEvent(sub, 'close');
    expect(sub.dropConnection()).toBe(true);
    await closed;
    expect(sub.status).toBe('reconnecting');
    expect(server.inject('c', 'lost')).toBe(0);
    const back = nextEvent(sub, 'ready');
    await jest.advanceTimersByTimeAsync(49);
    expect(sub.status).toBe('reconnecting');
    await jest.advanceTimersByTimeAsync(1);
    await back;
    expect(events).toEqual(['close', 'reconnecting(50)', 'connecting', 'connect', 'ready']);
    await expect(sub.ping()).resolves.toEqual(['pong', '']);
    const got = inbox(sub);
    expect(server.inject('c', 'back')).toBe(2);
    expect(await got.until(2)).toEqual([
      ['message', 'c', 'back'],
      ['pmessage', 'c', 'back'],
    ]);
  });

  test('manual: stays reconnecting with no timer; commands queue until reconnect()', async () => {
    jest.useFakeTimers();
    const sub = await ready(client());
    await sub.subscribe('c');
    const pub = await ready(client());
    const closed = nextEvent(pub, 'close');
    pub.dropConnection({ reconnect: 'manual' });
    await closed;
    expect(pub.status).toBe('reconnecting');
    expect(jest.getTimerCount()).toBe(0);
    let settled = false;
    const queued = pub.publish('c', 'queued').finally(() => (settled = true));
    await jest.advanceTimersByTimeAsync(60_000);
    expect(settled).toBe(false);
    expect(pub.status).toBe('reconnecting');
    const got = inbox(sub);
    await pub.reconnect();
    await expect(queued).resolves.toBe(1);
    expect(await got.until(1)).toEqual([['message', 'c', 'queued']]);
  });

  test('a dropped subscriber misses what is published while it is down, then gets new messages', async () => {
    const sub = await ready(client());
    await sub.subscribe('c');
    const got = inbox(sub);
    const closed = nextEvent(sub, 'close');
    sub.dropConnection({ reconnect: 'manual' });
    await closed;
    expect(server.inject('c', 'while down')).toBe(0);
    await sub.reconnect();
    await sub.ping();
    expect(server.inject('c', 'after')).toBe(1);
    expect(await got.until(1)).toEqual([['message', 'c', 'after']]);
  });

  test('an error option is emitted before close; without a listener it is dropped silently', async () => {
    const withListener = await ready(client());
    const events = recordEvents(withListener);
    const closed = nextEvent(withListener, 'close');
    withListener.dropConnection({ error: new Error('read ECONNRESET'), reconnect: 'manual' });
    await closed;
    expect(events).toEqual(['error(read ECONNRESET)', 'close', 'reconnecting(50)']);

    const silent = await ready(client());
    const silentClosed = nextEvent(silent, 'close');
    silent.dropConnection({ error: new Error('read ECONNRESET'), reconnect: 'manual' });
    await silentClosed;
    expect(silent.status).toBe('reconnecting');
  });

  test('reconnect() skips the retry delay of an auto drop', async () => {
    jest.useFakeTimers();
    const c = await ready(client());
    const reconnecting = nextEvent(c, 'reconnecting');
    c.dropConnection();
    await reconnecting;
    expect(jest.getTimerCount()).toBe(1);
    await c.reconnect();
    expect(c.status).toBe('ready');
    expect(jest.getTimerCount()).toBe(0);
  });

  test('reconnect() rejects unless the client is reconnecting', async () => {
    const c = await ready(client());
    await expect(c.reconnect()).rejects.toThrow("needs status 'reconnecting', but the client is 'ready'");
  });

  test('dropConnection() returns false when there is no live connection', async () => {
    const lazy = client({ lazyConnect: true });
    expect(lazy.dropConnection()).toBe(false);
    const c = await ready(client());
    const ended = nextEvent(c, 'end');
    await c.quit();
    await ended;
    expect(c.dropConnection()).toBe(false);
  });

  test('the retry strategy decides the delay, and null ends the client', async () => {
    const slow = await ready(client({ retryStrategy: (times) => times * 1000 }));
    const delay = nextEvent<[number]>(slow, 'reconnecting');
    slow.dropConnection({ reconnect: 'manual' });
    expect(await delay).toEqual([1000]);

    const never = await ready(client({ retryStrategy: null }));
    const events = recordEvents(never);
    const ended = nextEvent(never, 'end');
    never.dropConnection();
    await ended;
    expect(events).toEqual(['close', 'end']);
    await expect(never.ping()).rejects.toThrow('Connection is closed.');
  });

  test('autoResubscribe: false comes back in normal mode with no subscriptions', async () => {
    const sub = await ready(client({ autoResubscribe: false }));
    await sub.subscribe('c');
    const closed = nextEvent(sub, 'close');
    sub.dropConnection({ reconnect: 'manual' });
    await closed;
    await sub.reconnect();
    expect(sub.mode).toBe('normal');
    await expect(sub.ping()).resolves.toBe('PONG');
    expect(server.numsub('c')).toBe(0);
  });

  test('enableOfflineQueue: false rejects commands while down', async () => {
    const c = await ready(client({ enableOfflineQueue: false }));
    const closed = nextEvent(c, 'close');
    c.dropConnection({ reconnect: 'manual' });
    await closed;
    await expect(c.publish('c', 'm')).rejects.toThrow("Stream isn't writeable and enableOfflineQueue options is false");
  });

  test('a publish in flight when the connection drops is sent again after the reconnect (at least once)', async () => {
    const sub = await ready(client());
    await sub.subscribe('c');
    const got = inbox(sub);
    const pub = await ready(client());
    const inFlight = pub.publish('c', 'once?');
    pub.dropConnection({ reconnect: 'manual' });
    await nextEvent(pub, 'close');
    await pub.reconnect();
    await expect(inFlight).resolves.toBe(1);
    expect(await got.until(2)).toEqual([
      ['message', 'c', 'once?'],
      ['message', 'c', 'once?'],
    ]);
  });

  test('maxRetriesPerRequest: 0 rejects commands in flight as soon as the connection drops', async () => {
    const pub = await ready(client({ maxRetriesPerRequest: 0 }));
    const inFlight = pub.publish('c', 'm');
    pub.dropConnection({ reconnect: 'manual' });
    const error = await inFlight.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FakeRedisMaxRetriesPerRequestError);
    expect((error as Error).message).toBe(
      'Reached the max retries per request limit (which is 0). Refer to "maxRetriesPerRequest" option for details.',
    );
  });

  test('dropAllConnections drops every connected client, like a Redis restart', async () => {
    const a = await ready(client());
    const b = await ready(client());
    const lazy = client({ lazyConnect: true });
    const closedA = nextEvent(a, 'close');
    const closedB = nextEvent(b, 'close');
    expect(server.dropAllConnections({ reconnect: 'manual' })).toBe(2);
    await Promise.all([closedA, closedB]);
    expect([a.status, b.status, lazy.status]).toEqual(['reconnecting', 'reconnecting', 'wait']);
    expect(server.connectionCount).toBe(0);
  });
});

describe('stopping and starting the server', () => {
  test('stop() drops every connection and refuses new ones with ECONNREFUSED until start(); clients retry, then come back', async () => {
    jest.useFakeTimers();
    const sub = await ready(client());
    await sub.subscribe('c');
    const pub = await ready(client());
    const events = recordEvents(sub);
    const closed = nextEvent(sub, 'close');
    expect(server.stop()).toBe(2);
    expect(server.stopped).toBe(true);
    await closed;
    // Two retries (50 ms, then 100 ms later), each refused: a new connection, an error, a close.
    await jest.advanceTimersByTimeAsync(150);
    expect(sub.status).toBe('reconnecting');
    expect(server.connectionCount).toBe(0);
    expect(events.filter((e) => e.startsWith('error'))).toEqual(['error(connect ECONNREFUSED 127.0.0.1:6379)', 'error(connect ECONNREFUSED 127.0.0.1:6379)']);
    // A command waits in the offline queue meanwhile, as with ioredis.
    const published = pub.publish('c', 'after');
    server.start();
    expect(server.stopped).toBe(false);
    const back = nextEvent(sub, 'ready');
    await jest.advanceTimersByTimeAsync(150);
    await back;
    expect(sub.status).toBe('ready');
    // Its subscription was resubscribed (autoResubscribe); whether it hears `after` depends on who was back first.
    await expect(published).resolves.toBeGreaterThanOrEqual(0);
    const got = inbox(sub);
    expect(await pub.publish('c', 'later')).toBe(1);
    expect(await got.until(1)).toContainEqual(['message', 'c', 'later']);
  });

  test('a client created while the server is stopped keeps retrying and connects once it starts', async () => {
    jest.useFakeTimers();
    server.stop();
    const late = client();
    const events = recordEvents(late);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(late.status).not.toBe('ready');
    expect(events.filter((e) => e === 'reconnecting(50)' || e.startsWith('error'))).toContain('error(connect ECONNREFUSED 127.0.0.1:6379)');
    server.start();
    const back = nextEvent(late, 'ready');
    await jest.advanceTimersByTimeAsync(2_000);
    await back;
    await expect(late.ping()).resolves.toBe('PONG');
  });
});

describe('holding and reordering a channel', () => {
  test('held messages wait for release; other channels flow meanwhile; publish counts at once', async () => {
    const sub = await ready(client());
    await sub.subscribe('slow', 'fast');
    const got = inbox(sub);
    const pub = await ready(client());
    server.holdChannel('slow');
    await expect(pub.publish('slow', 's1')).resolves.toBe(1);
    await expect(pub.publish('slow', 's2')).resolves.toBe(1);
    await expect(pub.publish('fast', 'f1')).resolves.toBe(1);
    await got.until(1);
    expect(got.received).toEqual([['message', 'fast', 'f1']]);
    expect(server.heldCount('slow')).toBe(2);
    expect(server.releaseChannel('slow')).toBe(2);
    expect(await got.until(3)).toEqual([
      ['message', 'fast', 'f1'],
      ['message', 'slow', 's1'],
      ['message', 'slow', 's2'],
    ]);
    await pub.publish('slow', 's3');
    expect(await got.until(4)).toContainEqual(['message', 'slow', 's3']);
  });

  test('release({ reverse: true }) delivers newest first, pattern receivers included', async () => {
    const sub = await ready(client());
    await sub.psubscribe('ch*');
    const got = inbox(sub);
    server.holdChannel('ch');
    for (const m of ['1', '2', '3']) server.inject('ch', m);
    server.releaseChannel('ch', { reverse: true });
    expect((await got.until(3)).map(([, , m]) => m)).toEqual(['3', '2', '1']);
  });

  test('release({ discard: true }) loses the held messages', async () => {
    const sub = await ready(client());
    await sub.subscribe('ch', 'other');
    const got = inbox(sub);
    server.holdChannel('ch');
    server.inject('ch', 'dropped');
    expect(server.releaseChannel('ch', { discard: true })).toBe(1);
    server.inject('ch', 'after');
    expect(await got.until(1)).toEqual([['message', 'ch', 'after']]);
  });

  test('a receiver that unsubscribes or drops before the release does not get the held message', async () => {
    const leaving = await ready(client());
    const dropping = await ready(client());
    const staying = await ready(client());
    for (const c of [leaving, dropping, staying]) await c.subscribe('ch');
    const gotLeaving = inbox(leaving);
    const gotStaying = inbox(staying);
    server.holdChannel('ch');
    expect(server.inject('ch', 'held')).toBe(3);
    await leaving.unsubscribe('ch');
    await leaving.subscribe('sentinel');
    dropping.dropConnection({ reconnect: 'manual' });
    await nextEvent(dropping, 'close');
    server.releaseChannel('ch');
    server.inject('sentinel', 'after');
    expect(await gotLeaving.until(1)).toEqual([['message', 'sentinel', 'after']]);
    expect(await gotStaying.until(1)).toEqual([['message', 'ch', 'held']]);
  });

  test('holding a channel that is not published to is harmless; releasing an unheld channel returns 0', () => {
    server.holdChannel('quiet');
    expect(server.heldCount('quiet')).toBe(0);
    expect(server.releaseChannel('quiet')).toBe(0);
    expect(server.releaseChannel('never-held')).toBe(0);
  });
});

describe('delaying a channel', () => {
  test('with jest fake timers: messages arrive after the delay, other channels overtake, order kept', async () => {
    jest.useFakeTimers();
    const sub = await ready(client());
    await sub.subscribe('late', 'now');
    const got = inbox(sub);
    server.delayChannel('late', 100);
    server.inject('late', 'l1');
    server.inject('late', 'l2');
    server.inject('now', 'n1');
    await got.until(1);
    await jest.advanceTimersByTimeAsync(99);
    expect(got.received).toEqual([['message', 'now', 'n1']]);
    await jest.advanceTimersByTimeAsync(1);
    expect(await got.until(3)).toEqual([
      ['message', 'now', 'n1'],
      ['message', 'late', 'l1'],
      ['message', 'late', 'l2'],
    ]);
    server.undelayChannel('late');
    server.inject('late', 'l3');
    expect(await got.until(4)).toContainEqual(['message', 'late', 'l3']);
  });

  test('with injected timers: no global timer is used', async () => {
    const timers = new ManualTimers();
    server = new FakeRedisServer({ timers });
    const sub = await ready(client());
    await sub.subscribe('late');
    const got = inbox(sub);
    server.delayChannel('late', 10);
    server.inject('late', 'm');
    expect(timers.size).toBe(1);
    timers.advance(10);
    expect(await got.until(1)).toEqual([['message', 'late', 'm']]);
  });

  test('injected timers also drive reconnect delays', async () => {
    const timers = new ManualTimers();
    server = new FakeRedisServer({ timers });
    const c = await ready(client());
    const reconnecting = nextEvent(c, 'reconnecting');
    c.dropConnection();
    await reconnecting;
    expect(timers.size).toBe(1);
    const back = nextEvent(c, 'ready');
    timers.advance(50);
    await back;
    expect(c.status).toBe('ready');
  });

  test('clearFaults cancels delayed deliveries and held messages', async () => {
    const timers = new ManualTimers();
    server = new FakeRedisServer({ timers });
    const sub = await ready(client());
    await sub.subscribe('late', 'held', 'sentinel');
    const got = inbox(sub);
    server.delayChannel('late', 10);
    server.holdChannel('held');
    server.inject('late', 'x');
    server.inject('held', 'y');
    server.clearFaults();
    expect(timers.size).toBe(0);
    expect(server.heldCount('held')).toBe(0);
    server.inject('late', 'late-after');
    server.inject('held', 'held-after');
    expect(await got.until(2)).toEqual([
      ['message', 'late', 'late-after'],
      ['message', 'held', 'held-after'],
    ]);
  });

  test('delayChannel rejects a negative or non-finite delay', () => {
    expect(() => server.delayChannel('c', -1)).toThrow(RangeError);
    expect(() => server.delayChannel('c', Number.NaN)).toThrow(RangeError);
  });
});

describe('injecting raw messages', () => {
  test('reaches exact and pattern subscribers and counts them like PUBLISH', async () => {
    const sub = await ready(client());
    await sub.subscribe('events');
    await sub.psubscribe('ev*');
    const got = inbox(sub);
    expect(server.inject('events', '{"kind":"x"}')).toBe(2);
    expect(await got.until(2)).toEqual([
      ['message', 'events', '{"kind":"x"}'],
      ['pmessage', 'events', '{"kind":"x"}'],
    ]);
    expect(server.inject('nobody', 'x')).toBe(0);
  });

  test('invalid UTF-8 reaches message listeners as U+FFFD and messageBuffer listeners byte for byte', async () => {
    const sub = await ready(client());
    await sub.subscribe('raw');
    const bytes = Uint8Array.from([0x7b, 0xff, 0xfe, 0x00, 0xc3]);
    const asString = nextEvent<[string, string]>(sub, 'message');
    const asBuffer = nextEvent<[Buffer, Buffer]>(sub, 'messageBuffer');
    server.inject('raw', bytes);
    expect((await asString)[1]).toBe('{\uFFFD\uFFFD\u0000\uFFFD');
    expect([...(await asBuffer)[1]]).toEqual([...bytes]);
  });

  test('copies the bytes: changing the buffer after inject does not change the message', async () => {
    const sub = await ready(client());
    await sub.subscribe('raw');
    const bytes = Buffer.from('abc');
    const received = nextEvent<[string, string]>(sub, 'message');
    server.inject('raw', bytes);
    bytes.write('xyz');
    expect((await received)[1]).toBe('abc');
  });

  test('respects holds like a publish', async () => {
    const sub = await ready(client());
    await sub.subscribe('ch');
    const got = inbox(sub);
    server.holdChannel('ch');
    server.inject('ch', 'held');
    server.releaseChannel('ch');
    expect(await got.until(1)).toEqual([['message', 'ch', 'held']]);
  });
});

describe('server', () => {
  test('introspection: numsub, numpat, channels, connectionCount', async () => {
    const a = await ready(client());
    const b = await ready(client());
    await a.subscribe('news:1', 'news:2', 'other');
    await b.subscribe('news:1');
    await b.psubscribe('news:*');
    expect(server.numsub('news:1')).toBe(2);
    expect(server.numsub('missing')).toBe(0);
    expect(server.numpat()).toBe(1);
    expect(server.channels('news:*').sort()).toEqual(['news:1', 'news:2']);
    expect(server.channels().length).toBe(3);
    expect(server.connectionCount).toBe(2);
    await a.unsubscribe();
    expect(server.numsub('news:1')).toBe(1);
  });

  test('clients of different servers do not see each other', async () => {
    const other = new FakeRedisServer();
    const sub = await ready(client({ server: other }));
    await sub.subscribe('c');
    const pub = await ready(client());
    await expect(pub.publish('c', 'm')).resolves.toBe(0);
    expect(other.inject('c', 'm')).toBe(1);
  });

  test('reset() ends every client and clears faults; the server stays usable', async () => {
    const a = await ready(client());
    const b = await ready(client());
    await a.subscribe('c');
    server.holdChannel('c');
    const ended = Promise.all([nextEvent(a, 'end'), nextEvent(b, 'end')]);
    server.reset();
    await ended;
    expect([a.status, b.status, server.connectionCount, server.numsub('c')]).toEqual(['end', 'end', 0, 0]);
    const fresh = await ready(client());
    await fresh.subscribe('c');
    const received = nextEvent<[string, string]>(fresh, 'message');
    server.inject('c', 'not held');
    expect(await received).toEqual(['c', 'not held']);
  });

  test('duplicate() connects to the same server with the same options', async () => {
    const original = await ready(client({ autoResubscribe: false }));
    const copy = original.duplicate();
    clients.push(copy);
    expect(copy.server).toBe(server);
    await ready(copy);
    await copy.subscribe('c');
    await expect(original.publish('c', 'm')).resolves.toBe(1);
  });
});

describe('default server', () => {
  afterEach(() => resetDefaultFakeRedisServer());

  test('clients created without a server share the default one, and reset ends them', async () => {
    const sub = new FakeRedis();
    const pub = new FakeRedis();
    expect(sub.server).toBe(defaultFakeRedisServer);
    await ready(sub);
    await sub.subscribe('shared');
    const received = nextEvent<[string, string]>(sub, 'message');
    await expect((await ready(pub)).publish('shared', 'hello')).resolves.toBe(1);
    expect(await received).toEqual(['shared', 'hello']);
    const ended = Promise.all([nextEvent(sub, 'end'), nextEvent(pub, 'end')]);
    resetDefaultFakeRedisServer();
    await ended;
    expect(defaultFakeRedisServer.connectionCount).toBe(0);
  });
});
