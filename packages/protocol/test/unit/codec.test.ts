import {
  ClustrError,
  DECODE_ERROR_REASONS,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_FRAME_BYTES,
  FRAME_KINDS,
  createCodec,
  createFrameIds,
  decode,
  encode,
  type DecodeResult,
  type ErrorCode,
  type Frame,
} from '../../src';
import { BAD_SAMPLES, GOOD_SAMPLES, prng, rawText, type BadSample } from '../fixtures/samples';
import type * as CodecModule from '../../src/codec';
import type * as Generated from '../../src/generated/frame-validators';

const PUBLIC: Frame = { v: 2, kind: 'public', id: 'f-1', meta: { pid: 4242, group: 'web' }, data: { hello: 'world' } };

/** Runs fn and returns what it threw, failing the test when it throws nothing or not a ClustrError. */
function thrown(fn: () => unknown): ClustrError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ClustrError);
    return error as ClustrError;
  }
  throw new Error('expected a ClustrError, nothing was thrown');
}

function expectClustrError(fn: () => unknown, code: ErrorCode, field?: string): ClustrError {
  const error = thrown(fn);
  expect(error.code).toBe(code);
  if (field !== undefined) expect(error.field).toBe(field);
  return error;
}

function failure(result: DecodeResult) {
  if (result.ok) throw new Error(`expected a decode failure, got a frame of kind ${result.frame.kind}`);
  return result;
}

/** A bad sample's raw text parsed as a JSON object, or undefined when it is not one. */
function parsedObject(sample: BadSample): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(rawText(sample.raw));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Short test titles: some samples are a megabyte long. */
const named = <T extends { name: string }>(samples: T[]): Array<[string, T]> => samples.map((s) => [s.name, s]);

