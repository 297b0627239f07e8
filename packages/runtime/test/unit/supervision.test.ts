// Spawning and supervision on the manual clock: respawn rules, exact backoff, give-up, the sliding window.
import { createTestCluster, type TestCluster } from '@clustr/testkit';
import { ClustrError } from '@clustr/protocol';
import type { ChildExitInfo, ChildGiveUpInfo, ChildSpawnInfo, Master, RestartPolicy, SpawnDefinition } from '@clustr/runtime';
import { Master as SrcMaster, Worker as SrcWorker } from '../../src';
import { argOf, recordingLogger, thrown, type RecordingLogger } from './helpers';
import { advance, fakePlatform, flush, type FakeChild } from './fake-platform';
import mitt from 'mitt';
import { DEFAULT_RESTART_POLICY, Supervisor, validateRestartPolicy, type Slot } from '../../src/supervision/supervisor';
import type { RuntimeEvents } from '../../src/process/events';
import type { ChildExit, IpcMessage, Platform } from '../../src/platform/platform';

interface Supervised {
  cluster: TestCluster;
  master: Master;
  logger: RecordingLogger;
  spawns: Array<ChildSpawnInfo & { at: number }>;
  exits: Array<ChildExitInfo & { at: number }>;
  gaveUp: Array<ChildGiveUpInfo & { at: number }>;
  /** Clock time of the first spawn. */
  t0: () => number;
}

/** A master whose children are `crash.js --code=N` (exits at once) or `idle.js` (a worker that stays up). */
function supervise(restart: RestartPolicy = {}, clusterOptions: Parameters<typeof createTestCluster>[0] = {}): Supervised {
  const cluster = createTestCluster({ clock: 'manual', ...clusterOptions });
  cluster.program('crash.js', (ctx) => ctx.platform.exit(Number(argOf(ctx.argv, 'code') ?? 1)));
  cluster.program('idle.js', (ctx) => void ctx.createWorker({ group: 'idle', reloadDelay: 0 }).emitReady());
  cluster.program('script.sh', () => undefined);
  const logger = recordingLogger();
  const master = cluster.createMaster({ reloadDelay: 0, logger, restart });
  const s: Supervised = { cluster, master, logger, spawns: [], exits: [], gaveUp: [], t0: () => s.spawns[0]!.at };
  master.onChildSpawn((info) => s.spawns.push({ ...info, at: cluster.clock.now() }));
  master.onChildExit((info) => s.exits.push({ ...info, at: cluster.clock.now() }));
  master.onChildGaveUp((info) => s.gaveUp.push({ ...info, at: cluster.clock.now() }));
  return s;
}

describe('respawn rules', () => {
  test('a child that exits non-zero is respawned; one that exits 0 is not', async () => {
    const s = supervise({ initialDelay: 50 });
    s.master.spawn([{ file: 'crash.js', args: { code: 0 } }]);
    await s.cluster.advance(60_000);
    expect(s.spawns.map((e) => e.respawn)).toEqual([false]);
    expect(s.exits).toEqual([{ slot: 1, pid: s.spawns[0]!.pid, file: '/app/crash.js', code: 0, signal: null, at: s.t0() }]);
    expect(s.logger.events('child.backoff')).toEqual([]);
    expect(s.master.stats).toMatchObject({ spawnChildProcess: 1, respawnChildProcess: 0, giveUpChildProcess: 0 });
    await s.cluster.close();
  });

  test('respawn: false leaves a crashed child dead', async () => {
    const s = supervise({ initialDelay: 50 });
    s.master.spawn([{ file: 'crash.js', args: { code: 2 }, respawn: false }]);
    await s.cluster.advance(60_000);
    expect(s.spawns).toHaveLength(1);
    expect(s.exits.map((e) => e.code)).toEqual([2]);
    expect(s.cluster.alivePids()).toEqual([s.master.pid]);
    await s.cluster.close();
  });

  test('a child killed by a signal is respawned in the same slot, after initialDelay', async () => {
    const s = supervise({ initialDelay: 250 });
    s.master.spawn([{ file: 'idle.js' }]);
    await s.cluster.until(() => s.master.clusterInfo['idle']?.length === 1);
    const first = s.spawns[0]!;
    s.cluster.signal(first.pid, 'SIGKILL');
    await s.cluster.settle();
    const killedAt = s.cluster.clock.now();
    expect(s.exits).toEqual([{ slot: 1, pid: first.pid, file: '/app/idle.js', code: null, signal: 'SIGKILL', at: killedAt }]);
    await s.cluster.advance(249);
    expect(s.spawns).toHaveLength(1);
    await s.cluster.advance(1);
    expect(s.spawns).toEqual([first, { slot: 1, pid: expect.any(Number), file: '/app/idle.js', respawn: true, at: killedAt + 250 }]);
    expect(s.spawns[1]!.pid).not.toBe(first.pid);
    expect(s.logger.events('child.respawn')).toHaveLength(1);
    await s.cluster.until(() => s.master.clusterInfo['idle']?.[0] === s.spawns[1]!.pid);
    await s.cluster.close();
  });
});

test('child listeners: a removed one is not called, a throwing one is reported and does not stop the others', async () => {
  const s = supervise({ maxRestarts: 0 });
  const calls: string[] = [];
  const offSpawn = s.master.onChildSpawn(() => calls.push('removed spawn'));
  const offExit = s.master.onChildExit(() => calls.push('removed exit'));
  const offGaveUp = s.master.onChildGaveUp(() => calls.push('removed gave up'));
  offSpawn();
  offExit();
  offGaveUp();
  for (const on of [s.master.onChildSpawn.bind(s.master), s.master.onChildExit.bind(s.master), s.master.onChildGaveUp.bind(s.master)]) {
    on(() => {
      throw new Error('listener bug');
    });
  }
  s.master.onChildSpawn(() => calls.push('spawn'));
  s.master.onChildExit(() => calls.push('exit'));
  s.master.onChildGaveUp(() => calls.push('gave up'));
  s.master.spawn([{ file: 'crash.js' }]);
  await s.cluster.advance(1_000);
  expect(calls).toEqual(['spawn', 'exit', 'gave up']);
  expect(s.master.stats.listenerErrors).toBe(3);
  await s.cluster.close();
});

