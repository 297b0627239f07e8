/**
 * The rules JSON Schema cannot express (src/structure.ts): nesting depth and
 * prototype-polluting keys, as decode, unpack and encode apply them. Each rule is
 * tested on both of decode's paths: a plain frame (the fast path decides) and a
 * frame with `meta.host` (the fast path declines, the full checks decide).
 */
import { ClustrError, createCodec, type DecodeResult, type Frame } from '../../src';
import { structureProblem, walk } from '../../src/structure';

const META = { pid: 4242, group: 'web', instance: 'k3x9Qa' };
const WAYS = [
  ['a plain frame', META],
  ['a frame with meta.host (full checks)', { ...META, host: 'node-1' }],
] as const;

/** `levels` nested arrays (or objects under key `k`) around an empty one: `levels + 1` levels in all. */
function arrays(levels: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}
function objects(levels: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < levels; i++) value = { k: value };
  return value;
}

function problemOf(result: DecodeResult): { reason: string; path: string; keyword: string } | 'ok' {
  if (result.ok) return 'ok';
  return { reason: result.reason, path: result.issues[0]!.path, keyword: result.issues[0]!.keyword };
}

function encodeProblem(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(ClustrError);
    return `${(error as ClustrError).code} ${(error as ClustrError).field}`;
  }
}

describe.each(WAYS)('the depth limit, on %s', (_way, meta) => {
  // The frame is level 1 and data level 2: with maxDepth 5, data may hold 3 more levels.
  const codec = createCodec({ maxDepth: 5 });
  const frameWith = (data: unknown) => ({ v: 2, kind: 'public', id: 'f-1', meta, data }) as Frame;

  test.each([
    ['arrays only', arrays(3), arrays(4), '/data/0/0/0/0'],
    ['objects only', objects(3), objects(4), '/data/k/k/k/k'],
    ['objects and arrays', { a: [{ b: [] }] }, { a: [{ b: [[]] }] }, '/data/a/0/b/0'],
  ])('%s: exactly maxDepth is accepted, one level more is refused at the deepest value', (_name, deepest, tooDeep, path) => {
    expect(problemOf(codec.decode(JSON.stringify(frameWith(deepest))))).toBe('ok');
    expect(codec.encode(frameWith(deepest))).toBe(JSON.stringify(frameWith(deepest)));
    expect(problemOf(codec.decode(JSON.stringify(frameWith(tooDeep))))).toEqual({ reason: 'too_deep', path, keyword: 'maxDepth' });
    expect(encodeProblem(() => codec.encode(frameWith(tooDeep)))).toBe(`CLUSTR_INVALID_FRAME ${path}`);
    // A Date makes encodeTrusted (no schema check) check the text it wrote instead of the object: the same limit.
    const dated = (data: unknown) => ({ ...frameWith(data), at: new Date(0) }) as unknown as Frame;
    expect(codec.encodeTrusted(dated(deepest))).toBe(JSON.stringify(dated(deepest)));
    expect(encodeProblem(() => codec.encodeTrusted(dated(tooDeep)))).toBe(`CLUSTR_INVALID_FRAME ${path}`);
  });

  test('a wide frame is not a deep one: many openers at shallow levels pass', () => {
    const wide = Array.from({ length: 50 }, (_, i) => ({ [`k${i}`]: [[]] }));
    expect(problemOf(codec.decode(JSON.stringify(frameWith(wide))))).toBe('ok');
  });

  test('the first problem in document order is the one named', () => {
    const pollutedThenDeep = `{"v":2,"kind":"public","id":"f-1","meta":${JSON.stringify(meta)},"data":{"a":{"__proto__":1},"b":${JSON.stringify(arrays(4))}}}`;
    const deepThenPolluted = `{"v":2,"kind":"public","id":"f-1","meta":${JSON.stringify(meta)},"data":{"b":${JSON.stringify(arrays(4))},"a":{"__proto__":1}}}`;
    expect(problemOf(codec.decode(pollutedThenDeep))).toEqual({ reason: 'forbidden_key', path: '/data/a/__proto__', keyword: 'forbiddenKey' });
    expect(problemOf(codec.decode(deepThenPolluted))).toEqual({ reason: 'too_deep', path: '/data/b/0/0/0', keyword: 'maxDepth' });
  });

  test('inside a batch, each frame counts its own levels from 1', () => {
    const batchCodec = createCodec({ maxDepth: 5 });
    const texts = [frameWith(arrays(3)), frameWith(arrays(4))].map((f) => JSON.stringify(f));
    const batch = batchCodec.decode(batchCodec.encodeBatch({ id: 'b', meta }, texts));
    if (!batch.ok || batch.frame.kind !== 'batch') throw new Error('the batch did not decode');
    expect(batchCodec.unpack(batch.frame).map((r) => (r.ok ? 'ok' : { reason: r.reason, path: r.issues[0]!.path }))).toEqual([
      'ok',
      { reason: 'too_deep', path: '/data/1/data/0/0/0/0' },
    ]);
  });
});

