import { type ClustrError, ClustrRemoteError, type LogFields, type Logger, type Worker } from '../../src';
import { freshNamespace, isAlive, killTracked, runFixture, waitGone, type FixtureEvent, type RunningFixture } from './harness';
import { closeControllers, createController } from './msg-helpers';

// Real Redis on 127.0.0.1:6379 and real processes: req-master.js spawns `jobs` members
// (req-worker.js); a controller Worker inside jest sends the requests.

jest.setTimeout(60_000);

afterEach(async () => {
  await closeControllers();
  await killTracked();
});

interface Cluster {
  fixture: RunningFixture;
  controller: Worker;
  jobs: number[];
}

/** The controller's log records of one event (it logs every reroute). */
const logged: LogFields[] = [];
const controllerLogger: Logger = {
  debug: (fields) => void logged.push(fields),
  info: (fields) => void logged.push(fields),
  warn: (fields) => void logged.push(fields),
  error: (fields) => void logged.push(fields),
};

async function startJobs(jobs: number, args: string[] = []): Promise<Cluster> {
  logged.length = 0;
  const namespace = freshNamespace('req');
  const fixture = runFixture('req-master.js', { namespace, args: [`--jobs=${jobs}`, ...args] });
  const started = await fixture.waitFor((e) => e.ev === 'started', 'the cluster to start');
  const members = [...((started['info'] as Record<string, number[]>)['jobs'] ?? [])].sort((a, b) => a - b);
  expect(members).toHaveLength(jobs);
  return { fixture, controller: createController(namespace, { logger: controllerLogger }), jobs: members };
}

/** SIGTERMs the master (the whole tree stops) and waits until every process it started is gone. */
async function stop(cluster: Cluster): Promise<void> {
  const pids = [...new Set([cluster.fixture.pid, ...cluster.fixture.events.map((e) => e.pid)])];
  process.kill(cluster.fixture.pid, 'SIGTERM');
  await cluster.fixture.exited;
  await Promise.all(pids.map((pid) => waitGone(pid)));
  expect(pids.filter(isAlive)).toEqual([]);
}

const handled = (fixture: RunningFixture): FixtureEvent[] => fixture.events.filter((e) => e.ev === 'handled');

