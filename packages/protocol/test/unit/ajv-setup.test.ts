/**
 * createAjv() redefines minLength/maxLength to skip counting code points when the
 * UTF-16 length decides. It must give exactly Ajv's verdicts and errors, and it
 * must actually skip the count (that is its only reason to exist).
 */
import * as ajvModule from 'ajv';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import { createAjv } from '../../src/ajv-setup';
import { compileMessageSchemas } from '../../src';

jest.mock('ajv/dist/runtime/ucs2length', () => {
  const actual = jest.requireActual<{ default: (s: string) => number }>('ajv/dist/runtime/ucs2length');
  return { __esModule: true, default: jest.fn(actual.default) };
});
const counted = ucs2length as unknown as jest.Mock;

const OPTIONS = { allErrors: true, strict: false, allowUnionTypes: true } as const;
const FIRST_ERROR_ONLY = { ...OPTIONS, allErrors: false } as const;
const PIECES = ['a', 'é', '😀', '\ud83d', '\ude00', '日'];

/** Every string of up to 4 pieces from PIECES, plus long ones: 1,573 strings with 0 to 130 UTF-16 units. */
function strings(): string[] {
  let level = [''];
  const all = [''];
  for (let n = 0; n < 4; n++) {
    level = level.flatMap((s) => PIECES.map((p) => s + p));
    all.push(...level);
  }
  for (const n of [63, 64, 65, 127, 128, 129]) all.push('x'.repeat(n), '😀'.repeat(Math.ceil(n / 2)), `${'x'.repeat(n - 1)}😀`);
  return all;
}

describe('createAjv length keywords', () => {
  const limits = [0, 1, 2, 3, 4, 5, 7, 8, 64, 65];
  const schemas = limits.flatMap((n) => [
    { type: 'string', maxLength: n },
    { type: 'string', minLength: n },
    { type: 'string', minLength: n, maxLength: n + 1 },
    // Beside another string keyword the order of checks shows: with allErrors off only the first error is reported.
    { type: 'string', pattern: '^[a-z]*$', maxLength: n },
    { type: 'string', minLength: n, pattern: '^[^\\ud800-\\udfff]*$' },
  ]);
  const cases = schemas.flatMap((schema) => [OPTIONS, FIRST_ERROR_ONLY].map((options) => [`${JSON.stringify(schema)}, allErrors ${String(options.allErrors)}`, schema, options] as const));

  it.each(cases)('agree with Ajv built-ins on verdicts and errors for %s', (_name, schema, options) => {
    const builtIn = new ajvModule.default(options).compile(schema);
    const ours = createAjv(ajvModule, options).compile(schema);
    const disagreements: string[] = [];
    for (const s of strings()) {
      const a = builtIn(s);
      const b = ours(s);
      if (a !== b || JSON.stringify(builtIn.errors) !== JSON.stringify(ours.errors)) disagreements.push(JSON.stringify(s));
    }
    expect(disagreements).toEqual([]);
  });

  it('counts code points only when the UTF-16 length cannot decide', () => {
    const maxLength = createAjv(ajvModule, OPTIONS).compile({ type: 'string', maxLength: 256 });
    const minLength = createAjv(ajvModule, OPTIONS).compile({ type: 'string', minLength: 10 });
    counted.mockClear();
    expect(maxLength('x'.repeat(72))).toBe(true);
    expect(minLength('x'.repeat(20))).toBe(true);
    expect(minLength('x'.repeat(9))).toBe(false);
    expect(counted).not.toHaveBeenCalled();
    // Between the bounds the count decides: 300 units may be 150 code points.
    expect(maxLength('😀'.repeat(150))).toBe(true);
    expect(minLength('😀'.repeat(6))).toBe(false);
    expect(counted).toHaveBeenCalledTimes(2);
  });

  it('is what user message schemas are compiled with', () => {
    const validate = compileMessageSchemas({ private: { type: 'object', properties: { body: { type: 'string', maxLength: 3 } } } as never });
    counted.mockClear();
    expect(validate.private({ body: 'abc' })).toEqual({ ok: true });
    expect(counted).not.toHaveBeenCalled();
    expect(validate.private({ body: '😀😀😀' })).toEqual({ ok: true });
    expect(validate.private({ body: 'abcd' })).toMatchObject({ ok: false, message: '/data/body must NOT have more than 3 characters' });
  });
});