describe('backoff and give-up', () => {
  test('delays are exactly initialDelay * factor^n, capped at maxDelay; after maxRestarts within the window it gives up', async () => {
    const s = supervise({ initialDelay: 100, factor: 2, maxDelay: 1_000, maxRestarts: 6, window: 60_000 });
    s.master.spawn([{ file: 'crash.js', args: { code: 3 } }]);
    await s.cluster.until(() => s.gaveUp.length === 1);

    const delays = [100, 200, 400, 800, 1_000, 1_000];
    expect(s.logger.events('child.backoff').map((f) => f['delayMs'])).toEqual(delays);
    const expectedTimes = delays.reduce<number[]>((times, delay) => [...times, times[times.length - 1]! + delay], [0]);
    expect(s.spawns.map((e) => e.at - s.t0())).toEqual(expectedTimes);
    expect(s.spawns.map((e) => e.respawn)).toEqual([false, true, true, true, true, true, true]);
    expect(new Set(s.spawns.map((e) => e.slot))).toEqual(new Set([1]));
    expect(new Set(s.spawns.map((e) => e.pid)).size).toBe(7);
    expect(s.exits.map((e) => e.code)).toEqual(Array(7).fill(3));

    const last = s.spawns[6]!;
    expect(s.gaveUp).toEqual([{ slot: 1, pid: last.pid, file: '/app/crash.js', restarts: 6, windowMs: 60_000, at: last.at }]);
    expect(s.master.stats).toMatchObject({ spawnChildProcess: 1, respawnChildProcess: 6, giveUpChildProcess: 1 });
    const giveUp = s.logger.records.filter((r) => r.fields.event === 'child.giveup');
    expect(giveUp).toEqual([
      { level: 'error', fields: { event: 'child.giveup', slot: 1, pid: last.pid, file: '/app/crash.js', restarts: 6, windowMs: 60_000 }, msg: expect.stringContaining('crash.js') },
    ]);

    // Given up means given up: no more spawns, ever.
    await s.cluster.advance(10 * 60_000);
    expect(s.spawns).toHaveLength(7);
    expect(s.cluster.alivePids()).toEqual([s.master.pid]);
    await s.cluster.close();
  });

  test('the default policy: 100 ms doubling, capped at 10 s', async () => {
    const s = supervise();
    s.master.spawn([{ file: 'crash.js' }]);
    await s.cluster.until(() => s.spawns.length === 11);
    expect(s.logger.events('child.backoff').slice(0, 10).map((f) => f['delayMs'])).toEqual([100, 200, 400, 800, 1_600, 3_200, 6_400, 10_000, 10_000, 10_000]);
    await s.cluster.close();
  });

  // The ten restarts of the default policy span 42.7 s of backoff, inside the 60 s window, so a
  // child that crashes at start is given up instead of restarted forever.
  test('the default policy gives up on a child that crashes at start', async () => {
    const s = supervise();
    s.master.spawn([{ file: 'crash.js' }]);
    try {
      await s.cluster.until(() => s.gaveUp.length === 1, 10 * 60_000);
      expect(s.gaveUp[0]).toMatchObject({ restarts: 10, windowMs: 60_000 });
    } finally {
      await s.cluster.close();
    }
  });

  test('a policy that can never give up is called out at start; the default is not', async () => {
    const never = supervise({ initialDelay: 1_000, factor: 1, maxRestarts: 10, window: 5_000 });
    expect(never.logger.events('restart.never-gives-up')).toEqual([{ event: 'restart.never-gives-up', backoffMs: 10_000, windowMs: 5_000 }]);
    await never.cluster.close();
    const defaults = supervise();
    expect(defaults.logger.events('restart.never-gives-up')).toEqual([]);
    await defaults.cluster.close();
  });

  test('maxRestarts 0 gives up on the first crash', async () => {
    const s = supervise({ maxRestarts: 0 });
    s.master.spawn([{ file: 'crash.js' }]);
    await s.cluster.advance(1_000);
    expect(s.spawns).toHaveLength(1);
    expect(s.gaveUp).toMatchObject([{ restarts: 0 }]);
    await s.cluster.close();
  });

  test.each([
    [1_200, 'slides: a restart exactly `window` ms old no longer counts, so it never gives up', 0],
    [1_201, 'gives up when maxRestarts restarts are younger than the window', 1],
  ])('window %p %s', async (window, _label, gaveUp) => {
    const s = supervise({ initialDelay: 600, factor: 1, maxRestarts: 2, window });
    s.master.spawn([{ file: 'crash.js' }]);
    await s.cluster.advance(12_000);
    expect(s.gaveUp).toHaveLength(gaveUp);
    expect(s.spawns).toHaveLength(gaveUp === 1 ? 3 : 21);
    await s.cluster.close();
  });

  test('the backoff exponent counts only restarts within the window', async () => {
    const s = supervise({ initialDelay: 100, factor: 10, maxDelay: 1_000_000, maxRestarts: 100, window: 250 });
    s.master.spawn([{ file: 'crash.js' }]);
    await s.cluster.advance(4_400);
    expect(s.logger.events('child.backoff').map((f) => f['delayMs'])).toEqual([100, 1_000, 100, 1_000, 100, 1_000, 100, 1_000, 100]);
    await s.cluster.close();
  });

  test('stopping the parent cancels a pending respawn', async () => {
    const s = supervise({ initialDelay: 5_000 });
    s.master.spawn([{ file: 'crash.js' }]);
    await s.cluster.advance(1_000);
    await s.master.close(0);
    await s.cluster.advance(60_000);
    expect(s.spawns).toHaveLength(1);
  });
});

describe('spawn definitions', () => {
  test('cpu pins the child with taskset -c <cpu>', async () => {
    const s = supervise();
    s.master.spawn([{ file: 'idle.js', cpu: 1 }, { file: 'idle.js' }]);
    await s.cluster.until(() => s.master.clusterInfo['idle']?.length === 2);
    expect(s.cluster.process(s.spawns[0]!.pid).cpu).toBe(1);
    expect(s.cluster.process(s.spawns[1]!.pid).cpu).toBeUndefined();
    await s.cluster.close();
  });

  test('command: "bash" runs the file with bash; without bash on PATH it is refused', async () => {
    const s = supervise();
    s.master.spawn([{ file: 'script.sh', command: 'bash', args: { mode: 'x' } }]);
    await s.cluster.settle();
    const child = s.cluster.process(s.spawns[0]!.pid);
    expect(child.file).toBe('/app/script.sh');
    expect(child.argv).toEqual(['--mode=x']);
    expect(s.logger.events('child.spawn')).toMatchObject([{ command: 'bash' }]);

    const noBash = supervise({}, { executables: ['node'] });
    expect(thrown(() => noBash.master.spawn([{ file: 'script.sh', command: 'bash' }]))).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'definitions[0].command' });
    await s.cluster.close();
    await noBash.cluster.close();
  });
});

