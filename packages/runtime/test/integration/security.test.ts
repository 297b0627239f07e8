import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createSigner } from '@clustr/protocol';
import type { Stats } from '../../src';
import { FIXTURES, framesIn, freshNamespace, isAlive, killTracked, waitGone, type FixtureEvent } from './harness';
import { closeControllers, command, createController, sortedInfo, startTree, stopTree, type Tree } from './msg-helpers';
import { waitUntil } from './sup-helpers';

// Real Redis on 127.0.0.1:6379 and real processes: what a secret changes (docs/security.md).
// Forged frames come from a plain ioredis client, as from anyone who can reach Redis; each
// test starts its own tree in its own namespace and ends it by pid.

jest.setTimeout(60_000);

const REDIS_URL = process.env['CLUSTR_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const SECRET = randomBytes(32).toString('base64');
const WRONG_KEY = randomBytes(32).toString('base64');
/** A pid no process has: the highest Linux hands out. */
const FAKE_PID = 4_194_303;
// Debian's python3 is the one with the standard library we rely on; a pyenv python3 works too.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const VERIFY_PY = join(__dirname, '..', '..', '..', 'protocol', 'test', 'python', 'verify.py');

const redisClients: Redis[] = [];
const tempDirs: string[] = [];

afterEach(async () => {
  await closeControllers();
  await Promise.all(redisClients.splice(0).map((client) => client.quit().catch(() => client.disconnect())));
  const leftovers = await killTracked();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  expect(leftovers).toEqual([]);
});

function client(): Redis {
  const redis = new Redis(REDIS_URL);
  redisClients.push(redis);
  return redis;
}

type Forgery = 'unsigned' | 'bad_signature' | 'stale';
/** Unsigned; signed with a key the cluster does not hold; signed with the cluster's key a minute ago (a capture replayed after the window). */
const FORGERIES: Forgery[] = ['unsigned', 'bad_signature', 'stale'];

interface Sender {
  pid: number;
  group: string;
}

/** A plain Redis client writing frames as an outsider would: any kind, any claimed sender. */
function forger() {
  const raw = client();
  const seqs = new Map<string, number>();
  const withTs = (text: string, ts: number) => `${text.slice(0, -1)},"ts":${ts}}`;
  return {
    raw,
    /** Publishes a frame of `kind` claiming to come from `from`; resolves to the number of receivers. */
    publish(how: Forgery, channel: string, kind: string, data: unknown, from: Sender, extra: Record<string, unknown> = {}): Promise<number> {
      // A sender run and per-channel sequence numbers, as a process sends them.
      const key = `${channel}|${from.pid}`;
      const seq = (seqs.get(key) ?? 0) + 1;
      seqs.set(key, seq);
      const text = JSON.stringify({ v: 2, kind, id: `forged-${kind}-${seq}`, meta: { ...from, instance: 'forger1' }, data, seq, ...extra });
      const sealed = how === 'unsigned' ? text : how === 'bad_signature' ? createSigner(WRONG_KEY).sign(channel, withTs(text, Date.now())) : createSigner(SECRET).sign(channel, withTs(text, Date.now() - 60_000));
      return raw.publish(channel, sealed);
    },
  };
}

function statsOf(ack: FixtureEvent): Stats {
  return ack['stats'] as Stats;
}

const errorsOf = (pid: number) => (e: FixtureEvent) => e.ev === 'error' && e.pid === pid && e['event'] === 'frame.rejected';
const logged = (event: string, pid: number) => (e: FixtureEvent) => {
  const record = e['record'] as { event?: string; child?: number; pids?: number[] } | undefined;
  return e.ev === 'log' && record?.event === event && (record.child === pid || (record.pids ?? []).includes(pid));
};

/** Counts reasons the way stats.rejectedFrames does. */
function byReason(events: FixtureEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) counts[String(e['reason'])] = (counts[String(e['reason'])] ?? 0) + 1;
  return counts;
}

/**
 * Runs `fn` while the master is stopped (SIGSTOP): a forged answer to a
 * cluster-info request then cannot lose a race with the real one, which comes
 * once the master resumes.
 */
