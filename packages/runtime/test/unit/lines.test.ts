// How a child's output is cut into the lines the master forwards with a prefix.
import { LineSplitter, MAX_LINE_LENGTH } from '../../src/internal/lines';

function splitter(maxLength?: number) {
  const lines: string[] = [];
  const s = maxLength === undefined ? new LineSplitter((line) => lines.push(line)) : new LineSplitter((line) => lines.push(line), maxLength);
  return { s, lines };
}

test('lines split across chunks and several lines in one chunk come out whole; flush gives the unterminated rest', () => {
  const { s, lines } = splitter();
  for (const chunk of ['one\ntw', 'o\n', '\nthree', ' and more', '\nfour']) s.push(chunk);
  expect(lines).toEqual(['one', 'two', '', 'three and more']);
  s.flush();
  expect(lines).toEqual(['one', 'two', '', 'three and more', 'four']);
  s.flush();
  expect(lines).toHaveLength(5);
});

test('output without a newline is forwarded in pieces of MAX_LINE_LENGTH as it arrives, not held until the end', () => {
  const { s, lines } = splitter();
  const chunk = 'x'.repeat(1_024);
  // 1 MiB without a newline: a progress bar redrawn with \r, a binary dump.
  for (let i = 0; i < 1_024; i++) s.push(chunk);
  expect(MAX_LINE_LENGTH).toBe(64 * 1_024);
  expect(lines).toHaveLength(1_024 * 1_024 / MAX_LINE_LENGTH - 1);
  expect(lines.every((line) => line.length === MAX_LINE_LENGTH)).toBe(true);
  s.flush();
  expect(lines.join('')).toBe(chunk.repeat(1_024));
});

test('a long line is cut at the limit, then the line goes on from there; a newline right at the limit adds no empty line', () => {
  const { s, lines } = splitter(4);
  s.push('abcdefghij\nklmn');
  s.push('\nop\r\n');
  expect(lines).toEqual(['abcd', 'efgh', 'ij', 'klmn', 'op\r']);
});

test('a cut never separates the two halves of a surrogate pair', () => {
  const { s, lines } = splitter(4);
  s.push('abc😀def\n');
  expect(lines).toEqual(['abc', '😀de', 'f']);
  expect(lines.join('')).toBe('abc😀def');
});
