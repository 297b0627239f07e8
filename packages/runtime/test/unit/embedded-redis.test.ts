// How a master chooses its Redis when none is configured: the default address, the private Redis of
// its namespace, or a private redis-server it starts itself; never instead of a configured Redis.
import { ClustrError, type ErrorContext, type Platform, type PrivateRedis, type RedisServerControl, type RedisTarget } from '../../src';
import { Master as SrcMaster, Worker as SrcWorker } from '../../src';
import { fakePlatform, flush, type FakePlatform } from './fake-platform';

interface Stub {
  control: RedisServerControl;
  /** Targets probed, in order. */
  probed: RedisTarget[];
  started: string[];
  stopped: number;
}

/** A redis-server control: `answering` lists what answers a PING; start() succeeds unless `missing`. */
function stubServer(answering: RedisTarget[], missing = false): Stub {
  const stub: Stub = { probed: [], started: [], stopped: 0, control: undefined as unknown as RedisServerControl };
  stub.control = {
    answers: (target) => {
      stub.probed.push(target);
      return Promise.resolve(answering.includes(target));
    },
    socketPath: (namespace) => `/tmp/clustr-1000/${namespace}.sock`,
    start: (socket) => {
      if (missing) return Promise.reject(new ClustrError('CLUSTR_REDIS_SERVER_MISSING', 'no redis-server program is on PATH to start a private Redis. Install Redis (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) ...'));
      stub.started.push(socket);
      const server: PrivateRedis = {
        pid: 777,
        socket,
        stop: () => {
          stub.stopped++;
        },
      };
      return Promise.resolve(server);
    },
  };
  return stub;
}

function withServer(options: Parameters<typeof fakePlatform>[0], stub: Stub): FakePlatform & { written: string[] } {
  const f = fakePlatform({ files: ['/srv/app/w.js'], ...options });
  const written: string[] = [];
  const platform: Platform = { ...f.platform, redisServer: stub.control, write: (_stream, text) => void written.push(text) };
  return Object.assign(f, { platform, written });
}

test('nothing answers at the default address: the master starts a private redis-server, says so in one line, and hands its socket to every child', async () => {
  const stub = stubServer([]);
  const f = withServer({}, stub);
  const master = SrcMaster.create({ platform: f.platform });
  master.spawn([{ file: 'w.js' }]);
  await flush();
  expect(stub.probed).toEqual(['redis://127.0.0.1:6379', '/tmp/clustr-1000/clustr.sock']);
  expect(stub.started).toEqual(['/tmp/clustr-1000/clustr.sock']);
  expect(f.written).toEqual([expect.stringMatching(/^clustr\[master:100\]: no Redis at redis:\/\/127\.0\.0\.1:6379, so started a private redis-server \(pid 777\) on \/tmp\/clustr-1000\/clustr\.sock; it stops with the cluster\./)]);
  expect(f.children[0]!.spec.env['CLUSTR_REDIS_URL']).toBe('/tmp/clustr-1000/clustr.sock');
  expect(master.config['redis']).toBe('/tmp/clustr-1000/clustr.sock');
  expect(stub.stopped).toBe(0);
  await master.close(0);
  expect(stub.stopped).toBe(1);
  expect(f.exits).toEqual([0]);
});

test('a Redis at the default address is used as it is; CLUSTR_DEFAULT_REDIS_URL moves the default', async () => {
  const stub = stubServer(['redis://127.0.0.1:7777']);
  const f = withServer({ env: { CLUSTR_DEFAULT_REDIS_URL: 'redis://127.0.0.1:7777' } }, stub);
  const master = SrcMaster.create({ platform: f.platform });
  master.spawn([{ file: 'w.js' }]);
  await flush();
  expect(stub.probed).toEqual(['redis://127.0.0.1:7777']);
  expect(stub.started).toEqual([]);
  expect(f.written).toEqual([]);
  expect(f.children[0]!.spec.env['CLUSTR_REDIS_URL']).toBe('redis://127.0.0.1:7777');
  await master.close(0);
});

test('the private Redis of the namespace already answers: the master uses it and owns nothing', async () => {
  const stub = stubServer(['/tmp/clustr-1000/shop.sock']);
  const f = withServer({}, stub);
  const master = SrcMaster.create({ platform: f.platform, namespace: 'shop' });
  master.spawn([{ file: 'w.js' }]);
  await flush();
  expect(stub.started).toEqual([]);
  expect(f.written).toEqual([expect.stringContaining('using the private Redis another process of namespace "shop" started on /tmp/clustr-1000/shop.sock')]);
  expect(f.children[0]!.spec.env['CLUSTR_REDIS_URL']).toBe('/tmp/clustr-1000/shop.sock');
  await master.close(0);
  expect(stub.stopped).toBe(0);
});

test.each([
  ['the redis option', { redis: 'redis://db.internal:6379' }, {}],
  ['CLUSTR_REDIS_URL', {}, { CLUSTR_REDIS_URL: 'redis://db.internal:6379' }],
])('a Redis configured through %s is never probed nor replaced, even when it does not answer', async (_how, options, env) => {
  const stub = stubServer([]);
  const f = withServer({ env }, stub);
  const master = SrcMaster.create({ platform: f.platform, connectTimeout: 1_000, ...options });
  master.spawn([{ file: 'w.js' }]);
  await flush();
  expect(stub.probed).toEqual([]);
  expect(stub.started).toEqual([]);
  expect(f.children[0]!.spec.env['CLUSTR_REDIS_URL']).toBe('redis://db.internal:6379');
  await master.close(0);
});

test('no Redis and no redis-server: one line with the install hints and how to point at a Redis, CLUSTR_REDIS_SERVER_MISSING, exit 69', async () => {
  const stub = stubServer([], true);
  const f = withServer({}, stub);
  const errors: Array<[Error, ErrorContext]> = [];
  const master = SrcMaster.create({ platform: f.platform, onError: (error, context) => errors.push([error, context]) });
  master.spawn([{ file: 'w.js' }]);
  await flush();
  expect(f.children).toEqual([]);
  expect(f.written).toHaveLength(1);
  expect(f.written[0]).toMatch(/^clustr\[master:100\]: no Redis answers at redis:\/\/127\.0\.0\.1:6379 and none is configured; no redis-server program is on PATH/);
  expect(f.written[0]).toContain('apt-get install redis-server');
  expect(f.written[0]).toContain('brew install redis');
  expect(errors.map(([error]) => (error as ClustrError).code)).toEqual(['CLUSTR_REDIS_SERVER_MISSING']);
  expect(f.exits).toEqual([69]);
});

test('a worker never looks for a Redis of its own: it connects where its parent said', async () => {
  const stub = stubServer([]);
  const f = withServer({ env: { CLUSTR_PARENT_PID: '99' } }, stub);
  const worker = SrcWorker.create({ group: 'web', platform: f.platform });
  await flush();
  expect(stub.probed).toEqual([]);
  await worker.close(0);
});
