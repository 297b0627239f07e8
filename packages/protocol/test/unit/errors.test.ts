import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ClustrError, ERROR_CODES, isClustrError, type ErrorCode } from '../../src';

const DOC_PATH = path.join(__dirname, '..', '..', '..', '..', 'docs', 'errors.md');
const doc = readFileSync(DOC_PATH, 'utf8');
const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

/** Codes the doc documents: a heading naming the code, or a table row whose first cell is the code. */
function documentedCodes(markdown: string): string[] {
  const found: string[] = [];
  for (const line of markdown.split('\n')) {
    const heading = /^#{1,6}\s+`?(CLUSTR_[A-Z0-9_]+)`?\s*$/.exec(line);
    const row = /^\|\s*`?(CLUSTR_[A-Z0-9_]+)`?\s*\|/.exec(line);
    const code = heading?.[1] ?? row?.[1];
    if (code) found.push(code);
  }
  return found;
}

describe('ERROR_CODES', () => {
  test('every code is CLUSTR_ in upper snake case and says what happened', () => {
    expect(CODES.length).toBeGreaterThan(0);
    for (const code of CODES) {
      expect(code).toMatch(/^CLUSTR_[A-Z0-9]+(_[A-Z0-9]+)*$/);
      expect(ERROR_CODES[code]).toMatch(/^\S.{20,}\.$/);
    }
  });

  test('no two codes share a description (a code is never reused under a new name)', () => {
    const descriptions = Object.values(ERROR_CODES);
    expect(new Set(descriptions).size).toBe(descriptions.length);
  });

  test('every code is documented in docs/errors.md, once', () => {
    const documented = documentedCodes(doc);
    expect(CODES.filter((code) => !documented.includes(code))).toEqual([]);
    expect(documented.filter((code, i) => documented.indexOf(code) !== i)).toEqual([]);
  });

  test('docs/errors.md lists no code that is not in the registry', () => {
    // Prose may name environment variables such as CLUSTR_LISTEN_FD; headings and rows are codes.
    expect(documentedCodes(doc).filter((code) => !(code in ERROR_CODES))).toEqual([]);
  });

  test('every table row says what happened and how to fix it', () => {
    const rows = doc.split('\n').filter((line) => /^\|\s*`?CLUSTR_/.test(line));
    expect(rows.length).toBe(CODES.length);
    for (const row of rows) {
      const cells = row.split('|').slice(1, -1).map((cell) => cell.trim());
      expect(cells).toHaveLength(3);
      for (const cell of cells) expect(cell.length).toBeGreaterThan(10);
    }
  });
});

describe('ClustrError', () => {
  test('is an Error that keeps code, field, name and the standard cause', () => {
    const cause = new TypeError('socket closed');
    const error = new ClustrError('CLUSTR_TRANSPORT', 'publish to shop:public failed. Check that Redis is reachable.', { cause, field: 'redis' });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ClustrError);
    expect(error.name).toBe('ClustrError');
    expect(error.code).toBe('CLUSTR_TRANSPORT');
    expect(error.field).toBe('redis');
    expect(error.cause).toBe(cause);
    expect(error.message).toBe('publish to shop:public failed. Check that Redis is reachable.');
    expect(String(error)).toBe('ClustrError: publish to shop:public failed. Check that Redis is reachable.');
    expect(error.stack).toContain('ClustrError');
  });

  test('without options has no field and no cause property', () => {
    const error = new ClustrError('CLUSTR_CLOSED', 'emit() was called after close().');
    expect(error.field).toBeUndefined();
    expect('cause' in error).toBe(false);
  });

  test('keeps a falsy cause', () => {
    expect(new ClustrError('CLUSTR_CLOSED', 'x', { cause: 0 }).cause).toBe(0);
    expect(new ClustrError('CLUSTR_CLOSED', 'x', { cause: null }).cause).toBeNull();
  });

  test('isClustrError matches the class and, when given, the code', () => {
    const error = new ClustrError('CLUSTR_CLOSED', 'closed');
    expect(isClustrError(error)).toBe(true);
    expect(isClustrError(error, 'CLUSTR_CLOSED')).toBe(true);
    expect(isClustrError(error, 'CLUSTR_TRANSPORT')).toBe(false);
    expect(isClustrError(new Error('closed'))).toBe(false);
    expect(isClustrError({ name: 'ClustrError', code: 'CLUSTR_CLOSED', message: 'look-alike' })).toBe(false);
    expect(isClustrError(undefined)).toBe(false);
  });
});
