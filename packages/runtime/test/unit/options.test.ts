// Construction: Worker.create's group and name rules, option validation, config from options and argv,
// and what a spawned process is handed. The checks and the argv functions on their own:
// option-checks.test.ts, config.test.ts, redis-target.test.ts.
import { Type } from '@sinclair/typebox';
import { createTestCluster, type TestCluster } from '@clustr/testkit';
import { ClustrError } from '@clustr/protocol';
import type { MasterOptions, WorkerOptions } from '@clustr/runtime';
import { Master, Worker } from '../../src';
import { argOf, thrown } from './helpers';

let cluster: TestCluster;
beforeEach(() => {
  cluster = createTestCluster({ clock: 'manual' });
});
afterEach(() => cluster.close());

describe('Worker.create', () => {
  test.each([
    ['no group', {}, 'CLUSTR_MISSING_GROUP'],
    ['an empty group', { group: '' }, 'CLUSTR_MISSING_GROUP'],
    ['a null group', { group: null }, 'CLUSTR_MISSING_GROUP'],
    ['group "master"', { group: 'master' }, 'CLUSTR_RESERVED_GROUP'],
    ['a group with a colon', { group: 'web:1' }, 'CLUSTR_INVALID_NAME'],
    ['a group with a glob', { group: 'web*' }, 'CLUSTR_INVALID_NAME'],
    ['a non-string group', { group: 7 }, 'CLUSTR_INVALID_NAME'],
  ])('with %s throws %s naming group', (_label, options, code) => {
    const error = thrown(() => cluster.createWorker(options as WorkerOptions));
    expect(error).toBeInstanceOf(ClustrError);
    expect(error).toMatchObject({ code, field: 'group' });
  });

  test('without any options throws CLUSTR_MISSING_GROUP', () => {
    expect(thrown(() => Worker.create(undefined as never))).toMatchObject({ code: 'CLUSTR_MISSING_GROUP', field: 'group' });
  });

  test.each(['', 'a:b', 'with space', '-leading', 'x'.repeat(65), 'glob?'])('with namespace %p throws CLUSTR_INVALID_NAME naming namespace', (namespace) => {
    expect(thrown(() => cluster.createWorker({ group: 'web', namespace }))).toMatchObject({ code: 'CLUSTR_INVALID_NAME', field: 'namespace' });
    expect(thrown(() => cluster.createMaster({ namespace }))).toMatchObject({ code: 'CLUSTR_INVALID_NAME', field: 'namespace' });
  });

  test('takes namespace from the environment and group from its options', () => {
    const w = cluster.createWorker({ group: 'web.v2' }, { pid: 77, masterPid: 66 });
    expect(w.namespace).toBe(cluster.namespace);
    expect(w.group).toBe('web.v2');
    expect(w.parentPid).toBe(77);
    expect(w.masterPid).toBe(66);
    expect(w.status).toBe('running');
  });
});

describe('option validation', () => {
  const invalid: Array<[string, Partial<MasterOptions>, string]> = [
    ['reloadDelay -1', { reloadDelay: -1 }, 'reloadDelay'],
    ['reloadDelay 1.5', { reloadDelay: 1.5 }, 'reloadDelay'],
    ['reloadDelay "5"', { reloadDelay: '5' as never }, 'reloadDelay'],
    ['killTimeout -1', { killTimeout: -1 }, 'killTimeout'],
    ['killTimeout true', { killTimeout: true as never }, 'killTimeout'],
    ['stopTimeout NaN', { stopTimeout: Number.NaN }, 'stopTimeout'],
    ['clusterInfoTimeout Infinity', { clusterInfoTimeout: Number.POSITIVE_INFINITY }, 'clusterInfoTimeout'],
    ['restart.factor 0.5', { restart: { factor: 0.5 } }, 'restart.factor'],
    ['restart.maxRestarts -1', { restart: { maxRestarts: -1 } }, 'restart.maxRestarts'],
    ['restart.window 0', { restart: { window: 0 } }, 'restart.window'],
    ['restart.maxDelay 0', { restart: { maxDelay: 0 } }, 'restart.maxDelay'],
    ['restart.initialDelay "1"', { restart: { initialDelay: '1' as never } }, 'restart.initialDelay'],
    ['messages.public not a schema', { messages: { public: { type: 'no-such-type' } as never } }, 'messages.public'],
  ];
  test.each(invalid)('%s throws CLUSTR_INVALID_OPTION naming the field', (_label, options, field) => {
    const error = thrown(() => cluster.createMaster(options));
    expect(error).toBeInstanceOf(ClustrError);
    expect(error).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field });
    expect((error as Error).message).toContain(field);
  });

  test('options that are not an object throw CLUSTR_INVALID_OPTION', () => {
    expect(thrown(() => Master.create(null as never))).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'options' });
  });

  test('a too small maxFrameBytes is refused, naming maxFrameBytes', () => {
    expect(thrown(() => cluster.createMaster({ maxFrameBytes: 10 }))).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'maxFrameBytes' });
    expect(thrown(() => cluster.createWorker({ group: 'web', maxFrameBytes: 100.5 }))).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'maxFrameBytes' });
  });

  test('an invalid option opens no Redis connection and subscribes to nothing', async () => {
    for (const options of [{ restart: { factor: 0 } }, { maxFrameBytes: 1 }, { reloadDelay: -1 }, { messages: { group: { type: 'nope' } as never } }]) {
      expect(thrown(() => cluster.createMaster(options))).toMatchObject({ code: 'CLUSTR_INVALID_OPTION' });
      expect(thrown(() => cluster.createWorker({ group: 'web', ...options }))).toMatchObject({ code: 'CLUSTR_INVALID_OPTION' });
    }
    await cluster.settle();
    expect(cluster.server.connectionCount).toBe(0);
    expect(cluster.server.channels()).toEqual([]);
  });

  test('boundary values are accepted: 0 delays, killTimeout false, restart.maxRestarts 0, factor 1', () => {
    const master = cluster.createMaster({ reloadDelay: 0, killTimeout: false, stopTimeout: 0, clusterInfoTimeout: 0, restart: { maxRestarts: 0, factor: 1, initialDelay: 0 } });
    expect(master.status).toBe('running');
  });
});

