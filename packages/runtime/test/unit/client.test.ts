// ClusterClient against a simulated cluster: status, operator commands (reload, stop) with their
// progress, publish, tail, and the errors a wrong namespace or secret gives.
import { channels } from '@clustr/protocol';
import { FakeRedis, createTestCluster, type TestCluster } from '@clustr/testkit';
import type { CommandProgress, Master, MasterOptions, TailEntry } from '@clustr/runtime';
import { recordingLogger, rejection } from './helpers';

const SECRET = 'a-secret-of-at-least-thirty-two-bytes!';

interface Fixture {
  cluster: TestCluster;
  master: Master;
  /** What app.js processes started from now on do: register, or never (a broken deploy). */
  mode: 'ready' | 'never-ready';
  /** Private messages app.js processes received, by pid. */
  received: Array<{ pid: number; data: unknown; from: number }>;
}

async function fixture(count: number, options: Omit<MasterOptions, 'platform' | 'logger'> = {}, env: { secret?: string } = {}): Promise<Fixture> {
  const cluster = createTestCluster({ clock: 'manual' });
  const f = { cluster, mode: 'ready', received: [] } as unknown as Fixture;
  cluster.program('app.js', (ctx) => {
    const worker = ctx.createWorker({ group: 'app', ...(env.secret === undefined ? {} : { secret: env.secret }) });
    worker.onPrivate(({ meta, data }) => f.received.push({ pid: ctx.pid, data, from: meta.pid }));
    if (f.mode === 'ready') void worker.emitReady();
  });
  f.master = cluster.createMaster({ reloadDelay: 100, readyTimeout: 1_000, ...options, ...(env.secret === undefined ? {} : { secret: env.secret }), logger: recordingLogger() });
  f.master.spawn(Array.from({ length: count }, () => ({ file: 'app.js' })));
  await cluster.until(() => (f.master.clusterInfo['app']?.length ?? 0) === count);
  return f;
}

/** Runs `work` while simulated time moves until it settles. */
async function driving<T>(cluster: TestCluster, work: Promise<T>): Promise<T> {
  let settled = false;
  const watched = work.finally(() => {
    settled = true;
  });
  watched.catch(() => undefined);
  await cluster.until(() => settled);
  return watched;
}

