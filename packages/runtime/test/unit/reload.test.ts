// The rolling reload state machine, driven deterministically on the manual clock.
import { createTestCluster, type TestCluster } from '@clustr/testkit';
import type { Master, MasterOptions, ReloadResult } from '@clustr/runtime';
import { argOf, recordingLogger, type RecordingLogger } from './helpers';
import { RELOAD_TRANSITIONS, ReloadMachine } from '../../src/reload/reload-machine';
import type { Slot } from '../../src/supervision/supervisor';
import mitt from 'mitt';
import { ManualClock } from '@clustr/testkit';
import type { RuntimeEvents } from '../../src/process/events';
import type { Emitter } from 'mitt';

/** How long an app takes to start before it calls emitReady() (which registers at once). */
const READY_DELAY = 50;
/** The master's reloadDelay: how long it lets a registered replacement settle. */
const SETTLE = 200;

type Mode = 'ready' | 'never-ready' | 'crash';

interface Fixture {
  cluster: TestCluster;
  master: Master;
  logger: RecordingLogger;
  /** What the next app.js processes to start do, in order; then `mode`. */
  queue: Mode[];
  /** What an app.js process does when `queue` is empty. */
  mode: Mode;
  /** How long onKill takes to call done() in app.js processes (0: at once). */
  killDelay: number;
  reloaded: ReloadResult[];
  failed: ReloadResult[];
  /** Pids of the first generation, in slot order. */
  initial: number[];
}

/** Every master logger of this file: the transitions they saw are checked against TRANSITIONS at the end. */
const loggers: RecordingLogger[] = [];

async function fixture(count: number, options: Omit<MasterOptions, 'platform' | 'logger'> = {}): Promise<Fixture> {
  const cluster = createTestCluster({ clock: 'manual' });
  const logger = recordingLogger(() => cluster.clock.now());
  loggers.push(logger);
  const f = { cluster, logger, queue: [], mode: 'ready', killDelay: 0, reloaded: [], failed: [], initial: [] } as unknown as Fixture;
  cluster.program('app.js', (ctx) => {
    const mode = f.queue.shift() ?? f.mode;
    if (mode === 'crash') {
      ctx.platform.exit(1);
      return;
    }
    const worker = ctx.createWorker({ group: 'app' });
    worker.onKill((done) => {
      if (f.killDelay === 0) done();
      else ctx.platform.clock.setTimeout(done, f.killDelay);
    });
    if (mode === 'ready') ctx.platform.clock.setTimeout(() => void worker.emitReady(), READY_DELAY);
  });
  f.master = cluster.createMaster({ reloadDelay: SETTLE, ...options, logger });
  f.master.onClusterReloaded((result) => f.reloaded.push(result));
  f.master.onReloadFailed((result) => f.failed.push(result));
  if (count > 0) {
    f.master.spawn(Array.from({ length: count }, () => ({ file: 'app.js' })));
    await cluster.until(() => (f.master.clusterInfo['app']?.length ?? 0) === count);
  }
  f.initial = logger.events('child.spawn').map((r) => r['pid'] as number);
  return f;
}

function transitions(logger: RecordingLogger): string[] {
  return logger.events('reload.state').map((r) => `${String(r['from'])}->${String(r['to'])}`);
}

function appPids(f: Fixture): number[] {
  return [...(f.master.clusterInfo['app'] ?? [])].sort((a, b) => a - b);
}

/** The running app.js processes. */
function aliveApps(f: Fixture): number[] {
  return f.cluster.alivePids().filter((pid) => pid !== f.master.pid);
}

test('SIGHUP replaces every worker one at a time: register, settle reloadDelay, retire the old one, then the next', async () => {
  const f = await fixture(3);
  const slots = f.logger.events('child.spawn').map((r) => r['slot'] as number);
  expect(slots).toEqual([1, 2, 3]);
  const t0 = f.cluster.clock.now();
  const from = f.logger.records.length;
  f.cluster.signal(f.master.pid, 'SIGHUP');
  await f.cluster.until(() => f.reloaded.length === 1);
  await f.cluster.settle();

  const [result] = f.reloaded as [ReloadResult];
  expect(result.ok).toBe(true);
  expect(result.replaced.map((r) => r.from)).toEqual(f.initial);
  const fresh = result.replaced.map((r) => r.to);
  expect(new Set([...fresh, ...f.initial]).size).toBe(6);
  expect(appPids(f)).toEqual([...fresh].sort((a, b) => a - b));
  expect(aliveApps(f)).toEqual(fresh);
  for (const pid of f.initial) expect(f.cluster.process(pid).exit).toEqual({ code: 143, signal: null });

  // The exact order and timing of every step.
  const step = READY_DELAY + SETTLE;
  const expected: string[] = [];
  f.initial.forEach((_, i) => {
    const at = i * step;
    expected.push(`${at} state ${i === 0 ? 'idle' : 'retiring'}->replacing slot ${slots[i]!}`, `${at} spawn ${fresh[i]!}`);
    // The old child of the step before drains while this one starts.
    if (i > 0) expected.push(`${at} exit ${f.initial[i - 1]!} 143`);
    expected.push(
      `${at + READY_DELAY} register ${fresh[i]!}`,
      `${at + READY_DELAY} state replacing->settling slot ${slots[i]!}`,
      `${at + step} state settling->retiring slot ${slots[i]!}`,
    );
  });
  expected.push(`${3 * step} exit ${f.initial[2]!} 143`, `${3 * step} state retiring->completed`, `${3 * step} state completed->idle`);
  const seen = f.logger.records
    .slice(from)
    .flatMap((r) => {
      const at = r.at! - t0;
      const e = r.fields;
      switch (e.event) {
        case 'reload.state':
          return [`${at} state ${String(e['from'])}->${String(e['to'])}${e['slot'] === undefined ? '' : ` slot ${String(e['slot'])}`}`];
        case 'child.spawn':
          return [`${at} spawn ${String(e['pid'])}`];
        case 'registry.add':
          return [`${at} register ${String(e['pid'])}`];
        case 'child.exit':
          return [`${at} exit ${String(e['pid'])} ${String(e['code'])}`];
        default:
          return [];
      }
    });
  expect(seen).toEqual(expected);
  expect(transitions(f.logger)).toEqual([
    'idle->replacing',
    'replacing->settling',
    'settling->retiring',
    'retiring->replacing',
    'replacing->settling',
    'settling->retiring',
    'retiring->replacing',
    'replacing->settling',
    'settling->retiring',
    'retiring->completed',
    'completed->idle',
  ]);
  expect(f.failed).toEqual([]);
  expect(f.master.reloadState).toBe('idle');
  expect(f.logger.events('reload.completed')).toEqual([{ event: 'reload.completed', replaced: result.replaced }]);
  expect(f.logger.events('cluster.reload')).toEqual([{ event: 'cluster.reload', result: 'completed' }]);
  // Replacements are not respawns: they are new children.
  expect(f.master.stats).toMatchObject({ spawnChildProcess: 6, respawnChildProcess: 0 });

  // The reloaded cluster reloads again.
  const again = await Promise.all([f.master.reload(), f.cluster.until(() => f.reloaded.length === 2)]);
  expect(again[0].replaced.map((r) => r.from)).toEqual(fresh);
  await f.cluster.close();
});

