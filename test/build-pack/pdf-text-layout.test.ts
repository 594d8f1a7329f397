import { describe, expect, it } from 'vitest';
import { baseDirection, visualOrder } from '../../src/build-pack/bidi';
import { drawableText, PLACEHOLDER } from '../../src/build-pack/drawable-text';
import { wrapStyledText } from '../../src/build-pack/text-wrap';

const latinAndGreek = (codePoint: number) => codePoint < 0x0500 || codePoint === 0xfffd;
const oneUnitPerCodePoint = (text: string) => Array.from(text).length;

describe('drawableText', () => {
  it('keeps text the font can draw as it is (NFC-normalised)', () => {
    expect(drawableText('Ame\u0301lie Ωμέγα', latinAndGreek)).toBe('Amélie Ωμέγα');
  });

  it('replaces each grapheme the font cannot draw with one placeholder', () => {
    expect(drawableText('a中文b👨‍👩‍👧c🇬🇧d👍🏽', latinAndGreek)).toBe(
      `a${PLACEHOLDER.repeat(2)}b${PLACEHOLDER}c${PLACEHOLDER}d${PLACEHOLDER}`,
    );
  });

  it('replaces lone surrogates and control characters, never emitting broken halves', () => {
    const result = drawableText('x\uD800y\uDC00z\u0007', latinAndGreek);
    expect(result).toBe(`x${PLACEHOLDER}y${PLACEHOLDER}z${PLACEHOLDER}`);
    expect(/[\uD800-\uDFFF]/u.test(result)).toBe(false);
  });

  it('turns tabs and line breaks into spaces and drops invisible format characters it lacks', () => {
    expect(drawableText('a\tb\r\nc\u2028d\u200Be', latinAndGreek)).toBe('a b  c de');
  });
});

describe('wrapStyledText', () => {
  const style = 'body';
  const lines = (text: string, width: number) =>
    Array.from(wrapStyledText([{ text, style }], width, oneUnitPerCodePoint), (line) =>
      line.map((span) => span.text).join(''),
    );

  it('breaks at spaces without exceeding the width', () => {
    expect(lines('the quick brown fox jumps', 10)).toEqual(['the quick', 'brown fox', 'jumps']);
  });

  it('collapses runs of spaces and drops them at line ends', () => {
    expect(lines('  a    b  ', 10)).toEqual(['a b']);
  });

  it('cuts words longer than a line between graphemes', () => {
    expect(lines('abcdefghij klm', 4)).toEqual(['abcd', 'efgh', 'ij', 'klm']);
    expect(lines('e\u0301e\u0301e\u0301', 2)).toEqual(['e\u0301', 'e\u0301', 'e\u0301']);
  });

  it('keeps styles apart and wraps across them', () => {
    const wrapped = Array.from(
      wrapStyledText(
        [
          { text: 'Label: ', style: 'bold' },
          { text: 'some value here', style: 'regular' },
        ],
        12,
        oneUnitPerCodePoint,
      ),
    );
    expect(wrapped).toEqual([
      [
        { text: 'Label: ', style: 'bold' },
        { text: 'some', style: 'regular' },
      ],
      [{ text: 'value here', style: 'regular' }],
    ]);
  });
});

describe('bidi', () => {
  const order = (text: string) =>
    visualOrder([{ text, style: 's' }], baseDirection(text)).map((run) => run.text);

  it('leaves left-to-right text alone', () => {
    expect(order('Hello, world 42')).toEqual(['Hello, world 42']);
  });

  it('takes the paragraph direction from the first strong letter', () => {
    expect(baseDirection('123 שלום abc')).toBe('rtl');
    expect(baseDirection('— abc שלום')).toBe('ltr');
    expect(baseDirection('123 ...')).toBe('ltr');
  });

  it('keeps a right-to-left run whole, in logical order, for fontkit to reverse', () => {
    expect(order('Hebrew: שלום עולם and back')).toEqual(['Hebrew: ', 'שלום עולם', ' and back']);
  });

  it('puts numbers after right-to-left words to their visual left', () => {
    expect(order('Hebrew: שלום 2025 and back')).toEqual(['Hebrew: ', '2025', 'שלום ', ' and back']);
  });

  it('orders runs right to left in a right-to-left paragraph, spaces going with the paragraph direction', () => {
    expect(order('שלום abc עולם')).toEqual([' עולם', 'abc', 'שלום ']);
  });

  it('mirrors brackets inside right-to-left runs, which fontkit then reverses', () => {
    expect(order('שלום (עולם)')).toEqual(['שלום )עולם(']);
    expect(order('a (b) c')).toEqual(['a (b) c']);
  });

  it('pre-reverses Arabic-Indic digits, which fontkit would otherwise reverse', () => {
    expect(order('مرحبا ٢٠٢٥')).toEqual(['٥٢٠٢', 'مرحبا ']);
  });
});
