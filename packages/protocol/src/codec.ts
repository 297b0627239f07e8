import { isUtf8 } from 'node:buffer';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ClustrError } from './errors';
import { FRAME_KINDS, PROTOCOL_VERSION, type FrameKind } from './constants';
import { MAX_FAST_PATH_DEPTH, isPlainData, isPlainExchangeFrame, isPlainUserFrame } from './fast-path';
import { pointerSegment, structureProblem, walk, type StructureProblem } from './structure';
import * as generated from './generated/frame-validators';
import type { Frame, FrameOf } from './schema';

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

/** A frame other than a batch: what a batch carries, and what the runtime dispatches. */
export type SingleFrame = Exclude<Frame, FrameOf<'batch'>>;

export interface CodecOptions {
  /** Largest frame, in UTF-8 bytes, that decode accepts and encode produces (a batch counts as one frame). Default 1 MiB. */
  maxBytes?: number;
  /** Deepest nesting of objects and arrays a frame may have; the frame object itself is level 1. Default 64. */
  maxDepth?: number;
  /**
   * Bytes encode keeps free under `maxBytes` for fields a transport appends to
   * the text after encoding (the runtime adds `seq`, `ts` and `sig`), so what
   * encode accepts never comes out too large for readers. Default 0.
   */
  reserveBytes?: number;
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
  /**
   * Joins frames already written by encode/encodeTrusted (same sender, same
   * channel, in order) into one batch frame's text. `head` holds the batch's own
   * fields: its id, the sender's meta, and `ts` when it will be signed. Throws
   * CLUSTR_FRAME_TOO_LARGE when the batch would pass the byte limit: the caller
   * keeps batches under `maxBytes` with `batchOverhead()`.
   */
  encodeBatch(head: { id: string; meta: FrameOf<'batch'>['meta']; ts?: number }, texts: readonly string[]): string;
  /** Bytes a batch adds around its frames (with `head`), plus one separator per frame. */
  batchOverhead(head: { id: string; meta: FrameOf<'batch'>['meta']; ts?: number }): number;
  /**
   * Reads a frame. Never throws on any input: hostile input comes back as a DecodeFailure. (Only
   * a broken install throws: a generated validator missing.) A batch comes back whole; see unpack.
   */
  decode(raw: string | Buffer): DecodeResult;
  /**
   * The frames of a batch that decode returned, each checked on its own as decode
   * checks a frame (one bad frame is a failure alone, the others still decode),
   * and each required to come from the batch's sender. Paths in failures point
   * into the batch (`/data/3/meta/pid`).
   */
  unpack(batch: FrameOf<'batch'>): Array<{ ok: true; frame: SingleFrame } | DecodeFailure>;
  readonly maxBytes: number;
  readonly maxDepth: number;
}

// Ajv validators compiled from FRAME_SCHEMAS at build time (src/frame-validators.ts renders them into src/generated):
// loading them costs no Ajv compiler and no TypeBox, which keeps worker start-up short. Each kind's
// module loads the first time a frame of that kind is checked: a process parses only the few it meets.
// A stale generated index must fail at load, not as a TypeError inside decode (which never throws on input).
for (const kind of FRAME_KINDS) {
  if (!generated.kinds.includes(kind)) throw new Error(`@clustr/protocol: src/generated/frame-validators.js has no validator for ${kind}; run \`pnpm schema\` and rebuild.`);
}
const VALIDATORS: Partial<Record<FrameKind, ValidateFunction>> = {};

function validatorOf(kind: FrameKind): ValidateFunction {
  const known = VALIDATORS[kind];
  if (known !== undefined) return known;
  const loaded = generated.loadValidator(kind);
  if (typeof loaded !== 'function') throw new Error(`@clustr/protocol: src/generated/validators/${kind}.js exports no validator; run \`pnpm schema\` and rebuild.`);
  return (VALIDATORS[kind] = loaded);
}

const KINDS = new Set<string>(FRAME_KINDS);

