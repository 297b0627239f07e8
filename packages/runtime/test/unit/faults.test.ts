// Redis faults (issue 10): the connection state machine, resubscribe-before-flush, the bounded
// offline queue, sequence numbers and gaps, registration across outages, start-up without Redis,
// logs that cannot flood, and the handler budget. All on the testkit's manual clock.
import { channels } from '@clustr/protocol';
import { createTestCluster, FakeRedis } from '@clustr/testkit';
import { isClustrError, type ConnectionChange, type ErrorContext } from '@clustr/runtime';
import { recordingLogger, startCluster, type Started } from './helpers';

interface Reported {
  code: string | undefined;
  message: string;
  context: ErrorContext;
}

function sink(): { reported: Reported[]; onError: (error: Error, context: ErrorContext) => void } {
  const reported: Reported[] = [];
  return { reported, onError: (error, context) => reported.push({ code: (error as { code?: string }).code, message: error.message, context }) };
}

/** Both processes of a started cluster are `ready` again. */
function allReady(c: Started): boolean {
  return [c.master, ...c.workers].every((p) => p.connection.state === 'ready');
}

describe('the connection state machine', () => {
  test('an outage is one loss and one recovery per process, whatever the retries: events, log records, stats and downtime', async () => {
    const c = await startCluster({ groups: ['web'] });
    const w = c.workers[0]!;
    const changes: ConnectionChange[] = [];
    w.onConnection((change) => changes.push(change));
    const lostAt = c.cluster.clock.now();
    expect(c.cluster.server.stop()).toBe(4);
    await c.cluster.advance(10_000);
    expect(w.connection.state).toBe('reconnecting');
    expect(w.connection.downtimeMs).toBe(10_000);
    c.cluster.server.start();
    await c.cluster.until(() => allReady(c));
    const downMs = c.cluster.clock.now() - lostAt;
    expect(downMs).toBeGreaterThan(10_000);

    expect(changes).toEqual([
      { from: 'ready', to: 'reconnecting', at: lostAt },
      { from: 'reconnecting', to: 'ready', at: lostAt + downMs, downMs },
    ]);
    const log = c.workerLogs.get(w.pid)!;
    expect(log.events('redis.lost')).toHaveLength(1);
    expect(log.events('redis.recovered')).toEqual([{ event: 'redis.recovered', downMs }]);
    // Each refused reconnect attempt is an error, but the log shows at most 10 a window.
    expect(log.events('redis.error').length).toBe(10);
    expect(w.stats.reconnects).toBe(1);
    expect(c.master.stats.reconnects).toBe(1);
    expect(w.connection).toMatchObject({ state: 'ready', reconnects: 1, downtimeMs: downMs, queuedFrames: 0, queuedBytes: 0 });
    // The connection works both ways again.
    const got: unknown[] = [];
    w.onPrivate(({ data }) => got.push(data));
    await c.master.emitPrivate(w.pid, 'after');
    await c.cluster.settle();
    expect(got).toEqual(['after']);
    await c.cluster.advance(10_000);
    expect(log.events('log.suppressed')).toEqual([expect.objectContaining({ of: 'redis.error', count: expect.any(Number) as number })]);
    await c.cluster.close();
  });

  test('after a reconnect a process restores its subscriptions before it sends what waited: a message it sent itself arrives', async () => {
    const c = await startCluster({ groups: ['web'] });
    const w = c.workers[0]!;
    const got: unknown[] = [];
    w.onPrivate(({ data }) => got.push(data));
    const [publisher, subscriber] = c.cluster.redisClients(w.pid) as [FakeRedis, FakeRedis];
    publisher.dropConnection({ reconnect: 'manual' });
    subscriber.dropConnection({ reconnect: 'manual' });
    await c.cluster.settle();
    const sent = w.emitPrivate(w.pid, 'to myself');
    // The publisher is back first: ioredis on its own would send now, before anyone listens.
    await publisher.reconnect();
    await c.cluster.settle();
    expect(w.connection).toMatchObject({ state: 'reconnecting', queuedFrames: 1 });
    expect(got).toEqual([]);
    await subscriber.reconnect();
    await c.cluster.settle();
    await expect(sent).resolves.toBe(1);
    expect(got).toEqual(['to myself']);
    expect(w.stats.missedFrames).toBe(0);
    await c.cluster.close();
  });
});

