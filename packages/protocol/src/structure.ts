/**
 * The rules JSON Schema cannot express, checked the same way by decode and
 * encode: nesting depth and prototype-polluting keys.
 */

/** One JSON Pointer segment (RFC 6901): Ajv escapes its own paths, so keys we append must match. */
export function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export type StructureProblem = { reason: 'too_deep' | 'forbidden_key'; path: string } | undefined;

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

/**
 * Bounded walk of a parsed value. `root` sits at nesting level 1. It keeps its
 * own stack instead of recursing, so no `maxDepth` a user picks can overflow the
 * call stack; problems are found in document order, as a recursive walk would
 * find them. `base` prefixes every path (a frame inside a batch).
 */
export function walk(root: unknown, maxDepth: number, base = ''): StructureProblem {
  // Stryker disable next-line StringLiteral: the root has no key above it; any text but "constructor" reads the same
  const stack: Array<{ value: unknown; depth: number; path: string; parentKey: string }> = [{ value: root, depth: 1, path: base, parentKey: '' }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value, depth, path, parentKey } = item;
    if (value === null || typeof value !== 'object') continue;
    if (depth > maxDepth) return { reason: 'too_deep', path };
    // Stryker disable next-line ArrayDeclaration: a string pushed first is a scalar, skipped by the check above
    const children: Array<{ value: unknown; depth: number; path: string; parentKey: string }> = [];
    // Arrays too: their keys are their indexes, which need no escaping and are never "__proto__" or "constructor".
    for (const key of Object.keys(value)) {
      // `__proto__` anywhere, or `constructor.prototype`, is how prototype-pollution payloads look.
      if (key === '__proto__' || (key === 'prototype' && parentKey === 'constructor')) {
        return { reason: 'forbidden_key', path: `${path}/${pointerSegment(key)}` };
      }
      children.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, path: `${path}/${pointerSegment(key)}`, parentKey: key });
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return undefined;
}

/**
 * Checks `raw` (whose parsed value `parsed()` returns) for both rules. Cheap
 * string checks rule out almost every frame; the value is only walked when they
 * cannot.
 */
export function structureProblem(raw: string, parsed: () => unknown, maxDepth: number): StructureProblem {
  // Both forbidden keys contain "proto"; an escape could spell either without it.
  const mayHaveForbiddenKey = raw.includes('proto') || raw.includes('\\u');
  // Nesting needs an opener per level: text with at most maxDepth of them cannot be too deep.
  const mayBeTooDeep = countOpeners(raw, maxDepth) > maxDepth;
  if (!mayHaveForbiddenKey && !mayBeTooDeep) return undefined;
  return walk(parsed(), maxDepth);
}
