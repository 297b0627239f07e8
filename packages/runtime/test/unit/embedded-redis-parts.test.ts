// process/embedded-redis.ts on its own: whether a process looks for a Redis, where it looks, what
// it says, and the clients that wait for the answer. A stand-in redis-server control and platform,
// no Master (embedded-redis.test.ts checks the same choices through a whole master).
import { ClustrError } from '@clustr/protocol/core';
import { PROBE_TIMEOUT_MS, chooseRedis, deferredClients, wantsPrivateRedis, type RedisChoice } from '../../src/process/embedded-redis';
import { resolveRedis, type RedisTarget, type ResolvedRedis } from '../../src/process/redis-target';
import type { Platform, PrivateRedis, RedisServerControl } from '../../src/platform/platform';
import type { RedisLike } from '../../src/transport/redis-like';
import { recordingLogger, watch } from './probes';

const SOCKET = '/tmp/clustr-1000/shop.sock';
const DEFAULT = resolveRedis(undefined, {});

interface Rig {
  platform: Platform;
  /** [target, timeout] of every probe, in order. */
  probed: Array<[RedisTarget, number]>;
  started: string[];
  written: Array<[string, string]>;
  created: RedisTarget[];
}

/**
 * A platform whose redis-server control answers a PING at the targets in `answering`, and whose
 * start() resolves a server with pid 777 (or rejects with `startError`).
 */
function rig(answering: RedisTarget[], startError?: unknown): Rig {
  const r: Rig = { probed: [], started: [], written: [], created: [], platform: undefined as unknown as Platform };
  const control: RedisServerControl = {
    answers: (target, timeoutMs) => {
      r.probed.push([target, timeoutMs]);
      return Promise.resolve(answering.includes(target));
    },
    socketPath: (namespace) => `/tmp/clustr-1000/${namespace}.sock`,
    start: (socket) => {
      r.started.push(socket);
      if (startError !== undefined) return Promise.reject(startError);
      const server: PrivateRedis = { pid: 777, socket, stop: () => undefined };
      return Promise.resolve(server);
    },
  };
  r.platform = {
    redisServer: control,
    write: (stream: string, text: string) => void r.written.push([stream, text]),
    createRedis: (target: RedisTarget) => {
      r.created.push(target);
      return { status: 'ready', tag: r.created.length } as unknown as RedisLike;
    },
  } as unknown as Platform;
  return r;
}

function choose(r: Rig, logger = recordingLogger(), resolved: ResolvedRedis = DEFAULT): Promise<RedisChoice> {
  return chooseRedis({ platform: r.platform, namespace: 'shop', resolved, logger, label: 'clustr[master:100]' });
}

describe('wantsPrivateRedis', () => {
  const platform = rig([]).platform;
  const configured = resolveRedis('redis://db.internal:6379', {});

  test('only a master with its own clients, no Redis configured and a platform that can start one looks', () => {
    expect(wantsPrivateRedis('master', DEFAULT, platform, true)).toBe(true);
  });

  test.each([
    ['a worker', 'worker', DEFAULT, platform, true],
    ['clients the user passed', 'master', DEFAULT, platform, false],
    ['a configured Redis', 'master', configured, platform, true],
    ['a platform without redis-server control', 'master', DEFAULT, { ...platform, redisServer: undefined }, true],
  ] as const)('never for %s', (_what, role, resolved, p, own) => {
    expect(wantsPrivateRedis(role, resolved, p as Platform, own)).toBe(false);
  });
});