describe('the offline queue', () => {
  test('is bounded by count: past maxFrames an emit rejects at once with CLUSTR_OFFLINE_QUEUE_FULL, reported and counted', async () => {
    const errors = sink();
    const c = await startCluster({ groups: ['web'], master: { offlineQueue: { maxFrames: 3 }, onError: errors.onError } });
    c.cluster.server.stop();
    await c.cluster.settle();
    const outcomes: string[] = [];
    const emits = [1, 2, 3, 4, 5].map((n) =>
      c.master.emitPublic(n).then(
        () => `${n}:sent`,
        (error: { code: string }) => `${n}:${error.code}`,
      ),
    );
    for (const emit of emits) void emit.then((outcome) => outcomes.push(outcome));
    await c.cluster.settle();
    expect(outcomes).toEqual(['4:CLUSTR_OFFLINE_QUEUE_FULL', '5:CLUSTR_OFFLINE_QUEUE_FULL']);
    expect(c.master.connection).toMatchObject({ queuedFrames: 3 });
    expect(c.master.stats).toMatchObject({ emitPublic: 5, unsentFrames: 2 });
    const full = errors.reported.filter((r) => r.code === 'CLUSTR_OFFLINE_QUEUE_FULL');
    expect(full.map((r) => r.context)).toEqual([
      { event: 'publish', kind: 'public' },
      { event: 'publish', kind: 'public' },
    ]);
    expect(full[0]!.message).toContain('redis://127.0.0.1:6379');
    expect(full[0]!.message).toContain('offlineQueue.maxFrames');

    // Redis back: the three that waited go out, in order.
    const got: unknown[] = [];
    c.workers[0]!.onPublic(({ data }) => got.push(data));
    c.cluster.server.start();
    await c.cluster.until(() => outcomes.length === 5);
    expect(outcomes).toEqual(['4:CLUSTR_OFFLINE_QUEUE_FULL', '5:CLUSTR_OFFLINE_QUEUE_FULL', '1:sent', '2:sent', '3:sent']);
    expect(got).toEqual([1, 2, 3]);
    await c.cluster.close();
  });

  test('is bounded by bytes: a frame that would pass maxBytes is rejected, smaller ones still fit', async () => {
    const c = await startCluster({ groups: ['web'], master: { offlineQueue: { maxBytes: 600 } } });
    c.cluster.server.stop();
    await c.cluster.settle();
    const first = c.master.emitPublic('a'.repeat(200));
    const big = c.master.emitPublic('b'.repeat(400));
    const small = c.master.emitPublic('c');
    await expect(big).rejects.toMatchObject({ code: 'CLUSTR_OFFLINE_QUEUE_FULL', field: 'offlineQueue' });
    expect(c.master.connection.queuedFrames).toBe(2);
    expect(c.master.connection.queuedBytes).toBeLessThanOrEqual(600);
    c.cluster.server.start();
    // Nobody listens on the public channel: after the reconnect each is tried for maxWait, then resolves 0.
    let settled = 0;
    void Promise.all([first, small]).then(() => (settled = 1));
    await c.cluster.until(() => settled === 1);
    await expect(first).resolves.toBe(0);
    await expect(small).resolves.toBe(0);
    await c.cluster.close();
  });

  test('is bounded by age: a frame that waited maxWait rejects with CLUSTR_OFFLINE_TIMEOUT, exactly then; later ones still wait', async () => {
    const c = await startCluster({ groups: ['web'], master: { offlineQueue: { maxWait: 1_000 } } });
    c.cluster.server.stop();
    await c.cluster.settle();
    const early = c.master.emitPublic('early');
    await c.cluster.advance(600);
    const late = c.master.emitPublic('late');
    let earlyOutcome = 'pending';
    void early.catch((error: { code: string }) => (earlyOutcome = error.code));
    await c.cluster.advance(399);
    expect(earlyOutcome).toBe('pending');
    await c.cluster.advance(1);
    expect(earlyOutcome).toBe('CLUSTR_OFFLINE_TIMEOUT');
    expect(c.master.connection.queuedFrames).toBe(1);
    const got: unknown[] = [];
    c.workers[0]!.onPublic(({ data }) => got.push(data));
    await c.cluster.settle();
    c.cluster.server.start();
    // Sent when the master is back; if the worker is not yet, sent again until it is.
    await c.cluster.until(() => got.length === 1);
    await expect(late).resolves.toBe(1);
    expect(got).toEqual(['late']);
    expect(c.master.stats.unsentFrames).toBe(1);
    await c.cluster.close();
  });

  test('a frame in flight when Redis went away settles within maxWait too: CLUSTR_OFFLINE_TIMEOUT, saying it may have been delivered', async () => {
    const c = await startCluster({ groups: ['web'], master: { offlineQueue: { maxWait: 2_000 } } });
    const w = c.workers[0]!;
    const got: unknown[] = [];
    w.onPrivate(({ data }) => got.push(data));
    await c.cluster.settle();
    const [publisher] = c.cluster.redisClients(c.master.pid) as [FakeRedis];
    // Sent, and the connection drops before Redis answers: ioredis keeps it to send again.
    const inFlight = c.master.emitPrivate(w.pid, 'in flight');
    publisher.dropConnection({ reconnect: 'manual' });
    let outcome: unknown;
    void inFlight.then((n) => (outcome = n), (error: unknown) => (outcome = error));
    await c.cluster.advance(1_999);
    expect(outcome).toBeUndefined();
    await c.cluster.advance(1);
    expect(isClustrError(outcome, 'CLUSTR_OFFLINE_TIMEOUT')).toBe(true);
    expect((outcome as Error).message).toContain('It may have been delivered');
    // Back later: ioredis sends it again; the promise stays as it was settled, the receiver gets it once.
    await publisher.reconnect();
    await c.cluster.settle();
    expect(got).toEqual(['in flight']);
    expect(c.master.stats.unsentFrames).toBe(1);
    await c.cluster.close();
  });

  test('a frame in flight when the connection dropped lands normally when Redis is back within maxWait', async () => {
    const c = await startCluster({ groups: ['web'] });
    const w = c.workers[0]!;
    await c.cluster.settle();
    const [publisher] = c.cluster.redisClients(c.master.pid) as [FakeRedis];
    const inFlight = c.master.emitPrivate(w.pid, 'in flight');
    publisher.dropConnection({ reconnect: 'manual' });
    await c.cluster.advance(1_000);
    await publisher.reconnect();
    await c.cluster.settle();
    await expect(inFlight).resolves.toBe(1);
    await c.cluster.close();
  });

  test('frames sent during a short outage arrive in order after it, and the receivers count nothing missing', async () => {
    const c = await startCluster({ groups: ['web', 'jobs'] });
    const [web, jobs] = c.workers as [(typeof c.workers)[0], (typeof c.workers)[0]];
    const got: unknown[] = [];
    jobs.onPrivate(({ data }) => got.push(data));
    await c.cluster.settle();
    c.cluster.server.stop();
    await c.cluster.settle();
    const sent = Array.from({ length: 20 }, (_, i) => web.emitPrivate(jobs.pid, i));
    await c.cluster.advance(1_500);
    c.cluster.server.start();
    await c.cluster.until(() => got.length === 20);
    expect(await Promise.all(sent)).toEqual(Array(20).fill(1));
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(jobs.stats.missedFrames).toBe(0);
    expect(jobs.stats.rejectedFrames).toEqual({});
    await c.cluster.close();
  });
});

