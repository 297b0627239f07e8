// The demo on a machine where no Redis answers at the default address: the master starts a
// private redis-server, and no redis-server outlives the cluster, also when the master is
// SIGKILLed. The default address is moved (CLUSTR_DEFAULT_REDIS_URL) to a port where nothing
// listens, and the private Redis's socket goes to a temp folder of this test (TMPDIR).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MASTER = join(__dirname, '..', '..', 'dist', 'master.js');

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** Pids of live redis-server processes whose command line names `socket`. */
function redisServersOn(socket: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmdline.includes('redis-server') && cmdline.includes(socket) && alive(Number(pid));
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function gone(pids: number[], timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return pids.filter(alive);
}

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let dir: string;
let child: ChildProcess | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clustr-no-redis-'));
});

afterEach(() => {
  if (child?.pid !== undefined && alive(child.pid)) child.kill('SIGKILL');
  for (const pid of redisServersOn(dir)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function startDemo(namespace: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, CLUSTR_NAMESPACE: namespace, CLUSTR_DEFAULT_REDIS_URL: `redis://127.0.0.1:${await deadPort()}`, TMPDIR: dir };
  delete env['CLUSTR_REDIS_URL'];
  const started = spawn(process.execPath, [MASTER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child = started;
  let out = '';
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  };
  started.stdout.on('data', onData);
  started.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp): Promise<RegExpMatchArray> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const match = out.match(pattern);
      if (match) return match;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output:\n${out}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
  return { child: started, exited, waitFor, output: () => out };
}

const PRIVATE = /started a private redis-server \(pid (\d+)\) on (\S+\.sock);/;

test('the demo runs end to end on a private redis-server it starts itself, and leaves none behind', async () => {
  const namespace = `demo-${randomUUID().slice(0, 8)}`;
  const demo = await startDemo(namespace);
  const [, redisPid, socket] = await demo.waitFor(PRIVATE);
  expect(socket).toBe(join(dir, `clustr-${process.getuid!()}`, `${namespace}.sock`));
  expect(alive(Number(redisPid))).toBe(true);
  expect(await demo.exited).toBe(0);
  const out = demo.output();
  expect(out).toMatch(/4 confirmations of public-received/);
  expect(out).toMatch(/both web workers got the group message/);
  expect(out).toMatch(/private from jobs \d+: "pong"/);
  expect(await gone([Number(redisPid)])).toEqual([]);
  // Its watcher (whose command line names redis-server and the socket too) exits just after it.
  expect(await gone(redisServersOn(dir))).toEqual([]);
  expect(existsSync(socket!)).toBe(false);
}, 40_000);

test('a SIGKILLed master leaves no redis-server and no worker behind', async () => {
  const demo = await startDemo(`demo-${randomUUID().slice(0, 8)}`);
  const [, redisPid] = await demo.waitFor(PRIVATE);
  // Mid-start, while the workers come up (the demo would stop by itself a second later).
  await demo.waitFor(/web \d+ +up with port=/);
  demo.child.kill('SIGKILL');
  const pids = [...new Set([...demo.output().matchAll(/\[\w+\.js (\d+)\]/g)].map((m) => Number(m[1])))];
  expect(pids.length).toBeGreaterThan(0);
  expect(await demo.exited).toBe(null);
  expect(await gone([Number(redisPid)])).toEqual([]);
  expect(await gone(pids)).toEqual([]);
  expect(await gone(redisServersOn(dir))).toEqual([]);
}, 40_000);
