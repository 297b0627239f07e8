// The private Redis a master starts when none is configured and none answers: what it says when
// redis-server is missing, and that a configured Redis is never replaced by one.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killTracked, unusedPort as deadPort } from './harness';
import { startMaster } from './sup-helpers';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clustr-private-redis-'));
});

afterEach(async () => {
  await killTracked();
  rmSync(dir, { recursive: true, force: true });
});

test('no Redis and no redis-server on PATH: one line with install hints for Debian/Ubuntu and macOS and how to point at a Redis, exit 69', async () => {
  const fx = startMaster({ batches: [[{ file: 'sup-idle.js' }]] }, { CLUSTR_DEFAULT_REDIS_URL: `redis://127.0.0.1:${await deadPort()}`, TMPDIR: dir, PATH: join(dir, 'empty-path') });
  expect(await fx.exited).toEqual({ code: 69, signal: null });
  const stderr = fx.lines.filter((line) => line.startsWith('stderr: '));
  expect(stderr).toHaveLength(1);
  expect(stderr[0]).toMatch(/^stderr: clustr\[master:\d+\]: no Redis answers at redis:\/\/127\.0\.0\.1:\d+ and none is configured; no redis-server program is on PATH to start a private Redis\./);
  expect(stderr[0]).toContain('Debian/Ubuntu: sudo apt-get install redis-server');
  expect(stderr[0]).toContain('macOS: brew install redis');
  expect(stderr[0]).toContain('CLUSTR_REDIS_URL=redis://host:6379');
  // Nothing was spawned: the cluster never had a Redis.
  expect(fx.events.filter((e) => e.ev === 'spawn')).toEqual([]);
});

test('a configured Redis that does not answer is never replaced by a private one: exit 69 after connectTimeout', async () => {
  const url = `redis://127.0.0.1:${await deadPort()}`;
  const fx = startMaster({ options: { connectTimeout: 1_000 }, batches: [[{ file: 'sup-idle.js' }]] }, { CLUSTR_REDIS_URL: url, TMPDIR: dir });
  expect(await fx.exited).toEqual({ code: 69, signal: null });
  const stderr = fx.lines.filter((line) => line.startsWith('stderr: '));
  expect(stderr).toEqual([expect.stringContaining(`could not reach Redis at ${url} within 1000 ms`)]);
  expect(existsSync(join(dir, `clustr-${process.getuid!()}`))).toBe(false);
});