test('an old child drains while the next replacement starts; the next old child is signalled only once it has exited', async () => {
  const f = await fixture(3);
  // Each old child takes 400 ms to exit after SIGTERM: longer than a replacement's start and settle (250 ms).
  f.killDelay = 400;
  const t0 = f.cluster.clock.now();
  const from = f.logger.records.length;
  const result = await Promise.all([f.master.reload(), f.cluster.until(() => f.reloaded.length === 1)]).then(([r]) => r);
  expect(result.ok).toBe(true);
  const fresh = result.replaced.map((r) => r.to);
  const [old1, old2, old3] = f.initial as [number, number, number];
  const seen = f.logger.records.slice(from).flatMap((r) => {
    const at = r.at! - t0;
    const e = r.fields;
    if (e.event === 'child.spawn') return [`${at} spawn ${String(e['pid'])}`];
    if (e.event === 'child.exit') return [`${at} exit ${String(e['pid'])}`];
    if (e.event === 'reload.state' && e['to'] === 'completed') return [`${at} completed`];
    return [];
  });
  const step = READY_DELAY + SETTLE;
  expect(seen).toEqual([
    `0 spawn ${fresh[0]!}`,
    // old1 is signalled at 250 and exits at 650; the second replacement starts at 250 all the same.
    `${step} spawn ${fresh[1]!}`,
    `${step + 400} exit ${old1}`,
    // The second replacement settled at 500; old2 is signalled once old1 is gone (650), the third starts then.
    `${step + 400} spawn ${fresh[2]!}`,
    `${step + 800} exit ${old2}`,
    `${step + 1200} exit ${old3}`,
    `${step + 1200} completed`,
  ]);
  // One step at a time as before (3 x 650 ms = 1950 ms), less each drain that overlapped a start.
  expect(f.cluster.clock.now() - t0).toBe(step + 1200);
  // Never fewer registered app workers than the 3 before the reload, counted along the master's log.
  let registered = 3;
  const counts = f.logger.records.slice(from).flatMap((r) => {
    if (r.fields.event === 'registry.add') registered++;
    else if (r.fields.event === 'registry.remove') registered--;
    else return [];
    return [registered];
  });
  expect(counts).toHaveLength(6);
  expect(Math.min(...counts)).toBe(3);
  await f.cluster.close();
});

test('a replacement that never calls emitReady fails the reload at readyTimeout; it is removed and the old workers keep running', async () => {
  const f = await fixture(3, { readyTimeout: 1_000 });
  f.mode = 'never-ready';
  const t0 = f.cluster.clock.now();
  const reload = f.master.reload();
  await f.cluster.advance(999);
  expect(f.master.reloadState).toBe('replacing');
  const replacement = f.logger.events('child.spawn')[3]!['pid'] as number;
  expect(f.cluster.process(replacement).state).toBe('running');
  await f.cluster.advance(1);
  const result = await reload;

  expect(result).toEqual({ ok: false, replaced: [], failure: { reason: 'ready-timeout', slot: 4, pid: replacement } });
  expect(f.failed).toEqual([result]);
  expect(f.reloaded).toEqual([]);
  expect(f.cluster.process(replacement).exit).toEqual({ code: 143, signal: null });
  expect(aliveApps(f)).toEqual(f.initial);
  expect(appPids(f)).toEqual(f.initial);
  expect(transitions(f.logger)).toEqual(['idle->replacing', 'replacing->failed', 'failed->idle']);
  const failed = f.logger.records.find((r) => r.fields.event === 'reload.failed')!;
  expect(failed).toMatchObject({ level: 'error', at: t0 + 1_000, fields: { reason: 'ready-timeout', slot: 1, pid: replacement, timeoutMs: 1_000 } });
  expect(f.master.reloadState).toBe('idle');

  // The removed replacement is not respawned.
  await f.cluster.advance(60_000);
  expect(f.logger.events('child.spawn')).toHaveLength(4);
  await f.cluster.close();
});

test('a failure after some workers were replaced keeps the replaced ones and the old ones not yet reached', async () => {
  const f = await fixture(3, { readyTimeout: 1_000 });
  // The first replacement gets ready; every later one never registers.
  f.queue = ['ready'];
  f.mode = 'never-ready';
  const result = await Promise.all([f.master.reload(), f.cluster.until(() => f.failed.length === 1)]).then(([r]) => r);
  const [first, second] = f.logger.events('child.spawn').slice(3).map((r) => r['pid'] as number) as [number, number];
  expect(result).toEqual({ ok: false, replaced: [{ from: f.initial[0], to: first }], failure: { reason: 'ready-timeout', slot: 5, pid: second } });
  expect(aliveApps(f)).toEqual([f.initial[1], f.initial[2], first]);
  expect(appPids(f)).toEqual([f.initial[1]!, f.initial[2]!, first].sort((a, b) => a - b));
  expect(transitions(f.logger)).toEqual(['idle->replacing', 'replacing->settling', 'settling->retiring', 'retiring->replacing', 'replacing->failed', 'failed->idle']);
  await f.cluster.close();
});

test('a replacement that exits fails the reload (replacement-exited) and is not respawned', async () => {
  const f = await fixture(2);
  f.mode = 'crash';
  const t0 = f.cluster.clock.now();
  const result = await Promise.all([f.master.reload(), f.cluster.until(() => f.failed.length === 1)]).then(([r]) => r);
  const replacement = f.logger.events('child.spawn')[2]!['pid'] as number;
  expect(result).toEqual({ ok: false, replaced: [], failure: { reason: 'replacement-exited', slot: 3, pid: replacement } });
  expect(f.cluster.clock.now()).toBe(t0);
  expect(transitions(f.logger)).toEqual(['idle->replacing', 'replacing->failed', 'failed->idle']);
  await f.cluster.advance(60_000);
  expect(f.logger.events('child.spawn')).toHaveLength(3);
  expect(f.master.stats.respawnChildProcess).toBe(0);
  expect(aliveApps(f)).toEqual(f.initial);
  await f.cluster.close();
});

test('SIGHUPs during a reload queue exactly one more reload', async () => {
  const f = await fixture(2);
  f.cluster.signal(f.master.pid, 'SIGHUP');
  await f.cluster.advance(READY_DELAY); // first replacement registered, settling
  expect(f.master.reloadState).toBe('settling');
  f.cluster.signal(f.master.pid, 'SIGHUP');
  f.cluster.signal(f.master.pid, 'SIGHUP');
  await f.cluster.until(() => f.master.reloadState === 'idle' && f.reloaded.length > 0);
  await f.cluster.advance(10 * (READY_DELAY + SETTLE));

  expect(f.logger.events('reload.start')).toHaveLength(2);
  expect(f.logger.events('reload.queued')).toHaveLength(2);
  expect(f.logger.events('reload.completed')).toHaveLength(2);
  expect(transitions(f.logger).filter((t) => t === 'completed->idle')).toHaveLength(2);
  const [firstRun, secondRun] = f.logger.events('reload.completed').map((r) => r['replaced'] as ReloadResult['replaced']) as [ReloadResult['replaced'], ReloadResult['replaced']];
  expect(firstRun.map((r) => r.from)).toEqual(f.initial);
  expect(secondRun.map((r) => r.from)).toEqual(firstRun.map((r) => r.to));
  expect(aliveApps(f)).toEqual(secondRun.map((r) => r.to));
  // One onClusterReloaded per reload that ran, each with its own pid map.
  expect(f.reloaded).toEqual([
    { ok: true, replaced: firstRun },
    { ok: true, replaced: secondRun },
  ]);
  await f.cluster.close();
});

test('each reload() resolves with the reload that covers it: the first with its own, a queued one with the next', async () => {
  const f = await fixture(1);
  const first = f.master.reload();
  await f.cluster.advance(READY_DELAY);
  const second = f.master.reload();
  const [a, b] = await Promise.all([first, second, f.cluster.until(() => f.logger.events('reload.completed').length === 2)]);
  expect(a.replaced[0]!.from).toBe(f.initial[0]);
  expect(b.replaced[0]!.from).toBe(a.replaced[0]!.to);
  expect(f.reloaded).toEqual([a, b]);
  await f.cluster.close();
});

