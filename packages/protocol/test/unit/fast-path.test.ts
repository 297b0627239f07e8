/**
 * The decode fast path may only ever say "valid" where the schema (Ajv) and the
 * structure rules say valid too. These tests hold it to that against an
 * independent reference: Ajv compiled from FRAME_SCHEMAS plus a plain recursive
 * structure check written here, over every sample frame and thousands of
 * deterministic mutations. They also pin the envelope schema the fast path was
 * written against, so changing the schema fails here until fast-path.ts follows.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import {
  DEFAULT_MAX_DEPTH,
  FRAME_KINDS,
  FRAME_SCHEMAS,
  INSTANCE_PATTERN,
  MAX_FRAME_ID_LENGTH,
  MAX_METHOD_LENGTH,
  MAX_PID,
  MAX_SEQ,
  NAME_PATTERN,
  createCodec,
  decode,
  type FrameKind,
} from '../../src';
import { MAX_FAST_PATH_DEPTH, MAX_KNOWN_NAMES, isPlainData, isPlainExchangeFrame, isPlainUserFrame, knownNameCounts } from '../../src/fast-path';
import type * as FastPath from '../../src/fast-path';
import { ALL_SAMPLES, GOOD_SAMPLES, prng, rawText } from '../fixtures/samples';

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, discriminator: true });
const validators = Object.fromEntries(FRAME_KINDS.map((kind) => [kind, ajv.compile(FRAME_SCHEMAS[kind])])) as Record<FrameKind, ValidateFunction>;

/** The structure rules, restated as simply as possible: depth (frame = level 1) and forbidden keys. */
function structureOk(value: unknown, depth: number, parentKey: string): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (depth > DEFAULT_MAX_DEPTH) return false;
  return Object.entries(value).every(
    ([key, child]) => key !== '__proto__' && !(key === 'prototype' && parentKey === 'constructor') && structureOk(child, depth + 1, Array.isArray(value) ? '' : key),
  );
}

function referenceVerdict(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const kind = (value as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !(FRAME_KINDS as readonly string[]).includes(kind)) return false;
  // A batch is only its own fields here: its frames are checked one by one by unpack() (see below).
  if (kind === 'batch') return validators.batch(value);
  return validators[kind as FrameKind](value) && structureOk(value, 1, '');
}

/** What unpack() must say of each frame of a batch: the reference verdict, and the batch's own sender. */
function referenceItemVerdict(item: unknown, batch: { meta: unknown }): boolean {
  const meta = (item as { meta?: unknown }).meta;
  return (item as { kind?: unknown }).kind !== 'batch' && referenceVerdict(item) && JSON.stringify(meta) === JSON.stringify(batch.meta);
}

function fastVerdict(value: Record<string, unknown>): boolean {
  return (isPlainUserFrame(value) || isPlainExchangeFrame(value)) && isPlainData(value['data'], 2, DEFAULT_MAX_DEPTH, 'data');
}

