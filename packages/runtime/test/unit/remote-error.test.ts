// How a failed request travels (process/remote-error.ts): what a handler threw as the reply's
// `error`, clipped to the lengths the reply schema allows, and the caller's error made of it.
import { ClustrError } from '@clustr/protocol/core';
import { ClustrRemoteError, REFUSALS, REROUTABLE, refusal, thrownToWire, wireToError } from '../../src/process/remote-error';

describe('thrownToWire', () => {
  test('an Error: its message, and its name as the code', () => {
    expect(thrownToWire(new TypeError('bad input'), false)).toEqual({ code: 'TypeError', message: 'bad input' });
    expect(thrownToWire(new Error('boom'), false)).toEqual({ code: 'Error', message: 'boom' });
  });

  test('a string code of its own wins over the name', () => {
    expect(thrownToWire(Object.assign(new Error('gone'), { code: 'ENOENT' }), false)).toEqual({ code: 'ENOENT', message: 'gone' });
  });

  test('an empty or non-string code is ignored: the name is sent', () => {
    expect(thrownToWire(Object.assign(new RangeError('r'), { code: '' }), false)).toEqual({ code: 'RangeError', message: 'r' });
    expect(thrownToWire(Object.assign(new RangeError('r'), { code: 42 }), false)).toEqual({ code: 'RangeError', message: 'r' });
  });

  test('an Error whose name is empty is sent as code Error', () => {
    const error = new Error('nameless');
    error.name = '';
    expect(thrownToWire(error, false)).toEqual({ code: 'Error', message: 'nameless' });
  });

  test('what is not an Error: its text as the message, code Error (or its own string code)', () => {
    expect(thrownToWire('plain text', false)).toEqual({ code: 'Error', message: 'plain text' });
    expect(thrownToWire(7, false)).toEqual({ code: 'Error', message: '7' });
    expect(thrownToWire(null, false)).toEqual({ code: 'Error', message: 'null' });
    expect(thrownToWire(undefined, false)).toEqual({ code: 'Error', message: 'undefined' });
    expect(thrownToWire({ code: 'E_QUOTA', message: 'not used' }, false)).toEqual({ code: 'E_QUOTA', message: '[object Object]' });
  });

  test.each([...REFUSALS, 'CLUSTR_INVALID_REPLY'])('a handler that throws code %s is sent as CLUSTR_REMOTE_ERROR, the code kept in the message', (code) => {
    // Otherwise the caller would take a handler that failed half-way for one that never ran.
    expect(thrownToWire(Object.assign(new Error('half-way'), { code }), false)).toEqual({ code: 'CLUSTR_REMOTE_ERROR', message: `${code}: half-way` });
  });

  test('other clustr codes a handler throws are kept', () => {
    expect(thrownToWire(new ClustrError('CLUSTR_REQUEST_TIMEOUT', 'slow'), false)).toEqual({ code: 'CLUSTR_REQUEST_TIMEOUT', message: 'slow' });
  });

  test('the stack travels only when asked for, and only an Error has one', () => {
    const error = new Error('with stack');
    expect(thrownToWire(error, false)).not.toHaveProperty('stack');
    expect(thrownToWire(error, true)).toEqual({ code: 'Error', message: 'with stack', stack: error.stack });
    expect(thrownToWire({ stack: 'not an Error' }, true)).not.toHaveProperty('stack');
    const stackless = new Error('no stack');
    delete stackless.stack;
    expect(thrownToWire(stackless, true)).not.toHaveProperty('stack');
  });

  test('code, message and stack are clipped to what the reply schema allows, the cut marked with …', () => {
    const at = (n: number, c: string): string => c.repeat(n);
    expect(thrownToWire(Object.assign(new Error(at(4096, 'm')), { code: at(64, 'C') }), false)).toEqual({ code: at(64, 'C'), message: at(4096, 'm') });
    const long = Object.assign(new Error(at(5000, 'm')), { code: at(65, 'C') });
    long.stack = at(20000, 's');
    const wire = thrownToWire(long, true);
    expect(wire.code).toBe(`${at(63, 'C')}…`);
    expect(wire.message).toBe(`${at(4095, 'm')}…`);
    expect(wire.stack).toBe(`${at(16383, 's')}…`);
    const edge = new Error('x');
    edge.stack = at(16384, 's');
    expect(thrownToWire(edge, true).stack).toBe(edge.stack);
  });
});

describe('refusal', () => {
  test('is the code and the message, clipped like a thrown one', () => {
    expect(refusal('CLUSTR_NO_HANDLER', 'no handler for "resize"')).toEqual({ code: 'CLUSTR_NO_HANDLER', message: 'no handler for "resize"' });
    expect(refusal('CLUSTR_INVALID_DATA', 'd'.repeat(4097)).message).toBe(`${'d'.repeat(4095)}…`);
  });

  test('only CLUSTR_CLOSED and CLUSTR_NO_MEMBER may go to another member: the others mean the request itself is refused', () => {
    expect([...REROUTABLE].sort()).toEqual(['CLUSTR_CLOSED', 'CLUSTR_NO_MEMBER']);
  });
});

describe('wireToError', () => {
  const remote = (code: string, stack?: string) => (stack === undefined ? { code, message: 'the reason' } : { code, message: 'the reason', stack });

  test.each([
    ['CLUSTR_NO_HANDLER', 'request "resize": pid 42 has no onRequest handler for it (the reason).'],
    ['CLUSTR_INVALID_DATA', 'request "resize": pid 42 refused the body: the reason. Send what its request schema allows.'],
    ['CLUSTR_INVALID_REPLY', 'request "resize": the handler on pid 42 returned a reply its own schema refuses: the reason.'],
  ])('%s keeps its code and says what went wrong where', (code, message) => {
    const error = wireToError(remote(code), 42, 'request "resize"');
    expect(error).toBeInstanceOf(ClustrRemoteError);
    expect(error).toBeInstanceOf(ClustrError);
    expect(error).toMatchObject({ name: 'ClustrRemoteError', code, message, remotePid: 42, remoteCode: code, remoteStack: undefined });
  });

  test('anything else is CLUSTR_REMOTE_ERROR, the remote code and stack kept', () => {
    const error = wireToError(remote('TypeError', 'TypeError: the reason\n    at handler'), 7, 'request "resize"');
    expect(error).toMatchObject({
      name: 'ClustrRemoteError',
      code: 'CLUSTR_REMOTE_ERROR',
      message: 'request "resize": the handler on pid 7 failed: the reason',
      remotePid: 7,
      remoteCode: 'TypeError',
      remoteStack: 'TypeError: the reason\n    at handler',
    });
  });
});
