import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killTracked, waitGone } from './harness';
import { expectAllGone, is, isAlive, startMaster, stopCluster } from './sup-helpers';

afterEach(async () => {
  await killTracked();
});

/** SUP_VICTIM_GROUP / SUP_KILL_CODE for fixtures/sup-killer.js, spawned as a second batch. */
const killer = (group: string, code: number) => ({ file: 'sup-killer.js', respawn: false, env: { SUP_VICTIM_GROUP: group, SUP_KILL_CODE: String(code) } });

describe('supervision: kill, onKill and the kill timeout', () => {
  it('runs onKill before the process exits with the code emitKill asked for', async () => {
    const fx = startMaster({ batches: [[{ file: 'sup-onkill.js', respawn: false }], [killer('victim', 7)]] });
    await fx.waitFor(is('started'), 'cluster started');
    const victim = (await fx.waitFor(is('ready', { file: 'sup-onkill.js' }), 'victim ready')).pid;

    process.kill(fx.pid, 'SIGUSR2');
    expect((await fx.waitFor(is('killed'), 'killer done'))['victims']).toEqual([victim]);
    expect(await fx.waitFor(is('exit', { child: victim }), 'victim exit')).toMatchObject({ code: 7, signal: null });
    // A process can only print while it lives: both lines prove the hook ran, and finished, before the exit.
    await fx.waitFor(is('onkill', { pid: victim }), 'victim onKill');
    await fx.waitFor(is('onkill-done', { pid: victim }), 'victim onKill done');
    await waitGone(victim);
    expect(await fx.waitFor(is('exit', { file: 'sup-killer.js' }), 'killer exit')).toMatchObject({ code: 0, signal: null });

    await stopCluster(fx);
  });

  it('exits after killTimeout, with the requested code, when onKill never calls done()', async () => {
    const fx = startMaster({ batches: [[{ file: 'sup-never-done.js', respawn: false, env: { SUP_KILL_TIMEOUT: '300' } }], [killer('victim', 9)]] });
    await fx.waitFor(is('started'), 'cluster started');
    const victim = (await fx.waitFor(is('ready', { file: 'sup-never-done.js' }), 'victim ready')).pid;

    process.kill(fx.pid, 'SIGUSR2');
    expect(await fx.waitFor(is('exit', { child: victim }), 'victim exit')).toMatchObject({ code: 9, signal: null });
    await fx.waitFor(is('onkill', { pid: victim }), 'victim onKill');
    const log = await fx.waitFor(is('log', { pid: victim }), 'kill.timeout logged');
    expect(log['record']).toMatchObject({ event: 'kill.timeout', timeoutMs: 300 });
    await waitGone(victim);

    await stopCluster(fx);
  });

  it('killing a process stops its descendants too', async () => {
    const fx = startMaster({ batches: [[{ file: 'sup-parent.js', respawn: false }], [killer('parent', 5)]] });
    await fx.waitFor(is('started'), 'cluster started');
    const parent = (await fx.waitFor(is('ready', { file: 'sup-parent.js' }), 'parent ready')).pid;
    const grandchild = await fx.waitFor(is('ready', { file: 'sup-idle.js' }), 'grandchild ready');
    expect(grandchild).toMatchObject({ parent, master: fx.pid });

    process.kill(fx.pid, 'SIGUSR2');
    expect(await fx.waitFor(is('exit', { child: parent }), 'parent exit')).toMatchObject({ code: 5, signal: null });
    // The parent stopped its child (SIGTERM: the worker's exit code 143) before it exited itself.
    expect(await fx.waitFor(is('child-exit', { pid: parent, child: grandchild.pid }), 'grandchild exit')).toMatchObject({ code: 143, signal: null });
    await fx.waitFor(is('onkill', { pid: grandchild.pid }), 'grandchild onKill');
    await fx.waitFor(is('onkill', { pid: parent }), 'parent onKill');
    await expectAllGone([parent, grandchild.pid]);

    await stopCluster(fx);
  });

  it('SIGKILLs a child that ignores SIGTERM once stopTimeout has passed', async () => {
    const fx = startMaster({ options: { stopTimeout: 500 }, logEvents: ['child.kill-straggler'], batches: [[{ file: 'sup-ignore-term.js' }]] });
    const stubborn = (await fx.waitFor(is('ignoring'), 'child started')).pid;

    await stopCluster(fx);
    await fx.waitFor(is('term-ignored', { pid: stubborn }), 'SIGTERM ignored');
    expect(fx.events.find(is('log'))!['record']).toMatchObject({ event: 'child.kill-straggler', pid: stubborn, timeoutMs: 500 });
    expect(fx.events.find(is('exit', { child: stubborn }))).toMatchObject({ code: null, signal: 'SIGKILL' });
  });
});

