// TestCluster: simulated processes, signals, timers and teardown.
import { createConnection } from 'node:net';
import type { SpawnSpec } from '@clustr/runtime';
import { createTestCluster, type ProgramContext, type TestCluster } from '../../src';

let cluster: TestCluster;
beforeEach(() => {
  cluster = createTestCluster({ clock: 'manual' });
});
afterEach(() => cluster.close());

function spec(overrides: Partial<SpawnSpec> & Pick<SpawnSpec, 'args'>): SpawnSpec {
  return { command: '/usr/bin/node', env: {}, cwd: '/app', ipc: true, inheritFds: [], output: 'prefix', label: 'x', ...overrides };
}

/** Starts `file` as a child of the process `parent` through its platform, as the supervisor would. */
function spawnFrom(parent: ProgramContext, file: string, args: string[] = []) {
  return parent.platform.spawn(spec({ args: [`/app/${file}`, ...args] }));
}

/** A bare simulated process (a program that does nothing) whose context the test can use. */
async function bare(): Promise<ProgramContext> {
  let context: ProgramContext | undefined;
  cluster.program('bare.js', (ctx) => {
    context = ctx;
  });
  const master = cluster.createMaster();
  master.spawn([{ file: 'bare.js' }]);
  await cluster.until(() => context !== undefined);
  return context!;
}

describe('time', () => {
  test('advance() fires due timers of every process in time order and lands exactly on the target', async () => {
    const fired: string[] = [];
    cluster.program('a.js', (ctx) => {
      ctx.platform.clock.setTimeout(() => fired.push(`a@${cluster.clock.now() - start}`), 30);
      ctx.platform.clock.setTimeout(() => fired.push(`a@${cluster.clock.now() - start}`), 10);
    });
    cluster.program('b.js', (ctx) => {
      ctx.platform.clock.setTimeout(() => fired.push(`b@${cluster.clock.now() - start}`), 20);
      ctx.platform.clock.setTimeout(() => fired.push(`b@${cluster.clock.now() - start}`), 40);
    });
    const start = cluster.clock.now();
    const master = cluster.createMaster();
    master.spawn([{ file: 'a.js' }, { file: 'b.js' }]);
    await cluster.settle();
    await cluster.advance(35);
    expect(fired).toEqual(['a@10', 'b@20', 'a@30']);
    expect(cluster.clock.now()).toBe(start + 35);
    await cluster.advance(5);
    expect(fired).toEqual(['a@10', 'b@20', 'a@30', 'b@40']);
  });

  test('promise chains started by a timer run before the next timer fires', async () => {
    const order: string[] = [];
    const view = cluster.clock.view();
    view.setTimeout(() => {
      order.push('t1');
      void Promise.resolve()
        .then(() => undefined)
        .then(() => order.push('t1 chain'));
    }, 10);
    view.setTimeout(() => order.push('t2'), 10);
    await cluster.advance(10);
    expect(order).toEqual(['t1', 't1 chain', 't2']);
  });

  test('until() moves time only as far as needed, and throws when the condition cannot become true', async () => {
    let done = false;
    cluster.clock.view().setTimeout(() => (done = true), 700);
    cluster.clock.view().setTimeout(() => undefined, 5_000);
    const start = cluster.clock.now();
    await cluster.until(() => done);
    expect(cluster.clock.now()).toBe(start + 700);
    await expect(cluster.until(() => false, 1_000)).rejects.toThrow(/still false after 1000 ms .*next timer too late/);
    await cluster.advance(10_000);
    await expect(cluster.until(() => false)).rejects.toThrow(/no timers pending/);
    await expect(cluster.until(() => true)).resolves.toBeUndefined();
  });

  test('FakeRedis delays follow the manual clock', async () => {
    const a = cluster.createWorker({ group: 'a' });
    const b = cluster.createWorker({ group: 'b' });
    const got: unknown[] = [];
    b.onPublic(({ data }) => got.push(data));
    await cluster.settle();
    cluster.server.delayChannel(`${cluster.namespace}:public`, 100);
    await a.emitPublic('slow');
    await cluster.advance(99);
    expect(got).toEqual([]);
    await cluster.advance(1);
    expect(got).toEqual(['slow']);
  });
});