/** Turns Ajv errors into issues whose path points at the field, including the missing one. */
export function toIssues(errors: ErrorObject[] | null | undefined, base = ''): FrameIssue[] {
  if (!errors || errors.length === 0) return [{ path: base, keyword: 'unknown', message: 'is invalid' }];
  return errors.map((e) => {
    let path = base + e.instancePath;
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

function structureProblemIssue(problem: NonNullable<StructureProblem>, maxDepth: number): FrameIssue {
  return problem.reason === 'too_deep'
    ? { path: problem.path, keyword: 'maxDepth', message: `nests deeper than ${maxDepth} levels` }
    : { path: problem.path, keyword: 'forbiddenKey', message: 'is a key that could pollute object prototypes' };
}

/** encode's error for a frame every reader would drop as `too_deep` or `forbidden_key`. */
function structureError(problem: NonNullable<StructureProblem>, maxDepth: number, cause?: unknown): ClustrError {
  const issue = structureProblemIssue(problem, maxDepth);
  const fix =
    problem.reason === 'too_deep'
      ? 'Flatten the data, or raise maxDepth on every process.'
      : 'Rename the key: readers drop frames with "__proto__" or "constructor.prototype" keys.';
  return new ClustrError('CLUSTR_INVALID_FRAME', `frame field ${issue.path} ${issue.message}. ${fix}`, cause === undefined ? { field: issue.path } : { field: issue.path, cause });
}

/** JSON.parse, with no stack captured if it throws. */
function parseStackless(raw: string): unknown {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return JSON.parse(raw) as unknown;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function byteLengthOver(raw: string, maxBytes: number): boolean {
  // A UTF-16 code unit is at most 3 UTF-8 bytes, so short strings need no exact count.
  if (raw.length * 3 <= maxBytes) return false;
  return Buffer.byteLength(raw, 'utf8') > maxBytes;
}

function tooLarge(maxBytes: number): DecodeFailure {
  return fail('too_large', [{ path: '', keyword: 'maxBytes', message: `is larger than the ${maxBytes}-byte frame limit` }]);
}

/** The `v` and `kind` checks every frame gets first, in this order. `base` prefixes paths (a frame inside a batch). */
function headProblem(head: Record<string, unknown>, base: string): DecodeFailure | undefined {
  const v = head['v'];
  if (v !== PROTOCOL_VERSION) {
    // Any other whole version is a process of another release on this namespace, not garbage: counted apart.
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1) {
      return fail('unsupported_version', [{ path: `${base}/v`, keyword: 'const', message: `is version ${v}; this reader understands version ${PROTOCOL_VERSION}` }], { version: v });
    }
    return fail('invalid_frame', [
      { path: `${base}/v`, keyword: v === undefined ? 'required' : 'const', message: v === undefined ? 'is required but missing' : `must be ${PROTOCOL_VERSION}` },
    ]);
  }
  const kind = head['kind'];
  if (typeof kind === 'string' && KINDS.has(kind)) return undefined;
  if (typeof kind === 'string') {
    return fail('unknown_kind', [{ path: `${base}/kind`, keyword: 'enum', message: `is ${JSON.stringify(kind.slice(0, 64))}, not a known kind` }]);
  }
  return fail('invalid_frame', [
    { path: `${base}/kind`, keyword: kind === undefined ? 'required' : 'type', message: kind === undefined ? 'is required but missing' : 'must be a string' },
  ]);
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
  const reserveBytes = options.reserveBytes ?? 0;
  if (!Number.isInteger(reserveBytes) || reserveBytes < 0 || reserveBytes > maxBytes - 64) {
    throw new ClustrError('CLUSTR_INVALID_OPTION', `reserveBytes must be an integer from 0 to maxBytes - 64; got ${String(reserveBytes)}.`, { field: 'reserveBytes' });
  }
  const encodeLimit = maxBytes - reserveBytes;
  const fastPath = maxDepth <= MAX_FAST_PATH_DEPTH;

  /** The fast path's yes: a known kind with a plain envelope, and plain data. */
  function isPlain(head: Record<string, unknown>): boolean {
    return (isPlainUserFrame(head) || isPlainExchangeFrame(head)) && isPlainData(head['data'], 2, maxDepth, 'data');
  }

  function decode(input: string | Buffer): DecodeResult {
    let raw: string;
    if (typeof input === 'string') {
      if (byteLengthOver(input, maxBytes)) return tooLarge(maxBytes);
      raw = input;
    } else if (Buffer.isBuffer(input)) {
      if (input.length > maxBytes) return tooLarge(maxBytes);
      // toString() would silently turn bad bytes into U+FFFD and hand the user altered data.
      if (!isUtf8(input)) return fail('not_json', [{ path: '', keyword: 'utf8', message: 'is not valid UTF-8' }]);
      raw = input.toString('utf8');
    } else {
      return fail('not_json', [{ path: '', keyword: 'type', message: 'is neither a string nor a Buffer' }]);
    }

    let value: unknown;
    try {
      // Every frame clustr writes starts with "{". Anything else is not a frame, and the SyntaxError
      // JSON.parse throws for it would capture a stack, ten times the cost of the parse: a flood of
      // garbage would cost that per message. Parsed without one; the verdict and message are the same.
      value = raw.charCodeAt(0) === 0x7b ? JSON.parse(raw) : parseStackless(raw);
    } catch (error) {
      return fail('not_json', [{ path: '', keyword: 'json', message: `is not JSON (${(error as Error).message})` }]);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return fail('invalid_frame', [{ path: '', keyword: 'type', message: 'must be a JSON object' }]);
    }

    const head = value as Record<string, unknown>;
    // Most frames are user messages, requests and replies: a quick yes for them, else the full checks below decide and explain.
    if (fastPath && isPlain(head)) return { ok: true, frame: value as Frame };

    const wrong = headProblem(head, '');
    if (wrong) return wrong;
    const kind = head['kind'] as FrameKind;
    if (kind === 'batch') {
      // A batch's frames are checked one by one in unpack(), so that one bad frame is dropped alone;
      // here only the batch's own fields (the frames sit two levels down: their depth is their own).
      const validate = validatorOf('batch');
      return validate(value) ? { ok: true, frame: value as Frame } : fail('invalid_frame', toIssues(validate.errors));
    }
    const problem = structureProblem(raw, () => value, maxDepth);
    if (problem) return fail(problem.reason, [structureProblemIssue(problem, maxDepth)]);
    const validate = validatorOf(kind);
    return validate(value) ? { ok: true, frame: value as Frame } : fail('invalid_frame', toIssues(validate.errors));
  }

  function unpackOne(item: unknown, index: number, meta: FrameOf<'batch'>['meta']): { ok: true; frame: SingleFrame } | DecodeFailure {
    const base = `/data/${index}`;
    const head = item as Record<string, unknown>;
    if (!(fastPath && isPlain(head))) {
      const wrong = headProblem(head, base);
      if (wrong) return wrong;
      const kind = head['kind'] as FrameKind;
      if (kind === 'batch') return fail('invalid_frame', [{ path: `${base}/kind`, keyword: 'not', message: 'is batch; a batch cannot carry a batch' }]);
      const problem = walk(item, maxDepth, base);
      if (problem) return fail(problem.reason, [structureProblemIssue(problem, maxDepth)]);
      const validate = validatorOf(kind);
      if (!validate(item)) return fail('invalid_frame', toIssues(validate.errors, base));
    }
    const from = head['meta'] as FrameOf<'batch'>['meta'];
    if (from.pid !== meta.pid || from.group !== meta.group || from.instance !== meta.instance || from.host !== meta.host) {
      return fail('invalid_frame', [{ path: `${base}/meta`, keyword: 'const', message: "is not the batch's sender" }]);
    }
    return { ok: true, frame: item as SingleFrame };
  }

  function unpack(batch: FrameOf<'batch'>): Array<{ ok: true; frame: SingleFrame } | DecodeFailure> {
    return batch.data.map((item, index) => unpackOne(item, index, batch.meta));
  }

  function encode(frame: Frame): string {
    const kind = (frame as { kind?: unknown } | null)?.kind;
    const validate = typeof kind === 'string' && KINDS.has(kind) ? validatorOf(kind as FrameKind) : undefined;
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
    if (byteLengthOver(raw, encodeLimit)) {
      const kept = reserveBytes === 0 ? '' : ` (${reserveBytes} of them kept for the sequence number and signature)`;
      throw new ClustrError('CLUSTR_FRAME_TOO_LARGE', `the encoded frame is larger than the ${maxBytes}-byte limit${kept}. Send less data, or raise maxFrameBytes on every process.`, {
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

  function batchHead(head: { id: string; meta: FrameOf<'batch'>['meta']; ts?: number }): string {
    const ts = head.ts === undefined ? '' : `,"ts":${head.ts}`;
    return `{"v":${PROTOCOL_VERSION},"kind":"batch","id":${JSON.stringify(head.id)},"meta":${JSON.stringify(head.meta)}${ts},"data":[`;
  }

  function batchOverhead(head: { id: string; meta: FrameOf<'batch'>['meta']; ts?: number }): number {
    return Buffer.byteLength(batchHead(head), 'utf8') + 2;
  }

  function encodeBatch(head: { id: string; meta: FrameOf<'batch'>['meta']; ts?: number }, texts: readonly string[]): string {
    const raw = `${batchHead(head)}${texts.join(',')}]}`;
    if (byteLengthOver(raw, maxBytes)) {
      throw new ClustrError('CLUSTR_FRAME_TOO_LARGE', `a batch of ${texts.length} frames is larger than the ${maxBytes}-byte limit; send fewer frames per batch.`, { field: '/data' });
    }
    return raw;
  }

  return { encode, encodeTrusted, encodeBatch, batchOverhead, decode, unpack, maxBytes, maxDepth };
}

const defaultCodec = createCodec();
/** Decodes with the default limits (1 MiB, depth 64). Never throws on any input. */
export const decode = defaultCodec.decode;
/** Encodes with the default limits. Throws a ClustrError when the frame is invalid. */
export const encode = defaultCodec.encode;

/** Frame ids unique per sender run: a per-process prefix and a counter, cheaper than random ids on the hot path. */
export function createFrameIds(pid: number): () => string {
  const prefix = `${pid.toString(36)}.${Date.now().toString(36)}.`;
  let seq = 0;
  return () => prefix + (seq++).toString(36);
}
