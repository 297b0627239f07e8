// DeferredRedis: the stand-in for a Redis client whose address is not known yet. Commands wait for
// the real client, listeners move to it, and closing it before it exists disconnects it on arrival.
import { DeferredRedis } from '../../src/transport/deferred-redis';
import type { RedisLike } from '../../src/transport/redis-like';

type Listener = (...args: any[]) => void;

/** A client that records every call; its answers are what the test sets. */
class Recorder implements RedisLike {
  status = 'ready';
  readonly calls: Array<[string, ...unknown[]]> = [];
  readonly listeners: Array<[string, Listener]> = [];
  answer: Promise<any> = Promise.resolve(1);
  twin: Recorder | undefined;

  private call(name: string, args: unknown[]): Promise<any> {
    this.calls.push([name, ...args]);
    return this.answer;
  }
  publish(channel: string, message: string): Promise<number> {
    return this.call('publish', [channel, message]);
  }
  subscribe(...channels: string[]): Promise<unknown> {
    return this.call('subscribe', channels);
  }
  unsubscribe(...channels: string[]): Promise<unknown> {
    return this.call('unsubscribe', channels);
  }
  psubscribe(...patterns: string[]): Promise<unknown> {
    return this.call('psubscribe', patterns);
  }
  punsubscribe(...patterns: string[]): Promise<unknown> {
    return this.call('punsubscribe', patterns);
  }
  ping(): Promise<string> {
    return this.call('ping', []);
  }
  quit(): Promise<unknown> {
    return this.call('quit', []);
  }
  disconnect(): void {
    this.calls.push(['disconnect']);
  }
  duplicate(): RedisLike {
    this.calls.push(['duplicate']);
    this.twin = new Recorder();
    return this.twin;
  }
  on(event: string, listener: Listener): this {
    this.listeners.push([event, listener]);
    return this;
  }
  off(event: string, listener: Listener): this {
    this.calls.push(['off', event, listener]);
    return this;
  }
}

/** A DeferredRedis whose real client the test hands over with attach(), or refuses with fail(). */
function deferred() {
  let attach!: (real: RedisLike) => void;
  let fail!: (error: Error) => void;
  const client = new Promise<RedisLike>((resolve, reject) => {
    attach = resolve;
    fail = reject;
  });
  const redis = new DeferredRedis(client);
  const real = new Recorder();
  const settle = () => new Promise(setImmediate);
  return {
    redis,
    real,
    attach: async () => {
      attach(real);
      await settle();
    },
    fail: async (error: Error) => {
      fail(error);
      await settle();
    },
    settle,
  };
}

const a: Listener = () => undefined;
const b: Listener = () => undefined;

describe('DeferredRedis before its client exists', () => {
  test('its status is wait, and stays wait while the client has not arrived', async () => {
    const { redis, settle } = deferred();
    expect(redis.status).toBe('wait');
    await settle();
    expect(redis.status).toBe('wait');
  });

  test('every command waits for the client, then runs on it with its arguments, and answers with its answer', async () => {
    const { redis, real, attach } = deferred();
    real.answer = Promise.resolve('answer');
    const answers = [
      redis.publish('c', 'm'),
      redis.subscribe('s1', 's2'),
      redis.unsubscribe('s1'),
      redis.psubscribe('p:*', 'q:*'),
      redis.punsubscribe('p:*'),
      redis.ping(),
    ];
    await new Promise(setImmediate);
    expect(real.calls).toEqual([]);
    await attach();
    expect(real.calls).toEqual([
      ['publish', 'c', 'm'],
      ['subscribe', 's1', 's2'],
      ['unsubscribe', 's1'],
      ['psubscribe', 'p:*', 'q:*'],
      ['punsubscribe', 'p:*'],
      ['ping'],
    ]);
    await expect(Promise.all(answers)).resolves.toEqual(Array(6).fill('answer'));
  });

  test('a command waiting for a client that is never made rejects with the reason, and the status stays wait', async () => {
    const { redis, fail } = deferred();
    const outcome = redis.publish('c', 'm').then(() => 'resolved', (error: unknown) => error);
    const why = new Error('no Redis');
    await fail(why);
    expect(await outcome).toBe(why);
    await expect(redis.ping()).rejects.toBe(why);
    expect(redis.status).toBe('wait');
  });

  test('listeners added meanwhile move to the client when it arrives, in order, each with its event', async () => {
    const { redis, real, attach } = deferred();
    expect(redis.on('ready', a)).toBe(redis);
    redis.on('error', b);
    expect(real.listeners).toEqual([]);
    await attach();
    expect(real.listeners).toEqual([
      ['ready', a],
      ['error', b],
    ]);
  });

  test('off() before the client arrives takes back that listener for that event, once, and nothing else', async () => {
    const { redis, real, attach } = deferred();
    redis.on('ready', a);
    redis.on('ready', a);
    redis.on('error', b);
    redis.on('end', b);
    expect(redis.off('ready', a)).toBe(redis);
    // Neither the same listener for another event nor another listener for the same event.
    redis.off('error', a);
    redis.off('ready', b);
    // A listener never added removes nothing (not the last one).
    redis.off('close', () => undefined);
    await attach();
    expect(real.listeners).toEqual([
      ['ready', a],
      ['error', b],
      ['end', b],
    ]);
  });

  test('quit() before the client arrives answers OK at once, and the status is end', async () => {
    const { redis, real, attach } = deferred();
    await expect(redis.quit()).resolves.toBe('OK');
    expect(redis.status).toBe('end');
    redis.on('ready', a);
    await attach();
    // The client that arrives after is disconnected, and nothing is attached to it.
    expect(real.calls).toEqual([['disconnect']]);
    expect(real.listeners).toEqual([]);
    expect(redis.status).toBe('end');
  });

  test('disconnect() before the client arrives makes the status end, and disconnects the client when it arrives', async () => {
    const { redis, real, attach } = deferred();
    redis.on('ready', a);
    redis.disconnect();
    expect(redis.status).toBe('end');
    expect(real.calls).toEqual([]);
    await attach();
    expect(real.calls).toEqual([['disconnect']]);
    expect(real.listeners).toEqual([]);
    expect(redis.status).toBe('end');
  });

  test('closed before a client that is never made: the status is end', async () => {
    const { redis, fail } = deferred();
    redis.disconnect();
    await fail(new Error('no Redis'));
    expect(redis.status).toBe('end');
  });
});

