// A port of Redis's `stringmatchlen` (src/util.c), the matcher behind PSUBSCRIBE,
// KEYS and SCAN MATCH. It works on bytes, not characters: `?` matches one byte, so
// it does not match a two-byte UTF-8 character such as "é" (but `??` does).
//
// Quirks kept on purpose, because real Redis has them:
// - `[^...]` negates a class; `[!...]` does not (`!` is an ordinary member).
// - `[]]` never matches (the class closes at once and is empty); `[^]` matches any byte.
// - `[a-]` is the range `]`..`a`: a range end may be `]`, and reversed ranges are swapped.
// - An unterminated class (`a[b`) ends at the end of the pattern.
// - `*` never matches the empty channel name "" on its own (the loop never runs).
// - Range bounds compare bytes as C `char`, which is signed on x86-64 (the platform
//   Redis is almost always built for): bytes >= 0x80 sort below 0x00 there.

const STAR = 0x2a; // *
const QUESTION = 0x3f; // ?
const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const CARET = 0x5e; // ^
const BACKSLASH = 0x5c; // \
const DASH = 0x2d; // -

/** A byte read as a signed C `char` (x86-64), for range comparisons. */
function signedChar(byte: number): number {
  return byte >= 0x80 ? byte - 0x100 : byte;
}

/** Whether `subject` matches the Redis glob `pattern`, byte for byte as Redis decides it. */
export function globMatch(pattern: Uint8Array, subject: Uint8Array): boolean {
  return matchFrom(pattern, 0, subject, 0, { skipLongerMatches: false });
}

interface MatchState {
  // Set once a `*` has tried every tail and failed: no earlier `*` can do better
  // (Redis's fix for exponential backtracking, CVE-2022-36021).
  skipLongerMatches: boolean;
}

function matchFrom(p: Uint8Array, pi: number, s: Uint8Array, si: number, state: MatchState): boolean {
  // Redis reads past the pattern's end as NUL; `p[i]` reads as undefined here, which
  // compares unequal to every byte just as NUL compares unequal to the specials.
  while (pi < p.length && si < s.length) {
    switch (p[pi]) {
      case STAR: {
        while (pi + 1 < p.length && p[pi + 1] === STAR) pi++;
        if (pi + 1 === p.length) return true;
        while (si < s.length) {
          if (matchFrom(p, pi + 1, s, si, state)) return true;
          if (state.skipLongerMatches) return false;
          si++;
        }
        state.skipLongerMatches = true;
        return false;
      }
      case QUESTION:
        si++;
        break;
      case OPEN: {
        pi++;
        const negate = p[pi] === CARET;
        if (negate) pi++;
        const c = s[si] as number;
        let match = false;
        for (;;) {
          const remaining = p.length - pi;
          if (p[pi] === BACKSLASH && remaining >= 2) {
            pi++;
            if (p[pi] === c) match = true;
          } else if (p[pi] === CLOSE) {
            break;
          } else if (remaining === 0) {
            pi--;
            break;
          } else if (remaining >= 3 && p[pi + 1] === DASH) {
            let start = signedChar(p[pi] as number);
            let end = signedChar(p[pi + 2] as number);
            if (start > end) [start, end] = [end, start];
            pi += 2;
            const signed = signedChar(c);
            if (signed >= start && signed <= end) match = true;
          } else if (p[pi] === c) {
            match = true;
          }
          pi++;
        }
        if (negate) match = !match;
        if (!match) return false;
        si++;
        break;
      }
      case BACKSLASH:
        if (p.length - pi >= 2) pi++;
        if (p[pi] !== s[si]) return false;
        si++;
        break;
      default:
        if (p[pi] !== s[si]) return false;
        si++;
        break;
    }
    pi++;
    if (si === s.length) {
      while (p[pi] === STAR) pi++;
      break;
    }
  }
  return pi === p.length && si === s.length;
}
