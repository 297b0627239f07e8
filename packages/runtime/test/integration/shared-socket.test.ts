import http from 'node:http';
import net from 'node:net';
import { openSync, closeSync } from 'node:fs';
import { Master, Worker, isClustrError, nodePlatform, serveHttp, type Platform } from '../../src';
import { freshNamespace, killTracked } from './harness';
import { expectAllGone, is, pidsOf, startLoad, startMaster, stopCluster, type LoadStats } from './sup-helpers';

afterEach(async () => {
  await killTracked();
});

/** The real platform, except that closing does not end the test runner. */
const inProcess = (): Platform => ({ ...nodePlatform(), exit: () => undefined });

/** A plain server listening on a free loopback port, as another program would. */
async function occupyPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The error listen() threw. */
function listenError(master: Master, port: number): unknown {
  try {
    master.listen({ port });
  } catch (error) {
    return error;
  }
  throw new Error(`listen({ port: ${port} }) did not throw`);
}

describe('shared socket: master.listen()', () => {
  it('throws CLUSTR_SHARED_SOCKET naming host, port and EADDRINUSE when another program listens on the port', async () => {
    const other = await occupyPort();
    const master = Master.create({ namespace: freshNamespace('sock'), platform: inProcess() });
    try {
      const error = listenError(master, other.port);
      expect(isClustrError(error, 'CLUSTR_SHARED_SOCKET')).toBe(true);
      expect((error as Error).message).toContain(`127.0.0.1:${other.port}`);
      expect((error as Error).message).toContain('EADDRINUSE');
    } finally {
      await master.close(0);
      await other.close();
    }
  });

  it('throws when the same master listens on one port twice; the first socket keeps working', async () => {
    const master = Master.create({ namespace: freshNamespace('sock'), platform: inProcess() });
    try {
      const { port, listening } = master.listen({ port: 0 });
      const error = listenError(master, port);
      expect(isClustrError(error, 'CLUSTR_SHARED_SOCKET')).toBe(true);
      expect((error as Error).message).toContain(`127.0.0.1:${port}`);
      expect((error as Error).message).toContain('EADDRINUSE');
      // Still bound, and listening once the helper is done (nothing accepts yet): a client connects into the queue.
      await listening;
      await new Promise<void>((resolve, reject) => {
        const client = net.connect(port, '127.0.0.1', () => {
          client.destroy();
          resolve();
        });
        client.once('error', reject);
      });
    } finally {
      await master.close(0);
    }
  });

  it('a second master on the port of one that has no worker yet fails at listen() and starts nothing', async () => {
    const first = startMaster({ listen: { port: 0 }, batches: [] });
    const port = (await first.waitFor(is('master'), 'first master up'))['port'] as number;
    const second = startMaster({ listen: { port }, batches: [[{ file: 'sup-http.js' }]] });
    const failed = await second.waitFor(is('listen-failed'), 'second master listen()');
    expect(failed['code']).toBe('CLUSTR_SHARED_SOCKET');
    expect(failed['message']).toContain(`127.0.0.1:${port}`);
    expect(failed['message']).toContain('EADDRINUSE');
    expect(await second.exited).toEqual({ code: 2, signal: null });
    expect(second.events.filter((e) => e.ev === 'spawn' || e.ev === 'master')).toEqual([]);

    await stopCluster(first);
  });

  it('queues connections once listen() has its socket listening, and only workers accept them: a request sent before any worker exists is answered by the first one', async () => {
    const fx = startMaster({ listen: { port: 0 }, batches: [[], [{ file: 'sup-http.js' }]] });
    const port = (await fx.waitFor(is('master'), 'master up'))['port'] as number;
    // Printed once the SIGUSR2 handler is installed: before it, the signal would kill the master.
    await fx.waitFor(is('batch', { index: 0 }), 'master waiting for SIGUSR2');
    const answer = new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body));
      }).once('error', reject);
    });
    // The request waits in the kernel's queue; the master never takes it.
    process.kill(fx.pid, 'SIGUSR2');
    const worker = (await fx.waitFor(is('http-ready'), 'worker listening')).pid;
    expect(await answer).toBe(String(worker));

    await stopCluster(fx);
  });
});