function parsedObject(raw: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function nested(levels: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { n: value };
  return value;
}

const TRICKY_VALUES: unknown[] = [
  null, true, 0, 1, -1, 1.5, 2, MAX_PID, MAX_PID + 1, 1e300, '', ' ', '1', 'web', 'web\n', 'we b', '-web', 'w'.repeat(64), 'w'.repeat(65),
  'i'.repeat(MAX_FRAME_ID_LENGTH), 'i'.repeat(MAX_FRAME_ID_LENGTH + 1), '😀'.repeat(33), 'é', 'master', [], [1], {}, { pid: 1 }, 'public', 'private', 'group',
  'kill', 'Private', ...FRAME_KINDS, 'k3x9Qa', 'a-b_c', 'a.b', 'i'.repeat(32), 'i'.repeat(33), MAX_SEQ, MAX_SEQ + 1, 's'.repeat(512), 's'.repeat(513),
];
const DATA_VALUES: unknown[] = [
  null, 1, 'x', [], {}, { seq: 1, body: 'b'.repeat(80) }, { proto: 1, protocol: 'proto' }, JSON.parse('{"__proto__": {"polluted": 1}}'),
  { constructor: { prototype: { x: 1 } } }, { constructor: { other: 1 } }, { prototype: 1 }, [{ constructor: { prototype: 1 } }],
  nested(DEFAULT_MAX_DEPTH - 2, 1), nested(DEFAULT_MAX_DEPTH - 1, 1), nested(DEFAULT_MAX_DEPTH - 1, {}), nested(DEFAULT_MAX_DEPTH, 1), nested(DEFAULT_MAX_DEPTH + 5, 'deep'),
];
const FIELDS = ['v', 'kind', 'id', 'meta', 'data', 'seq', 're', 'host', 'ts', 'nonce', 'sig', 'extra', '__proto__', 'constructor'] as const;
const META_FIELDS = ['pid', 'group', 'instance', 'host', '__proto__'] as const;

/** Deterministic mutations of a valid private frame, as the JSON text a reader would receive. */
function mutations(count: number): string[] {
  const random = prng(20261128);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const frame: Record<string, unknown> = { v: 2, kind: pick(['public', 'private', 'group']), id: 'a1.b2.3', meta: { pid: 4242, group: 'web', instance: 'k3x9Qa' }, seq: 1 + i, data: { seq: i } };
    if (random() < 0.3) Object.assign(frame, { ts: 1_764_300_000_000 + i, sig: 'c'.repeat(43) });
    const meta = frame['meta'] as Record<string, unknown>;
    for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
      const roll = random();
      if (roll < 0.45) {
        const field = pick(FIELDS);
        if (random() < 0.2) delete frame[field];
        else Object.defineProperty(frame, field, { value: field === 'data' ? pick(DATA_VALUES) : pick(TRICKY_VALUES), enumerable: true, configurable: true, writable: true });
      } else if (roll < 0.8) {
        const field = pick(META_FIELDS);
        if (random() < 0.2) delete meta[field];
        else Object.defineProperty(meta, field, { value: pick(TRICKY_VALUES), enumerable: true, configurable: true, writable: true });
      } else {
        frame['data'] = pick(DATA_VALUES);
      }
    }
    if (random() < 0.2) {
      // The same mutations inside a batch, beside clean frames of the same sender.
      const clean = { v: 2, kind: 'group', id: 'c', meta: { pid: 4242, group: 'web', instance: 'k3x9Qa' }, seq: 1, data: null };
      const items = Array.from({ length: 1 + Math.floor(random() * 4) }, () => (random() < 0.5 ? frame : clean));
      out.push(JSON.stringify({ v: 2, kind: 'batch', id: 'b', meta: clean.meta, data: items }));
    } else {
      out.push(JSON.stringify(frame));
    }
  }
  return out;
}

const EXCHANGE_FIELDS = ['method', 'group', 'timeout', 'body', 'ok', 'error', 'extra', '__proto__'] as const;
const ERROR_FIELDS = ['code', 'message', 'stack', 'extra'] as const;
const EXCHANGE_VALUES: unknown[] = [
  ...TRICKY_VALUES, 2147483647, 2147483648, 5000, 0.5, 'm'.repeat(128), 'm'.repeat(129), 'c'.repeat(64), 'c'.repeat(65), '😀'.repeat(32), '😀'.repeat(33),
  'x'.repeat(4096), 'x'.repeat(4097), 'y'.repeat(16384), 'y'.repeat(16385), { code: 'E', message: 'm' }, { code: '', message: 'm' }, { code: 'E' }, { ok: true },
];

