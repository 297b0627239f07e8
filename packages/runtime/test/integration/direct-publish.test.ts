// Publishing past ioredis's auto-pipeline (platform/direct-publish.ts), against the real Redis:
// what it sends arrives, in order, with Redis's answer; only a client of clustr's own ioredis gets
// it; and a Worker with coalescing on publishes every frame that way, with it off through publish().
import Redis from 'ioredis';
import { FakeRedis } from '@clustr/testkit';
import { Worker, nodePlatform, type Platform } from '../../src';
import { directPublisher } from '../../src/platform/direct-publish';
import type { RedisLike } from '../../src/transport/redis-like';
import { freshNamespace } from './harness';

const URL = 'redis://127.0.0.1:6379';
const clients: Redis[] = [];
const client = (): Redis => {
  const made = new Redis(URL, { enableAutoPipelining: true, maxRetriesPerRequest: null });
  clients.push(made);
  return made;
};

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
});

/** Subscribes a plain client to `channel`; resolves to the messages it hears, in order. */
async function listen(channel: string): Promise<string[]> {
  const sub = client();
  const heard: string[] = [];
  sub.on('message', (_channel: string, message: string) => heard.push(message));
  await sub.subscribe(channel);
  return heard;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
}

test('publishes at once, resolving to the number of receivers; corked writes arrive in the order they were made', async () => {
  const ns = freshNamespace('direct');
  const [a, b] = [await listen(`${ns}:a`), await listen(`${ns}:b`)];
  const pub = client();
  await pub.ping();
  const direct = directPublisher(pub as unknown as RedisLike)!;
  expect(direct).toBeDefined();
  expect(await direct.publish(`${ns}:a`, 'one')).toBe(1);
  expect(await direct.publish(`${ns}:nobody`, 'lost')).toBe(0);
  let answers: Array<Promise<number>> = [];
  direct.corked(() => {
    answers = [direct.publish(`${ns}:a`, 'two'), direct.publish(`${ns}:b`, 'three'), direct.publish(`${ns}:a`, 'four')];
  });
  expect(await Promise.all(answers)).toEqual([1, 1, 1]);
  await until(() => a.length === 3 && b.length === 1);
  expect(a).toEqual(['one', 'two', 'four']);
  expect(b).toEqual(['three']);
});

test('corked() corks the socket for the writes it makes and uncorks it after, even when a write throws; a client without a socket yet just writes', async () => {
  const pub = client();
  await pub.ping();
  const stream = (pub as unknown as { stream: { cork(): void; uncork(): void } }).stream;
  const calls: string[] = [];
  const cork = jest.spyOn(stream, 'cork').mockImplementation(function (this: unknown) {
    calls.push('cork');
  });
  const uncork = jest.spyOn(stream, 'uncork').mockImplementation(function (this: unknown) {
    calls.push('uncork');
  });
  const direct = directPublisher(pub as unknown as RedisLike)!;
  direct.corked(() => calls.push('write'));
  expect(() =>
    direct.corked(() => {
      calls.push('write');
      throw new Error('boom');
    }),
  ).toThrow('boom');
  expect(calls).toEqual(['cork', 'write', 'uncork', 'cork', 'write', 'uncork']);
  cork.mockRestore();
  uncork.mockRestore();

  const idle = new Redis(URL, { lazyConnect: true });
  let wrote = false;
  directPublisher(idle as unknown as RedisLike)!.corked(() => (wrote = true));
  expect(wrote).toBe(true);
  idle.disconnect();
});

test('a command of the user’s still waiting in the client’s auto-pipeline is not overtaken: Redis runs it first', async () => {
  const ns = freshNamespace('direct');
  const pub = client();
  await pub.ping();
  const monitor = await client().monitor();
  const seen: string[] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args.some((arg) => arg.startsWith(ns))) seen.push(`${args[0]!.toLowerCase()} ${args[1]}`);
  });
  const direct = directPublisher(pub as unknown as RedisLike)!;
  // The user's SET waits in the auto-pipeline for a later turn; the frame comes after it, in this one.
  const set = pub.set(`${ns}:k`, 'v');
  const published = direct.publish(`${ns}:c`, 'frame');
  // With the pipeline empty again, a frame is written at once.
  await Promise.all([set, published]);
  const later = direct.publish(`${ns}:c`, 'next');
  await later;
  await until(() => seen.length === 3);
  expect(seen).toEqual([`set ${ns}:k`, `publish ${ns}:c`, `publish ${ns}:c`]);
  monitor.disconnect();
});

test('a client that is not an ioredis client of clustr’s copy gets none: it publishes through its own publish()', () => {
  const fake = new FakeRedis();
  expect(directPublisher(fake as unknown as RedisLike)).toBeUndefined();
  fake.disconnect();
  const lookalike = { publish: () => Promise.resolve(0), sendCommand: () => Promise.resolve(0), options: { enableAutoPipelining: true } };
  expect(directPublisher(lookalike as unknown as RedisLike)).toBeUndefined();
});

test.each([
  { coalesce: true, throughPublish: 0 },
  { coalesce: false, throughPublish: 3 },
])('a Worker with coalesce: $coalesce sends its frames through publish() $throughPublish times, and they arrive in order', async ({ coalesce, throughPublish }) => {
  const ns = freshNamespace('direct');
  const publisher = client();
  const calls = jest.spyOn(publisher, 'publish');
  // In the jest process: a platform that never exits, traps signals or watches jest's parent.
  const platform: Platform = { ...nodePlatform(), argv: [], exit: () => undefined, onSignal: () => () => undefined, watchParent: () => () => undefined };
  const worker = await Worker.create({ group: 'web', namespace: ns, publisher, subscriber: client(), coalesce, platform });
  try {
    const heard = await listen(`${ns}:public`);
    await worker.emitPublic({ n: 1 });
    await Promise.all([worker.emitPublic({ n: 2 }), worker.emitPublic({ n: 3 })]);
    await until(() => heard.length === 2 + (coalesce ? 0 : 1));
    const data = heard.flatMap((raw) => {
      const frame = JSON.parse(raw) as { kind: string; data: unknown };
      return frame.kind === 'batch' ? (frame.data as Array<{ data: unknown }>).map((inner) => inner.data) : [frame.data];
    });
    expect(data).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(calls).toHaveBeenCalledTimes(throughPublish);
  } finally {
    await worker.close(0);
  }
});