describe('the master stopping during a reload cancels it', () => {
  test('while replacing: the replacement is removed, the reload fails as cancelled, master exits 15', async () => {
    const f = await fixture(2);
    f.mode = 'never-ready';
    const reload = f.master.reload();
    await f.cluster.advance(10);
    f.cluster.signal(f.master.pid, 'SIGTERM');
    const result = await reload;
    expect(result).toMatchObject({ ok: false, replaced: [], failure: { reason: 'cancelled', slot: 3 } });
    expect(transitions(f.logger)).toEqual(['idle->replacing', 'replacing->failed', 'failed->idle']);
    await f.cluster.until(() => f.cluster.alivePids().length === 0);
    expect(f.cluster.process(f.master.pid).exit).toEqual({ code: 15, signal: null });
    expect(f.failed).toEqual([result]);
  });

  test('while settling', async () => {
    const f = await fixture(2);
    const reload = f.master.reload();
    await f.cluster.advance(READY_DELAY + 10);
    expect(f.master.reloadState).toBe('settling');
    f.cluster.signal(f.master.pid, 'SIGTERM');
    const result = await reload;
    expect(result).toEqual({ ok: false, replaced: [], failure: { reason: 'cancelled', slot: 1, pid: f.initial[0] } });
    expect(transitions(f.logger)).toEqual(['idle->replacing', 'replacing->settling', 'settling->failed', 'failed->idle']);
    await f.cluster.until(() => f.cluster.alivePids().length === 0);
  });

  test('while retiring (with children left to replace)', async () => {
    const f = await fixture(2);
    f.killDelay = 1_000;
    const reload = f.master.reload();
    // The second replacement is up and settled; its old child waits for the first old one's drain.
    await f.cluster.advance(2 * (READY_DELAY + SETTLE) + 10);
    expect(f.master.reloadState).toBe('retiring');
    expect(f.cluster.process(f.initial[1]!).exit).toBeUndefined();
    f.cluster.signal(f.master.pid, 'SIGTERM');
    await f.cluster.settle();
    expect(f.master.reloadState).toBe('retiring');
    await f.cluster.advance(1_000);
    const result = await reload;
    expect(result).toMatchObject({ ok: false, failure: { reason: 'cancelled', slot: 2, pid: f.initial[1] } });
    expect(result.replaced).toEqual([{ from: f.initial[0], to: expect.any(Number) }]);
    expect(transitions(f.logger)).toEqual([
      'idle->replacing',
      'replacing->settling',
      'settling->retiring',
      'retiring->replacing',
      'replacing->settling',
      'settling->retiring',
      'retiring->failed',
      'failed->idle',
    ]);
    await f.cluster.until(() => f.cluster.alivePids().length === 0);
  });

  test('reload() after the master stopped rejects with CLUSTR_CLOSED', async () => {
    const f = await fixture(0);
    await f.master.close(0);
    await expect(f.master.reload()).rejects.toMatchObject({ code: 'CLUSTR_CLOSED' });
  });
});

test('reloading a cluster with no children goes idle -> completed -> idle', async () => {
  const f = await fixture(0);
  await expect(f.master.reload()).resolves.toEqual({ ok: true, replaced: [] });
  expect(transitions(f.logger)).toEqual(['idle->completed', 'completed->idle']);
  expect(f.reloaded).toEqual([{ ok: true, replaced: [] }]);
  expect(f.master.reloadState).toBe('idle');
  await f.cluster.close();
});

test('children that are not running (given up, exited 0) are skipped', async () => {
  const f = await fixture(1, { restart: { maxRestarts: 0 } });
  f.mode = 'crash';
  f.master.spawn([{ file: 'app.js' }]);
  await f.cluster.until(() => f.master.stats.giveUpChildProcess === 1);
  f.mode = 'ready';
  const result = await Promise.all([f.master.reload(), f.cluster.until(() => f.reloaded.length === 1)]).then(([r]) => r);
  expect(result.replaced.map((r) => r.from)).toEqual(f.initial);
  expect(transitions(f.logger)).toEqual(['idle->replacing', 'replacing->settling', 'settling->retiring', 'retiring->completed', 'completed->idle']);
  await f.cluster.close();
});

describe('children that never register (ready: "spawn", the default with a command)', () => {
  /**
   * A master with [report.sh (bash), app.js, sidecar.sh (bash)]. The scripts never register;
   * each records how many processes of its own file were alive when it started.
   */
  async function mixed() {
    const f = await fixture(0);
    const overlap: Record<string, number[]> = { 'report.sh': [], 'sidecar.sh': [] };
    for (const file of Object.keys(overlap)) {
      f.cluster.program(file, () => {
        overlap[file]!.push(f.cluster.processes.filter((p) => p.state === 'running' && p.file === `/app/${file}`).length);
      });
    }
    let started = 0;
    f.master.onClusterStarted(() => started++);
    f.master.spawn([
      { file: 'report.sh', command: 'bash', respawn: false },
      { file: 'app.js' },
      { file: 'sidecar.sh', command: 'bash' },
    ]);
    await f.cluster.until(() => started === 1);
    f.initial = f.logger.events('child.spawn').map((r) => r['pid'] as number);
    return { f, overlap, started: () => started };
  }

  test('they count as started when spawned: onClusterStarted fires once the node child has registered', async () => {
    const { f, started } = await mixed();
    const [report, app, sidecar] = f.initial as [number, number, number];
    expect(started()).toBe(1);
    expect(appPids(f)).toEqual([app]);
    expect(f.logger.events('cluster.started')).toEqual([{ event: 'cluster.started', children: [report, app, sidecar] }]);
    await f.cluster.close();
  });

  test('a reload restarts them in place (stop, then start, never two at once) and replaces the node child as before', async () => {
    const { f, overlap } = await mixed();
    const [report, app, sidecar] = f.initial as [number, number, number];
    const t0 = f.cluster.clock.now();
    const from = f.logger.records.length;
    const result = await Promise.all([f.master.reload(), f.cluster.until(() => f.reloaded.length === 1)]).then(([r]) => r);
    await f.cluster.settle();

    expect(result.ok).toBe(true);
    expect(result.replaced.map((r) => r.from)).toEqual([report, app, sidecar]);
    const [newReport, newApp, newSidecar] = result.replaced.map((r) => r.to) as [number, number, number];
    expect(overlap).toEqual({ 'report.sh': [1, 1], 'sidecar.sh': [1, 1] });
    expect(aliveApps(f)).toEqual([newReport, newApp, newSidecar].sort((a, b) => a - b));
    expect(appPids(f)).toEqual([newApp]);
    for (const pid of [report, sidecar]) expect(f.cluster.process(pid).exit).toEqual({ code: null, signal: 'SIGTERM' });

    // The order and timing of every step: an in-place restart stops the old child first and
    // settles the new one for reloadDelay; the node child is replaced as before.
    const seen = f.logger.records.slice(from).flatMap((r) => {
      const at = r.at! - t0;
      const e = r.fields;
      if (e.event === 'reload.state') return [`${at} ${String(e['from'])}->${String(e['to'])}`];
      if (e.event === 'child.spawn') return [`${at} spawn ${String(e['pid'])}`];
      if (e.event === 'child.exit') return [`${at} exit ${String(e['pid'])}`];
      return [];
    });
    const afterReport = SETTLE;
    const afterApp = afterReport + READY_DELAY + SETTLE;
    expect(seen).toEqual([
      `0 idle->replacing`,
      `0 exit ${report}`,
      `0 spawn ${newReport}`,
      `0 replacing->settling`,
      `${afterReport} settling->replacing`,
      `${afterReport} spawn ${newApp}`,
      `${afterReport + READY_DELAY} replacing->settling`,
      `${afterApp} settling->retiring`,
      `${afterApp} retiring->replacing`,
      // The in-place restart waits for the app's old child to have drained, then stops its own.
      `${afterApp} exit ${app}`,
      `${afterApp} exit ${sidecar}`,
      `${afterApp} spawn ${newSidecar}`,
      `${afterApp} replacing->settling`,
      `${afterApp + SETTLE} settling->completed`,
      `${afterApp + SETTLE} completed->idle`,
    ]);

    // Nothing is left running twice after a second reload either.
    await Promise.all([f.master.reload(), f.cluster.until(() => f.reloaded.length === 2)]);
    expect(overlap).toEqual({ 'report.sh': [1, 1, 1], 'sidecar.sh': [1, 1, 1] });
    expect(aliveApps(f)).toHaveLength(3);
    await f.cluster.close();
  });

  test('one that exits while settling after its restart fails the reload (replacement-exited); it is left to its restart policy', async () => {
    const f = await fixture(0);
    let launches = 0;
    f.cluster.program('flaky.sh', (ctx) => {
      // The restarted one crashes while settling; its respawn stays up.
      if (++launches === 2) ctx.platform.clock.setTimeout(() => ctx.platform.exit(1), 10);
    });
    f.master.spawn([{ file: 'flaky.sh', command: 'bash' }, { file: 'app.js' }]);
    await f.cluster.until(() => appPids(f).length === 1);
    const result = await Promise.all([f.master.reload(), f.cluster.until(() => f.failed.length === 1)]).then(([r]) => r);
    const restarted = f.logger.events('child.spawn')[2]!;
    expect(result).toEqual({ ok: false, replaced: [], failure: { reason: 'replacement-exited', slot: restarted['slot'], pid: restarted['pid'] } });
    expect(transitions(f.logger)).toEqual(['idle->replacing', 'replacing->settling', 'settling->failed', 'failed->idle']);
    // Not removed like a replacement that has an old child to fall back on: respawned by the supervisor.
    await f.cluster.until(() => f.master.stats.respawnChildProcess === 1);
    expect(launches).toBe(3);
    await f.cluster.close();
  });
});