describe('what a refused definition says', () => {
  const objectOfVariables = 'definitions[0].env must be an object of variables, e.g. { NODE_ENV: "production" }.';
  test.each([
    [['idle.js'], 'CLUSTR_INVALID_ARGUMENT', 'definitions[0]', 'definitions[0] must be an object such as { file: "worker.js" }.'],
    [[null], 'CLUSTR_INVALID_ARGUMENT', 'definitions[0]', 'definitions[0] must be an object such as { file: "worker.js" }.'],
    [[{}], 'CLUSTR_INVALID_ARGUMENT', 'definitions[0].file', 'definitions[0].file is required: the path of the script to run, e.g. "worker.js".'],
    [[{ file: '' }], 'CLUSTR_INVALID_ARGUMENT', 'definitions[0].file', 'definitions[0].file is required: the path of the script to run, e.g. "worker.js".'],
    [[{ file: 7 }], 'CLUSTR_INVALID_ARGUMENT', 'definitions[0].file', 'definitions[0].file is required: the path of the script to run, e.g. "worker.js".'],
    [
      [{ file: 'idle.js' }, { file: 'missing.js' }],
      'CLUSTR_SPAWN_FILE_NOT_FOUND',
      'definitions[1].file',
      'definitions[1].file "missing.js" does not exist (looked for /app/missing.js). Relative paths are resolved against /app, the directory of the spawning script.',
    ],
    [
      [{ file: '/elsewhere/idle.js' }],
      'CLUSTR_SPAWN_FILE_NOT_FOUND',
      'definitions[0].file',
      'definitions[0].file "/elsewhere/idle.js" does not exist (looked for /elsewhere/idle.js). Relative paths are resolved against /app, the directory of the spawning script.',
    ],
    [[{ file: 'idle.js', command: '' }], 'CLUSTR_INVALID_ARGUMENT', 'definitions[0].command', 'definitions[0].command must be a program name or path, e.g. "bash".'],
    [[{ file: 'idle.js', command: 42 }], 'CLUSTR_INVALID_ARGUMENT', 'definitions[0].command', 'definitions[0].command must be a program name or path, e.g. "bash".'],
    [[{ file: 'idle.js', command: 'zsh' }], 'CLUSTR_INVALID_ARGUMENT', 'definitions[0].command', 'definitions[0].command "zsh" was not found on PATH. Install it or give its full path.'],
    [[{ file: 'idle.js', cpu: 2 }], 'CLUSTR_INVALID_CPU', 'definitions[0].cpu', 'definitions[0].cpu is 2, but this machine has CPUs 0 to 1. Pick one of those, or leave cpu out.'],
    [[{ file: 'idle.js', cpu: -1 }], 'CLUSTR_INVALID_CPU', 'definitions[0].cpu', 'definitions[0].cpu is -1, but this machine has CPUs 0 to 1. Pick one of those, or leave cpu out.'],
    [[{ file: 'idle.js', cpu: 0.5 }], 'CLUSTR_INVALID_CPU', 'definitions[0].cpu', 'definitions[0].cpu is 0.5, but this machine has CPUs 0 to 1. Pick one of those, or leave cpu out.'],
    [[{ file: 'idle.js', ready: 'registered' }], 'CLUSTR_INVALID_ARGUMENT', 'definitions[0].ready', 'definitions[0].ready must be "register" or "spawn"; got "registered".'],
    [[{ file: 'idle.js', respawn: 'yes' }], 'CLUSTR_INVALID_ARGUMENT', 'definitions[0].respawn', 'definitions[0].respawn must be true or false.'],
    [[{ file: 'idle.js', watchdog: 'no' }], 'CLUSTR_INVALID_ARGUMENT', 'definitions[0].watchdog', 'definitions[0].watchdog must be true or false.'],
    [[{ file: 'idle.js', args: ['--x'] }], 'CLUSTR_INVALID_ARGUMENT', 'definitions[0].args', 'definitions[0].args must be an object of flags, e.g. { port: 3000 }.'],
    [[{ file: 'idle.js', args: null }], 'CLUSTR_INVALID_ARGUMENT', 'definitions[0].args', 'definitions[0].args must be an object of flags, e.g. { port: 3000 }.'],
    [[{ file: 'idle.js', env: null }], 'CLUSTR_INVALID_ARGUMENT', 'definitions[0].env', objectOfVariables],
    [[{ file: 'idle.js', env: 'NODE_ENV=production' }], 'CLUSTR_INVALID_ARGUMENT', 'definitions[0].env', objectOfVariables],
    [[{ file: 'idle.js', env: ['NODE_ENV=production'] }], 'CLUSTR_INVALID_ARGUMENT', 'definitions[0].env', objectOfVariables],
    [[{ file: 'idle.js', args: { 'a\0b': 1 } }], 'CLUSTR_INVALID_ARGUMENT', 'definitions[0].args', 'definitions[0].args "a\\u0000b" contains a NUL byte, which no program can receive.'],
    [[{ file: 'idle.js', args: { name: 'x\0y' } }], 'CLUSTR_INVALID_ARGUMENT', 'definitions[0].args', 'definitions[0].args "name" contains a NUL byte, which no program can receive.'],
    [[{ file: 'idle.js', env: { TOKEN: 'x\0y' } }], 'CLUSTR_INVALID_ARGUMENT', 'definitions[0].env', 'definitions[0].env "TOKEN" contains a NUL byte, which no program can receive.'],
  ])('%j is refused with %s naming %s, a message that says what to give, and spawns nothing', async (definitions, code, field, message) => {
    const s = supervise();
    const error = thrown(() => s.master.spawn(definitions as SpawnDefinition[]));
    expect(error).toBeInstanceOf(ClustrError);
    expect(error).toMatchObject({ code, field, message });
    await s.cluster.advance(1_000);
    expect(s.cluster.processes).toHaveLength(1);
    await s.cluster.close();
  });

  test('spawn() of something other than an array says how to call it', async () => {
    const s = supervise();
    const error = thrown(() => s.master.spawn({ file: 'idle.js' } as never));
    expect(error).toBeInstanceOf(ClustrError);
    expect(error).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'definitions', message: 'spawn() takes an array of definitions, e.g. spawn([{ file: "worker.js" }]).' });
    await s.cluster.close();
  });

  test('cpu without taskset on PATH says which program to install', async () => {
    const s = supervise({}, { executables: ['node', 'bash'] });
    expect(thrown(() => s.master.spawn([{ file: 'idle.js', cpu: 0 }]))).toMatchObject({
      code: 'CLUSTR_TASKSET_MISSING',
      field: 'definitions[0].cpu',
      message: 'definitions[0].cpu needs the taskset program, which is not on PATH. Install util-linux (e.g. apt-get install util-linux), or leave cpu out.',
    });
    await s.cluster.close();
  });

  test('well-formed optional fields are accepted: ready "register" and "spawn", watchdog and respawn booleans, an empty env', async () => {
    const s = supervise();
    s.master.spawn([
      { file: 'idle.js', ready: 'register', watchdog: false, respawn: true, env: {} },
      { file: 'script.sh', command: 'bash', ready: 'spawn', watchdog: true, respawn: false, args: {} },
    ]);
    await s.cluster.until(() => s.spawns.length === 2);
    expect(s.spawns.map((e) => e.file)).toEqual(['/app/idle.js', '/app/script.sh']);
    await s.cluster.close();
  });
});