describe('after a reconnect, a frame that reached nobody', () => {
  test('is sent again until its receiver is back; the frames behind it wait in order, within the offline bound', async () => {
    const c = await startCluster({ groups: ['web'], master: { offlineQueue: { maxFrames: 4 } } });
    const w = c.workers[0]!;
    const got: unknown[] = [];
    // A group channel: after a reconnect the master answers each worker's cluster-info
    // question on its private channel, which would show that channel's receiver back.
    w.onGroup(({ data }) => got.push(data));
    c.cluster.server.stop();
    await c.cluster.settle();
    c.cluster.server.start();
    await c.cluster.until(() => allReady(c));
    // The worker's subscriber drops again and stays down: the master is back, its receiver is not.
    const [, subscriber] = c.cluster.redisClients(w.pid) as [FakeRedis, FakeRedis];
    subscriber.dropConnection({ reconnect: 'manual' });
    await c.cluster.settle();
    const outcomes: string[] = [];
    const sends = [1, 2, 3, 4, 5, 6].map((n) => c.master.emitGroup('web', n).then((receivers) => `${n}:${receivers}`, (error: { code: string }) => `${n}:${error.code}`));
    for (const send of sends) void send.then((outcome) => outcomes.push(outcome));
    await c.cluster.advance(500);
    // 1 is being retried, 2-5 wait behind it (4 = maxFrames), 6 is refused.
    expect(outcomes).toEqual(['6:CLUSTR_OFFLINE_QUEUE_FULL']);
    expect(c.master.connection).toMatchObject({ state: 'ready', queuedFrames: 4 });
    await subscriber.reconnect();
    await c.cluster.until(() => outcomes.length === 6);
    expect(outcomes).toEqual(['6:CLUSTR_OFFLINE_QUEUE_FULL', '1:1', '2:1', '3:1', '4:1', '5:1']);
    expect(got).toEqual([1, 2, 3, 4, 5]);
    expect(w.stats.missedFrames).toBe(0);
    await c.cluster.close();
  });

  test('is given up after maxWait when nobody comes back, and resolves 0 as before', async () => {
    const c = await startCluster({ groups: ['web'] });
    c.cluster.server.stop();
    await c.cluster.settle();
    c.cluster.server.start();
    await c.cluster.until(() => allReady(c));
    let outcome: number | undefined;
    void c.master.emitPrivate(99_999, 'nobody').then((n) => (outcome = n));
    await c.cluster.advance(4_000);
    expect(outcome).toBeUndefined();
    await c.cluster.advance(1_000);
    expect(outcome).toBe(0);
    await c.cluster.close();
  });
});

