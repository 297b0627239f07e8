import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { fstatSync } from 'node:fs';
import { Server, isIPv4, isIPv6, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { getSystemErrorName } from 'node:util';
import { ClustrError } from '@clustr/protocol/core';
import type { Distribution } from './distributor';

export interface SharedSocketOptions {
  /** TCP port to bind; `0` picks a free one. Required. */
  port: number;
  /** Address to bind. Default `"127.0.0.1"`. */
  host?: string;
  /**
   * How connections reach workers: `round-robin` (the master hands each to the next
   * serving worker: an even spread) or `shared` (every worker accepts itself: no
   * hand-off, an uneven spread). Default `round-robin`. See docs/runtime.md.
   */
  distribution?: Distribution;
}

export interface SharedSocket {
  readonly fd: number;
  readonly port: number;
  readonly host: string;
  /** The address bound, as the system names it (`::1` for `0:0:0:0:0:0:0:1`). */
  readonly address: string;
  /** The bound handle (listening once `listening` settles): what `acceptConnections()` accepts on. */
  readonly handle: TcpHandle;
  /**
   * Resolves once the socket is in the listening state: from then on the kernel queues
   * connections. Rejects with CLUSTR_SHARED_SOCKET when it cannot listen (another socket
   * bound to the same port started listening first). Never an unhandled rejection.
   */
  readonly listening: Promise<void>;
  close(): void;
}

/** The slice of Node's internal TCP handle the shared socket uses (`process.binding('tcp_wrap')`). */
export interface TcpHandle {
  readonly fd: number;
  bind(host: string, port: number): number;
  bind6(host: string, port: number, flags: number): number;
  open(fd: number): number;
  listen(backlog: number): number;
  getsockname(out: { address?: string; port?: number }): number;
  close(): void;
}

interface TcpBinding {
  TCP: new (type: number) => TcpHandle;
  constants: { SERVER: number };
}

/** Node's default listen backlog. */
const BACKLOG = 511;

/**
 * Run in a short-lived helper that inherits the socket as fd 3: it puts the socket into the
 * listening state and exits before its event loop ever polls, so it accepts nothing. The
 * socket stays listening in the master, which holds it without watching it.
 */
const LISTEN_HELPER = `const { TCP, constants } = process.binding('tcp_wrap');
const handle = new TCP(constants.SERVER);
let status = handle.open(3);
if (status === 0) status = handle.listen(${BACKLOG});
process.stdout.write(String(status));
process.exit(0);`;

/** Node's internal TCP binding; the only way to a socket that is bound but not accepted on. */
export function tcpBinding(): TcpBinding {
  try {
    return (process as unknown as { binding(name: string): TcpBinding }).binding('tcp_wrap');
  } catch (error) {
    throw new ClustrError('CLUSTR_SHARED_SOCKET', 'this Node.js build does not expose tcp_wrap, so a shared socket cannot be bound. Use Node.js 20 or later.', { cause: error });
  }
}

/** `host:port`, with an IPv6 host in brackets. */
export function endpoint(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Longest wait for the listen helper; it normally exits within tens of milliseconds. */
const HELPER_TIMEOUT_MS = 30_000;

/**
 * Binds a TCP socket and puts it into the listening state without ever accepting on it.
 * Node's public API only offers sockets that listen and accept, and a parent that accepts
 * on a socket it shares takes connections it never answers; the master holds this one
 * without watching it, so only workers accept, and the kernel queues connections from the
 * moment the socket listens, also while no worker is accepting.
 *
 * The bind happens here, synchronously, so a port another program listens on is an error of
 * this call: libuv sets SO_REUSEADDR, under which a bind fails (reported only through
 * getsockname) next to a listening socket. The listen happens in a helper process that
 * inherits the socket (see LISTEN_HELPER), in the background: a Node.js start costs about
 * 65 ms, which a synchronous helper added to every master's start. `listening` settles
 * when it is done; the master launches no child before (cluster-process.ts, launch gate).
 * A bind succeeds next to a socket that is bound but not listening yet (a second master
 * starting in the same instant): whichever listens first wins, and the other's `listening`
 * rejects. Sockets of this process in `held` that would clash with this one are refused
 * here, at once, for the same reason.
 */
export function bindSharedSocket(options: SharedSocketOptions, listen: (fd: number) => Promise<number> = listenInBackground, held: readonly SharedSocket[] = []): SharedSocket {
  const host = options.host ?? '127.0.0.1';
  const port = options.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `listen() port must be a whole number from 0 to 65535; got ${String(port)}.`, { field: 'port' });
  }
  const binding = tcpBinding();
  const handle = new binding.TCP(binding.constants.SERVER);
  const address: { address?: string; port?: number } = {};
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    handle.close();
  };
  const bound = isIPv6(host) ? handle.bind6(host, port, 0) : handle.bind(host, port);
  if (bound !== 0) failed(close, host, port, bound, 'bind');
  // libuv defers EADDRINUSE from bind() to listen(); getsockname() reports it now.
  const named = handle.getsockname(address);
  if (named !== 0) failed(close, host, port, named, 'bind');
  const clash = held.find((earlier) => earlier.port === address.port && clashes(earlier.address, address.address!));
  if (clash !== undefined) {
    close();
    throw new ClustrError('CLUSTR_SHARED_SOCKET', `could not bind ${endpoint(host, address.port!)} (EADDRINUSE). An earlier listen() of this master holds ${endpoint(clash.host, clash.port)}; listen once per port and address.`, { field: 'port' });
  }
  // A listen function that throws instead of rejecting is a rejection too.
  const listening = new Promise<number>((resolve) => resolve(listen(handle.fd))).then(
    (status) => {
      if (status !== 0) failed(close, host, address.port!, status, 'listen on');
    },
    (error: unknown) => {
      close();
      const why = error instanceof Error ? error.message : String(error);
      throw new ClustrError('CLUSTR_SHARED_SOCKET', `could not put ${endpoint(host, address.port!)} into the listening state: ${why}`, { field: 'port', cause: error });
    },
  );
  // Marked handled here: the caller decides what a failure means; a master that closed first does not care.
  listening.catch(() => undefined);
  return { fd: handle.fd, port: address.port!, host, address: address.address!, handle, listening, close };
}

