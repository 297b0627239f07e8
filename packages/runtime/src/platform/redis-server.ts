import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { connect as connectTcp, type Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { ClustrError } from '@clustr/protocol/core';
import type { PrivateRedis, RedisServerControl } from './platform';
import type { RedisTarget } from '../process/redis-target';
import type { WatcherMessage } from './redis-watcher';

/** How long a private redis-server may take to answer after it was started. */
const START_TIMEOUT_MS = 10_000;
/** Longest Unix socket path every platform takes (macOS: 104 bytes with the terminator). */
const MAX_SOCKET_PATH = 100;

/** What to tell someone who has no Redis at all. */
export const INSTALL_REDIS_HINT =
  'Install Redis (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) and clustr starts a private one by itself, ' +
  'or point clustr at a running Redis with the redis option or CLUSTR_REDIS_URL=redis://host:6379.';

/** Where a probe connects: a Unix socket, or a host and port (TLS for rediss). */
function endpoint(target: RedisTarget): { path: string } | { host: string; port: number; tls: boolean } | undefined {
  if (typeof target !== 'string') {
    const options = target as Record<string, unknown>;
    if (typeof options['path'] === 'string') return { path: options['path'] };
    return { host: typeof options['host'] === 'string' ? options['host'] : '127.0.0.1', port: typeof options['port'] === 'number' ? options['port'] : 6379, tls: options['tls'] !== undefined };
  }
  if (target.startsWith('/')) return { path: target };
  try {
    const url = new URL(target);
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return undefined;
    return { host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(url.port || 6379), tls: url.protocol === 'rediss:' };
  } catch {
    return undefined;
  }
}

/** True when anything answers PING at `target` in time: `+PONG`, or an error such as `-NOAUTH` (still a Redis). */
export function redisAnswers(target: RedisTarget, timeoutMs: number): Promise<boolean> {
  const where = endpoint(target);
  if (where === undefined) return Promise.resolve(false);
  return new Promise((resolve) => {
    const ping = () => socket.write('PING\r\n');
    const socket: Socket =
      'path' in where ? connectTcp({ path: where.path }, ping) : where.tls ? connectTls({ host: where.host, port: where.port, rejectUnauthorized: false }, ping) : connectTcp({ host: where.host, port: where.port }, ping);
    const finish = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('error', () => finish(false));
    socket.once('data', (data: Buffer) => finish(data[0] === 0x2b || data[0] === 0x2d));
  });
}

function userTag(): string {
  const uid = process.getuid?.();
  if (uid !== undefined) return String(uid);
  try {
    return userInfo().username.replace(/[^A-Za-z0-9_.-]/g, '_');
  } catch {
    return 'user';
  }
}

/** `<tmp>/clustr-<uid>/<namespace>.sock`; under /tmp when the temp folder's path is too long for a socket (macOS). */
export function privateRedisSocket(namespace: string): string {
  const inTmp = join(tmpdir(), `clustr-${userTag()}`, `${namespace}.sock`);
  return inTmp.length <= MAX_SOCKET_PATH ? inTmp : join('/tmp', `clustr-${userTag()}`, `${namespace}.sock`);
}

/** The socket's folder: ours alone (0700), since the socket is the only thing between other users and the cluster's Redis. */
function ownFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o077) !== 0) {
    throw new ClustrError('CLUSTR_REDIS_UNREACHABLE', `${dir} is not a folder only this user can open, so no private Redis is started there. Remove it, or set TMPDIR to a folder of your own.`);
  }
}

/** The real private redis-servers: redis-server from PATH, kept by a watcher process (platform/redis-watcher.ts). */
export function nodeRedisServer(findExecutable: (name: string) => string | undefined): RedisServerControl {
  return {
    answers: redisAnswers,
    socketPath: privateRedisSocket,
    start(socket: string): Promise<PrivateRedis> {
      const redisServer = findExecutable('redis-server');
      if (redisServer === undefined) {
        return Promise.reject(new ClustrError('CLUSTR_REDIS_SERVER_MISSING', `no redis-server program is on PATH to start a private Redis. ${INSTALL_REDIS_HINT}`));
      }
      const dir = join(socket, '..');
      try {
        ownFolder(dir);
        // A socket left by a redis-server that was killed; the caller found nothing answering on it.
        if (existsSync(socket)) unlinkSync(socket);
      } catch (error) {
        return Promise.reject(error as Error);
      }
      const watcher = spawn(process.execPath, [join(__dirname, 'redis-watcher.js'), redisServer, socket, dir], { detached: true, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
      return new Promise((resolve, reject) => {
        const fail = (why: string) => {
          clearTimeout(timer);
          watcher.kill('SIGTERM');
          reject(new ClustrError('CLUSTR_REDIS_UNREACHABLE', `could not start a private redis-server (${redisServer}) on ${socket}: ${why}. ${INSTALL_REDIS_HINT}`));
        };
        const timer = setTimeout(() => fail(`it did not answer within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
        watcher.once('error', (error) => fail(error.message));
        watcher.once('exit', (code) => fail(`its watcher exited with code ${String(code)}`));
        watcher.on('message', (message: WatcherMessage) => {
          if ('error' in message) return fail(message.error);
          if (!('ready' in message)) return;
          clearTimeout(timer);
          watcher.removeAllListeners('exit');
          // Neither the watcher nor its channel may keep this process alive; the channel still closes when it exits.
          watcher.unref();
          watcher.channel?.unref();
          resolve({
            pid: message.pid,
            socket,
            stop() {
              if (watcher.connected) watcher.disconnect();
            },
          });
        });
      });
    },
  };
}