describe('chooseRedis', () => {
  test('a Redis at the default address is used as it is: one probe, nothing started, nothing said', async () => {
    const r = rig([DEFAULT.target]);
    const logger = recordingLogger();
    const choice = await choose(r, logger);
    expect(choice).toEqual({ resolved: DEFAULT, server: undefined });
    expect(choice.resolved).toBe(DEFAULT);
    expect(r.probed).toEqual([['redis://127.0.0.1:6379', PROBE_TIMEOUT_MS]]);
    expect(PROBE_TIMEOUT_MS).toBe(1_000);
    expect(r.started).toEqual([]);
    expect(r.written).toEqual([]);
    expect(logger.records).toEqual([]);
  });

  test("the namespace's private Redis already answers: it is shared, with a warning and one line on stderr", async () => {
    const r = rig([SOCKET]);
    const logger = recordingLogger();
    const choice = await choose(r, logger);
    expect(choice).toEqual({ resolved: resolveRedis(SOCKET, {}), server: undefined });
    expect(r.probed).toEqual([
      ['redis://127.0.0.1:6379', 1_000],
      [SOCKET, 1_000],
    ]);
    expect(r.started).toEqual([]);
    expect(logger.records).toEqual([
      {
        level: 'warn',
        fields: { event: 'redis.private.joined', socket: SOCKET },
        msg: `no Redis at redis://127.0.0.1:6379; using the private Redis of namespace "shop" another process started on ${SOCKET}`,
      },
    ]);
    expect(r.written).toEqual([['stderr', `clustr[master:100]: no Redis at redis://127.0.0.1:6379; using the private Redis another process of namespace "shop" started on ${SOCKET}\n`]]);
  });

  test('nothing answers: a private redis-server is started on the socket, logged, said on stderr, and handed back to be stopped', async () => {
    const r = rig([]);
    const logger = recordingLogger();
    const choice = await choose(r, logger);
    expect(choice.resolved).toEqual(resolveRedis(SOCKET, {}));
    expect(choice.server).toMatchObject({ pid: 777, socket: SOCKET });
    expect(r.started).toEqual([SOCKET]);
    expect(logger.records).toEqual([{ level: 'info', fields: { event: 'redis.private.started', socket: SOCKET, pid: 777 }, msg: `started a private redis-server on ${SOCKET}` }]);
    expect(r.written).toEqual([
      [
        'stderr',
        `clustr[master:100]: no Redis at redis://127.0.0.1:6379, so started a private redis-server (pid 777) on ${SOCKET}; it stops with the cluster. \`clustr\` commands find it by namespace ("shop").\n`,
      ],
    ]);
  });

  test('the label in what is said is the redacted one', async () => {
    const r = rig([SOCKET]);
    const resolved = { ...resolveRedis('redis://u:secret@127.0.0.1:6379', {}), isDefault: true };
    await choose(r, recordingLogger(), resolved);
    expect(r.probed[0]![0]).toBe('redis://u:secret@127.0.0.1:6379');
    expect(r.written[0]![1]).toContain('no Redis at redis://u:***@127.0.0.1:6379;');
  });

  test("no redis-server to start: the ClustrError keeps its code, says where nothing answered, and has the platform's error as cause", async () => {
    const missing = new ClustrError('CLUSTR_REDIS_SERVER_MISSING', 'no redis-server program is on PATH.');
    const r = rig([], missing);
    const logger = recordingLogger();
    const seen = watch(choose(r, logger));
    await new Promise<void>((done) => setImmediate(done));
    expect(seen.state).toBe('rejected');
    expect(seen.error).toBeInstanceOf(ClustrError);
    expect(seen.error).toMatchObject({ code: 'CLUSTR_REDIS_SERVER_MISSING', message: 'no Redis answers at redis://127.0.0.1:6379 and none is configured; no redis-server program is on PATH.' });
    expect((seen.error as ClustrError).cause).toBe(missing);
    expect(r.written).toEqual([]);
    expect(logger.records).toEqual([]);
  });

  test('an error from start() that is not a ClustrError is passed on as it is', async () => {
    const odd = new TypeError('spawn went wrong');
    const seen = watch(choose(rig([], odd)));
    await new Promise<void>((done) => setImmediate(done));
    expect(seen.state).toBe('rejected');
    expect(seen.error).toBe(odd);
  });
});

describe('deferredClients', () => {
  test('two clients, created at the chosen target only once the choice is made', async () => {
    const r = rig([]);
    let decide!: (choice: RedisChoice) => void;
    const choice = new Promise<RedisChoice>((resolve) => (decide = resolve));
    const { publisher, subscriber } = deferredClients(r.platform, choice);
    expect(publisher).not.toBe(subscriber);
    expect(publisher.status).toBe('wait');
    expect(subscriber.status).toBe('wait');
    await new Promise<void>((done) => setImmediate(done));
    expect(r.created).toEqual([]);
    decide({ resolved: resolveRedis(SOCKET, {}), server: undefined });
    await new Promise<void>((done) => setImmediate(done));
    expect(r.created).toEqual([SOCKET, SOCKET]);
    expect(publisher.status).toBe('ready');
    expect(subscriber.status).toBe('ready');
  });
});
