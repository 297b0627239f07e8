// The signing keys of a process (process/keyring.ts): replaced while it runs, handed to
// children in the environment, and never shown in a log or an error.
import { inspect } from 'node:util';
import { ClustrError, createSigner } from '@clustr/protocol/core';
import { KeyRing, SECRET_ENV, invalidSecretArgument } from '../../src/process/keyring';
import { thrownClustrError } from './probes';

const KEY_A = 'key-A-0123456789abcdef';
const KEY_B = 'key-B-0123456789abcdef';
const KEY_C = 'key-C-0123456789abcdef';
const CHANNEL = 'ns:public';
const TEXT = '{"v":2,"kind":"public","data":1}';

describe('KeyRing', () => {
  test('signs with its key, as the protocol signer does, and verifies what it signed', () => {
    const ring = new KeyRing(KEY_A, 'secret');
    expect(ring.keys).toBe(1);
    const signed = ring.sign(CHANNEL, TEXT);
    expect(signed).toBe(createSigner(KEY_A).sign(CHANNEL, TEXT));
    expect(ring.verify(CHANNEL, signed)).toEqual({ ok: true, key: 0 });
    expect(ring.verify('ns:other', signed)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('with a list, the first key signs and every key verifies', () => {
    const ring = new KeyRing([KEY_B, KEY_A], 'secret');
    expect(ring.keys).toBe(2);
    expect(ring.sign(CHANNEL, TEXT)).toBe(createSigner(KEY_B).sign(CHANNEL, TEXT));
    expect(ring.verify(CHANNEL, createSigner(KEY_A).sign(CHANNEL, TEXT))).toEqual({ ok: true, key: 1 });
  });

  test('a missing or short secret is refused naming the field, the secret never shown', () => {
    expect(thrownClustrError(() => new KeyRing('short', 'master.secret'))).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'master.secret' });
    expect(thrownClustrError(() => new KeyRing([], 'master.secret'))).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'master.secret' });
    const error = thrownClustrError(() => new KeyRing([KEY_A, 'tiny-secret'], 'secret'));
    expect(error).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'secret[1]' });
    expect(error.message).not.toContain('tiny-secret');
  });

  test('replace: the new first key signs from the next frame on; the old keys verify only if listed', () => {
    const ring = new KeyRing(KEY_A, 'secret');
    const before = ring.sign(CHANNEL, TEXT);
    ring.replace([KEY_B, KEY_A], 'setSecret()');
    expect(ring.keys).toBe(2);
    expect(ring.sign(CHANNEL, TEXT)).toBe(createSigner(KEY_B).sign(CHANNEL, TEXT));
    expect(ring.verify(CHANNEL, before)).toEqual({ ok: true, key: 1 });
    ring.replace(KEY_C, 'setSecret()');
    expect(ring.keys).toBe(1);
    expect(ring.verify(CHANNEL, before)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(ring.childEnv()).toEqual({ [SECRET_ENV]: KEY_C });
  });

  test('a bad replacement is refused naming its field and leaves the old keys in place', () => {
    const ring = new KeyRing([KEY_A, KEY_B], 'secret');
    expect(thrownClustrError(() => ring.replace([KEY_C, 'short'], 'setSecret()'))).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'setSecret()[1]' });
    expect(ring.keys).toBe(2);
    expect(ring.sign(CHANNEL, TEXT)).toBe(createSigner(KEY_A).sign(CHANNEL, TEXT));
    expect(ring.childEnv()).toEqual({ CLUSTR_SECRET: JSON.stringify([KEY_A, KEY_B]) });
  });

  test('children get the keys in CLUSTR_SECRET: one key as it is, a list as JSON in the same order', () => {
    expect(SECRET_ENV).toBe('CLUSTR_SECRET');
    expect(new KeyRing(KEY_A, 'secret').childEnv()).toEqual({ CLUSTR_SECRET: KEY_A });
    expect(new KeyRing([KEY_B, KEY_A], 'secret').childEnv()).toEqual({ CLUSTR_SECRET: `["${KEY_B}","${KEY_A}"]` });
    const ring = new KeyRing(KEY_A, 'secret');
    ring.replace([KEY_C, KEY_A], 'setSecret()');
    expect(ring.childEnv()).toEqual({ CLUSTR_SECRET: JSON.stringify([KEY_C, KEY_A]) });
  });

  test('keeps its own copy of a list: changing the caller’s array afterwards changes nothing', () => {
    const keys = [KEY_A, KEY_B];
    const ring = new KeyRing(keys, 'secret');
    keys.push(KEY_C);
    expect(ring.childEnv()).toEqual({ CLUSTR_SECRET: JSON.stringify([KEY_A, KEY_B]) });
    const next = [KEY_C];
    ring.replace(next, 'setSecret()');
    next[0] = KEY_A;
    expect(ring.childEnv()).toEqual({ CLUSTR_SECRET: JSON.stringify([KEY_C]) });
  });

  test('JSON and util.inspect show how many keys, never a key', () => {
    const ring = new KeyRing([KEY_A, KEY_B], 'secret');
    expect(JSON.stringify({ ring })).toBe('{"ring":{"keys":2}}');
    expect(inspect(ring)).toBe('KeyRing { keys: 2 }');
    expect(inspect({ ring }, { depth: 5 })).not.toContain(KEY_A);
  });
});

describe('invalidSecretArgument', () => {
  test('an invalid secret passed to a method is CLUSTR_INVALID_ARGUMENT, same message and field, the original as cause', () => {
    const original = new ClustrError('CLUSTR_INVALID_OPTION', 'setSecret()[1] must be a string of at least 16 bytes.', { field: 'setSecret()[1]' });
    const wrapped = invalidSecretArgument(original);
    expect(wrapped).toBeInstanceOf(ClustrError);
    expect(wrapped).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', message: original.message, field: 'setSecret()[1]', cause: original });
  });

  test('without a field, none is made up', () => {
    const original = new ClustrError('CLUSTR_INVALID_OPTION', 'no good');
    const wrapped = invalidSecretArgument(original) as ClustrError;
    expect(wrapped).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', message: 'no good', cause: original });
    expect(wrapped.field).toBeUndefined();
  });

  test('any other error is passed on as it is', () => {
    const other = new ClustrError('CLUSTR_CLOSED', 'closed');
    expect(invalidSecretArgument(other)).toBe(other);
    const plain = new TypeError('x');
    expect(invalidSecretArgument(plain)).toBe(plain);
  });
});