describe('config', () => {
  test('is the options and the user own config merged with argv: --port=3000 gives 3000; yargs keys and object options are left out', () => {
    const master = cluster.createMaster({ reloadDelay: 7, messages: { public: Type.String() }, restart: { factor: 3 }, onError: () => undefined, config: { port: 80, name: 'a' } }, [
      '--port=3000',
      '--flag',
      '--cluster-region=eu',
      'positional',
    ]);
    // The Redis URL is shown (its password never is; see the options tests).
    expect(master.config).toEqual({ reloadDelay: 7, redis: 'redis://127.0.0.1:6379', name: 'a', port: 3000, flag: true, 'cluster-region': 'eu', clusterRegion: 'eu' });
    expect(master.config).not.toHaveProperty('_');
    expect(master.config).not.toHaveProperty('$0');
  });

  test('--cluster-* args reach grandchildren through spawn; plain args reach only the child they are given to', async () => {
    const configs = new Map<string, Readonly<Record<string, unknown>>>();
    cluster.program('child.js', (ctx) => {
      const w = ctx.createWorker({ group: 'child', reloadDelay: 0 });
      configs.set('child', w.config);
      w.spawn([{ file: 'grandchild.js', args: { leaf: 1 } }]);
    });
    cluster.program('grandchild.js', (ctx) => {
      configs.set('grandchild', ctx.createWorker({ group: 'grandchild' }).config);
    });
    const master = cluster.createMaster({}, ['--cluster-region=eu', '--plain=1']);
    master.spawn([{ file: 'child.js', args: { own: 'a', 'cluster-tier': 'gold' } }]);
    await cluster.until(() => configs.size === 2);

    const [, child, grandchild] = cluster.processes;
    expect(child!.argv).toEqual(['--cluster-region=eu', '--cluster-tier=gold', '--own=a']);
    expect(grandchild!.argv).toEqual(['--cluster-region=eu', '--cluster-tier=gold', '--leaf=1']);
    expect(configs.get('child')).toMatchObject({ 'cluster-region': 'eu', 'cluster-tier': 'gold', own: 'a' });
    expect(configs.get('child')).not.toHaveProperty('plain');
    expect(configs.get('grandchild')).toMatchObject({ 'cluster-region': 'eu', 'cluster-tier': 'gold', leaf: 1 });
    expect(configs.get('grandchild')).not.toHaveProperty('own');
    expect(configs.get('grandchild')).not.toHaveProperty('plain');

    // The cluster identity goes down through the environment.
    expect(grandchild!.env).toMatchObject({ CLUSTR_MASTER_PID: String(master.pid), CLUSTR_PARENT_PID: String(child!.pid), CLUSTR_NAMESPACE: cluster.namespace });
  });

  test('dotted --cluster-* args keep their type in every descendant: an object stays an object', async () => {
    const configs = new Map<string, Readonly<Record<string, unknown>>>();
    cluster.program('child.js', (ctx) => {
      const w = ctx.createWorker({ group: 'child', reloadDelay: 0 });
      configs.set('child', w.config);
      w.spawn([{ file: 'grandchild.js', args: { 'cluster-cache.ttl': 30 } }]);
    });
    cluster.program('grandchild.js', (ctx) => {
      configs.set('grandchild', ctx.createWorker({ group: 'grandchild' }).config);
    });
    const master = cluster.createMaster({}, ['--cluster-db.host=h1', '--cluster-db.port=5432', '--cluster-db.tls=true', '--cluster-db.pool.max=8']);
    master.spawn([{ file: 'child.js' }]);
    await cluster.until(() => configs.size === 2);

    const db = { host: 'h1', port: 5432, tls: true, pool: { max: 8 } };
    expect(master.config['cluster-db']).toEqual(db);
    expect(configs.get('child')!['cluster-db']).toEqual(db);
    expect(configs.get('grandchild')!['cluster-db']).toEqual(db);
    expect(configs.get('grandchild')!['cluster-cache']).toEqual({ ttl: 30 });
    expect(cluster.processes[1]!.argv).toEqual(['--cluster-db.host=h1', '--cluster-db.port=5432', '--cluster-db.tls=true', '--cluster-db.pool.max=8']);
  });

  test('a definition can override an inherited --cluster-* value for its subtree', async () => {
    cluster.program('child.js', () => undefined);
    const master = cluster.createMaster({}, ['--cluster-region=eu']);
    master.spawn([{ file: 'child.js', args: { 'cluster-region': 'us' } }]);
    await cluster.settle();
    expect(cluster.processes[1]!.argv).toEqual(['--cluster-region=us']);
  });

  test('spawn definition args are rendered as --key=value, env is added to the child environment', async () => {
    cluster.program('child.js', () => undefined);
    const master = cluster.createMaster();
    master.spawn([{ file: 'child.js', args: { port: 3000, verbose: true, off: false, name: 'a b' }, env: { EXTRA: 'yes', CLUSTR_MASTER_PID: 'overridden?' } }]);
    await cluster.settle();
    const child = cluster.processes[1]!;
    expect(child.argv).toEqual(['--port=3000', '--verbose=true', '--off=false', '--name=a b']);
    expect(argOf(child.argv, 'name')).toBe('a b');
    // The cluster identity wins over a definition's env.
    expect(child.env).toMatchObject({ EXTRA: 'yes', CLUSTR_MASTER_PID: String(master.pid), CLUSTR_PARENT_PID: String(master.pid) });
  });

  test('boolean spawn args arrive as booleans, so --cluster-verbose makes every descendant log JSON lines on stderr', async () => {
    const configs = new Map<number, Readonly<Record<string, unknown>>>();
    cluster.program('child.js', (ctx) => {
      const w = ctx.createWorker({ group: 'child', reloadDelay: 0 });
      configs.set(ctx.pid, w.config);
      if (argOf(ctx.argv, 'leaf') === undefined) w.spawn([{ file: 'child.js', args: { leaf: true, off: false } }]);
      void w.emitReady();
    });
    const master = cluster.createMaster({ reloadDelay: 0 }, ['--cluster-verbose']);
    master.spawn([{ file: 'child.js' }]);
    await cluster.until(() => master.clusterInfo['child']?.length === 2);
    const [, child, grandchild] = cluster.processes;
    expect(configs.get(grandchild!.pid)).toMatchObject({ 'cluster-verbose': true, leaf: true, off: false });
    for (const p of [master.pid, child!.pid, grandchild!.pid]) {
      const lines = cluster.output.filter((o) => o.pid === p && o.stream === 'stderr').map((o) => JSON.parse(o.text) as Record<string, unknown>);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.some((line) => line['event'] === 'process.state' || line['event'] === 'worker.ready' || line['event'] === 'cluster.started')).toBe(true);
    }
  });

  test('--verbose alone makes only the master log', async () => {
    cluster.program('child.js', (ctx) => void ctx.createWorker({ group: 'child', reloadDelay: 0 }).emitReady());
    const master = cluster.createMaster({ reloadDelay: 0 }, ['--verbose']);
    master.spawn([{ file: 'child.js' }]);
    await cluster.until(() => master.clusterInfo['child']?.length === 1);
    expect(new Set(cluster.output.map((o) => o.pid))).toEqual(new Set([master.pid]));
  });
});

