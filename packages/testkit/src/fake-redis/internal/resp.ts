// Replies travel from the fake server to its clients as RESP2 values, the same shapes
// ioredis's parser produces with `returnBuffers: true`: bulk and simple strings are
// Buffers, integers are numbers, nil is null, arrays are arrays. Keeping the wire
// shape (instead of friendlier objects) lets the client port ioredis's reply handling
// line for line, including its quirks.

/** An error reply (`-ERR ...`); the client turns it into a `FakeRedisReplyError`. */
export class RespError {
  constructor(readonly message: string) {}
}

export type Resp = Buffer | number | null | RespError | readonly Resp[];

/** Converts Buffers to UTF-8 strings, recursively, as ioredis does for non-Buffer commands. */
export function respToJs(value: Resp): unknown {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map((item: Resp) => respToJs(item));
  return value;
}

/**
 * The bytes Redis would receive for a command argument: strings as UTF-8 (so a lone
 * surrogate becomes U+FFFD, as on a real socket), binary input copied, since a caller
 * may reuse its buffer once the command is written.
 */
export function toBytes(value: string | Uint8Array | number): Buffer {
  if (typeof value === 'number') return Buffer.from(String(value), 'utf8');
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return Buffer.from(value);
}

/**
 * A map key for a byte string. latin1 maps every byte to exactly one UTF-16 unit, so
 * two channel names are the same key exactly when Redis sees the same bytes.
 */
export function byteKey(bytes: Buffer): string {
  return bytes.toString('latin1');
}
