// The hung-process watchdog with real processes: a worker whose event loop is blocked for good
// is killed and replaced; a worker with a long synchronous start is not touched.
import Redis from 'ioredis';
import { channels } from '@clustr/protocol';
import { framesIn, killTracked } from './harness';
import { is, isAlive, startMaster, stopCluster } from './sup-helpers';

const INTERVAL = 500;
const TIMEOUT = 3 * INTERVAL;
/**
 * What detection and replacement may take beyond the timeout: the heartbeat's trip
 * through Redis, timer lateness on two busy cores, SIGKILL and reaping (kill), then the
 * restart backoff (100 ms), a Node start and a registration (replace).
 */
const KILL_SLACK_MS = 1_000;
const REPLACE_SLACK_MS = 4_000;

afterEach(async () => {
  await killTracked();
});

test(`a worker that blocks its event loop forever is killed within heartbeatTimeout + ${KILL_SLACK_MS} ms and replaced within heartbeatTimeout + ${REPLACE_SLACK_MS} ms`, async () => {
  const fx = startMaster({ options: { heartbeatInterval: INTERVAL }, batches: [[{ file: 'wd-block.js' }, { file: 'sup-idle.js' }]], logEvents: ['child.hung'] });
  await fx.waitFor(is('started'), 'cluster started');
  const blocking = await fx.waitFor(is('blocking'), 'the worker blocks');
  const blockedAt = Date.now();
  const exit = await fx.waitFor((e) => e.ev === 'exit' && e['child'] === blocking.pid, 'the blocked worker is killed', TIMEOUT + KILL_SLACK_MS + 2_000);
  const killedAfter = Date.now() - blockedAt;
  expect(exit).toMatchObject({ code: null, signal: 'SIGKILL' });
  expect(killedAfter).toBeLessThanOrEqual(TIMEOUT + KILL_SLACK_MS);
  const hung = await fx.waitFor(is('log'), 'the hang is reported');
  expect(hung['record']).toMatchObject({ event: 'child.hung', pid: blocking.pid, killed: true });

  const replacement = await fx.waitFor((e) => e.ev === 'ready' && e['restarts'] === 1, 'the replacement registers', TIMEOUT + REPLACE_SLACK_MS + 2_000);
  expect(Date.now() - blockedAt).toBeLessThanOrEqual(TIMEOUT + REPLACE_SLACK_MS);
  expect(replacement.pid).not.toBe(blocking.pid);
  expect(isAlive(blocking.pid)).toBe(false);
  await stopCluster(fx);
}, 30_000);

test('a worker with a 5-s synchronous start is not killed: it is watched only from its registration', async () => {
  const fx = startMaster({ options: { heartbeatInterval: INTERVAL }, batches: [[{ file: 'wd-slow-start.js' }]], logEvents: ['child.hung'] });
  const spawned = await fx.waitFor(is('spawn'), 'the worker is spawned');
  const pid = spawned['child'] as number;
  // Its heartbeats, as the master hears them.
  const spy = new Redis(process.env.CLUSTR_REDIS_URL ?? 'redis://127.0.0.1:6379');
  let beats = 0;
  const enough = new Promise<void>((resolve) =>
    spy.on('message', (_channel: string, raw: string) => {
      for (const frame of framesIn<{ kind: string; meta: { pid: number } }>(raw)) {
        if (frame.kind === 'heartbeat' && frame.meta.pid === pid && ++beats === 9) resolve();
      }
    }),
  );
  await spy.subscribe(channels(fx.namespace).master);
  try {
    const warmed = await fx.waitFor(is('warmed', { pid }), 'its synchronous start ends', 15_000);
    expect(warmed['blockedMs']).toBeGreaterThanOrEqual(5_000);
    await fx.waitFor(is('ready', { pid }), 'it registers');
    // Three timeouts' worth of healthy beats after the start: nothing happens to it.
    await enough;
    expect(fx.events.filter((e) => e.ev === 'exit' || e.ev === 'log')).toEqual([]);
    expect(isAlive(pid)).toBe(true);
  } finally {
    spy.disconnect();
  }
  await stopCluster(fx);
}, 30_000);
