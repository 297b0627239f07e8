import Ajv from 'ajv';
import { Type, type TSchema } from '@sinclair/typebox';
import { ClustrError, USER_MESSAGE_KINDS, compileMessageSchemas, type DataValidationFailure } from '../../src';

const Order = Type.Object({
  orderId: Type.String({ minLength: 1 }),
  items: Type.Array(Type.Object({ sku: Type.String(), qty: Type.Integer({ minimum: 1 }) }), { minItems: 1 }),
  note: Type.Optional(Type.String()),
});

function rejected(result: ReturnType<ReturnType<typeof compileMessageSchemas>['public']>): DataValidationFailure {
  if (result.ok) throw new Error('expected the data to be rejected');
  return result;
}

describe('compileMessageSchemas', () => {
  test('the user message kinds are public, private and group', () => {
    expect(USER_MESSAGE_KINDS).toEqual(['public', 'private', 'group']);
  });

  test('accepts data matching the TypeBox schema', () => {
    const validators = compileMessageSchemas({ public: Order, group: Type.Union([Type.Literal('ping'), Type.Literal('pong')]) });
    expect(validators.public({ orderId: 'o-1', items: [{ sku: 'A', qty: 2 }] })).toEqual({ ok: true });
    expect(validators.public({ orderId: 'o-1', items: [{ sku: 'A', qty: 2 }], note: 'gift' })).toEqual({ ok: true });
    expect(validators.group('pong')).toEqual({ ok: true });
  });

  test.each([
    ['a nested wrong type', { orderId: 'o-1', items: [{ sku: 'A', qty: 'two' }] }, '/data/items/0/qty', 'type'],
    ['a nested value out of range', { orderId: 'o-1', items: [{ sku: 'A', qty: 0 }] }, '/data/items/0/qty', 'minimum'],
    ['a missing field', { items: [{ sku: 'A', qty: 1 }] }, '/data/orderId', 'required'],
    ['a missing nested field', { orderId: 'o-1', items: [{ qty: 1 }] }, '/data/items/0/sku', 'required'],
    ['an empty array', { orderId: 'o-1', items: [] }, '/data/items', 'minItems'],
    ['the wrong root type', 'not an order', '/data', 'type'],
    ['null', null, '/data', 'type'],
  ])('reports %s with a /data path', (_name, data, path, keyword) => {
    const validators = compileMessageSchemas({ private: Order });
    const result = rejected(validators.private(data));
    expect(result.issues[0]).toMatchObject({ path, keyword });
    expect(result.message.startsWith(`${path} `)).toBe(true);
  });

  test('kinds without a schema accept any value', () => {
    const validators = compileMessageSchemas({ public: Order });
    for (const data of [undefined, null, 5, 'x', [], { anything: true }]) {
      expect(validators.private(data)).toEqual({ ok: true });
      expect(validators.group(data)).toEqual({ ok: true });
    }
    const none = compileMessageSchemas(undefined);
    for (const kind of USER_MESSAGE_KINDS) expect(none[kind]({ whatever: 1 })).toEqual({ ok: true });
  });

  test('compiles each schema once, not once per message', () => {
    const compile = jest.spyOn(Ajv.prototype, 'compile');
    try {
      const validators = compileMessageSchemas({ public: Order, private: Order, group: Type.String() });
      expect(compile).toHaveBeenCalledTimes(3);
      for (let i = 0; i < 100; i++) {
        validators.public({ orderId: `o-${i}`, items: [{ sku: 'A', qty: 1 }] });
        validators.group(i);
      }
      expect(compile).toHaveBeenCalledTimes(3);
    } finally {
      compile.mockRestore();
    }
  });

  test('equal schemas with the same $id can be compiled again (one process per test, say)', () => {
    const build = () => Type.Object({ n: Type.Number() }, { $id: 'Counter' });
    const first = compileMessageSchemas({ public: build(), group: build() });
    const second = compileMessageSchemas({ public: build() });
    expect(first.public({ n: 1 })).toEqual({ ok: true });
    expect(first.group({ n: 1 })).toEqual({ ok: true });
    expect(rejected(second.public({ n: 'one' })).issues[0]!.path).toBe('/data/n');
  });

  test.each([
    ['an unknown type', { type: 'nope' }],
    ['a TypeBox type that is not JSON', Type.BigInt()],
    ['a broken pattern', Type.String({ pattern: '([' })],
    ['an unresolvable $ref', Type.Ref('Missing')],
    ['an object that is no schema', { name: 'order' }],
    ['a misspelt keyword', { type: 'object', propertes: { id: { type: 'string' } } }],
    ['a misspelt keyword deep inside', Type.Object({ id: Type.String({ maxLenght: 3 } as object) })],
  ])('throws CLUSTR_INVALID_OPTION for %s, naming the kind and keeping the cause', (_name, schema) => {
    let caught: unknown;
    try {
      compileMessageSchemas({ public: Order, group: schema as TSchema });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ClustrError);
    const error = caught as ClustrError;
    expect(error.code).toBe('CLUSTR_INVALID_OPTION');
    expect(error.field).toBe('messages.group');
    expect(error.message).toMatch(/^messages\.group is not a valid schema: /);
    expect(error.message).toContain("TypeBox's Type.*");
    expect(error.cause).toBeInstanceOf(Error);
  });
});