describe('the sample table', () => {
  test('has a good sample of every kind and a bad sample of every decode reason', () => {
    expect(new Set(GOOD_SAMPLES.map((s) => s.frame.kind))).toEqual(new Set(FRAME_KINDS));
    expect(new Set(BAD_SAMPLES.map((s) => s.reason))).toEqual(new Set(DECODE_ERROR_REASONS));
    expect(BAD_SAMPLES.length).toBeGreaterThanOrEqual(40);
  });

  test('has unique names', () => {
    const names = [...GOOD_SAMPLES, ...BAD_SAMPLES].map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('decode', () => {
  test('reasons are the stable strings stats count by', () => {
    expect(DECODE_ERROR_REASONS).toEqual(['too_large', 'not_json', 'unsupported_version', 'unknown_kind', 'invalid_frame', 'forbidden_key', 'too_deep']);
  });

  test.each(named(GOOD_SAMPLES))('accepts %s', (_name, sample) => {
    expect(decode(sample.raw)).toStrictEqual({ ok: true, frame: sample.frame });
  });

  test.each(named(BAD_SAMPLES))('rejects %s', (_name, sample) => {
    let result: DecodeResult | undefined;
    expect(() => {
      result = decode(sample.raw);
    }).not.toThrow();
    const rejected = failure(result!);
    expect(rejected.reason).toBe(sample.reason);
    expect(rejected.issues.length).toBeGreaterThan(0);
    expect(rejected.issues[0]!.path).toBe(sample.path);
    expect(rejected.message.startsWith(`${sample.reason}:`)).toBe(true);
    if (sample.reason === 'unsupported_version') expect(rejected.version).toBe(sample.version);
    else expect('version' in rejected).toBe(false);
  });

  test('does not pollute Object.prototype while reading prototype-pollution payloads', () => {
    for (const sample of BAD_SAMPLES.filter((s) => s.reason === 'forbidden_key')) decode(sample.raw);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  test('returns not_json for input that is neither a string nor a Buffer', () => {
    for (const input of [undefined, null, 42, {}, [], new Uint8Array([123, 125])]) {
      const result = failure(decode(input as unknown as string));
      expect(result.reason).toBe('not_json');
      expect(result.issues[0]).toMatchObject({ path: '', keyword: 'type' });
    }
  });

  test('never throws on mutated frames, and what it accepts survives encode', () => {
    const random = prng(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const seeds = GOOD_SAMPLES.map((s) => rawText(s.raw)).filter((raw) => raw.length < 4096);
    const alphabet = ['{', '}', '[', ']', '"', ':', ',', '\\', '\\u', '0', '-1', '1e9', '.', 'null', 'true', ' ', 'é', '\ud800', '__proto__', 'v', 'kind'];
    const reasons = new Set<string>(DECODE_ERROR_REASONS);
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      let raw = pick(seeds);
      for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
        const at = Math.floor(random() * raw.length);
        const op = random();
        if (op < 0.4) raw = raw.slice(0, at) + raw.slice(at + 1);
        else if (op < 0.8) raw = raw.slice(0, at) + pick(alphabet) + raw.slice(at);
        else raw = raw.slice(0, at) + raw.slice(at, at + 8) + raw.slice(at);
      }
      const result = decode(random() < 0.5 ? raw : Buffer.from(raw));
      if (result.ok) {
        accepted++;
        const again = decode(encode(result.frame));
        expect(again.ok && encode(again.frame)).toBe(encode(result.frame));
      } else {
        expect(reasons.has(result.reason)).toBe(true);
        expect(result.issues[0]!.path === '' || result.issues[0]!.path.startsWith('/')).toBe(true);
      }
    }
    // Some mutations (inside data strings, say) leave a valid frame: both branches ran.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(3000);
  });
});

describe('encode', () => {
  test.each(named(GOOD_SAMPLES))('round-trips %s', (_name, sample) => {
    const raw = encode(sample.frame);
    expect(typeof raw).toBe('string');
    expect(decode(raw)).toStrictEqual({ ok: true, frame: sample.frame });
  });

  const invalidObjects = BAD_SAMPLES.flatMap((sample): Array<[string, BadSample, Record<string, unknown>]> => {
    const value = parsedObject(sample);
    // not_json samples that parse here are invalid UTF-8 that rawText() papered over.
    return value && sample.reason !== 'too_large' && sample.reason !== 'not_json' ? [[sample.name, sample, value]] : [];
  });

  test('has invalid frames of every kind of mistake to throw on', () => {
    expect(new Set(invalidObjects.map(([, s]) => s.reason))).toEqual(
      new Set(['unsupported_version', 'unknown_kind', 'invalid_frame', 'forbidden_key', 'too_deep']),
    );
  });

  test.each(invalidObjects)('throws CLUSTR_INVALID_FRAME naming the field for %s', (_name, sample, value) => {
    const field = sample.encodeField ?? sample.path;
    const error = expectClustrError(() => encode(value as unknown as Frame), 'CLUSTR_INVALID_FRAME', field);
    // The message names the field, so a log line alone says what to fix.
    expect(error.message).toContain(field === '/kind' ? 'frame.kind' : field.slice(0, 200));
  });

  test.each(named(BAD_SAMPLES.filter((s) => s.reason === 'too_large' && parsedObject(s))))('throws CLUSTR_FRAME_TOO_LARGE for %s', (_name, sample) => {
    const error = expectClustrError(() => encode(parsedObject(sample) as unknown as Frame), 'CLUSTR_FRAME_TOO_LARGE', '/data');
    expect(error.message).toContain(`${DEFAULT_MAX_FRAME_BYTES}-byte`);
  });

  test('throws CLUSTR_INVALID_FRAME for a missing frame or kind', () => {
    expectClustrError(() => encode(null as unknown as Frame), 'CLUSTR_INVALID_FRAME', '/kind');
    expectClustrError(() => encode({ ...PUBLIC, kind: 'shout' } as unknown as Frame), 'CLUSTR_INVALID_FRAME', '/kind');
  });

  test('throws CLUSTR_NOT_SERIALIZABLE for BigInt data, keeping the cause', () => {
    const error = expectClustrError(() => encode({ ...PUBLIC, data: { n: 10n } }), 'CLUSTR_NOT_SERIALIZABLE', '/data');
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/BigInt/);
  });

  test('throws CLUSTR_NOT_SERIALIZABLE for circular data, keeping the cause', () => {
    const data: Record<string, unknown> = { a: 1 };
    data['self'] = data;
    const error = expectClustrError(() => encode({ ...PUBLIC, data }), 'CLUSTR_NOT_SERIALIZABLE', '/data');
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/circular/);
  });

  test('throws CLUSTR_INVALID_FRAME, not a stack overflow, for data nested 10 000 levels deep', () => {
    let data: unknown = [];
    for (let i = 0; i < 10_000; i++) data = [data];
    const error = expectClustrError(() => encode({ ...PUBLIC, data }), 'CLUSTR_INVALID_FRAME');
    expect(error.field).toBe(`/data${'/0'.repeat(DEFAULT_MAX_DEPTH - 1)}`);
    expect(error.message).toContain(`deeper than ${DEFAULT_MAX_DEPTH} levels`);
  });

  test('refuses frames readers would drop: forbidden keys built in code, not parsed', () => {
    const data = { ['__proto__']: { polluted: true } };
    expect(Object.keys(data)).toEqual(['__proto__']);
    expectClustrError(() => encode({ ...PUBLIC, data }), 'CLUSTR_INVALID_FRAME', '/data/__proto__');
    expectClustrError(() => encode({ ...PUBLIC, data: { constructor: { prototype: {} } } }), 'CLUSTR_INVALID_FRAME', '/data/constructor/prototype');
  });

  test('checks the JSON text, not the object, where they can differ: toJSON, class instances, Dates', () => {
    const pollutedJson = { when: { toJSON: () => JSON.parse('{"__proto__": {"polluted": true}}') as unknown } };
    expectClustrError(() => encode({ ...PUBLIC, data: pollutedJson }), 'CLUSTR_INVALID_FRAME', '/data/when/__proto__');
    let deep: unknown = 1;
    for (let i = 0; i < DEFAULT_MAX_DEPTH; i++) deep = [deep];
    expectClustrError(() => encode({ ...PUBLIC, data: { toJSON: () => deep } }), 'CLUSTR_INVALID_FRAME');
    class Box {
      readonly inner = { constructor: { prototype: 1 } };
    }
    expectClustrError(() => encode({ ...PUBLIC, data: new Box() }), 'CLUSTR_INVALID_FRAME', '/data/inner/constructor/prototype');
    // Values that write differently but harmlessly still go through.
    expect(JSON.parse(encode({ ...PUBLIC, data: { at: new Date(0), map: new Map([[1, 2]]) } }))).toMatchObject({ data: { at: '1970-01-01T00:00:00.000Z', map: {} } });
  });

  describe('encodeTrusted (no schema check) still refuses every frame readers would drop', () => {
    const codec = createCodec();
    const expectDropped = (frame: unknown, field: string) => {
      const raw = JSON.stringify(frame);
      expect(decode(raw).ok).toBe(false);
      expectClustrError(() => codec.encodeTrusted(frame as Frame), 'CLUSTR_INVALID_FRAME', field);
    };

    test('a forbidden key outside data: in meta, or at the top', () => {
      expectDropped({ ...PUBLIC, meta: { ...PUBLIC.meta, constructor: { prototype: {} } } }, '/meta/constructor/prototype');
      expectDropped({ ...PUBLIC, ['__proto__']: {} }, '/__proto__');
    });

    test('a toJSON on the frame itself that returns a frame nested too deep', () => {
      let deep: unknown = 1;
      for (let i = 0; i < DEFAULT_MAX_DEPTH; i++) deep = [deep];
      expectDropped({ ...PUBLIC, toJSON: () => ({ ...PUBLIC, data: deep }) }, `/data${'/0'.repeat(DEFAULT_MAX_DEPTH - 1)}`);
    });

    test('a BigInt whose toJSON returns a forbidden key', () => {
      const proto = BigInt.prototype as unknown as { toJSON?: () => unknown };
      proto.toJSON = () => JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
      try {
        expectDropped({ ...PUBLIC, data: { amount: 10n } }, '/data/amount/__proto__');
      } finally {
        delete proto.toJSON;
      }
    });

    test('an inherited getter JSON.stringify never reads is not read either, and the frame goes out', () => {
      const base = {};
      Object.defineProperty(base, 'boom', {
        enumerable: true,
        get() {
          throw new Error('read an inherited getter');
        },
      });
      const data = Object.create(base) as Record<string, unknown>;
      data['a'] = 1;
      expect(codec.encodeTrusted({ ...PUBLIC, data } as Frame)).toBe(JSON.stringify({ ...PUBLIC, data: { a: 1 } }));
    });
  });

  test('writes plain JSON that decode reads back', () => {
    expect(encode(PUBLIC)).toBe(JSON.stringify(PUBLIC));
  });
});

describe('createCodec', () => {
  test('defaults to 1 MiB and depth 64', () => {
    const codec = createCodec();
    expect(codec.maxBytes).toBe(DEFAULT_MAX_FRAME_BYTES);
    expect(codec.maxDepth).toBe(DEFAULT_MAX_DEPTH);
    expect(DEFAULT_MAX_FRAME_BYTES).toBe(1024 * 1024);
    expect(DEFAULT_MAX_DEPTH).toBe(64);
  });

  test.each([63, 0, -1, 100.5, Number.NaN, Number.POSITIVE_INFINITY, '4096'])('rejects maxBytes %p', (maxBytes) => {
    const error = expectClustrError(() => createCodec({ maxBytes: maxBytes as number }), 'CLUSTR_INVALID_OPTION', 'maxBytes');
    expect(error.message).toMatch(/^maxBytes must be an integer of at least 64/);
  });

  test.each([1, 0, -3, 2.5, Number.NaN, '8'])('rejects maxDepth %p', (maxDepth) => {
    const error = expectClustrError(() => createCodec({ maxDepth: maxDepth as number }), 'CLUSTR_INVALID_OPTION', 'maxDepth');
    expect(error.message).toMatch(/^maxDepth must be an integer of at least 2/);
  });

  test('enforces a custom byte limit on both sides, counting UTF-8 bytes', () => {
    const codec = createCodec({ maxBytes: 128 });
    const overhead = Buffer.byteLength(JSON.stringify({ ...PUBLIC, data: '' }));
    const fits: Frame = { ...PUBLIC, data: 'a'.repeat(128 - overhead) };
    const over: Frame = { ...PUBLIC, data: `${'a'.repeat(128 - overhead - 1)}é` };
    expect(Buffer.byteLength(encode(fits))).toBe(128);
    expect(codec.decode(codec.encode(fits))).toStrictEqual({ ok: true, frame: fits });
    expect(failure(codec.decode(JSON.stringify(over))).reason).toBe('too_large');
    expect(failure(codec.decode(Buffer.from(JSON.stringify(over)))).reason).toBe('too_large');
    expectClustrError(() => codec.encode(over), 'CLUSTR_FRAME_TOO_LARGE');
    // The default codec is not affected.
    expect(decode(JSON.stringify(over)).ok).toBe(true);
  });

  test('maxDepth counts the frame as level 1, on both sides', () => {
    const codec = createCodec({ maxDepth: 3 });
    const fits: Frame = { ...PUBLIC, data: { a: [1] } };
    const deep: Frame = { ...PUBLIC, data: { a: { b: [1] } } };
    expect(codec.decode(codec.encode(fits))).toStrictEqual({ ok: true, frame: fits });
    const rejected = failure(codec.decode(JSON.stringify(deep)));
    expect(rejected).toMatchObject({ reason: 'too_deep', issues: [{ path: '/data/a/b', keyword: 'maxDepth' }] });
    expectClustrError(() => codec.encode(deep), 'CLUSTR_INVALID_FRAME', '/data/a/b');
    // The smallest limit still carries the envelope and one level of data.
    const flattest = createCodec({ maxDepth: 2 });
    expect(flattest.decode(JSON.stringify(PUBLIC)).ok).toBe(true);
    expect(failure(flattest.decode(JSON.stringify({ ...PUBLIC, data: { a: {} } }))).issues[0]!.path).toBe('/data/a');
  });

  test('a huge maxDepth cannot make decode overflow the stack', () => {
    const codec = createCodec({ maxDepth: 100_000, maxBytes: 4 * 1024 * 1024 });
    const levels = 150_000;
    const raw = `{"v":2,"kind":"public","id":"f-1","meta":{"pid":1,"group":"web"},"data":${'['.repeat(levels)}${']'.repeat(levels)}}`;
    let result: DecodeResult | undefined;
    expect(() => {
      result = codec.decode(raw);
    }).not.toThrow();
    expect(failure(result!).reason).toBe('too_deep');
  });
});

describe('createFrameIds', () => {
  test('gives unique ids that are valid frame ids', () => {
    const next = createFrameIds(4242);
    const ids = Array.from({ length: 20_000 }, () => next());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [ids[0]!, ids[ids.length - 1]!]) {
      expect(decode(JSON.stringify({ ...PUBLIC, id })).ok).toBe(true);
    }
  });

  test('ids of different senders never collide, even at the largest pid', () => {
    const a = createFrameIds(4242);
    const b = createFrameIds(4243);
    const c = createFrameIds(2147483647);
    const fromA = new Set(Array.from({ length: 1000 }, () => a()));
    const others = [...Array.from({ length: 1000 }, () => b()), ...Array.from({ length: 1000 }, () => c())];
    expect(others.filter((id) => fromA.has(id))).toEqual([]);
    expect(others[others.length - 1]!.length).toBeLessThanOrEqual(64);
  });
});

/** The whole failure decode must return: reason, one-line message and the issue with its rule. */
function failed(reason: string, path: string, keyword: string, message: string, extra: { version?: number } = {}) {
  const where = path === '' ? '' : `${path} `;
  return { ok: false, reason, message: `${reason}: ${where}${message}`, issues: [{ path, keyword, message }], ...extra };
}

describe('decode failures name the rule that failed and say what was wrong', () => {
  const withMeta = (meta: Record<string, unknown>) => JSON.stringify({ ...PUBLIC, meta });
  const frameText = (changes: Record<string, unknown>) => JSON.stringify({ ...PUBLIC, ...changes });
  const notJson = (raw: string) => {
    try {
      JSON.parse(raw);
    } catch (error) {
      return `is not JSON (${(error as Error).message})`;
    }
    throw new Error(`${raw} parsed`);
  };

  test.each<[string, string | Buffer, ReturnType<typeof failed>]>([
    ['a missing field (required)', withMeta({ group: 'web' }), failed('invalid_frame', '/meta/pid', 'required', 'is required but missing')],
    ['a field of the wrong type (type)', withMeta({ pid: '7', group: 'web' }), failed('invalid_frame', '/meta/pid', 'type', 'must be integer')],
    ['a field the schema does not allow', frameText({ extra: 1 }), failed('invalid_frame', '/extra', 'additionalProperties', 'is not an allowed field')],
    ['an unknown field whose name needs escaping in the pointer', frameText({ 'a/b~c': 1 }), failed('invalid_frame', '/a~1b~0c', 'additionalProperties', 'is not an allowed field')],
    ['JSON that is not an object', '[1]', failed('invalid_frame', '', 'type', 'must be a JSON object')],
    ['text that is not JSON', '{"v":2,', failed('not_json', '', 'json', notJson('{"v":2,'))],
    ['text that is not JSON and does not start with {', 'not json', failed('not_json', '', 'json', notJson('not json'))],
    ['JSON that is not an object, after whitespace', ' 7', failed('invalid_frame', '', 'type', 'must be a JSON object')],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), failed('not_json', '', 'utf8', 'is not valid UTF-8')],
    ['v missing', frameText({ v: undefined }), failed('invalid_frame', '/v', 'required', 'is required but missing')],
    ['v of the wrong type', frameText({ v: '2' }), failed('invalid_frame', '/v', 'const', 'must be 2')],
    ['v of another release', frameText({ v: 3 }), failed('unsupported_version', '/v', 'const', 'is version 3; this reader understands version 2', { version: 3 })],
    ['kind missing', frameText({ kind: undefined }), failed('invalid_frame', '/kind', 'required', 'is required but missing')],
    ['kind not a string', frameText({ kind: 7 }), failed('invalid_frame', '/kind', 'type', 'must be a string')],
    ['kind unknown', frameText({ kind: 'shout' }), failed('unknown_kind', '/kind', 'enum', 'is "shout", not a known kind')],
    ['a __proto__ key', `{"v":2,"kind":"public","id":"f-1","meta":{"pid":1,"group":"web"},"data":{"__proto__":1}}`, failed('forbidden_key', '/data/__proto__', 'forbiddenKey', 'is a key that could pollute object prototypes')],
    ['constructor.prototype', frameText({ data: { constructor: { prototype: 1 } } }), failed('forbidden_key', '/data/constructor/prototype', 'forbiddenKey', 'is a key that could pollute object prototypes')],
    ['a batch without frames', JSON.stringify({ v: 2, kind: 'batch', id: 'b', meta: PUBLIC.meta, data: [] }), failed('invalid_frame', '/data', 'minItems', 'must NOT have fewer than 1 items')],
  ])('%s', (_name, raw, expected) => {
    expect(decode(raw)).toStrictEqual(expected);
  });

  test('a frame after whitespace is still read (another writer may indent), and garbage leaves Error.stackTraceLimit as it was', () => {
    const limit = Error.stackTraceLimit;
    const text = frameText({});
    expect(decode(`\n ${text}`)).toStrictEqual(decode(text));
    expect(decode(text).ok).toBe(true);
    expect(decode('garbage').ok).toBe(false);
    expect(decode(' {"v":2,').ok).toBe(false);
    expect(Error.stackTraceLimit).toBe(limit);
  });

  test('not a string nor a Buffer', () => {
    expect(decode(42 as unknown as string)).toStrictEqual(failed('not_json', '', 'type', 'is neither a string nor a Buffer'));
  });

  test('too deep and a forbidden key are told apart, and the depth named is the codec’s own', () => {
    const codec = createCodec({ maxDepth: 3 });
    expect(codec.decode(frameText({ data: { a: { b: [] } } }))).toStrictEqual(failed('too_deep', '/data/a/b', 'maxDepth', 'nests deeper than 3 levels'));
    expect(codec.decode(frameText({ data: { constructor: { prototype: 1 } } }))).toStrictEqual(
      failed('forbidden_key', '/data/constructor/prototype', 'forbiddenKey', 'is a key that could pollute object prototypes'),
    );
  });

  test('too large: the limit is named, for text and for bytes', () => {
    const codec = createCodec({ maxBytes: 64 });
    const raw = frameText({ data: 'x'.repeat(64) });
    const expected = failed('too_large', '', 'maxBytes', 'is larger than the 64-byte frame limit');
    expect(codec.decode(raw)).toStrictEqual(expected);
    expect(codec.decode(Buffer.from(raw))).toStrictEqual(expected);
  });

  test('an unknown kind is quoted in the message cut to its first 64 characters', () => {
    const kindOf = (length: number) => `k${'x'.repeat(length - 1)}`;
    const messageFor = (kind: string) => failure(decode(frameText({ kind }))).issues[0]!.message;
    expect(messageFor(kindOf(64))).toBe(`is "${kindOf(64)}", not a known kind`);
    expect(messageFor(kindOf(65))).toBe(`is "${kindOf(64)}", not a known kind`);
    const long = failure(decode(frameText({ kind: kindOf(5000) })));
    expect(long.message).toBe(`unknown_kind: /kind is "${kindOf(64)}", not a known kind`);
    expect(long.issues).toEqual([{ path: '/kind', keyword: 'enum', message: `is "${kindOf(64)}", not a known kind` }]);
  });

  test('a frame inside a batch fails with paths and rules of its own', () => {
    const codec = createCodec();
    const meta = { pid: 4242, group: 'web', instance: 'k3x9Qa' };
    const item = (changes: Record<string, unknown>) => ({ v: 2, kind: 'group', id: 'g.1', meta, data: 1, ...changes });
    const batch = { v: 2 as const, kind: 'batch' as const, id: 'b', meta, data: [item({}), item({ kind: 'batch' }), item({ meta: { ...meta, pid: 1 } }), item({ meta: { ...meta, group: 'jobs' } }), item({ meta: { ...meta, host: 'h1' } }), item({ kind: 'shout' }), item({ v: 3 }), item({ data: { constructor: { prototype: 1 } } }), item({ id: 7 })] };
    const notSender = (index: number) => failed('invalid_frame', `/data/${index}/meta`, 'const', "is not the batch's sender");
    expect(codec.unpack(batch as never)).toStrictEqual([
      { ok: true, frame: item({}) },
      failed('invalid_frame', '/data/1/kind', 'not', 'is batch; a batch cannot carry a batch'),
      notSender(2),
      notSender(3),
      notSender(4),
      failed('unknown_kind', '/data/5/kind', 'enum', 'is "shout", not a known kind'),
      failed('unsupported_version', '/data/6/v', 'const', 'is version 3; this reader understands version 2', { version: 3 }),
      failed('forbidden_key', '/data/7/data/constructor/prototype', 'forbiddenKey', 'is a key that could pollute object prototypes'),
      failed('invalid_frame', '/data/8/id', 'type', 'must be string'),
    ]);
  });
});

