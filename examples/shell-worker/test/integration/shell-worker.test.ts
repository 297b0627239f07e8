// The example as its README shows it: one command, a bash worker that uses `clustr`, a clean stop.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

test('a bash worker beside two Node workers reaches them with clustr publish; the cluster stops cleanly', async () => {
  const child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'master.js')], {
    env: { ...process.env, CLUSTR_NAMESPACE: `shell-${randomUUID().slice(0, 8)}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);

  expect(code).toBe(0);
  const bash = Number(out.match(/\[worker\.sh (\d+)\] bash \1: up in namespace shell-/)![1]);
  const nodes = [...out.matchAll(/^\[node-worker\.js (\d+)\] node \1: \{"text":"hello from bash (\d+)"\} \(sent by cli (\d+)\)$/gm)];
  expect(nodes).toHaveLength(2);
  expect(nodes.every((m) => Number(m[2]) === bash)).toBe(true);
  expect(out).toMatch(new RegExp(`^\\[worker\\.sh ${bash}\\]  GROUP +PID +PARENT`, 'm'));
  expect(out).toMatch(new RegExp(`^\\[worker\\.sh ${bash}\\] published to 2 receivers$`, 'm'));
  expect(out).toMatch(/both Node workers heard the bash worker/);
  expect(out).toMatch(new RegExp(`^\\[worker\\.sh ${bash}\\] bash ${bash}: stopping$`, 'm'));
  for (const pid of [bash, ...nodes.map((m) => Number(m[1]))]) expect(alive(pid)).toBe(false);
}, 40_000);
