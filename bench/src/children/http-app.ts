/**
 * The HTTP app for PM2 cluster mode and for the hand-written node:cluster
 * baseline: the same file in both, so they differ only in who manages it.
 *
 * It drains on SIGINT (what `pm2 reload` and our node:cluster primary send) the
 * way a careful user would: stop accepting with `server.close()` and exit once
 * the open connections are done; while draining, every response says
 * `Connection: close` so keep-alive clients move to a live worker instead of
 * keeping this one busy until the kill timeout. A grace timer bounds it.
 */
import http from 'node:http';
import { handle } from './http-handler';

const port = Number(process.env['PORT']);
const grace = Number(process.env['BENCH_DRAIN_MS'] ?? 5000);
let draining = false;

const server = http.createServer((req, res) => {
  if (draining) res.setHeader('Connection', 'close');
  handle(req, res);
});
server.listen(port, '127.0.0.1');

process.on('SIGINT', () => {
  if (draining) return;
  draining = true;
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), grace).unref();
});
