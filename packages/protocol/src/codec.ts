import { isUtf8 } from 'node:buffer';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ClustrError } from './errors';
import { FRAME_KINDS, PROTOCOL_VERSION, type FrameKind } from './constants';
import { MAX_FAST_PATH_DEPTH, isPlainData, isPlainUserFrame } from './fast-path';
import * as generated from './generated/frame-validators';
import type { Frame } from './schema';

/** Why a frame was rejected. Stable strings: stats count rejections by these. */
export const DECODE_ERROR_REASONS = [
  'too_large',
  'not_json',
  'unsupported_version',
  'unknown_kind',
  'invalid_frame',
  'forbidden_key',
  'too_deep',
] as const;
export type DecodeErrorReason = (typeof DECODE_ERROR_REASONS)[number];

/** One problem found in a frame, shaped like an Ajv error so tools can show it the same way. */
export interface FrameIssue {
  /** JSON Pointer to the offending value, e.g. `/meta/pid`; `''` is the whole frame. */
  path: string;
  /** The schema keyword or rule that failed, e.g. `required`, `type`, `maxBytes`. */
  keyword: string;
  message: string;
}

export interface DecodeFailure {
  ok: false;
  reason: DecodeErrorReason;
  /** One line naming what was wrong and where. */
  message: string;
  issues: FrameIssue[];
  /** For `unsupported_version`: the version the frame claims. */
  version?: number;
}

export interface DecodeSuccess {
  ok: true;
  frame: Frame;
}

export type DecodeResult = DecodeSuccess | DecodeFailure;

export interface CodecOptions {
  /** Largest frame, in UTF-8 bytes, that decode accepts and encode produces. Default 1 MiB. */
  maxBytes?: number;
  /** Deepest nesting of objects and arrays a frame may have; the frame object itself is level 1. Default 64. */
  maxDepth?: number;
}

export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 64;

export interface Codec {
  /** Validates a frame and writes it as JSON. Throws a ClustrError naming the field when the frame is wrong. */
  encode(frame: Frame): string;
  /**
   * Writes a frame the caller built from parts it has already checked (the
   * runtime's own frames): skips the schema check, but keeps every rule a reader
   * applies to the text (size, depth, forbidden keys), so it never sends a frame
   * readers drop.
   */
  encodeTrusted(frame: Frame): string;
  /** Reads a frame. Never throws: hostile input comes back as a DecodeFailure. */
  decode(raw: string | Buffer): DecodeResult;
  readonly maxBytes: number;
  readonly maxDepth: number;
}

// Ajv validators compiled from FRAME_SCHEMAS at build time (src/frame-validators.ts writes them):
// loading them costs no Ajv compiler and no TypeBox, which keeps worker start-up short.
const VALIDATORS = Object.fromEntries(
  FRAME_KINDS.map((kind) => {
    const validate = (generated as unknown as Record<string, ValidateFunction | undefined>)[`validate_${kind}`];
    // A stale generated file must fail at load, not as a TypeError inside decode (which never throws).
    if (typeof validate !== 'function') throw new Error(`@clustr/protocol: src/generated/frame-validators.ts has no validator for ${kind}; run \`pnpm schema\` and rebuild.`);
    return [kind, validate];
  }),
) as Record<FrameKind, ValidateFunction>;
function validatorFor(kind: FrameKind): ValidateFunction {
  return VALIDATORS[kind];
}

const KINDS = new Set<string>(FRAME_KINDS);

/** One JSON Pointer segment (RFC 6901): Ajv escapes its own paths, so keys we append must match. */
function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Turns Ajv errors into issues whose path points at the field, including the missing one. */
export function toIssues(errors: ErrorObject[] | null | undefined): FrameIssue[] {
  if (!errors || errors.length === 0) return [{ path: '', keyword: 'unknown', message: 'is invalid' }];
  return errors.map((e) => {
    let path = e.instancePath;
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'required' && typeof params['missingProperty'] === 'string') {
      path += `/${pointerSegment(params['missingProperty'])}`;
      return { path, keyword: e.keyword, message: 'is required but missing' };
    }
    if (e.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') {
      path += `/${pointerSegment(params['additionalProperty'])}`;
      return { path, keyword: e.keyword, message: 'is not an allowed field' };
    }
    return { path, keyword: e.keyword, message: e.message ?? 'is invalid' };
  });
}

function fail(reason: DecodeErrorReason, issues: FrameIssue[], extra: { version?: number } = {}): DecodeFailure {
  const first = issues[0];
  const where = first && first.path !== '' ? `${first.path} ` : '';
  const message = first ? `${reason}: ${where}${first.message}` : reason;
  return extra.version === undefined ? { ok: false, reason, message, issues } : { ok: false, reason, message, issues, version: extra.version };
}

function countOpeners(raw: string, limit: number): number {
  let count = 0;
  for (const ch of ['{', '[']) {
    let at = raw.indexOf(ch);
    while (at !== -1) {
      if (++count > limit) return count;
      at = raw.indexOf(ch, at + 1);
    }
  }
  return count;
}