test('ready overrides the default: a node child with ready "spawn" counts when spawned; a bash child with ready "register" is awaited and replaced by registration', async () => {
  const f = await fixture(0);
  // A wrapper that execs a clustr worker: same pid, so it can register for itself.
  f.cluster.program('exec.sh', (ctx) => {
    const worker = ctx.createWorker({ group: 'exec' });
    ctx.platform.clock.setTimeout(() => void worker.emitReady(), READY_DELAY);
  });
  f.cluster.program('quiet.js', () => undefined);
  let started = 0;
  f.master.onClusterStarted(() => started++);
  f.master.spawn([
    { file: 'quiet.js', ready: 'spawn' },
    { file: 'exec.sh', command: 'bash', ready: 'register' },
  ]);
  await f.cluster.advance(READY_DELAY - 1);
  expect(started).toBe(0);
  await f.cluster.advance(1);
  expect(started).toBe(1);
  const [quiet, exec] = f.logger.events('child.spawn').map((r) => r['pid'] as number) as [number, number];
  const result = await Promise.all([f.master.reload(), f.cluster.until(() => f.reloaded.length === 1)]).then(([r]) => r);
  expect(result.replaced.map((r) => r.from)).toEqual([quiet, exec]);
  const newExec = result.replaced[1]!.to;
  expect(f.master.clusterInfo['exec']).toEqual([newExec]);
  // quiet.js was restarted in place (stopped first), exec.sh replaced after its replacement registered.
  expect(transitions(f.logger)).toEqual(['idle->replacing', 'replacing->settling', 'settling->replacing', 'replacing->settling', 'settling->retiring', 'retiring->completed', 'completed->idle']);
  await f.cluster.close();
});

describe('reloadConcurrency', () => {
  test('replaces children two at a time: both replacements ready and settled, then both old ones go; never fewer ready than before', async () => {
    const f = await fixture(4, { reloadConcurrency: 2 });
    const t0 = f.cluster.clock.now();
    const ready: number[] = [];
    // After every step of the simulation: how many app processes are registered and alive.
    const sample = () => ready.push((f.master.clusterInfo['app'] ?? []).filter((pid) => f.cluster.process(pid).state === 'running').length);
    f.cluster.signal(f.master.pid, 'SIGHUP');
    while (f.reloaded.length === 0) {
      await f.cluster.advance(10);
      sample();
    }
    const [result] = f.reloaded as [ReloadResult];
    expect(result.ok).toBe(true);
    expect(result.replaced.map((r) => r.from)).toEqual(f.initial);
    expect(Math.min(...ready)).toBeGreaterThanOrEqual(4);
    expect(Math.max(...ready)).toBe(6);
    // Two steps of READY_DELAY + SETTLE instead of four.
    expect(f.cluster.clock.now() - t0).toBeLessThanOrEqual(2 * (READY_DELAY + SETTLE) + 10);
    const spawnTimes = f.logger.records.filter((r) => r.fields.event === 'child.spawn' && (r.at ?? 0) >= t0).map((r) => r.at! - t0);
    expect(spawnTimes).toEqual([0, 0, READY_DELAY + SETTLE, READY_DELAY + SETTLE]);
    await f.cluster.close();
  });

  test('one replacement of a batch that never becomes ready fails the reload: both replacements go, both old children stay', async () => {
    const f = await fixture(2, { reloadConcurrency: 2, readyTimeout: 1_000 });
    f.queue.push('ready', 'never-ready');
    f.cluster.signal(f.master.pid, 'SIGHUP');
    await f.cluster.until(() => f.failed.length === 1);
    const [result] = f.failed as [ReloadResult];
    expect(result).toMatchObject({ ok: false, replaced: [], failure: { reason: 'ready-timeout' } });
    await f.cluster.settle();
    expect(aliveApps(f)).toEqual(f.initial);
    expect(appPids(f)).toEqual([...f.initial].sort((a, b) => a - b));
    await f.cluster.close();
  });

  test('must be a whole number of at least 1', () => {
    const cluster = createTestCluster({ clock: 'manual' });
    for (const bad of [0, 1.5, '2']) expect(() => cluster.createMaster({ reloadConcurrency: bad as number })).toThrow(expect.objectContaining({ code: 'CLUSTR_INVALID_OPTION', field: 'reloadConcurrency' }));
  });
});

// Runs last: the tests above must between them have taken every allowed transition.
test('every transition of RELOAD_TRANSITIONS was exercised, and no other', () => {
  const allowed = new Set(Object.entries(RELOAD_TRANSITIONS).flatMap(([from, targets]) => targets.map((to) => `${from}->${to}`)));
  expect(allowed.size).toBe(13);
  const seen = new Set(loggers.flatMap(transitions));
  expect([...seen].sort()).toEqual([...allowed].sort());
});

describe('a replacement that dies while the step before drains', () => {
  // The old child of a step is stopped only once the old child of the step before has exited,
  // which may take its whole drain. A replacement that died during that wait was not noticed,
  // and its old child was stopped anyway: one worker fewer than before the reload.
  test('fails the reload and keeps its old child', async () => {
    const f = await fixture(2);
    f.killDelay = 1_000;
    const reload = f.master.reload();
    // Replacement 2 registered at 300 and settled at 500; old 1 drains until 1250.
    await f.cluster.advance(2 * (READY_DELAY + SETTLE) + 100);
    expect(f.master.reloadState).toBe('retiring');
    const spawned = f.logger.events('child.spawn').map((r) => r['pid'] as number);
    const second = spawned[spawned.length - 1]!;
    f.cluster.signal(second, 'SIGKILL');
    await f.cluster.until(() => f.failed.length === 1);
    const result = await reload;
    expect(f.failed).toEqual([result]);
    expect(result).toMatchObject({ ok: false, failure: { reason: 'replacement-exited', pid: second } });
    expect(result.replaced.map((r) => r.from)).toEqual([f.initial[0]]);
    // The second old child was never signalled and still serves, beside the first replacement.
    expect(f.cluster.process(f.initial[1]!).exit).toBeUndefined();
    expect(appPids(f)).toEqual([result.replaced[0]!.to, f.initial[1]!].sort((a, b) => a - b));
    await f.cluster.close();
  });
});

/** Every reload state change logged from record `from` on, as `<ms after t0> <from>-><to>[ slot N]`. */
function timedStates(f: Fixture, from: number, t0: number): string[] {
  return f.logger.records.slice(from).flatMap((r) => {
    const e = r.fields;
    if (e.event !== 'reload.state') return [];
    return [`${r.at! - t0} ${String(e['from'])}->${String(e['to'])}${e['slot'] === undefined ? '' : ` slot ${String(e['slot'])}`}`];
  });
}

/** The pids of the children the master started (spawned or respawned) from record `from` on, in order. */
function spawnedSince(f: Fixture, from: number): number[] {
  return f.logger.records.slice(from).flatMap((r) => (r.fields.event === 'child.spawn' || r.fields.event === 'child.respawn' ? [r.fields['pid'] as number] : []));
}