describe('compileMessageSchemas: what counts as a schema', () => {
  test('a plain empty object is refused with the two ways to accept anything; Type.Any() and annotations are schemas', () => {
    let caught: unknown;
    try {
      compileMessageSchemas({ private: {} as TSchema });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'messages.private' });
    expect((caught as Error).message).toBe('messages.private is an empty object, which is no schema clustr can tell from a mistake. To accept any value, leave messages.private out or use Type.Any().');
    const validators = compileMessageSchemas({ private: Type.Any(), public: Type.Unknown(), group: Type.String({ title: 'job', description: 'a job id', examples: ['j1'], default: 'j0' }) });
    expect(validators.private({ anything: [1] })).toEqual({ ok: true });
    expect(validators.public(null)).toEqual({ ok: true });
    expect(validators.group('j2')).toEqual({ ok: true });
    expect(rejected(validators.group(2)).issues[0]).toMatchObject({ path: '/data', keyword: 'type' });
  });

  test('formats are validated, and vendor annotations (x-…) are allowed at any depth', () => {
    const validators = compileMessageSchemas({
      public: Type.Object({ email: Type.String({ format: 'email' }), id: Type.String({ format: 'uuid' }), at: Type.String({ format: 'date-time' }) }, { 'x-doc': 'a signup' }),
      group: Type.Object({ n: Type.Integer({ 'x-unit': 'items' }) }),
    });
    const good = { email: 'a@example.com', id: '3f2b8c1e-9d4a-4e6b-8f1a-2c3d4e5f6a7b', at: '2026-11-30T05:00:00Z' };
    expect(validators.public(good)).toEqual({ ok: true });
    expect(rejected(validators.public({ ...good, email: 'not an email' })).issues[0]).toMatchObject({ path: '/data/email', keyword: 'format' });
    expect(rejected(validators.public({ ...good, id: 'x' })).issues[0]).toMatchObject({ path: '/data/id', keyword: 'format' });
    expect(validators.group({ n: 3 })).toEqual({ ok: true });
  });

  test('property names that start with x- (or hold a space) are names, not annotations: their schemas are checked, annotations inside them allowed', () => {
    const validators = compileMessageSchemas({
      public: Type.Object({ 'x-trace': Type.String({ 'x-doc': 'a trace id' }), 'x-trace id': Type.Integer(), format: Type.Boolean() }),
      private: Type.Union([Type.Literal('a'), Type.Literal('b')], { examples: [{ 'x-not-a-keyword': 1 }] }),
    });
    expect(validators.public({ 'x-trace': 't', 'x-trace id': 1, format: true })).toEqual({ ok: true });
    expect(rejected(validators.public({ 'x-trace': 1, 'x-trace id': 1, format: true })).issues[0]).toMatchObject({ path: '/data/x-trace', keyword: 'type' });
    expect(rejected(validators.public({ 'x-trace': 't', 'x-trace id': 'one', format: true })).issues[0]).toMatchObject({ path: '/data/x-trace id', keyword: 'type' });
    expect(validators.private('a')).toEqual({ ok: true });
    // Still strict where it matters: a misspelt keyword inside such a property fails creation.
    expect(() => compileMessageSchemas({ public: { type: 'object', properties: { 'x-trace': { tpye: 'string' } } } as never })).toThrow(/^messages\.public is not a valid schema: .*tpye/);
  });

  test('an unknown format is refused at creation, naming the field', () => {
    expect(() => compileMessageSchemas({ private: Type.String({ format: 'postcode' }) })).toThrow(/^messages\.private is not a valid schema: .*unknown format "postcode"/);
  });
});

describe('compileMessageSchemas: request and reply schemas', () => {
  const schemas = {
    request: Type.String(),
    requests: { resize: { request: Type.Object({ width: Type.Integer({ minimum: 1 }) }), reply: Type.Object({ area: Type.Integer() }) }, bare: {} },
  };

  test('validates bodies and replies by method, reporting paths under /data/body', () => {
    const validators = compileMessageSchemas(schemas);
    expect(validators.method('resize').request({ width: 2 })).toEqual({ ok: true });
    expect(rejected(validators.method('resize').request({ width: 0 })).issues[0]).toMatchObject({ path: '/data/body/width', keyword: 'minimum' });
    expect(rejected(validators.method('resize').reply({ area: 'big' })).issues[0]).toMatchObject({ path: '/data/body/area', keyword: 'type' });
    expect(validators.method(undefined).request('text')).toEqual({ ok: true });
    expect(rejected(validators.method(undefined).request(5)).issues[0]).toMatchObject({ path: '/data/body', keyword: 'type' });
  });

  test('a method without schemas, a method the schemas do not name, and a reply without a schema accept any value', () => {
    const validators = compileMessageSchemas(schemas);
    for (const data of [null, 5, 'x', { anything: true }]) {
      expect(validators.method('bare').request(data)).toEqual({ ok: true });
      expect(validators.method('unnamed-here').reply(data)).toEqual({ ok: true });
      expect(validators.method(undefined).reply(data)).toEqual({ ok: true });
    }
  });

  test('a request schema that does not compile is refused, naming its method', () => {
    expect(() => compileMessageSchemas({ requests: { resize: { reply: { type: 'nope' } as unknown as TSchema } } })).toThrow(
      expect.objectContaining({ code: 'CLUSTR_INVALID_OPTION', field: 'messages.requests.resize.reply' }),
    );
  });
});