/** Deterministic mutations of valid request, reply and any frames (their data's own fields too). */
function exchangeMutations(count: number): string[] {
  const random = prng(20261130);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const meta = () => ({ pid: 4242, group: 'web', instance: 'k3x9Qa' });
  const bases = [
    () => ({ v: 2, kind: 'request', id: 'q.1', meta: meta(), seq: 3, data: { method: 'resize', group: 'jobs', timeout: 5000, body: { w: 1 } } }),
    () => ({ v: 2, kind: 'request', id: 'q.2', meta: meta(), data: { body: null } }),
    () => ({ v: 2, kind: 'reply', id: 'r.1', re: 'q.1', meta: meta(), seq: 4, data: { ok: true, body: { h: 2 } } }),
    () => ({ v: 2, kind: 'reply', id: 'r.2', re: 'q.1', meta: meta(), data: { ok: false, error: { code: 'E_FULL', message: 'disk full', stack: 'Error\n at x' } } }),
    () => ({ v: 2, kind: 'any', id: 'a.1', meta: meta(), seq: 5, data: { group: 'jobs', body: { job: 1 } } }),
  ];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const frame = pick(bases)() as Record<string, unknown>;
    if (random() < 0.3) Object.assign(frame, { ts: 1_764_300_000_000 + i, sig: 'c'.repeat(43) });
    const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
    // A copy of each value put in: the lists' objects are shared, and editing them in place could make a cycle.
    const set = (target: unknown, field: string, value: unknown) => {
      if (isObject(target)) Object.defineProperty(target, field, { value: value === undefined ? value : JSON.parse(JSON.stringify(value)), enumerable: true, configurable: true, writable: true });
    };
    for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
      const roll = random();
      const data = frame['data'];
      if (roll < 0.2) {
        const field = pick(FIELDS);
        if (random() < 0.3) delete frame[field];
        else set(frame, field, field === 'data' ? pick(DATA_VALUES) : pick(TRICKY_VALUES));
      } else if (roll < 0.3) {
        set(frame['meta'], pick(META_FIELDS), pick(TRICKY_VALUES));
      } else if (roll < 0.75) {
        const field = pick(EXCHANGE_FIELDS);
        if (random() < 0.3 && isObject(data)) delete data[field];
        else set(data, field, field === 'body' ? pick(DATA_VALUES) : pick(EXCHANGE_VALUES));
      } else if (isObject(data)) {
        const error = (data['error'] ??= {}) as unknown;
        const field = pick(ERROR_FIELDS);
        if (random() < 0.3 && isObject(error)) delete error[field];
        else set(error, field, pick(EXCHANGE_VALUES));
      }
    }
    out.push(JSON.stringify(frame));
  }
  return out;
}

/**
 * Fails when the fast path says yes to `raw` where the reference says no, and when
 * decode's verdict is not the reference's; counts the three outcomes.
 */
function holdToReference(raw: string, verdicts: { fastYes: number; fastNoReferenceYes: number; bothNo: number }): ReturnType<typeof decode> {
  const value = parsedObject(raw)!;
  const reference = referenceVerdict(value);
  const fast = fastVerdict(value);
  if (fast && !reference) throw new Error(`fast path accepted a frame the schema rejects: ${raw.slice(0, 300)}`);
  if (fast) verdicts.fastYes++;
  else if (reference) verdicts.fastNoReferenceYes++;
  else verdicts.bothNo++;
  // Whatever path decode takes, its verdict is the reference verdict.
  const decoded = decode(raw);
  expect({ raw: raw.slice(0, 400), ok: decoded.ok }).toEqual({ raw: raw.slice(0, 400), ok: reference });
  return decoded;
}

