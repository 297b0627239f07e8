import { isValidName } from './names';
import { INSTANCE_PATTERN, MAX_FRAME_ID_LENGTH, MAX_METHOD_LENGTH, MAX_PID, MAX_SEQ, PROTOCOL_VERSION } from './constants';

/**
 * A quick yes for the frames that carry user data, the ones every message pays for.
 *
 * Ajv stays the authority: this check only ever says "valid" or "don't know". It
 * accepts a strict subset of what the compiled schema accepts (the envelope
 * fields of a public, private, group, request, reply or any frame, `seq`, and
 * `ts` + `sig` of a signed one; `re` only on a reply, no `meta.host`; the fields
 * of request, reply and any data; lengths counted in UTF-16 units, which are never
 * fewer than the code points JSON Schema counts), so a "don't know" costs one Ajv
 * call that then decides and names the problem. The differential test in
 * `fast-path.test.ts` checks, on every sample frame and on mutations of them,
 * that nothing passes here that Ajv rejects, and it pins the field list and
 * keywords of the envelope schema so a schema change cannot leave this check
 * behind.
 *
 * Why it exists: a 150-byte frame takes about 600 ns to `JSON.parse` on a 2-core
 * machine, and Ajv's general-purpose code for the envelope (for-in with
 * `hasOwnProperty` for `additionalProperties`, `ucs2length` per string bound,
 * absent optional fields) added 160-220 ns on top. This check adds about 50 ns.
 */

// Clusters use a handful of group names and senders: remember the ones already found valid
// (bounded), so most frames skip the pattern match. Only names that passed the pattern are added.
export const MAX_KNOWN_NAMES = 256;
const knownGroups = new Set<string>();
const knownInstances = new Set<string>();
const INSTANCE_RE = new RegExp(INSTANCE_PATTERN);

function remembered(set: Set<string>, value: unknown, valid: (value: string) => boolean): boolean {
  if (typeof value !== 'string') return false;
  if (set.has(value)) return true;
  if (!valid(value)) return false;
  if (set.size < MAX_KNOWN_NAMES) set.add(value);
  return true;
}

const isInstance = (value: string): boolean => INSTANCE_RE.test(value);

/** How many names each cache holds now (for the test of its bound). */
export function knownNameCounts(): { groups: number; instances: number } {
  return { groups: knownGroups.size, instances: knownInstances.size };
}

function isSeqLike(value: unknown, min: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= MAX_SEQ;
}

/** True only when `frame` is a valid public, private or group frame by the schema of this version. */
export function isPlainUserFrame(frame: Record<string, unknown>): boolean {
  const kind = frame['kind'];
  return (kind === 'private' || kind === 'public' || kind === 'group') && plainEnvelope(frame, false);
}

// Bounds of the request, reply and any data (schema.ts); the fast-path test pins them to the schema.
const MAX_TIMEOUT = 2147483647;
const MAX_ERROR_CODE = 64;
const MAX_ERROR_MESSAGE = 4096;
const MAX_ERROR_STACK = 16384;

/**
 * True only when `frame` is a valid request, reply or any frame by the schema of
 * this version, its data's own fields included (the user's `body` inside is left
 * to isPlainData, as user data is). Request and reply frames are half of every
 * request's round trip: through Ajv they cost about twice a private frame.
 */
export function isPlainExchangeFrame(frame: Record<string, unknown>): boolean {
  const data = frame['data'];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  switch (frame['kind']) {
    case 'request':
      return plainEnvelope(frame, false) && plainRequestData(data as Record<string, unknown>);
    case 'reply':
      return plainEnvelope(frame, true) && plainReplyData(data as Record<string, unknown>);
    case 'any':
      return plainEnvelope(frame, false) && plainAnyData(data as Record<string, unknown>);
    default:
      return false;
  }
}

function plainRequestData(data: Record<string, unknown>): boolean {
  let body = false;
  for (const key in data) {
    const value = data[key];
    switch (key) {
      case 'body':
        body = true;
        break;
      case 'method':
        if (typeof value !== 'string' || value.length === 0 || value.length > MAX_METHOD_LENGTH) return false;
        break;
      case 'group':
        if (!remembered(knownGroups, value, isValidName)) return false;
        break;
      case 'timeout':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT) return false;
        break;
      default:
        return false;
    }
  }
  return body;
}

