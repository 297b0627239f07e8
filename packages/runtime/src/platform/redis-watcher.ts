// A private redis-server and the process that keeps it from outliving its master.
//
// Started by the master (platform/redis-server.ts) with an IPC channel and in a process
// group of its own: argv is `<redis-server path> <socket> <dir>`. It starts redis-server
// on the Unix socket only, tells the master `{ ready, pid }` once it answers, and stops
// it as soon as the channel closes. The channel closes when the master calls stop(),
// when it exits, and when it is killed, SIGKILL included: the kernel closes its end.
// A process group of its own keeps a terminal's Ctrl-C away from redis-server, so the
// cluster still has its Redis while it stops.
//
// Not imported by anything: it runs as a script of its own.
import { spawn } from 'node:child_process';
import { existsSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';

/** Messages to the master. */
export type WatcherMessage = { ready: true; pid: number } | { error: string } | { exited: number | null; signal: string | null };

const POLL_MS = 20;
const KILL_AFTER_MS = 3_000;

function main(): void {
  const [redisServer, socket, dir] = process.argv.slice(2);
  if (redisServer === undefined || socket === undefined || dir === undefined) {
    process.stderr.write('usage: redis-watcher <redis-server> <socket> <dir>\n');
    process.exit(2);
  }
  const tell = (message: WatcherMessage) => {
    if (process.connected) process.send?.(message);
  };
  const redis = spawn(
    redisServer,
    ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // The last lines redis-server wrote: why it did not start, when it does not.
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(...chunk.toString('utf8').split('\n').filter((line) => line.trim() !== ''));
    tail.splice(0, Math.max(0, tail.length - 5));
  };
  redis.stdout.on('data', keep);
  redis.stderr.on('data', keep);

  let ready = false;
  let stopping = false;
  let poll: NodeJS.Timeout | undefined;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    if (poll !== undefined) clearTimeout(poll);
    redis.kill('SIGTERM');
    setTimeout(() => redis.kill('SIGKILL'), KILL_AFTER_MS).unref();
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  // A hang-up or Ctrl-C of the master's terminal is the master's to handle; Redis stays until it is done.
  process.on('SIGINT', () => undefined);
  process.on('SIGHUP', () => undefined);
  if (!process.connected) stop();

  redis.on('error', (error) => {
    tell({ error: `could not run ${redisServer}: ${error.message}` });
    process.exit(1);
  });
  redis.on('exit', (code, signal) => {
    if (poll !== undefined) clearTimeout(poll);
    try {
      // redis-server removes its socket on a clean shutdown; not after SIGKILL.
      if (existsSync(socket)) unlinkSync(socket);
    } catch {
      // someone else's now, or already gone
    }
    if (!ready) tell({ error: `redis-server exited (${signal ?? `code ${String(code)}`}) before it answered${tail.length > 0 ? `: ${tail.join(' / ')}` : ''}` });
    else if (!stopping) tell({ exited: code, signal });
    process.exit(0);
  });

  const ping = () => {
    const probe = connect({ path: socket });
    const retry = () => {
      probe.destroy();
      if (!stopping && !ready) poll = setTimeout(ping, POLL_MS);
    };
    probe.once('error', retry);
    probe.once('connect', () => probe.write('PING\r\n'));
    probe.once('data', (data) => {
      probe.destroy();
      if (!data.toString('latin1').startsWith('+PONG')) return retry();
      if (stopping || ready) return;
      ready = true;
      tell({ ready: true, pid: redis.pid! });
    });
  };
  ping();
}

if (require.main === module) main();