describe('commands over Redis', () => {
  test('reload: accepted, then each replacement as it happens, then reloaded with every pair', async () => {
    const f = await fixture(2);
    const before = f.master.clusterInfo['app']!;
    const client = await f.cluster.createClient();
    const progress: CommandProgress[] = [];
    const summary = await driving(f.cluster, client.reload((step) => progress.push(step)));
    const after = f.master.clusterInfo['app']!;
    expect(after.some((pid) => before.includes(pid))).toBe(false);
    expect(summary.replaced).toEqual([
      { from: before[0], to: expect.any(Number) },
      { from: before[1], to: expect.any(Number) },
    ]);
    expect(progress).toEqual([
      { event: 'accepted', action: 'reload' },
      { event: 'replaced', ...summary.replaced[0] },
      { event: 'replaced', ...summary.replaced[1] },
      { event: 'reloaded', ok: true, replaced: summary.replaced },
    ]);
    for (const pid of before) expect(f.cluster.process(pid).state).toBe('exited');
    await client.close();
    await f.cluster.close();
  });

  test('a reload asked during a reload waits for it, and reports only its own replacements', async () => {
    const f = await fixture(2);
    const before = f.master.clusterInfo['app']!;
    const client = await f.cluster.createClient();
    const running = f.master.reload();
    await f.cluster.settle();
    expect(f.master.reloadState).not.toBe('idle');
    const progress: CommandProgress[] = [];
    const summary = await driving(f.cluster, client.reload((step) => progress.push(step)));
    const first = await running;
    // The running reload replaced `before`; the command's own reload replaced those replacements.
    expect(first.replaced.map((r) => r.from)).toEqual(before);
    expect(summary.replaced.map((r) => r.from)).toEqual(first.replaced.map((r) => r.to));
    expect(progress.filter((p) => p.event === 'replaced')).toEqual(summary.replaced.map((r) => ({ event: 'replaced', ...r })));
    await client.close();
    await f.cluster.close();
  });

  test('a reload whose replacement never registers fails with CLUSTR_RELOAD_FAILED, and the old children keep running', async () => {
    const f = await fixture(2);
    const before = f.master.clusterInfo['app']!;
    const client = await f.cluster.createClient();
    f.mode = 'never-ready';
    const progress: CommandProgress[] = [];
    const error = await driving(f.cluster, rejection(() => client.reload((step) => progress.push(step))));
    expect(error).toMatchObject({ code: 'CLUSTR_RELOAD_FAILED' });
    expect(error.message).toMatch(/did not become ready \(ready-timeout\); 0 processes replaced/);
    expect(progress.at(-1)).toMatchObject({ event: 'reloaded', ok: false, replaced: [], failure: { reason: 'ready-timeout' } });
    expect(f.master.clusterInfo['app']).toEqual(before);
    for (const pid of before) expect(f.cluster.process(pid).state).toBe('running');
    await client.close();
    await f.cluster.close();
  });

  test('stop: accepted, then stopped once every child has exited; the master exits 0 and has left Redis when it resolves', async () => {
    const f = await fixture(2);
    const pids = f.master.clusterInfo['app']!;
    const client = await f.cluster.createClient();
    const progress: CommandProgress[] = [];
    const result = await driving(f.cluster, client.stop((step) => progress.push(step)));
    expect(result).toEqual({ code: 0 });
    expect(progress).toEqual([
      { event: 'accepted', action: 'stop' },
      { event: 'stopped', code: 0 },
    ]);
    for (const pid of pids) expect(f.cluster.process(pid).state).toBe('exited');
    expect(f.cluster.process(f.master.pid).exit).toEqual({ code: 0, signal: null });
    expect(f.cluster.server.numsub(channels(f.cluster.namespace).master)).toBe(0);
    await client.close();
    await f.cluster.close();
  });

  test('a reload asked of a stopping master is refused with CLUSTR_COMMAND_REFUSED', async () => {
    const f = await fixture(1, { killTimeout: 5_000 });
    f.master.onKill(() => undefined); // never calls done(): the master stays stopping for killTimeout
    const client = await f.cluster.createClient();
    f.cluster.signal(f.master.pid, 'SIGTERM');
    await f.cluster.settle();
    expect(f.master.status).toBe('stopping');
    const error = await rejection(() => client.reload());
    expect(error).toMatchObject({ code: 'CLUSTR_COMMAND_REFUSED', message: 'the master refused the reload: the master is stopping.' });
    await client.close();
    await f.cluster.close();
  });
});

