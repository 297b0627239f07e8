// One HTTP worker on the master's shared socket. It drains on stop: requests on open
// keep-alive connections are answered (with `Connection: close`) before it exits.
import { Worker, serveHttp } from '@clustr/runtime';

const worker = Worker.create({ group: 'web' });
const started = new Date().toISOString();

void serveHttp(worker, (_req, res) => {
  const body = `${JSON.stringify({ pid: worker.pid, started })}\n`;
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}).then(() => worker.emitReady());