describe('processes and signals', () => {
  test('a signal with no handler takes the default action: the process dies by it', async () => {
    const ctx = await bare();
    expect(cluster.signal(ctx.pid, 'SIGTERM')).toBe(true);
    expect(cluster.process(ctx.pid).state).toBe('running'); // delivered asynchronously, like a real signal
    await cluster.settle();
    expect(cluster.process(ctx.pid).state).toBe('exited');
    expect(cluster.process(ctx.pid).exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(cluster.signal(ctx.pid, 'SIGTERM')).toBe(false);
    expect(cluster.signal(424_242, 'SIGKILL')).toBe(false);
  });

  test('SIGHUP and SIGINT without a handler kill too; with a handler the handler runs instead', async () => {
    const ctx = await bare();
    const calls: string[] = [];
    const remove = ctx.platform.onSignal('SIGHUP', () => calls.push('hup'));
    cluster.signal(ctx.pid, 'SIGHUP');
    await cluster.settle();
    expect(calls).toEqual(['hup']);
    expect(cluster.process(ctx.pid).state).toBe('running');
    remove();
    cluster.signal(ctx.pid, 'SIGHUP');
    await cluster.settle();
    expect(cluster.process(ctx.pid).exit).toEqual({ code: null, signal: 'SIGHUP' });
  });

  test('SIGKILL ends a process at once, whatever its handlers, and cancels its timers only', async () => {
    const ctx = await bare();
    const fired: string[] = [];
    ctx.platform.onSignal('SIGTERM', () => fired.push('handler'));
    ctx.platform.clock.setTimeout(() => fired.push('victim timer'), 100);
    ctx.platform.clock.setTimeout(() => fired.push('victim timer 2'), 200);
    cluster.clock.view().setTimeout(() => fired.push('other timer'), 100);
    const pending = cluster.clock.pending;
    expect(cluster.signal(ctx.pid, 'SIGKILL')).toBe(true);
    expect(cluster.process(ctx.pid).exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(cluster.clock.pending).toBe(pending - 2);
    await cluster.advance(1_000);
    expect(fired).toEqual(['other timer']);
  });

  test('a parent hears its child exit, watchers hear the parent die, and a dead parent hears nothing', async () => {
    const ctx = await bare();
    const contexts: ProgramContext[] = [];
    cluster.program('child.js', (c) => {
      contexts.push(c);
    });
    const first = spawnFrom(ctx, 'child.js', ['--x=1']);
    const second = spawnFrom(ctx, 'child.js');
    await cluster.settle();
    expect(contexts.map((c) => [c.pid, c.parentPid, c.argv])).toEqual([
      [first.pid, ctx.pid, ['--x=1']],
      [second.pid, ctx.pid, []],
    ]);
    const exits: Array<[number, unknown]> = [];
    first.onExit((exit) => exits.push([first.pid, exit]));
    second.onExit((exit) => exits.push([second.pid, exit]));
    expect(first.kill('SIGTERM')).toBe(true);
    await cluster.settle();
    expect(exits).toEqual([[first.pid, { code: null, signal: 'SIGTERM' }]]);
    // A listener added after the exit still hears it; a dead child cannot be signalled.
    first.onExit((exit) => exits.push([first.pid, exit]));
    expect(exits).toHaveLength(2);
    expect(first.kill('SIGTERM')).toBe(false);

    let parentGone = 0;
    contexts[1]!.platform.watchParent(ctx.pid, () => parentGone++);
    contexts[1]!.platform.watchParent(ctx.pid, () => parentGone++)();
    ctx.platform.exit(3);
    expect(cluster.process(ctx.pid).exit).toEqual({ code: 3, signal: null });
    await cluster.settle();
    expect(parentGone).toBe(1);
    // The orphan is told, not killed; when it dies later, its dead parent hears nothing.
    expect(cluster.process(second.pid).state).toBe('running');
    second.kill('SIGKILL');
    await cluster.settle();
    expect(exits).toHaveLength(2);
  });

  test('a dead process cannot set timers, and its supervisor does not respawn what dies after it', async () => {
    const ctx = await bare();
    ctx.platform.exit(0);
    const pending = cluster.clock.pending;
    ctx.platform.clock.setTimeout(() => undefined, 10);
    expect(cluster.clock.pending).toBe(pending);

    cluster.program('w.js', (c) => {
      const w = c.createWorker({ group: 'web', reloadDelay: 0 });
      w.spawn([{ file: 'leaf.js' }]);
    });
    cluster.program('leaf.js', () => undefined);
    const master = cluster.createMaster();
    master.spawn([{ file: 'w.js' }]);
    await cluster.until(() => cluster.processes.some((p) => p.file === '/app/leaf.js'));
    const w = cluster.processes.find((p) => p.file === '/app/w.js')!;
    const leaf = cluster.processes.find((p) => p.file === '/app/leaf.js')!;
    cluster.signal(w.pid, 'SIGKILL');
    cluster.signal(leaf.pid, 'SIGKILL');
    const count = cluster.processes.length;
    await cluster.advance(60_000);
    // The master respawns w.js (which starts a new leaf); the dead w.js restarts nothing.
    expect(cluster.processes.filter((p) => p.parentPid === w.pid)).toEqual([leaf]);
    expect(cluster.processes.length).toBe(count + 2);
  });

  test('spawn: a program that throws exits 1 and its stack goes to stderr; a file with no program exits 127', async () => {
    const ctx = await bare();
    cluster.program('throws.js', () => {
      throw new Error('bad start');
    });
    const thrower = spawnFrom(ctx, 'throws.js');
    const nothing = ctx.platform.spawn(spec({ args: ['/app/not-a-program.js'] }));
    await cluster.settle();
    expect(cluster.process(thrower.pid).exit).toEqual({ code: 1, signal: null });
    expect(cluster.output.filter((o) => o.pid === thrower.pid)).toEqual([{ pid: thrower.pid, stream: 'stderr', text: expect.stringContaining('bad start') }]);
    expect(cluster.process(nothing.pid).exit).toEqual({ code: 127, signal: null });
  });

  test('taskset -c <cpu> is unwrapped: the process records its cpu, file and args', async () => {
    const ctx = await bare();
    cluster.program('pinned.js', () => undefined);
    const child = ctx.platform.spawn(spec({ command: 'taskset', args: ['-c', '1', '/usr/bin/node', '/app/pinned.js', '--a=1'] }));
    await cluster.settle();
    expect(cluster.process(child.pid)).toMatchObject({ cpu: 1, file: '/app/pinned.js', argv: ['--a=1'], state: 'running' });
  });

  test('the platform answers what the simulated machine has', async () => {
    const custom = createTestCluster({ clock: 'manual', cpus: 8, executables: ['node'], baseDir: '/srv', firstPid: 50, namespace: 'mine' });
    let ctx: ProgramContext | undefined;
    custom.program('p.js', (c) => {
      ctx = c;
    });
    const master = custom.createMaster({}, ['--flag=1']);
    expect(master.pid).toBe(50);
    expect(master.namespace).toBe('mine');
    expect(custom.process(50).argv).toEqual(['--flag=1']);
    master.spawn([{ file: 'p.js' }]);
    await custom.until(() => ctx !== undefined);
    expect(ctx!.pid).toBe(51);
    expect(ctx!.platform.cpuCount()).toBe(8);
    expect(ctx!.platform.findExecutable('node')).toBe('/usr/bin/node');
    expect(ctx!.platform.findExecutable('taskset')).toBeUndefined();
    expect(ctx!.platform.fileExists('/srv/p.js')).toBe(true);
    expect(ctx!.platform.fileExists('/app/p.js')).toBe(false);
    expect(ctx!.platform.signalPid(50, 0)).toBe(true);
    expect(ctx!.platform.signalPid(999, 0)).toBe(false);
    ctx!.platform.write('stdout', 'hello\n');
    expect(custom.output).toContainEqual({ pid: 51, stream: 'stdout', text: 'hello\n' });
    expect(ctx!.env).toMatchObject({ CLUSTR_NAMESPACE: 'mine', CLUSTR_MASTER_PID: '50', CLUSTR_PARENT_PID: '50' });
    await custom.close();
  });

  test('each cluster gets its own namespace', () => {
    expect(createTestCluster().namespace).not.toBe(createTestCluster().namespace);
  });

  test('process() and worker() name what is missing', async () => {
    expect(() => cluster.process(99)).toThrow('no simulated process with pid 99');
    const ctx = await bare();
    expect(() => cluster.worker(ctx.pid)).toThrow(`pid ${ctx.pid} runs no Worker`);
    const w = cluster.createWorker({ group: 'g' }, { pid: 7, masterPid: 6 });
    expect(cluster.worker(w.pid)).toBe(w);
    expect(cluster.process(w.pid)).toMatchObject({ parentPid: 7, env: { CLUSTR_PARENT_PID: '7', CLUSTR_MASTER_PID: '6', CLUSTR_NAMESPACE: cluster.namespace } });
  });
});

describe('close()', () => {
  test('leaves no running process and no Redis connection, and can be called again', async () => {
    cluster.program('w.js', (ctx) => {
      const w = ctx.createWorker({ group: 'web', reloadDelay: 0 });
      w.spawn([{ file: 'leaf.js' }]);
      void w.emitReady();
    });
    cluster.program('leaf.js', (ctx) => void ctx.createWorker({ group: 'leaf', reloadDelay: 0 }).emitReady());
    const master = cluster.createMaster({ reloadDelay: 0 });
    master.spawn([{ file: 'w.js' }, { file: 'w.js' }]);
    await cluster.until(() => master.clusterInfo['leaf']?.length === 2);
    expect(cluster.alivePids()).toHaveLength(5);
    expect(cluster.server.connectionCount).toBeGreaterThan(0);
    await cluster.close();
    expect(cluster.alivePids()).toEqual([]);
    expect(cluster.processes.every((p) => p.exit !== undefined)).toBe(true);
    expect(cluster.server.connectionCount).toBe(0);
    // Nothing respawns afterwards: the timers of dead processes are gone.
    await cluster.advance(60_000);
    expect(cluster.alivePids()).toEqual([]);
    await cluster.close();
  });
});

describe('a shared socket', () => {
  test("master.listen() binds a real socket that listens before the first child starts; simulated time waits for it", async () => {
    let timerFiredBeforeSpawn = false;
    const spawnedWhileListening: boolean[] = [];
    cluster.program('idle.js', () => undefined);
    const master = cluster.createMaster();
    const { port, listening } = master.listen({ port: 0, distribution: 'shared' });
    let listened = false;
    void listening.then(() => (listened = true));
    master.onChildSpawn(() => spawnedWhileListening.push(listened));
    // A simulated timer due at once: until() must not fire it while the real listen is under way.
    master.spawn([{ file: 'idle.js' }]);
    cluster.clock.view().setTimeout(() => (timerFiredBeforeSpawn = spawnedWhileListening.length === 0), 1);
    await cluster.until(() => spawnedWhileListening.length === 1);
    expect(spawnedWhileListening).toEqual([true]);
    expect(timerFiredBeforeSpawn).toBe(false);
    // Listening for real: a client's connection waits in the kernel's queue.
    await new Promise<void>((resolve, reject) => {
      const socket = createConnection(port, '127.0.0.1', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', reject);
    });
    const closed = master.close(0);
    await cluster.until(() => cluster.process(master.pid).state === 'exited');
    await closed;
  });
});
