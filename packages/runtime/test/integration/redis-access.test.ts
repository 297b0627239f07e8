import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { FIXTURES, freshNamespace, killTracked, track } from './harness';
import { closeControllers, command, createController, emitFrom, sortedInfo, startTree, stopTree, type Tree } from './msg-helpers';
import { makeCertificates, startRedis, type Certificates, type OwnRedis } from './redis-server';

// A redis-server of this file's own (never the shared one on 6379), with a TLS port whose
// certificates are made here with openssl, and an ACL user per test restricted to that test's
// namespace (docs/security.md, "Recommended production setup").

jest.setTimeout(60_000);

const ADMIN_PASSWORD = randomBytes(16).toString('hex');
/** What docs/security.md grants a cluster's user: clustr's clients send nothing else. */
const COMMANDS = ['publish', 'subscribe', 'info', 'quit'];

let dir: string;
let certs: Certificates;
let server: OwnRedis;
let admin: Redis;
const clients: Redis[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'clustr-acl-'));
  certs = makeCertificates(dir);
  server = await startRedis({ tls: certs, config: ['--requirepass', ADMIN_PASSWORD], perFile: true });
  admin = new Redis({ host: '127.0.0.1', port: server.port, password: ADMIN_PASSWORD });
});

afterAll(async () => {
  await admin?.quit();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await closeControllers();
  await Promise.all(clients.splice(0).map((client) => client.quit().catch(() => client.disconnect())));
  expect(await killTracked()).toEqual([]);
});

let users = 0;

/** A fresh ACL user allowed `&<namespace>:*` and `commands` only. */
async function aclUser(namespace: string, commands = COMMANDS): Promise<{ username: string; password: string }> {
  const username = `clustr-${++users}`;
  const password = randomBytes(16).toString('hex');
  await admin.call('ACL', 'SETUSER', username, 'reset', 'on', `>${password}`, 'resetchannels', `&${namespace}:*`, '-@all', ...commands.map((c) => `+${c}`));
  return { username, password };
}

/** The server's clients other than the admin connection, as CLIENT LIST shows them. */
async function connectedClients(): Promise<Array<Record<string, string>>> {
  const list = (await admin.call('CLIENT', 'LIST')) as string;
  return list
    .trim()
    .split('\n')
    .map((line) => Object.fromEntries(line.split(' ').map((field) => field.split('=', 2) as [string, string])))
    .filter((client) => client['user'] !== 'default');
}

/** Messages of every kind across the tree, the grandchild's cluster info included. */
async function traffic(tree: Tree, ctl: ReturnType<typeof createController>): Promise<void> {
  const { master, w1, w2, j1, p, gc } = tree.pids as Record<'master' | 'w1' | 'w2' | 'j1' | 'p' | 'gc', number>;
  const all = { master: [master], web: [w1, w2, gc], jobs: [j1, p] };
  expect(sortedInfo(await ctl.fetchClusterInfo())).toEqual(sortedInfo(all));
  // Every process of the tree (6) and the controller, which listens for public messages.
  expect(await emitFrom(ctl, tree, gc, 'public', { tag: 'public' })).toBe(7);
  expect(await emitFrom(ctl, tree, j1, 'private', gc, { tag: 'private' })).toBe(1);
  expect(await emitFrom(ctl, tree, gc, 'group', 'jobs', { tag: 'group' })).toBe(2);
  const info = await command(ctl, tree, gc, 'info');
  expect(sortedInfo(info['info'])).toEqual(sortedInfo(all));
  await tree.fixture.waitFor((e) => e.ev === 'recv' && e.pid === gc && (e['data'] as { tag?: string }).tag === 'private', 'gc to get the private message');
}

function environ(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
}

test('a whole cluster (master, workers, a grandchild) runs as an ACL user allowed only its namespace channels and four commands', async () => {
  const namespace = freshNamespace('acl');
  const { username, password } = await aclUser(namespace);
  const url = `redis://${username}:${password}@127.0.0.1:${server.port}`;
  const tree = await startTree({ namespace, env: { CLUSTR_REDIS_URL: url } });
  const ctl = createController(namespace, { redis: url });
  ctl.onPublic(() => undefined);
  await traffic(tree, ctl);

  // Every connection of the 7 processes is that user's; nothing else is connected.
  const connected = await connectedClients();
  expect(connected.length).toBeGreaterThanOrEqual(14);
  expect(new Set(connected.map((client) => client['user']))).toEqual(new Set([username]));
  // The user cannot leave its namespace, nor touch keys.
  const raw = new Redis(url);
  clients.push(raw);
  await expect(raw.publish(`${freshNamespace('other')}:public`, 'x')).rejects.toThrow(/NOPERM/);
  await expect(raw.call('KEYS', '*')).rejects.toThrow(/NOPERM/);

  expect(await stopTree(tree)).toEqual({ code: 15, signal: null });
});

