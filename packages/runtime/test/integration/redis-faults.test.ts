// Redis faults with real processes and a redis-server of each test's own (issue 10): a restart
// under traffic, no Redis at start, a flood through an outage, and a subscriber Redis drops.
import Redis from 'ioredis';
import { framesIn, isAlive, killTracked, runFixture, waitGone, type FixtureEvent, type RunningFixture } from './harness';
import { freePort, startPrivateRedis, type PrivateRedis } from './redis-server';

let redis: PrivateRedis | undefined;
const clients: Redis[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.quit().catch(() => client.disconnect())));
  await killTracked();
  await redis?.dispose();
  redis = undefined;
});

type Book = Record<string, number>;
interface Report extends FixtureEvent {
  name: string;
  sent: Book;
  rejected: Book;
  received: Book;
  receivedAfterRecovery: Book;
  missed: Book;
  stats: { missedFrames: number; rejectedFrames: Book; unsentFrames: number; reconnects: number };
  info: Record<string, number[]>;
}

const during = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every process of the traffic tree named in `sending` events, by name. */
function participants(fixture: RunningFixture): Map<string, FixtureEvent> {
  return new Map(fixture.events.filter((e) => e.ev === 'sending').map((e) => [e['name'] as string, e]));
}

test('a Redis restart under traffic in every direction: every live process is back in cluster info, and every frame is delivered, rejected at its sender or counted missing', async () => {
  redis = await startPrivateRedis();
  const tree = runFixture('fault-master.js', { env: { CLUSTR_REDIS_URL: redis.url }, args: ['--workers=web,web,jobs'] });
  await tree.waitForCount((e) => e.ev === 'sending', 4, 'four processes sending');
  await tree.waitFor((e) => e.ev === 'late-started', 'the late worker to start');
  const byName = participants(tree);
  const groupOf = (name: string) => (name === 'master' ? 'master' : name.replace(/\d+$/, ''));
  await during(1_500);

  await redis.stop();
  // Each of the four traffic processes sees one loss; the late worker asks to register now, while Redis is down.
  await tree.waitForCount((e) => e.ev === 'conn' && e['to'] === 'reconnecting', 4, 'every process to lose Redis');
  await tree.waitFor((e) => e.ev === 'late-asks', 'the late worker to call emitReady');
  await during(3_000);
  await redis.start();
  await tree.waitForCount((e) => e.ev === 'conn' && e['from'] === 'reconnecting' && e['to'] === 'ready', 4, 'every process to be back', 20_000);
  await tree.waitFor((e) => e.ev === 'late-ready', 'the late worker to register', 20_000);
  await during(2_000);

  for (const [, e] of byName) process.kill(e.pid, 'SIGUSR1');
  const reports = (await tree.waitForCount((e) => e.ev === 'report', 4, 'every report', 20_000)) as Report[];
  const pid = (name: string) => byName.get(name)!.pid;
  const late = tree.events.find((e) => e.ev === 'late-ready')!.pid;

  // Every live process is in cluster info, in everyone's view, the late one included.
  const expected = { master: [pid('master')], web: [pid('web0'), pid('web1')].sort(), jobs: [pid('jobs2')], late: [late] };
  for (const r of reports) expect([r.name, Object.fromEntries(Object.entries(r.info).map(([g, pids]) => [g, [...pids].sort()]))]).toEqual([r.name, expected]);

  // The books, for every sender -> receiver pair and kind: delivered + rejected at the sender + missing at the receiver >= sent.
  const rows: string[] = [];
  const problems: string[] = [];
  for (const sender of reports) {
    for (const receiver of reports) {
      const kinds: Array<[string, string]> = [['public', 'public']];
      if (receiver !== sender) kinds.push([`private:${pid(receiver.name)}`, 'private']);
      const group = groupOf(receiver.name);
      if (group !== 'master') kinds.push([`group:${group}`, `group:${group}`]);
      for (const [sentKey, receivedKind] of kinds) {
        const sent = sender.sent[sentKey] ?? 0;
        const delivered = receiver.received[`${receivedKind}:${pid(sender.name)}`] ?? 0;
        const rejected = sender.rejected[sentKey] ?? 0;
        const missed = receiver.missed[`${receivedKind}:${pid(sender.name)}`] ?? 0;
        const after = receiver.receivedAfterRecovery[`${receivedKind}:${pid(sender.name)}`] ?? 0;
        rows.push(`${sender.name} -> ${receiver.name} ${receivedKind}: sent ${sent}, delivered ${delivered}, rejected ${rejected}, missed ${missed}, after recovery ${after}`);
        if (sent === 0) problems.push(`${sender.name} sent no ${sentKey}`);
        if (delivered + rejected + missed < sent) problems.push(`${sender.name} -> ${receiver.name} ${receivedKind}: ${delivered} + ${rejected} + ${missed} < ${sent}`);
        // Delivered is never more than sent: nothing arrives twice.
        if (delivered > sent) problems.push(`${sender.name} -> ${receiver.name} ${receivedKind}: delivered ${delivered} > sent ${sent}`);
        if (after === 0) problems.push(`${sender.name} -> ${receiver.name} ${receivedKind}: nothing after the recovery`);
      }
    }
  }
  console.log(`Redis restart under traffic (3 s outage):\n${rows.join('\n')}`);
  expect(problems).toEqual([]);
  for (const r of reports) expect([r.name, r.stats.reconnects]).toEqual([r.name, 1]);

  process.kill(tree.pid, 'SIGTERM');
  expect(await tree.exited).toEqual({ code: 15, signal: null });
});