describe('other processes while a replacement is awaited', () => {
  test('another process registering or exiting changes nothing: the reload waits for its own replacement, then settles it', async () => {
    const f = await fixture(2);
    // A process of another group: registers at once, exits `--life` ms later (exit 0: not respawned).
    f.cluster.program('other.js', (ctx) => {
      void ctx.createWorker({ group: 'other' }).emitReady();
      ctx.platform.clock.setTimeout(() => ctx.platform.exit(0), Number(argOf(ctx.argv, 'life')));
    });
    const t0 = f.cluster.clock.now();
    const from = f.logger.records.length;
    const reload = f.master.reload();
    await f.cluster.advance(10);
    // The first replacement registers at READY_DELAY (50); these register at 10 and exit at 20 (still
    // replacing) and at 110 (settling).
    f.master.spawn([{ file: 'other.js', args: { life: 10 } }, { file: 'other.js', args: { life: 100 } }]);
    await f.cluster.advance(READY_DELAY - 20);
    const [replacement1, short, long] = spawnedSince(f, from) as [number, number, number];
    expect(f.master.clusterInfo['other']).toEqual([long]);
    expect(f.cluster.process(short).exit).toEqual({ code: 0, signal: null });
    expect(f.cluster.process(replacement1).state).toBe('running');
    // Neither the other registrations nor the other exit counted: still waiting for replacement1.
    expect(f.master.reloadState).toBe('replacing');
    expect(f.master.clusterInfo['app']).toEqual(f.initial);

    const result = await Promise.all([reload, f.cluster.until(() => f.reloaded.length === 1)]).then(([r]) => r);
    expect(f.cluster.process(long).exit).toEqual({ code: 0, signal: null });
    const replacement2 = spawnedSince(f, from)[3]!;
    expect(result).toEqual({ ok: true, replaced: [{ from: f.initial[0], to: replacement1 }, { from: f.initial[1], to: replacement2 }] });
    expect(f.failed).toEqual([]);
    // The same steps, at the same times, as a reload nothing disturbs.
    const step = READY_DELAY + SETTLE;
    expect(timedStates(f, from, t0)).toEqual([
      '0 idle->replacing slot 1',
      `${READY_DELAY} replacing->settling slot 1`,
      `${step} settling->retiring slot 1`,
      `${step} retiring->replacing slot 2`,
      `${step + READY_DELAY} replacing->settling slot 2`,
      `${2 * step} settling->retiring slot 2`,
      `${2 * step} retiring->completed`,
      `${2 * step} completed->idle`,
    ]);
    expect(appPids(f)).toEqual([replacement1, replacement2].sort((a, b) => a - b));
    await f.cluster.close();
  });

  test('a registration from a grandchild (a worker\'s own child) is not the replacement registering', async () => {
    const f = await fixture(0);
    // Each parent.js worker starts a child of its own at once; the grandchild registers before its parent does.
    f.cluster.program('parent.js', (ctx) => {
      const worker = ctx.createWorker({ group: 'parent' });
      worker.spawn([{ file: 'grandchild.js' }]);
      ctx.platform.clock.setTimeout(() => void worker.emitReady(), READY_DELAY);
    });
    f.cluster.program('grandchild.js', (ctx) => void ctx.createWorker({ group: 'grandchild' }).emitReady());
    f.master.spawn([{ file: 'parent.js' }]);
    await f.cluster.until(() => f.master.clusterInfo['parent']?.length === 1);
    const [parent] = f.master.clusterInfo['parent'] as [number];
    const t0 = f.cluster.clock.now();
    const from = f.logger.records.length;
    const reload = f.master.reload();
    await f.cluster.advance(READY_DELAY - 1);
    // The replacement's own child has registered; the replacement itself not yet.
    expect(f.master.clusterInfo['grandchild']).toHaveLength(2);
    expect(f.master.reloadState).toBe('replacing');
    const result = await Promise.all([reload, f.cluster.until(() => f.reloaded.length === 1)]).then(([r]) => r);
    expect(result.replaced).toEqual([{ from: parent, to: spawnedSince(f, from)[0] }]);
    expect(timedStates(f, from, t0)).toEqual([
      '0 idle->replacing slot 1',
      `${READY_DELAY} replacing->settling slot 1`,
      `${READY_DELAY + SETTLE} settling->retiring slot 1`,
      `${READY_DELAY + SETTLE} retiring->completed`,
      `${READY_DELAY + SETTLE} completed->idle`,
    ]);
    await f.cluster.close();
  });
});

describe('a child that stops before its turn comes', () => {
  test('one given up (stopped for good) is skipped: no replacement is started for it and the reload completes', async () => {
    const f = await fixture(3, { restart: { maxRestarts: 0 } });
    const t0 = f.cluster.clock.now();
    const from = f.logger.records.length;
    const reload = f.master.reload();
    await f.cluster.advance(10);
    f.cluster.signal(f.initial[2]!, 'SIGKILL');
    await f.cluster.until(() => f.master.stats.giveUpChildProcess === 1);
    const result = await Promise.all([reload, f.cluster.until(() => f.reloaded.length === 1)]).then(([r]) => r);
    const fresh = spawnedSince(f, from);
    expect(fresh).toHaveLength(2);
    expect(result).toEqual({ ok: true, replaced: [{ from: f.initial[0], to: fresh[0] }, { from: f.initial[1], to: fresh[1] }] });
    const step = READY_DELAY + SETTLE;
    expect(timedStates(f, from, t0)).toEqual([
      '0 idle->replacing slot 1',
      `${READY_DELAY} replacing->settling slot 1`,
      `${step} settling->retiring slot 1`,
      `${step} retiring->replacing slot 2`,
      `${step + READY_DELAY} replacing->settling slot 2`,
      `${2 * step} settling->retiring slot 2`,
      `${2 * step} retiring->completed`,
      `${2 * step} completed->idle`,
    ]);
    await f.cluster.advance(60_000);
    expect(aliveApps(f)).toEqual(fresh);
    expect(appPids(f)).toEqual(fresh);
    await f.cluster.close();
  });

  test('one that crashed is replaced if the supervisor restarted it by its turn (its new child is the one replaced), skipped if it is still in backoff', async () => {
    const f = await fixture(3, { restart: { initialDelay: 100 } });
    const [old1, old2, old3] = f.initial as [number, number, number];
    const step = READY_DELAY + SETTLE;
    const t0 = f.cluster.clock.now();
    const from = f.logger.records.length;
    const reload = f.master.reload();
    // old2 crashes at 10 and is respawned at 110 as `restarted2`, before its turn (250).
    await f.cluster.advance(10);
    f.cluster.signal(old2, 'SIGKILL');
    await f.cluster.advance(100);
    const [fresh1, restarted2] = spawnedSince(f, from) as [number, number];
    expect(f.cluster.process(restarted2).parentPid).toBe(f.master.pid);
    // old3 crashes at 2 * step - 60 and is respawned only at 2 * step + 40: in backoff at its turn (2 * step).
    await f.cluster.advance(2 * step - 60 - 110);
    f.cluster.signal(old3, 'SIGKILL');
    const result = await Promise.all([reload, f.cluster.until(() => f.reloaded.length === 1)]).then(([r]) => r);
    expect(f.cluster.clock.now() - t0).toBe(2 * step);
    const [, , fresh2] = spawnedSince(f, from) as [number, number, number];
    expect(result).toEqual({ ok: true, replaced: [{ from: old1, to: fresh1 }, { from: restarted2, to: fresh2 }] });
    expect(f.cluster.process(restarted2).exit).toEqual({ code: 143, signal: null });
    expect(timedStates(f, from, t0).slice(-3)).toEqual([`${2 * step} settling->retiring slot 2`, `${2 * step} retiring->completed`, `${2 * step} completed->idle`]);
    // The skipped one is left to its restart policy: respawned after its backoff, in its own slot.
    await f.cluster.advance(40);
    const restarted3 = spawnedSince(f, from)[3]!;
    expect(f.logger.events('child.respawn').map((r) => [r['slot'], r['pid']])).toEqual([[2, restarted2], [3, restarted3]]);
    await f.cluster.until(() => f.master.clusterInfo['app']?.length === 3);
    expect(appPids(f)).toEqual([fresh1, fresh2, restarted3].sort((a, b) => a - b));
    expect(f.logger.events('child.spawn')).toHaveLength(5);
    await f.cluster.close();
  });

  test('with reloadConcurrency, a child of a later batch that stopped is left out of its batch', async () => {
    const f = await fixture(4, { reloadConcurrency: 2, restart: { maxRestarts: 0 } });
    const t0 = f.cluster.clock.now();
    const from = f.logger.records.length;
    const reload = f.master.reload();
    await f.cluster.advance(10);
    f.cluster.signal(f.initial[3]!, 'SIGKILL');
    const result = await Promise.all([reload, f.cluster.until(() => f.reloaded.length === 1)]).then(([r]) => r);
    const fresh = spawnedSince(f, from);
    expect(fresh).toHaveLength(3);
    expect(result).toEqual({ ok: true, replaced: [0, 1, 2].map((k) => ({ from: f.initial[k], to: fresh[k] })) });
    const spawnTimes = f.logger.records.slice(from).filter((r) => r.fields.event === 'child.spawn').map((r) => r.at! - t0);
    expect(spawnTimes).toEqual([0, 0, READY_DELAY + SETTLE]);
    expect(aliveApps(f)).toEqual(fresh);
    await f.cluster.close();
  });
});

