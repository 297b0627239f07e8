// Namespace imports: Node's built-ins have no default export without esModuleInterop.
import * as http from 'node:http';
import * as net from 'node:net';
import { ClustrError } from '@clustr/protocol/core';
import type { ClusterProcess } from '../process/cluster-process';
import { checkKeys, checks, optionsObject } from '../process/options';
import { LISTEN_FD_ENV, LISTEN_MODE_ENV } from '../supervision/supervisor';
import type { ParentChannel } from '../platform/platform';
import { adoptSharedSocket, type TcpHandle } from './shared-socket';

export interface ServeHttpOptions {
  /**
   * Milliseconds to let open connections finish after a kill before closing them. The drain
   * runs in an onKill hook, so it may not be longer than the process's `killTimeout`, which
   * would end it first: a longer one is refused with CLUSTR_INVALID_OPTION. Default `10000`,
   * or `killTimeout` when that is shorter.
   */
  drainTimeout?: number;
  /** File descriptor of the shared socket. Default: `CLUSTR_LISTEN_FD` from the environment. */
  fd?: number;
  /** Options for `http.createServer`. */
  server?: http.ServerOptions;
}

/**
 * Serves HTTP on the listening socket the master shared (Master.listen), and
 * drains on kill without dropping a request:
 *
 * 1. stop accepting (only this worker: the socket stays open for the others);
 * 2. every request still arriving on an open keep-alive connection is answered
 *    with `Connection: close`, so the client opens its next connection to a
 *    live worker — idle connections are never closed under a client that may
 *    be sending on them, which is the race that drops requests elsewhere;
 * 3. after `drainTimeout`, whatever is still open is closed, and the worker exits.
 *
 * Resolves with the server once it is listening; call `emitReady()` after.
 */
export function serveHttp(process: ClusterProcess, handler: http.RequestListener, options: ServeHttpOptions = {}): Promise<http.Server> {
  const { platform, killTimeout } = process as unknown as ServedProcess;
  let drainTimeout: number;
  try {
    checkKeys(optionsObject(options, 'serveHttp() options'), { drainTimeout: checks.later, fd: checks.later, server: checks.object }, 'serveHttp().');
    drainTimeout = drainTimeoutWithin(options.drainTimeout, killTimeout);
  } catch (error) {
    return Promise.reject(error as Error);
  }
  // Round-robin: the master hands this worker its connections over IPC. Only a worker the master
  // started directly has that channel; one behind a wrapper accepts on the socket itself.
  const parentPid = (process as unknown as { parentPid?: number }).parentPid;
  const channel = options.fd === undefined && platform.env[LISTEN_MODE_ENV] === 'round-robin' && parentPid !== undefined ? platform.parentChannel(parentPid) : undefined;
  if (channel !== undefined) return serveHandedConnections(process, handler, channel, options, drainTimeout);
  const fd = options.fd ?? Number(platform.env[LISTEN_FD_ENV]);
  if (!Number.isInteger(fd) || fd < 0) {
    return Promise.reject(
      new ClustrError('CLUSTR_NO_SHARED_SOCKET', 'serveHttp() found no shared socket: CLUSTR_LISTEN_FD is not set. Call master.listen({ port }) before the master spawns this worker.', {
        field: 'fd',
      }),
    );
  }
  let socket: TcpHandle;
  try {
    socket = adoptSharedSocket(fd, options.fd === undefined ? `from ${LISTEN_FD_ENV}` : 'the fd option');
  } catch (error) {
    return Promise.reject(error as Error);
  }
  let draining = false;
  const server = http.createServer(options.server ?? {}, (req, res) => {
    if (draining) res.setHeader('Connection', 'close');
    handler(req, res);
  });
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  process.onKill((done) => {
    draining = true;
    // http.Server#close also closes idle keep-alive connections (Node >= 19): exactly the race to avoid.
    // net.Server#close only stops accepting and waits for open connections.
    net.Server.prototype.close.call(server, () => {
      clearTimeout(timer);
      done();
    });
    const timer = setTimeout(() => {
      for (const socket of sockets) socket.destroy();
    }, drainTimeout);
    timer.unref();
  });

  return new Promise((resolve, reject) => {
    const failed = (error: Error) =>
      reject(new ClustrError('CLUSTR_NO_SHARED_SOCKET', `serveHttp() could not listen on fd ${fd}, the shared socket: ${error.message}.`, { field: 'fd', cause: error }));
    server.once('error', failed);
    // The handle itself, already checked: `{ fd }` would make Node wrap the descriptor unchecked.
    server.listen(socket, () => {
      server.off('error', failed);
      resolve(server);
    });
  });
}