test('Redis unreachable at start: with no flags, the master names the Redis URL on stderr and exits non-zero within connectTimeout + 5 s', async () => {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const started = Date.now();
  const master = runFixture('msg-master.js', { env: { CLUSTR_REDIS_URL: url } });
  const exit = await master.exited;
  const elapsed = Date.now() - started;
  const stderr = master.lines.filter((line) => line.startsWith('stderr: ')).map((line) => line.slice('stderr: '.length));
  console.log(`unreachable at start: exit ${String(exit.code)} after ${elapsed} ms; stderr: ${JSON.stringify(stderr)}`);
  expect(exit).toEqual({ code: 69, signal: null });
  expect(elapsed).toBeGreaterThanOrEqual(20_000);
  expect(elapsed).toBeLessThan(25_000);
  expect(stderr).toHaveLength(1);
  expect(stderr[0]).toMatch(new RegExp(`^clustr\\[master:\\d+\\]: could not reach Redis at ${url.replace(/[/.]/g, '\\$&')} within 20000 ms \\(.*ECONNREFUSED.*\\)\\. Start Redis there, or point clustr at one with the redis option or CLUSTR_REDIS_URL\\.$`));
}, 40_000);

test('a worker emitting 1 KB messages at full speed through a 10-s outage: every emit settles within a few seconds of the bound, and memory stays bounded', async () => {
  redis = await startPrivateRedis();
  const flood = runFixture('fault-flood.js', { env: { CLUSTR_REDIS_URL: redis.url } });
  const start = await flood.waitFor((e) => e.ev === 'flooding', 'the flood to start', 20_000);
  await during(1_000);
  await redis.stop();
  await during(10_000);
  await redis.start();
  await flood.waitFor((e) => e.ev === 'conn' && e['to'] === 'ready' && e['from'] === 'reconnecting', 'the flooder to be back', 20_000);
  await during(1_000);
  process.kill(start.pid, 'SIGUSR1');
  const r = await flood.waitFor((e) => e.ev === 'report', 'the report', 20_000);
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  console.log(
    `flood through a 10-s outage: ${String(r['sent'])} emits (${String(r['resolved'])} sent, ${String(r['full'])} refused at once, ${String(r['timedOut'])} timed out, ${String(r['other'])} other), ` +
      `${String(r['pending'])} pending at the end; oldest pending emit ever ${String(r['maxPendingAgeMs'])} ms; most pending at once ${String(r['maxPending'])}; RSS ${mb(r['rssBefore'] as number)} MB before, at most ${mb(r['maxRss'] as number)} MB`,
  );
  expect(r['pending']).toBe(0);
  expect(r['full']).toBeGreaterThan(0);
  expect(r['timedOut']).toBeGreaterThan(0);
  // Settled within a few seconds: maxWait is 5 s; one more second of slack for the timer and the event loop.
  expect(r['maxPendingAgeMs']).toBeLessThan(6_000);
  // The queue holds at most 1,000 frames (8 MiB): the process grows by far less than the 400 MB it used to.
  expect((r['maxRss'] as number) - (r['rssBefore'] as number)).toBeLessThan(100 * 1024 * 1024);
  process.kill(flood.pid, 'SIGTERM');
  expect(await flood.exited).toEqual({ code: 15, signal: null });
}, 60_000);

