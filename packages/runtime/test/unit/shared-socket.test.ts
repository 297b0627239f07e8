// The shared socket's parts on their own: the background listen helper on real descriptors, and
// what bindSharedSocket makes of each answer a listen function can give.
import { closeSync, openSync } from 'node:fs';
import { createConnection } from 'node:net';
import { getSystemErrorName } from 'node:util';
import { isClustrError } from '@clustr/protocol/core';
import { bindSharedSocket, listenInBackground, tcpBinding } from '../../src/net/shared-socket';

/** Connects to 127.0.0.1:port: true when something listens there. */
function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('listenInBackground', () => {
  test('puts a bound socket into the listening state (status 0) without accepting on it', async () => {
    const { TCP, constants } = tcpBinding();
    const handle = new TCP(constants.SERVER);
    expect(handle.bind('127.0.0.1', 0)).toBe(0);
    const address: { port?: number } = {};
    handle.getsockname(address);
    try {
      expect(await connects(address.port!)).toBe(false);
      expect(await listenInBackground(handle.fd)).toBe(0);
      expect(await connects(address.port!)).toBe(true);
    } finally {
      handle.close();
    }
  });

  test("a descriptor that is not a socket comes back as listen's system error", async () => {
    const fd = openSync(__filename, 'r');
    try {
      const status = await listenInBackground(fd);
      expect(status).toBeLessThan(0);
      expect(getSystemErrorName(status)).toMatch(/^(ENOTSOCK|EINVAL|EBADF)$/);
    } finally {
      closeSync(fd);
    }
  });

  test('a helper that cannot start rejects with CLUSTR_SHARED_SOCKET naming what failed', async () => {
    // A descriptor number far above any this process has open: the helper cannot be given it.
    const fd = 4000;
    const outcome = await listenInBackground(fd).then(
      (status) => status,
      (error: unknown) => error,
    );
    expect(isClustrError(outcome, 'CLUSTR_SHARED_SOCKET')).toBe(true);
    expect((outcome as Error).message).toContain(`could not put the shared socket (fd ${fd}) into the listening state: the helper process (${process.execPath}) failed: `);
  });
});

describe('bindSharedSocket', () => {
  test('resolves listening once the listen function says 0, and is bound before', async () => {
    let answer: (status: number) => void = () => undefined;
    const socket = bindSharedSocket({ port: 0 }, () => new Promise((resolve) => (answer = resolve)));
    try {
      expect(socket.host).toBe('127.0.0.1');
      expect(socket.port).toBeGreaterThan(0);
      expect(socket.fd).toBe(socket.handle.fd);
      let settled = false;
      void socket.listening.then(() => (settled = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(settled).toBe(false);
      answer(0);
      await socket.listening;
    } finally {
      socket.close();
    }
    // Closed: the handle has no descriptor left to name.
    expect(socket.handle.getsockname({})).not.toBe(0);
  });

  test('a listen status that is an error rejects listening with CLUSTR_SHARED_SOCKET naming host, port and error, and closes the socket', async () => {
    const EADDRINUSE = -98;
    const socket = bindSharedSocket({ port: 0, host: '127.0.0.1' }, () => Promise.resolve(EADDRINUSE));
    const outcome = await socket.listening.then(
      () => 'listened',
      (error: unknown) => error,
    );
    expect(outcome).toMatchObject({
      code: 'CLUSTR_SHARED_SOCKET',
      field: 'port',
      message: `could not listen on 127.0.0.1:${socket.port} (${getSystemErrorName(EADDRINUSE)}). Another process (or an earlier listen()) uses this port; pick another or stop it.`,
    });
    // Closed: the handle has no descriptor left to name.
    expect(socket.handle.getsockname({})).not.toBe(0);
  });

  test('a listen function that fails rejects listening with its error and closes the socket', async () => {
    const failure = new Error('no helper');
    const socket = bindSharedSocket({ port: 0 }, () => Promise.reject(failure));
    await expect(socket.listening).rejects.toBe(failure);
    expect(socket.handle.getsockname({})).not.toBe(0);
  });

  test('a failure nobody waits for is never an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      bindSharedSocket({ port: 0 }, () => Promise.resolve(-98));
      bindSharedSocket({ port: 0 }, () => Promise.reject(new Error('no helper')));
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