/**
 * Whether two sockets bound to one port would compete for it once both listen (on Linux):
 * the same address, or a wildcard over the other (`::` takes IPv4 too, as Linux binds it
 * dual-stack unless `net.ipv6.bindv6only` is set).
 */
function clashes(first: string, second: string): boolean {
  const [a, b] = [unmapped(first), unmapped(second)];
  if (a === b || a === '::' || b === '::') return true;
  return (a === '0.0.0.0' && isIPv4(b)) || (b === '0.0.0.0' && isIPv4(a));
}

/** An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) as the IPv4 address it is. */
function unmapped(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** Throws the CLUSTR_SHARED_SOCKET error of a failed step, after closing the handle. */
function failed(close: () => void, host: string, port: number, status: number, step: string): never {
  close();
  const name = getSystemErrorName(status);
  const fix = name === 'EADDRINUSE' ? 'Another process (or an earlier listen()) uses this port; pick another or stop it.' : 'Check the host address.';
  throw new ClustrError('CLUSTR_SHARED_SOCKET', `could not ${step} ${endpoint(host, port)} (${name}). ${fix}`, { field: 'port' });
}

/**
 * Runs LISTEN_HELPER on descriptor `fd` in the background (nodePlatform's `listenShared`).
 * Resolves to listen()'s status: 0 once the socket listens, a negative system error number
 * when it could not. Rejects when the helper itself failed, saying how.
 */
export function listenInBackground(fd: number): Promise<number> {
  const failure = (why: string, cause?: unknown) => new Error(`the helper process (${process.execPath}) failed: ${why}.`, cause === undefined ? {} : { cause });
  return new Promise<number>((resolve, reject) => {
    let helper: ChildProcessByStdio<null, Readable, Readable>;
    try {
      helper = spawn(process.execPath, ['-e', LISTEN_HELPER], { stdio: ['ignore', 'pipe', 'pipe', fd], env: {}, timeout: HELPER_TIMEOUT_MS }) as ChildProcessByStdio<null, Readable, Readable>;
    } catch (error) {
      // Some failures (a descriptor that is not open: EBADF) are thrown by spawn() itself.
      reject(failure((error as Error).message, error));
      return;
    }
    let stdout = '';
    let stderr = '';
    let spawnError: Error | undefined;
    // First: others (EMFILE) come as an 'error' event, with no pipes (stdout and stderr null:
    // hence the optional calls, which the types do not ask for).
    helper.once('error', (error) => (spawnError = error));
    helper.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    helper.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    helper.once('close', (code) => {
      const status = Number(stdout);
      if (spawnError === undefined && code === 0 && stdout !== '' && Number.isInteger(status)) {
        resolve(status);
        return;
      }
      reject(failure(spawnError?.message ?? (stderr.trim() || (code === null ? 'it was killed' : `it exited with code ${code}`)), spawnError));
    });
  });
}

/**
 * Wraps the inherited descriptor `fd` in a TCP handle, once it is known to be a TCP socket
 * bound to a port: what the master shares. Anything else is refused with
 * CLUSTR_NO_SHARED_SOCKET — listening on an unbound socket would bind it to a random port on
 * every interface. `source` names where the descriptor came from, for the message.
 */
export function adoptSharedSocket(fd: number, source: string): TcpHandle {
  const refuse = (why: string, cause?: unknown): never => {
    throw new ClustrError(
      'CLUSTR_NO_SHARED_SOCKET',
      `serveHttp() was given fd ${fd} (${source}), which is not the master's shared socket: ${why}. Only a socket from master.listen({ port }), handed to the master's own children, can be served.`,
      { field: 'fd', ...(cause === undefined ? {} : { cause }) },
    );
  };
  // Checked before the descriptor is wrapped: a handle would own it, and it may be anything.
  let isSocket: boolean;
  try {
    isSocket = fstatSync(fd).isSocket();
  } catch (error) {
    return refuse('it is not open', error);
  }
  if (!isSocket) refuse('it is not a socket');
  const binding = tcpBinding();
  const handle = new binding.TCP(binding.constants.SERVER);
  const opened = handle.open(fd);
  if (opened !== 0) refuse(`it cannot be used as a TCP socket (${getSystemErrorName(opened)})`);
  const address: { port?: number } = {};
  const named = handle.getsockname(address);
  // The handle is left unclosed on purpose: closing it would close a descriptor this code does not own.
  if (named !== 0) refuse(`it is not a TCP socket (${getSystemErrorName(named)})`);
  if (!address.port) refuse('it is a TCP socket bound to no port');
  return handle;
}

/**
 * Accepts on the shared socket in this process (the master, for round-robin hand-off):
 * each connection, paused so none of its bytes is read here, goes to `onConnection`;
 * an error of the server (it could not listen) to `onError`.
 * Returns a function that stops accepting and closes the socket here (the master does
 * so last, once its workers are stopped).
 */
export function acceptConnections(socket: SharedSocket, onConnection: (connection: Socket) => void, onError: (error: Error) => void): () => void {
  const server = new Server({ pauseOnConnect: true }, onConnection);
  // Listening here may fail (another socket on the port listened first, while this one's helper
  // still ran): an 'error' event, which must never be an uncaught exception in the master.
  server.on('error', onError);
  server.listen(socket.handle as unknown as Parameters<Server['listen']>[0]);
  return () => {
    server.close();
  };
}