describe('after a reconnect, a channel nobody heard before the loss', () => {
  test('is sent on as usual, not retried: frames to a process long gone do not fill the offline bound', async () => {
    const c = await startCluster({ groups: ['web'], master: { offlineQueue: { maxFrames: 2 } } });
    // Before the loss: pid 99 999 hears nothing, and Redis says so.
    await expect(c.master.emitPrivate(99_999, 'before')).resolves.toBe(0);
    c.cluster.server.stop();
    await c.cluster.settle();
    c.cluster.server.start();
    await c.cluster.until(() => allReady(c));
    const outcomes: Array<number | string> = [];
    for (let n = 0; n < 5; n++) void c.master.emitPrivate(99_999, n).then((receivers) => outcomes.push(receivers), (error: { code: string }) => outcomes.push(error.code));
    await c.cluster.settle();
    // Each answered at once with 0: none waited for maxWait, none was refused as over the bound.
    expect(outcomes).toEqual([0, 0, 0, 0, 0]);
    expect(c.master.connection.queuedFrames).toBe(0);
    await c.cluster.close();
  });
});

describe('sequence numbers at the receiver', () => {
  async function pair() {
    const errors = sink();
    const c = await startCluster({ groups: ['web'], worker: { onError: errors.onError } });
    const w = c.workers[0]!;
    const got: unknown[] = [];
    w.onPrivate(({ data }) => got.push(data));
    await c.cluster.settle();
    await c.master.emitPrivate(w.pid, 'first');
    await c.cluster.settle();
    return { c, w, got, errors, channel: channels(c.cluster.namespace).private(w.pid) };
  }

  test('frames lost on the way are counted in missedFrames and reported once per gap, naming the sender and channel', async () => {
    const { c, w, got, errors, channel } = await pair();
    c.cluster.server.holdChannel(channel);
    for (const n of [2, 3, 4]) await c.master.emitPrivate(w.pid, n);
    expect(c.cluster.server.releaseChannel(channel, { discard: true })).toBe(3);
    await c.master.emitPrivate(w.pid, 'after');
    await c.cluster.settle();
    expect(got).toEqual(['first', 'after']);
    expect(w.stats.missedFrames).toBe(3);
    const missed = errors.reported.filter((r) => r.code === 'CLUSTR_FRAMES_MISSED');
    expect(missed).toEqual([
      { code: 'CLUSTR_FRAMES_MISSED', message: `3 frames from pid ${c.master.pid} on ${channel} never arrived (a gap in its sequence numbers).`, context: { event: 'frames.missed', from: c.master.pid, channel, missed: 3 } },
    ]);
    await c.cluster.close();
  });

  test('a frame delivered twice is handled once; the copy is dropped as duplicate', async () => {
    const { c, w, got } = await pair();
    const tap = new FakeRedis({ server: c.cluster.server });
    const captured: Array<[string, string]> = [];
    await tap.psubscribe(`${c.cluster.namespace}:private:*`);
    tap.on('pmessage', (_pattern, channel, raw) => captured.push([channel, raw]));
    await c.master.emitPrivate(w.pid, 'once');
    await c.cluster.settle();
    const [channel, raw] = captured[0]!;
    c.cluster.server.inject(channel, raw);
    await c.cluster.settle();
    expect(got).toEqual(['first', 'once']);
    expect(w.stats.rejectedFrames).toEqual({ duplicate: 1 });
    expect(w.stats.missedFrames).toBe(0);
    tap.disconnect();
    await c.cluster.close();
  });

  test('Redis never reorders one sender, so a reordered frame counts as lost and then as a duplicate, never handled out of order', async () => {
    const { c, w, got, channel } = await pair();
    c.cluster.server.holdChannel(channel);
    for (const n of [2, 3, 4]) await c.master.emitPrivate(w.pid, n);
    c.cluster.server.releaseChannel(channel, { reverse: true });
    await c.cluster.settle();
    expect(got).toEqual(['first', 4]);
    expect(w.stats.missedFrames).toBe(2);
    expect(w.stats.rejectedFrames).toEqual({ duplicate: 2 });
    await c.cluster.close();
  });

  test('a receiver that starts listening mid-stream counts no gap; nor does a sender that restarted under a new pid', async () => {
    const c = await startCluster({ groups: ['web'] });
    const w = c.workers[0]!;
    for (let i = 0; i < 5; i++) await c.master.emitPublic(i);
    const got: unknown[] = [];
    w.onPublic(({ data }) => got.push(data));
    await c.cluster.settle();
    await c.master.emitPublic('now');
    await c.cluster.settle();
    expect(got).toEqual(['now']);
    expect(w.stats.missedFrames).toBe(0);

    // The worker's first run sent the master 3 private frames; its respawn (a new pid, a new count) sends one.
    const seen: number[] = [];
    c.master.onPrivate(({ meta }) => seen.push(meta.pid));
    for (let i = 0; i < 3; i++) await w.emitPrivate(c.master.pid, i);
    c.cluster.signal(w.pid, 'SIGKILL');
    await c.cluster.until(() => c.master.stats.respawnChildProcess === 1 && (c.master.clusterInfo['web']?.length ?? 0) === 1);
    const fresh = c.cluster.worker(c.master.clusterInfo['web']![0]!);
    await fresh.emitPrivate(c.master.pid, 'again');
    await c.cluster.settle();
    expect(seen).toEqual([w.pid, w.pid, w.pid, fresh.pid]);
    expect(c.master.stats.missedFrames).toBe(0);
    await c.cluster.close();
  });
});

