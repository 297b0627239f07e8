// The contract of every public method that returns a promise (docs/runtime.md, "Errors"): it never
// throws at the call. A bad argument, a stopped process or a refused frame rejects the promise with
// a coded ClustrError that names the field, so `.catch()` and `await` in a try block both see it.
import { ClustrError } from '@clustr/protocol';
import { Type } from '@sinclair/typebox';
import type { Master, Worker } from '@clustr/runtime';
import { startCluster } from './helpers';

interface Case {
  name: string;
  call: (p: { master: Master; worker: Worker }) => Promise<unknown>;
  code: string;
  field?: string;
  /** What the message must show (a string argument is shown as a string). */
  message?: RegExp;
}

const any = (value: unknown) => value as never;

const CASES: Case[] = [
  { name: 'emitPublic(undefined)', call: ({ worker }) => worker.emitPublic(any(undefined)), code: 'CLUSTR_INVALID_DATA', field: '/data' },
  { name: 'emitPublic with data the schema refuses', call: ({ worker }) => worker.emitPublic(any({ text: 1 })), code: 'CLUSTR_INVALID_DATA', field: '/data/text' },
  { name: 'emitPrivate to a pid that is a string', call: ({ worker }) => worker.emitPrivate(any('12'), 'x'), code: 'CLUSTR_INVALID_ARGUMENT', field: 'pid' },
  { name: 'emitGroup to a group that is a number', call: ({ worker }) => worker.emitGroup(any(5), 'x'), code: 'CLUSTR_INVALID_NAME', field: 'group' },
  { name: 'emitAny to an empty group name', call: ({ worker }) => worker.emitAny('', 'x'), code: 'CLUSTR_INVALID_NAME', field: 'group' },
  { name: 'emitKill of pid 0', call: ({ worker }) => worker.emitKill(0), code: 'CLUSTR_INVALID_ARGUMENT', field: 'pid' },
  { name: 'emitKill with an exit code of 256', call: ({ worker, master }) => worker.emitKill(master.pid, 256), code: 'CLUSTR_INVALID_ARGUMENT', field: 'exitCode' },
  { name: 'emitConfirmation of a number', call: ({ worker }) => worker.emitConfirmation(any(7)), code: 'CLUSTR_INVALID_ARGUMENT', field: 'identifier' },
  { name: 'emit of an unknown kind', call: ({ worker }) => (worker.emit as (...args: unknown[]) => Promise<number>)('broadcast', 'x'), code: 'CLUSTR_INVALID_ARGUMENT', field: 'kind' },
  { name: 'fetchClusterInfo with a negative timeout', call: ({ worker }) => worker.fetchClusterInfo(-1), code: 'CLUSTR_INVALID_OPTION', field: 'timeoutMs' },
  { name: 'request to a target that is neither a pid nor { group }', call: ({ worker }) => worker.request(any('jobs'), 'x'), code: 'CLUSTR_INVALID_ARGUMENT', field: 'target' },
  { name: 'close with an exit code of 1.5', call: ({ worker }) => worker.close(1.5), code: 'CLUSTR_INVALID_ARGUMENT', field: 'exitCode' },
  { name: 'close with an exit code of 256', call: ({ worker }) => worker.close(256), code: 'CLUSTR_INVALID_ARGUMENT', field: 'exitCode' },
  { name: 'emitKill with an exit code of the string "2"', call: ({ worker, master }) => worker.emitKill(master.pid, any('2')), code: 'CLUSTR_INVALID_ARGUMENT', field: 'exitCode', message: /the string "2"/ },
  { name: 'request with a timeout of the string "500"', call: ({ worker, master }) => worker.request(master.pid, 'x', any({ timeout: '500' })), code: 'CLUSTR_INVALID_OPTION', field: 'options.timeout', message: /the string "500"/ },
];

/** The call's outcome; fails the test when it throws instead of returning a promise. */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  let promise: Promise<unknown>;
  try {
    promise = call();
  } catch (error) {
    throw new Error(`threw at the call instead of rejecting: ${String(error)}`);
  }
  expect(promise).toBeInstanceOf(Promise);
  return promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
}

describe('a bad argument rejects the promise (never a throw at the call) with a coded ClustrError naming the field', () => {
  test.each(CASES)('$name', async ({ call, code, field, message }) => {
    const c = await startCluster({ groups: ['web'], worker: { messages: { public: Type.Object({ text: Type.String() }) } } });
    const worker = c.workers[0]!;
    const error = await outcome(() => call({ master: c.master, worker }));
    expect(error).toBeInstanceOf(ClustrError);
    expect(error).toMatchObject({ code, ...(field === undefined ? {} : { field }) });
    // The message says what was wrong in words, not only the code.
    expect((error as Error).message.length).toBeGreaterThan(20);
    if (message !== undefined) expect((error as Error).message).toMatch(message);
    // Nothing was sent for it, and the process still runs.
    expect(worker.stats).toMatchObject({ emitPublic: 0, emitPrivate: 0, emitGroup: 0, emitKill: 0, emitConfirmation: 0 });
    expect(worker.status).toBe('running');
    await c.cluster.close();
  });
});

describe('after close(), every promise method rejects with CLUSTR_CLOSED', () => {
  const closedCalls: Array<[string, (p: { master: Master; worker: Worker }) => Promise<unknown>]> = [
    ['emitPublic', ({ worker }) => worker.emitPublic({ text: 'late' } as never)],
    ['emitPrivate', ({ worker, master }) => worker.emitPrivate(master.pid, 'late')],
    ['emitGroup', ({ worker }) => worker.emitGroup('web', 'late')],
    ['emitAny', ({ worker }) => worker.emitAny('web', 'late')],
    ['emitKill', ({ worker, master }) => worker.emitKill(master.pid)],
    ['emitConfirmation', ({ worker }) => worker.emitConfirmation('late')],
    ['emitReady', ({ worker }) => worker.emitReady()],
    ['fetchClusterInfo', ({ worker }) => worker.fetchClusterInfo()],
    ['request', ({ worker, master }) => worker.request(master.pid, 'late')],
  ];
  test.each(closedCalls)('%s', async (_name, call) => {
    const c = await startCluster({ groups: ['web'] });
    const worker = c.workers[0]!;
    await worker.close(0);
    const error = await outcome(() => call({ master: c.master, worker }));
    expect(error).toBeInstanceOf(ClustrError);
    expect(error).toMatchObject({ code: 'CLUSTR_CLOSED' });
    await c.cluster.close();
  });

  test('master.reload()', async () => {
    const c = await startCluster({ groups: ['web'] });
    await c.master.close(0);
    const error = await outcome(() => c.master.reload());
    expect(error).toMatchObject({ code: 'CLUSTR_CLOSED' });
    await c.cluster.close();
  });
});
