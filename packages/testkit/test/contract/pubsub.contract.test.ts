// One pub/sub contract, run against FakeRedis and against a real Redis through
// ioredis 5. A test that passes on Redis and fails on the fake is a bug in the fake:
// fix the fake, never the test. Tests never sleep: they wait for events, and prove
// that something did not arrive by waiting for a later message from the same
// publisher (Redis keeps one publisher's order) or by PUBLISH's receiver count.

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RedisLike } from '@clustr/runtime';
import { FakeRedis, FakeRedisServer } from '../../src';

/** What the contract uses: RedisLike plus the ioredis surface FakeRedis also promises. */
interface ContractClient {
  readonly status: string;
  publish(channel: string | Buffer, message: string | Buffer): Promise<number>;
  subscribe(...channels: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
  psubscribe(...patterns: string[]): Promise<unknown>;
  punsubscribe(...patterns: string[]): Promise<unknown>;
  ping(): Promise<unknown>;
  ping(message: string): Promise<unknown>;
  quit(): Promise<unknown>;
  connect(): Promise<void>;
  disconnect(reconnect?: boolean): void;
  duplicate(): ContractClient;
  on(event: string, listener: (...args: any[]) => void): unknown;
  once(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
}

interface OpenOptions {
  lazyConnect?: boolean;
}

/** A Redis to run the contract against. */
interface ContractTarget {
  /** A new client connection; the suite closes it after the test. */
  open(options?: OpenOptions): ContractClient;
  /** Kills `client`'s current connection from the server side, as CLIENT KILL does. */
  kill(client: ContractClient): Promise<void>;
  /** Releases what the target itself holds (not the clients). */
  dispose(): Promise<void>;
}

const SUBSCRIBER_MODE = 'Connection in subscriber mode, only subscriber commands may be used';
const CLOSED = 'Connection is closed.';
const SUBSCRIBED_CONTEXT = (command: string): string =>
  `ERR Can't execute '${command}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`;

type Delivery =
  | { kind: 'message'; channel: string; message: string }
  | { kind: 'pmessage'; pattern: string; channel: string; message: string };

/** Everything a client receives, with a way to wait for the n-th delivery. */
class Inbox {
  readonly received: Delivery[] = [];
  #waiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(client: ContractClient) {
    client.on('message', (channel: string, message: string) => this.#push({ kind: 'message', channel, message }));
    client.on('pmessage', (pattern: string, channel: string, message: string) =>
      this.#push({ kind: 'pmessage', pattern, channel, message }),
    );
  }

  /** Resolves with all deliveries once there are at least `count`. */
  async atLeast(count: number): Promise<Delivery[]> {
    if (this.received.length < count) await new Promise<void>((resolve) => this.#waiters.push({ count, resolve }));
    return this.received;
  }

  #push(delivery: Delivery): void {
    this.received.push(delivery);
    this.#waiters = this.#waiters.filter((waiter) => {
      if (this.received.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }
}

function nextEvent<T extends unknown[] = unknown[]>(client: ContractClient, event: string): Promise<T> {
  return new Promise((resolve) => client.once(event, (...args: unknown[]) => resolve(args as T)));
}

/** Records every status event with the status the client reports when it is emitted. */
function recordEvents(client: ContractClient): string[] {
  const events: string[] = [];
  for (const name of ['wait', 'connecting', 'connect', 'ready', 'close', 'reconnecting', 'end']) {
    client.on(name, (arg: unknown) => events.push(`${name}${typeof arg === 'number' ? `(${arg})` : ''}@${client.status}`));
  }
  return events;
}

async function closeClient(client: ContractClient): Promise<void> {
  if (client.status === 'end') return;
  // A client left reconnecting (or parked there by disconnect()) only ends from a live connection.
  if (client.status === 'reconnecting') await client.connect().catch(() => undefined);
  const ended = nextEvent(client, 'end');
  client.disconnect();
  await ended;
}

function describeContract(name: string, makeTarget: () => ContractTarget): void {
  describe(name, () => {
    let target: ContractTarget;
    let clients: ContractClient[];
    let ns: string;

    const open = (options?: OpenOptions): ContractClient => {
      const client = target.open(options);
      clients.push(client);
      return client;
    };
    const duplicate = (client: ContractClient): ContractClient => {
      const copy = client.duplicate();
      clients.push(copy);
      return copy;
    };
    const ready = async (client: ContractClient): Promise<ContractClient> => {
      if (client.status !== 'ready') await nextEvent(client, 'ready');
      return client;
    };
    const channel = (suffix: string): string => `${ns}:${suffix}`;

    beforeEach(() => {
      target = makeTarget();
      clients = [];
      ns = `ct:${randomUUID()}`;
    });

    afterEach(async () => {
      await Promise.all(clients.map(closeClient));
      await target.dispose();
    });

    describe('connection', () => {
      test('is connecting right after construction, then emits connecting, connect and ready asynchronously', async () => {
        const client = open();
        expect(client.status).toBe('connecting');
        const events = recordEvents(client);
        expect(events).toEqual([]);
        await nextEvent(client, 'ready');
        expect(events).toEqual(['connecting@connecting', 'connect@connect', 'ready@ready']);
      });

      test('with lazyConnect waits until the first command, which runs once ready', async () => {
        const client = open({ lazyConnect: true });
        expect(client.status).toBe('wait');
        const events = recordEvents(client);
        await expect(client.ping()).resolves.toBe('PONG');
        // ioredis sets 'wait' in its constructor, so the event comes a tick later.
        expect(events).toEqual(['wait@connecting', 'connecting@connecting', 'connect@connect', 'ready@ready']);
      });

      test('queues commands issued before ready and runs them in order', async () => {
        const sub = await ready(open());
        await sub.subscribe(channel('q'));
        const inbox = new Inbox(sub);
        const pub = open();
        expect(pub.status).toBe('connecting');
        const counts = [pub.publish(channel('q'), 'one'), pub.ping(), pub.publish(channel('q'), 'two')];
        await expect(Promise.all(counts)).resolves.toEqual([1, 'PONG', 1]);
        expect((await inbox.atLeast(2)).map((d) => d.message)).toEqual(['one', 'two']);
      });

      test('ping resolves PONG, or echoes its message', async () => {
        const client = await ready(open());
        await expect(client.ping()).resolves.toBe('PONG');
        await expect(client.ping('hello')).resolves.toBe('hello');
      });

      test('connect() on a ready client rejects', async () => {
        const client = await ready(open());
        await expect(client.connect()).rejects.toThrow('Redis is already connecting/connected');
      });

      test('quit resolves OK, then emits close and end with status end', async () => {
        const client = await ready(open());
        const events = recordEvents(client);
        const ended = nextEvent(client, 'end');
        await expect(client.quit()).resolves.toBe('OK');
        await ended;
        expect(events).toEqual(['close@end', 'end@end']);
        expect(client.status).toBe('end');
      });

      test('commands after quit reject with "Connection is closed."', async () => {
        const client = await ready(open());
        const ended = nextEvent(client, 'end');
        await client.quit();
        await ended;
        await expect(client.publish(channel('x'), 'm')).rejects.toThrow(CLOSED);
        await expect(client.ping()).rejects.toThrow(CLOSED);
        await expect(client.subscribe(channel('x'))).rejects.toThrow(CLOSED);
        await expect(client.quit()).rejects.toThrow(CLOSED);
      });

      test('disconnect() keeps status ready synchronously: a command already sent resolves, a later one rejects', async () => {
        const client = await ready(open());
        const events = recordEvents(client);
        const before = client.ping();
        client.disconnect();
        expect(client.status).toBe('ready');
        const after = client.ping();
        await expect(before).resolves.toBe('PONG');
        await expect(after).rejects.toThrow(CLOSED);
        expect(events).toEqual(['close@end', 'end@end']);
      });

      test('disconnect() before the socket opens emits end without close and rejects queued commands', async () => {
        const client = open();
        const events = recordEvents(client);
        const queued = client.ping();
        const ended = nextEvent(client, 'end');
        client.disconnect();
        await expect(queued).rejects.toThrow(CLOSED);
        await ended;
        expect(events).toEqual(['connecting@connecting', 'end@end']);
      });

      test('disconnect() on a lazy client that never connected emits close then end', async () => {
        const client = open({ lazyConnect: true });
        const events = recordEvents(client);
        const ended = nextEvent(client, 'end');
        client.disconnect();
        await ended;
        expect(events).toEqual(['wait@end', 'close@end', 'end@end']);
      });

      test('duplicate() is a new connection to the same server', async () => {
        const pub = await ready(open());
        const sub = await ready(duplicate(pub));
        await sub.subscribe(channel('dup'));
        const inbox = new Inbox(sub);
        await expect(pub.publish(channel('dup'), 'hi')).resolves.toBe(1);
        expect(await inbox.atLeast(1)).toEqual([{ kind: 'message', channel: channel('dup'), message: 'hi' }]);
        await expect(pub.ping()).resolves.toBe('PONG');
      });
    });

    describe('subscriptions', () => {
      test('subscribe and psubscribe resolve with the total subscription count', async () => {
        const sub = await ready(open());
        await expect(sub.subscribe(channel('a'))).resolves.toBe(1);
        await expect(sub.subscribe(channel('b'), channel('c'))).resolves.toBe(3);
        await expect(sub.subscribe(channel('a'), channel('a'))).resolves.toBe(3);
        await expect(sub.psubscribe(channel('p*'))).resolves.toBe(4);
        await expect(sub.psubscribe(channel('p*'), channel('q*'))).resolves.toBe(5);
      });

      test('subscribe() without channels rejects with Redis arity error', async () => {
        const sub = await ready(open());
        const error = await sub.subscribe().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toBe("ERR wrong number of arguments for 'subscribe' command");
        expect((error as Error).name).toBe('ReplyError');
        await expect(sub.publish(channel('x'), 'still normal mode')).resolves.toBe(0);
      });

      test('publish resolves with the number of receiving clients', async () => {
        const pub = await ready(open());
        await expect(pub.publish(channel('n'), 'nobody')).resolves.toBe(0);
        const first = await ready(open());
        const second = await ready(open());
        await first.subscribe(channel('n'));
        await expect(pub.publish(channel('n'), 'one')).resolves.toBe(1);
        await second.subscribe(channel('n'));
        await expect(pub.publish(channel('n'), 'two')).resolves.toBe(2);
      });

      test('an exact subscription gets message, not pmessage', async () => {
        const sub = await ready(open());
        await sub.subscribe(channel('exact'));
        const inbox = new Inbox(sub);
        const pub = await ready(open());
        await expect(pub.publish(channel('exact'), 'payload')).resolves.toBe(1);
        expect(await inbox.atLeast(1)).toEqual([{ kind: 'message', channel: channel('exact'), message: 'payload' }]);
      });

      test('a pattern subscription gets pmessage with the pattern and the channel', async () => {
        const sub = await ready(open());
        await sub.psubscribe(channel('pat:*'));
        const inbox = new Inbox(sub);
        const pub = await ready(open());
        await expect(pub.publish(channel('pat:x'), 'payload')).resolves.toBe(1);
        expect(await inbox.atLeast(1)).toEqual([
          { kind: 'pmessage', pattern: channel('pat:*'), channel: channel('pat:x'), message: 'payload' },
        ]);
      });

      test('a client subscribed by channel and by pattern counts twice and gets message, then pmessage', async () => {
        const sub = await ready(open());
        await sub.subscribe(channel('both'));
        await sub.psubscribe(channel('bo*'));
        const inbox = new Inbox(sub);
        const pub = await ready(open());
        await expect(pub.publish(channel('both'), 'twice')).resolves.toBe(2);
        expect(await inbox.atLeast(2)).toEqual([
          { kind: 'message', channel: channel('both'), message: 'twice' },
          { kind: 'pmessage', pattern: channel('bo*'), channel: channel('both'), message: 'twice' },
        ]);
      });

      test('two matching patterns on one client count twice and deliver two pmessages', async () => {
        const sub = await ready(open());
        await sub.psubscribe(channel('t*'), channel('?wo'));
        const inbox = new Inbox(sub);
        const pub = await ready(open());
        await expect(pub.publish(channel('two'), 'm')).resolves.toBe(2);
        const patterns = (await inbox.atLeast(2)).map((d) => (d.kind === 'pmessage' ? d.pattern : d.kind));
        expect(patterns.sort()).toEqual([channel('?wo'), channel('t*')].sort());
      });

      test('glob characters in an exact channel name are literal', async () => {
        const sub = await ready(open());
        await sub.subscribe(channel('*'), channel('[ab]'));
        const pub = await ready(open());
        await expect(pub.publish(channel('a'), 'm')).resolves.toBe(0);
        await expect(pub.publish(channel('*'), 'm')).resolves.toBe(1);
        await expect(pub.publish(channel('[ab]'), 'm')).resolves.toBe(1);
      });

      test('a message listener added after subscribing still receives', async () => {
        const sub = await ready(open());
        await sub.subscribe(channel('late'));
        const pub = await ready(open());
        const received = nextEvent<[string, string]>(sub, 'message');
        await pub.publish(channel('late'), 'm');
        expect(await received).toEqual([channel('late'), 'm']);
      });
    });

    describe('glob patterns (Redis stringmatchlen, byte-wise)', () => {
      // [pattern, channel, matches]; both are appended to a per-test prefix.
      const cases: Array<[string, string, boolean]> = [
        ['*', '', true],
        ['*', 'a:b:c', true],
        ['**', 'abc', true],
        ['a*', 'b', false],
        ['a*c', 'abbbc', true],
        ['a*c', 'abbbd', false],
        ['*:x', 'a:b:x', true],
        ['?', 'a', true],
        ['?', '', false],
        ['?', 'ab', false],
        ['?', 'é', false],
        ['??', 'é', true],
        ['[é]', 'é', false],
        ['[é]?', 'é', true],
        ['*é', 'café', true],
        ['[abc]', 'b', true],
        ['[abc]', 'd', false],
        ['[^abc]', 'd', true],
        ['[^abc]', 'a', false],
        ['[!a]', '!', true],
        ['[!a]', 'b', false],
        ['[a-c]', 'b', true],
        ['[c-a]', 'b', true],
        ['[a-c]', 'd', false],
        ['[a-]', ']', true],
        ['[a-]', '-', false],
        ['[]]', ']', false],
        ['[^]', 'x', true],
        ['[\\]]', ']', true],
        ['\\*', '*', true],
        ['\\*', 'a', false],
        ['\\?', '?', true],
        ['\\?', 'a', false],
        ['a[b', 'ab', true],
        ['A*', 'a', false],
        ['x\\', 'x\\', true],
      ];

      test.each(cases)('pattern %j against channel %j matches: %s', async (pattern, suffix, matches) => {
        const sub = await ready(open());
        await sub.psubscribe(`${ns}:${pattern}`);
        const inbox = new Inbox(sub);
        const pub = await ready(open());
        await expect(pub.publish(`${ns}:${suffix}`, 'm')).resolves.toBe(matches ? 1 : 0);
        if (matches) {
          expect(await inbox.atLeast(1)).toEqual([
            { kind: 'pmessage', pattern: `${ns}:${pattern}`, channel: `${ns}:${suffix}`, message: 'm' },
          ]);
        }
      });
    });

    describe('unsubscribing', () => {
      test('unsubscribe and punsubscribe resolve with the remaining count and stop delivery', async () => {
        const sub = await ready(open());
        await sub.subscribe(channel('a'), channel('b'));
        await sub.psubscribe(channel('p:*'));
        const inbox = new Inbox(sub);
        const pub = await ready(open());
        await expect(sub.unsubscribe(channel('a'))).resolves.toBe(2);
        await expect(sub.unsubscribe(channel('a'))).resolves.toBe(2);
        await expect(sub.unsubscribe(channel('never'))).resolves.toBe(2);
        await expect(sub.punsubscribe(channel('never:*'))).resolves.toBe(2);
        await expect(pub.publish(channel('a'), 'gone')).resolves.toBe(0);
        await expect(sub.punsubscribe(channel('p:*'))).resolves.toBe(1);
        await expect(pub.publish(channel('p:x'), 'gone')).resolves.toBe(0);
        await expect(pub.publish(channel('b'), 'sentinel')).resolves.toBe(1);
        expect(await inbox.atLeast(1)).toEqual([{ kind: 'message', channel: channel('b'), message: 'sentinel' }]);
      });

      test('unsubscribe() without arguments drops every channel and leaves subscriber mode', async () => {
        const sub = await ready(open());
        await sub.subscribe(channel('a'), channel('b'), channel('c'));
        await expect(sub.unsubscribe()).resolves.toBe(0);
        const pub = await ready(open());
        await expect(pub.publish(channel('a'), 'm')).resolves.toBe(0);
        await expect(pub.publish(channel('c'), 'm')).resolves.toBe(0);
        await expect(sub.publish(channel('a'), 'normal again')).resolves.toBe(0);
        await expect(sub.ping()).resolves.toBe('PONG');
      });

      test('punsubscribe() without arguments drops every pattern', async () => {
        const sub = await ready(open());
        await sub.psubscribe(channel('a*'), channel('b*'));
        await expect(sub.punsubscribe()).resolves.toBe(0);
        const pub = await ready(open());
        await expect(pub.publish(channel('a1'), 'm')).resolves.toBe(0);
      });

      test('unsubscribe() without arguments on a client with no subscriptions resolves 0', async () => {
        const client = await ready(open());
        await expect(client.unsubscribe()).resolves.toBe(0);
        await expect(client.punsubscribe()).resolves.toBe(0);
        await expect(client.ping()).resolves.toBe('PONG');
      });

      test('quirk: unsubscribe() without arguments while patterns remain takes the next reply', async () => {
        // ioredis resolves an argument-less unsubscribe only at count 0; until then it
        // stays first in line, so the next reply (here PING's) resolves it instead.
        const sub = await ready(open());
        await sub.subscribe(channel('a'));
        await sub.psubscribe(channel('p*'));
        const unsubscribed = sub.unsubscribe();
        const ping = sub.ping();
        ping.catch(() => undefined);
        await expect(unsubscribed).resolves.toEqual(['pong', '']);
        const pub = await ready(open());
        await expect(pub.publish(channel('a'), 'm')).resolves.toBe(0);
        await expect(pub.publish(channel('p1'), 'm')).resolves.toBe(1);
      });
    });

    describe('subscriber mode', () => {
      test('normal commands reject client-side with ioredis text; ping answers with an array', async () => {
        const sub = await ready(open());
        await sub.subscribe(channel('s'));
        await expect(sub.publish(channel('s'), 'm')).rejects.toThrow(SUBSCRIBER_MODE);
        await expect(sub.ping()).resolves.toEqual(['pong', '']);
        await expect(sub.ping('hey')).resolves.toEqual(['pong', 'hey']);
        await expect(sub.unsubscribe(channel('s'))).resolves.toBe(0);
        await expect(sub.publish(channel('s'), 'm')).resolves.toBe(0);
        await expect(sub.ping()).resolves.toBe('PONG');
      });

      test('pattern subscriptions alone also enter subscriber mode', async () => {
        const sub = await ready(open());
        await sub.psubscribe(channel('*'));
        await expect(sub.publish(channel('s'), 'm')).rejects.toThrow(SUBSCRIBER_MODE);
      });

      test('a publish sent before the subscribe is confirmed reaches Redis and fails there', async () => {
        const sub = await ready(open());
        const subscribed = sub.subscribe(channel('race'));
        const error = await sub.publish(channel('race'), 'm').catch((e: unknown) => e);
        await expect(subscribed).resolves.toBe(1);
        expect((error as Error).name).toBe('ReplyError');
        expect((error as Error).message).toBe(SUBSCRIBED_CONTEXT('publish'));
      });
    });

    describe('payloads and channel names', () => {
      test('unicode, control characters, CRLF and NUL round-trip in payloads', async () => {
        const payloads = ['héllo wörld', '中文テキスト', '🚀👩‍👩‍👧', 'line1\r\nline2\n', 'nul\u0000inside', '$5\r\n*1\r\n', ' '];
        const sub = await ready(open());
        await sub.subscribe(channel('u'));
        const inbox = new Inbox(sub);
        const pub = await ready(open());
        for (const payload of payloads) await pub.publish(channel('u'), payload);
        expect((await inbox.atLeast(payloads.length)).map((d) => d.message)).toEqual(payloads);
      });

      test('an empty string payload arrives as an empty string', async () => {
        const sub = await ready(open());
        await sub.subscribe(channel('e'));
        const inbox = new Inbox(sub);
        const pub = await ready(open());
        await expect(pub.publish(channel('e'), '')).resolves.toBe(1);
        expect(await inbox.atLeast(1)).toEqual([{ kind: 'message', channel: channel('e'), message: '' }]);
      });

      test('a lone surrogate is sent as UTF-8 would encode it: U+FFFD', async () => {
        const sub = await ready(open());
        await sub.subscribe(channel('s'));
        const inbox = new Inbox(sub);
        const pub = await ready(open());
        await pub.publish(channel('s'), 'a\uD800b');
        expect((await inbox.atLeast(1))[0]?.message).toBe('a\uFFFDb');
      });

      test('binary payloads are byte-exact on messageBuffer and decoded as UTF-8 on message', async () => {
        const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x80, 0x41, 0xc3, 0xa9]);
        const sub = await ready(open());
        await sub.subscribe(channel('bin'));
        const asBuffer = nextEvent<[Buffer, Buffer]>(sub, 'messageBuffer');
        const asString = nextEvent<[string, string]>(sub, 'message');
        const pub = await ready(open());
        await pub.publish(channel('bin'), bytes);
        const [bufferChannel, buffer] = await asBuffer;
        expect(bufferChannel.toString()).toBe(channel('bin'));
        expect(Buffer.compare(buffer, bytes)).toBe(0);
        expect((await asString)[1]).toBe(bytes.toString('utf8'));
      });

      // Against real Redis this leaves redis-parser's module-level buffer-pool interval
      // (50 ms ticks, stops itself within ~2 s) running, which jest may notice at exit.
      test('a 1 MB payload arrives intact', async () => {
        const payload = 'ab€'.repeat(350_000).slice(0, 1_048_576);
        const sub = await ready(open());
        await sub.subscribe(channel('big'));
        const inbox = new Inbox(sub);
        const pub = await ready(open());
        await expect(pub.publish(channel('big'), payload)).resolves.toBe(1);
        const [delivery] = await inbox.atLeast(1);
        expect(delivery?.message.length).toBe(payload.length);
        expect(delivery?.message === payload).toBe(true);
      });

      test('channel names with spaces, CRLF, quotes, NUL and unicode work exactly and by pattern', async () => {
        const names = ['with space', 'crlf\r\nnext', 'quote"\'`', 'back\\slash', 'nul\u0000byte', 'ünïcödé', '🚀', 'colon:semi;'];
        const sub = await ready(open());
        await sub.subscribe(...names.map((n) => channel(n)));
        await sub.psubscribe(channel('*'));
        const inbox = new Inbox(sub);
        const pub = await ready(open());
        for (const n of names) await expect(pub.publish(channel(n), n)).resolves.toBe(2);
        const deliveries = await inbox.atLeast(names.length * 2);
        expect(deliveries.filter((d) => d.kind === 'message').map((d) => [d.channel, d.message])).toEqual(
          names.map((n) => [channel(n), n]),
        );
        expect(deliveries.filter((d) => d.kind === 'pmessage').map((d) => d.channel)).toEqual(names.map((n) => channel(n)));
      });
    });

    describe('ordering', () => {
      test('1000 messages from one publisher arrive in publish order', async () => {
        const sub = await ready(open());
        await sub.subscribe(channel('order'));
        const inbox = new Inbox(sub);
        const pub = await ready(open());
        const sent = Array.from({ length: 1000 }, (_, i) => String(i));
        await Promise.all(sent.map((m) => pub.publish(channel('order'), m)));
        expect((await inbox.atLeast(1000)).map((d) => d.message)).toEqual(sent);
      });

      test('order holds across channels and subscription kinds from one publisher', async () => {
        const sub = await ready(open());
        await sub.subscribe(channel('x'));
        await sub.psubscribe(channel('y*'));
        const inbox = new Inbox(sub);
        const pub = await ready(open());
        const sent = Array.from({ length: 200 }, (_, i) => [i % 2 === 0 ? channel('x') : channel('y1'), String(i)] as const);
        await Promise.all(sent.map(([c, m]) => pub.publish(c, m)));
        const received = await inbox.atLeast(200);
        expect(received.map((d) => d.message)).toEqual(sent.map(([, m]) => m));
        expect(received.map((d) => d.kind)).toEqual(sent.map((_, i) => (i % 2 === 0 ? 'message' : 'pmessage')));
      });
    });

    describe('connection loss', () => {
      test('a killed subscriber emits close and reconnecting, reconnects and resubscribes', async () => {
        const sub = await ready(open());
        await sub.subscribe(channel('k'));
        await sub.psubscribe(channel('k*'));
        const events = recordEvents(sub);
        const back = nextEvent(sub, 'ready');
        const closed = nextEvent(sub, 'close');
        await target.kill(sub);
        await closed;
        expect(sub.status).toBe('reconnecting');
        await back;
        expect(events).toEqual(['close@reconnecting', 'reconnecting(50)@reconnecting', 'connecting@connecting', 'connect@connect', 'ready@ready']);
        // A PING queued after the resubscription answers in subscriber form: the server has it.
        await expect(sub.ping()).resolves.toEqual(['pong', '']);
        const inbox = new Inbox(sub);
        const pub = await ready(open());
        await expect(pub.publish(channel('k'), 'back')).resolves.toBe(2);
        expect((await inbox.atLeast(2)).map((d) => d.kind)).toEqual(['message', 'pmessage']);
      });

      test('messages published while a subscriber is down are lost to it', async () => {
        const sub = await ready(open());
        await sub.subscribe(channel('lost'));
        const inbox = new Inbox(sub);
        const pub = await ready(open());
        const closed = nextEvent(sub, 'close');
        const back = nextEvent(sub, 'ready');
        await target.kill(sub);
        await closed;
        await expect(pub.publish(channel('lost'), 'while down')).resolves.toBe(0);
        await back;
        await sub.ping();
        await expect(pub.publish(channel('lost'), 'after')).resolves.toBe(1);
        expect((await inbox.atLeast(1)).map((d) => d.message)).toEqual(['after']);
      });

      test('while reconnecting, a subscriber still rejects normal commands and queues subscriber ones', async () => {
        const sub = await ready(open());
        await sub.subscribe(channel('q'));
        const closed = nextEvent(sub, 'close');
        await target.kill(sub);
        await closed;
        await expect(sub.publish(channel('q'), 'm')).rejects.toThrow(SUBSCRIBER_MODE);
        await expect(sub.ping()).resolves.toEqual(['pong', '']);
        expect(sub.status).toBe('ready');
      });

      test('while reconnecting, a normal client queues commands and runs them once ready', async () => {
        const sub = await ready(open());
        await sub.subscribe(channel('n'));
        const inbox = new Inbox(sub);
        const pub = await ready(open());
        const closed = nextEvent(pub, 'close');
        await target.kill(pub);
        await closed;
        expect(pub.status).toBe('reconnecting');
        await expect(Promise.all([pub.publish(channel('n'), 'queued'), pub.ping()])).resolves.toEqual([1, 'PONG']);
        expect((await inbox.atLeast(1)).map((d) => d.message)).toEqual(['queued']);
      });

      test('quirk: disconnect() while reconnecting cancels the retry but never ends; connect() revives it', async () => {
        const sub = await ready(open());
        await sub.subscribe(channel('stuck'));
        const events = recordEvents(sub);
        const reconnecting = nextEvent(sub, 'reconnecting');
        await target.kill(sub);
        await reconnecting;
        const queued = sub.ping();
        sub.disconnect();
        expect(sub.status).toBe('reconnecting');
        // If disconnect() had ended the client, the queued ping would reject; it stays queued instead.
        await sub.connect();
        await expect(queued).resolves.toEqual(['pong', '']);
        expect(events).not.toContain('end@end');
        const pub = await ready(open());
        await expect(pub.publish(channel('stuck'), 'm')).resolves.toBe(1);
      });

      test('quirk: connect() after quit resubscribes to what the client had before quitting', async () => {
        const sub = await ready(open());
        await sub.subscribe(channel('again'));
        const ended = nextEvent(sub, 'end');
        await sub.quit();
        await ended;
        const pub = await ready(open());
        await expect(pub.publish(channel('again'), 'm')).resolves.toBe(0);
        const inbox = new Inbox(sub);
        await sub.connect();
        await expect(sub.ping()).resolves.toEqual(['pong', '']);
        await expect(pub.publish(channel('again'), 'back')).resolves.toBe(1);
        expect((await inbox.atLeast(1)).map((d) => d.message)).toEqual(['back']);
      });
    });
  });
}

describeContract('FakeRedis', () => {
  const server = new FakeRedisServer();
  return {
    open: (options = {}) => new FakeRedis({ server, ...options }),
    kill: async (client) => {
      if (!(client instanceof FakeRedis)) throw new TypeError('not a FakeRedis');
      client.dropConnection();
    },
    dispose: async () => server.reset(),
  };
});

describeContract('Redis (ioredis 5, 127.0.0.1:6379)', () => {
  const names = new Map<ContractClient, string>();
  return {
    open: (options = {}) => {
      const name = `ct-${randomUUID()}`;
      const client = new Redis({
        host: '127.0.0.1',
        port: 6379,
        lazyConnect: options.lazyConnect ?? false,
        connectionName: name,
        // disconnect() on a socket that already closed (the stuck-reconnecting quirk)
        // arms ioredis's destroy timer and nothing clears it; keep it short so jest exits.
        disconnectTimeout: 100,
      });
      names.set(client, name);
      return client;
    },
    kill: async (client) => {
      const name = names.get(client);
      if (name === undefined) throw new TypeError('kill() works on clients from open() only');
      const admin = new Redis({ host: '127.0.0.1', port: 6379 });
      try {
        const list = String(await admin.client('LIST'));
        const line = list.split('\n').find((l) => l.includes(` name=${name} `));
        const id = line?.match(/^id=(\d+) /)?.[1];
        if (id === undefined) throw new Error(`no connection named ${name}`);
        await admin.client('KILL', 'ID', id);
      } finally {
        await admin.quit();
      }
    },
    dispose: async () => names.clear(),
  };
});

test('FakeRedis and ioredis are both RedisLike', () => {
  const fake: RedisLike = new FakeRedis({ lazyConnect: true });
  const real: RedisLike = new Redis({ lazyConnect: true });
  expect([fake.status, real.status]).toEqual(['wait', 'wait']);
  fake.disconnect();
  real.disconnect();
});
