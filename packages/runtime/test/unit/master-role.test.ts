// master/master.ts on its own: a Master on the fake platform, the rest of the cluster a peer on
// the same FakeRedis (it registers, asks and hears as any pid) and fake children that talk over
// IPC; signals and the clock are the test's. No cluster harness.
import { createConnection, createServer } from 'node:net';
import { ClustrError, type ClusterInfo } from '@clustr/protocol/core';
import { Master } from '../../src';
import type { MasterOptions } from '../../src/master/master';
import { REVALIDATE_AFTER_MS } from '../../src/master/master';
import type { ReloadResult } from '../../src/reload/reload-machine';
import type { ErrorContext } from '../../src/process/cluster-process';
import type { IpcMessage } from '../../src/platform/platform';
import { tcpBinding } from '../../src/net/shared-socket';
import { advance, flush } from './fake-platform';
import { peer, rolePlatform, type Peer, type RolePlatform } from './role-rig';
import { recordingLogger, thrownClustrError, watch, type RecordingLogger } from './probes';

const NS = 'mst';
/** Whoever asks the master something (`clustr ls`, another process). */
const ASKER = { pid: 200, group: 'cli' };

interface Rig {
  f: RolePlatform;
  master: Master;
  logger: RecordingLogger;
  errors: Array<[Error, ErrorContext]>;
  /** Hears the control channel and the asker's private channel; sends as anyone. */
  peer: Peer;
}

async function started(options: Partial<MasterOptions> = {}, platform: { stubborn?: boolean } = {}): Promise<Rig> {
  const f = rolePlatform({ files: ['/srv/app/w.js'], ...platform });
  const p = await peer(f, NS, (names) => [names.control, names.private(ASKER.pid)]);
  const logger = recordingLogger();
  const errors: Array<[Error, ErrorContext]> = [];
  const master = Master.create({ platform: f.platform, namespace: NS, logger, reloadDelay: 0, onError: (error, context) => errors.push([error, context]), ...options });
  await flush();
  return { f, master, logger, errors, peer: p };
}

function register(r: Rig, pid: number, group = 'web', parentPid = 100): void {
  r.peer.send(r.peer.names.master, 'register', { parentPid }, { pid, group });
}

function signal(r: Rig, name: string): void {
  for (const handler of [...r.f.signalHandlers.get(name)!]) handler();
}

function records(logger: RecordingLogger, event: string) {
  return logger.records.filter((record) => record.fields.event === event);
}

describe('creating a master', () => {
  test.each([
    ['readyTimeout', { readyTimeout: -1 }],
    ['reloadConcurrency', { reloadConcurrency: 0 }],
  ])('its own options are checked: %s', (field, options) => {
    const error = thrownClustrError(() => Master.create({ platform: rolePlatform().platform, ...options }));
    expect(error).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field });
  });

  test('cluster info holds the master alone at first; it announces itself once connected', async () => {
    const r = await started();
    expect(r.master.clusterInfo).toEqual({ master: [100] });
    expect(r.master.reloadState).toBe('idle');
    expect(r.peer.of('announce')).toEqual([expect.objectContaining({ channel: `${NS}:control`, meta: expect.objectContaining({ pid: 100, group: 'master' }), data: { reason: 'start' } })]);
    await r.master.close(0);
  });
});

