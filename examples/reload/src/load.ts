// A load loop: keep-alive GETs from 10 connections, each sending its next request as soon as
// the previous one is answered. Prints a line a second. Stops at the first failed request
// (exit 1), or on Ctrl-C / SIGTERM (exit 0 when none failed).
import * as http from 'node:http';

const port = Number(process.env['PORT'] ?? 3000);
const connections = Number(process.env['CONNECTIONS'] ?? 10);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });

let ok = 0;
let failed = 0;
const pids = new Set<number>();
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (stopping = true));

function once(): Promise<void> {
  return new Promise((resolve) => {
    const fail = (why: string) => {
      failed++;
      console.log(`FAILED: ${why}`);
      resolve();
    };
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        if (res.statusCode !== 200) return fail(`status ${String(res.statusCode)}`);
        ok++;
        pids.add((JSON.parse(body) as { pid: number }).pid);
        resolve();
      });
      res.on('error', (error) => fail(error.message));
    });
    req.setTimeout(5_000, () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', (error: NodeJS.ErrnoException) => fail(`${error.code ?? ''} ${error.message}`));
  });
}

async function loop(): Promise<void> {
  while (failed === 0 && !stopping) await once();
}

const report = setInterval(() => console.log(`${ok} requests ok, ${failed} failed, served by ${pids.size} pids so far`), 1_000);
void Promise.all(Array.from({ length: connections }, loop)).then(() => {
  clearInterval(report);
  agent.destroy();
  console.log(`done: ${ok} requests ok, ${failed} failed, served by ${pids.size} pids (${[...pids].sort((a, b) => a - b).join(' ')})`);
  process.exit(failed === 0 ? 0 : 1);
});
