import * as crypto from 'node:crypto';
import { ClustrError } from './errors';

/**
 * Signed frames (docs/protocol.md, "Signed frames"). A signer writes the frame
 * text with `ts` set, and appends `"sig"` as the last member:
 *
 *     sig = base64url(HMAC-SHA256(key, channel + "\n" + text-before-,"sig":))
 *
 * A verifier checks the raw text it received, before decoding it: it cuts the
 * trailing `,"sig":"…"}` off and recomputes. Nothing is canonicalised, so key
 * order, number formatting and escapes of a signer in another language never
 * matter, and a frame copied to another channel fails. These functions are pure:
 * the runtime, the `clustr` command and a reader in another language (see
 * test/python/sign.py) implement the same few lines.
 */

/** Why a frame failed verification. Freshness and replays are checked after decoding (see checkFreshness). */
export const SIGNATURE_REJECT_REASONS = ['unsigned', 'bad_signature', 'stale', 'replayed'] as const;
export type SignatureRejectReason = (typeof SIGNATURE_REJECT_REASONS)[number];

/** Shortest secret accepted, in UTF-8 bytes: below this an HMAC key is guessable. */
export const MIN_SECRET_BYTES = 16;
/** Default replay window: a signed frame whose `ts` is further than this from the receiver's clock is `stale`. */
export const DEFAULT_REPLAY_WINDOW_MS = 30_000;

const SIG_MARKER = ',"sig":"';
/** base64url of a 32-byte HMAC-SHA256: 43 characters, no padding. */
const SIG_LENGTH = 43;

export type VerifyResult = { ok: true; key: number } | { ok: false; reason: 'unsigned' | 'bad_signature' };

export interface FrameSigner {
  /** How many keys verify; the first one signs. */
  readonly keys: number;
  /** Returns `text` (a frame's JSON, ending in `}`) with `"sig"` appended as its last member. */
  sign(channel: string, text: string): string;
  /** Checks the signature of `raw` as received on `channel`. Never throws. */
  verify(channel: string, raw: string): VerifyResult;
}

/** SHA-256's block: HMAC pads its key to this. */
const BLOCK = 64;
type OneShotHash = (algorithm: string, data: Buffer, outputEncoding: 'latin1' | 'base64url') => string;
/** crypto.hash (Node 20.12+): one call, no Hash object. Absent elsewhere (other runtimes): createHmac then. */
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;

/** base64url(HMAC-SHA256(key, channel + "\n" + body)) with one key. */
type Mac = (channel: string, body: string) => string;

/**
 * HMAC-SHA256 (RFC 2104) as two one-shot SHA-256 calls over buffers kept per
 * key: H((K ^ opad) || H((K ^ ipad) || message)). It gives exactly what
 * createHmac gives; a createHmac object per frame cost about twice as much,
 * and the MAC is paid on every frame sent and received (BENCHMARKS.md). The
 * inner digest comes back as a latin1 string: asking for a Buffer cost more
 * than hashing the whole frame.
 */
function macFor(key: Buffer): Mac {
  if (oneShot === undefined) {
    const keyObject = crypto.createSecretKey(key);
    return (channel, body) => crypto.createHmac('sha256', keyObject).update(channel).update('\n').update(body).digest('base64url');
  }
  const hash = oneShot;
  const padded = Buffer.alloc(BLOCK);
  (key.length > BLOCK ? crypto.createHash('sha256').update(key).digest() : key).copy(padded);
  // The message goes after K ^ ipad in `inner`; the inner digest after K ^ opad in `outer`.
  let inner = Buffer.allocUnsafe(BLOCK + 1024);
  const outer = Buffer.allocUnsafe(BLOCK + 32);
  for (let i = 0; i < BLOCK; i++) {
    inner[i] = padded[i]! ^ 0x36;
    outer[i] = padded[i]! ^ 0x5c;
  }
  return (channel, body) => {
    // UTF-8 needs at most 3 bytes per UTF-16 unit: room for the worst case, so write() never truncates.
    const room = BLOCK + 3 * (channel.length + 1 + body.length);
    if (room > inner.length) {
      const bigger = Buffer.allocUnsafe(room);
      inner.copy(bigger, 0, 0, BLOCK);
      inner = bigger;
    }
    let end = BLOCK + inner.write(channel, BLOCK);
    inner[end++] = 0x0a;
    end += inner.write(body, end);
    outer.write(hash('sha256', inner.subarray(0, end), 'latin1'), BLOCK, 'latin1');
    return hash('sha256', outer, 'base64url');
  };
}

/**
 * Compares two signatures of SIG_LENGTH characters (verify checked the one it was given) in time
 * that does not depend on where they differ.
 */
function sameSignature(a: string, b: string): boolean {
  let diff = 0;
  for (let i = 0; i < SIG_LENGTH; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * A signer over one secret or a list of them: the first signs, every one
 * verifies (key rotation: add the new key everywhere, then move it first, then
 * drop the old one). Throws a ClustrError naming the field when a secret is
 * missing or too short; the message never contains a secret.
 */
export function createSigner(secret: string | readonly string[], field = 'secret'): FrameSigner {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new ClustrError('CLUSTR_INVALID_OPTION', `${field} must be a string or a non-empty list of strings (the first signs, all verify).`, { field });
  }
  const keys = secrets.map((value: unknown, index) => {
    const where = typeof secret === 'string' ? field : `${field}[${index}]`;
    if (typeof value !== 'string' || Buffer.byteLength(value) < MIN_SECRET_BYTES) {
      throw new ClustrError(
        'CLUSTR_INVALID_OPTION',
        `${where} must be a string of at least ${MIN_SECRET_BYTES} bytes; got ${typeof value === 'string' ? `${Buffer.byteLength(value)} bytes` : typeof value}. Generate one with: openssl rand -base64 32`,
        { field: where },
      );
    }
    return macFor(Buffer.from(value));
  });
  const signing = keys[0]!;

  return {
    keys: keys.length,
    sign(channel, text) {
      if (text.charCodeAt(text.length - 1) !== 0x7d /* } */) throw new ClustrError('CLUSTR_INVALID_FRAME', 'only a JSON object can be signed.', { field: '/sig' });
      const body = text.slice(0, -1);
      return `${body}${SIG_MARKER}${signing(channel, body)}"}`;
    },
    verify(channel, raw) {
      const at = raw.lastIndexOf(SIG_MARKER);
      // The signature must be the last member: `…,"sig":"<43 chars>"}` and nothing after it.
      if (at === -1 || raw.length !== at + SIG_MARKER.length + SIG_LENGTH + 2 || !raw.endsWith('"}')) {
        return at === -1 ? { ok: false, reason: 'unsigned' } : { ok: false, reason: 'bad_signature' };
      }
      // Compared as text, as a verifier in another language does (Python: hmac.compare_digest on the strings):
      // only the one canonical encoding of the MAC is accepted.
      const given = raw.slice(at + SIG_MARKER.length, raw.length - 2);
      const body = raw.slice(0, at);
      for (let i = 0; i < keys.length; i++) {
        if (sameSignature(keys[i]!(channel, body), given)) return { ok: true, key: i };
      }
      return { ok: false, reason: 'bad_signature' };
    },
  };
}

/**
 * Whether a signed frame's `ts` is within `windowMs` of `now` (either way, so
 * clocks a little apart still agree). A frame without `ts` is not fresh.
 */
export function isFresh(ts: unknown, now: number, windowMs: number): boolean {
  return Number.isInteger(ts) && Math.abs(now - (ts as number)) <= windowMs;
}