/** The master's internal event emitter, where the reload machine listens for registrations, spawns and exits. */
function internalEvents(master: Master): Emitter<RuntimeEvents> {
  return (master as unknown as { events: Emitter<RuntimeEvents> }).events;
}

describe('a reload leaves no listener behind', () => {
  // A stale listener of an earlier reload answers nothing visible (its wait has ended), but each
  // reload would leave some more on the master's emitter for the life of the process.
  function listeners(f: Fixture): Record<string, number> {
    const all = internalEvents(f.master).all;
    return Object.fromEntries(['register', 'childSpawned', 'childExited'].map((kind) => [kind, all.get(kind as keyof RuntimeEvents)?.length ?? 0]));
  }

  test('after a completed reload, and after each way a reload fails', async () => {
    const f = await fixture(0, { readyTimeout: 1_000 });
    f.cluster.program('tool.sh', () => undefined);
    let started = false;
    f.master.onClusterStarted(() => (started = true));
    // tool.sh is restarted in place (waits for its spawn), app.js replaced (waits for a registration).
    f.master.spawn([{ file: 'tool.sh', command: 'bash' }, { file: 'app.js' }]);
    await f.cluster.until(() => started);
    const before = listeners(f);
    expect(before['register']).toBeGreaterThan(0);
    const reload = async (): Promise<ReloadResult> => {
      const done = f.reloaded.length + f.failed.length;
      const [result] = await Promise.all([f.master.reload(), f.cluster.until(() => f.reloaded.length + f.failed.length > done)]);
      await f.cluster.settle();
      return result;
    };

    expect(await reload()).toMatchObject({ ok: true });
    expect(listeners(f)).toEqual(before);

    f.mode = 'never-ready';
    expect(await reload()).toMatchObject({ ok: false, failure: { reason: 'ready-timeout' } });
    expect(listeners(f)).toEqual(before);

    f.mode = 'crash';
    expect(await reload()).toMatchObject({ ok: false, failure: { reason: 'replacement-exited' } });
    expect(listeners(f)).toEqual(before);

    // A replacement that registers, then dies while settling (tool.sh is restarted first).
    f.mode = 'ready';
    const from = f.logger.records.length;
    const pending = f.master.reload();
    await f.cluster.advance(SETTLE + READY_DELAY + 10);
    expect(f.master.reloadState).toBe('settling');
    const [, replacement] = spawnedSince(f, from) as [number, number];
    f.cluster.signal(replacement, 'SIGKILL');
    await f.cluster.until(() => f.failed.length === 3);
    expect(await pending).toMatchObject({ ok: false, failure: { reason: 'replacement-exited', pid: replacement } });
    expect(listeners(f)).toEqual(before);
    await f.cluster.close();
  });
});

describe('the reloadState event', () => {
  // What the master's own listeners (the `cluster.reload` log, `clustr reload` replies) hear.
  function record(f: Fixture): Array<RuntimeEvents['reloadState']> {
    const seen: Array<RuntimeEvents['reloadState']> = [];
    internalEvents(f.master).on('reloadState', (change) => seen.push(change));
    return seen;
  }

  test('a 2-worker reload: every transition, in order, with the slot being replaced; completed and idle name no slot', async () => {
    const f = await fixture(2);
    const seen = record(f);
    const result = await Promise.all([f.master.reload(), f.cluster.until(() => f.reloaded.length === 1)]).then(([r]) => r);
    expect(result.ok).toBe(true);
    expect(seen).toStrictEqual([
      { from: 'idle', to: 'replacing', slot: 1 },
      { from: 'replacing', to: 'settling', slot: 1 },
      { from: 'settling', to: 'retiring', slot: 1 },
      { from: 'retiring', to: 'replacing', slot: 2 },
      { from: 'replacing', to: 'settling', slot: 2 },
      { from: 'settling', to: 'retiring', slot: 2 },
      { from: 'retiring', to: 'completed' },
      { from: 'completed', to: 'idle' },
    ]);
    await f.cluster.close();
  });

  test('a failed reload: failed and idle name no slot', async () => {
    const f = await fixture(2, { readyTimeout: 1_000 });
    f.queue = ['ready'];
    f.mode = 'never-ready';
    const seen = record(f);
    const result = await Promise.all([f.master.reload(), f.cluster.until(() => f.failed.length === 1)]).then(([r]) => r);
    expect(result).toMatchObject({ ok: false, failure: { reason: 'ready-timeout', slot: 4 } });
    expect(seen).toStrictEqual([
      { from: 'idle', to: 'replacing', slot: 1 },
      { from: 'replacing', to: 'settling', slot: 1 },
      { from: 'settling', to: 'retiring', slot: 1 },
      { from: 'retiring', to: 'replacing', slot: 2 },
      { from: 'replacing', to: 'failed' },
      { from: 'failed', to: 'idle' },
    ]);
    await f.cluster.close();
  });
});

/** Every `kind` event the master's internal emitter carries from now on. */
function recordEvents<K extends keyof RuntimeEvents>(f: Fixture, kind: K): Array<RuntimeEvents[K]> {
  const seen: Array<RuntimeEvents[K]> = [];
  internalEvents(f.master).on(kind, (event) => seen.push(event));
  return seen;
}

/** The messages of the master's `event` records, in order. */
function messages(f: Fixture, event: string): string[] {
  return f.logger.records.filter((r) => r.fields.event === event).map((r) => r.msg ?? '');
}

/** A master with [tool.sh (bash: restarted in place), app.js (replaced)], both started. */
async function scriptAndApp(options: Omit<MasterOptions, 'platform' | 'logger'> = {}): Promise<Fixture> {
  const f = await fixture(0, options);
  f.cluster.program('tool.sh', () => undefined);
  let started = false;
  f.master.onClusterStarted(() => (started = true));
  f.master.spawn([{ file: 'tool.sh', command: 'bash' }, { file: 'app.js' }]);
  await f.cluster.until(() => started);
  f.initial = f.logger.events('child.spawn').map((r) => r['pid'] as number);
  return f;
}

describe('what a reload tells: reloadReplaced events and log records', () => {
  test('a completed reload: reload.start names the children, reload.state names a slot only when there is one, reloadReplaced per child', async () => {
    const f = await fixture(2);
    const replacedEvents = recordEvents(f, 'reloadReplaced');
    const from = f.logger.records.length;
    const first = f.master.reload();
    await f.cluster.advance(READY_DELAY);
    const queued = f.master.reload();
    const [a, b] = await Promise.all([first, queued, f.cluster.until(() => f.reloaded.length === 2)]);
    expect(a.ok && b.ok).toBe(true);
    expect(f.logger.events('reload.queued')).toStrictEqual([{ event: 'reload.queued' }]);
    expect(messages(f, 'reload.queued')[0]).toMatch(/reload/);
    expect(f.logger.events('reload.start')).toStrictEqual([
      { event: 'reload.start', children: f.initial },
      { event: 'reload.start', children: a.replaced.map((r) => r.to) },
    ]);
    for (const msg of messages(f, 'reload.start')) expect(msg).toContain('2');
    for (const msg of messages(f, 'reload.completed')) expect(msg).toContain('2');
    expect(f.logger.events('reload.completed')).toStrictEqual([
      { event: 'reload.completed', replaced: a.replaced },
      { event: 'reload.completed', replaced: b.replaced },
    ]);
    expect(replacedEvents).toStrictEqual([
      { slot: 1, from: f.initial[0], to: a.replaced[0]!.to },
      { slot: 2, from: f.initial[1], to: a.replaced[1]!.to },
      { slot: 3, from: a.replaced[0]!.to, to: b.replaced[0]!.to },
      { slot: 4, from: a.replaced[1]!.to, to: b.replaced[1]!.to },
    ]);
    const states = f.logger.records.slice(from).filter((r) => r.fields.event === 'reload.state');
    expect(states.slice(0, 8).map((r) => r.fields)).toStrictEqual([
      { event: 'reload.state', from: 'idle', to: 'replacing', slot: 1 },
      { event: 'reload.state', from: 'replacing', to: 'settling', slot: 1 },
      { event: 'reload.state', from: 'settling', to: 'retiring', slot: 1 },
      { event: 'reload.state', from: 'retiring', to: 'replacing', slot: 2 },
      { event: 'reload.state', from: 'replacing', to: 'settling', slot: 2 },
      { event: 'reload.state', from: 'settling', to: 'retiring', slot: 2 },
      { event: 'reload.state', from: 'retiring', to: 'completed' },
      { event: 'reload.state', from: 'completed', to: 'idle' },
    ]);
    for (const r of states) {
      expect(r.msg).toContain(String(r.fields['from']));
      expect(r.msg).toContain(String(r.fields['to']));
    }
    await f.cluster.close();
  });

  test('with reloadConcurrency 2, one reloadReplaced per child of the batch, each with its own slot and pids', async () => {
    const f = await fixture(2, { reloadConcurrency: 2 });
    const replacedEvents = recordEvents(f, 'reloadReplaced');
    const result = await Promise.all([f.master.reload(), f.cluster.until(() => f.reloaded.length === 1)]).then(([r]) => r);
    const [to1, to2] = result.replaced.map((r) => r.to) as [number, number];
    expect(replacedEvents).toStrictEqual([
      { slot: 1, from: f.initial[0], to: to1 },
      { slot: 2, from: f.initial[1], to: to2 },
    ]);
    await f.cluster.close();
  });

  test('a child restarted in place has its reloadReplaced too', async () => {
    const f = await scriptAndApp();
    const replacedEvents = recordEvents(f, 'reloadReplaced');
    const result = await Promise.all([f.master.reload(), f.cluster.until(() => f.reloaded.length === 1)]).then(([r]) => r);
    expect(replacedEvents).toStrictEqual([
      { slot: 1, from: f.initial[0], to: result.replaced[0]!.to },
      { slot: 2, from: f.initial[1], to: result.replaced[1]!.to },
    ]);
    await f.cluster.close();
  });

  test('a ready-timeout failure names the old child it could not replace', async () => {
    const f = await fixture(1, { readyTimeout: 1_000 });
    f.mode = 'never-ready';
    await Promise.all([f.master.reload(), f.cluster.until(() => f.failed.length === 1)]);
    expect(messages(f, 'reload.failed')).toHaveLength(1);
    expect(messages(f, 'reload.failed')[0]).toContain(String(f.initial[0]));
    await f.cluster.close();
  });
});