type WalkProblem = { reason: 'too_deep' | 'forbidden_key'; path: string } | undefined;

/**
 * Bounded walk used only when the cheap string checks cannot rule out a problem.
 * The frame object is level 1. It keeps its own stack instead of recursing, so no
 * `maxDepth` a user picks can overflow the call stack; problems are found in
 * document order, as a recursive walk would find them.
 */
function walk(root: unknown, maxDepth: number): WalkProblem {
  const stack: Array<{ value: unknown; depth: number; path: string; parentKey: string }> = [{ value: root, depth: 1, path: '', parentKey: '' }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value, depth, path, parentKey } = item;
    if (value === null || typeof value !== 'object') continue;
    if (depth > maxDepth) return { reason: 'too_deep', path };
    const children: Array<{ value: unknown; depth: number; path: string; parentKey: string }> = [];
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) children.push({ value: value[i], depth: depth + 1, path: `${path}/${i}`, parentKey: '' });
    } else {
      for (const key of Object.keys(value)) {
        // `__proto__` anywhere, or `constructor.prototype`, is how prototype-pollution payloads look.
        if (key === '__proto__' || (key === 'prototype' && parentKey === 'constructor')) {
          return { reason: 'forbidden_key', path: `${path}/${pointerSegment(key)}` };
        }
        children.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, path: `${path}/${pointerSegment(key)}`, parentKey: key });
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return undefined;
}

/**
 * The rules JSON Schema cannot express (nesting depth, prototype-pollution keys),
 * checked the same way for decode and encode. Cheap string checks rule out almost
 * every frame; `parsed` is only called when they cannot.
 */
function structureProblem(raw: string, parsed: () => unknown, maxDepth: number): WalkProblem {
  // Both forbidden keys contain "proto"; an escape could spell either without it.
  const mayHaveForbiddenKey = raw.includes('proto') || raw.includes('\\u');
  // Every opener needs a closer, so a string of at most 2 * maxDepth characters cannot nest too deep.
  const mayBeTooDeep = raw.length > 2 * maxDepth && countOpeners(raw, maxDepth) > maxDepth;
  if (!mayHaveForbiddenKey && !mayBeTooDeep) return undefined;
  return walk(parsed(), maxDepth);
}

function structureProblemIssue(problem: NonNullable<WalkProblem>, maxDepth: number): FrameIssue {
  return problem.reason === 'too_deep'
    ? { path: problem.path, keyword: 'maxDepth', message: `nests deeper than ${maxDepth} levels` }
    : { path: problem.path, keyword: 'forbiddenKey', message: 'is a key that could pollute object prototypes' };
}

/** encode's error for a frame every reader would drop as `too_deep` or `forbidden_key`. */
function structureError(problem: NonNullable<WalkProblem>, maxDepth: number, cause?: unknown): ClustrError {
  const issue = structureProblemIssue(problem, maxDepth);
  const fix =
    problem.reason === 'too_deep'
      ? 'Flatten the data, or raise maxDepth on every process.'
      : 'Rename the key: readers drop frames with "__proto__" or "constructor.prototype" keys.';
  return new ClustrError('CLUSTR_INVALID_FRAME', `frame field ${issue.path} ${issue.message}. ${fix}`, cause === undefined ? { field: issue.path } : { field: issue.path, cause });
}

function byteLengthOver(raw: string, maxBytes: number): boolean {
  // A UTF-16 code unit is at most 3 UTF-8 bytes, so short strings need no exact count.
  if (raw.length * 3 <= maxBytes) return false;
  return Buffer.byteLength(raw, 'utf8') > maxBytes;
}