test('a subscriber Redis drops for a full output buffer resubscribes, answers a private message within 10 s of the flood, and counts what it missed', async () => {
  redis = await startPrivateRedis(['--client-output-buffer-limit', 'pubsub 256kb 0 0']);
  const tree = runFixture('fault-slow.js', { env: { CLUSTR_REDIS_URL: redis.url } });
  const ready = await tree.waitFor((e) => e.ev === 'slow-ready', 'the slow subscriber', 20_000);
  const namespace = ready['namespace'] as string;
  const slowPid = ready.pid;
  await tree.waitFor((e) => e.ev === 'flood-done', 'the flood to end', 30_000);
  const floodEnded = Date.now();
  await tree.waitFor((e) => e.ev === 'conn' && e.pid === slowPid && e['to'] === 'reconnecting', 'the subscriber to be dropped');
  expect(redis.log()).toMatch(/scheduled to be closed ASAP for overcoming of output buffer limits/);

  // A private ping from outside, as another process would send it; the answer comes to our own channel.
  const subscriber = new Redis(redis.url);
  const publisher = new Redis(redis.url);
  clients.push(subscriber, publisher);
  const answers: unknown[] = [];
  await subscriber.subscribe(`${namespace}:private:${process.pid}`);
  // Answers to pings sent in one tick travel coalesced in one batch: unpacked as every clustr reader does.
  subscriber.on('message', (_channel, raw) => answers.push(...framesIn(raw)));
  const ping = JSON.stringify({ v: 2, kind: 'private', id: 'ping.1', meta: { pid: process.pid, group: 'test' }, data: { ping: 1 } });
  let answered: Record<string, unknown> | undefined;
  while (answered === undefined && Date.now() - floodEnded < 10_000) {
    await publisher.publish(`${namespace}:private:${slowPid}`, ping);
    await during(250);
    answered = answers[0] as Record<string, unknown> | undefined;
  }
  const after = Date.now() - floodEnded;
  console.log(`slow subscriber: answered ${after} ms after the flood ended; ${JSON.stringify(answered?.['data'])}`);
  expect(answered).toMatchObject({ kind: 'private', meta: { pid: slowPid }, data: { pong: 1 } });
  const { stats } = answered!['data'] as { stats: { missedFrames: number; reconnects: number; rejectedFrames: Book } };
  expect(stats.reconnects).toBeGreaterThanOrEqual(1);
  expect(stats.missedFrames).toBeGreaterThan(0);
  expect(after).toBeLessThan(10_000);
  // Not deaf: the ordinary traffic after the flood reaches it (asked once its backlog is handled).
  const before = answers.length;
  await publisher.publish(`${namespace}:private:${slowPid}`, ping.replace('ping.1', 'ping.2'));
  while (answers.length === before) await during(50);
  const { ticks } = (answers[before] as { data: { ticks: number } }).data;
  console.log(`slow subscriber: ${ticks} ordinary messages after the flood`);
  expect(ticks).toBeGreaterThan(0);
  process.kill(tree.pid, 'SIGTERM');
  expect(await tree.exited).toEqual({ code: 15, signal: null });
}, 60_000);

// Kept here, beside the tests that use it: the test process must never leave a redis-server behind.
test('the private redis-server helper ends its server by pid', async () => {
  redis = await startPrivateRedis();
  const pid = redis.pid;
  expect(isAlive(pid)).toBe(true);
  await redis.dispose();
  redis = undefined;
  await waitGone(pid);
  expect(isAlive(pid)).toBe(false);
});