describe('decode fast path', () => {
  it('never accepts a sample frame that the schema or the structure rules reject, and takes every plain user frame', () => {
    for (const sample of ALL_SAMPLES) {
      const value = parsedObject(rawText(sample.raw));
      if (!value) continue;
      const fast = fastVerdict(value);
      expect({ sample: sample.name, fast: fast && !referenceVerdict(value) }).toEqual({ sample: sample.name, fast: false });
    }
    // The good user-data samples without reserved fields and within limits must take the fast path, or it measures nothing.
    const plainGood = GOOD_SAMPLES.filter((s) => ['public', 'private', 'group'].includes(s.frame.kind) && Object.keys(s.frame).length === 5 && s.name.endsWith('data'));
    // Sequence numbers and signatures are on every frame the runtime sends: they must take the fast path too.
    plainGood.push(...GOOD_SAMPLES.filter((s) => s.name === 'public with seq, ts and sig' || s.name === 'public with a 32-character instance'));
    // Every request and reply pays for two decodes: they take it too (a reply carries `re`).
    plainGood.push(...GOOD_SAMPLES.filter((s) => ['request', 'reply', 'any'].includes(s.frame.kind) && !('host' in s.frame.meta)));
    expect(plainGood.length).toBeGreaterThan(20);
    for (const sample of plainGood) expect({ sample: sample.name, fast: fastVerdict(parsedObject(rawText(sample.raw))!) }).toEqual({ sample: sample.name, fast: true });
  });

  it('never accepts a mutated frame that the schema or the structure rules reject (6000 mutations)', () => {
    const verdicts = { fastYes: 0, fastNoReferenceYes: 0, bothNo: 0 };
    let batches = 0;
    for (const raw of mutations(6000)) {
      const decoded = holdToReference(raw, verdicts);
      if (decoded.ok && decoded.frame.kind === 'batch') {
        const batch = decoded.frame;
        batches++;
        expect(createCodec().unpack(batch).map((r) => r.ok)).toEqual(batch.data.map((item) => referenceItemVerdict(item, batch)));
      }
    }
    expect(batches).toBeGreaterThan(500);
    // The mutations exercise all three outcomes; the middle one is where Ajv decides alone.
    expect(verdicts.fastYes).toBeGreaterThan(200);
    expect(verdicts.fastNoReferenceYes).toBeGreaterThan(200);
    expect(verdicts.bothNo).toBeGreaterThan(1000);
  });

  it('never accepts a mutated request, reply or any frame that the schema or the structure rules reject (6000 mutations)', () => {
    const verdicts = { fastYes: 0, fastNoReferenceYes: 0, bothNo: 0 };
    for (const raw of exchangeMutations(6000)) holdToReference(raw, verdicts);
    expect(verdicts.fastYes).toBeGreaterThan(300);
    expect(verdicts.fastNoReferenceYes).toBeGreaterThan(50);
    expect(verdicts.bothNo).toBeGreaterThan(1000);
  });

  it('remembers at most MAX_KNOWN_NAMES groups and instances, and still accepts names past the bound', () => {
    const frame = (i: number) => JSON.stringify({ v: 2, kind: 'public', id: 'x', meta: { pid: 7, group: `g${i}`, instance: `i${i}` }, data: null });
    for (let i = 0; i < MAX_KNOWN_NAMES + 50; i++) expect(decode(frame(i)).ok).toBe(true);
    expect(knownNameCounts()).toEqual({ groups: MAX_KNOWN_NAMES, instances: MAX_KNOWN_NAMES });
    expect(isPlainUserFrame(JSON.parse(frame(MAX_KNOWN_NAMES + 10)) as Record<string, unknown>)).toBe(true);
    expect(isPlainUserFrame({ ...(JSON.parse(frame(1)) as Record<string, unknown>), meta: { pid: 7, group: 'g1', instance: 'bad.instance' } })).toBe(false);
  });

  it('a group name cached as valid never makes an invalid one pass', () => {
    const frame = (group: string) => JSON.stringify({ v: 2, kind: 'group', id: 'x', meta: { pid: 7, group }, data: null });
    expect(decode(frame('web')).ok).toBe(true);
    for (const bad of ['web\n', 'web ', ' web', 'we:b', '', 'w'.repeat(65)]) expect(decode(frame(bad)).ok).toBe(false);
    expect(decode(frame('web')).ok).toBe(true);
  });

  it('a codec with maxDepth above the fast-path bound (full checks only) still applies its own depth limit', () => {
    const deep = createCodec({ maxDepth: MAX_FAST_PATH_DEPTH + 1 });
    const raw = JSON.stringify({ v: 2, kind: 'public', id: 'x', meta: { pid: 7, group: 'web' }, data: nested(MAX_FAST_PATH_DEPTH - 1, 1) });
    expect(decode(raw)).toMatchObject({ ok: false, reason: 'too_deep' });
    expect(deep.decode(raw).ok).toBe(true);
    const tooDeep = JSON.stringify({ v: 2, kind: 'public', id: 'x', meta: { pid: 7, group: 'web' }, data: nested(MAX_FAST_PATH_DEPTH + 5, 1) });
    expect(deep.decode(tooDeep)).toMatchObject({ ok: false, reason: 'too_deep' });
  });

  it('was written against these request, reply and any data schemas: change them and fast-path.ts together', () => {
    const shape = (schema: unknown): unknown =>
      JSON.parse(JSON.stringify(schema, (key, value: unknown) => (key === 'description' || key === '$id' ? undefined : value)));
    const dataOf = (kind: FrameKind) => shape((FRAME_SCHEMAS[kind] as { properties: { data: unknown } }).properties.data);
    const group = { type: 'string', pattern: NAME_PATTERN };
    expect(dataOf('request')).toEqual({
      type: 'object',
      additionalProperties: false,
      required: ['body'],
      properties: {
        method: { type: 'string', minLength: 1, maxLength: MAX_METHOD_LENGTH },
        group,
        timeout: { type: 'integer', minimum: 1, maximum: 2147483647 },
        body: {},
      },
    });
    expect(dataOf('any')).toEqual({ type: 'object', additionalProperties: false, required: ['group', 'body'], properties: { group, body: {} } });
    const error = {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'message'],
      properties: { code: { type: 'string', minLength: 1, maxLength: 64 }, message: { type: 'string', maxLength: 4096 }, stack: { type: 'string', maxLength: 16384 } },
    };
    const ok = { type: 'object', additionalProperties: false, required: ['ok', 'body'], properties: { ok: { const: true, type: 'boolean' }, body: {} } };
    const failed = { type: 'object', additionalProperties: false, required: ['ok', 'error'], properties: { ok: { const: false, type: 'boolean' }, error } };
    expect(dataOf('reply')).toEqual({ type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' } }, if: { properties: { ok: { const: true } } }, then: ok, else: failed });
  });

  it('was written against this envelope schema: change the schema and fast-path.ts together', () => {
    /** The schema without prose, as the fast path reads it. */
    const shape = (schema: unknown): unknown =>
      JSON.parse(JSON.stringify(schema, (key, value: unknown) => (key === 'description' || key === '$id' ? undefined : value)));
    for (const kind of ['public', 'private', 'group'] as const) {
      expect(shape(FRAME_SCHEMAS[kind])).toEqual({
        type: 'object',
        additionalProperties: false,
        required: ['v', 'kind', 'id', 'meta', 'data'],
        properties: {
          v: { const: 2, type: 'number' },
          kind: { const: kind, type: 'string' },
          id: { type: 'string', minLength: 1, maxLength: MAX_FRAME_ID_LENGTH },
          meta: {
            type: 'object',
            additionalProperties: false,
            required: ['pid', 'group'],
            properties: {
              pid: { type: 'integer', minimum: 1, maximum: MAX_PID },
              group: { type: 'string', pattern: NAME_PATTERN },
              instance: { type: 'string', pattern: INSTANCE_PATTERN },
              host: { type: 'string', minLength: 1, maxLength: 255 },
            },
          },
          seq: { type: 'integer', minimum: 1, maximum: MAX_SEQ },
          data: {},
          re: { type: 'string', minLength: 1, maxLength: MAX_FRAME_ID_LENGTH },
          ts: { type: 'integer', minimum: 0, maximum: MAX_SEQ },
          sig: { type: 'string', minLength: 1, maxLength: 512 },
        },
      });
    }
  });
});

describe('the name caches at and past their bound', () => {
  /** A fresh copy of fast-path.ts: empty caches, whatever the tests above remembered. */
  function freshFastPath(): typeof FastPath {
    let loaded: typeof FastPath | undefined;
    jest.isolateModules(() => {
      loaded = jest.requireActual<typeof FastPath>('../../src/fast-path');
    });
    return loaded!;
  }
  const user = (group: unknown, instance: unknown = 'k3x9Qa') => ({ v: 2, kind: 'public', id: 'x', meta: { pid: 7, group, instance }, data: null });
  const request = (group: unknown) => ({ v: 2, kind: 'request', id: 'q', meta: { pid: 7, group: 'web' }, data: { group, body: 1 } });
  const any = (group: unknown) => ({ v: 2, kind: 'any', id: 'a', meta: { pid: 7, group: 'web' }, data: { group, body: 1 } });
  const BAD_GROUPS: unknown[] = ['', 'web\n', 'we b', 'a:b', 'web*', '-web', 'g'.repeat(65), 'wéb', 7, null];
  const BAD_INSTANCES: unknown[] = ['', 'a.b', 'abc\n', 'i'.repeat(33), 12345, null];

  it('remembers exactly MAX_KNOWN_NAMES names; one more is checked and accepted, not remembered', () => {
    const fp = freshFastPath();
    expect(fp.knownNameCounts()).toEqual({ groups: 0, instances: 0 });
    for (let i = 0; i < fp.MAX_KNOWN_NAMES - 1; i++) expect(fp.isPlainUserFrame(user(`g${i}`, `i${i}`))).toBe(true);
    expect(fp.knownNameCounts()).toEqual({ groups: fp.MAX_KNOWN_NAMES - 1, instances: fp.MAX_KNOWN_NAMES - 1 });
    // The last one that fits, then the first past the bound.
    expect(fp.isPlainUserFrame(user(`g${fp.MAX_KNOWN_NAMES - 1}`, `i${fp.MAX_KNOWN_NAMES - 1}`))).toBe(true);
    expect(fp.knownNameCounts()).toEqual({ groups: fp.MAX_KNOWN_NAMES, instances: fp.MAX_KNOWN_NAMES });
    expect(fp.isPlainUserFrame(user(`g${fp.MAX_KNOWN_NAMES}`, `i${fp.MAX_KNOWN_NAMES}`))).toBe(true);
    expect(fp.knownNameCounts()).toEqual({ groups: fp.MAX_KNOWN_NAMES, instances: fp.MAX_KNOWN_NAMES });
    // Names remembered before the bound are still known.
    expect(fp.isPlainUserFrame(user('g0', 'i0'))).toBe(true);
  });

  it('past the bound, new valid names still take the fast path and invalid ones never do, in every field that holds one', () => {
    const fp = freshFastPath();
    for (let i = 0; i < fp.MAX_KNOWN_NAMES + 5; i++) fp.isPlainUserFrame(user(`g${i}`, `i${i}`));
    expect(fp.knownNameCounts()).toEqual({ groups: fp.MAX_KNOWN_NAMES, instances: fp.MAX_KNOWN_NAMES });
    for (let round = 0; round < 2; round++) {
      // The same names twice: a name checked past the bound is checked again, never trusted.
      for (const name of ['fresh', 'jobs.email', 'x'.repeat(64)]) {
        expect([name, fp.isPlainUserFrame(user(name, 'new-instance')), fp.isPlainExchangeFrame(request(name)), fp.isPlainExchangeFrame(any(name))]).toEqual([name, true, true, true]);
      }
      for (const bad of BAD_GROUPS) {
        expect([bad, fp.isPlainUserFrame(user(bad)), fp.isPlainExchangeFrame(request(bad)), fp.isPlainExchangeFrame(any(bad))]).toEqual([bad, false, false, false]);
      }
      for (const bad of BAD_INSTANCES) expect([bad, fp.isPlainUserFrame(user('web', bad))]).toEqual([bad, false]);
    }
    expect(fp.knownNameCounts()).toEqual({ groups: fp.MAX_KNOWN_NAMES, instances: fp.MAX_KNOWN_NAMES });
  });

  it('decode, with more groups than the caches hold, accepts every valid frame and refuses every bad one with the field named', () => {
    for (let i = 0; knownNameCounts().groups < MAX_KNOWN_NAMES || knownNameCounts().instances < MAX_KNOWN_NAMES; i++) {
      expect(decode(JSON.stringify(user(`many${i}`, `many${i}`))).ok).toBe(true);
    }
    for (const name of ['past-bound', 'past.bound_2']) {
      expect(decode(JSON.stringify(user(name, 'pastBound'))).ok).toBe(true);
      expect(decode(JSON.stringify(request(name))).ok).toBe(true);
      expect(decode(JSON.stringify(any(name))).ok).toBe(true);
    }
    for (const bad of BAD_GROUPS) {
      expect(decode(JSON.stringify(user(bad)))).toMatchObject({ ok: false, reason: 'invalid_frame', issues: [{ path: '/meta/group' }] });
      expect(decode(JSON.stringify(request(bad)))).toMatchObject({ ok: false, reason: 'invalid_frame', issues: [{ path: '/data/group' }] });
      expect(decode(JSON.stringify(any(bad)))).toMatchObject({ ok: false, reason: 'invalid_frame', issues: [{ path: '/data/group' }] });
    }
    for (const bad of BAD_INSTANCES) {
      expect(decode(JSON.stringify(user('web', bad)))).toMatchObject({ ok: false, reason: 'invalid_frame', issues: [{ path: '/meta/instance' }] });
    }
  });
});

describe('isPlainData: plain trees only, so the text needs no second look', () => {
  it('a key under "constructor" other than "prototype" is plain; constructor.prototype is not', () => {
    expect(isPlainData({ constructor: { name: 1, protocol: 'proto' } }, 2, DEFAULT_MAX_DEPTH, 'data')).toBe(true);
    expect(isPlainData({ prototype: 1, a: { prototype: 1 } }, 2, DEFAULT_MAX_DEPTH, 'data')).toBe(true);
    expect(isPlainData({ constructor: [{ prototype: 1 }] }, 2, DEFAULT_MAX_DEPTH, 'data')).toBe(true);
    expect(isPlainData({ constructor: { prototype: 1 } }, 2, DEFAULT_MAX_DEPTH, 'data')).toBe(false);
    expect(isPlainData([{ constructor: { prototype: 1 } }], 2, DEFAULT_MAX_DEPTH, 'data')).toBe(false);
    // The key the value sits under counts: `data` itself may be the constructor's.
    expect(isPlainData({ prototype: 1 }, 3, DEFAULT_MAX_DEPTH, 'constructor')).toBe(false);
    expect(isPlainData(JSON.parse('{"a":{"__proto__":1}}'), 2, DEFAULT_MAX_DEPTH, 'data')).toBe(false);
  });

  it('is plain down to exactly maxDepth, not one level more', () => {
    // Level `depth` is the value itself: nested(n, 1) adds n levels.
    expect(isPlainData(nested(3, 1), 2, 4, 'data')).toBe(true);
    expect(isPlainData(nested(3, {}), 2, 4, 'data')).toBe(false);
    expect(isPlainData(nested(3, []), 2, 4, 'data')).toBe(false);
    expect(isPlainData(nested(2, {}), 2, 4, 'data')).toBe(true);
  });

  it('says "don\'t know" wherever JSON.stringify could write something else', () => {
    expect(isPlainData({ n: 1n }, 2, DEFAULT_MAX_DEPTH, 'data')).toBe(false);
    expect(isPlainData({ at: new Date(0) }, 2, DEFAULT_MAX_DEPTH, 'data')).toBe(false);
    expect(isPlainData(Object.create({ inherited: 1 }) as unknown, 2, DEFAULT_MAX_DEPTH, 'data')).toBe(false);
    expect(isPlainData({ s: 'x', n: 1, b: true, z: null, u: undefined }, 2, DEFAULT_MAX_DEPTH, 'data')).toBe(true);
  });
});

describe('the fast path takes every plain frame up to each bound, and none past it', () => {
  const meta = { pid: 4242, group: 'web', instance: 'k3x9Qa' };
  const base = { v: 2, kind: 'public', id: 'x', meta, data: null };
  const reply = { v: 2, kind: 'reply', id: 'r', re: 'q', meta, data: { ok: true, body: 1 } };
  const failedReply = (error: Record<string, unknown>) => ({ ...reply, data: { ok: false, error: { code: 'E', message: 'm', ...error } } });
  const requestWith = (data: Record<string, unknown>) => ({ v: 2, kind: 'request', id: 'q', meta, data: { body: 1, ...data } });
  const CASES: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ['id', { ...base, id: 'i'.repeat(MAX_FRAME_ID_LENGTH) }, { ...base, id: 'i'.repeat(MAX_FRAME_ID_LENGTH + 1) }],
    ['re', { ...reply, re: 'r'.repeat(MAX_FRAME_ID_LENGTH) }, { ...reply, re: 'r'.repeat(MAX_FRAME_ID_LENGTH + 1) }],
    ['seq', { ...base, seq: MAX_SEQ }, { ...base, seq: 0 }],
    ['ts', { ...base, ts: 0, sig: 's' }, { ...base, ts: -1, sig: 's' }],
    ['ts at its top', { ...base, ts: MAX_SEQ, sig: 's' }, { ...base, ts: MAX_SEQ + 2, sig: 's' }],
    ['sig', { ...base, ts: 1, sig: 's'.repeat(512) }, { ...base, ts: 1, sig: 's'.repeat(513) }],
    ['pid', { ...base, meta: { ...meta, pid: MAX_PID } }, { ...base, meta: { ...meta, pid: MAX_PID + 1 } }],
    ['pid at its bottom', { ...base, meta: { ...meta, pid: 1 } }, { ...base, meta: { ...meta, pid: 0 } }],
    ['instance', { ...base, meta: { ...meta, instance: 'i'.repeat(32) } }, { ...base, meta: { ...meta, instance: 'i'.repeat(33) } }],
    ['method', requestWith({ method: 'm'.repeat(MAX_METHOD_LENGTH) }), requestWith({ method: 'm'.repeat(MAX_METHOD_LENGTH + 1) })],
    ['method at its bottom', requestWith({ method: 'm' }), requestWith({ method: '' })],
    ['timeout', requestWith({ timeout: 2147483647 }), requestWith({ timeout: 2147483648 })],
    ['timeout at its bottom', requestWith({ timeout: 1 }), requestWith({ timeout: 0 })],
    ['error code', failedReply({ code: 'c'.repeat(64) }), failedReply({ code: 'c'.repeat(65) })],
    ['error code at its bottom', failedReply({ code: 'c' }), failedReply({ code: '' })],
    ['error message', failedReply({ message: 'm'.repeat(4096) }), failedReply({ message: 'm'.repeat(4097) })],
    ['error stack', failedReply({ stack: 's'.repeat(16384) }), failedReply({ stack: 's'.repeat(16385) })],
  ];

  it.each(CASES)('%s', (_name, atBound, pastBound) => {
    expect(fastVerdict(atBound)).toBe(true);
    expect(decode(JSON.stringify(atBound)).ok).toBe(true);
    expect(fastVerdict(pastBound)).toBe(false);
    expect(decode(JSON.stringify(pastBound)).ok).toBe(false);
  });
});
