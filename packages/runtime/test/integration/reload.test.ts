import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killTracked, type FixtureEvent } from './harness';
import { expectAllGone, is, isAlive, startLoad, startMaster, stopCluster, waitUntil, type Load } from './sup-helpers';

interface ReloadResult {
  ok: boolean;
  replaced: Array<{ from: number; to: number }>;
  failure?: { reason: string; slot: number; pid: number };
}

const WORKERS = 4;
const web = (event: FixtureEvent): number[] => [...((event['info'] as Record<string, number[]>)['web'] ?? [])].sort((a, b) => a - b);
const sorted = (pids: number[]) => [...pids].sort((a, b) => a - b);

let dir: string;
let load: Load | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clustr-reload-'));
});

afterEach(async () => {
  await load?.stop();
  load = undefined;
  await killTracked();
  rmSync(dir, { recursive: true, force: true });
});

/** Four HTTP workers on the master's shared socket, under continuous load (keep-alive unless told otherwise) once started. */
async function startWebCluster(options: Record<string, unknown>, env: Record<string, string> = {}, processGroup = false, keepAlive = true) {
  const fx = startMaster({ options, listen: { port: 0 }, batches: [Array.from({ length: WORKERS }, () => ({ file: 'sup-http.js', env }))] }, {}, { processGroup });
  const port = (await fx.waitFor(is('master'), 'master up'))['port'] as number;
  expect(port).toBeGreaterThan(0);
  const initial = web(await fx.waitFor(is('started'), 'cluster started'));
  expect(initial).toHaveLength(WORKERS);
  load = startLoad(port, { connections: 10, maxRequests: 200_000, maxMs: 45_000, keepAlive });
  const stats = load.stats;
  await waitUntil(() => stats.ok >= 200, 'the load is flowing');
  return { fx, initial, stats };
}