describe('restart policy options', () => {
  test.each([
    [{ initialDelay: -1 }, 'restart.initialDelay', 'restart.initialDelay must be a number of at least 0; got -1.'],
    [{ maxDelay: 0 }, 'restart.maxDelay', 'restart.maxDelay must be a number of at least 1; got 0.'],
    [{ maxDelay: '5000' }, 'restart.maxDelay', 'restart.maxDelay must be a number of at least 1; got the string "5000".'],
    [{ factor: NaN }, 'restart.factor', 'restart.factor must be a number of at least 1; got NaN.'],
    [{ maxRestarts: -1 }, 'restart.maxRestarts', 'restart.maxRestarts must be a number of at least 0; got -1.'],
    [{ window: Infinity }, 'restart.window', 'restart.window must be a number of at least 1; got Infinity.'],
    [{ window: null }, 'restart.window', 'restart.window must be a number of at least 1; got null.'],
  ])('restart %p is refused with CLUSTR_INVALID_OPTION naming %s and the least value it takes', (restart, field, message) => {
    const f = fakePlatform();
    const error = thrown(() => SrcMaster.create({ platform: f.platform, restart: restart as RestartPolicy }));
    expect(error).toBeInstanceOf(ClustrError);
    expect(error).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field, message });
    expect(f.children).toEqual([]);
  });

  test('validateRestartPolicy fills in the defaults and names the restart key it refuses', () => {
    expect(validateRestartPolicy({ initialDelay: 0, maxRestarts: 0, factor: 1, maxDelay: 1, window: 1 })).toEqual({ initialDelay: 0, maxRestarts: 0, factor: 1, maxDelay: 1, window: 1 });
    expect(validateRestartPolicy({ factor: 3 })).toEqual({ ...DEFAULT_RESTART_POLICY, factor: 3 });
    expect(thrown(() => validateRestartPolicy({ window: 0 }))).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'restart.window' });
  });

  test('a doubling policy whose backoff outlasts its window is called out with its numbers', async () => {
    // 100 + 200 + ... + 6 400, then 10 000 three times: 42 700 ms, past a 40 s window.
    const s = supervise({ initialDelay: 100, factor: 2, maxDelay: 10_000, maxRestarts: 10, window: 40_000 });
    expect(s.logger.records.filter((r) => r.fields.event === 'restart.never-gives-up')).toEqual([
      {
        level: 'warn',
        fields: { event: 'restart.never-gives-up', backoffMs: 42_700, windowMs: 40_000 },
        msg: 'the restart policy waits 42700 ms over 10 restarts, longer than its 40000 ms window: a crash-looping child is never given up',
      },
    ]);
    await s.cluster.close();
  });
});

describe('when a child counts as started (ready)', () => {
  test.each([
    ['a node script that never registers is not started by default', [{ file: 'silent.js' }], false],
    ['a node script with ready "spawn" is started once spawned', [{ file: 'silent.js', ready: 'spawn' }], true],
    ['a node worker is started once it registers', [{ file: 'idle.js' }], true],
    ['a bash script is started once spawned by default', [{ file: 'script.sh', command: 'bash' }], true],
    ['a bash script with ready "register" is not started, as it never registers', [{ file: 'script.sh', command: 'bash', ready: 'register' }], false],
  ] as Array<[string, SpawnDefinition[], boolean]>)('%s', async (_label, definitions, started) => {
    const s = supervise();
    s.cluster.program('silent.js', () => undefined);
    let calls = 0;
    s.master.onClusterStarted(() => calls++);
    s.master.spawn(definitions);
    await s.cluster.until(() => s.spawns.length === definitions.length);
    await s.cluster.advance(60_000);
    expect(s.cluster.alivePids()).toHaveLength(1 + definitions.length);
    expect(calls).toBe(started ? 1 : 0);
    await s.cluster.close();
  });
});