function plainReplyData(data: Record<string, unknown>): boolean {
  let fields = 0;
  for (const key in data) {
    if (key !== 'ok' && key !== (data['ok'] === true ? 'body' : 'error')) return false;
    fields++;
  }
  if (fields !== 2) return false;
  if (data['ok'] === true) return true;
  if (data['ok'] !== false) return false;
  const error = data['error'];
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return false;
  let required = 0;
  for (const key in error) {
    const value = (error as Record<string, unknown>)[key];
    if (typeof value !== 'string') return false;
    if (key === 'code') {
      if (value.length === 0 || value.length > MAX_ERROR_CODE) return false;
      required++;
    } else if (key === 'message') {
      if (value.length > MAX_ERROR_MESSAGE) return false;
      required++;
    } else if (key !== 'stack' || value.length > MAX_ERROR_STACK) {
      return false;
    }
  }
  return required === 2;
}

function plainAnyData(data: Record<string, unknown>): boolean {
  let fields = 0;
  for (const key in data) {
    if (key === 'group') {
      if (!remembered(knownGroups, data['group'], isValidName)) return false;
    } else if (key !== 'body') {
      return false;
    }
    fields++;
  }
  return fields === 2;
}

/**
 * The envelope of a frame the fast path knows: `v`, `kind`, `id`, `meta`,
 * `data`, and `re` when `withRe` (then required), with `seq` and a signed
 * frame's `ts` and `sig`; no `meta.host`.
 */
function plainEnvelope(frame: Record<string, unknown>, withRe: boolean): boolean {
  let required = 0;
  for (const key in frame) {
    switch (key) {
      case 'v':
      case 'kind':
      case 'id':
      case 'meta':
      case 'data':
        required++;
        break;
      case 're': {
        const re = frame['re'];
        if (!withRe || typeof re !== 'string' || re.length === 0 || re.length > MAX_FRAME_ID_LENGTH) return false;
        required++;
        break;
      }
      case 'seq':
        if (!isSeqLike(frame['seq'], 1)) return false;
        break;
      case 'ts':
        if (!isSeqLike(frame['ts'], 0)) return false;
        break;
      case 'sig': {
        const sig = frame['sig'];
        if (typeof sig !== 'string' || sig.length === 0 || sig.length > 512) return false;
        break;
      }
      default:
        return false;
    }
  }
  if (required !== (withRe ? 6 : 5) || frame['v'] !== PROTOCOL_VERSION) return false;
  const id = frame['id'];
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_FRAME_ID_LENGTH) return false;
  const meta = frame['meta'];
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return false;
  let metaFields = 0;
  for (const key in meta) {
    if (key === 'instance') {
      if (!remembered(knownInstances, (meta as Record<string, unknown>)['instance'], isInstance)) return false;
    } else if (key !== 'pid' && key !== 'group') {
      return false;
    } else {
      metaFields++;
    }
  }
  if (metaFields !== 2) return false;
  const { pid, group } = meta as Record<string, unknown>;
  return typeof pid === 'number' && Number.isInteger(pid) && pid >= 1 && pid <= MAX_PID && remembered(knownGroups, group, isValidName);
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * True when `value`, sitting at nesting level `depth`, is a tree of plain objects
 * and arrays with nothing deeper than `maxDepth` and no prototype-polluting key,
 * so its JSON text has neither. False means "don't know: check the text". It
 * says false wherever JSON.stringify may write something other than what the
 * walk sees: a toJSON method (Date, Buffer, user classes; on a BigInt too) and
 * an inherited enumerable property (never read here, so no getter runs). Own
 * getters are read by JSON.stringify first and by this walk second; one that
 * returns something else the second time, or a Proxy that lists other keys, can
 * still slip a frame past the sender, and readers drop it. It recurses at most
 * `maxDepth` levels deep: callers use it only while `maxDepth <= MAX_FAST_PATH_DEPTH`.
 */
export function isPlainData(value: unknown, depth: number, maxDepth: number, parentKey: string): boolean {
  if (typeof value !== 'object' || value === null) return typeof value !== 'bigint';
  if (depth > maxDepth || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isPlainData(value[i], depth + 1, maxDepth, '')) return false;
    return true;
  }
  for (const key in value) {
    if (!hasOwn.call(value, key) || key === '__proto__' || (key === 'prototype' && parentKey === 'constructor')) return false;
    if (!isPlainData((value as Record<string, unknown>)[key], depth + 1, maxDepth, key)) return false;
  }
  return true;
}

/** isPlainData recurses once per level, so the fast path is used only up to this `maxDepth`. */
export const MAX_FAST_PATH_DEPTH = 256;