describe('the master stopping cancels a reload at each stage', () => {
  test('between two steps: the next child is not replaced; cancelled names that child', async () => {
    const f = await fixture(2);
    const from = f.logger.records.length;
    internalEvents(f.master).on('reloadReplaced', () => void f.master.close(0));
    const reload = f.master.reload();
    await f.cluster.until(() => f.failed.length === 1);
    const result = await reload;
    const [fresh1] = spawnedSince(f, from);
    expect(spawnedSince(f, from)).toHaveLength(1);
    expect(result).toEqual({ ok: false, replaced: [{ from: f.initial[0], to: fresh1 }], failure: { reason: 'cancelled', slot: 2, pid: f.initial[1] } });
    expect(f.failed).toEqual([result]);
    expect(transitions(f.logger)).toEqual(['idle->replacing', 'replacing->settling', 'settling->retiring', 'retiring->failed', 'failed->idle']);
    expect(f.master.reloadState).toBe('idle');
    await f.cluster.until(() => f.cluster.alivePids().length === 0);
  });

  test('while a child restarted in place is being stopped: it is not started again', async () => {
    const f = await scriptAndApp();
    const [tool] = f.initial as [number, number];
    const from = f.logger.records.length;
    internalEvents(f.master).on('childExited', ({ pid }) => {
      if (pid === tool) void f.master.close(0);
    });
    const reload = f.master.reload();
    await f.cluster.until(() => f.failed.length === 1);
    const result = await reload;
    expect(result).toEqual({ ok: false, replaced: [], failure: { reason: 'cancelled', slot: 1, pid: tool } });
    expect(spawnedSince(f, from)).toEqual([]);
    expect(transitions(f.logger)).toEqual(['idle->replacing', 'replacing->failed', 'failed->idle']);
    expect(f.master.reloadState).toBe('idle');
    await f.cluster.until(() => f.cluster.alivePids().length === 0);
  });

  test('while waiting for the restarted child to spawn: cancelled names the new child', async () => {
    const f = await scriptAndApp();
    const from = f.logger.records.length;
    internalEvents(f.master).on('childSpawned', ({ pid }) => {
      if (!f.initial.includes(pid)) void f.master.close(0);
    });
    const reload = f.master.reload();
    await f.cluster.until(() => f.failed.length === 1);
    const result = await reload;
    const [restarted] = spawnedSince(f, from) as [number];
    expect(spawnedSince(f, from)).toEqual([restarted]);
    expect(result).toEqual({ ok: false, replaced: [], failure: { reason: 'cancelled', slot: 3, pid: restarted } });
    expect(transitions(f.logger)).toEqual(['idle->replacing', 'replacing->failed', 'failed->idle']);
    expect(f.master.reloadState).toBe('idle');
    await f.cluster.until(() => f.cluster.alivePids().length === 0);
  });

  test('while the restarted child settles: cancelled names it, the node child is not replaced', async () => {
    const f = await scriptAndApp();
    const from = f.logger.records.length;
    const reload = f.master.reload();
    await f.cluster.advance(SETTLE / 2);
    expect(f.master.reloadState).toBe('settling');
    f.cluster.signal(f.master.pid, 'SIGTERM');
    await f.cluster.until(() => f.failed.length === 1);
    const result = await reload;
    const [restarted] = spawnedSince(f, from) as [number];
    expect(spawnedSince(f, from)).toEqual([restarted]);
    expect(result).toEqual({ ok: false, replaced: [], failure: { reason: 'cancelled', slot: 3, pid: restarted } });
    expect(transitions(f.logger)).toEqual(['idle->replacing', 'replacing->settling', 'settling->failed', 'failed->idle']);
    expect(f.master.reloadState).toBe('idle');
    await f.cluster.until(() => f.cluster.alivePids().length === 0);
  });
});

