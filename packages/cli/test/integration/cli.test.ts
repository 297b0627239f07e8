// The real `clustr` binary against a real cluster on the Redis at 127.0.0.1:6379 (and, for the
// last test, against the private Redis a master starts when there is none).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterInfo, ProcessStatus } from '@clustr/runtime';
import { freshNamespace, isAlive, killTracked, track, unusedPort, waitGone } from '../../../runtime/test/integration/harness';
import { expectAllGone, is, pidsOf, startMaster } from '../../../runtime/test/integration/sup-helpers';
import { EXIT_CODES_HELP } from '../../src/exit-codes';
import { clustr, start } from './clustr';

const WORKER = join(__dirname, 'fixtures', 'cli-worker.js');
const INTERVAL = 500;
const SECRET = 'the-cli-test-secret-of-32-bytes-or-more';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clustr-cli-'));
});

afterEach(async () => {
  await killTracked();
  rmSync(dir, { recursive: true, force: true });
});

/** A master with two cli-worker.js workers (heartbeat every 500 ms), started. */
async function cluster(options: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  const fx = startMaster({ options: { heartbeatInterval: INTERVAL, readyTimeout: 2_000, ...options }, batches: [[{ file: WORKER }, { file: WORKER }]] }, { CLI_BROKEN: join(dir, 'broken'), ...env });
  const started = await fx.waitFor(is('started'), 'cluster started');
  const workers = [...((started['info'] as ClusterInfo)['web'] ?? [])].sort((a, b) => a - b);
  expect(workers).toHaveLength(2);
  return { fx, workers, env: { CLUSTR_NAMESPACE: fx.namespace, ...env } };
}

async function info(env: Record<string, string>): Promise<ClusterInfo> {
  const run = await clustr(['info', '--json'], env);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as ClusterInfo;
}

test('ls --json lists every pid with fresh heartbeat figures; ls prints them as a table', async () => {
  const { fx, workers, env } = await cluster();
  // Each worker's first heartbeat follows its registration: ask until every process has sent one.
  let processes: ProcessStatus[] = [];
  const deadline = Date.now() + 10_000;
  do {
    const run = await clustr(['ls', '--json'], env);
    expect(run.code).toBe(0);
    processes = JSON.parse(run.stdout) as ProcessStatus[];
  } while (processes.some((p) => p.health === undefined) && Date.now() < deadline);
  expect(pidsInOrder(processes)).toEqual([fx.pid, ...workers]);
  const now = Date.now();
  for (const p of processes) {
    expect(p.state).toBe('ready');
    expect(now - p.lastHeartbeat!).toBeLessThanOrEqual(2 * INTERVAL);
    expect(p.health).toMatchObject({ host: hostname(), interval: INTERVAL, restarts: 0 });
    expect(p.health!.uptime).toBeGreaterThan(0);
    expect(p.health!.rss).toBeGreaterThan(10 * 1024 * 1024);
    expect(p.health!.cpu).toBeGreaterThanOrEqual(0);
    expect(p.health!.loopP99).toBeGreaterThanOrEqual(0);
  }
  expect(processes.slice(1).every((p) => p.parentPid === fx.pid && p.group === 'web')).toBe(true);

  const table = await clustr(['status'], env);
  expect(table.code).toBe(0);
  const lines = table.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^ GROUP +PID +PARENT +HOST +STATE +UPTIME +↺ +CPU +MEM +LOOP p99 +MSG IN\/OUT +REJ$/);
  expect(lines).toHaveLength(4);
  expect(lines[1]).toMatch(new RegExp(`^ master +${fx.pid} +- .* ready `));
  for (const pid of workers) expect(lines.slice(2).filter((line) => new RegExp(`^ web +${pid} +${fx.pid} .* ready `).test(line))).toHaveLength(1);
  expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(100);
});

