import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
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
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export type VerifyResult = { ok: true; key: number } | { ok: false; reason: 'unsigned' | 'bad_signature' };

export interface FrameSigner {
  /** How many keys verify; the first one signs. */
  readonly keys: number;
  /** Returns `text` (a frame's JSON, ending in `}`) with `"sig"` appended as its last member. */
  sign(channel: string, text: string): string;
  /** Checks the signature of `raw` as received on `channel`. Never throws. */
  verify(channel: string, raw: string): VerifyResult;
}

function mac(key: KeyObject, channel: string, body: string): Buffer {
  return createHmac('sha256', key).update(channel).update('\n').update(body).digest();
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
    const where = secrets.length > 1 || typeof secret !== 'string' ? `${field}[${index}]` : field;
    if (typeof value !== 'string' || Buffer.byteLength(value, 'utf8') < MIN_SECRET_BYTES) {
      throw new ClustrError(
        'CLUSTR_INVALID_OPTION',
        `${where} must be a string of at least ${MIN_SECRET_BYTES} bytes; got ${typeof value === 'string' ? `${Buffer.byteLength(value, 'utf8')} bytes` : typeof value}. Generate one with: openssl rand -base64 32`,
        { field: where },
      );
    }
    return createSecretKey(Buffer.from(value, 'utf8'));
  });
  const signing = keys[0]!;

  return {
    keys: keys.length,
    sign(channel, text) {
      if (text.charCodeAt(text.length - 1) !== 0x7d /* } */) throw new ClustrError('CLUSTR_INVALID_FRAME', 'only a JSON object can be signed.', { field: '/sig' });
      const body = text.slice(0, -1);
      return `${body}${SIG_MARKER}${mac(signing, channel, body).toString('base64url')}"}`;
    },
    verify(channel, raw) {
      const at = raw.lastIndexOf(SIG_MARKER);
      // The signature must be the last member: `…,"sig":"<43 chars>"}` and nothing after it.
      if (at === -1 || raw.length !== at + SIG_MARKER.length + SIG_LENGTH + 2 || !raw.endsWith('"}')) {
        return at === -1 ? { ok: false, reason: 'unsigned' } : { ok: false, reason: 'bad_signature' };
      }
      const sig = raw.slice(at + SIG_MARKER.length, raw.length - 2);
      if (!BASE64URL.test(sig)) return { ok: false, reason: 'bad_signature' };
      const given = Buffer.from(sig, 'base64url');
      const body = raw.slice(0, at);
      for (let i = 0; i < keys.length; i++) {
        if (timingSafeEqual(mac(keys[i]!, channel, body), given)) return { ok: true, key: i };
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
  return typeof ts === 'number' && Number.isInteger(ts) && Math.abs(now - ts) <= windowMs;
}