describe('what children are handed', () => {
  test('a process given a URL while its parent handed down options passes on the URL only: its children never connect by the stale options', async () => {
    cluster.program('parent.js', (ctx) => {
      const worker = ctx.createWorker({ group: 'parents', redis: 'redis://127.0.0.1:6379/0' });
      worker.spawn([{ file: 'leaf.js' }]);
      void worker.emitReady();
    });
    cluster.program('leaf.js', (ctx) => void ctx.createWorker({ group: 'leaves' }).emitReady());
    const master = cluster.createMaster({ redis: { host: '127.0.0.1', port: 6379 } });
    master.spawn([{ file: 'parent.js' }]);
    await cluster.until(() => master.clusterInfo['leaves']?.length === 1);
    const parent = cluster.process(master.clusterInfo['parents']![0]!);
    const leaf = cluster.process(master.clusterInfo['leaves']![0]!);
    expect(parent.env['CLUSTR_REDIS_OPTIONS']).toBe(JSON.stringify({ host: '127.0.0.1', port: 6379 }));
    expect(parent.env).not.toHaveProperty('CLUSTR_REDIS_URL');
    expect(leaf.env['CLUSTR_REDIS_URL']).toBe('redis://127.0.0.1:6379/0');
    expect(leaf.env).not.toHaveProperty('CLUSTR_REDIS_OPTIONS');
  });
});