async function withMasterStopped(tree: Tree, fn: () => Promise<void>): Promise<void> {
  process.kill(tree.pids.master!, 'SIGSTOP');
  try {
    await fn();
  } finally {
    process.kill(tree.pids.master!, 'SIGCONT');
  }
}

/** Resolves with the id of the next cluster-info request `pid` publishes on the master channel. */
async function nextInfoRequest(namespace: string, pid: number): Promise<() => Promise<string>> {
  const tap = client();
  const seen = new Promise<string>((resolve) => {
    tap.on('message', (_channel: string, raw: string) => {
      for (const frame of framesIn<{ kind: string; id: string; meta: { pid: number } }>(raw)) {
        if (frame.kind === 'clusterInfoRequest' && frame.meta.pid === pid) resolve(frame.id);
      }
    });
  });
  await tap.subscribe(`${namespace}:master`);
  return () => seen;
}

describe('forged frames from a plain Redis client', () => {
  test('with a secret, a forged kill, register, deregister, cluster-info reply and private message have no effect and are counted by reason', async () => {
    const namespace = freshNamespace('sec-forge');
    const tree = await startTree({ namespace, env: { CLUSTR_SECRET: SECRET } });
    const ctl = createController(namespace, { secret: SECRET });
    const { master, w1, w2 } = tree.pids as Record<'master' | 'w1' | 'w2', number>;
    const before = sortedInfo(await ctl.fetchClusterInfo());
    const f = forger();
    const ch = { w1: `${namespace}:private:${w1}`, master: `${namespace}:master`, ctl: `${namespace}:private:${process.pid}` };
    const asMaster = { pid: master, group: 'master' };

    for (const how of FORGERIES) {
      // A kill for w1 and a private message "from the master", on w1's channel.
      expect(await f.publish(how, ch.w1, 'kill', { pid: w1, code: 0 }, asMaster)).toBe(1);
      expect(await f.publish(how, ch.w1, 'private', { tag: `forged-${how}` }, asMaster)).toBe(1);
      // A process that does not exist registers; a live one deregisters.
      expect(await f.publish(how, ch.master, 'register', { parentPid: master }, { pid: FAKE_PID, group: 'evil' })).toBe(1);
      expect(await f.publish(how, ch.master, 'deregister', { pid: w2 }, { pid: w2, group: 'web' })).toBe(1);
    }
    const w1Errors = await tree.fixture.waitForCount(errorsOf(w1), 6, 'w1 to drop 6 frames');
    const masterErrors = await tree.fixture.waitForCount(errorsOf(master), 6, 'the master to drop 6 frames');
    expect(byReason(w1Errors)).toEqual({ unsigned: 2, bad_signature: 2, stale: 2 });
    expect(byReason(masterErrors)).toEqual({ unsigned: 2, bad_signature: 2, stale: 2 });

    // A forged answer to a pending cluster-info request: the master is stopped, so it is the only answer until the master resumes.
    const ctlDropped: string[] = [];
    ctl.onError((_error, context) => context.event === 'frame.rejected' && ctlDropped.push(String(context['reason'])));
    const requested = await nextInfoRequest(namespace, process.pid);
    let answer: Promise<unknown> = Promise.resolve();
    await withMasterStopped(tree, async () => {
      answer = ctl.fetchClusterInfo(20_000);
      const id = await requested();
      for (const how of FORGERIES) {
        expect(await f.publish(how, ch.ctl, 'clusterInfoReply', { master: [master], evil: [FAKE_PID] }, asMaster, { re: id })).toBe(1);
      }
      await waitUntil(() => ctlDropped.length === 3, 'the controller to drop 3 forged replies');
    });
    // The master resumed: its answer is the one fetchClusterInfo() resolves with.
    expect(sortedInfo(await answer)).toEqual(before);
    expect(ctlDropped.sort()).toEqual(['bad_signature', 'stale', 'unsigned']);

    // No effect: w1 lives and was never killed, nobody received the forged message, the registry never changed.
    expect(isAlive(w1)).toBe(true);
    expect(tree.fixture.events.filter((e) => e.ev === 'recv' && String((e['data'] as { tag?: string }).tag).startsWith('forged'))).toEqual([]);
    expect(tree.fixture.events.filter(logged('child.exit', w1))).toEqual([]);
    expect(tree.fixture.events.filter((e) => logged('registry.add', FAKE_PID)(e) || logged('registry.remove', w2)(e))).toEqual([]);
    expect(sortedInfo(await ctl.fetchClusterInfo())).toEqual(before);
    // Counted by reason, in the processes that dropped them.
    expect(statsOf(await command(ctl, tree, w1, 'stats'))).toMatchObject({ rejectedFrames: { unsigned: 2, bad_signature: 2, stale: 2 }, onPrivate: 1, onMessage: 1 });
    expect(statsOf(await command(ctl, tree, master, 'stats')).rejectedFrames).toEqual({ unsigned: 2, bad_signature: 2, stale: 2 });
    expect(ctl.stats.rejectedFrames).toEqual({ unsigned: 1, bad_signature: 1, stale: 1 });

    expect(await stopTree(tree)).toEqual({ code: 15, signal: null });
  });

  test('without a secret, the same forged frames are obeyed, as before signing existed (signing is opt-in)', async () => {
    const namespace = freshNamespace('sec-open');
    const tree = await startTree({ namespace });
    const ctl = createController(namespace);
    const { master, w1, w2 } = tree.pids as Record<'master' | 'w1' | 'w2', number>;
    const before = sortedInfo(await ctl.fetchClusterInfo());
    const f = forger();
    const ch = { w1: `${namespace}:private:${w1}`, master: `${namespace}:master`, ctl: `${namespace}:private:${process.pid}` };
    const asMaster = { pid: master, group: 'master' };

    // A private message with a forged sender is delivered as if the master had sent it.
    await f.publish('unsigned', ch.w1, 'private', { tag: 'forged-sender' }, asMaster);
    const got = await tree.fixture.waitFor((e) => e.ev === 'recv' && e.pid === w1 && (e['data'] as { tag?: string }).tag === 'forged-sender', 'w1 to take the forged message');
    expect(got).toMatchObject({ kind: 'private', from: master, fromGroup: 'master' });

    // A process that does not exist joins cluster info; a live one leaves it.
    await f.publish('unsigned', ch.master, 'register', { parentPid: master }, { pid: FAKE_PID, group: 'evil' });
    await tree.fixture.waitFor(logged('registry.add', FAKE_PID), 'the fake process to be registered');
    await f.publish('unsigned', ch.master, 'deregister', { pid: w2 }, { pid: w2, group: 'web' });
    await tree.fixture.waitFor(logged('registry.remove', w2), 'w2 to be deregistered');
    const changed = { ...before, web: before['web']!.filter((pid) => pid !== w2), evil: [FAKE_PID] };
    expect(sortedInfo(await ctl.fetchClusterInfo())).toEqual(changed);
    expect(isAlive(w2)).toBe(true);

    // A forged cluster-info reply is the answer fetchClusterInfo() returns.
    const requested = await nextInfoRequest(namespace, process.pid);
    let answer: Promise<unknown> = Promise.resolve();
    await withMasterStopped(tree, async () => {
      answer = ctl.fetchClusterInfo(20_000);
      await f.publish('unsigned', ch.ctl, 'clusterInfoReply', { master: [master], evil: [FAKE_PID] }, asMaster, { re: await requested() });
      await answer;
    });
    expect(await answer).toEqual({ master: [master], evil: [FAKE_PID] });

    // A forged kill stops w1 with the forger's exit code.
    await f.publish('unsigned', ch.w1, 'kill', { pid: w1, code: 0 }, asMaster);
    const exit = await tree.fixture.waitFor(logged('child.exit', w1), 'w1 to exit');
    expect(exit['record']).toMatchObject({ code: 0, signal: null });
    await waitGone(w1);

    expect(await stopTree(tree)).toEqual({ code: 15, signal: null });
  });
});

