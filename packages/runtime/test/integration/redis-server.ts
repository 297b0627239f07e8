import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { track, waitGone } from './harness';

/**
 * A redis-server of a test's own, for tests that configure Redis (ACL users,
 * TLS): on free ports, bound to 127.0.0.1, nothing persisted, ended by pid.
 * The shared Redis on 6379 is never touched.
 */
export interface OwnRedis {
  readonly pid: number;
  readonly port: number;
  /** The TLS port, when started with certificates. */
  readonly tlsPort: number | undefined;
  /** Everything the server logged (its log goes to stdout). */
  readonly log: string[];
  /** Shuts the server down (SIGTERM, then SIGKILL) and waits until its pid is gone. */
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL: a crash, nothing flushed) and waits until its pid is gone. */
  kill(): Promise<void>;
}

/** A TCP port nobody listens on right now, from the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Certificates {
  /** PEM of the CA that signed the server certificate: what a client trusts. */
  ca: string;
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** Runs openssl, failing with its own words. */
function openssl(args: string[], cwd: string): void {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (result.error) throw new Error(`could not run openssl (${result.error.message}); install it with apt-get install openssl`);
  if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
}

/** A throwaway CA and a server certificate it signed for 127.0.0.1 and localhost, in `dir`. */
export function makeCertificates(dir: string): Certificates {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=clustr test CA', '-keyout', 'ca-key.pem', '-out', 'ca.pem'], dir);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server-key.pem', '-out', 'server.csr'], dir);
  writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(['x509', '-req', '-days', '1', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-extfile', 'san.cnf', '-out', 'server.pem'], dir);
  return { ca: readFileSync(join(dir, 'ca.pem'), 'utf8'), caFile: join(dir, 'ca.pem'), certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server-key.pem') };
}

/**
 * Starts redis-server with `config` (arguments as on its command line, e.g.
 * `['--requirepass', 'x']`) and, given certificates, a TLS port as well.
 * Resolves once it accepts connections. `perFile`: started in beforeAll and
 * stopped in afterAll, so the per-test killTracked() sweep leaves it alone.
 */
export async function startRedis(options: { config?: string[]; tls?: Certificates; port?: number; perFile?: boolean } = {}): Promise<OwnRedis> {
  const port = options.port ?? (await freePort());
  const tlsPort = options.tls === undefined ? undefined : await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--logfile', ''];
  if (options.tls !== undefined) {
    args.push('--tls-port', String(tlsPort), '--tls-cert-file', options.tls.certFile, '--tls-key-file', options.tls.keyFile, '--tls-ca-cert-file', options.tls.caFile, '--tls-auth-clients', 'no');
  }
  args.push(...(options.config ?? []));
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error('could not start redis-server; install it with apt-get install redis-server');
  const pid = child.pid;
  // A server one test starts is ended by killTracked() if that test fails before stop();
  // one a whole file shares (`perFile`) outlives each test and is stopped in afterAll.
  if (options.perFile !== true) track(pid);
  const log: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${log.join('')}`)), 10_000);
    const onData = (chunk: Buffer) => {
      log.push(chunk.toString('utf8'));
      if (log.join('').includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const noTls = options.tls !== undefined && /tls-port/.test(log.join(''));
      // A redis-server built without BUILD_TLS=yes refuses the directive (Debian's package has TLS).
      const hint = noTls ? ' This redis-server was built without TLS support; install one that has it (Debian: apt-get install redis-server).' : '';
      reject(new Error(`redis-server exited with ${String(code)} at start.${hint}\n${log.join('')}`));
    });
  });
  return {
    pid,
    port,
    tlsPort,
    log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      await waitGone(pid);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
      await waitGone(pid);
    },
  };
}

/**
 * A redis-server a test stops and starts again on the same port, as an outage or a
 * restart (the fault tests). Built on startRedis; `log()` holds everything every run
 * of it logged.
 */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** Pid of the running server (changes on start()). */
  readonly pid: number;
  log(): string;
  /** Kills it (SIGKILL: a crash, nothing flushed) and waits until it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port, with the same arguments; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it for good. */
  dispose(): Promise<void>;
}

export async function startPrivateRedis(config: string[] = []): Promise<PrivateRedis> {
  const port = await freePort();
  const runs: OwnRedis[] = [await startRedis({ port, config })];
  const current = () => runs[runs.length - 1]!;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return current().pid;
    },
    log: () => runs.map((run) => run.log.join('')).join(''),
    stop: () => current().kill(),
    async start() {
      runs.push(await startRedis({ port, config }));
    },
    dispose: () => current().kill(),
  };
}