describe('rolling reload (SIGHUP) under HTTP load', () => {
  it('replaces every worker twice without failing a single request', async () => {
    const { fx, initial, stats } = await startWebCluster({ readyTimeout: 10_000 });
    const generations = [initial];
    const report: string[] = [];

    for (let round = 1; round <= 2; round++) {
      const before = stats.ok;
      process.kill(fx.pid, 'SIGHUP');
      const reloaded = (await fx.waitForCount(is('reloaded'), round, `reload ${round}`, 30_000))[round - 1]!;
      const servedDuring = stats.ok - before;
      const result = reloaded['result'] as ReloadResult;
      const previous = generations[round - 1]!;
      const next = web(reloaded);

      expect(result.ok).toBe(true);
      expect(sorted(result.replaced.map((r) => r.from))).toEqual(previous);
      expect(sorted(result.replaced.map((r) => r.to))).toEqual(next);
      expect(next).toHaveLength(WORKERS);
      expect(next.filter((pid) => previous.includes(pid))).toEqual([]);
      // Every old worker drained and exited before the reload reported completion.
      expect(previous.filter(isAlive)).toEqual([]);
      expect(servedDuring).toBeGreaterThanOrEqual(100);
      generations.push(next);
      report.push(`reload ${round}: ${Math.round(reloaded['ms'] as number)} ms, ${servedDuring} requests served during it`);
    }

    // The new generation serves too.
    const after = stats.ok;
    await waitUntil(() => stats.ok >= after + 200, 'the new workers serve');
    const final = await load!.stop();
    load = undefined;

    expect(fx.events.filter(is('reloaded'))).toHaveLength(2);
    expect(fx.events.filter(is('reload-failed'))).toHaveLength(0);
    expect(final.failures).toEqual([]);
    expect(final.failed).toBe(0);
    expect(final.ok).toBeGreaterThanOrEqual(1000);
    const servedBy = [...final.byPid.keys()];
    expect(servedBy.every((pid) => generations.flat().includes(pid))).toBe(true);
    expect(servedBy.some((pid) => generations[2]!.includes(pid))).toBe(true);
    console.log(`reload under load: ${final.ok} requests ok, ${final.failed} failed; ${report.join('; ')}`);

    await stopCluster(fx);
  });

  // Every request on a connection of its own: the master hands each one to a worker while the
  // reload stops workers. One handed to a worker that had already finished draining was reset.
  it('drops no request of a short-connection load across three reloads', async () => {
    const { fx, stats } = await startWebCluster({ readyTimeout: 10_000 }, {}, false, false);
    for (let round = 1; round <= 3; round++) {
      const before = stats.ok;
      process.kill(fx.pid, 'SIGHUP');
      const reloaded = await fx.waitForCount(is('reloaded'), round, `reload ${round}`, 30_000);
      expect((reloaded[round - 1]!['result'] as ReloadResult).ok).toBe(true);
      expect(stats.ok - before).toBeGreaterThanOrEqual(50);
    }
    const final = await load!.stop();
    load = undefined;
    expect(final.failures).toEqual([]);
    expect(final.failed).toBe(0);
    expect(final.ok).toBeGreaterThanOrEqual(500);
    console.log(`short connections across 3 reloads: ${final.ok} requests ok, ${final.failed} failed`);
    await stopCluster(fx);
  });

  it('SIGHUP to the whole process group (a terminal hang-up) reloads once: workers ignore it and no request fails', async () => {
    const { fx, initial, stats } = await startWebCluster({ readyTimeout: 10_000 }, {}, true);
    const before = stats.ok;
    process.kill(-fx.pid, 'SIGHUP');
    const reloaded = await fx.waitFor(is('reloaded'), 'reload', 30_000);
    const result = reloaded['result'] as ReloadResult;
    expect(result.ok).toBe(true);
    expect(sorted(result.replaced.map((r) => r.from))).toEqual(initial);
    // None of the old workers died of the hang-up: each was drained and stopped by the reload (SIGTERM, 143).
    for (const pid of initial) expect(fx.events.find(is('exit', { child: pid }))).toMatchObject({ code: 143, signal: null });
    expect(fx.events.filter(is('spawn', { respawn: true }))).toEqual([]);
    const after = stats.ok;
    await waitUntil(() => stats.ok >= after + 200, 'the new workers serve');
    const final = await load!.stop();
    load = undefined;
    expect(final.failures).toEqual([]);
    expect(final.failed).toBe(0);
    expect(stats.ok - before).toBeGreaterThanOrEqual(200);
    await stopCluster(fx);
  });

  it('ignores a SIGHUP that arrives while the master is stopping', async () => {
    // The child ignores SIGTERM and stopTimeout is long, so the master stays in "stopping" until the test ends the child.
    const fx = startMaster({ options: { stopTimeout: 30_000 }, batches: [[{ file: 'sup-ignore-term.js' }]] });
    const stubborn = (await fx.waitFor(is('ignoring'), 'child started')).pid;

    process.kill(fx.pid, 'SIGTERM');
    await fx.waitFor(is('term-ignored', { pid: stubborn }), 'the master is stopping its child');
    process.kill(fx.pid, 'SIGHUP');
    await fx.waitFor(is('hup'), 'SIGHUP handled');
    process.kill(stubborn, 'SIGKILL');

    expect(await fx.exited).toEqual({ code: 15, signal: null });
    expect(fx.events.filter((e) => e.ev === 'reloaded' || e.ev === 'reload-failed')).toEqual([]);
    await expectAllGone([fx.pid, stubborn]);
  });

  it('abandons a reload whose replacement never becomes ready; the old workers keep serving', async () => {
    const flag = join(dir, 'broken-deploy');
    const { fx, initial, stats } = await startWebCluster({ readyTimeout: 1_500 }, { SUP_BROKEN_FLAG: flag });

    // The "new code": every worker started from now on hangs before it listens and never calls emitReady().
    writeFileSync(flag, '1');
    process.kill(fx.pid, 'SIGHUP');
    const failed = await fx.waitFor(is('reload-failed'), 'reload failed', 30_000);
    const result = failed['result'] as ReloadResult;
    expect(result).toMatchObject({ ok: false, replaced: [], failure: { reason: 'ready-timeout' } });
    const broken = result.failure!.pid;
    expect(initial).not.toContain(broken);
    await fx.waitFor(is('broken-start', { pid: broken }), 'the broken replacement started');
    // The replacement was removed; the old workers are the same processes, still registered and alive.
    expect(isAlive(broken)).toBe(false);
    expect(web(failed)).toEqual(initial);
    expect(initial.filter(isAlive)).toEqual(initial);

    const atFailure = stats.ok;
    await waitUntil(() => stats.ok >= atFailure + 200, 'the old workers keep serving');
    const final = await load!.stop();
    load = undefined;

    expect(fx.events.filter(is('reloaded'))).toHaveLength(0);
    expect(final.failures).toEqual([]);
    expect(final.failed).toBe(0);
    expect([...final.byPid.keys()].every((pid) => initial.includes(pid))).toBe(true);
    console.log(`failed reload under load: ${final.ok} requests ok, ${final.failed} failed; reload failed after ${Math.round(failed['ms'] as number)} ms`);

    await stopCluster(fx);
    await expectAllGone([...initial, broken]);
  });
});