test('over TLS, with the CA as a PEM string in the redis options object, which every child receives intact; with a secret and no INFO', async () => {
  const namespace = freshNamespace('tls');
  // Without the ready check, ioredis sends no INFO: publish, subscribe and quit are all a cluster needs.
  const { username, password } = await aclUser(namespace, ['publish', 'subscribe', 'quit']);
  const redis = { host: '127.0.0.1', port: server.tlsPort!, username, password, tls: { ca: certs.ca }, enableReadyCheck: false };
  const secret = randomBytes(32).toString('base64');
  const tree = await startTree({ namespace, env: { MSG_MASTER_OPTIONS: JSON.stringify({ redis }), CLUSTR_SECRET: secret } });
  const ctl = createController(namespace, { redis, secret });
  ctl.onPublic(() => undefined);
  await traffic(tree, ctl);

  // Children (the grandchild included) got the options as JSON, PEM and all, and show the URL without the password.
  const { w1, gc } = tree.pids as Record<'w1' | 'gc', number>;
  for (const pid of [w1, gc]) {
    expect(environ(pid)).toContain(`CLUSTR_REDIS_OPTIONS=${JSON.stringify(redis)}`);
    expect(environ(pid).some((entry) => entry.startsWith('CLUSTR_REDIS_URL='))).toBe(false);
  }
  const config = (await command(ctl, tree, gc, 'config'))['config'] as Record<string, unknown>;
  expect(config['redis']).toBe(`rediss://${username}:***@127.0.0.1:${server.tlsPort}`);
  // Every connection came in on the TLS port, as that user.
  const connected = await connectedClients();
  expect(connected.length).toBeGreaterThanOrEqual(14);
  expect(new Set(connected.map((client) => `${client['user']} ${client['laddr']}`))).toEqual(new Set([`${username} 127.0.0.1:${server.tlsPort}`]));

  expect(await stopTree(tree)).toEqual({ code: 15, signal: null });
});

test('over TLS with a rediss:// URL and the CA in NODE_EXTRA_CA_CERTS', async () => {
  const namespace = freshNamespace('tls');
  const { username, password } = await aclUser(namespace);
  const tree = await startTree({ namespace, env: { CLUSTR_REDIS_URL: `rediss://${username}:${password}@127.0.0.1:${server.tlsPort}`, NODE_EXTRA_CA_CERTS: certs.caFile } });
  // NODE_EXTRA_CA_CERTS is read when a process starts: the controller in jest takes the CA as an option.
  const ctl = createController(namespace, { redis: { host: '127.0.0.1', port: server.tlsPort!, username, password, tls: { ca: certs.ca } } });
  ctl.onPublic(() => undefined);
  await traffic(tree, ctl);
  expect(await stopTree(tree)).toEqual({ code: 15, signal: null });
});

describe('refused at the start: a clear error without the password, exit 69, long before connectTimeout', () => {
  /** Runs a fixture until it exits; resolves with its exit code, stderr and how long it ran. */
  function runToExit(file: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string; ms: number }> {
    const started = Date.now();
    const child = spawn(process.execPath, [join(FIXTURES, file), '--group=web', '--name=x'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    track(child.pid!);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr, ms: Date.now() - started })));
  }
  // connectTimeout is 20 s by default: a refusal that waited for it would take that long.
  const QUICKLY_MS = 5_000;

  test('a wrong password, for a worker and for a master', async () => {
    const namespace = freshNamespace('acl');
    const { username } = await aclUser(namespace);
    const wrong = randomBytes(16).toString('hex');
    for (const file of ['msg-worker.js', 'msg-master.js']) {
      const result = await runToExit(file, { CLUSTR_NAMESPACE: namespace, CLUSTR_REDIS_URL: `redis://${username}:${wrong}@127.0.0.1:${server.port}` });
      expect(result.code).toBe(69);
      expect(result.ms).toBeLessThan(QUICKLY_MS);
      expect(result.stderr).toContain(`Redis at redis://${username}:***@127.0.0.1:${server.port} refused this process: WRONGPASS`);
      expect(result.stderr).not.toContain(wrong);
    }
  });

  test('a namespace outside the user\'s channels names the permission to grant', async () => {
    const { username, password } = await aclUser(freshNamespace('acl'));
    const elsewhere = freshNamespace('acl');
    const result = await runToExit('msg-worker.js', { CLUSTR_NAMESPACE: elsewhere, CLUSTR_REDIS_URL: `redis://${username}:${password}@127.0.0.1:${server.port}` });
    expect(result.code).toBe(69);
    expect(result.ms).toBeLessThan(QUICKLY_MS);
    expect(result.stderr).toContain('NOPERM');
    expect(result.stderr).toContain(`The ACL user needs the channels &${elsewhere}:* and the commands +publish +subscribe +info +quit`);
    expect(result.stderr).not.toContain(password);
  });

  test('a server certificate signed by a CA the process was not given', async () => {
    const namespace = freshNamespace('tls');
    const { username, password } = await aclUser(namespace);
    const result = await runToExit('msg-worker.js', { CLUSTR_NAMESPACE: namespace, CLUSTR_REDIS_URL: `rediss://${username}:${password}@127.0.0.1:${server.tlsPort}` });
    expect(result.code).toBe(69);
    expect(result.ms).toBeLessThan(QUICKLY_MS);
    expect(result.stderr).toContain(`the TLS handshake with Redis at rediss://${username}:***@127.0.0.1:${server.tlsPort} failed: self-signed certificate in certificate chain`);
    expect(result.stderr).not.toContain(password);
  });
});
