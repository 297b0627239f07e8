// The README of this example, run as written: the cluster, the load loop and `clustr reload`
// as three processes; then `clustr stop`.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

const DIST = join(__dirname, '..', '..', 'dist');
const CLUSTR = join(dirname(require.resolve('@clustr/cli/package.json', { paths: [join(__dirname, '..', '..')] })), 'dist', 'bin.js');

interface Proc {
  child: ChildProcess;
  output: () => string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

const started: ChildProcess[] = [];

function run(file: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [file, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  const wakes = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const wake of [...wakes]) wake();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return {
    child,
    output: () => out,
    exited: new Promise((resolve) => child.once('close', (code) => resolve(code))),
    waitFor: (pattern, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = out.match(pattern);
          if (!match) return;
          wakes.delete(check);
          clearTimeout(timer);
          resolve(match);
        };
        const timer = setTimeout(() => {
          wakes.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output:\n${out}`));
        }, timeoutMs);
        wakes.add(check);
        check();
      }),
  };
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

afterEach(() => {
  for (const child of started.splice(0)) if (child.pid !== undefined && alive(child.pid)) child.kill('SIGKILL');
});

test('clustr reload replaces every worker while the load loop keeps succeeding; clustr stop leaves nothing running', async () => {
  const env = { PORT: String(await freePort()), CLUSTR_NAMESPACE: `reload-${randomUUID().slice(0, 8)}` };
  const cluster = run(join(DIST, 'master.js'), [], env);
  await cluster.waitFor(/4 workers serve http:\/\/127\.0\.0\.1:\d+\//);
  const before = (await ls(env)).filter((p) => p.group === 'web').map((p) => p.pid);
  expect(before).toHaveLength(4);

  const load = run(join(DIST, 'load.js'), [], env);
  await load.waitFor(/[1-9]\d* requests ok, 0 failed/);
  const reload = run(CLUSTR, ['reload'], env);
  expect(await reload.exited).toBe(0);
  const pairs = [...reload.output().matchAll(/^replaced (\d+) -> (\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])] as const);
  expect(pairs.map(([from]) => from).sort()).toEqual([...before].sort());
  expect(reload.output()).toMatch(/reload completed: 4 processes replaced/);
  // The load goes on against the new workers for another report, then stops.
  const reports = () => [...load.output().matchAll(/requests ok/g)].length;
  const seen = reports();
  await load.waitFor(new RegExp(`(?:[\\s\\S]*?requests ok){${seen + 1}}`));
  load.child.kill('SIGINT');
  expect(await load.exited).toBe(0);
  const [, ok, failed, servedBy] = load.output().match(/^done: (\d+) requests ok, (\d+) failed, served by \d+ pids \(([\d ]+)\)$/m)!;
  expect(Number(failed)).toBe(0);
  expect(Number(ok)).toBeGreaterThan(100);
  // The new workers took over the load (the kernel spreads connections unevenly, so not each of them).
  const served = servedBy!.split(' ').map(Number);
  expect(served.some((pid) => pairs.some(([, to]) => to === pid))).toBe(true);
  expect(load.output()).not.toContain('FAILED');
  for (const pid of before) expect(alive(pid)).toBe(false);
  await cluster.waitFor(/master \d+: reloaded, /);

  const after = (await ls(env)).map((p) => p.pid);
  const stop = run(CLUSTR, ['stop'], env);
  expect(await stop.exited).toBe(0);
  expect(await cluster.exited).toBe(0);
  expect(after.filter(alive)).toEqual([]);
}, 60_000);

async function ls(env: Record<string, string>): Promise<Array<{ pid: number; group: string }>> {
  const proc = run(CLUSTR, ['ls', '--json'], env);
  expect(await proc.exited).toBe(0);
  return JSON.parse(proc.output()) as Array<{ pid: number; group: string }>;
}