export function createCodec(options: CodecOptions = {}): Codec {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!Number.isInteger(maxBytes) || maxBytes < 64) {
    throw new ClustrError('CLUSTR_INVALID_OPTION', `maxBytes must be an integer of at least 64; got ${String(maxBytes)}.`, { field: 'maxBytes' });
  }
  if (!Number.isInteger(maxDepth) || maxDepth < 2) {
    throw new ClustrError('CLUSTR_INVALID_OPTION', `maxDepth must be an integer of at least 2; got ${String(maxDepth)}.`, { field: 'maxDepth' });
  }
  const fastPath = maxDepth <= MAX_FAST_PATH_DEPTH;

  function decode(input: string | Buffer): DecodeResult {
    let raw: string;
    if (typeof input === 'string') {
      if (byteLengthOver(input, maxBytes)) {
        return fail('too_large', [{ path: '', keyword: 'maxBytes', message: `is larger than the ${maxBytes}-byte frame limit` }]);
      }
      raw = input;
    } else if (Buffer.isBuffer(input)) {
      if (input.length > maxBytes) {
        return fail('too_large', [{ path: '', keyword: 'maxBytes', message: `is larger than the ${maxBytes}-byte frame limit` }]);
      }
      // toString() would silently turn bad bytes into U+FFFD and hand the user altered data.
      if (!isUtf8(input)) {
        return fail('not_json', [{ path: '', keyword: 'utf8', message: 'is not valid UTF-8' }]);
      }
      raw = input.toString('utf8');
    } else {
      return fail('not_json', [{ path: '', keyword: 'type', message: 'is neither a string nor a Buffer' }]);
    }

    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      return fail('not_json', [{ path: '', keyword: 'json', message: `is not JSON (${(error as Error).message})` }]);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return fail('invalid_frame', [{ path: '', keyword: 'type', message: 'must be a JSON object' }]);
    }

    const head = value as Record<string, unknown>;
    // Most frames are user messages: a quick yes for them, else the full checks below decide and explain.
    if (fastPath && isPlainUserFrame(head) && isPlainData(head['data'], 2, maxDepth, 'data')) return { ok: true, frame: value as Frame };

    const v = head['v'];
    if (v !== PROTOCOL_VERSION) {
      if (typeof v === 'number' && Number.isInteger(v) && v > PROTOCOL_VERSION) {
        return fail(
          'unsupported_version',
          [{ path: '/v', keyword: 'const', message: `is version ${v}; this reader understands version ${PROTOCOL_VERSION}` }],
          { version: v },
        );
      }
      return fail('invalid_frame', [
        { path: '/v', keyword: v === undefined ? 'required' : 'const', message: v === undefined ? 'is required but missing' : `must be ${PROTOCOL_VERSION}` },
      ]);
    }
    const kind = head['kind'];
    if (typeof kind !== 'string' || !KINDS.has(kind)) {
      if (typeof kind === 'string') {
        return fail('unknown_kind', [{ path: '/kind', keyword: 'enum', message: `is ${JSON.stringify(kind.slice(0, 64))}, not a known kind` }]);
      }
      return fail('invalid_frame', [
        { path: '/kind', keyword: kind === undefined ? 'required' : 'type', message: kind === undefined ? 'is required but missing' : 'must be a string' },
      ]);
    }

    const problem = structureProblem(raw, () => value, maxDepth);
    if (problem) return fail(problem.reason, [structureProblemIssue(problem, maxDepth)]);

    const validate = validatorFor(kind as FrameKind);
    if (!validate(value)) {
      return fail('invalid_frame', toIssues(validate.errors));
    }
    return { ok: true, frame: value as Frame };
  }

  function encode(frame: Frame): string {
    const kind = (frame as { kind?: unknown } | null)?.kind;
    const validate = typeof kind === 'string' && KINDS.has(kind) ? validatorFor(kind as FrameKind) : undefined;
    if (!validate) {
      throw new ClustrError('CLUSTR_INVALID_FRAME', `frame.kind must be one of ${FRAME_KINDS.join(', ')}; got ${JSON.stringify(kind)}.`, {
        field: '/kind',
      });
    }
    if (!validate(frame)) {
      const issue = toIssues(validate.errors)[0]!;
      throw new ClustrError('CLUSTR_INVALID_FRAME', `frame field ${issue.path || '(root)'} ${issue.message}.`, { field: issue.path });
    }
    return encodeTrusted(frame);
  }

  function encodeTrusted(frame: Frame): string {
    let raw: string;
    try {
      raw = JSON.stringify(frame);
    } catch (error) {
      // Deep nesting overflows JSON.stringify's stack before the depth check below can run: name the real rule.
      const problem = error instanceof RangeError ? walk(frame, maxDepth) : undefined;
      if (problem) throw structureError(problem, maxDepth, error);
      throw new ClustrError('CLUSTR_NOT_SERIALIZABLE', `frame data cannot be written as JSON: ${(error as Error).message}. Send plain objects, arrays, strings, numbers and booleans.`, {
        field: '/data',
        cause: error,
      });
    }
    if (byteLengthOver(raw, maxBytes)) {
      throw new ClustrError('CLUSTR_FRAME_TOO_LARGE', `the encoded frame is larger than the ${maxBytes}-byte limit. Send less data, or raise maxFrameBytes on every process.`, {
        field: '/data',
      });
    }
    // Every reader drops such a frame, so the sender must hear about it here rather than never.
    // Walking a plain frame is cheaper than scanning its text; anything else gets the text check.
    if (fastPath && isPlainData(frame, 1, maxDepth, '')) return raw;
    const problem = structureProblem(raw, () => JSON.parse(raw), maxDepth);
    if (problem) throw structureError(problem, maxDepth);
    return raw;
  }

  return { encode, encodeTrusted, decode, maxBytes, maxDepth };
}

const defaultCodec = createCodec();
/** Decodes with the default limits (1 MiB, depth 64). Never throws. */
export const decode = defaultCodec.decode;
/** Encodes with the default limits. Throws a ClustrError when the frame is invalid. */
export const encode = defaultCodec.encode;

/** Frame ids unique per sender: a per-process prefix and a counter, cheaper than random ids on the hot path. */
export function createFrameIds(pid: number): () => string {
  const prefix = `${pid.toString(36)}.${Date.now().toString(36)}.`;
  let seq = 0;
  return () => prefix + (seq++).toString(36);
}
