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

// The README's demo, run as a user runs it: it must exchange every kind of message and stop by itself.
test('the messaging demo runs end to end and leaves no process behind', async () => {
  const child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'master.js')], {
    env: { ...process.env, CLUSTR_NAMESPACE: `demo-${randomUUID().slice(0, 8)}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);

  expect(code).toBe(0);
  expect(out).toMatch(/cluster started: \{"master":\[\d+\],/);
  expect(out).toMatch(/4 confirmations of public-received/);
  expect(out).toMatch(/both web workers got the group message/);
  expect(out).toMatch(/private from jobs \d+: "pong"/);
  expect(out).toMatch(/inherited cluster-color=blue/);
  expect(out).toMatch(/"emitPublic":1,"emitPrivate":1,"emitGroup":1/);
  const pids = [...new Set([...out.matchAll(/^(?:\[[^\]]+\] )*(?:web|jobs|helper) +(\d+) /gm)].map((m) => Number(m[1])))];
  expect(pids).toHaveLength(4);
  for (const pid of pids) expect(alive(pid)).toBe(false);
}, 40_000);