describe('encode errors name the field, the rule and the fix', () => {
  const codec = createCodec();
  const FORBIDDEN = 'is a key that could pollute object prototypes. Rename the key: readers drop frames with "__proto__" or "constructor.prototype" keys.';

  test('a forbidden key: how to rename it, and no cause', () => {
    for (const [data, field] of [
      [JSON.parse('{"__proto__": {"polluted": true}}') as unknown, '/data/__proto__'],
      [{ constructor: { prototype: 1 } }, '/data/constructor/prototype'],
    ] as const) {
      const error = expectClustrError(() => encode({ ...PUBLIC, data }), 'CLUSTR_INVALID_FRAME', field);
      expect(error.message).toBe(`frame field ${field} ${FORBIDDEN}`);
      expect('cause' in error).toBe(false);
    }
  });

  test('too deep: how to flatten it, naming the codec’s own depth, and no cause', () => {
    const error = expectClustrError(() => createCodec({ maxDepth: 3 }).encode({ ...PUBLIC, data: { a: { b: [] } } }), 'CLUSTR_INVALID_FRAME', '/data/a/b');
    expect(error.message).toBe('frame field /data/a/b nests deeper than 3 levels. Flatten the data, or raise maxDepth on every process.');
    expect('cause' in error).toBe(false);
  });

  test('nesting that overflows JSON.stringify: the real rule and fix, with the RangeError as the cause', () => {
    let deep: unknown = [];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const field = `/data${'/0'.repeat(DEFAULT_MAX_DEPTH - 1)}`;
    const error = expectClustrError(() => encode({ ...PUBLIC, data: deep }), 'CLUSTR_INVALID_FRAME', field);
    expect(error.message).toBe(`frame field ${field} nests deeper than ${DEFAULT_MAX_DEPTH} levels. Flatten the data, or raise maxDepth on every process.`);
    expect(error.cause).toBeInstanceOf(RangeError);
    // A forbidden key met first, in document order, is what gets named.
    const polluted = JSON.parse('{"__proto__": 1}') as Record<string, unknown>;
    polluted['deep'] = deep;
    const first = expectClustrError(() => encode({ ...PUBLIC, data: polluted }), 'CLUSTR_INVALID_FRAME', '/data/__proto__');
    expect(first.message).toBe(`frame field /data/__proto__ ${FORBIDDEN}`);
    expect(first.cause).toBeInstanceOf(RangeError);
  });

  test('a schema error names the field, or (root) for the frame itself', () => {
    expect(expectClustrError(() => encode({ ...PUBLIC, meta: { group: 'web' } } as unknown as Frame), 'CLUSTR_INVALID_FRAME', '/meta/pid').message).toBe(
      'frame field /meta/pid is required but missing.',
    );
    expect(expectClustrError(() => encode(Object.assign([], { kind: 'public' }) as unknown as Frame), 'CLUSTR_INVALID_FRAME', '').message).toBe(
      'frame field (root) must be object.',
    );
  });

  test('an unknown kind lists the kinds there are', () => {
    const error = expectClustrError(() => encode({ ...PUBLIC, kind: 'shout' } as unknown as Frame), 'CLUSTR_INVALID_FRAME', '/kind');
    expect(error.message).toBe(`frame.kind must be one of ${FRAME_KINDS.join(', ')}; got "shout".`);
  });

  test('data JSON cannot write: the reason, what to send instead, and the cause', () => {
    const error = expectClustrError(() => codec.encode({ ...PUBLIC, data: { n: 10n } }), 'CLUSTR_NOT_SERIALIZABLE', '/data');
    const cause = error.cause as TypeError;
    expect(error.message).toBe(`frame data cannot be written as JSON: ${cause.message}. Send plain objects, arrays, strings, numbers and booleans.`);
  });
});

