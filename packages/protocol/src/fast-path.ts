import { isValidName } from './names';
import { MAX_FRAME_ID_LENGTH, MAX_PID, PROTOCOL_VERSION } from './constants';

/**
 * A quick yes for the frames that carry user data, the ones every message pays for.
 *
 * Ajv stays the authority: this check only ever says "valid" or "don't know". It
 * accepts a strict subset of what the compiled schema accepts (exactly the five
 * envelope fields, no reserved ones, lengths counted in UTF-16 units, which are
 * never fewer than the code points JSON Schema counts), so a "don't know" costs
 * one Ajv call that then decides and names the problem. The differential test in
 * `fast-path.test.ts` checks, on every sample frame and on mutations of them, that
 * nothing passes here that Ajv rejects, and it pins the field list and keywords of
 * the envelope schema so a schema change cannot leave this check behind.
 *
 * Why it exists: a 106-byte frame takes about 460 ns to `JSON.parse` on a 2-core
 * machine, and Ajv's general-purpose code for the envelope (for-in with
 * `hasOwnProperty` for `additionalProperties`, `ucs2length` per string bound, five
 * absent reserved fields) added 160-220 ns on top. This check adds about 40 ns.
 */
const ENVELOPE_FIELDS = 5;

// Clusters use a handful of group names: remember the ones already found valid (bounded), so most
// frames skip the pattern match. Only names that passed isValidName are ever added.
const knownGroups = new Set<string>();
const MAX_KNOWN_GROUPS = 64;
function isGroupName(group: unknown): boolean {
  if (typeof group !== 'string') return false;
  if (knownGroups.has(group)) return true;
  if (!isValidName(group)) return false;
  if (knownGroups.size < MAX_KNOWN_GROUPS) knownGroups.add(group);
  return true;
}

function isEnvelopeField(key: string): boolean {
  return key === 'v' || key === 'kind' || key === 'id' || key === 'meta' || key === 'data';
}

/** True only when `frame` is a valid public, private or group frame by the v1 schema. */
export function isPlainUserFrame(frame: Record<string, unknown>): boolean {
  let fields = 0;
  for (const key in frame) {
    if (!isEnvelopeField(key)) return false;
    fields++;
  }
  const kind = frame['kind'];
  if (fields !== ENVELOPE_FIELDS || frame['v'] !== PROTOCOL_VERSION || (kind !== 'private' && kind !== 'public' && kind !== 'group')) return false;
  const id = frame['id'];
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_FRAME_ID_LENGTH) return false;
  const meta = frame['meta'];
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return false;
  let metaFields = 0;
  for (const key in meta) {
    if (key !== 'pid' && key !== 'group') return false;
    metaFields++;
  }
  if (metaFields !== 2) return false;
  const { pid, group } = meta as Record<string, unknown>;
  return typeof pid === 'number' && Number.isInteger(pid) && pid >= 1 && pid <= MAX_PID && isGroupName(group);
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