describe.each(WAYS)('forbidden keys in paths that need escaping, on %s', (_way, meta) => {
  test('"~" and "/" in the keys above are escaped as ~0 and ~1, every one of them', () => {
    const raw = `{"v":2,"kind":"public","id":"f-1","meta":${JSON.stringify(meta)},"data":{"a~~b//c":{"x/~y":{"__proto__":1}}}}`;
    expect(problemOf(createCodec().decode(raw))).toEqual({ reason: 'forbidden_key', path: '/data/a~0~0b~1~1c/x~1~0y/__proto__', keyword: 'forbiddenKey' });
  });
});

describe('walk: the rules on a parsed value', () => {
  test('a constructor.prototype pair is forbidden; prototype elsewhere, constructor alone and an empty key are plain names', () => {
    expect(walk({ a: { constructor: { prototype: {} } } }, 10)).toEqual({ reason: 'forbidden_key', path: '/a/constructor/prototype' });
    expect(walk(JSON.parse('{"a":{"__proto__":{}}}'), 10)).toEqual({ reason: 'forbidden_key', path: '/a/__proto__' });
    for (const fine of [{ prototype: {} }, { model: { prototype: 1 } }, { constructor: { name: 'x', length: 1 } }, { constructor: 1 }, { '': { '': 1 } }, [{ prototype: 1 }], { constructor: [{ prototype: 1 }] }]) {
      expect([fine, walk(fine, 10)]).toEqual([fine, undefined]);
    }
  });

  test('depth counts containers only: a scalar one level below the limit is fine, an empty container there is not', () => {
    expect(walk({ k: { k: 'text' } }, 2)).toBeUndefined();
    expect(walk({ k: [1, 'two', null, true] }, 2)).toBeUndefined();
    expect(walk({ k: { k: {} } }, 2)).toEqual({ reason: 'too_deep', path: '/k/k' });
    expect(walk({ k: [[]] }, 2)).toEqual({ reason: 'too_deep', path: '/k/0' });
    expect(walk('a string root', 1)).toBeUndefined();
  });

  test('paths start from the base given (a frame inside a batch)', () => {
    expect(walk({ a: [{ b: 1 }] }, 10, '/data/3')).toBeUndefined();
    expect(walk(JSON.parse('{"a":[{"__proto__":1}]}'), 10, '/data/3')).toEqual({ reason: 'forbidden_key', path: '/data/3/a/0/__proto__' });
  });
});

describe('structureProblem: the parsed value is only asked for when the text cannot rule both rules out', () => {
  function check(raw: string, maxDepth: number): { asked: boolean; problem: ReturnType<typeof structureProblem> } {
    let asked = false;
    const problem = structureProblem(raw, () => ((asked = true), JSON.parse(raw) as unknown), maxDepth);
    return { asked, problem };
  }

  test('no "proto", no escape and few enough openers: the value is never parsed', () => {
    // Long text (well over 2 * maxDepth) with exactly maxDepth openers, of both kinds.
    expect(check(`{"a":[${'"x",'.repeat(40)}"y"],"b":{"c":1}}`, 3)).toEqual({ asked: false, problem: undefined });
    expect(check('{"a":1}', 3)).toEqual({ asked: false, problem: undefined });
    expect(check(`{"a":"${'z'.repeat(100)}"}`, 1)).toEqual({ asked: false, problem: undefined });
  });

  test('"proto" or a \\u escape in the text, or more openers than maxDepth: the value is walked', () => {
    expect(check('{"__proto__":1}', 3)).toEqual({ asked: true, problem: { reason: 'forbidden_key', path: '/__proto__' } });
    expect(check('{"protocol":1}', 3)).toEqual({ asked: true, problem: undefined });
    expect(check('{"\\u005f_proto__":1}', 3)).toEqual({ asked: true, problem: { reason: 'forbidden_key', path: '/__proto__' } });
    expect(check('{"a":[[[]]]}', 3)).toEqual({ asked: true, problem: { reason: 'too_deep', path: '/a/0/0' } });
    // Four openers, but side by side: walked, and nothing found.
    expect(check('{"a":[],"b":{},"c":[]}', 3)).toEqual({ asked: true, problem: undefined });
  });
});