describe('the registry', () => {
  test('a registration is added, logged, and published as membership once per tick of changes', async () => {
    const r = await started();
    register(r, 300);
    register(r, 301, 'jobs', 300);
    await flush();
    expect(r.master.clusterInfo).toEqual({ master: [100], web: [300], jobs: [301] });
    expect(records(r.logger, 'registry.add')).toEqual([
      { level: 'info', fields: { event: 'registry.add', pid: 300, group: 'web' }, msg: 'process registered' },
      { level: 'info', fields: { event: 'registry.add', pid: 301, group: 'jobs' }, msg: 'process registered' },
    ]);
    expect(r.peer.of('membership').map((frame) => frame.data)).toEqual([{ master: [100], web: [300], jobs: [301] }]);
    // Registering again (after an announcement) changes nothing.
    register(r, 300);
    await flush();
    expect(records(r.logger, 'registry.add')).toHaveLength(2);
    expect(r.peer.of('membership')).toHaveLength(1);
    await r.master.close(0);
  });

  test("the master's own view follows its registry: emitAny reaches the master from the start, a group once it registers, none once it leaves", async () => {
    const r = await started();
    await r.peer.listen(r.peer.names.private(300));
    const own: unknown[] = [];
    r.master.onGroup((message) => void own.push((message as { data: unknown }).data));
    await expect(r.master.emitAny('master', 'self')).resolves.toBe(1);
    await flush();
    expect(own).toEqual(['self']);
    await expect(r.master.emitAny('web', 'early')).rejects.toMatchObject({ code: 'CLUSTR_NO_MEMBER' });
    register(r, 300);
    await flush();
    await expect(r.master.emitAny('web', 'now')).resolves.toBe(1);
    expect(r.peer.of('any').map((frame) => [frame.channel, frame.data])).toEqual([[`${NS}:private:300`, { group: 'web', body: 'now' }]]);
    r.peer.send(r.peer.names.master, 'deregister', { pid: 300 }, { pid: 300, group: 'web' });
    await flush();
    await expect(r.master.emitAny('web', 'late')).rejects.toMatchObject({ code: 'CLUSTR_NO_MEMBER' });
    await r.master.close(0);
  });

  test("a registration claiming the master's own pid is not one", async () => {
    const r = await started();
    register(r, 100, 'web');
    await flush();
    expect(r.master.clusterInfo).toEqual({ master: [100] });
    expect(r.logger.events('registry.add')).toEqual([]);
    expect(r.peer.of('membership')).toEqual([]);
    await r.master.close(0);
  });

  test('a deregistration removes the process, names who sent it, and publishes membership; an unknown pid changes nothing', async () => {
    const r = await started();
    register(r, 300);
    register(r, 301);
    await flush();
    r.peer.send(r.peer.names.master, 'deregister', { pid: 300 }, { pid: 300, group: 'web' });
    await flush();
    expect(r.master.clusterInfo).toEqual({ master: [100], web: [301] });
    expect(records(r.logger, 'registry.remove')).toEqual([{ level: 'info', fields: { event: 'registry.remove', pids: [300], by: 300 }, msg: 'process deregistered' }]);
    expect(r.peer.of('membership').map((frame) => frame.data)).toEqual([{ master: [100], web: [300, 301] }, { master: [100], web: [301] }]);
    r.peer.send(r.peer.names.master, 'deregister', { pid: 999 }, { pid: 301, group: 'web' });
    await flush();
    expect(r.logger.events('registry.remove')).toHaveLength(1);
    expect(r.peer.of('membership')).toHaveLength(2);
    await r.master.close(0);
  });

  test('once closed, the master leaves no timer behind and no signal handler', async () => {
    const r = await started();
    r.master.spawn([{ file: 'w.js' }]);
    await flush();
    register(r, r.f.children[0]!.pid);
    await advance(r.f.clock, 10_000);
    await r.master.close(0);
    expect(r.f.clock.pending).toBe(0);
    for (const name of ['SIGTERM', 'SIGINT', 'SIGHUP']) expect(r.f.signalHandlers.get(name)!.size).toBe(0);
  });

  test("a registered grandchild that stops beating is reported as hung (its parent's watchdog restarts it)", async () => {
    const r = await started();
    register(r, 300);
    register(r, 301, 'jobs', 300);
    await flush();
    const health = { parentPid: 300, host: 'box-1', startedAt: 0, uptime: 0, interval: 1_000, rss: 1, heapUsed: 1, heapTotal: 1, cpu: 0, loopP50: 0, loopP99: 0, loopMax: 0, restarts: 0, stats: {} };
    r.peer.send(r.peer.names.master, 'heartbeat', health, { pid: 301, group: 'jobs' });
    await flush();
    await advance(r.f.clock, 2_999);
    expect(r.errors).toEqual([]);
    await advance(r.f.clock, 1);
    expect(r.errors.map(([error, context]) => [(error as ClustrError).code, context])).toEqual([['CLUSTR_PROCESS_HUNG', { event: 'process.hung', pid: 301, parentPid: 300, silentMs: 3_000 }]]);
    await r.master.close(0);
  });

  test('a cluster-info request is answered on the asker\'s private channel, naming the request', async () => {
    const r = await started();
    register(r, 300);
    await flush();
    r.peer.send(r.peer.names.master, 'clusterInfoRequest', {}, ASKER, { id: 'ask.1' });
    await flush();
    expect(r.peer.of('clusterInfoReply')).toEqual([expect.objectContaining({ channel: `${NS}:private:200`, re: 'ask.1', data: { master: [100], web: [300] } })]);
    await r.master.close(0);
  });

  test('a status request is answered on the asker\'s private channel, naming the request', async () => {
    const r = await started();
    r.peer.send(r.peer.names.master, 'statusRequest', {}, ASKER, { id: 'ls.1' });
    await flush();
    const replies = r.peer.of('statusReply');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ channel: `${NS}:private:200`, re: 'ls.1' });
    expect(replies[0]!.data.processes.map((p: { pid: number }) => p.pid)).toEqual([100]);
    await r.master.close(0);
  });

  test('a child that exits leaves cluster info at once, deregistered by the master itself', async () => {
    const r = await started();
    r.master.spawn([{ file: 'w.js' }]);
    await flush();
    const child = r.f.children[0]!;
    register(r, child.pid);
    await flush();
    expect(r.master.clusterInfo).toEqual({ master: [100], web: [child.pid] });
    child.exit({ code: 0, signal: null });
    await flush();
    expect(r.master.clusterInfo).toEqual({ master: [100] });
    expect(r.logger.events('registry.remove')).toEqual([{ event: 'registry.remove', pids: [child.pid], by: 100 }]);
    await r.master.close(0);
  });
});

describe('after Redis comes back', () => {
  async function outage(r: Rig): Promise<void> {
    register(r, 300);
    register(r, 301);
    register(r, 302);
    await flush();
    r.f.alive.add(300);
    // The master's connections drop, not the peer's: it hears everything the master says.
    for (const client of r.f.clients) client.dropConnection();
    // FakeRedis's first reconnect attempt comes 50 ms after the drop (ioredis's default).
    await advance(r.f.clock, 49);
    expect(r.logger.events('redis.recovered')).toHaveLength(0);
    await advance(r.f.clock, 1);
    expect(r.logger.events('redis.recovered')).toHaveLength(1);
  }

  test('the master announces itself again; registrations not renewed within 5 s whose process is gone are dropped', async () => {
    const r = await started();
    await outage(r);
    expect(r.peer.of('announce').map((frame) => frame.data)).toEqual([{ reason: 'start' }, { reason: 'reconnect' }]);
    register(r, 302);
    await flush();
    expect(REVALIDATE_AFTER_MS).toBe(5_000);
    await advance(r.f.clock, REVALIDATE_AFTER_MS - 1);
    expect(r.master.clusterInfo).toEqual({ master: [100], web: [300, 301, 302] });
    await advance(r.f.clock, 1);
    // 300 did not register again but is alive; 302 did; 301 did neither.
    expect(r.master.clusterInfo).toEqual({ master: [100], web: [300, 302] });
    expect(r.logger.events('registry.remove')).toEqual([{ event: 'registry.remove', pids: [301], by: 100 }]);
    await r.master.close(0);
  });

  test('a master that stopped meanwhile drops nothing', async () => {
    const r = await started();
    await outage(r);
    await r.master.close(0);
    await advance(r.f.clock, REVALIDATE_AFTER_MS);
    expect(r.master.clusterInfo).toEqual({ master: [100], web: [300, 301, 302] });
  });
});