test('reload replaces every worker pid, printing each replacement, and exits 0', async () => {
  const { fx, workers, env } = await cluster();
  const run = await clustr(['reload'], env);
  expect(run.code).toBe(0);
  const replaced = [...run.stdout.matchAll(/^replaced (\d+) -> (\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
  expect(replaced.map(([from]) => from).sort((a, b) => a! - b!)).toEqual(workers);
  expect(run.stdout).toMatch(/^reload accepted by the master\n(replaced \d+ -> \d+\n){2}reload completed: 2 processes replaced\n$/);
  for (const [, to] of replaced) track(to!);
  expect((await info(env))['web']!.sort((a, b) => a - b)).toEqual(replaced.map(([, to]) => to).sort((a, b) => a! - b!));
  for (const pid of workers) await waitGone(pid);
  void fx;
});

test('a reload whose replacement never becomes ready exits 1 with CLUSTR_RELOAD_FAILED, and the old pids keep serving', async () => {
  const { fx, workers, env } = await cluster();
  writeFileSync(join(dir, 'broken'), '');
  const run = await clustr(['reload'], env);
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('reload accepted by the master\n');
  expect(run.stderr).toMatch(/^clustr: the reload stopped: the replacement \d+ did not become ready \(ready-timeout\); 0 processes replaced before that\. The processes not replaced keep serving\. \(CLUSTR_RELOAD_FAILED\)\n$/);
  expect((await info(env))['web']!.sort((a, b) => a - b)).toEqual(workers);
  // Still serving: each old worker still handles a message.
  for (const pid of workers) {
    const sent = await clustr(['publish', 'private', String(pid), '{"still":"there"}'], env);
    expect(sent.code).toBe(0);
    await fx.waitFor((e) => e.ev === 'private' && e.pid === pid, `pid ${pid} handles a message`);
  }
});

test('stop ends the cluster: the command returns once every child has exited, and no process is left', async () => {
  const { fx, env } = await cluster();
  const pids = pidsOf(fx);
  const run = await clustr(['stop'], env);
  expect(run.code).toBe(0);
  expect(run.stdout).toBe('stop accepted by the master\nevery child has exited; the master exits with code 0\ncluster stopped\n');
  for (const pid of pids.filter((p) => p !== fx.pid)) expect(isAlive(pid)).toBe(false);
  expect(await fx.exited).toEqual({ code: 0, signal: null });
  await expectAllGone(pids);
});

test('tail shows a published frame, decoded, one line; publish reaches a worker’s handler', async () => {
  const { fx, workers, env } = await cluster();
  const tail = start(['tail', '--kind', 'private', '--count', '1'], env);
  await tail.waitFor(/^tailing .*:\* on /m);
  const sent = await clustr(['publish', 'private', String(workers[0]), '{"text":"hi from the shell"}'], env);
  // The worker, and the tail (a pattern subscriber counts as a receiver).
  expect(sent).toMatchObject({ code: 0, stdout: 'published to 2 receivers\n' });
  const delivered = await fx.waitFor(is('private', { pid: workers[0]! }), 'the worker handles it');
  expect(delivered).toMatchObject({ data: { text: 'hi from the shell' }, fromGroup: 'cli' });
  const tailed = await tail.done;
  expect(tailed.code).toBe(0);
  expect(tailed.stdout).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  private:${workers[0]} +private +cli:${delivered['from'] as number} +\\{"text":"hi from the shell"\\}\\n$`));
});

test('publish: nobody listening exits 1, JSON that does not parse exits 2', async () => {
  const { env } = await cluster();
  const nobody = await clustr(['publish', 'group', 'nobody', '1'], env);
  expect(nobody.code).toBe(1);
  expect(nobody.stderr).toContain('nobody received it');
  const bad = await clustr(['publish', 'public', '{text:hi}'], env);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/^clustr: the message is not JSON/);
});

test('no master: a clear CLUSTR_NO_MASTER error and exit 3; Redis unreachable: exit 69; a bad flag: exit 2', async () => {
  const namespace = freshNamespace('cli-none');
  const started = Date.now();
  const none = await clustr(['ls'], { CLUSTR_NAMESPACE: namespace });
  expect(none.code).toBe(3);
  expect(none.stdout).toBe('');
  expect(none.stderr).toBe(
    `clustr: no master listens in namespace "${namespace}" on Redis at redis://127.0.0.1:6379. Start the cluster, or check --namespace (CLUSTR_NAMESPACE) and --redis (CLUSTR_REDIS_URL). (CLUSTR_NO_MASTER)\n`,
  );
  // Nothing listens: said at once, not after the 3-s timeout.
  expect(Date.now() - started).toBeLessThan(2_900);

  const port = await unusedPort();
  const unreachable = await clustr(['info', '--redis', `redis://127.0.0.1:${port}`], { CLUSTR_NAMESPACE: namespace });
  expect(unreachable.code).toBe(69);
  expect(unreachable.stderr).toMatch(/could not reach Redis at redis:\/\/127\.0\.0\.1:\d+ .*\(CLUSTR_REDIS_UNREACHABLE\)\n$/);

  const usage = await clustr(['ls', '--bogus']);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toMatch(/^clustr: Unknown argument: bogus\n/);
});

test('secrets: the cluster’s secret works; none or another is a timeout with the hint (exit 3); one the cluster does not use is exit 4', async () => {
  const signed = await cluster({}, { CLUSTR_SECRET: SECRET });
  expect((await clustr(['info', '--json'], signed.env)).code).toBe(0);
  const unsigned = await clustr(['info', '--timeout', '1000'], { ...signed.env, CLUSTR_SECRET: undefined });
  expect(unsigned.code).toBe(3);
  expect(unsigned.stderr).toMatch(/though something listens there\. If the cluster runs with a secret, pass it \(--secret or CLUSTR_SECRET\)/);
  const other = await clustr(['info', '--timeout', '1000', '--secret', `another-${SECRET}`], signed.env);
  expect(other.code).toBe(3);
  expect(other.stderr).toMatch(/If the cluster runs with another secret \(or none\)/);

  const plain = await cluster();
  const extra = await clustr(['info', '--secret', SECRET], plain.env);
  expect(extra.code).toBe(4);
  expect(extra.stderr).toMatch(/\(unsigned\): the cluster does not sign its frames: run without --secret \/ CLUSTR_SECRET\. \(CLUSTR_FRAME_REJECTED\)\n$/);
});

test('--help documents every command and exit code', async () => {
  const run = await clustr(['--help']);
  expect(run.code).toBe(0);
  for (const command of ['ls', 'info', 'reload', 'stop', 'tail', 'publish <words..>', 'schema']) expect(run.stdout).toContain(`clustr ${command} `);
  expect(run.stdout).toContain(EXIT_CODES_HELP);
});

test('schema prints the JSON Schema of the envelope', async () => {
  const run = await clustr(['schema']);
  expect(run.code).toBe(0);
  const schema = JSON.parse(run.stdout) as { $id: string; oneOf: unknown[] };
  expect(schema.$id).toBe('https://clustr.dev/schema/envelope.v2.json');
  expect(run.stdout).toBe(readFileSync(require.resolve('@clustr/protocol/schema/envelope.v2.json'), 'utf8'));
});

test('with no Redis configured or answering, the commands find the private Redis the master started, without flags', async () => {
  const port = await unusedPort();
  const env = { CLUSTR_DEFAULT_REDIS_URL: `redis://127.0.0.1:${port}`, TMPDIR: dir, CLUSTR_REDIS_URL: '' };
  const { fx, workers } = await cluster({}, env);
  const socket = join(dir, `clustr-${process.getuid!()}`, `${fx.namespace}.sock`);
  const ls = await clustr(['ls', '--json'], { CLUSTR_NAMESPACE: fx.namespace, ...env });
  expect(ls.code).toBe(0);
  expect(pidsInOrder(JSON.parse(ls.stdout) as ProcessStatus[])).toEqual([fx.pid, ...workers]);
  const tail = start(['tail', '--count', '1', '--kind', 'public'], { CLUSTR_NAMESPACE: fx.namespace, ...env });
  await tail.waitFor(new RegExp(`tailing ${fx.namespace}:\\* on ${socket.replace(/[.]/g, '\\.')}`));
  tail.child.kill('SIGINT');
  expect((await tail.done).code).toBe(0);

  const redisPids = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && (readFileSafe(`/proc/${p}/cmdline`) ?? '').includes(socket)).map(Number);
  expect(redisPids.length).toBeGreaterThan(0);
  const stop = await clustr(['stop'], { CLUSTR_NAMESPACE: fx.namespace, ...env });
  expect(stop.code).toBe(0);
  await expectAllGone([...pidsOf(fx), ...redisPids]);
});

/** The master's pid, then the others' in pid order (the master lists them in registration order). */
function pidsInOrder(processes: ProcessStatus[]): number[] {
  return [processes[0]!.pid, ...processes.slice(1).map((p) => p.pid).sort((a, b) => a - b)];
}

function readFileSafe(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