describe('a replacement that dies after registering fails the reload, naming it', () => {
  test('with reloadConcurrency 2, the second of the batch killed while settling: failed at once, both replacements go, both old children stay', async () => {
    const f = await fixture(2, { reloadConcurrency: 2 });
    const t0 = f.cluster.clock.now();
    const from = f.logger.records.length;
    const reload = f.master.reload();
    await f.cluster.advance(READY_DELAY + 10);
    expect(f.master.reloadState).toBe('settling');
    const [first, second] = spawnedSince(f, from) as [number, number];
    f.cluster.signal(second, 'SIGKILL');
    await f.cluster.settle();
    // Noticed when it exits, not at the end of reloadDelay.
    expect(f.failed).toHaveLength(1);
    expect(f.cluster.clock.now() - t0).toBe(READY_DELAY + 10);
    const result = await reload;
    expect(result).toEqual({ ok: false, replaced: [], failure: { reason: 'replacement-exited', slot: 4, pid: second } });
    expect(f.logger.events('reload.failed')).toStrictEqual([{ event: 'reload.failed', reason: 'replacement-exited', slot: 2, pid: second }]);
    const [msg] = messages(f, 'reload.failed') as [string];
    expect(msg).toContain(String(second));
    expect(msg).toContain(String(f.initial[1]));
    expect(f.cluster.process(first).exit).toEqual({ code: 143, signal: null });
    expect(aliveApps(f)).toEqual(f.initial);
    await f.cluster.close();
  });

  /** Kills the replacement as it registers, before its settle starts watching it. */
  async function killedAtRegistration(initialDelay: number) {
    const f = await fixture(1, { restart: { initialDelay } });
    const t0 = f.cluster.clock.now();
    const from = f.logger.records.length;
    internalEvents(f.master).on('register', ({ meta }) => {
      if (meta.pid === spawnedSince(f, from)[0]) f.cluster.signal(meta.pid, 'SIGKILL');
    });
    const reload = f.master.reload();
    await f.cluster.until(() => f.failed.length === 1);
    const result = await reload;
    // Found when its settle ends, before the old child is retired.
    expect(transitions(f.logger)).toEqual(['idle->replacing', 'replacing->settling', 'settling->failed', 'failed->idle']);
    return { f, t0, result, replacement: spawnedSince(f, from)[0]! };
  }

  test('one that died before its settle began, still in backoff at the end of reloadDelay: the old child stays', async () => {
    const { f, t0, result, replacement } = await killedAtRegistration(10_000);
    expect(f.cluster.clock.now() - t0).toBe(READY_DELAY + SETTLE);
    expect(result).toEqual({ ok: false, replaced: [], failure: { reason: 'replacement-exited', slot: 2, pid: replacement } });
    expect(f.cluster.process(f.initial[0]!).state).toBe('running');
    expect(aliveApps(f)).toEqual(f.initial);
    await f.cluster.close();
  });

  test('one that died before its settle began and was restarted (another pid) by its end: the old child stays', async () => {
    const { f, t0, result, replacement } = await killedAtRegistration(10);
    expect(f.cluster.clock.now() - t0).toBe(READY_DELAY + SETTLE);
    expect(result).toEqual({ ok: false, replaced: [], failure: { reason: 'replacement-exited', slot: 2, pid: replacement } });
    expect(f.logger.events('child.respawn')).toHaveLength(1);
    expect(aliveApps(f)).toEqual(f.initial);
    await f.cluster.close();
  });

  test('one that died while the step before drains, still in backoff when the drain ends: its old child is kept', async () => {
    const f = await fixture(2, { restart: { initialDelay: 10_000 } });
    f.killDelay = 1_000;
    const reload = f.master.reload();
    await f.cluster.advance(2 * (READY_DELAY + SETTLE) + 100);
    expect(f.master.reloadState).toBe('retiring');
    const spawned = f.logger.events('child.spawn').map((r) => r['pid'] as number);
    const second = spawned[spawned.length - 1]!;
    f.cluster.signal(second, 'SIGKILL');
    await f.cluster.until(() => f.failed.length === 1);
    const result = await reload;
    expect(result).toEqual({ ok: false, replaced: [{ from: f.initial[0], to: spawned[2] }], failure: { reason: 'replacement-exited', slot: 4, pid: second } });
    expect(f.cluster.process(f.initial[1]!).exit).toBeUndefined();
    await f.cluster.close();
  });

  test('a child restarted in place that exits while settling: failed at its exit, naming it and the child it replaced', async () => {
    const f = await fixture(0, { restart: { initialDelay: 1_000 } });
    let launches = 0;
    f.cluster.program('flaky.sh', (ctx) => {
      if (++launches === 2) ctx.platform.clock.setTimeout(() => ctx.platform.exit(1), 10);
    });
    f.master.spawn([{ file: 'flaky.sh', command: 'bash' }]);
    await f.cluster.until(() => launches === 1);
    const [old] = f.logger.events('child.spawn').map((r) => r['pid'] as number) as [number];
    const t0 = f.cluster.clock.now();
    const from = f.logger.records.length;
    const result = await Promise.all([f.master.reload(), f.cluster.until(() => f.failed.length === 1)]).then(([r]) => r);
    expect(f.cluster.clock.now() - t0).toBe(10);
    const [restarted] = spawnedSince(f, from) as [number];
    expect(result).toEqual({ ok: false, replaced: [], failure: { reason: 'replacement-exited', slot: 2, pid: restarted } });
    expect(f.logger.events('reload.failed')).toStrictEqual([{ event: 'reload.failed', reason: 'replacement-exited', slot: 2, pid: restarted }]);
    const [msg] = messages(f, 'reload.failed') as [string];
    expect(msg).toContain(String(restarted));
    expect(msg).toContain(String(old));
    await f.cluster.close();
  });

  test('a child restarted in place that died before its settle began and runs again with another pid: the reload fails naming the pid that died', async () => {
    const f = await fixture(0, { restart: { initialDelay: 10 } });
    f.cluster.program('tool.sh', () => undefined);
    f.master.spawn([{ file: 'tool.sh', command: 'bash' }]);
    await f.cluster.until(() => f.logger.events('child.spawn').length === 1);
    const [old] = f.logger.events('child.spawn').map((r) => r['pid'] as number) as [number];
    const from = f.logger.records.length;
    internalEvents(f.master).on('childSpawned', ({ pid, respawn }) => {
      if (pid !== old && !respawn) f.cluster.signal(pid, 'SIGKILL');
    });
    const t0 = f.cluster.clock.now();
    const result = await Promise.all([f.master.reload(), f.cluster.until(() => f.failed.length === 1)]).then(([r]) => r);
    expect(f.cluster.clock.now() - t0).toBe(SETTLE);
    const [restarted, respawned] = spawnedSince(f, from) as [number, number];
    expect(f.cluster.process(respawned).state).toBe('running');
    expect(result).toEqual({ ok: false, replaced: [], failure: { reason: 'replacement-exited', slot: 2, pid: restarted } });
    expect(f.logger.events('reload.failed')).toStrictEqual([{ event: 'reload.failed', reason: 'replacement-exited', slot: 2, pid: restarted }]);
    await f.cluster.close();
  });
});

describe('the reload machine on its own: which spawns and exits belong to the child being restarted', () => {
  // Driven directly, so the spawn of the restarted child can come after another slot's spawn.
  function slot(id: number, pid: number, state: Slot['state']): Slot {
    return { id, pid, state, ready: 'spawn' } as unknown as Slot;
  }
  const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

  function machine(old: Slot, fresh: Slot) {
    const events = mitt<RuntimeEvents>();
    const clock = new ManualClock();
    const results: ReloadResult[] = [];
    const reloads = new ReloadMachine({
      events,
      clock: clock.view(),
      logger: recordingLogger(),
      targets: () => [old],
      duplicate: () => fresh,
      retire: (s) => {
        s.state = 'stopped';
        return Promise.resolve();
      },
      reloadDelay: SETTLE,
      readyTimeout: 1_000,
      concurrency: 1,
      onResult: (result) => results.push(result),
    });
    const fire = async () => {
      expect(clock.fireNext(clock.nextDue()!)).toBe(true);
      await flush();
    };
    return { events, reloads, results, fire };
  }

  test('a restarted child settles once ITS slot has spawned, not when another slot spawns', async () => {
    const old = slot(1, 100, 'running');
    const fresh = slot(2, -1, 'pending');
    const { events, reloads, results, fire } = machine(old, fresh);
    const result = reloads.request();
    await flush();
    expect(reloads.state).toBe('replacing');
    events.emit('childSpawned', { slot: 7, pid: 700, file: '/app/other.sh', respawn: false });
    await flush();
    expect(reloads.state).toBe('replacing');
    fresh.pid = 200;
    fresh.state = 'running';
    events.emit('childSpawned', { slot: 2, pid: 200, file: '/app/tool.sh', respawn: false });
    await flush();
    expect(reloads.state).toBe('settling');
    // Another slot's child exiting while it settles is none of its business.
    events.emit('childExited', { slot: 7, pid: 700, file: '/app/other.sh', code: 1, signal: null });
    await flush();
    expect(reloads.state).toBe('settling');
    await fire();
    expect(await result).toEqual({ ok: true, replaced: [{ from: 100, to: 200 }] });
    expect(results).toEqual([{ ok: true, replaced: [{ from: 100, to: 200 }] }]);
    expect(reloads.state).toBe('idle');
    expect(events.all.get('childSpawned') ?? []).toHaveLength(0);
    expect(events.all.get('childExited') ?? []).toHaveLength(0);
  });
});

test('with reloadConcurrency 2, a child restarted in place is never part of a batch: the batch stops before it', async () => {
  const f = await fixture(0, { reloadConcurrency: 2, readyTimeout: 1_000 });
  f.cluster.program('tool.sh', () => undefined);
  let started = false;
  f.master.onClusterStarted(() => (started = true));
  f.master.spawn([{ file: 'app.js' }, { file: 'tool.sh', command: 'bash' }, { file: 'app.js' }]);
  await f.cluster.until(() => started);
  const [app1, tool, app3] = f.logger.events('child.spawn').map((r) => r['pid'] as number) as [number, number, number];
  const t0 = f.cluster.clock.now();
  const from = f.logger.records.length;
  const result = await Promise.all([f.master.reload(), f.cluster.until(() => f.reloaded.length + f.failed.length === 1)]).then(([r]) => r);
  const fresh = spawnedSince(f, from);
  expect(result).toEqual({ ok: true, replaced: [{ from: app1, to: fresh[0] }, { from: tool, to: fresh[1] }, { from: app3, to: fresh[2] }] });
  const spawnTimes = f.logger.records.slice(from).filter((r) => r.fields.event === 'child.spawn').map((r) => r.at! - t0);
  expect(spawnTimes).toEqual([0, READY_DELAY + SETTLE, READY_DELAY + 2 * SETTLE]);
  await f.cluster.close();
});
