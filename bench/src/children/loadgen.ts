/**
 * HTTP load generator: `connections` keep-alive connections (node:http Agent),
 * one request loop per connection, until told to stop; with `keepAlive: false`,
 * `connections` loops that open a new connection for every request. Every request that does
 * not end in a complete 200 response counts as failed, by error code. Requests
 * started while the bench has marked a reload in progress are also counted
 * separately, for the latency during reloads.
 */
import http from 'node:http';
import { exitWithParent, fail, onCommand, params, send } from './common';

interface Params {
  port: number;
  connections: number;
  timeoutMs: number;
  /** `false`: every request on a connection of its own (a short-connection load). Default true. */
  keepAlive?: boolean;
}

const p = params<Params>();
const keepAlive = p.keepAlive !== false;
const agent = keepAlive ? new http.Agent({ keepAlive: true, maxSockets: p.connections }) : false;

class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  summary(): { count: number; p50: number; p99: number; max: number } {
    const sorted = this.data.slice(0, this.length).sort();
    const at = (q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
    return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.length === 0 ? 0 : sorted[sorted.length - 1]! };
  }
}

const all = new Samples();
const duringReload = new Samples();
const errors: Record<string, number> = {};
const errorsDuringReload: Record<string, number> = {};
const byPid: Record<string, number> = {};
let served = 0;
let failed = 0;
let running = false;
let inReload = false;
let startedAt = 0;

function request(): Promise<boolean> {
  return new Promise((resolve) => {
    const tagged = inReload;
    const start = process.hrtime.bigint();
    let settled = false;
    const finish = (error: string | undefined) => {
      if (settled) return;
      settled = true;
      if (error === undefined) {
        const micros = Number(process.hrtime.bigint() - start) / 1000;
        served++;
        all.push(micros);
        if (tagged) duringReload.push(micros);
      } else {
        failed++;
        errors[error] = (errors[error] ?? 0) + 1;
        if (tagged) errorsDuringReload[error] = (errorsDuringReload[error] ?? 0) + 1;
      }
      resolve(error === undefined);
    };
    const req = http.request({ host: '127.0.0.1', port: p.port, path: '/', method: 'GET', agent }, (res) => {
      res.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
      res.on('aborted', () => finish('ABORTED'));
      res.on('end', () => {
        const pid = String(res.headers['x-worker-pid'] ?? '?');
        byPid[pid] = (byPid[pid] ?? 0) + 1;
        finish(res.statusCode === 200 ? undefined : `HTTP_${res.statusCode}`);
      });
      res.resume();
    });
    req.setTimeout(p.timeoutMs, () => req.destroy(Object.assign(new Error('request timed out'), { code: 'TIMEOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    req.end();
  });
}

async function loop(): Promise<void> {
  while (running) {
    const ok = await request();
    // A refused connection fails at once; do not spin on it.
    if (!ok) await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

let loops: Promise<void>[] = [];

onCommand((command) => {
  switch (command.cmd) {
    case 'start':
      running = true;
      startedAt = performance.now();
      loops = Array.from({ length: p.connections }, loop);
      break;
    case 'mark':
      inReload = command['reload'] === true;
      break;
    case 'stop':
      running = false;
      void Promise.all(loops).then(() => {
        const durationMs = performance.now() - startedAt;
        if (agent !== false) agent.destroy();
        send({ ev: 'result', served, failed, errors, errorsDuringReload, durationMs, byPid, all: all.summary(), duringReload: duringReload.summary() });
      }, fail);
      break;
    default:
      break;
  }
});
exitWithParent();
send({ ev: 'ready', pid: process.pid });