describe('the spawn spec handed to the platform', () => {
  test('own runtime: execPath + execArgv + file + args, IPC on, the cluster identity in env', async () => {
    const f = fakePlatform({ files: ['/srv/app/w.js'], argv: ['--cluster-zone=a', '--local=1'] });
    const master = SrcMaster.create({ platform: f.platform, reloadDelay: 0 });
    master.spawn([{ file: 'w.js', args: { port: 8080 }, env: { EXTRA: '1' } }]);
    expect(f.children).toEqual([]); // the first launch waits for the master's subscriptions
    await flush();
    expect(f.children.map((c) => c.spec)).toEqual([
      {
        command: '/usr/bin/node',
        args: ['--import', 'tsx', '/srv/app/w.js', '--cluster-zone=a', '--port=8080'],
        env: {
          PATH: '/usr/bin',
          EXTRA: '1',
          CLUSTR_MASTER_PID: '100',
          CLUSTR_PARENT_PID: '100',
          CLUSTR_NAMESPACE: 'clustr',
          CLUSTR_REDIS_URL: 'redis://127.0.0.1:6379',
          CLUSTR_HEARTBEAT_INTERVAL: '2000',
          CLUSTR_RESTARTS: '0',
        },
        cwd: '/srv/app',
        ipc: true,
        inheritFds: [],
        output: 'prefix',
        label: 'w.js',
      },
    ]);
    await master.close(0);
  });

  test('cpu wraps the command in taskset; another command gets no execArgv and no IPC', async () => {
    const f = fakePlatform({ files: ['/srv/app/w.js', '/srv/app/run.sh'] });
    const master = SrcMaster.create({ platform: f.platform, redis: 'redis://db:6380', namespace: 'ns1' });
    master.spawn([
      { file: 'w.js', cpu: 3, output: 'inherit' },
      { file: 'run.sh', command: 'bash', cpu: 0 },
    ]);
    await flush();
    expect(f.children.map((c) => [c.spec.command, c.spec.args, c.spec.ipc, c.spec.output])).toEqual([
      ['taskset', ['-c', '3', '/usr/bin/node', '--import', 'tsx', '/srv/app/w.js'], true, 'inherit'],
      ['taskset', ['-c', '0', 'bash', '/srv/app/run.sh'], false, 'prefix'],
    ]);
    expect(f.children[1]!.spec.env).toMatchObject({ CLUSTR_NAMESPACE: 'ns1', CLUSTR_REDIS_URL: 'redis://db:6380' });
    await master.close(0);
  });

  test('CLUSTR_LISTEN_FD does not leak to children of a process that hands them no socket', async () => {
    // A worker that got the shared socket itself: its own children are given none, so they must not be told one exists.
    const f = fakePlatform({ files: ['/srv/app/w.js', '/srv/app/run.sh'], env: { CLUSTR_LISTEN_FD: '4', CLUSTR_PARENT_PID: '1' } });
    const worker = SrcWorker.create({ group: 'web', platform: f.platform });
    worker.spawn([{ file: 'w.js' }, { file: 'run.sh', command: 'bash' }]);
    await flush();
    expect(f.children).toHaveLength(2);
    for (const child of f.children) {
      expect(child.spec.inheritFds).toEqual([]);
      expect(child.spec.env).not.toHaveProperty('CLUSTR_LISTEN_FD');
    }
    await worker.close(0);
  });

  test('a child gets only the Redis variable its parent uses: one inherited for the other kind is removed', async () => {
    // This process was started with Redis options in its environment, but is told a URL.
    const f = fakePlatform({ files: ['/srv/app/w.js'], env: { CLUSTR_REDIS_OPTIONS: '{"host":"elsewhere"}', KEEP: 'yes' } });
    const master = SrcMaster.create({ platform: f.platform, redis: 'redis://db:6380' });
    master.spawn([{ file: 'w.js' }]);
    await flush();
    const env = f.children[0]!.spec.env;
    expect(env).toMatchObject({ CLUSTR_REDIS_URL: 'redis://db:6380', KEEP: 'yes' });
    expect(Object.keys(env)).not.toContain('CLUSTR_REDIS_OPTIONS');
    await master.close(0);
  });

  test('a child that ignores SIGTERM is SIGKILLed after stopTimeout', async () => {
    const f = fakePlatform({ files: ['/srv/app/w.js'], stubborn: true });
    const logger = recordingLogger();
    const master = SrcMaster.create({ platform: f.platform, stopTimeout: 3_000, logger });
    master.spawn([{ file: 'w.js' }]);
    await flush();
    const child = f.children[0]!;
    const closing = master.close(0);
    await flush();
    expect(child.signals).toEqual(['SIGTERM']);
    await advance(f.clock, 2_999);
    expect(child.signals).toEqual(['SIGTERM']);
    await advance(f.clock, 1);
    expect(child.signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(logger.events('child.kill-straggler')).toEqual([{ event: 'child.kill-straggler', slot: 1, pid: child.pid, timeoutMs: 3_000 }]);
    await closing;
    expect(f.exits).toEqual([0]);
  });
});

describe('slots', () => {
  /** A Supervisor on the bare fake platform, as a process builds it. */
  function supervisor(options: { stubborn?: boolean; restart?: RestartPolicy; gate?: Promise<void>; platform?: (platform: Platform) => Platform } = {}) {
    const f = fakePlatform({ files: ['/srv/app/w.js'], stubborn: options.stubborn ?? false });
    const events = mitt<RuntimeEvents>();
    const logger = recordingLogger();
    const sup = new Supervisor({
      platform: options.platform ? options.platform(f.platform) : f.platform,
      events,
      logger,
      restart: { ...DEFAULT_RESTART_POLICY, maxRestarts: 0, ...options.restart },
      stopTimeout: 1_000,
      childEnv: () => ({}),
      inheritedArgs: {},
      inheritFds: () => [],
      listenMode: () => 'shared',
      gate: options.gate ?? Promise.resolve(),
    });
    return { f, sup, events, logger };
  }

  test('a slot whose child stopped for good is freed: 200 children that exited 0 leave no slot', async () => {
    const { f, sup } = supervisor();
    sup.spawn(Array.from({ length: 200 }, () => ({ file: 'w.js' })));
    await flush();
    expect(sup.slots).toHaveLength(200);
    for (const child of f.children) child.exit({ code: 0, signal: null });
    await flush();
    expect(sup.slots).toEqual([]);
  });

  test('a slot given up, or retired by a reload, is freed; the running ones stay', async () => {
    const { f, sup } = supervisor();
    const [crashing, kept] = sup.spawn([{ file: 'w.js' }, { file: 'w.js' }]) as [Slot, Slot];
    await flush();
    f.children[0]!.exit({ code: 1, signal: null });
    await flush();
    expect(crashing.state).toBe('gaveUp');
    expect(sup.slots).toEqual([kept]);

    // What a reload does to each child: a fresh slot with the same definition, then the old one retired.
    for (let round = 0; round < 5; round++) {
      const [old] = sup.slots as [Slot];
      const fresh = sup.duplicate(old);
      await flush();
      await sup.retire(old);
      expect(sup.slots).toEqual([fresh]);
    }
    await sup.stopAll();
    expect(sup.slots).toEqual([]);
  });

  test('a slot retired, or a supervisor frozen, before the gate opens never starts its child', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const { f, sup } = supervisor({ gate });
    const [retired, kept] = sup.spawn([{ file: 'w.js' }, { file: 'w.js' }]) as [Slot, Slot];
    await flush();
    expect(f.children).toEqual([]);
    // Only this slot is stopped for good; the supervisor itself is not stopping.
    await sup.retire(retired);
    expect(retired.state).toBe('stopped');
    open();
    await flush();
    expect(f.children.map((c) => c.pid)).toEqual([kept.pid]);
    expect(retired.child).toBeUndefined();
    expect(sup.slots).toEqual([kept]);

    let openLater!: () => void;
    const frozen = supervisor({ gate: new Promise<void>((resolve) => (openLater = resolve)) });
    const [pending] = frozen.sup.spawn([{ file: 'w.js' }]) as [Slot];
    frozen.sup.freeze();
    openLater();
    await flush();
    expect(frozen.f.children).toEqual([]);
    expect(pending.state).toBe('pending');
    await frozen.sup.stopAll();
    expect(frozen.f.children).toEqual([]);
    expect(frozen.sup.slots).toEqual([]);
  });

  test('a late exit of a slot\'s previous child leaves the child it runs now, and its state, alone', async () => {
    // A platform that can deliver a child's exit once more, after the fact.
    const exitListeners = new Map<number, (exit: ChildExit) => void>();
    const { f, sup, events } = supervisor({
      restart: { maxRestarts: 10, initialDelay: 100 },
      platform: (platform) => ({
        ...platform,
        spawn: (spec) => {
          const child = platform.spawn(spec);
          return {
            ...child,
            onExit: (listener) => {
              exitListeners.set(child.pid, listener);
              child.onExit(listener);
            },
          };
        },
      }),
    });
    const exits: number[] = [];
    events.on('childExited', ({ pid }) => exits.push(pid));
    const [slot] = sup.spawn([{ file: 'w.js' }]) as [Slot];
    await flush();
    const [first] = f.children as [FakeChild];
    first.exit({ code: 1, signal: null });
    await advance(f.clock, 100);
    const second = f.children[1]!;
    expect(slot).toMatchObject({ state: 'running', pid: second.pid, respawns: 1 });
    expect(exits).toEqual([first.pid]);

    // The first child's exit arrives again, now that the slot runs the second one.
    exitListeners.get(first.pid)!({ code: 1, signal: null });
    await advance(f.clock, 60_000);
    expect(slot).toMatchObject({ state: 'running', pid: second.pid, respawns: 1 });
    expect(slot.child?.pid).toBe(second.pid);
    expect(sup.livePids()).toEqual([second.pid]);
    expect(f.children).toHaveLength(2);
    expect(exits).toEqual([first.pid]);
    expect(second.signals).toEqual([]);
  });

  /** A child as the IPC-capable platform below made it: what it was sent, and a way for it to send. */
  interface IpcChild {
    pid: number;
    received: Array<[IpcMessage, unknown]>;
    say(message: IpcMessage): void;
  }

  /** The fake platform with IPC: every child takes what it is sent. `pids` are handed out first (a pid the OS reuses). */
  function withIpc(children: IpcChild[], pids: number[] = []): (platform: Platform) => Platform {
    return (platform) => ({
      ...platform,
      spawn: (spec) => {
        const child = platform.spawn(spec);
        const record: IpcChild = { pid: pids.shift() ?? child.pid, received: [], say: () => undefined };
        children.push(record);
        return {
          ...child,
          pid: record.pid,
          send: (message, socket) => {
            record.received.push([message, socket]);
            return Promise.resolve(true);
          },
          onMessage: (listener) => {
            record.say = listener;
          },
        };
      },
    });
  }

  test('a new slot has no child and no pid (-1, which no process has) until its child starts', async () => {
    let open!: () => void;
    const { f, sup, logger } = supervisor({ gate: new Promise<void>((resolve) => (open = resolve)) });
    const [slot] = sup.spawn([{ file: 'w.js' }]) as [Slot];
    expect(slot).toMatchObject({ state: 'pending', pid: -1, child: undefined, restarts: [], respawns: 0 });
    open();
    await flush();
    expect(slot).toMatchObject({ state: 'running', pid: f.children[0]!.pid, restarts: [], respawns: 0 });
    expect(logger.events('slot.state')).toEqual([{ event: 'slot.state', slot: slot.id, pid: f.children[0]!.pid, from: 'pending', to: 'running' }]);
  });

  test('slot.ready defaults to "register" for a script on this runtime and "spawn" for another command', () => {
    const f = fakePlatform({ files: ['/srv/app/w.js', '/srv/app/run.sh'] });
    const { sup } = supervisor({ platform: () => f.platform });
    const slots = sup.spawn([{ file: 'w.js' }, { file: 'run.sh', command: 'bash' }, { file: 'run.sh', command: 'bash', ready: 'register' }, { file: 'w.js', ready: 'spawn' }]);
    expect(slots.map((slot) => slot.ready)).toEqual(['register', 'spawn', 'register', 'spawn']);
  });

  test('spawn() while the supervisor is stopping is refused with CLUSTR_CLOSED and starts nothing', async () => {
    const { f, sup } = supervisor();
    sup.freeze();
    const error = thrown(() => sup.spawn([{ file: 'w.js' }]));
    expect(error).toBeInstanceOf(ClustrError);
    expect(error).toMatchObject({ code: 'CLUSTR_CLOSED', message: 'spawn() was called while this process is stopping.' });
    await flush();
    expect(sup.slots).toEqual([]);
    expect(f.children).toEqual([]);
  });

  test('sendTo reaches the live child with that pid (also a pid reused by the OS); a pid with no live child gets false', async () => {
    const children: IpcChild[] = [];
    // The third child gets the pid the first one had.
    const { f, sup } = supervisor({ restart: { maxRestarts: 10, initialDelay: 5_000 }, platform: withIpc(children, [700, 701, 700]) });
    const [a, b] = sup.spawn([{ file: 'w.js' }, { file: 'w.js' }]) as [Slot, Slot];
    await flush();
    expect(await sup.sendTo(701, { clustr: 'conn' }, 'socket')).toBe(true);
    expect(children.map((c) => c.received)).toEqual([[], [[{ clustr: 'conn' }, 'socket']]]);

    // a's child crashes: its slot waits to restart it, and its pid names no live child.
    f.children[0]!.exit({ code: 1, signal: null });
    await flush();
    expect(a).toMatchObject({ state: 'backoff', pid: 700, child: undefined });
    expect(await sup.sendTo(700, { clustr: 'draining-ack' })).toBe(false);
    expect(await sup.sendTo(12_345, { clustr: 'draining-ack' })).toBe(false);
    expect(children.map((c) => c.received.length)).toEqual([0, 1]);
    expect(sup.livePids()).toEqual([701]);

    // A new child is given pid 700 again: it is the one that gets what is sent to 700.
    const [c] = sup.spawn([{ file: 'w.js' }]) as [Slot];
    await flush();
    expect([a.pid, b.pid, c.pid]).toEqual([700, 701, 700]);
    expect(await sup.sendTo(700, { clustr: 'conn' })).toBe(true);
    expect(children.map((child) => child.received.length)).toEqual([0, 1, 1]);
    expect(sup.livePids()).toEqual([701, 700]);
  });

  test('a message from a child reaches childMessage listeners with its slot and pid', async () => {
    const children: IpcChild[] = [];
    const { sup, events } = supervisor({ platform: withIpc(children) });
    const got: unknown[] = [];
    events.on('childMessage', (event) => got.push(event));
    const [, slot] = sup.spawn([{ file: 'w.js' }, { file: 'w.js' }]) as [Slot, Slot];
    await flush();
    children[1]!.say({ clustr: 'serving' });
    expect(got).toEqual([{ slot: slot.id, pid: slot.pid, message: { clustr: 'serving' } }]);
  });

  test('killAll SIGKILLs the children alive now and returns their pids; a slot waiting to restart is skipped, and no slot changes state', async () => {
    const { f, sup } = supervisor({ restart: { maxRestarts: 10, initialDelay: 5_000 } });
    const [waiting, running] = sup.spawn([{ file: 'w.js' }, { file: 'w.js' }]) as [Slot, Slot];
    await flush();
    f.children[0]!.exit({ code: 1, signal: null });
    await flush();
    expect(waiting.state).toBe('backoff');
    expect(sup.killAll()).toEqual([running.pid]);
    expect([waiting.state, running.state]).toEqual(['backoff', 'running']);
    expect(f.children.map((c) => c.signals)).toEqual([[], ['SIGKILL']]);
  });

  test('retiring a slot whose child already stopped for good, or was given up, does nothing', async () => {
    const { f, sup } = supervisor();
    const [done, failed] = sup.spawn([{ file: 'w.js' }, { file: 'w.js' }]) as [Slot, Slot];
    await flush();
    f.children[0]!.exit({ code: 0, signal: null });
    f.children[1]!.exit({ code: 1, signal: null });
    await flush();
    expect([done.state, failed.state]).toEqual(['stopped', 'gaveUp']);
    await sup.retire(done);
    await sup.retire(failed);
    expect([done.state, failed.state]).toEqual(['stopped', 'gaveUp']);
    expect(f.children.map((c) => c.signals)).toEqual([[], []]);
  });

  test('stopAll while a reload retires a child sends SIGTERM once, and both wait for that same exit', async () => {
    const { f, sup } = supervisor({ stubborn: true });
    const [slot] = sup.spawn([{ file: 'w.js' }]) as [Slot];
    await flush();
    const done: string[] = [];
    const retiring = sup.retire(slot).then(() => done.push('retired'), (error: Error) => done.push(error.message));
    const stopping = sup.stopAll().then(() => done.push('stopped'), (error: Error) => done.push(error.message));
    await flush();
    expect(f.children[0]!.signals).toEqual(['SIGTERM']);
    expect(done).toEqual([]);
    f.children[0]!.exit({ code: 143, signal: null });
    await Promise.all([retiring, stopping]);
    expect(done.sort()).toEqual(['retired', 'stopped']);
    expect(slot.state).toBe('stopped');
    expect(f.clock.pending).toBe(0);
  });

  test('stopping while a child waits to be restarted: it is never restarted, its slot is freed and no timer is left', async () => {
    const { f, sup } = supervisor({ restart: { maxRestarts: 10, initialDelay: 5_000 } });
    const [slot] = sup.spawn([{ file: 'w.js' }]) as [Slot];
    await flush();
    f.children[0]!.exit({ code: 1, signal: null });
    await flush();
    expect(slot.state).toBe('backoff');
    expect(f.clock.pending).toBe(1);
    await sup.stopAll();
    expect(slot.state).toBe('stopped');
    expect(sup.slots).toEqual([]);
    expect(f.clock.pending).toBe(0);
    await advance(f.clock, 60_000);
    expect(f.children).toHaveLength(1);
  });

  test('a child that exits after SIGTERM leaves no stop timer behind; one that does not is SIGKILLed, and the log says why', async () => {
    const quick = supervisor();
    quick.sup.spawn([{ file: 'w.js' }]);
    await flush();
    await quick.sup.stopAll();
    expect(quick.f.children[0]!.signals).toEqual(['SIGTERM']);
    expect(quick.f.clock.pending).toBe(0);

    const stubborn = supervisor({ stubborn: true });
    const [slot] = stubborn.sup.spawn([{ file: 'w.js' }]) as [Slot];
    await flush();
    const stopping = stubborn.sup.stopAll();
    await advance(stubborn.f.clock, 1_000);
    await stopping;
    expect(stubborn.f.children[0]!.signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(stubborn.logger.records.filter((r) => r.fields.event === 'child.kill-straggler')).toEqual([
      { level: 'warn', fields: { event: 'child.kill-straggler', slot: slot.id, pid: slot.pid, timeoutMs: 1_000 }, msg: 'child did not exit after SIGTERM; sending SIGKILL' },
    ]);
  });

  test('the log tells a first start from a restart', async () => {
    const { f, sup, logger } = supervisor({ restart: { maxRestarts: 10, initialDelay: 100 } });
    sup.spawn([{ file: 'w.js' }]);
    await flush();
    f.children[0]!.exit({ code: 1, signal: null });
    await advance(f.clock, 100);
    expect(logger.records.filter((r) => r.fields.event === 'child.spawn' || r.fields.event === 'child.respawn').map((r) => [r.fields.event, r.msg])).toEqual([
      ['child.spawn', 'spawned child'],
      ['child.respawn', 'respawned child'],
    ]);
  });
});

describe('stopping a child', () => {
  test('a child that exits within stopTimeout after SIGTERM is never sent SIGKILL', async () => {
    const cluster = createTestCluster({ clock: 'manual' });
    // Its onKill hook takes 1 ms less than the master's stopTimeout.
    cluster.program('slow.js', (ctx) => {
      const worker = ctx.createWorker({ group: 'slow' });
      worker.onKill((done) => ctx.platform.clock.setTimeout(done, 2_999));
      void worker.emitReady();
    });
    const logger = recordingLogger();
    const master = cluster.createMaster({ logger, stopTimeout: 3_000 });
    master.spawn([{ file: 'slow.js' }]);
    await cluster.until(() => master.clusterInfo['slow']?.length === 1);
    const [pid] = master.clusterInfo['slow'] as [number];
    const t0 = cluster.clock.now();
    const closing = master.close(0);
    await cluster.until(() => cluster.process(pid).state === 'exited');
    expect(cluster.clock.now() - t0).toBe(2_999);
    // Ended by its own SIGTERM handling, not by a signal.
    expect(cluster.process(pid).exit).toEqual({ code: 143, signal: null });
    await cluster.until(() => cluster.process(master.pid).state === 'exited');
    await closing;
    await cluster.advance(10_000);
    expect(logger.events('child.kill-straggler')).toEqual([]);
    expect(cluster.process(master.pid).exit).toEqual({ code: 0, signal: null });
    await cluster.close();
  });

  test.each([
    ['at once', 0],
    ['1 ms before stopTimeout', 2_999],
  ])('the platform sees SIGTERM only when the child exits %s', async (_label, after) => {
    const f = fakePlatform({ files: ['/srv/app/w.js'], stubborn: true });
    const logger = recordingLogger();
    const master = SrcMaster.create({ platform: f.platform, stopTimeout: 3_000, logger });
    master.spawn([{ file: 'w.js' }]);
    await flush();
    const child = f.children[0]!;
    const closing = master.close(0);
    await flush();
    expect(child.signals).toEqual(['SIGTERM']);
    await advance(f.clock, after);
    child.exit({ code: 143, signal: null });
    await closing;
    await advance(f.clock, 10_000);
    expect(child.signals).toEqual(['SIGTERM']);
    expect(logger.events('child.kill-straggler')).toEqual([]);
    expect(f.exits).toEqual([0]);
  });
});

describe('the first launch waits for the parent\'s subscriptions', () => {
  test('close() right after spawn(), before they are up, starts no child', async () => {
    const s = supervise();
    s.master.spawn([{ file: 'idle.js' }, { file: 'script.sh', command: 'bash' }]);
    const closing = s.master.close(0);
    await s.cluster.until(() => s.cluster.process(s.master.pid).state === 'exited');
    await closing;
    await s.cluster.advance(60_000);
    expect(s.cluster.processes.map((p) => p.pid)).toEqual([s.master.pid]);
    expect(s.spawns).toEqual([]);
    expect(s.logger.events('child.spawn')).toEqual([]);
    expect(s.cluster.process(s.master.pid).exit).toEqual({ code: 0, signal: null });
  });

  test('subscriptions that come up while a SIGTERM stop runs its onKill hooks start no child either', async () => {
    const s = supervise();
    let hookRan = false;
    s.master.onKill((done) => {
      hookRan = true;
      // The subscriptions come up meanwhile; children are stopped only once the hook is done.
      s.cluster.clock.view().setTimeout(done, 100);
    });
    s.master.spawn([{ file: 'idle.js' }]);
    s.cluster.signal(s.master.pid, 'SIGTERM');
    await s.cluster.until(() => s.cluster.process(s.master.pid).state === 'exited');
    expect(hookRan).toBe(true);
    expect(s.logger.events('listener.threw')).toEqual([]);
    // Connected to Redis while the hook ran: the slot was stopped only after that.
    const order = s.logger.records.map((r) => (r.fields.event === 'slot.state' ? `slot ${String(r.fields['from'])}->${String(r.fields['to'])}` : r.fields.event));
    expect(order.indexOf('redis.connected')).toBeGreaterThan(-1);
    expect(order.indexOf('redis.connected')).toBeLessThan(order.indexOf('slot pending->stopped'));
    expect(s.cluster.process(s.master.pid).exit).toEqual({ code: 15, signal: null });
    expect(s.cluster.processes.map((p) => p.pid)).toEqual([s.master.pid]);
    expect(s.logger.events('child.spawn')).toEqual([]);
  });
});

describe('where the shared socket is: CLUSTR_LISTEN_FD and CLUSTR_LISTEN_MODE', () => {
  test('only children handed the socket are told: fd 4 to a node child, 3 to another command; never a child started before listen(), nor a child of theirs', async () => {
    const s = supervise();
    // A worker that starts children of its own: it holds the socket, they are handed none.
    s.cluster.program('parent.js', (ctx) => {
      const worker = ctx.createWorker({ group: 'parent' });
      worker.spawn([{ file: 'idle.js' }, { file: 'script.sh', command: 'bash' }]);
      void worker.emitReady();
    });
    s.master.spawn([{ file: 'idle.js' }]);
    await s.cluster.until(() => s.master.clusterInfo['idle']?.length === 1);
    s.master.listen({ port: 0, distribution: 'shared' });
    try {
      s.master.spawn([{ file: 'idle.js' }, { file: 'script.sh', command: 'bash' }, { file: 'parent.js' }]);
      await s.cluster.until(() => s.master.clusterInfo['idle']?.length === 3 && s.master.clusterInfo['parent']?.length === 1);
      const [before, node, bash, parent] = s.spawns.map((e) => e.pid) as [number, number, number, number];
      const listenEnv = (pid: number) => {
        const env = s.cluster.process(pid).env;
        return { fd: env['CLUSTR_LISTEN_FD'], mode: env['CLUSTR_LISTEN_MODE'] };
      };
      expect(listenEnv(before)).toEqual({ fd: undefined, mode: undefined });
      expect(listenEnv(node)).toEqual({ fd: '4', mode: 'shared' });
      expect(listenEnv(bash)).toEqual({ fd: '3', mode: 'shared' });
      expect(listenEnv(parent)).toEqual({ fd: '4', mode: 'shared' });
      const grandchildren = s.cluster.processes.filter((p) => p.parentPid === parent);
      expect(grandchildren.map((p) => p.file)).toEqual(['/app/idle.js', '/app/script.sh']);
      for (const { pid } of grandchildren) {
        expect(s.cluster.process(pid).env).not.toHaveProperty('CLUSTR_LISTEN_FD');
        expect(s.cluster.process(pid).env).not.toHaveProperty('CLUSTR_LISTEN_MODE');
      }
    } finally {
      // Closes the bound port.
      await Promise.all([s.master.close(0), s.cluster.until(() => s.cluster.process(s.master.pid).state === 'exited')]);
    }
  });
});