/**
 * serveHttp when the master hands out connections: each one it hands over is served here,
 * also while draining (answered with `Connection: close`). The master is told `serving` now
 * and `draining` on kill. It answers `draining` once it has taken this worker out of its
 * rotation; IPC keeps order, so every connection handed before that answer has arrived by
 * then and is served. The worker is done when the master has answered (or is gone) and its
 * last connection has closed, or after `drainTimeout`.
 */
function serveHandedConnections(process: ClusterProcess, handler: http.RequestListener, channel: ParentChannel, options: ServeHttpOptions, drainTimeout: number): Promise<http.Server> {
  let draining = false;
  const server = http.createServer(options.server ?? {}, (req, res) => {
    if (draining) res.setHeader('Connection', 'close');
    handler(req, res);
  });
  const sockets = new Set<net.Socket>();
  /** Set while draining: checks whether the drain is over. */
  let settle: (() => void) | undefined;
  /** The master has taken this worker out of its rotation, or cannot hand it anything more. */
  let released = false;
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      settle?.();
    });
  });
  const release = () => {
    released = true;
    settle?.();
  };
  const stopMessages = channel.onMessage((message, socket) => {
    if (message.clustr === 'conn' && socket instanceof net.Socket) server.emit('connection', socket);
    else if (message.clustr === 'draining-ack') release();
  });
  const stopClose = channel.onClose(release);
  process.onKill((done) => {
    draining = true;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      stopMessages();
      stopClose();
      done();
    };
    const timer = setTimeout(() => {
      for (const socket of sockets) socket.destroy();
      finish();
    }, drainTimeout);
    timer.unref();
    settle = () => {
      if (released && sockets.size === 0) finish();
    };
    if (!channel.send({ clustr: 'draining' })) released = true;
    settle();
  });
  if (!channel.send({ clustr: 'serving' })) released = true;
  return Promise.resolve(server);
}

const DEFAULT_DRAIN_TIMEOUT = 10_000;

/** What serveHttp reads of the process it serves for: protected and private members, not public API. */
interface ServedProcess {
  platform: { env: Record<string, string | undefined>; parentChannel(parentPid: number): ParentChannel | undefined };
  killTimeout: number | false;
}

/**
 * The drain runs in an onKill hook, which killTimeout ends: a longer drain was silently cut
 * short, closing connections the user meant to let finish. Refused where it is configured;
 * the default fits itself to a shorter killTimeout.
 */
function drainTimeoutWithin(drainTimeout: number | undefined, killTimeout: number | false): number {
  if (drainTimeout === undefined) return killTimeout === false ? DEFAULT_DRAIN_TIMEOUT : Math.min(DEFAULT_DRAIN_TIMEOUT, killTimeout);
  checks.ms(drainTimeout, 'drainTimeout');
  const value = drainTimeout;
  if (killTimeout !== false && value > killTimeout) {
    throw new ClustrError(
      'CLUSTR_INVALID_OPTION',
      `serveHttp() drainTimeout (${value}) is longer than this process's killTimeout (${killTimeout}), which ends the drain first. Lower drainTimeout, or raise killTimeout (false waits for the drain).`,
      { field: 'drainTimeout' },
    );
  }
  return value;
}
