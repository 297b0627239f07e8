// The shared socket's parts on their own: the background listen helper on real descriptors, and
// what bindSharedSocket makes of each answer a listen function can give.
import { closeSync, openSync } from 'node:fs';
import { createConnection } from 'node:net';
import { getSystemErrorName } from 'node:util';
import { acceptConnections, bindSharedSocket, listenInBackground, tcpBinding } from '../../src/net/shared-socket';

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

  test('a helper that cannot start rejects, saying what failed', async () => {
    // A descriptor number far above any this process has open: the helper cannot be given it.
    const outcome = await listenInBackground(4000).then(
      (status) => status,
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toBe(`the helper process (${process.execPath}) failed: spawn EBADF.`);
    expect((outcome as Error).cause).toMatchObject({ code: 'EBADF' });
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

  test.each([
    ['rejects', () => Promise.reject(new Error('no helper'))],
    ['throws', () => {
      throw new Error('no helper');
    }],
  ])('a listen function that %s rejects listening with CLUSTR_SHARED_SOCKET naming host, port and why, and closes the socket', async (_how, listen) => {
    const socket = bindSharedSocket({ port: 0 }, listen as () => Promise<number>);
    const outcome = await socket.listening.then(
      () => 'listened',
      (error: unknown) => error,
    );
    expect(outcome).toMatchObject({ code: 'CLUSTR_SHARED_SOCKET', field: 'port', message: `could not put 127.0.0.1:${socket.port} into the listening state: no helper` });
    expect((outcome as Error).cause).toMatchObject({ message: 'no helper' });
    expect(socket.handle.getsockname({})).not.toBe(0);
  });

  describe('sockets this process holds already', () => {
    const never = () => new Promise<number>(() => undefined);
    test.each([
      ['the same address', '127.0.0.1', '127.0.0.1', true],
      ['the same address, spelt another way', '::1', '0:0:0:0:0:0:0:1', true],
      ['under the IPv4 wildcard', '0.0.0.0', '127.0.0.1', true],
      ['over an IPv4 address, as the wildcard', '127.0.0.1', '0.0.0.0', true],
      ['under the IPv6 wildcard (dual-stack)', '::', '127.0.0.1', true],
      ['another address', '127.0.0.1', '127.0.0.2', false],
      ['the IPv4 wildcard and an IPv6 address', '0.0.0.0', '::1', false],
      ['an IPv4-mapped IPv6 address and the IPv4 address it maps', '127.0.0.1', '::ffff:127.0.0.1', true],
      ['the IPv4 wildcard and an IPv4-mapped address', '0.0.0.0', '::ffff:127.0.0.1', true],
    ] as const)('%s: %s then %s on one port clashes: %s', (_what, first, second, clash) => {
      const held = bindSharedSocket({ port: 0, host: first }, never);
      let other: ReturnType<typeof bindSharedSocket> | undefined;
      try {
        const attempt = () => (other = bindSharedSocket({ port: held.port, host: second }, never, [held]));
        if (clash) {
          expect(attempt).toThrow(
            `could not bind ${second.includes(':') ? `[${second}]` : second}:${held.port} (EADDRINUSE). An earlier listen() of this master holds ${first.includes(':') ? `[${first}]` : first}:${held.port}; listen once per port and address.`,
          );
        } else {
          expect(attempt).not.toThrow();
          expect(other!.port).toBe(held.port);
        }
      } finally {
        other?.close();
        held.close();
      }
    });

    test('a listen function that throws something other than an Error is named as it is', async () => {
      const socket = bindSharedSocket({ port: 0 }, () => Promise.reject('gone'));
      await expect(socket.listening).rejects.toMatchObject({ message: `could not put 127.0.0.1:${socket.port} into the listening state: gone` });
    });

    test('another port on the same address does not clash', () => {
      const held = bindSharedSocket({ port: 0 }, never);
      const other = bindSharedSocket({ port: 0 }, never, [held]);
      expect(other.port).not.toBe(held.port);
      other.close();
      held.close();
    });
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

describe('acceptConnections', () => {
  test('a server that cannot listen (another socket on the port listened first) reports to onError, never as an uncaught error', async () => {
    const socket = bindSharedSocket({ port: 0 }, () => new Promise<number>(() => undefined));
    const { TCP, constants } = tcpBinding();
    const rival = new TCP(constants.SERVER);
    try {
      expect(rival.bind('127.0.0.1', socket.port)).toBe(0);
      expect(rival.listen(511)).toBe(0);
      const failed = new Promise<Error>((resolve) => {
        const stop = acceptConnections(socket, () => undefined, (error) => {
          stop();
          resolve(error);
        });
      });
      expect(await failed).toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      rival.close();
      socket.close();
    }
  });
});