describe('compileMessageSchemas: where annotations are looked for', () => {
  /** The error compileMessageSchemas throws for `schema` as messages.public, or 'compiled'. */
  function outcome(schema: unknown): string {
    try {
      compileMessageSchemas({ public: schema as TSchema });
      return 'compiled';
    } catch (error) {
      expect(error).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'messages.public' });
      return (error as Error).message;
    }
  }
  const annotated = { type: 'string', 'x-note': 'n' };
  /** `annotated` under `levels` schemas reached through `key` (an object schema), an array or a named map. */
  const under = {
    items: (levels: number) => Array.from({ length: levels }).reduce<unknown>((inner) => ({ type: 'array', items: inner }), annotated),
    anyOf: (levels: number) => Array.from({ length: levels / 2 }).reduce<unknown>((inner) => ({ anyOf: [inner] }), annotated),
    properties: (levels: number) => Array.from({ length: levels }).reduce<unknown>((inner) => ({ type: 'object', properties: { p: inner } }), annotated),
  };

  test.each(Object.keys(under) as Array<keyof typeof under>)('an annotation under %s is found down to 64 levels, and refused as unknown past them', (how) => {
    expect(outcome(under[how](64))).toBe('compiled');
    expect(outcome(under[how](66))).toMatch(/^messages\.public is not a valid schema: strict mode: unknown keyword: "x-note"/);
  });

  test('annotations are found under every kind of schema position, not under names or data', () => {
    expect(outcome({ type: 'object', properties: { a: { type: 'array', items: annotated } }, additionalProperties: annotated, $defs: { d: annotated } })).toBe('compiled');
    expect(outcome({ allOf: [annotated, { not: annotated }] })).toBe('compiled');
    // A vendor key that Ajv could not take as a keyword name is left to Ajv, which names it.
    expect(outcome({ type: 'string', 'x-my note': 1 })).toMatch(/unknown keyword: "x-my note"/);
  });

  test('a schema position holding null or a value of the wrong type is refused with Ajv’s reason', () => {
    expect(outcome({ type: 'string', description: null })).toMatch(/^messages\.public is not a valid schema: schema is invalid: data\/description must be string/);
    expect(outcome({ type: 'object', properties: null })).toMatch(/^messages\.public is not a valid schema: schema is invalid: data\/properties must be object/);
    expect(outcome(null)).toMatch(/^messages\.public is not a valid schema: /);
    expect(outcome('')).toMatch(/^messages\.public is not a valid schema: /);
  });
});

describe('compileMessageSchemas: request and reply schemas, each under its own name', () => {
  test('a reply schema alone validates replies of the method without a name; requests stay free', () => {
    const validators = compileMessageSchemas({ reply: Type.Integer() });
    expect(validators.method(undefined).reply(3)).toEqual({ ok: true });
    expect(rejected(validators.method(undefined).reply('three')).issues[0]).toMatchObject({ path: '/data/body', keyword: 'type' });
    expect(validators.method(undefined).request({ any: 'thing' })).toEqual({ ok: true });
  });

  test.each([
    [{ request: { type: 'nope' } }, 'messages.request'],
    [{ reply: { type: 'nope' } }, 'messages.reply'],
    [{ requests: { resize: { request: { type: 'nope' } } } }, 'messages.requests.resize.request'],
    [{ requests: { resize: { reply: { type: 'nope' } } } }, 'messages.requests.resize.reply'],
  ])('a schema that does not compile is refused under its own name (%j)', (schemas, field) => {
    let caught: unknown;
    try {
      compileMessageSchemas(schemas as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field });
    expect((caught as Error).message.startsWith(`${field} is not a valid schema: `)).toBe(true);
  });

  test('a method listed without schemas (undefined) accepts any body and any reply', () => {
    const validators = compileMessageSchemas({ requests: { resize: undefined } } as never);
    expect(validators.method('resize').request({ w: 1 })).toEqual({ ok: true });
    expect(validators.method('resize').reply('x')).toEqual({ ok: true });
  });
});