/** A master and one worker (group `late`) that is connected but has not called emitReady(). */
async function connectedWorker() {
  const cluster = createTestCluster({ clock: 'manual' });
  let late: ReturnType<typeof cluster.worker> | undefined;
  cluster.program('late.js', (ctx) => {
    late = ctx.createWorker({ group: 'late' });
  });
  const master = cluster.createMaster({ reloadDelay: 0 });
  master.spawn([{ file: 'late.js' }]);
  await cluster.until(() => late !== undefined && late.connection.state === 'ready');
  return { cluster, master, late: late! };
}

describe('registration across an outage', () => {
  test('a worker closed while Redis is down settles its pending emitReady (resolved, nothing registered, as when it closes after connecting) and reports no subscription failure', async () => {
    const { cluster, master, late } = await connectedWorker();
    const reported: Array<{ code: unknown; event: unknown }> = [];
    late.onError((error, context) => reported.push({ code: (error as { code?: unknown }).code, event: context.event }));
    cluster.server.stop();
    await cluster.settle();
    // Both wait for Redis: a new subscription (the public channel) and the registration.
    late.onPublic(() => undefined);
    let outcome: unknown;
    late.emitReady().then(
      () => (outcome = 'ready'),
      (error: { code?: unknown }) => (outcome = error.code),
    );
    await cluster.advance(1_000);
    expect(outcome).toBeUndefined();
    // close() gives Redis a second to acknowledge QUIT, on the simulated clock.
    const closed = late.close();
    await cluster.advance(5_000);
    await closed;
    expect(outcome).toBe('ready');
    expect(reported.filter((r) => r.event === 'subscribe')).toEqual([]);
    cluster.server.start();
    await cluster.advance(5_000);
    expect(master.clusterInfo['late']).toBeUndefined();
    await cluster.close();
  });

  test('a worker that becomes ready while Redis is down appears in cluster info once Redis is back', async () => {
    const { cluster, master, late } = await connectedWorker();
    cluster.server.stop();
    await cluster.settle();
    let ready = false;
    void late.emitReady().then(() => (ready = true));
    await cluster.advance(15_000);
    expect(ready).toBe(false);
    expect(master.clusterInfo['late']).toBeUndefined();
    cluster.server.start();
    await cluster.until(() => ready && master.clusterInfo['late']?.length === 1);
    expect(master.clusterInfo).toEqual({ master: [master.pid], late: [late.pid] });
    await cluster.close();
  });

  test('after an outage every live process registers again; one that died unheard meanwhile leaves cluster info', async () => {
    const cluster = createTestCluster({ clock: 'manual' });
    cluster.program('parent.js', (ctx) => {
      const w = ctx.createWorker({ group: 'parent' });
      w.spawn([{ file: 'leaf.js', respawn: false }]);
      void w.emitReady();
    });
    cluster.program('leaf.js', (ctx) => void ctx.createWorker({ group: 'leaf' }).emitReady());
    const logger = recordingLogger(() => cluster.clock.now());
    const master = cluster.createMaster({ reloadDelay: 0, logger });
    master.spawn([{ file: 'parent.js' }]);
    await cluster.until(() => master.clusterInfo['leaf']?.length === 1);
    const [parentPid] = master.clusterInfo['parent']!;
    const [leafPid] = master.clusterInfo['leaf']!;
    cluster.server.stop();
    await cluster.settle();
    // The leaf dies during the outage: its parent's deregister waits, then gives up (maxWait 5 s).
    cluster.signal(leafPid!, 'SIGKILL');
    await cluster.advance(12_000);
    expect(master.clusterInfo['leaf']).toEqual([leafPid]);
    cluster.server.start();
    await cluster.until(() => master.connection.state === 'ready');
    // The master announced itself; the parent registered again; the dead leaf is dropped 5 s later.
    await cluster.advance(5_000);
    expect(master.clusterInfo).toEqual({ master: [master.pid], parent: [parentPid] });
    expect(logger.events('registry.remove')).toEqual([expect.objectContaining({ pids: [leafPid], by: master.pid })]);
    await cluster.close();
  });

  test('fetchClusterInfo() during an outage is sent again when Redis is back, or rejects naming Redis, not the master', async () => {
    const c = await startCluster({ groups: ['web'] });
    const w = c.workers[0]!;
    c.cluster.server.stop();
    await c.cluster.settle();
    const answered = w.fetchClusterInfo(10_000);
    const unanswered = w.fetchClusterInfo(3_000);
    let failure: unknown;
    void unanswered.catch((error: unknown) => (failure = error));
    await c.cluster.advance(3_000);
    expect(isClustrError(failure, 'CLUSTR_REDIS_UNAVAILABLE')).toBe(true);
    expect((failure as Error).message).toContain('redis://127.0.0.1:6379');
    c.cluster.server.start();
    await c.cluster.until(() => allReady(c));
    await expect(answered).resolves.toEqual({ master: [c.master.pid], web: [w.pid] });
    await c.cluster.close();
  });
});

