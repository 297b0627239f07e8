import { spawnSync } from 'node:child_process';
import type * as nodeCrypto from 'node:crypto';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ClustrError, DEFAULT_REPLAY_WINDOW_MS, MIN_SECRET_BYTES, createCodec, createSigner, decode, isFresh, type Frame } from '../../src';

const SECRET = 'correct horse battery staple';
const OLD = 'the previous cluster secret';
const CHANNEL = 'shop:private:4242';
const NOW = 1_764_300_000_000;
const FRAME: Frame = { v: 2, kind: 'kill', id: 'k.1', meta: { pid: 1, group: 'master', instance: 'm4st3r' }, seq: 7, ts: NOW, data: { pid: 4242, code: 0 } };
const TEXT = createCodec().encode(FRAME);

function thrown(fn: () => unknown): ClustrError {
  try {
    fn();
  } catch (error) {
    return error as ClustrError;
  }
  throw new Error('expected a throw');
}

describe('createSigner', () => {
  const signer = createSigner(SECRET);

  test('appends sig as the last member, and the result is still a valid frame that decodes to the same fields', () => {
    const signed = signer.sign(CHANNEL, TEXT);
    expect(signed.startsWith(TEXT.slice(0, -1))).toBe(true);
    expect(signed).toMatch(/,"sig":"[A-Za-z0-9_-]{43}"}$/);
    const decoded = decode(signed);
    expect(decoded.ok && decoded.frame).toEqual({ ...FRAME, sig: signed.slice(-45, -2) });
  });

  test('verifies what it signed, on the same channel only', () => {
    const signed = signer.sign(CHANNEL, TEXT);
    expect(signer.verify(CHANNEL, signed)).toEqual({ ok: true, key: 0 });
    expect(signer.verify('shop:private:4243', signed)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(signer.verify('other:private:4242', signed)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('any change to the signed text, however small, fails', () => {
    const signed = signer.sign(CHANNEL, TEXT);
    const tampered = [
      signed.replace('"code":0', '"code":1'),
      signed.replace('"pid":4242', '"pid":4243'),
      signed.replace(`"ts":${NOW}`, `"ts":${NOW + 1}`),
      signed.replace('{"v":2', '{ "v":2'),
      signed.replace(/"sig":"(.)/, (_m, c: string) => `"sig":"${c === 'A' ? 'B' : 'A'}`),
    ];
    for (const raw of tampered) expect([raw, signer.verify(CHANNEL, raw)]).toEqual([raw, { ok: false, reason: 'bad_signature' }]);
  });

  test('tells an unsigned frame from a badly signed one', () => {
    expect(signer.verify(CHANNEL, TEXT)).toEqual({ ok: false, reason: 'unsigned' });
    const signed = signer.sign(CHANNEL, TEXT);
    const cases = [
      `${signed.slice(0, -2)}x"}`, // 44 characters
      `${signed.slice(0, -3)}"}`, // 42 characters
      `${signed.slice(0, -45)}${'*'.repeat(43)}"}`, // not base64url
      `${signed} `, // something after the last member
      signed.replace(/"}$/, '","x":1}'), // sig not last
    ];
    for (const raw of cases) expect([raw, signer.verify(CHANNEL, raw)]).toEqual([raw, { ok: false, reason: 'bad_signature' }]);
  });

  test('a frame signed with another secret is a bad signature', () => {
    const forged = createSigner('an attacker guessed this secret').sign(CHANNEL, TEXT);
    expect(signer.verify(CHANNEL, forged)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('key rotation: the first secret signs, every secret verifies', () => {
    const before = createSigner([OLD]);
    const during = createSigner([SECRET, OLD]);
    const after = createSigner([SECRET]);
    const byOld = before.sign(CHANNEL, TEXT);
    const byNew = during.sign(CHANNEL, TEXT);
    expect(during.verify(CHANNEL, byOld)).toEqual({ ok: true, key: 1 });
    expect(during.verify(CHANNEL, byNew)).toEqual({ ok: true, key: 0 });
    expect(after.verify(CHANNEL, byNew)).toEqual({ ok: true, key: 0 });
    expect(after.verify(CHANNEL, byOld)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(createSigner([OLD, SECRET]).verify(CHANNEL, byNew)).toEqual({ ok: true, key: 1 });
    expect(during.keys).toBe(2);
  });

  test('rejects missing and short secrets with a coded error that never shows the secret', () => {
    const short = 'x'.repeat(MIN_SECRET_BYTES - 1);
    const cases: Array<[unknown, string]> = [
      [short, 'secret'],
      [[], 'secret'],
      [[SECRET, short], 'secret[1]'],
      [[SECRET, 42], 'secret[1]'],
      [undefined, 'secret'],
    ];
    for (const [value, field] of cases) {
      const error = thrown(() => createSigner(value as string));
      expect(error).toBeInstanceOf(ClustrError);
      expect(error.code).toBe('CLUSTR_INVALID_OPTION');
      expect(error.field).toBe(field);
      expect(error.message).not.toContain(short);
      expect(error.message).not.toContain(SECRET);
    }
    expect(thrown(() => createSigner(short)).message).toContain(`at least ${MIN_SECRET_BYTES} bytes`);
    expect(thrown(() => createSigner(short)).message).toContain('openssl rand');
    // Bytes, not characters: 8 two-byte characters are 16 bytes.
    expect(createSigner('é'.repeat(8)).keys).toBe(1);
  });

  test('the MAC is RFC 2104 HMAC-SHA256, as createHmac computes it, for any key length and any text', () => {
    const keys = ['k'.repeat(16), 'k'.repeat(64), 'k'.repeat(65), 'ключ-секрет-🔑-'.repeat(9)];
    const texts = [TEXT, `{"data":"${'é🔑\u2028'.repeat(40)}"}`, `{"data":"${'x'.repeat(300_000)}"}`];
    for (const key of keys) {
      const keySigner = createSigner(key);
      for (const text of texts) {
        const expected = createHmac('sha256', Buffer.from(key, 'utf8')).update(`${CHANNEL}\n${text.slice(0, -1)}`, 'utf8').digest('base64url');
        expect(keySigner.sign(CHANNEL, text).slice(-45, -2)).toBe(expected);
      }
      // After a large frame grew its buffers, a small one still comes out right.
      expect(keySigner.verify(CHANNEL, keySigner.sign(CHANNEL, TEXT))).toEqual({ ok: true, key: 0 });
    }
  });

  test('only the canonical spelling of a signature verifies, as in Python (compare_digest on the text)', () => {
    const signed = signer.sign(CHANNEL, TEXT);
    // The last of 43 base64url characters carries 2 bits; changing the 4 unused ones decodes to the same bytes.
    const last = signed.at(-3)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
    const respelled = `${signed.slice(0, -3)}${twin}"}`;
    expect(Buffer.from(respelled.slice(-45, -2), 'base64url')).toEqual(Buffer.from(signed.slice(-45, -2), 'base64url'));
    expect(signer.verify(CHANNEL, respelled)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('refuses to sign text that is not an object', () => {
    expect(thrown(() => signer.sign(CHANNEL, '[1,2]')).code).toBe('CLUSTR_INVALID_FRAME');
  });
});

describe('createSigner at its edges', () => {
  const GENERATE = 'Generate one with: openssl rand -base64 32';

  test('a secret of exactly MIN_SECRET_BYTES bytes signs and verifies; one byte less is refused, counted in UTF-8 bytes', () => {
    const exact = createSigner('x'.repeat(MIN_SECRET_BYTES));
    expect(exact.verify(CHANNEL, exact.sign(CHANNEL, TEXT))).toEqual({ ok: true, key: 0 });
    expect(thrown(() => createSigner('x'.repeat(MIN_SECRET_BYTES - 1))).message).toBe(`secret must be a string of at least 16 bytes; got 15 bytes. ${GENERATE}`);
    // 7 two-byte characters and one one-byte character: 8 characters, 15 bytes.
    expect(thrown(() => createSigner(`${'é'.repeat(7)}x`)).message).toBe(`secret must be a string of at least 16 bytes; got 15 bytes. ${GENERATE}`);
    expect(createSigner(`${'é'.repeat(7)}xy`).keys).toBe(1);
  });

  test('each error names the field and says what was given, never the secret', () => {
    const short = 'y'.repeat(MIN_SECRET_BYTES - 1);
    const cases: Array<[unknown, string | undefined, string, string]> = [
      [short, undefined, 'secret', `secret must be a string of at least 16 bytes; got 15 bytes. ${GENERATE}`],
      [[short], undefined, 'secret[0]', `secret[0] must be a string of at least 16 bytes; got 15 bytes. ${GENERATE}`],
      [[SECRET, 42], undefined, 'secret[1]', `secret[1] must be a string of at least 16 bytes; got number. ${GENERATE}`],
      [[SECRET, null], 'options.secret', 'options.secret[1]', `options.secret[1] must be a string of at least 16 bytes; got object. ${GENERATE}`],
      [short, 'options.secret', 'options.secret', `options.secret must be a string of at least 16 bytes; got 15 bytes. ${GENERATE}`],
      [[], undefined, 'secret', 'secret must be a string or a non-empty list of strings (the first signs, all verify).'],
      [undefined, 'CLUSTR_SECRET', 'CLUSTR_SECRET', 'CLUSTR_SECRET must be a string or a non-empty list of strings (the first signs, all verify).'],
      [42, undefined, 'secret', 'secret must be a string or a non-empty list of strings (the first signs, all verify).'],
      [{ length: 1, 0: SECRET }, undefined, 'secret', 'secret must be a string or a non-empty list of strings (the first signs, all verify).'],
    ];
    for (const [value, field, expectedField, message] of cases) {
      const error = thrown(() => createSigner(value as string, field));
      expect([value, error instanceof ClustrError, error.code, error.field, error.message]).toEqual([value, true, 'CLUSTR_INVALID_OPTION', expectedField, message]);
    }
  });

  test('a list of one secret signs as that secret does', () => {
    const one = createSigner([SECRET]);
    expect(one.keys).toBe(1);
    expect(one.sign(CHANNEL, TEXT)).toBe(createSigner(SECRET).sign(CHANNEL, TEXT));
    expect(createSigner([SECRET, OLD]).sign(CHANNEL, TEXT)).toBe(createSigner(SECRET).sign(CHANNEL, TEXT));
  });

  test('only text ending in "}" can be signed; the error names /sig', () => {
    for (const text of ['[1,2]', '', `${TEXT} `, '"}"']) {
      const error = thrown(() => createSigner(SECRET).sign(CHANNEL, text));
      expect([text, error instanceof ClustrError, error.code, error.field, error.message]).toEqual([text, true, 'CLUSTR_INVALID_FRAME', '/sig', 'only a JSON object can be signed.']);
    }
  });

  test('a signature of the right length is still refused when the text does not end right after it', () => {
    const signer = createSigner(SECRET);
    const signed = signer.sign(CHANNEL, TEXT);
    for (const raw of [`${signed.slice(0, -2)}"]`, `${signed.slice(0, -2)}}}`, `${signed.slice(0, -2)}""`, `${signed.slice(0, -1)} `]) {
      expect(raw).toHaveLength(signed.length);
      expect([raw, signer.verify(CHANNEL, raw)]).toEqual([raw, { ok: false, reason: 'bad_signature' }]);
    }
  });

  test('a signature one character too long or too short is bad, even when the right one is inside it', () => {
    const signer = createSigner(SECRET);
    const signed = signer.sign(CHANNEL, TEXT);
    for (const raw of [`${signed.slice(0, -2)}A"}`, `${signed.slice(0, -3)}"}`, `${signed.slice(0, -2)}${signed.slice(-45, -2)}"}`]) {
      expect([raw, signer.verify(CHANNEL, raw)]).toEqual([raw, { ok: false, reason: 'bad_signature' }]);
    }
  });

  test('text without a "sig" member is unsigned at every length, including the length a signed frame would have', () => {
    const signer = createSigner(SECRET);
    // 52 characters: what a signature member and its closing would fill if the marker stood at -1.
    const sized = `{"v":2,"kind":"public","data":"${'x'.repeat(52 - 33)}"}`;
    expect(sized).toHaveLength(52);
    for (const raw of [sized, '{}', '{"v":2}', TEXT]) expect([raw, signer.verify(CHANNEL, raw)]).toEqual([raw, { ok: false, reason: 'unsigned' }]);
  });

  test('a channel and a body of three-byte characters only, the worst case for the buffer, give the RFC 2104 MAC', () => {
    // A fresh signer: its first frame is the one that makes the buffer grow, to exactly the room that frame needs.
    for (const units of [400, 401, 2_000]) {
      const signer = createSigner(SECRET);
      const channel = '\u2028'.repeat(units / 4);
      // Nothing but three-byte characters before the closing brace: no ASCII byte leaves slack.
      const text = `${'\u2028'.repeat(units)}}`;
      const expected = createHmac('sha256', Buffer.from(SECRET)).update(`${channel}\n${text.slice(0, -1)}`, 'utf8').digest('base64url');
      expect(signer.sign(channel, text).slice(-45, -2)).toBe(expected);
    }
  });

  test('a "sig" member that is not the last makes a frame badly signed, not unsigned', () => {
    const signer = createSigner(SECRET);
    expect(signer.verify(CHANNEL, '{"v":2,"sig":"x","kind":"public"}')).toEqual({ ok: false, reason: 'bad_signature' });
    expect(signer.verify(CHANNEL, '{"v":2,"kind":"public","signature":"x"}')).toEqual({ ok: false, reason: 'unsigned' });
  });
});

describe('createSigner where node:crypto has no one-shot hash (runtimes before Node 20.12, other runtimes)', () => {
  test('signs and verifies with createHmac, byte for byte as the fast path does', () => {
    let fallback: typeof createSigner | undefined;
    jest.isolateModules(() => {
      jest.doMock('node:crypto', () => ({ ...jest.requireActual<typeof nodeCrypto>('node:crypto'), hash: undefined }));
      fallback = (jest.requireActual('../../src/signing') as { createSigner: typeof createSigner }).createSigner;
    });
    jest.dontMock('node:crypto');
    const slow = fallback!([SECRET, OLD]);
    const fast = createSigner([SECRET, OLD]);
    for (const text of [TEXT, `{"data":"${'é🔑\u2028'.repeat(500)}"}`]) {
      const signed = slow.sign(CHANNEL, text);
      expect(signed).toBe(fast.sign(CHANNEL, text));
      expect(slow.verify(CHANNEL, signed)).toEqual({ ok: true, key: 0 });
      expect(slow.verify(CHANNEL, createSigner(OLD).sign(CHANNEL, text))).toEqual({ ok: true, key: 1 });
      expect(slow.verify(`${CHANNEL}x`, signed)).toEqual({ ok: false, reason: 'bad_signature' });
    }
  });
});

describe('isFresh', () => {
  test('accepts ts within the window either way, and nothing else', () => {
    const w = DEFAULT_REPLAY_WINDOW_MS;
    expect(isFresh(NOW, NOW, w)).toBe(true);
    expect(isFresh(NOW - w, NOW, w)).toBe(true);
    expect(isFresh(NOW + w, NOW, w)).toBe(true);
    expect(isFresh(NOW - w - 1, NOW, w)).toBe(false);
    expect(isFresh(NOW + w + 1, NOW, w)).toBe(false);
    for (const bad of [undefined, null, '1764300000000', NOW + 0.5, Number.NaN]) expect(isFresh(bad, NOW, w)).toBe(false);
  });

  test('the window is inclusive at both ends, whatever its size', () => {
    for (const w of [0, 1, 5000]) {
      expect([w, isFresh(NOW - w, NOW, w), isFresh(NOW + w, NOW, w)]).toEqual([w, true, true]);
      expect([w, isFresh(NOW - w - 1, NOW, w), isFresh(NOW + w + 1, NOW, w)]).toEqual([w, false, false]);
    }
    expect(isFresh(Number.POSITIVE_INFINITY, NOW, Number.POSITIVE_INFINITY)).toBe(false);
    expect(isFresh(BigInt(NOW), NOW, DEFAULT_REPLAY_WINDOW_MS)).toBe(false);
  });
});

// Debian's python3 is the one with the standard library we rely on; a pyenv python3 works too.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const SCRIPT = path.join(__dirname, '..', 'python', 'verify.py');

describe('the signing scheme from another language (Python hmac, standard library only)', () => {
  test('verifies frames signed here, and rejects tampered, foreign, copied, stale and unsigned ones', () => {
    const signer = createSigner([SECRET, OLD]);
    const signed = signer.sign(CHANNEL, TEXT);
    const unicode = createCodec().encode({ ...FRAME, kind: 'private', data: { text: 'grüße 🎉 "quoted" \\ \u2028' } } as Frame);
    const frames = [
      { channel: CHANNEL, raw: signed },
      { channel: CHANNEL, raw: signer.sign(CHANNEL, unicode) },
      { channel: CHANNEL, raw: createSigner(OLD).sign(CHANNEL, TEXT) },
      { channel: CHANNEL, raw: signed.replace('"code":0', '"code":9') },
      { channel: 'shop:private:1', raw: signed },
      { channel: CHANNEL, raw: createSigner('somebody else entirely').sign(CHANNEL, TEXT) },
      { channel: CHANNEL, raw: TEXT },
      { channel: CHANNEL, raw: signer.sign(CHANNEL, createCodec().encode({ ...FRAME, ts: NOW - DEFAULT_REPLAY_WINDOW_MS - 1 })) },
    ];
    const result = spawnSync(PYTHON, [SCRIPT], {
      input: JSON.stringify({ secrets: [SECRET, OLD], window_ms: DEFAULT_REPLAY_WINDOW_MS, now_ms: NOW, frames }),
      encoding: 'utf8',
    });
    if (result.error) throw new Error(`could not run ${PYTHON}: ${result.error.message}`);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(['ok', 'ok', 'ok', 'bad_signature', 'bad_signature', 'bad_signature', 'unsigned', 'stale']);
    // And the verdicts agree with ours.
    expect(frames.slice(0, 7).map((f) => signer.verify(f.channel, f.raw).ok)).toEqual([true, true, true, false, false, false, false]);
  });
});
