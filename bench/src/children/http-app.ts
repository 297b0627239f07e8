/**
 * The HTTP app for PM2 cluster mode and for the hand-written node:cluster
 * baseline: the same file in both, so they differ only in who manages it.
 *
 * It drains on SIGINT (what `pm2 reload` and our node:cluster primary send) the
 * way a careful user would: stop accepting with `server.close()` and exit once
 * the open connections are done; while draining, every response says
 * `Connection: close` so keep-alive clients move to a live worker instead of
 * keeping this one busy until the kill timeout. A grace timer bounds it.
 *
 * With BENCH_REDIS_NS set (the start scenario's "node:cluster + ioredis"
 * baseline) it also does the least any Redis-connected worker must do before it
 * is ready: load ioredis, open a subscriber and a publisher, subscribe to its
 * own channel and publish one frame saying it is ready.
 */
import http from 'node:http';
import { rawChannels, redis } from './common';
import { handle } from './http-handler';

const port = Number(process.env['PORT']);
const grace = Number(process.env['BENCH_DRAIN_MS'] ?? 5000);
let draining = false;

const server = http.createServer((req, res) => {
  if (draining) res.setHeader('Connection', 'close');
  handle(req, res);
});
server.listen(port, '127.0.0.1');

const redisNs = process.env['BENCH_REDIS_NS'];
if (redisNs) {
  server.once('listening', () => {
    // redis() loads ioredis on first use: the plain node:cluster and PM2 runs never load it.
    const subscriber = redis();
    const publisher = redis();
    const frame = JSON.stringify({ v: 2, kind: 'register', id: `${process.pid}.0`, meta: { pid: process.pid, group: 'web', instance: 'rawBase1' }, seq: 1, data: { parentPid: process.ppid } });
    subscriber
      .subscribe(rawChannels.private(redisNs, process.pid))
      .then(() => publisher.publish(rawChannels.master(redisNs), frame))
      .catch((error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        process.exit(1);
      });
  });
}

process.on('SIGINT', () => {
  if (draining) return;
  draining = true;
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), grace).unref();
});