describe('start-up without Redis', () => {
  test('a master that cannot reach Redis says so on stderr without any flag, reports it, and exits 69 at connectTimeout', async () => {
    const cluster = createTestCluster({ clock: 'manual' });
    cluster.server.stop();
    const errors = sink();
    const master = cluster.createMaster({ connectTimeout: 5_000, onError: errors.onError });
    const pid = master.pid;
    await cluster.advance(4_999);
    expect(cluster.process(pid).state).toBe('running');
    expect(master.connection.state).toBe('connecting');
    await cluster.advance(1);
    await cluster.settle();
    expect(cluster.process(pid).exit).toEqual({ code: 69, signal: null });
    const stderr = cluster.output.filter((o) => o.pid === pid && o.stream === 'stderr').map((o) => o.text);
    expect(stderr).toEqual([expect.stringMatching(/^clustr\[master:\d+\]: could not reach Redis at redis:\/\/127\.0\.0\.1:6379 within 5000 ms \(connect ECONNREFUSED/)]);
    expect(stderr[0]).toContain('CLUSTR_REDIS_URL');
    expect(errors.reported.map((r) => [r.code, r.context['event']])).toEqual([['CLUSTR_REDIS_UNREACHABLE', 'redis.unreachable']]);
    await cluster.close();
  });

  test('the default connectTimeout is 20 s', async () => {
    const cluster = createTestCluster({ clock: 'manual' });
    cluster.server.stop();
    const master = cluster.createMaster();
    await cluster.advance(19_999);
    expect(cluster.process(master.pid).state).toBe('running');
    await cluster.advance(1);
    await cluster.settle();
    expect(cluster.process(master.pid).exit).toEqual({ code: 69, signal: null });
    await cluster.close();
  });

  test('a Redis that comes up before connectTimeout is simply used', async () => {
    const cluster = createTestCluster({ clock: 'manual' });
    cluster.server.stop();
    const master = cluster.createMaster();
    await cluster.advance(8_000);
    cluster.server.start();
    await cluster.until(() => master.connection.state === 'ready');
    await cluster.advance(30_000);
    expect(cluster.process(master.pid).state).toBe('running');
    await cluster.close();
  });
});

describe('logs that cannot flood', () => {
  test('100 000 bad frames: 10 log records, then one summary; the counter stays exact', async () => {
    const c = await startCluster({ groups: ['web'] });
    const w = c.workers[0]!;
    const channel = channels(c.cluster.namespace).private(w.pid);
    for (let i = 0; i < 100_000; i++) c.cluster.server.inject(channel, 'not json');
    await c.cluster.settle();
    expect(w.stats.rejectedFrames).toEqual({ not_json: 100_000 });
    const log = c.workerLogs.get(w.pid)!;
    expect(log.events('frame.rejected')).toHaveLength(10);
    expect(log.events('log.suppressed')).toEqual([]);
    await c.cluster.advance(10_000);
    const summary = log.records.filter((r) => r.fields.event === 'log.suppressed');
    expect(summary.map((r) => r.fields)).toEqual([{ event: 'log.suppressed', of: 'frame.rejected', reason: 'not_json', count: 99_990, windowMs: 10_000 }]);
    expect(summary[0]!.msg).toBe('99,990 more frame.rejected (not_json) in the last 10 s');
    await c.cluster.close();
  });
});

describe('errors made per frame', () => {
  test('a dropped frame and a refused emit are reported as ClustrErrors whose stack is their first line only (a flood makes one per frame)', async () => {
    const reported: Error[] = [];
    const c = await startCluster({ groups: ['web'], master: { offlineQueue: { maxFrames: 1 }, onError: (error) => reported.push(error) } });
    c.cluster.server.inject(channels(c.cluster.namespace).private(c.master.pid), 'not json');
    await c.cluster.settle();
    c.cluster.server.stop();
    await c.cluster.settle();
    const queued = c.master.emitPublic(1);
    const refused = await c.master.emitPublic(2).catch((error: unknown) => error);
    const dropped = reported.find((error) => isClustrError(error, 'CLUSTR_INVALID_FRAME'));
    for (const [error, code] of [[dropped, 'CLUSTR_INVALID_FRAME'], [refused, 'CLUSTR_OFFLINE_QUEUE_FULL']] as const) {
      expect(isClustrError(error, code)).toBe(true);
      expect((error as Error).stack).toBe(`ClustrError: ${(error as Error).message}`);
    }
    expect((dropped as Error).message).toMatch(/^dropped a frame on .*: not_json: is not JSON/);
    // The stack limit is the process's own again: errors made elsewhere keep their stacks.
    expect(new Error('x').stack).toMatch(/\n {4}at /);
    // The frame that waited goes out once Redis is back.
    let sent: number | undefined;
    void queued.then((receivers) => (sent = receivers));
    c.cluster.server.start();
    await c.cluster.until(() => sent !== undefined);
    expect(sent).toEqual(expect.any(Number));
    await c.cluster.close();
  });
});

describe('slow handlers', () => {
  test('yield to the event loop after their 20 ms of a turn; frames wait in order, and past inboundQueue they are dropped and counted', async () => {
    const c = await startCluster({ groups: ['web'], worker: { inboundQueue: { maxFrames: 10 } } });
    const w = c.workers[0]!;
    const got: number[] = [];
    // Each message takes 5 ms of the (simulated) clock.
    w.onPrivate(({ data }) => {
      got.push(data as number);
      c.cluster.clock.set(c.cluster.clock.now() + 5);
    });
    let turnOver = false;
    setImmediate(() => (turnOver = true));
    for (let i = 0; i < 30; i++) await c.master.emitPrivate(w.pid, i);
    expect(turnOver).toBe(false);
    await c.cluster.settle();
    // Four handled in the first turn (20 ms), ten held, the rest dropped as overloaded; the ten come next turns.
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(w.stats.rejectedFrames).toEqual({ overloaded: 16 });
    await c.cluster.close();
  });
});
