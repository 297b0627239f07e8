// Edge cases of the Redis glob port that the contract suite cannot run against a shared
// Redis: the empty channel name (no per-test prefix possible) and x86-64's signed
// `char` in ranges (checked by hand against Redis 7.0.15 on x86-64; Redis on arm64
// compares unsigned). Everything else is pinned by the contract suite.

import { globMatch } from '../../src/fake-redis/internal/glob';

const match = (pattern: string | Buffer, subject: string | Buffer): boolean =>
  globMatch(Buffer.from(pattern as string), Buffer.from(subject as string));

test('the empty channel: only the empty pattern matches it, not even *', () => {
  expect(match('', '')).toBe(true);
  expect(match('*', '')).toBe(false);
  expect(match('', 'a')).toBe(false);
});

test('range bounds compare as signed char: [\\x7f-é] spans -61..127 and so matches ASCII', () => {
  // "é" is C3 A9: the range is 0x7f..0xc3, i.e. 127..-61 signed, swapped to -61..127.
  expect(match('[\x7f-é]', 'a')).toBe(true);
  expect(match('[\x7f-é]', '!')).toBe(true);
  expect(match(Buffer.from([0x5b, 0x01, 0x2d, 0x7f, 0x5d]), Buffer.from([0xc3]))).toBe(false);
});

test('an unterminated class ends at the end of the pattern', () => {
  expect(match('a[b', 'ab')).toBe(true);
  expect(match('a[', 'a')).toBe(false);
  expect(match('[^', 'x')).toBe(true);
});

test('pathological patterns stay linear-ish (the CVE-2022-36021 guard)', () => {
  const pattern = `${'a*'.repeat(30)}b`;
  const subject = 'a'.repeat(5000);
  const started = process.hrtime.bigint();
  expect(match(pattern, subject)).toBe(false);
  expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000);
});