describe('errors a client gets', () => {
  test('no master in the namespace: CLUSTR_NO_MASTER at once, naming the namespace', async () => {
    const cluster = createTestCluster({ clock: 'manual' });
    const client = await cluster.createClient();
    const t0 = cluster.clock.now();
    const error = await rejection(() => client.status());
    expect(error).toMatchObject({ code: 'CLUSTR_NO_MASTER' });
    expect(error.message).toContain(`no master listens in namespace "${cluster.namespace}"`);
    expect(cluster.clock.now()).toBe(t0);
    await client.close();
    await cluster.close();
  });

  test('a client with a secret and a master without one: the unsigned answer is dropped, CLUSTR_FRAME_REJECTED at once', async () => {
    const f = await fixture(1);
    const client = await f.cluster.createClient({ secret: SECRET });
    const t0 = f.cluster.clock.now();
    const error = await rejection(() => client.status());
    expect(error).toMatchObject({ code: 'CLUSTR_FRAME_REJECTED' });
    expect(error.message).toContain('(unsigned): the cluster does not sign its frames: run without --secret / CLUSTR_SECRET');
    expect(f.cluster.clock.now()).toBe(t0);
    await client.close();
    await f.cluster.close();
  });

  test('a master with another secret drops the request without a word: CLUSTR_NO_MASTER after the timeout, with the secret hint', async () => {
    const f = await fixture(1, {}, { secret: SECRET });
    const client = await f.cluster.createClient({ secret: `another-${SECRET}`, timeout: 2_000 });
    const error = await driving(f.cluster, rejection(() => client.status()));
    expect(error).toMatchObject({ code: 'CLUSTR_NO_MASTER' });
    expect(error.message).toMatch(/If the cluster runs with another secret \(or none\), a master drops frames it cannot verify/);
    expect(f.master.stats.rejectedFrames).toEqual({ bad_signature: 1 });
    await client.close();
    await f.cluster.close();
  });

  test('a signing master drops an unsigned request without a word: CLUSTR_NO_MASTER after the timeout, with the secret hint', async () => {
    const f = await fixture(1, {}, { secret: SECRET });
    const client = await f.cluster.createClient({ timeout: 2_000 });
    const t0 = f.cluster.clock.now();
    const error = await driving(f.cluster, rejection(() => client.status()));
    expect(f.cluster.clock.now() - t0).toBe(2_000);
    expect(error).toMatchObject({ code: 'CLUSTR_NO_MASTER' });
    expect(error.message).toMatch(/though something listens there\. If the cluster runs with a secret, pass it/);
    await client.close();
    await f.cluster.close();
  });

  test('with the same secret everything works, and frames are signed', async () => {
    const f = await fixture(1, {}, { secret: SECRET });
    const client = await f.cluster.createClient({ secret: SECRET });
    const spy = new FakeRedis({ server: f.cluster.server });
    const raw: string[] = [];
    spy.on('message', (_channel: string, text: string) => raw.push(text));
    await spy.subscribe(channels(f.cluster.namespace).master);
    expect((await client.status()).map((p) => p.group)).toEqual(['master', 'app']);
    const request = raw.find((text) => text.includes('"kind":"statusRequest"'));
    expect(request).toMatch(/,"ts":\d+,"sig":"[A-Za-z0-9_-]+"\}$/);
    spy.disconnect();
    await client.close();
    await f.cluster.close();
  });
});

describe('publish and tail', () => {
  test('publish private reaches a worker’s onPrivate handler; publish to nobody resolves 0', async () => {
    const f = await fixture(1);
    const pid = f.master.clusterInfo['app']![0]!;
    const client = await f.cluster.createClient();
    expect(await client.publish({ kind: 'private', pid }, { text: 'hi' })).toBe(1);
    await f.cluster.settle();
    expect(f.received).toEqual([{ pid, data: { text: 'hi' }, from: client.pid }]);
    expect(await client.publish({ kind: 'group', group: 'nobody' }, 1)).toBe(0);
    await client.close();
    await f.cluster.close();
  });

  test('tail hears every frame of the namespace, decoded, and dropped ones with their reason', async () => {
    const f = await fixture(1);
    const client = await f.cluster.createClient();
    const entries: TailEntry[] = [];
    const stop = await client.tail((entry) => entries.push(entry));
    await client.publish({ kind: 'public' }, { hello: 'world' });
    const outsider = new FakeRedis({ server: f.cluster.server });
    await outsider.publish(channels(f.cluster.namespace).public, '{"v":2,"kind":"public"}');
    await f.cluster.advance(2_000);
    const frames = entries.flatMap((e) => ('frame' in e ? [e.frame] : []));
    expect(frames.find((frame) => frame.kind === 'public')).toMatchObject({ meta: { pid: client.pid, group: 'client' }, data: { hello: 'world' } });
    expect(frames.some((frame) => frame.kind === 'heartbeat')).toBe(true);
    const dropped = entries.flatMap((e) => ('rejected' in e ? [e.rejected] : []));
    expect(dropped).toEqual([expect.objectContaining({ reason: 'invalid_frame', channel: channels(f.cluster.namespace).public })]);
    await stop();
    outsider.disconnect();
    await client.close();
    await f.cluster.close();
  });
});
