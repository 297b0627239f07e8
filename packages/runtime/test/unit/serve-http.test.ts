// serveHttp's options, checked before it touches a socket.
import { createTestCluster } from '@clustr/testkit';
import { isClustrError, serveHttp, type WorkerOptions } from '@clustr/runtime';

async function outcome(worker: WorkerOptions, drainTimeout: number | undefined): Promise<unknown> {
  const cluster = createTestCluster({ clock: 'manual' });
  const w = cluster.createWorker(worker);
  await cluster.settle();
  try {
    return await serveHttp(w, () => undefined, drainTimeout === undefined ? {} : { drainTimeout }).catch((error: unknown) => error);
  } finally {
    await cluster.close();
  }
}

test('a drainTimeout longer than killTimeout is refused with CLUSTR_INVALID_OPTION: the kill timeout would cut the drain short', async () => {
  const error = await outcome({ group: 'web', killTimeout: 5_000 }, 8_000);
  expect(isClustrError(error, 'CLUSTR_INVALID_OPTION')).toBe(true);
  expect(error).toMatchObject({ field: 'drainTimeout' });
  expect((error as Error).message).toContain('8000');
  expect((error as Error).message).toContain('killTimeout (5000)');
  // The default killTimeout is 10 s.
  expect(await outcome({ group: 'web' }, 10_001)).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'drainTimeout' });
});

test.each([
  ['equal to killTimeout', { group: 'web', killTimeout: 5_000 }, 5_000],
  ['with killTimeout: false', { group: 'web', killTimeout: false }, 600_000],
  ['left to its default with a short killTimeout', { group: 'web', killTimeout: 1_000 }, undefined],
] as const)('a drainTimeout %s is accepted (the next check, for the socket, is what fails here)', async (_label, worker, drainTimeout) => {
  expect(await outcome(worker, drainTimeout)).toMatchObject({ code: 'CLUSTR_NO_SHARED_SOCKET' });
});

test('a drainTimeout that is not a whole number of milliseconds is refused', async () => {
  expect(await outcome({ group: 'web' }, -1)).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'drainTimeout' });
});

test('an unknown serveHttp() option is refused with CLUSTR_UNKNOWN_OPTION, naming the nearest known one, before any socket is touched', async () => {
  const cluster = createTestCluster({ clock: 'manual' });
  const w = cluster.createWorker({ group: 'web' });
  await cluster.settle();
  try {
    const error = await serveHttp(w, () => undefined, { drainTimout: 5 } as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CLUSTR_UNKNOWN_OPTION', field: 'serveHttp().drainTimout' });
    expect((error as Error).message).toContain('Did you mean "serveHttp().drainTimeout"?');
  } finally {
    await cluster.close();
  }
});

test('an unknown master.listen() option is refused with CLUSTR_UNKNOWN_OPTION before anything is bound', async () => {
  const cluster = createTestCluster({ clock: 'manual' });
  const master = cluster.createMaster();
  await cluster.settle();
  try {
    let error: unknown;
    try {
      master.listen({ prot: 0 } as never);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'CLUSTR_UNKNOWN_OPTION', field: 'listen().prot' });
    expect((error as Error).message).toContain('Did you mean "listen().port"?');
  } finally {
    await cluster.close();
  }
});