describe('DeferredRedis once its client exists', () => {
  test('its status is the client’s, as it changes', async () => {
    const { redis, real, attach } = deferred();
    real.status = 'connecting';
    await attach();
    expect(redis.status).toBe('connecting');
    real.status = 'ready';
    expect(redis.status).toBe('ready');
    real.status = 'end';
    expect(redis.status).toBe('end');
  });

  test('commands go to the client at once, with their arguments, and answer with its answer', async () => {
    const { redis, real, attach } = deferred();
    await attach();
    real.answer = Promise.resolve(3);
    const answers = [
      redis.publish('c', 'm'),
      redis.subscribe('s1', 's2'),
      redis.unsubscribe('s1', 's2'),
      redis.psubscribe('p:*'),
      redis.punsubscribe('p:*', 'q:*'),
      redis.ping(),
    ];
    // Synchronously: nothing waits for a turn once the client is there.
    expect(real.calls).toEqual([
      ['publish', 'c', 'm'],
      ['subscribe', 's1', 's2'],
      ['unsubscribe', 's1', 's2'],
      ['psubscribe', 'p:*'],
      ['punsubscribe', 'p:*', 'q:*'],
      ['ping'],
    ]);
    await expect(Promise.all(answers)).resolves.toEqual(Array(6).fill(3));
  });

  test('a command the client refuses rejects with the client’s error', async () => {
    const { redis, real, attach } = deferred();
    await attach();
    const refused = new Error('READONLY');
    real.answer = Promise.reject(refused);
    real.answer.catch(() => undefined);
    await expect(redis.publish('c', 'm')).rejects.toBe(refused);
    await expect(redis.subscribe('c')).rejects.toBe(refused);
  });

  test('a command sent before the client arrived and refused by it rejects with the client’s error', async () => {
    const { redis, real, attach } = deferred();
    const refused = new Error('NOPERM');
    real.answer = Promise.reject(refused);
    real.answer.catch(() => undefined);
    const published = redis.publish('c', 'm');
    const outcome = published.then(() => 'resolved', (error: unknown) => error);
    await attach();
    expect(await outcome).toBe(refused);
  });

  test('listeners go straight to the client, and off() takes them off the client', async () => {
    const { redis, real, attach } = deferred();
    redis.on('ready', a);
    await attach();
    expect(redis.on('error', b)).toBe(redis);
    expect(real.listeners).toEqual([
      ['ready', a],
      ['error', b],
    ]);
    expect(redis.off('ready', a)).toBe(redis);
    expect(real.calls).toEqual([['off', 'ready', a]]);
  });

  test('quit() is the client’s quit, with its answer, and does not end the stand-in on its own', async () => {
    const { redis, real, attach } = deferred();
    await attach();
    real.answer = Promise.resolve('bye');
    await expect(redis.quit()).resolves.toBe('bye');
    expect(real.calls).toEqual([['quit']]);
    expect(redis.status).toBe('ready');
  });

  test('disconnect() disconnects the client', async () => {
    const { redis, real, attach } = deferred();
    await attach();
    redis.disconnect();
    expect(real.calls).toEqual([['disconnect']]);
    expect(redis.status).toBe('ready');
  });
});

describe('DeferredRedis.duplicate()', () => {
  test('is a stand-in of its own: waiting until the client arrives, then for the client’s duplicate', async () => {
    const { redis, real, attach, settle } = deferred();
    const twin = redis.duplicate();
    expect(twin).toBeInstanceOf(DeferredRedis);
    expect(twin.status).toBe('wait');
    twin.on('message', a);
    const published = twin.publish('c', 'm');
    await attach();
    await settle();
    expect(real.calls).toEqual([['duplicate']]);
    const made = real.twin!;
    expect(made.calls).toEqual([['publish', 'c', 'm']]);
    expect(made.listeners).toEqual([['message', a]]);
    await expect(published).resolves.toBe(1);
    made.status = 'connect';
    expect(twin.status).toBe('connect');
  });

  test('of a client that is never made, stays wait and its commands reject with the reason', async () => {
    const { redis, fail, settle } = deferred();
    const twin = redis.duplicate();
    const why = new Error('no Redis');
    await fail(why);
    await settle();
    expect(twin.status).toBe('wait');
    await expect(twin.ping()).rejects.toBe(why);
  });
});