describe('createCodec limits at their edges', () => {
  /** JSON text of exactly `bytes` bytes: an object that is not a frame. */
  const textOf = (bytes: number) => `{"x":"${'a'.repeat(bytes - 8)}"}`;
  /** A public frame of exactly `bytes` bytes. */
  const frameOf = (bytes: number): Frame => ({ ...PUBLIC, data: 'a'.repeat(bytes - Buffer.byteLength(JSON.stringify({ ...PUBLIC, data: '' }))) });

  test('maxBytes 64 is the smallest accepted, and decode reads up to exactly 64 bytes', () => {
    const codec = createCodec({ maxBytes: 64 });
    expect(codec.maxBytes).toBe(64);
    expect(textOf(64)).toHaveLength(64);
    // 64 bytes pass the size check and fail as what they are; 65 do not.
    expect(failure(codec.decode(textOf(64))).reason).toBe('invalid_frame');
    expect(failure(codec.decode(Buffer.from(textOf(64)))).reason).toBe('invalid_frame');
    expect(failure(codec.decode(textOf(65))).reason).toBe('too_large');
    expect(failure(codec.decode(Buffer.from(textOf(65)))).reason).toBe('too_large');
    expectClustrError(() => createCodec({ maxBytes: 63 }), 'CLUSTR_INVALID_OPTION', 'maxBytes');
  });

  test('the option errors quote the value given', () => {
    expect(expectClustrError(() => createCodec({ maxBytes: 63 }), 'CLUSTR_INVALID_OPTION', 'maxBytes').message).toBe('maxBytes must be an integer of at least 64; got 63.');
    expect(expectClustrError(() => createCodec({ maxDepth: 1 }), 'CLUSTR_INVALID_OPTION', 'maxDepth').message).toBe('maxDepth must be an integer of at least 2; got 1.');
    expect(expectClustrError(() => createCodec({ maxBytes: 128, reserveBytes: 65 }), 'CLUSTR_INVALID_OPTION', 'reserveBytes').message).toBe(
      'reserveBytes must be an integer from 0 to maxBytes - 64; got 65.',
    );
  });

  test.each([-1, 65, 1.5, Number.NaN, '8'])('refuses reserveBytes %p with maxBytes 128', (reserveBytes) => {
    expectClustrError(() => createCodec({ maxBytes: 128, reserveBytes: reserveBytes as number }), 'CLUSTR_INVALID_OPTION', 'reserveBytes');
  });

  test('reserveBytes from 0 to maxBytes - 64 are accepted', () => {
    for (const reserveBytes of [0, 1, 64]) expect(createCodec({ maxBytes: 128, reserveBytes }).maxBytes).toBe(128);
  });

  test('encode keeps reserveBytes free under maxBytes; decode still reads up to maxBytes', () => {
    const codec = createCodec({ maxBytes: 200, reserveBytes: 50 });
    expect(codec.encode(frameOf(150))).toHaveLength(150);
    const error = expectClustrError(() => codec.encode(frameOf(151)), 'CLUSTR_FRAME_TOO_LARGE', '/data');
    expect(error.message).toBe('the encoded frame is larger than the 200-byte limit (50 of them kept for the sequence number and signature). Send less data, or raise maxFrameBytes on every process.');
    expect(codec.decode(JSON.stringify(frameOf(200)))).toStrictEqual({ ok: true, frame: frameOf(200) });
    expect(failure(codec.decode(JSON.stringify(frameOf(201)))).reason).toBe('too_large');
  });

  test('without reserveBytes encode writes up to exactly maxBytes, and says nothing of kept bytes past it', () => {
    const codec = createCodec({ maxBytes: 200 });
    expect(codec.encode(frameOf(200))).toHaveLength(200);
    const error = expectClustrError(() => codec.encode(frameOf(201)), 'CLUSTR_FRAME_TOO_LARGE', '/data');
    expect(error.message).toBe('the encoded frame is larger than the 200-byte limit. Send less data, or raise maxFrameBytes on every process.');
  });
});

