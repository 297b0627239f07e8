import { ClustrError, DEFAULT_MAX_DEPTH, MAX_BATCH_FRAMES, createCodec, createSigner, decode, type Frame, type FrameOf } from '../../src';

const META = { pid: 4242, group: 'web', instance: 'k3x9Qa' };
const HEAD = { id: 'b.1', meta: META };
const codec = createCodec();

function groupFrame(seq: number, data: unknown = { job: seq }): Frame {
  return { v: 2, kind: 'group', id: `g.${seq}`, meta: META, seq, data };
}

function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

function decodeBatch(raw: string): FrameOf<'batch'> {
  const result = decode(raw);
  if (!result.ok || result.frame.kind !== 'batch') throw new Error(`not a batch: ${JSON.stringify(result)}`);
  return result.frame;
}

describe('batches', () => {
  test('carry frames in order; unpack gives each back as it was sent', () => {
    const frames = [groupFrame(1), groupFrame(2, 'text'), groupFrame(3, [null, { deep: true }])];
    const batch = decodeBatch(codec.encodeBatch(HEAD, frames.map((f) => codec.encode(f))));
    expect(batch).toMatchObject({ v: 2, kind: 'batch', id: 'b.1', meta: META });
    expect(codec.unpack(batch)).toEqual(frames.map((frame) => ({ ok: true, frame })));
  });

  test('one bad frame is dropped alone, with a reason and a path into the batch; the others still decode', () => {
    const good1 = codec.encode(groupFrame(1));
    const good2 = codec.encode(groupFrame(5));
    const bad: Array<[string, string, string, string]> = [
      ['data of the wrong kind shape', JSON.stringify({ ...groupFrame(2), kind: 'kill', data: { pid: 1 } }), 'invalid_frame', '/data/1/data/code'],
      ['a forbidden key', `{"v":2,"kind":"group","id":"x","meta":${JSON.stringify(META)},"data":{"__proto__":{"p":1}}}`, 'forbidden_key', '/data/1/data/__proto__'],
      ['too deep for the frame on its own', JSON.stringify({ ...groupFrame(2), data: nested(DEFAULT_MAX_DEPTH) }), 'too_deep', `/data/1/data${'/a'.repeat(DEFAULT_MAX_DEPTH - 1)}`],
      ['a batch inside a batch', JSON.stringify({ v: 2, kind: 'batch', id: 'x', meta: META, data: [groupFrame(2)] }), 'invalid_frame', '/data/1/kind'],
      ['another sender', JSON.stringify({ ...groupFrame(2), meta: { ...META, pid: 1 } }), 'invalid_frame', '/data/1/meta'],
      ['another run of the same pid', JSON.stringify({ ...groupFrame(2), meta: { ...META, instance: 'other' } }), 'invalid_frame', '/data/1/meta'],
      ['another version', JSON.stringify({ ...groupFrame(2), v: 3 }), 'unsupported_version', '/data/1/v'],
      ['an unknown kind', JSON.stringify({ ...groupFrame(2), kind: 'shout' }), 'unknown_kind', '/data/1/kind'],
      ['no version', JSON.stringify({ ...groupFrame(2), v: undefined }), 'invalid_frame', '/data/1/v'],
    ];
    for (const [name, text, reason, path] of bad) {
      const results = codec.unpack(decodeBatch(codec.encodeBatch(HEAD, [good1, text, good2])));
      expect([name, results.map((r) => r.ok)]).toEqual([name, [true, false, true]]);
      const failure = results[1]!;
      expect([name, !failure.ok && failure.reason, !failure.ok && failure.issues[0]!.path]).toEqual([name, reason, path]);
    }
  });

  test('a frame as deep as one may be on its own is as valid inside a batch', () => {
    const deepest = groupFrame(1, nested(DEFAULT_MAX_DEPTH - 2));
    expect(decode(codec.encode(deepest)).ok).toBe(true);
    const results = codec.unpack(decodeBatch(codec.encodeBatch(HEAD, [codec.encode(deepest)])));
    expect(results.map((r) => r.ok)).toEqual([true]);
  });

  test('batchOverhead counts exactly what a batch adds around its frames', () => {
    const texts = [codec.encode(groupFrame(1)), codec.encode(groupFrame(2, 'grüße 🎉'))];
    for (const head of [HEAD, { ...HEAD, ts: 1_764_300_000_000 }, { id: 'ünï', meta: { pid: 1, group: 'g' } }]) {
      const size = codec.batchOverhead(head) + texts.reduce((n, t) => n + Buffer.byteLength(t), 0) + (texts.length - 1);
      expect(Buffer.byteLength(codec.encodeBatch(head, texts))).toBe(size);
    }
  });

  test('a batch over the byte limit is refused when written, and dropped whole as too_large when read', () => {
    const small = createCodec({ maxBytes: 512 });
    const text = small.encode(groupFrame(1, 'x'.repeat(100))); // 205 bytes: two fit in 512 with the batch's own fields, three do not
    expect(() => small.encodeBatch(HEAD, [text, text])).not.toThrow();
    let error: unknown;
    try {
      small.encodeBatch(HEAD, [text, text, text]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ClustrError);
    expect((error as ClustrError).code).toBe('CLUSTR_FRAME_TOO_LARGE');
    expect(small.decode(codec.encodeBatch(HEAD, [text, text, text]))).toMatchObject({ ok: false, reason: 'too_large' });
  });

  test(`hold 1 to ${MAX_BATCH_FRAMES} frames`, () => {
    const text = codec.encode(groupFrame(1));
    expect(decode(codec.encodeBatch(HEAD, Array.from({ length: MAX_BATCH_FRAMES }, () => text))).ok).toBe(true);
    expect(decode(codec.encodeBatch(HEAD, Array.from({ length: MAX_BATCH_FRAMES + 1 }, () => text)))).toMatchObject({ ok: false, reason: 'invalid_frame' });
    expect(decode(codec.encodeBatch(HEAD, []))).toMatchObject({ ok: false, reason: 'invalid_frame' });
  });

  test('a signed batch verifies as one text, and decodes with its ts', () => {
    const signer = createSigner('a secret of sixteen+ bytes');
    const head = { ...HEAD, ts: 1_764_300_000_000 };
    const raw = signer.sign('shop:group:web', codec.encodeBatch(head, [codec.encode(groupFrame(1)), codec.encode(groupFrame(2))]));
    expect(signer.verify('shop:group:web', raw)).toEqual({ ok: true, key: 0 });
    const batch = decodeBatch(raw);
    expect(batch.ts).toBe(head.ts);
    expect(codec.unpack(batch).every((r) => r.ok)).toBe(true);
  });
});
