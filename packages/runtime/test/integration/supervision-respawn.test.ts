import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killTracked, type FixtureEvent } from './harness';
import { expectAllGone, is, startMaster, stopCluster } from './sup-helpers';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clustr-sup-'));
});

afterEach(async () => {
  await killTracked();
  rmSync(dir, { recursive: true, force: true });
});

describe('supervision: respawn', () => {
  it('respawns a child that exits non-zero, but not one that exits 0, nor one with respawn: false', async () => {
    const fx = startMaster({
      options: { restart: { initialDelay: 50 } },
      batches: [
        [{ file: 'sup-crash-once.js', env: { SUP_STATE: join(dir, 'a') } }, { file: 'sup-exit-zero.js' }, { file: 'sup-exit-one.js', respawn: false }],
        // The barrier: spawned only after both clean/no-respawn exits were seen (see below).
        [{ file: 'sup-crash-once.js', env: { SUP_STATE: join(dir, 'b') } }],
      ],
    });

    // Exit 2 is restarted, and the restarted child comes up.
    const first = await fx.waitFor(is('spawn', { file: 'sup-crash-once.js', respawn: false }), 'crash-once spawned');
    expect(await fx.waitFor(is('exit', { child: first['child'] }), 'crash-once exit')).toMatchObject({ code: 2, signal: null });
    const again = await fx.waitFor(is('spawn', { file: 'sup-crash-once.js', respawn: true, slot: first['slot'] }), 'crash-once respawned');
    expect(again['child']).not.toBe(first['child']);
    await fx.waitFor(is('ready', { pid: again['child'] }), 'respawned crash-once ready');

    expect(await fx.waitFor(is('exit', { file: 'sup-exit-zero.js' }), 'exit-zero exit')).toMatchObject({ code: 0, signal: null });
    expect(await fx.waitFor(is('exit', { file: 'sup-exit-one.js' }), 'exit-one exit')).toMatchObject({ code: 1, signal: null });

    // A restart of either would be scheduled with the first backoff (50 ms) when its exit was handled, which
    // the master has done before printing it. The barrier child is spawned after that, crashes, and gets the
    // same 50 ms backoff; timers of equal delay fire in creation order, so once the barrier child's respawn
    // is printed, any restart of the other two would have been printed before it.
    process.kill(fx.pid, 'SIGUSR2');
    const barrier = await fx.waitFor(is('spawn', { file: 'sup-crash-once.js', respawn: false, slot: 4 }), 'barrier spawned');
    await fx.waitFor(is('exit', { child: barrier['child'], code: 2 }), 'barrier crashed');
    await fx.waitFor(is('spawn', { file: 'sup-crash-once.js', respawn: true, slot: 4 }), 'barrier respawned');

    const spawnsOf = (file: string) => fx.events.filter(is('spawn', { file }));
    expect(spawnsOf('sup-exit-zero.js')).toHaveLength(1);
    expect(spawnsOf('sup-exit-one.js')).toHaveLength(1);
    expect(fx.events.filter(is('exit-zero'))).toHaveLength(1);
    expect(fx.events.filter(is('exit-one'))).toHaveLength(1);

    await stopCluster(fx);
    const stats = fx.events.find(is('onkill', { pid: fx.pid }))!['stats'];
    expect(stats).toMatchObject({ spawnChildProcess: 4, respawnChildProcess: 2, giveUpChildProcess: 0 });
  });

  it('backs off exponentially on a child that crashes at start, then gives up and reports it', async () => {
    const restart = { initialDelay: 50, factor: 2, maxRestarts: 3, window: 60_000 };
    const fx = startMaster({ options: { restart }, logEvents: ['child.backoff', 'child.giveup'], batches: [[{ file: 'sup-crash-start.js' }]] });

    const gaveUp = await fx.waitFor(is('gaveup'), 'give-up');
    expect(gaveUp).toMatchObject({ file: 'sup-crash-start.js', restarts: 3, windowMs: 60_000, giveUps: 1 });

    // One launch and exactly maxRestarts restarts, all in the same slot, each crashing with its own exit code.
    const spawns = fx.events.filter(is('spawn'));
    const exits = fx.events.filter(is('exit'));
    expect(spawns.map((s) => s['respawn'])).toEqual([false, true, true, true]);
    expect(new Set(spawns.map((s) => s['slot']))).toEqual(new Set([gaveUp['slot']]));
    expect(new Set(spawns.map((s) => s['child'])).size).toBe(4);
    expect(exits.map((e) => [e['child'], e['code']])).toEqual(spawns.map((s) => [s['child'], 3]));
    expect(gaveUp['child']).toBe(spawns[3]!['child']);
    await fx.waitForCount(is('crash-start'), 4, 'four crash-start lines');

    // The delay doubles each time, and no restart came before its delay. Timestamps are the master's
    // monotonic clock; a timer may fire up to 1 ms early because libuv schedules in whole milliseconds.
    const backoffs = fx.events.filter((e) => is('log')(e) && (e['record'] as { event: string }).event === 'child.backoff');
    const delays = backoffs.map((b) => (b['record'] as { delayMs: number }).delayMs);
    expect(delays).toEqual([50, 100, 200]);
    for (let i = 0; i < 3; i++) {
      const gap = (spawns[i + 1]!['t'] as number) - (exits[i]!['t'] as number);
      expect(gap).toBeGreaterThanOrEqual(delays[i]! - 1);
    }

    // After the fourth exit the supervisor logs the give-up instead of a backoff: no restart is ever scheduled.
    const order = (e: FixtureEvent) => fx.events.indexOf(e);
    const giveUpLog = fx.events.find((e) => is('log')(e) && (e['record'] as { event: string }).event === 'child.giveup')!;
    expect(giveUpLog['level']).toBe('error');
    expect(order(giveUpLog)).toBeGreaterThan(order(exits[3]!));
    expect(backoffs.every((b) => order(b) < order(exits[3]!))).toBe(true);

    await stopCluster(fx);
    const stats = fx.events.find(is('onkill', { pid: fx.pid }))!['stats'];
    expect(stats).toMatchObject({ spawnChildProcess: 1, respawnChildProcess: 3, giveUpChildProcess: 1 });
    expect(fx.events.filter(is('spawn'))).toHaveLength(4);
    await expectAllGone(spawns.map((s) => s['child'] as number));
  });
});