describe('the forbidden-key rule: "__proto__" anywhere, "prototype" only directly under "constructor"', () => {
  // Each value holds the text "proto", so decode cannot rule it out by a look at the text and must walk it.
  const ALLOWED: Array<[string, unknown]> = [
    ['harmless keys under constructor', { constructor: { name: 'proto', protocol: 1, length: 2 } }],
    ['constructor under constructor', { constructor: { constructor: { protocol: 1 } } }],
    ['prototype not under constructor', { prototype: { protocol: 1 }, a: { prototype: 1 } }],
    ['constructor and prototype side by side', { a: { constructor: 'proto', prototype: 1 } }],
    ['prototype in an array under constructor', { constructor: [{ prototype: 'proto' }] }],
  ];
  const REFUSED: Array<[string, unknown, string]> = [
    ['constructor.prototype', { constructor: { prototype: 1 } }, '/data/constructor/prototype'],
    ['constructor.prototype beside harmless keys', { constructor: { name: 'x', prototype: 1 } }, '/data/constructor/prototype'],
    ['constructor.prototype in an array', [1, { constructor: { prototype: 1 } }], '/data/1/constructor/prototype'],
    ['constructor.prototype deeper in', { a: { b: { constructor: { prototype: {} } } } }, '/data/a/b/constructor/prototype'],
  ];
  const META = { pid: 4242, group: 'web', instance: 'k3x9Qa' };
  // meta.host keeps a frame off the decode fast path: the full checks decide.
  const ways = [
    ['a plain frame', META],
    ['a frame with meta.host (full checks)', { ...META, host: 'node-1' }],
  ] as const;

  describe.each(ways)('%s', (_way, meta) => {
    const frameWith = (data: unknown) => ({ v: 2, kind: 'public', id: 'f-1', meta, data }) as Frame;

    test.each(ALLOWED)('accepts %s', (_name, data) => {
      const frame = frameWith(data);
      // toEqual: toStrictEqual would compare the objects' own "constructor" keys as their classes.
      expect(decode(JSON.stringify(frame))).toEqual({ ok: true, frame });
      expect(encode(frame)).toBe(JSON.stringify(frame));
      // A Date (toJSON) makes encode check the written text rather than the object.
      const dated = { ...frame, data: { at: new Date(0), data } } as Frame;
      expect(createCodec().encodeTrusted(dated)).toBe(JSON.stringify(dated));
      const codec = createCodec();
      const batch = decode(codec.encodeBatch({ id: 'b', meta }, [codec.encode(frame)]));
      expect(batch.ok && batch.frame.kind === 'batch' && codec.unpack(batch.frame)).toEqual([{ ok: true, frame }]);
    });

    test.each(REFUSED)('refuses %s', (_name, data, path) => {
      const frame = frameWith(data);
      expect(decode(JSON.stringify(frame))).toMatchObject({ ok: false, reason: 'forbidden_key', issues: [{ path, keyword: 'forbiddenKey' }] });
      expectClustrError(() => encode(frame), 'CLUSTR_INVALID_FRAME', path);
      expectClustrError(() => createCodec().encodeTrusted({ ...frame, data: { at: new Date(0), data } } as Frame), 'CLUSTR_INVALID_FRAME', path.replace('/data', '/data/data'));
      const codec = createCodec();
      const batch = decode(codec.encodeBatch({ id: 'b', meta }, [JSON.stringify(frame)]));
      expect(batch.ok && batch.frame.kind === 'batch' && codec.unpack(batch.frame)).toMatchObject([{ ok: false, reason: 'forbidden_key', issues: [{ path: `/data/0${path}` }] }]);
    });
  });
});