describe('shared socket: serveHttp()', () => {
  /**
   * A worker outside any cluster: it is handed descriptors directly through the `fd` option.
   * It watches no parent: under jest's worker processes the parent would be jest, over an IPC
   * channel that jest's sandboxed `process` cannot unref.
   */
  function lonelyWorker(): Worker {
    return Worker.create({ group: 'web', namespace: freshNamespace('sock'), platform: { ...inProcess(), watchParent: () => () => undefined } });
  }

  it('refuses a TCP socket bound to no port instead of letting listen() bind it to a random port on every interface', async () => {
    const other = await occupyPort();
    // What a bind on a port in use leaves behind: a socket, bound to nothing (libuv reports the error only at listen()).
    const { TCP, constants } = (process as unknown as { binding(name: string): { TCP: new (type: number) => { fd: number; bind(h: string, p: number): number; close(): void }; constants: { SERVER: number } } }).binding('tcp_wrap');
    const unbound = new TCP(constants.SERVER);
    unbound.bind('127.0.0.1', other.port);
    const worker = lonelyWorker();
    try {
      const outcome = await serveHttp(worker, (req, res) => res.end(), { fd: unbound.fd }).then(
        (server) => {
          const address = server.address();
          server.close();
          return address;
        },
        (error: unknown) => error,
      );
      expect(isClustrError(outcome, 'CLUSTR_NO_SHARED_SOCKET')).toBe(true);
      expect((outcome as Error).message).toContain(`fd ${unbound.fd}`);
    } finally {
      unbound.close();
      await worker.close(0);
      await other.close();
    }
  });

  it('refuses a descriptor that is not a socket', async () => {
    const fd = openSync(__filename, 'r');
    const worker = lonelyWorker();
    try {
      const outcome = await serveHttp(worker, (req, res) => res.end(), { fd }).catch((error: unknown) => error);
      expect(isClustrError(outcome, 'CLUSTR_NO_SHARED_SOCKET')).toBe(true);
      expect((outcome as Error).message).toContain(`fd ${fd}`);
    } finally {
      closeSync(fd);
      await worker.close(0);
    }
  });
});

describe('shared socket: who gets it', () => {
  it('a grandchild is not told about a socket it was not given: serveHttp fails with CLUSTR_NO_SHARED_SOCKET', async () => {
    const fx = startMaster({ listen: { port: 0 }, batches: [[{ file: 'sup-parent.js', respawn: false, env: { SUP_CHILD: 'sup-serve.js' } }]] });
    await fx.waitFor(is('started'), 'cluster started');
    const parent = (await fx.waitFor(is('ready', { file: 'sup-parent.js' }), 'parent ready')).pid;
    const outcome = await fx.waitFor((e) => (e.ev === 'serve-ok' || e.ev === 'serve-failed') && e.pid !== parent, 'grandchild tried serveHttp');
    expect(outcome).toMatchObject({ ev: 'serve-failed', listenFd: null, code: 'CLUSTR_NO_SHARED_SOCKET' });

    await stopCluster(fx);
    await expectAllGone(pidsOf(fx));
  });
});

describe('connection distribution', () => {
  /** Four HTTP workers on one port, 16 keep-alive connections for 2 s: requests and connections per worker. */
  async function spread(distribution: 'round-robin' | 'shared'): Promise<{ perWorker: number[]; failed: number; handed: number[] }> {
    const fx = startMaster({
      listen: { port: 0, distribution },
      batches: [Array.from({ length: 4 }, () => ({ file: 'sup-http.js' }))],
    });
    const { port } = await fx.waitFor(is('master'), 'the master');
    await fx.waitFor(is('started'), 'four workers', 30_000);
    const load = startLoad(port as number, { connections: 16, maxMs: 2_000 });
    const stats = await new Promise<LoadStats>((resolve) => setTimeout(() => resolve(load.stop()), 2_000));
    const perWorker = [...stats.byPid.values()].sort((a, b) => a - b);
    await stopCluster(fx);
    const { handed } = await fx.waitFor(is('onkill'), 'the master to stop');
    await expectAllGone(pidsOf(fx));
    return { perWorker, failed: stats.failed, handed: Object.values(handed as Record<string, number>).sort((a, b) => a - b) };
  }

  // How evenly the requests follow depends on how the machine schedules the workers: the
  // request spread is a benchmark figure (pnpm bench, `spread`); the hand-off itself is exact.
  it('round-robin (the default) hands 16 keep-alive connections to 4 workers 4 each; shared leaves it to the kernel', async () => {
    const rr = await spread('round-robin');
    const shared = await spread('shared');
    const ratio = (r: { perWorker: number[] }) => (r.perWorker.length < 4 ? Infinity : r.perWorker[3]! / r.perWorker[0]!);
    console.log(`requests per worker, 16 keep-alive connections: round-robin ${rr.perWorker.join(' / ')} (max/min ${ratio(rr).toFixed(2)}); shared ${shared.perWorker.join(' / ')} (max/min ${ratio(shared).toFixed(2)})`);
    expect(rr.failed).toBe(0);
    expect(rr.handed).toEqual([4, 4, 4, 4]);
    expect(rr.perWorker).toHaveLength(4);
    // With shared accepting the master hands nothing over.
    expect(shared.handed).toEqual([]);
  }, 60_000);

  it('a worker without a channel to the master (started through a wrapper) accepts on the socket itself', async () => {
    const fx = startMaster({
      listen: { port: 0 },
      batches: [[{ file: 'sup-wrapper.sh', command: 'bash', ready: 'spawn', env: { SUP_WRAPPED: 'sup-http.js' } }]],
    });
    const { port } = await fx.waitFor(is('master'), 'the master');
    await fx.waitFor(is('http-ready'), 'the wrapped worker', 30_000);
    const body = await new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: port as number, path: '/' }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += String(chunk)));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(Number(body)).toBeGreaterThan(0);
    await stopCluster(fx);
    await expectAllGone(pidsOf(fx));
  }, 60_000);
});
