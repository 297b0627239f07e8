// Requests waiting for their answer (process/pending.ts), on a hand clock: settled once, by the
// answer, a rejection or the timeout, and sent again after a reconnect.
import { ClustrError } from '@clustr/protocol/core';
import { PendingReplies, timeoutError } from '../../src/process/pending';
import { handClock, type HandClock } from './redis-stub';

let clock: HandClock;
let pending: PendingReplies<string>;
beforeEach(() => {
  clock = handClock(0);
  pending = new PendingReplies<string>(clock);
});

/** The state of a promise after the microtasks queued so far. */
async function state<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown } | 'waiting'> {
  let result: { value: T } | { error: unknown } | 'waiting' = 'waiting';
  promise.then(
    (value) => void (result = { value }),
    (error: unknown) => void (result = { error }),
  );
  await Promise.resolve();
  await Promise.resolve();
  return result;
}

function request(id: string, extra: { timeoutMs?: number; target?: number } = {}) {
  const sends: number[] = [];
  const timedOut = new ClustrError('CLUSTR_REQUEST_TIMEOUT', `no answer to ${id}`);
  const promise = pending.add(id, {
    timeoutMs: extra.timeoutMs ?? 1_000,
    send: () => void sends.push(clock.now()),
    timeoutError: () => timedOut,
    ...(extra.target === undefined ? {} : { target: extra.target }),
  });
  return { promise, sends, timedOut };
}

test('add sends the request at once and waits for it by id', async () => {
  const a = request('a');
  expect(a.sends).toEqual([0]);
  expect(pending.size).toBe(1);
  expect(pending.has('a')).toBe(true);
  expect(pending.has('b')).toBe(false);
  expect(await state(a.promise)).toBe('waiting');
});

test('the answer settles the request and stops its timer; a second answer finds nothing', async () => {
  const a = request('a');
  request('b');
  expect(pending.resolve('a', 'answer')).toBe(true);
  expect(await state(a.promise)).toEqual({ value: 'answer' });
  expect(pending.has('a')).toBe(false);
  expect(pending.size).toBe(1);
  expect(clock.pending).toBe(1);
  expect(pending.resolve('a', 'again')).toBe(false);
  expect(pending.reject('a', new Error('late'))).toBe(false);
  expect(pending.resolve('unknown', 'x')).toBe(false);
});

test('no answer within timeoutMs rejects with the timeout error, and a late answer finds nothing', async () => {
  const a = request('a', { timeoutMs: 500 });
  clock.advance(499);
  expect(await state(a.promise)).toBe('waiting');
  clock.advance(1);
  expect(await state(a.promise)).toEqual({ error: a.timedOut });
  expect(pending.has('a')).toBe(false);
  expect(pending.size).toBe(0);
  expect(pending.resolve('a', 'late')).toBe(false);
});

test('reject settles one request with the error given', async () => {
  const a = request('a');
  const b = request('b');
  const refused = new Error('refused');
  expect(pending.reject('a', refused)).toBe(true);
  expect(await state(a.promise)).toEqual({ error: refused });
  expect(await state(b.promise)).toBe('waiting');
  expect(clock.pending).toBe(1);
  // Its timer is gone with it: nothing fires later.
  clock.advance(5_000);
  expect(await state(a.promise)).toEqual({ error: refused });
});

test('rejectTarget rejects the requests waiting on that pid only, each with its own error, and counts them', async () => {
  const a = request('a', { target: 10 });
  const b = request('b', { target: 11 });
  const c = request('c', { target: 10 });
  const d = request('d');
  let made = 0;
  expect(pending.rejectTarget(10, () => new Error(`gone ${++made}`))).toBe(2);
  expect(await state(a.promise)).toEqual({ error: new Error('gone 1') });
  expect(await state(c.promise)).toEqual({ error: new Error('gone 2') });
  expect(await state(b.promise)).toBe('waiting');
  expect(await state(d.promise)).toBe('waiting');
  expect(pending.size).toBe(2);
  expect(pending.rejectTarget(10, () => new Error('again'))).toBe(0);
  expect(pending.rejectTarget(12, () => new Error('nobody'))).toBe(0);
});

test('resendAll sends every request still waiting once more', () => {
  const a = request('a');
  const b = request('b');
  const c = request('c');
  pending.resolve('b', 'done');
  clock.advance(100);
  pending.resendAll();
  expect(a.sends).toEqual([0, 100]);
  expect(b.sends).toEqual([0]);
  expect(c.sends).toEqual([0, 100]);
});

test('rejectAll rejects every request, each with an error of its own, and stops every timer', async () => {
  const a = request('a');
  const b = request('b');
  const errors: Error[] = [];
  pending.rejectAll(() => {
    const error = new ClustrError('CLUSTR_CLOSED', 'closed');
    errors.push(error);
    return error;
  });
  expect(errors).toHaveLength(2);
  expect(await state(a.promise)).toEqual({ error: errors[0] });
  expect(await state(b.promise)).toEqual({ error: errors[1] });
  expect(pending.size).toBe(0);
  expect(clock.pending).toBe(0);
});

describe('timeoutError', () => {
  const fallback = () => new ClustrError('CLUSTR_REQUEST_TIMEOUT', 'no answer within 5000 ms');

  test('with Redis up the whole time, the caller’s own timeout error', () => {
    expect(timeoutError(false, 'redis://h:1', fallback)).toMatchObject({ code: 'CLUSTR_REQUEST_TIMEOUT', message: 'no answer within 5000 ms' });
  });

  test('with Redis away meanwhile, CLUSTR_REDIS_UNAVAILABLE naming where Redis is and saying to retry', () => {
    const error = timeoutError(true, 'redis://app:***@h:1', fallback);
    expect(error).toBeInstanceOf(ClustrError);
    expect(error).toMatchObject({
      code: 'CLUSTR_REDIS_UNAVAILABLE',
      message: 'no answer: Redis at redis://app:***@h:1 was unreachable while the request waited. It is answered once Redis is back; retry then.',
    });
  });
});