describe('supervision: stopping the whole tree', () => {
  it('SIGTERM on the master runs onKill in every process of a three-level tree, and the master exits 15', async () => {
    const fx = startMaster({ batches: [[{ file: 'sup-parent.js' }, { file: 'sup-idle.js' }]] });
    await fx.waitFor(is('started'), 'cluster started');
    const parent = (await fx.waitFor(is('ready', { file: 'sup-parent.js' }), 'parent ready')).pid;
    const grandchild = (await fx.waitFor(is('ready', { file: 'sup-idle.js', parent }), 'grandchild ready')).pid;
    const idle = (await fx.waitFor(is('ready', { file: 'sup-idle.js', parent: fx.pid }), 'idle ready')).pid;
    const tree = [fx.pid, parent, grandchild, idle];

    await stopCluster(fx);

    for (const pid of tree) expect(fx.events.filter(is('onkill', { pid }))).toHaveLength(1);
    expect(fx.events.find(is('exit', { child: parent }))).toMatchObject({ code: 143, signal: null });
    expect(fx.events.find(is('exit', { child: idle }))).toMatchObject({ code: 143, signal: null });
    expect(fx.events.find(is('child-exit', { pid: parent, child: grandchild }))).toMatchObject({ code: 143, signal: null });
    await expectAllGone(tree);
  });

  it('SIGKILL of the master leaves no orphan: every descendant notices and exits', async () => {
    const fx = startMaster({ batches: [[{ file: 'sup-parent.js' }, { file: 'sup-idle.js' }]] });
    await fx.waitFor(is('started'), 'cluster started');
    const parent = (await fx.waitFor(is('ready', { file: 'sup-parent.js' }), 'parent ready')).pid;
    const grandchild = (await fx.waitFor(is('ready', { file: 'sup-idle.js', parent }), 'grandchild ready')).pid;
    const idle = (await fx.waitFor(is('ready', { file: 'sup-idle.js', parent: fx.pid }), 'idle ready')).pid;
    for (const pid of [parent, grandchild, idle]) expect(isAlive(pid)).toBe(true);

    process.kill(fx.pid, 'SIGKILL');
    expect(await fx.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // Bounded: children watch their parent through the IPC channel, which closes the instant it dies.
    await expectAllGone([parent, grandchild, idle], 5_000);
  });
});

describe('supervision: a round-robin HTTP worker whose master dies', () => {
  // The worker tells its master it drains over IPC; once the master was gone, that send raised
  // ERR_IPC_CHANNEL_CLOSED as an unhandled 'error' and killed the worker in the middle of its hooks.
  it('runs its kill hooks to the end after the master is SIGKILLed, and exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clustr-rr-kill-'));
    const log = join(dir, 'kill.log');
    try {
      const fx = startMaster({ listen: { port: 0 }, batches: [[{ file: 'sup-http.js', env: { SUP_KILL_LOG: log } }]] });
      const worker = (await fx.waitFor(is('http-ready'), 'worker serving')).pid;
      process.kill(fx.pid, 'SIGKILL');
      expect(await fx.exited).toEqual({ code: null, signal: 'SIGKILL' });
      await expectAllGone([worker], 5_000);
      expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['hook started', 'hook finished']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('supervision: a worker started through a wrapper script (no exec)', () => {
  /** sup-wrapper.sh (bash) runs sup-idle.js as its own child: master -> bash -> node. */
  async function wrapped() {
    const fx = startMaster({ batches: [[{ file: 'sup-wrapper.sh', command: 'bash', env: { SUP_NODE: process.execPath } }]] });
    const wrapper = (await fx.waitFor(is('wrapper'), 'wrapper started')).pid;
    // Registered: it got past the parent check, subscribed and announced itself to the master.
    const ready = await fx.waitFor(is('ready', { file: 'sup-idle.js' }), 'wrapped worker ready');
    expect(ready).toMatchObject({ parent: fx.pid, master: fx.pid });
    expect(ready.pid).not.toBe(wrapper);
    return { fx, wrapper, worker: ready.pid };
  }

  it('runs and registers although its parent process is the shell, and stops with the cluster', async () => {
    const { fx, wrapper, worker } = await wrapped();
    expect(isAlive(worker)).toBe(true);

    await stopCluster(fx);
    // bash dies of the SIGTERM without passing it on; the worker notices that the process
    // that started it is gone (as is the master by now) and stops by itself.
    await expectAllGone([wrapper, worker], 5_000);
  });

  it('still stops when its clustr parent dies by SIGKILL while the wrapper lives on', async () => {
    const { fx, wrapper, worker } = await wrapped();

    process.kill(fx.pid, 'SIGKILL');
    expect(await fx.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // The shell has no way to notice; the worker watches the master's pid itself, and the
    // shell ends when its worker does.
    await expectAllGone([wrapper, worker], 5_000);
  });
});
