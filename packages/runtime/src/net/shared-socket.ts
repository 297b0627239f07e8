import { isIPv6 } from 'node:net';
import { getSystemErrorName } from 'node:util';
import { ClustrError } from '@clustr/protocol/core';

export interface SharedSocketOptions {
  /** TCP port to bind; `0` picks a free one. Required. */
  port: number;
  /** Address to bind. Default `"127.0.0.1"`. */
  host?: string;
}

export interface SharedSocket {
  readonly fd: number;
  readonly port: number;
  readonly host: string;
  close(): void;
}

interface TcpHandle {
  readonly fd: number;
  bind(host: string, port: number): number;
  bind6(host: string, port: number, flags: number): number;
  getsockname(out: { port?: number }): number;
  close(): void;
}

interface TcpBinding {
  TCP: new (type: number) => TcpHandle;
  constants: { SERVER: number };
}

/**
 * Binds a TCP socket without listening on it. Node's public API only offers
 * sockets that listen and accept, and a parent that accepts on a socket it
 * shares takes connections it never answers. A bound socket is put into the
 * listening state by the first worker that listens on it, is accepted on only
 * by workers, and keeps queueing connections while no worker is accepting —
 * the same arrangement Node's cluster module uses internally.
 */
export function bindSharedSocket(options: SharedSocketOptions): SharedSocket {
  const host = options.host ?? '127.0.0.1';
  const port = options.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `listen() port must be a whole number from 0 to 65535; got ${String(port)}.`, { field: 'port' });
  }
  let binding: TcpBinding;
  try {
    binding = (process as unknown as { binding(name: string): TcpBinding }).binding('tcp_wrap');
  } catch (error) {
    throw new ClustrError('CLUSTR_SHARED_SOCKET', 'this Node.js build does not expose tcp_wrap, so a shared socket cannot be bound. Use Node.js 20 or later.', { cause: error });
  }
  const handle = new binding.TCP(binding.constants.SERVER);
  const status = isIPv6(host) ? handle.bind6(host, port, 0) : handle.bind(host, port);
  if (status !== 0) {
    handle.close();
    const name = getSystemErrorName(status);
    throw new ClustrError('CLUSTR_SHARED_SOCKET', `could not bind ${host}:${port} (${name}). ${name === 'EADDRINUSE' ? 'Another process uses this port; pick another or stop it.' : 'Check the host address.'}`, {
      field: 'port',
    });
  }
  const address: { port?: number } = {};
  handle.getsockname(address);
  let closed = false;
  return {
    fd: handle.fd,
    port: address.port ?? port,
    host,
    close() {
      if (closed) return;
      closed = true;
      handle.close();
    },
  };
}
