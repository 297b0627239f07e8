import { join } from 'node:path';
import { Master, isClustrError, nodePlatform } from '../../src';
import { freshNamespace, killTracked } from './harness';
import { cpusAllowed, is, startMaster, stopCluster } from './sup-helpers';

afterEach(async () => {
  await killTracked();
});

describe('supervision: what spawn() starts', () => {
  it('pins a child with cpu: 1 to CPU 1 (taskset)', async () => {
    const fx = startMaster({ batches: [[{ file: 'sup-idle.js', cpu: 1 }]] });
    const spawned = await fx.waitFor(is('spawn', { file: 'sup-idle.js' }), 'spawned');
    // taskset execs the runtime in place: the pid the master supervises is the worker itself.
    const ready = await fx.waitFor(is('ready', { pid: spawned['child'] }), 'ready');
    expect(cpusAllowed(ready.pid)).toBe('1');
    // The master is not pinned (2 cores here), so the affinity came from the spawn and not from inheritance.
    expect(cpusAllowed(fx.pid)).toBe('0-1');

    await stopCluster(fx);
  });

  it('runs a bash worker with command: "bash": prefixed output, the cluster environment, stopped with the cluster', async () => {
    const fx = startMaster({ batches: [[{ file: 'sup-bash.sh', command: 'bash', args: { mode: 'test' } }]] });
    const spawned = await fx.waitFor(is('spawn', { file: 'sup-bash.sh' }), 'spawned');
    const start = await fx.waitFor(is('bash-start'), 'bash started');
    expect(start.pid).toBe(spawned['child']);
    expect(start).toMatchObject({
      ns: fx.namespace,
      masterPid: String(fx.pid),
      parentPid: String(fx.pid),
      redis: process.env['CLUSTR_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      args: '--mode=test',
    });
    // The master forwards each line of the child's stdout, prefixed with the file name and pid.
    const raw = fx.lines.find((line) => line.includes('"ev":"bash-start"'))!;
    expect(raw.startsWith(`[sup-bash.sh ${start.pid}] @@{`)).toBe(true);

    await stopCluster(fx);
    await fx.waitFor(is('bash-stop', { pid: start.pid }), 'bash got SIGTERM');
    expect(fx.events.find(is('exit', { child: start.pid }))).toMatchObject({ code: 143, signal: null });
    expect(fx.lines).toContain(`[sup-bash.sh ${start.pid}] plain line from bash ${start.pid}`);
  });

  it('refuses a missing file with CLUSTR_SPAWN_FILE_NOT_FOUND naming the path, spawning nothing', async () => {
    const master = Master.create({ namespace: freshNamespace('sup'), platform: { ...nodePlatform(), exit: () => {} } });
    const spawned: number[] = [];
    master.onChildSpawn((child) => spawned.push(child.pid));
    const missing = join(__dirname, 'fixtures', 'sup-does-not-exist.js');
    try {
      let caught: unknown;
      try {
        // The first definition is fine: a bad one anywhere means nothing is started.
        master.spawn([{ file: join(__dirname, 'fixtures', 'sup-idle.js') }, { file: missing }]);
      } catch (error) {
        caught = error;
      }
      expect(isClustrError(caught)).toBe(true);
      expect(caught).toMatchObject({ code: 'CLUSTR_SPAWN_FILE_NOT_FOUND', field: 'definitions[1].file' });
      expect((caught as Error).message).toContain(missing);
    } finally {
      await master.close();
    }
    expect(master.status).toBe('closed');
    expect(spawned).toEqual([]);
  });
});