describe('signals', () => {
  test.each([
    ['SIGTERM', 15],
    ['SIGINT', 130],
  ] as const)('%s stops the cluster: children first, then the master exits %i', async (name, code) => {
    const r = await started();
    r.master.spawn([{ file: 'w.js' }]);
    await flush();
    signal(r, name);
    await flush();
    expect(r.f.children[0]!.signals).toEqual(['SIGTERM']);
    expect(r.f.exits).toEqual([code]);
    expect(records(r.logger, 'signal')).toEqual([{ level: 'info', fields: { event: 'signal', signal: name }, msg: `received ${name}; stopping the cluster` }]);
    expect(r.logger.events('process.state')[0]).toMatchObject({ from: 'running', to: 'stopping', reason: name, code });
  });

  test.each(['SIGTERM', 'SIGINT'])('a second %s while stopping ends it now: SIGKILL to the children, exit with the first code', async (second) => {
    const r = await started({ stopTimeout: 3_600_000 }, { stubborn: true });
    r.master.spawn([{ file: 'w.js' }]);
    await flush();
    signal(r, 'SIGTERM');
    await flush();
    expect(r.master.status).toBe('stopping');
    expect(r.f.exits).toEqual([]);
    signal(r, second);
    await flush();
    expect(r.f.children[0]!.signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(r.f.exits).toEqual([15]);
    expect(r.logger.events('signal')).toHaveLength(1);
    expect(r.logger.events('signal.force')).toEqual([{ event: 'signal.force', signal: second, children: [r.f.children[0]!.pid], code: 15 }]);
  });

  test('SIGHUP starts a rolling reload and says so', async () => {
    const r = await started();
    r.master.spawn([{ file: 'w.js' }]);
    await flush();
    register(r, r.f.children[0]!.pid);
    await flush();
    signal(r, 'SIGHUP');
    await flush();
    expect(records(r.logger, 'signal')).toEqual([{ level: 'info', fields: { event: 'signal', signal: 'SIGHUP' }, msg: 'received SIGHUP; reloading' }]);
    expect(r.master.reloadState).not.toBe('idle');
    expect(r.f.children).toHaveLength(2);
    await r.master.close(0);
  });

  test('SIGHUP while stopping is noted, not acted on', async () => {
    const r = await started({ stopTimeout: 3_600_000 }, { stubborn: true });
    r.master.spawn([{ file: 'w.js' }]);
    await flush();
    signal(r, 'SIGTERM');
    await flush();
    signal(r, 'SIGHUP');
    await flush();
    expect(records(r.logger, 'signal.ignored')).toEqual([
      { level: 'info', fields: { event: 'signal.ignored', signal: 'SIGHUP', state: 'stopping' }, msg: 'received SIGHUP while stopping; not reloading' },
    ]);
    expect(r.logger.events('signal').map((fields) => fields['signal'])).toEqual(['SIGTERM']);
    expect(r.master.reloadState).toBe('idle');
    expect(r.f.children).toHaveLength(1);
    expect(r.errors).toEqual([]);
  });
});

describe('onClusterStarted', () => {
  test('runs once, when every child spawned has registered, and logs the children', async () => {
    const r = await started();
    const calls: string[] = [];
    r.master.onClusterStarted(() => calls.push('a'));
    r.master.onClusterStarted(() => calls.push('b'));
    r.master.spawn([{ file: 'w.js' }, { file: 'w.js' }]);
    await flush();
    const [one, two] = r.f.children.map((child) => child.pid);
    register(r, one!);
    await flush();
    expect(calls).toEqual([]);
    register(r, two!);
    await flush();
    expect(calls).toEqual(['a', 'b']);
    expect(records(r.logger, 'cluster.started')).toEqual([{ level: 'info', fields: { event: 'cluster.started', children: [one, two] }, msg: 'cluster started' }]);
    register(r, 999);
    register(r, one!);
    r.f.server.inject(r.peer.names.master, 'not a frame');
    await flush();
    expect(calls).toEqual(['a', 'b']);
    r.master.spawn([{ file: 'w.js', ready: 'spawn' }]);
    await flush();
    expect(calls).toEqual(['a', 'b']);
    expect(r.logger.events('cluster.started')).toHaveLength(1);
    await r.master.close(0);
  });

  test('children still to be spawned hold the start back, as do children waiting to be restarted', async () => {
    const r = await started();
    let calls = 0;
    r.master.onClusterStarted(() => calls++);
    r.master.spawn([{ file: 'w.js', ready: 'spawn' }, { file: 'w.js', ready: 'spawn' }, { file: 'w.js' }]);
    await flush();
    const [one, two, three] = r.f.children;
    three!.exit({ code: 1, signal: null });
    await flush();
    expect(calls).toBe(0);
    await advance(r.f.clock, 100);
    // The third child's respawn.
    expect(r.f.children).toHaveLength(4);
    const again = r.f.children[3]!;
    register(r, again.pid);
    await flush();
    expect(calls).toBe(1);
    expect(r.logger.events('cluster.started')).toEqual([{ event: 'cluster.started', children: [one!.pid, two!.pid, again.pid] }]);
    await r.master.close(0);
  });

  test('a child ready at spawn that crashed holds the start back until it is running again', async () => {
    const r = await started();
    let calls = 0;
    r.master.onClusterStarted(() => calls++);
    r.master.spawn([{ file: 'w.js', ready: 'spawn' }, { file: 'w.js' }]);
    await flush();
    const [one, two] = r.f.children;
    one!.exit({ code: 1, signal: null });
    await flush();
    register(r, two!.pid);
    await flush();
    expect(calls).toBe(0);
    await advance(r.f.clock, 100);
    expect(r.f.children).toHaveLength(3);
    expect(calls).toBe(1);
    expect(r.logger.events('cluster.started')).toEqual([{ event: 'cluster.started', children: [r.f.children[2]!.pid, two!.pid] }]);
    await r.master.close(0);
  });

  test('a child replaced by a reload before it ever registered does not hold the start back', async () => {
    const r = await started();
    let calls = 0;
    r.master.onClusterStarted(() => calls++);
    r.master.spawn([{ file: 'w.js' }]);
    await flush();
    const old = r.f.children[0]!;
    void r.master.reload();
    await flush();
    const fresh = r.f.children[1]!;
    register(r, fresh.pid);
    await advance(r.f.clock, 0);
    expect(old.signals).toEqual(['SIGTERM']);
    await advance(r.f.clock, 100);
    expect(calls).toBe(1);
    expect(r.logger.events('cluster.started')).toEqual([{ event: 'cluster.started', children: [fresh.pid] }]);
    await r.master.close(0);
  });

  test('a child that is ready when spawned counts at once; registrations without children start nothing', async () => {
    const r = await started();
    let calls = 0;
    r.master.onClusterStarted(() => calls++);
    register(r, 300);
    await flush();
    expect(calls).toBe(0);
    r.master.spawn([{ file: 'w.js', ready: 'spawn' }]);
    await flush();
    expect(calls).toBe(1);
    await r.master.close(0);
  });

  test('a child that stops for good before registering does not hold the start back', async () => {
    const r = await started({ restart: { maxRestarts: 0 } });
    let calls = 0;
    r.master.onClusterStarted(() => calls++);
    r.master.spawn([{ file: 'w.js' }, { file: 'w.js' }]);
    await flush();
    register(r, r.f.children[0]!.pid);
    await flush();
    expect(calls).toBe(0);
    r.f.children[1]!.exit({ code: 1, signal: null });
    await flush();
    expect(calls).toBe(1);
    await r.master.close(0);
  });

  test('the function it returns removes the callback; a callback that throws is reported by name', async () => {
    const r = await started();
    let calls = 0;
    const off = r.master.onClusterStarted(() => calls++);
    r.master.onClusterStarted(() => {
      throw new Error('boom');
    });
    expect(off()).toBe(true);
    r.master.spawn([{ file: 'w.js', ready: 'spawn' }]);
    await flush();
    expect(calls).toBe(0);
    expect(r.errors.map(([error, context]) => [error.message, context])).toEqual([['boom', { event: 'listener.threw', listener: 'onClusterStarted' }]]);
    await r.master.close(0);
  });

  test.each(['onClusterStarted', 'onClusterReloaded', 'onReloadFailed'] as const)('%s takes a function only', async (method) => {
    const r = await started();
    const error = thrownClustrError(() => (r.master[method] as (x: unknown) => unknown)('nope'));
    expect(error.code).toBe('CLUSTR_INVALID_ARGUMENT');
    expect(error.message).toContain(method);
    await r.master.close(0);
  });
});

describe('reload', () => {
  /** A master with one registered child. */
  async function withChild(options: Partial<MasterOptions> = {}): Promise<Rig> {
    const r = await started(options);
    r.master.spawn([{ file: 'w.js' }]);
    await flush();
    register(r, r.f.children[0]!.pid);
    await flush();
    return r;
  }

  test('replaces the child once its replacement registers; onClusterReloaded hears the result, and it is logged', async () => {
    const r = await withChild();
    const results: ReloadResult[] = [];
    const failed: ReloadResult[] = [];
    r.master.onClusterReloaded((result) => results.push(result));
    const off = r.master.onClusterReloaded(() => results.push({ ok: false } as ReloadResult));
    off();
    r.master.onReloadFailed((result) => failed.push(result));
    const reload = watch(r.master.reload());
    await flush();
    expect(r.master.reloadState).toBe('replacing');
    const [old, fresh] = r.f.children;
    register(r, fresh!.pid);
    await advance(r.f.clock, 100);
    expect(old!.signals).toEqual(['SIGTERM']);
    expect(reload.state).toBe('resolved');
    expect(reload.value).toMatchObject({ ok: true, replaced: [{ from: old!.pid, to: fresh!.pid }] });
    expect(results).toEqual([reload.value]);
    expect(failed).toEqual([]);
    expect(records(r.logger, 'cluster.reload')).toEqual([{ level: 'info', fields: { event: 'cluster.reload', result: 'completed' }, msg: 'reload completed' }]);
    expect(r.master.reloadState).toBe('idle');
    await r.master.close(0);
  });

  test('a replacement that does not register within readyTimeout fails the reload: onReloadFailed, logged, the old child stays', async () => {
    const r = await withChild({ readyTimeout: 1_000 });
    const results: ReloadResult[] = [];
    const failed: ReloadResult[] = [];
    r.master.onClusterReloaded((result) => results.push(result));
    r.master.onReloadFailed((result) => failed.push(result));
    const off = r.master.onReloadFailed(() => failed.push({ ok: true } as ReloadResult));
    expect(off()).toBe(true);
    const reload = watch(r.master.reload());
    await advance(r.f.clock, 999);
    expect(reload.state).toBe('pending');
    await advance(r.f.clock, 1);
    await advance(r.f.clock, 100);
    expect(reload.state).toBe('resolved');
    expect(reload.value).toMatchObject({ ok: false });
    expect(failed).toEqual([reload.value]);
    expect(results).toEqual([]);
    expect(r.f.children[0]!.signals).toEqual([]);
    expect(records(r.logger, 'cluster.reload')).toEqual([{ level: 'info', fields: { event: 'cluster.reload', result: 'failed' }, msg: 'reload failed' }]);
    await r.master.close(0);
  });

  test('the ready timeout is 30 s by default', async () => {
    const r = await withChild();
    const reload = watch(r.master.reload());
    await advance(r.f.clock, 29_999);
    expect(reload.state).toBe('pending');
    await advance(r.f.clock, 1);
    await advance(r.f.clock, 100);
    expect(reload.state).toBe('resolved');
    expect(reload.value).toMatchObject({ ok: false });
    await r.master.close(0);
  });

  test('reloadConcurrency replacements start together', async () => {
    const r = await started({ reloadConcurrency: 2 });
    r.master.spawn([{ file: 'w.js' }, { file: 'w.js' }]);
    await flush();
    for (const child of r.f.children) register(r, child.pid);
    await flush();
    void r.master.reload();
    await flush();
    expect(r.f.children).toHaveLength(4);
    await r.master.close(0);
  });

  test('one replacement at a time by default', async () => {
    const r = await started();
    r.master.spawn([{ file: 'w.js' }, { file: 'w.js' }]);
    await flush();
    for (const child of r.f.children) register(r, child.pid);
    await flush();
    void r.master.reload();
    await flush();
    expect(r.f.children).toHaveLength(3);
    await r.master.close(0);
  });

  test('a reload hook that throws is reported under its own name', async () => {
    const r = await withChild({ readyTimeout: 1_000 });
    r.master.onReloadFailed(() => {
      throw new Error('hook failed');
    });
    r.master.onClusterReloaded(() => {
      throw new Error('hook reloaded');
    });
    void r.master.reload();
    await advance(r.f.clock, 1_100);
    expect(r.errors.map(([error, context]) => [error.message, context])).toEqual([['hook failed', { event: 'listener.threw', listener: 'onReloadFailed' }]]);
    void r.master.reload();
    await flush();
    register(r, r.f.children[2]!.pid);
    await advance(r.f.clock, 100);
    expect(r.errors.map(([error, context]) => [error.message, context])).toEqual([
      ['hook failed', { event: 'listener.threw', listener: 'onReloadFailed' }],
      ['hook reloaded', { event: 'listener.threw', listener: 'onClusterReloaded' }],
    ]);
    await r.master.close(0);
  });

  test('only running children are replaced: one waiting to be restarted is not', async () => {
    const r = await started();
    r.master.spawn([{ file: 'w.js' }, { file: 'w.js' }]);
    await flush();
    const [one, two] = r.f.children;
    register(r, one!.pid);
    two!.exit({ code: 1, signal: null });
    await flush();
    const reload = watch(r.master.reload());
    await flush();
    expect(r.f.children).toHaveLength(3);
    register(r, r.f.children[2]!.pid);
    await advance(r.f.clock, 50);
    expect(reload.state).toBe('resolved');
    expect(reload.value).toMatchObject({ ok: true, replaced: [{ from: one!.pid, to: r.f.children[2]!.pid }] });
    await r.master.close(0);
  });

  test('a stop cancels the reload under way', async () => {
    const r = await withChild();
    const failed: ReloadResult[] = [];
    r.master.onReloadFailed((result) => failed.push(result));
    const reload = watch(r.master.reload());
    await flush();
    void r.master.close(0);
    await advance(r.f.clock, 1_000);
    expect(reload.state).toBe('resolved');
    expect(reload.value).toMatchObject({ ok: false, failure: { reason: 'cancelled' } });
    expect(r.f.exits).toEqual([0]);
  });

  test('on a closed master it rejects with CLUSTR_CLOSED', async () => {
    const r = await started();
    await r.master.close(0);
    const seen = watch(r.master.reload());
    await flush();
    expect(seen.state).toBe('rejected');
    expect(seen.error).toBeInstanceOf(ClustrError);
    expect(seen.error).toMatchObject({ code: 'CLUSTR_CLOSED', message: 'reload() was called on a process that is closed.' });
  });
});

describe('operator commands', () => {
  test('`clustr stop`: accepted, the cluster stops with exit code 0, and "stopped" comes before the master disconnects', async () => {
    const r = await started();
    r.master.spawn([{ file: 'w.js' }]);
    await flush();
    r.peer.send(r.peer.names.master, 'command', { action: 'stop' }, ASKER, { id: 'cmd.1' });
    await flush();
    await advance(r.f.clock, 100);
    expect(r.peer.of('commandReply').map((frame) => [frame.re, frame.data])).toEqual([
      ['cmd.1', { event: 'accepted', action: 'stop' }],
      ['cmd.1', { event: 'stopped', code: 0 }],
    ]);
    expect(r.peer.of('commandReply')[0]!.channel).toBe(`${NS}:private:200`);
    expect(r.logger.events('process.state')[0]).toMatchObject({ from: 'running', to: 'stopping', reason: 'command', code: 0 });
    expect(r.f.exits).toEqual([0]);
  });

  test('`clustr reload` while the master is stopping is refused', async () => {
    const r = await started({ stopTimeout: 3_600_000 }, { stubborn: true });
    r.master.spawn([{ file: 'w.js' }]);
    await flush();
    signal(r, 'SIGTERM');
    await flush();
    r.peer.send(r.peer.names.master, 'command', { action: 'reload' }, ASKER, { id: 'cmd.5' });
    await flush();
    expect(r.peer.of('commandReply').map((frame) => frame.data)).toEqual([{ event: 'refused', reason: 'the master is stopping' }]);
    expect(r.f.children).toHaveLength(1);
  });

  test('`clustr stop` during a stop started by a signal is told the exit code of that stop', async () => {
    const r = await started({ stopTimeout: 3_600_000 }, { stubborn: true });
    r.master.spawn([{ file: 'w.js' }]);
    await flush();
    signal(r, 'SIGINT');
    await flush();
    r.peer.send(r.peer.names.master, 'command', { action: 'stop' }, ASKER, { id: 'cmd.2' });
    await flush();
    r.f.children[0]!.exit({ code: 0, signal: null });
    await advance(r.f.clock, 100);
    expect(r.peer.of('commandReply').map((frame) => frame.data)).toEqual([
      { event: 'accepted', action: 'stop' },
      { event: 'stopped', code: 130 },
    ]);
    expect(r.logger.events('stop.again')).toEqual([]);
    expect(r.f.exits).toEqual([130]);
  });

  test('with Redis away, telling `clustr stop` holds the exit for 1 s at most', async () => {
    const r = await started({ stopTimeout: 3_600_000 }, { stubborn: true });
    r.master.spawn([{ file: 'w.js' }]);
    await flush();
    r.peer.send(r.peer.names.master, 'command', { action: 'stop' }, ASKER, { id: 'cmd.3' });
    await flush();
    r.f.server.stop();
    await flush();
    r.f.children[0]!.exit({ code: 0, signal: null });
    await advance(r.f.clock, 999);
    expect(r.master.status).toBe('stopping');
    await advance(r.f.clock, 1);
    await advance(r.f.clock, 10_000);
    expect(r.f.exits).toEqual([0]);
  });

  test('`clustr reload`: accepted, replaced, reloaded', async () => {
    const r = await started();
    r.master.spawn([{ file: 'w.js' }]);
    await flush();
    register(r, r.f.children[0]!.pid);
    await flush();
    r.peer.send(r.peer.names.master, 'command', { action: 'reload' }, ASKER, { id: 'cmd.4' });
    await flush();
    const [old, fresh] = r.f.children;
    register(r, fresh!.pid);
    await advance(r.f.clock, 100);
    expect(r.peer.of('commandReply').map((frame) => frame.data)).toEqual([
      { event: 'accepted', action: 'reload' },
      { event: 'replaced', from: old!.pid, to: fresh!.pid },
      { event: 'reloaded', ok: true, replaced: [{ from: old!.pid, to: fresh!.pid }] },
    ]);
    await r.master.close(0);
  });
});

describe('shared sockets', () => {
  /** A port nothing listens on any more, once `close` has run. */
  function portFree(port: number): Promise<boolean> {
    return new Promise((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
  }

  function connect(port: number): Promise<() => void> {
    return new Promise((resolve) => {
      const socket = createConnection(port, '127.0.0.1', () => resolve(() => socket.destroy()));
      socket.on('error', () => undefined);
    });
  }

  /** Waits for the kernel and the sockets' events (real ones), a few seconds at most. */
  async function until(condition: () => boolean): Promise<void> {
    for (let i = 0; i < 500 && !condition(); i++) await new Promise<void>((done) => setTimeout(done, 1));
  }

  test('listen() binds once and every child spawned afterwards inherits it, with the distribution; close() releases the port', async () => {
    const r = await started();
    r.master.spawn([{ file: 'w.js' }]);
    await flush();
    const { port, host, listening } = r.master.listen({ port: 0, host: '127.0.0.1', distribution: 'shared' });
    expect(host).toBe('127.0.0.1');
    expect(port).toBeGreaterThan(0);
    expect(records(r.logger, 'socket.bound')).toEqual([{ level: 'info', fields: { event: 'socket.bound', port, host, distribution: 'shared' }, msg: 'bound shared listening socket' }]);
    r.master.spawn([{ file: 'w.js' }]);
    await listening;
    await flush();
    const [before, after] = r.f.children;
    expect(before!.spec.inheritFds).toEqual([]);
    expect(after!.spec.inheritFds).toEqual([expect.any(Number)]);
    expect(after!.spec.env['CLUSTR_LISTEN_MODE']).toBe('shared');
    expect(await portFree(port)).toBe(false);
    await r.master.close(0);
    expect(await portFree(port)).toBe(true);
  });

  /** A socket bound to a free loopback port and not listening, as another master's in the instant after its bind. */
  function boundRival() {
    const { TCP, constants } = tcpBinding();
    const rival = new TCP(constants.SERVER);
    expect(rival.bind('127.0.0.1', 0)).toBe(0);
    const address: { port?: number } = {};
    expect(rival.getsockname(address)).toBe(0);
    return { rival, address };
  }

  test('no child starts before the shared socket listens (a helper process puts it into the listening state in the background)', async () => {
    const r = await started();
    const { port, listening } = r.master.listen({ port: 0, host: '127.0.0.1' });
    let listened = false;
    void listening.then(() => (listened = true));
    const spawnedAfterListen: boolean[] = [];
    r.master.onChildSpawn(() => spawnedAfterListen.push(listened));
    r.master.spawn([{ file: 'w.js' }, { file: 'w.js' }]);
    await listening;
    await flush();
    expect(spawnedAfterListen).toEqual([true, true]);
    // Listening, and nothing accepts yet (no child serves): a client's connection waits in the kernel's queue.
    const close = await connect(port);
    await flush();
    expect(r.master.connectionsHanded.size).toBe(0);
    close();
    await r.master.close(0);
  });

  test("a platform's listenShared puts the socket into the listening state, called on the platform", async () => {
    const r = await started();
    const calls: Array<{ fd: number; self: unknown }> = [];
    // Does not listen: stands in for a platform with its own way to.
    (r.f.platform as { listenShared?: (fd: number) => Promise<number> }).listenShared = function (this: unknown, fd: number) {
      calls.push({ fd, self: this });
      return Promise.resolve(0);
    };
    const { listening } = r.master.listen({ port: 0, host: '127.0.0.1' });
    await listening;
    expect(calls).toHaveLength(1);
    expect(calls[0]!.self).toBe(r.f.platform);
    expect(calls[0]!.fd).toBeGreaterThan(2);
    await r.master.close(0);
  });

  test('a second listen() on a port this master holds is refused at once, before its socket even listens', async () => {
    const r = await started();
    const first = r.master.listen({ port: 0, host: '127.0.0.1' });
    // The default host is the one given here.
    const again = thrownClustrError(() => r.master.listen({ port: first.port }));
    expect(again).toMatchObject({
      code: 'CLUSTR_SHARED_SOCKET',
      field: 'port',
      message: `could not bind 127.0.0.1:${first.port} (EADDRINUSE). An earlier listen() of this master holds 127.0.0.1:${first.port}; listen once per port and address.`,
    });
    // The same port on another address is another socket; on IPv6 the address is named in brackets.
    const other = r.master.listen({ port: first.port, host: '127.0.0.2' });
    const six = r.master.listen({ port: 0, host: '::1' });
    expect(thrownClustrError(() => r.master.listen({ port: six.port, host: '::1' })).message).toBe(
      `could not bind [::1]:${six.port} (EADDRINUSE). An earlier listen() of this master holds [::1]:${six.port}; listen once per port and address.`,
    );
    await Promise.all([first.listening, other.listening, six.listening]);
    expect(other.port).toBe(first.port);
    await r.master.close(0);
  });

  test('a socket that loses the race to listen (another socket bound to the port listened first): onError, one line on stderr, exit 1, no child', async () => {
    const r = await started();
    // Bound by "another master" in the same instant: bound, not listening yet.
    const { rival, address } = boundRival();
    try {
      const { listening } = r.master.listen({ port: address.port!, host: '127.0.0.1' });
      r.master.spawn([{ file: 'w.js' }]);
      // The rival listens before the master's helper can.
      expect(rival.listen(511)).toBe(0);
      const outcome = await listening.then(
        () => 'listened',
        (error: unknown) => error,
      );
      const message = `could not listen on 127.0.0.1:${address.port} (EADDRINUSE). Another process (or an earlier listen()) uses this port; pick another or stop it.`;
      expect(outcome).toMatchObject({ code: 'CLUSTR_SHARED_SOCKET', field: 'port', message });
      await flush();
      expect(r.errors.map(([error, context]) => [error.message, context])).toEqual([[message, { event: 'socket.listen_failed' }]]);
      expect(r.f.written.filter((line) => line.includes('EADDRINUSE'))).toEqual([`clustr[master:${r.master.pid}]: ${message}\n`]);
      await advance(r.f.clock, 1_000);
      expect(r.f.exits).toEqual([1]);
      expect(r.f.children).toEqual([]);
    } finally {
      rival.close();
    }
  });

  test('a master closed before its socket loses the race to listen reports nothing and keeps its exit code', async () => {
    const r = await started();
    const { rival, address } = boundRival();
    try {
      const { listening } = r.master.listen({ port: address.port!, host: '127.0.0.1' });
      expect(rival.listen(511)).toBe(0);
      const closed = r.master.close(0);
      await advance(r.f.clock, 1_000);
      await closed;
      expect(await listening.then(() => 'listened', (error: { code?: string }) => error.code)).toBe('CLUSTR_SHARED_SOCKET');
      await flush();
      expect(r.errors).toEqual([]);
      expect(r.f.written.filter((line) => line.includes('EADDRINUSE'))).toEqual([]);
      expect(r.f.exits).toEqual([0]);
    } finally {
      rival.close();
    }
  });

  test('round-robin by default: once a child serves, connections are handed to it over IPC; a draining child gets none, and an answer', async () => {
    const r = await started();
    const { port, listening } = r.master.listen({ port: 0, host: '127.0.0.1' });
    r.master.spawn([{ file: 'w.js' }]);
    await listening;
    await flush();
    const child = r.f.children[0]!;
    expect(child.spec.env['CLUSTR_LISTEN_MODE']).toBe('round-robin');
    r.f.childSays(child.pid, { clustr: 'serving' });
    const close1 = await connect(port);
    await until(() => r.f.sentTo.get(child.pid)!.length === 1);
    expect(r.f.sentTo.get(child.pid)).toEqual([{ clustr: 'conn' }]);
    expect([...r.master.connectionsHanded]).toEqual([[child.pid, 1]]);
    // Any other message of the child changes nothing.
    r.f.childSays(child.pid, { clustr: 'hello' } as unknown as IpcMessage);
    await flush();
    expect(r.f.sentTo.get(child.pid)).toEqual([{ clustr: 'conn' }]);
    r.f.childSays(child.pid, { clustr: 'draining' });
    await flush();
    expect(r.f.sentTo.get(child.pid)).toEqual([{ clustr: 'conn' }, { clustr: 'draining-ack' }]);
    const close2 = await connect(port);
    await flush();
    expect(r.f.sentTo.get(child.pid)).toHaveLength(2);
    close1();
    close2();
    await r.master.close(0);
  });

  test('a listen() after a child serves accepts at once; a child that exits gets no more connections', async () => {
    const r = await started();
    await r.master.listen({ port: 0, host: '127.0.0.1' }).listening;
    r.master.spawn([{ file: 'w.js' }, { file: 'w.js' }]);
    await flush();
    const [one, two] = r.f.children;
    r.f.childSays(one!.pid, { clustr: 'serving' });
    r.f.childSays(two!.pid, { clustr: 'serving' });
    const { port } = r.master.listen({ port: 0, host: '127.0.0.1' });
    two!.exit({ code: 0, signal: null });
    await flush();
    const closers = [await connect(port), await connect(port)];
    await until(() => r.f.sentTo.get(one!.pid)!.length === 2);
    expect(r.f.sentTo.get(one!.pid)).toEqual([{ clustr: 'conn' }, { clustr: 'conn' }]);
    expect(r.f.sentTo.get(two!.pid)).toEqual([]);
    for (const close of closers) close();
    await r.master.close(0);
  });

  test('a connection no worker takes within 30 s is closed', async () => {
    const r = await started();
    const { port, listening } = r.master.listen({ port: 0, host: '127.0.0.1' });
    r.master.spawn([{ file: 'w.js' }]);
    await listening;
    await flush();
    const child = r.f.children[0]!;
    r.f.childSays(child.pid, { clustr: 'serving' });
    r.f.childSays(child.pid, { clustr: 'draining' });
    let closed = false;
    const socket = createConnection(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.on('close', () => (closed = true));
    const timers = r.f.clock.pending;
    await new Promise<void>((done) => socket.once('connect', () => done()));
    // Held by the master: its 30 s timer is set.
    await until(() => r.f.clock.pending > timers);
    await advance(r.f.clock, 29_000);
    await flush();
    expect(closed).toBe(false);
    await advance(r.f.clock, 1_000);
    await until(() => closed);
    expect(closed).toBe(true);
    expect(r.f.sentTo.get(child.pid)).toEqual([{ clustr: 'draining-ack' }]);
    await r.master.close(0);
  });

  test('a child being replaced gets no more connections, even before it says it drains', async () => {
    // Stubborn children: the old one lives on after its SIGTERM, as a draining server would.
    const r = await started({}, { stubborn: true });
    const { port, listening } = r.master.listen({ port: 0, host: '127.0.0.1' });
    r.master.spawn([{ file: 'w.js' }]);
    await listening;
    await flush();
    const old = r.f.children[0]!;
    register(r, old.pid);
    r.f.childSays(old.pid, { clustr: 'serving' });
    await flush();
    void r.master.reload();
    await flush();
    const fresh = r.f.children[1]!;
    r.f.childSays(fresh.pid, { clustr: 'serving' });
    register(r, fresh.pid);
    await advance(r.f.clock, 0);
    expect(old.signals).toEqual(['SIGTERM']);
    const closers = [await connect(port), await connect(port)];
    await until(() => r.f.sentTo.get(fresh.pid)!.length === 2);
    expect(r.f.sentTo.get(fresh.pid)).toEqual([{ clustr: 'conn' }, { clustr: 'conn' }]);
    expect(r.f.sentTo.get(old.pid)!.filter((message) => message.clustr === 'conn')).toEqual([]);
    for (const close of closers) close();
    void r.master.close(0);
    await advance(r.f.clock, 60_000);
    expect(r.f.exits).toEqual([0]);
  });

  test("with 'shared' the master never accepts, even once a child serves", async () => {
    const r = await started();
    const { port, listening } = r.master.listen({ port: 0, host: '127.0.0.1', distribution: 'shared' });
    r.master.spawn([{ file: 'w.js' }]);
    await listening;
    await flush();
    const child = r.f.children[0]!;
    r.f.childSays(child.pid, { clustr: 'serving' });
    const close = await connect(port);
    await flush();
    expect(r.f.sentTo.get(child.pid)).toEqual([]);
    expect(r.master.connectionsHanded.size).toBe(0);
    close();
    await r.master.close(0);
  });

  test('listen() names a wrong distribution, one that differs from an earlier listen(), and a misspelt key', async () => {
    const r = await started();
    const wrong = thrownClustrError(() => r.master.listen({ port: 0, distribution: 'random' as 'shared' }));
    expect(wrong).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'distribution', message: 'listen() distribution must be "round-robin" or "shared"; got "random".' });
    const notAnObject = thrownClustrError(() => r.master.listen(null as unknown as { port: number }));
    expect(notAnObject).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', message: 'listen() options must be an options object; got null.' });
    // From JavaScript, without options: the port is named (it was a TypeError on `distribution`).
    const none = thrownClustrError(() => (r.master.listen as () => unknown)());
    expect(none).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'port', message: 'listen() port must be a whole number from 0 to 65535; got undefined.' });
    r.master.listen({ port: 0, host: '127.0.0.1', distribution: 'shared' });
    const differs = thrownClustrError(() => r.master.listen({ port: 0, host: '127.0.0.1' }));
    expect(differs).toMatchObject({
      code: 'CLUSTR_INVALID_ARGUMENT',
      field: 'distribution',
      message: 'listen() distribution "round-robin" differs from the "shared" of an earlier listen(): every shared port of a master is served the same way.',
    });
    r.master.listen({ port: 0, host: '127.0.0.1', distribution: 'shared' });
    const typo = thrownClustrError(() => r.master.listen({ prot: 0 } as unknown as { port: number }));
    expect(typo.message).toContain('listen().');
    expect(typo.message).toContain('prot');
    expect(records(r.logger, 'socket.bound')).toHaveLength(2);
    await r.master.close(0);
    const closed = thrownClustrError(() => r.master.listen({ port: 0 }));
    expect(closed).toMatchObject({ code: 'CLUSTR_CLOSED', message: 'listen() was called on a process that is closed.' });
  });
});

describe('stopping', () => {
  test('membership changes while stopping are not published', async () => {
    const r = await started({ stopTimeout: 3_600_000 }, { stubborn: true });
    r.master.spawn([{ file: 'w.js' }]);
    await flush();
    register(r, r.f.children[0]!.pid);
    await flush();
    expect(r.peer.of('membership')).toHaveLength(1);
    signal(r, 'SIGTERM');
    await flush();
    r.f.children[0]!.exit({ code: 143, signal: null });
    await flush();
    expect(r.master.clusterInfo).toEqual({ master: [100] } satisfies ClusterInfo);
    expect(r.peer.of('membership')).toHaveLength(1);
    await advance(r.f.clock, 1_000);
    expect(r.f.exits).toEqual([15]);
  });
});