describe('captured signed frames', () => {
  test('a signed frame replayed verbatim is dropped as replayed, a replayed register brings no worker back, and Python verifies what the runtime signed', async () => {
    const namespace = freshNamespace('sec-replay');
    // Listening from before the first process starts: every registration is captured.
    const tap = client();
    const captured: Array<{ channel: string; raw: string }> = [];
    tap.on('message', (channel: string, raw: string) => captured.push({ channel, raw }));
    await tap.subscribe(`${namespace}:master`, `${namespace}:control`);
    const tree = await startTree({
      namespace,
      env: { CLUSTR_SECRET: SECRET },
      names: ['w', 'j1'],
      spawn: [
        { file: 'msg-worker.js', args: { group: 'web', name: 'w' }, respawn: false },
        { file: 'msg-worker.js', args: { group: 'jobs', name: 'j1' } },
      ],
    });
    const ctl = createController(namespace, { secret: SECRET });
    const { master, w, j1 } = tree.pids as Record<'master' | 'w' | 'j1', number>;
    expect(sortedInfo(await ctl.fetchClusterInfo())).toEqual({ master: [master], web: [w], jobs: [j1] });
    const replayer = client();

    // A private message, captured on its way and published again byte for byte: delivered once.
    const toJ1 = `${namespace}:private:${j1}`;
    await tap.subscribe(toJ1);
    expect(await ctl.emitPrivate(j1, { tag: 'once' })).toBe(2);
    await tree.fixture.waitFor((e) => e.ev === 'recv' && e.pid === j1 && (e['data'] as { tag?: string }).tag === 'once', 'j1 to get the message');
    const message = captured.find((c) => c.channel === toJ1)!;
    expect(await replayer.publish(toJ1, message.raw)).toBe(2);
    expect((await tree.fixture.waitFor(errorsOf(j1), 'j1 to drop the replay'))['reason']).toBe('replayed');
    await tap.unsubscribe(toJ1);
    expect(tree.fixture.events.filter((e) => e.ev === 'recv' && (e['data'] as { tag?: string }).tag === 'once')).toHaveLength(1);
    expect(statsOf(await command(ctl, tree, j1, 'stats')).rejectedFrames).toEqual({ replayed: 1 });

    // w leaves (killed, it deregisters); its captured registration, replayed, does not bring it back.
    const register = captured.find((c) => framesIn<{ kind: string; meta: { pid: number } }>(c.raw).some((f) => f.kind === 'register' && f.meta.pid === w))!;
    expect(await ctl.emitKill(w, 0)).toBe(1);
    await tree.fixture.waitFor(logged('registry.remove', w), 'w to leave cluster info');
    await waitGone(w);
    await replayer.publish(register.channel, register.raw);
    expect((await tree.fixture.waitFor(errorsOf(master), 'the master to drop the replayed registration'))['reason']).toBe('replayed');
    expect(sortedInfo(await ctl.fetchClusterInfo())).toEqual({ master: [master], jobs: [j1] });
    expect(statsOf(await command(ctl, tree, master, 'stats')).rejectedFrames).toEqual({ replayed: 1 });

    // Every frame the runtime published here (registrations, announcements, membership, requests,
    // a private message), from four processes, checks out in Python's hmac with the secret.
    const senders = new Set(captured.map((c) => (JSON.parse(c.raw) as { meta: { pid: number } }).meta.pid));
    expect([master, w, j1, process.pid].every((pid) => senders.has(pid))).toBe(true);
    const python = (secrets: string[], nowMs: number): string[] => {
      const job = JSON.stringify({ secrets, window_ms: 30_000, now_ms: nowMs, frames: captured });
      const result = spawnSync(PYTHON, [VERIFY_PY], { input: job, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`${PYTHON} ${VERIFY_PY} failed (${String(result.status)}): ${result.stderr}`);
      return JSON.parse(result.stdout) as string[];
    };
    expect(new Set(python([SECRET], Date.now()))).toEqual(new Set(['ok']));
    expect(new Set(python([WRONG_KEY, SECRET], Date.now()))).toEqual(new Set(['ok']));
    expect(new Set(python([WRONG_KEY], Date.now()))).toEqual(new Set(['bad_signature']));
    expect(new Set(python([SECRET], Date.now() + 120_000))).toEqual(new Set(['stale']));

    expect(await stopTree(tree)).toEqual({ code: 15, signal: null });
  });
});

describe('key rotation', () => {
  test('add the new key, reload, move it first, reload, drop the old one, reload: no frame is rejected at any step, and then an old-key process is', async () => {
    const namespace = freshNamespace('sec-rotate');
    const OLD = randomBytes(32).toString('base64');
    const NEW = randomBytes(32).toString('base64');
    const dir = mkdtempSync(join(tmpdir(), 'clustr-keys-'));
    tempDirs.push(dir);
    const keysFile = join(dir, 'keys.json');
    // Every process emits a public message every 20 ms, so old and new generations talk while each reload runs.
    const tree = await startTree({
      namespace,
      env: { CLUSTR_SECRET: OLD, MSG_CHATTER_MS: '20' },
      names: ['w1', 'p', 'gc'],
      spawn: [
        { file: 'msg-worker.js', args: { group: 'web', name: 'w1' } },
        { file: 'msg-parent.js', args: { group: 'jobs', name: 'p' } },
      ],
    });
    const master = tree.pids.master!;
    // An outside process (a controller, a CLI) follows the same steps.
    const ctl = createController(namespace, { secret: OLD });
    const heard = new Map<number, number>();
    ctl.onPublic((message) => heard.set(message.meta.pid, (heard.get(message.meta.pid) ?? 0) + 1));
    const signatureErrors = () => tree.fixture.events.filter((e) => e.ev === 'error' && e['event'] === 'frame.rejected');

    let current: number[] = [];
    for (const [step, keys] of [[OLD, NEW], [NEW, OLD], [NEW]].entries()) {
      writeFileSync(keysFile, JSON.stringify(keys), { mode: 0o600 });
      ctl.setSecret(keys);
      const ack = await command(ctl, tree, master, 'rotate', { file: keysFile });
      expect(ack).toMatchObject({ ok: true, replaced: 2 });
      // The reload waits for p's replacement, which then starts its own gc.
      await tree.fixture.waitForCount((e) => e.ev === 'ready' && e['name'] === 'gc', step + 2, `the gc of generation ${step + 2}`);
      const info = await ctl.fetchClusterInfo();
      current = Object.values(info).flat();
      expect(current).toHaveLength(4);
      // Every process of the new generation (and the master) is heard after the step.
      const mark = new Map(current.map((pid) => [pid, heard.get(pid) ?? 0]));
      await waitUntil(() => current.every((pid) => (heard.get(pid) ?? 0) > mark.get(pid)! + 2), `chatter from ${current.join(', ')}`);
      for (const pid of current.filter((pid) => pid !== master)) {
        expect(readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0')).toContain(`CLUSTR_SECRET=${JSON.stringify(keys)}`);
      }
      expect(signatureErrors()).toEqual([]);
    }
    expect(ctl.stats.rejectedFrames).toEqual({});
    const chatter = await command(ctl, tree, master, 'chatter');
    expect(chatter['heard']).toBeGreaterThan(100);

    // After the last step, a process holding only the old key is shut out both ways.
    const outdated = createController(namespace, { secret: OLD, group: 'old' });
    const outdatedHeard: unknown[] = [];
    outdated.onPublic((message) => outdatedHeard.push(message.data));
    await waitUntil(() => (outdated.stats.rejectedFrames.bad_signature ?? 0) >= 8, 'the old-key process to drop the cluster chatter');
    await outdated.emitPublic({ tag: 'old-key' });
    const dropped = await tree.fixture.waitForCount((e) => e.ev === 'error' && e['reason'] === 'bad_signature', 4, 'every process to drop the old-key frame');
    expect(dropped.map((e) => e.pid).sort()).toEqual([...current].sort());
    expect(outdatedHeard).toEqual([{ tag: 'old-key' }]);
    expect(tree.fixture.events.filter((e) => e.ev === 'recv' && (e['data'] as { tag?: string }).tag === 'old-key')).toEqual([]);
    await expect(outdated.fetchClusterInfo(500)).rejects.toMatchObject({ code: 'CLUSTR_CLUSTER_INFO_TIMEOUT' });

    expect(await stopTree(tree)).toEqual({ code: 15, signal: null });
  });
});

describe('the secret stays secret', () => {
  /** Every process whose parent chain leads to `root`, from /proc. */
  function descendants(root: number): number[] {
    const parents = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        // gone meanwhile
      }
    }
    const found: number[] = [];
    const walk = (pid: number) => {
      for (const [child, parent] of parents) {
        if (parent === pid) {
          found.push(child);
          walk(child);
        }
      }
    };
    walk(root);
    return found;
  }

  test('never on a command line of any descendant, nor in logs, errors, config or stats of any process', async () => {
    const namespace = freshNamespace('sec-quiet');
    const keys = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
    const forms = [...keys, JSON.stringify(keys)];
    const tree = await startTree({ namespace, master: 'sec-master.js', env: { CLUSTR_SECRET: JSON.stringify(keys) }, args: ['--cluster-verbose'], names: ['w1', 'p', 'gc'] });
    const bash = (await tree.fixture.waitFor((e) => e.ev === 'bash-start', 'the bash child')).pid;
    const { master, w1, p, gc } = tree.pids as Record<'master' | 'w1' | 'p' | 'gc', number>;
    const ctl = createController(namespace, { secret: keys });

    // Command lines: every descendant, grandchildren and the bash child's own children included.
    const all = [master, ...descendants(master)];
    expect(all).toEqual(expect.arrayContaining([master, w1, p, gc, bash]));
    for (const pid of all) {
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      } catch {
        continue; // a `sleep` of the bash loop that ended meanwhile
      }
      for (const form of forms) expect(cmdline).not.toContain(form);
    }
    // ... while each of them does hold it, in its environment.
    for (const pid of [master, w1, p, gc, bash]) {
      expect(readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0')).toContain(`CLUSTR_SECRET=${JSON.stringify(keys)}`);
    }

    // Errors: every process drops an unsigned and a wrong-key frame, and says so in its log and through onError.
    const channel = `${namespace}:public`;
    const raw = client();
    const text = JSON.stringify({ v: 2, kind: 'public', id: 'x', meta: { pid: 1, group: 'x', instance: 'x' }, data: 1, seq: 1 });
    await raw.publish(channel, text);
    await raw.publish(channel, createSigner(WRONG_KEY).sign(channel, `${text.slice(0, -1)},"ts":${Date.now()}}`));
    for (const pid of [master, w1, p, gc]) await tree.fixture.waitForCount(errorsOf(pid), 2, `pid ${pid} to drop 2 frames`);
    // A process given a key too short to be safe fails with a message that does not show it.
    const short = 'short-secret';
    const refused = spawnSync(process.execPath, [join(FIXTURES, 'msg-worker.js'), '--group=web', '--name=x'], { env: { ...process.env, CLUSTR_NAMESPACE: namespace, CLUSTR_SECRET: short }, encoding: 'utf8' });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('CLUSTR_SECRET must be a string of at least 16 bytes');
    expect(refused.stderr).not.toContain(short);

    // Config and stats of every process, as the processes report them.
    const reports: FixtureEvent[] = [];
    for (const pid of [master, w1, p, gc]) {
      reports.push(await command(ctl, tree, pid, 'config'), await command(ctl, tree, pid, 'stats'));
    }
    expect(reports.every((r) => r['config'] !== undefined || r['stats'] !== undefined)).toBe(true);
    for (const form of forms) expect(JSON.stringify([reports, ctl.config, ctl.stats])).not.toContain(form);

    expect(await stopTree(tree)).toEqual({ code: 15, signal: null });

    // Logs: every process logged verbosely (JSON lines, forwarded by its parent), errors and shutdown included.
    const output = tree.fixture.lines.join('\n');
    for (const [group, pid] of [['master', master], ['web', w1], ['jobs', p], ['web', gc]] as const) {
      expect(output).toContain(`"process":"${group}:${pid}"`);
      expect(output).toMatch(new RegExp(`"process":"${group}:${pid}","event":"frame\\.rejected"`));
    }
    for (const form of forms) {
      expect(output).not.toContain(form);
      expect(refused.stdout + refused.stderr).not.toContain(form);
    }
  });
});