describe('requests between real processes', () => {
  test('request/reply between pids: the reply, the remote error with its code, and the same request id in both logs', async () => {
    const cluster = await startJobs(1);
    const [jobs] = cluster.jobs as [number];
    await expect(cluster.controller.request(jobs, { n: 1 })).resolves.toEqual({ by: jobs, n: 1 });
    const error = await cluster.controller.request('fail', jobs, null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClustrRemoteError);
    expect(error).toMatchObject({ code: 'CLUSTR_REMOTE_ERROR', remoteCode: 'E_NO_JOB', remotePid: jobs, remoteStack: undefined });
    expect((error as Error).message).toContain('no such job');
    await expect(cluster.controller.request('resize', jobs, null)).rejects.toMatchObject({ code: 'CLUSTR_NO_HANDLER' });
    const [seen] = handled(cluster.fixture);
    expect(seen).toMatchObject({ pid: jobs, n: 1, from: cluster.controller.pid });
    expect(typeof seen!['id']).toBe('string');
    expect(cluster.controller.stats).toMatchObject({ requestsSent: 3, requestsFailed: 2, requestsTimedOut: 0, lateReplies: 0 });
    await stop(cluster);
  });

  test('{ group } requests spread evenly over 3 members', async () => {
    const cluster = await startJobs(3);
    const counts = new Map<number, number>(cluster.jobs.map((pid) => [pid, 0]));
    const one = async (n: number) => {
      const reply = (await cluster.controller.request({ group: 'jobs' }, { n })) as { by: number };
      counts.set(reply.by, (counts.get(reply.by) ?? 0) + 1);
    };
    // 300 one after another, then 300 at once in batches of 30.
    for (let n = 0; n < 300; n++) await one(n);
    for (let batch = 0; batch < 10; batch++) await Promise.all(Array.from({ length: 30 }, (_, i) => one(300 + batch * 30 + i)));
    process.stdout.write(`{ group: 'jobs' } requests per member: ${[...counts].map(([pid, count]) => `${pid}: ${count}`).join(', ')}\n`);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(cluster.jobs);
    expect([...counts.values()]).toEqual([200, 200, 200]);
    await stop(cluster);
  });

  test('a member killed while requests wait on it rejects them at once, not at their timeout', async () => {
    const cluster = await startJobs(2);
    const [victim] = cluster.jobs as [number, number];
    const timeout = 30_000;
    const calls = [cluster.controller.request('hang', victim, null, { timeout }), cluster.controller.request('hang', victim, null, { timeout })].map((p) =>
      p.then(
        () => 'resolved',
        (error: ClustrError) => ({ code: error.code, at: Date.now() }),
      ),
    );
    await cluster.fixture.waitForCount((e) => e.ev === 'hanging' && e.pid === victim, 2, 'both requests to reach the victim');
    const killedAt = Date.now();
    process.kill(victim, 'SIGKILL');
    const outcomes = await Promise.all(calls);
    const after = outcomes.map((o) => (typeof o === 'string' ? o : { code: o.code, ms: o.at - killedAt }));
    process.stdout.write(`pending calls on a killed member rejected after ${after.map((o) => (typeof o === 'string' ? o : `${o.ms} ms`)).join(', ')}\n`);
    for (const outcome of after) {
      expect(outcome).toMatchObject({ code: 'CLUSTR_TARGET_GONE' });
      // The master notices the exit and every view drops the member: milliseconds, not the 30 s timeout.
      expect((outcome as { ms: number }).ms).toBeLessThan(2_000);
    }
    await stop(cluster);
  });

  test('during a rolling reload under a steady request load every request is answered exactly once', async () => {
    const cluster = await startJobs(3, ['--reload-delay=200']);
    const { controller, fixture } = cluster;
    const answers = new Map<number, number>();
    const failures: string[] = [];
    let sent = 0;
    const inFlight = new Set<Promise<void>>();
    const send = () => {
      const n = sent++;
      // Each request takes 2 ms of the member's time, so some are running whenever one is retired.
      const call = controller.request({ group: 'jobs' }, { n, ms: 2 }, { timeout: 20_000 }).then(
        (reply) => {
          answers.set(n, (reply as { by: number }).by);
        },
        (error: Error) => {
          failures.push(`#${n}: ${error.message}`);
        },
      );
      inFlight.add(call);
      void call.finally(() => inFlight.delete(call));
    };
    // About 400 requests a second, a few at a time, until the reload is done and a while after.
    let reloaded: FixtureEvent | undefined;
    const done = fixture.waitFor((e) => e.ev === 'reloaded' || e.ev === 'reload-failed', 'the reload', 45_000).then((e) => (reloaded = e));
    const ticker = setInterval(() => {
      for (let i = 0; i < 2; i++) send();
    }, 5);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      process.kill(fixture.pid, 'SIGHUP');
      await done;
      const until = sent + 200;
      while (sent < until) await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      clearInterval(ticker);
    }
    await Promise.all([...inFlight]);

    expect(reloaded).toMatchObject({ ev: 'reloaded', result: { ok: true } });
    const replaced = (reloaded!['result'] as { replaced: Array<{ from: number; to: number }> }).replaced;
    expect(replaced.map((r) => r.from).sort((a, b) => a - b)).toEqual(cluster.jobs);

    // Count on both ends: every request answered once, and run once by exactly one member.
    const runs = new Map<number, number>();
    for (const event of handled(fixture)) runs.set(event['n'] as number, (runs.get(event['n'] as number) ?? 0) + 1);
    const lost = sent - answers.size;
    const duplicated = [...runs.values()].filter((count) => count > 1).length;
    const neverRun = Array.from({ length: sent }, (_, n) => n).filter((n) => !runs.has(n)).length;
    const byOld = [...answers.values()].filter((pid) => cluster.jobs.includes(pid)).length;
    const rerouted = new Map<string, number>();
    for (const record of logged.filter((r) => r.event === 'request.rerouted')) rerouted.set(String(record['reason']), (rerouted.get(String(record['reason'])) ?? 0) + 1);
    process.stdout.write(
      `rolling reload under load: ${sent} requests, ${answers.size} answered (${byOld} by the old members, ${answers.size - byOld} by the new), ` +
        `${lost} lost, ${duplicated} duplicated, ${neverRun} never run; handed to another member: ${JSON.stringify(Object.fromEntries(rerouted))}\n`,
    );
    expect(failures).toEqual([]);
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(neverRun).toBe(0);
    expect(byOld).toBeGreaterThan(0);
    expect(answers.size - byOld).toBeGreaterThan(0);
    expect(controller.stats).toMatchObject({ requestsSent: sent, requestsFailed: 0, requestsTimedOut: 0, lateReplies: 0 });
    await stop(cluster);
  });
});