describe('the README spawn example: web workers on the shared port and a bash script', () => {
  it('starts, and a reload replaces the web workers and restarts the script in place, under load: nothing runs twice, no request fails', async () => {
    const fx = startMaster({
      listen: { port: 0 },
      batches: [
        [
          { file: 'sup-http.js', args: { 'cluster-env': 'prod' } },
          { file: 'sup-http.js', cpu: 1 },
          { file: 'sup-bash.sh', command: 'bash', respawn: false },
        ],
      ],
    });
    const port = (await fx.waitFor(is('master'), 'master up'))['port'] as number;
    // The script never registers: it counts as started once spawned.
    const started = await fx.waitFor(is('started'), 'cluster started');
    const webBefore = web(started);
    expect(webBefore).toHaveLength(2);
    const script = (await fx.waitFor(is('bash-start'), 'script started')).pid;
    load = startLoad(port, { connections: 10, maxRequests: 200_000, maxMs: 45_000 });
    const stats = load.stats;
    await waitUntil(() => stats.ok >= 200, 'the load is flowing');

    process.kill(fx.pid, 'SIGHUP');
    const reloaded = await fx.waitFor(is('reloaded'), 'reload', 30_000);
    const result = reloaded['result'] as ReloadResult;
    expect(result.ok).toBe(true);
    expect(sorted(result.replaced.map((r) => r.from))).toEqual(sorted([...webBefore, script]));
    const webAfter = web(reloaded);
    expect(webAfter).toHaveLength(2);
    expect(webAfter.filter((pid) => webBefore.includes(pid))).toEqual([]);
    const restarted = result.replaced.find((r) => r.from === script)!.to;

    // In place: the old script stopped before the new one started.
    const stoppedAt = fx.events.findIndex(is('bash-stop', { pid: script }));
    const restartedAt = fx.events.findIndex(is('bash-start', { pid: restarted }));
    expect(stoppedAt).toBeGreaterThan(-1);
    expect(restartedAt).toBeGreaterThan(stoppedAt);
    // Nothing left running twice: one script, the new web workers, no old process.
    expect(fx.events.filter(is('spawn', { file: 'sup-bash.sh' }))).toHaveLength(2);
    expect([...webBefore, script].filter(isAlive)).toEqual([]);
    expect([...webAfter, restarted].filter(isAlive)).toEqual([...webAfter, restarted]);

    const after = stats.ok;
    await waitUntil(() => stats.ok >= after + 200, 'the new workers serve');
    const final = await load.stop();
    load = undefined;
    expect(final.failures).toEqual([]);
    expect(final.failed).toBe(0);
    await stopCluster(fx);
    await expectAllGone([...webAfter, restarted]);
  });
});
