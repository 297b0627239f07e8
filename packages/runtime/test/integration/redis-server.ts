import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { track, waitGone } from './harness';

/**
 * A redis-server of a test's own, on a free port of 127.0.0.1, that the test may
 * stop, restart or configure: the shared one on 6379 is never touched. Ended by
 * pid (stop(), or killTracked() after a failed test).
 */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** Pid of the running server (changes on start()). */
  readonly pid: number;
  /** Redis's own log, for lines such as "scheduled to be closed ASAP for overcoming of output buffer limits". */
  log(): string;
  /** Kills it (SIGKILL: a crash, nothing flushed) and waits until it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port, with the same arguments; resolves once it answers PING. */
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  dispose(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something on `port` answers PING with PONG; rejects after `timeoutMs`. */
export async function waitForPong(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      const done = (value: boolean) => {
        socket.destroy();
        resolve(value);
      };
      socket.setTimeout(500, () => done(false));
      socket.once('error', () => done(false));
      socket.once('data', (data) => done(String(data).startsWith('+PONG')));
      socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`no redis-server answered on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startPrivateRedis(extraArgs: string[] = []): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'clustr-redis-'));
  const logFile = join(dir, 'redis.log');
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', logFile, ...extraArgs], { stdio: 'ignore' });
    if (child.pid === undefined) throw new Error('could not start redis-server (is it installed? apt-get install redis-server)');
    track(child.pid);
    await waitForPong(port);
  }

  async function stop(): Promise<void> {
    const running = child;
    if (running?.pid === undefined || running.exitCode !== null) return;
    running.kill('SIGKILL');
    await waitGone(running.pid);
  }

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child!.pid!;
    },
    log: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
