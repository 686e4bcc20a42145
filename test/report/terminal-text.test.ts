import { describe, expect, it } from 'vitest';
import { cutLeft, cutRight, displayWidth, padRight, paint, sanitizeInline, wrapPieces, wrapText } from '../../src/report/terminal-text.js';

describe('terminal text', () => {
  it('measures columns: wide characters 2, combining marks 0', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('割引')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('🚀')).toBe(2);
  });

  it('cuts from the right or the left with one "…", never past the width', () => {
    expect(cutRight('abcdef', 6)).toBe('abcdef');
    expect(cutRight('abcdef', 4)).toBe('abc…');
    expect(cutRight('ab cdef', 4)).toBe('ab…');
    expect(cutLeft('tests/test_x.py::test_y', 10)).toBe('…y::test_y');
    expect(displayWidth(cutRight('割引割引割引', 5))).toBeLessThanOrEqual(5);
    expect(displayWidth(cutLeft('割引割引割引', 5))).toBeLessThanOrEqual(5);
    expect(cutRight('abc', 0)).toBe('');
  });

  it('pads to a width without cutting', () => {
    expect(padRight('ab', 4)).toBe('ab  ');
    expect(padRight('abcdef', 4)).toBe('abcdef');
  });

  it('wraps pieces under a hanging indent and cuts a piece longer than a line', () => {
    expect(wrapPieces(['one', 'two', 'three'], 14, 'L: ', '   ', ' · ')).toEqual(['L: one · two', '   three']);
    expect(wrapText('a verylongwordthatdoesnotfit b', 12, '- ', '  ')).toEqual(['- a', '  verylongw…', '  b']);
  });

  it('drops control characters, makes line breaks spaces and removes code ticks', () => {
    expect(sanitizeInline('a\x1b[31mb\x07\r\nc\td `e`\u202ef')).toBe('a[31mb c d ef');
  });

  it('paints only when colour is on', () => {
    expect(paint('x', 'green', false)).toBe('x');
    expect(paint('x', 'green', true)).toBe('\x1b[32mx\x1b[0m');
    expect(paint('x', undefined, true)).toBe('x');
  });
});