describe('a stale or broken generated validator set (an install that skipped `pnpm schema`)', () => {
  /** A fresh codec module over a stand-in generated index. */
  function codecWith(index: { kinds: readonly string[]; loadValidator(kind: string): unknown }): () => typeof CodecModule {
    return () => {
      let loaded: typeof CodecModule | undefined;
      jest.isolateModules(() => {
        jest.doMock('../../src/generated/frame-validators', () => index);
        loaded = jest.requireActual<typeof CodecModule>('../../src/codec');
      });
      return loaded!;
    };
  }

  test('an index without a kind fails at load, naming the kind and the fix', () => {
    const load = codecWith({ kinds: FRAME_KINDS.filter((kind) => kind !== 'heartbeat'), loadValidator: () => undefined });
    expect(load).toThrow('@clustr/protocol: src/generated/frame-validators.js has no validator for heartbeat; run `pnpm schema` and rebuild.');
  });

  test("a kind whose module exports no validator fails when that kind is first checked, naming the file; the others still work", () => {
    const real = jest.requireActual<typeof Generated>('../../src/generated/frame-validators');
    const asked: string[] = [];
    const { createCodec: create } = codecWith({
      kinds: FRAME_KINDS,
      loadValidator: (kind: string) => {
        asked.push(kind);
        return kind === 'register' ? undefined : real.loadValidator(kind);
      },
    })();
    const codec = create();
    const meta = { pid: 42, group: 'web', instance: 'abc' };
    expect(codec.decode(JSON.stringify({ v: 2, kind: 'deregister', id: 'f1', meta, data: { pid: 42 } })).ok).toBe(true);
    expect(codec.decode(JSON.stringify({ v: 2, kind: 'deregister', id: 'f2', meta, data: { pid: 43 } })).ok).toBe(true);
    expect(() => codec.decode(JSON.stringify({ v: 2, kind: 'register', id: 'f3', meta, data: { parentPid: 1 } }))).toThrow(
      '@clustr/protocol: src/generated/validators/register.js exports no validator; run `pnpm schema` and rebuild.',
    );
    // Each kind's module is asked for once, and only when a frame of that kind needs it.
    expect(asked).toEqual(['deregister', 'register']);
  });
});
