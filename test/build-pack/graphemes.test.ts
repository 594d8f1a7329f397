import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graphemesOf, MAX_GRAPHEME_LENGTH, SEGMENTER_WINDOW } from '../../src/build-pack/graphemes';
import { textSlices } from '../../src/build-pack/text-slices';

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
const byIntl = (text: string) => Array.from(segmenter.segment(text), ({ segment }) => segment);
const byWindows = (text: string) => Array.from(graphemesOf(text), ({ segment }) => segment);
const LONE_SURROGATE = /\p{Cs}/u;

/** Clusters of every shape, including regional-indicator runs whose pairing depends on what came before. */
const MIXED = [
  'ab',
  'e\u0301',
  '👨‍👩‍👧‍👦',
  '🇬🇧🇫🇷🇩🇪',
  '👍🏽',
  '\r\n',
  '한국어',
  '\u1100\u1161\u11A8',
  'क्षि',
  'שלום',
  'مرحبا',
  '🏳️‍🌈',
  ' ',
  'Z\u0351\u0352\u0353',
].join('');

describe('graphemesOf', () => {
  it('finds the same clusters as one Intl.Segmenter pass, across window boundaries', () => {
    for (let offset = 0; offset < 12; offset++) {
      const text = 'x'.repeat(offset) + MIXED.repeat(40);
      expect(text.length).toBeGreaterThan(4 * SEGMENTER_WINDOW);
      expect(byWindows(text)).toEqual(byIntl(text));
    }
  });

  it('agrees with Intl.Segmenter on arbitrary text made of real characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 3 * SEGMENTER_WINDOW }), (text) => {
        expect(byWindows(text)).toEqual(byIntl(text));
      }),
      { numRuns: 200 },
    );
  });

  it('hands an over-long cluster on in well-formed pieces, marked as such', () => {
    for (const text of [`a${'\u0301'.repeat(5000)}`, '👨\u200D'.repeat(2000), '\u1100'.repeat(3000)]) {
      const pieces = Array.from(graphemesOf(text));
      expect(pieces.map(({ segment }) => segment).join('')).toBe(text);
      expect(pieces[0]?.piece).toBe('first');
      for (const { segment, piece } of pieces) {
        expect(segment.length).toBeLessThanOrEqual(MAX_GRAPHEME_LENGTH);
        expect(LONE_SURROGATE.test(segment)).toBe(false);
        expect(piece).toBeDefined();
      }
      expect(pieces.filter(({ piece }) => piece === 'first')).toHaveLength(1);
    }
  });
});

describe('textSlices', () => {
  it('splits long text into bounded slices after spaces, and joins back to the original', () => {
    const text = 'lorem ipsum dolor '.repeat(2000);
    const slices = Array.from(textSlices(text, 1000));
    expect(slices.join('')).toBe(text);
    for (const slice of slices) expect(slice.length).toBeLessThanOrEqual(1000);
    for (const slice of slices.slice(0, -1)) expect(slice.endsWith(' ')).toBe(true);
  });

  it('cuts text without spaces between code points only', () => {
    const text = `a${'😀'.repeat(3000)}`;
    const slices = Array.from(textSlices(text, 1000));
    expect(slices.join('')).toBe(text);
    for (const slice of slices) {
      expect(slice.length).toBeLessThanOrEqual(1000);
      expect(LONE_SURROGATE.test(slice)).toBe(false);
    }
  });
});
