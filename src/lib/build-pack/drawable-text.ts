/** Whether the font has a glyph for a code point. */
export type GlyphCoverage = (codePoint: number) => boolean;

/**
 * U+FFFD is Unicode's own "this character could not be shown" sign, DejaVu Sans has it in both
 * weights, and copying it out of the PDF yields a character every tool recognises as a stand-in.
 */
export const PLACEHOLDER = '\uFFFD';

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const LINE_BREAKS_AND_TABS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const CONTROL = /\p{Cc}/u;
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;

/**
 * Makes text safe to draw with one font: every user-perceived character (grapheme) the font cannot
 * draw becomes one placeholder, so an emoji sequence or a lone surrogate never turns into several
 * marks or a broken glyph. Invisible format characters the font lacks are dropped, not replaced.
 * Line breaks and tabs become spaces: callers split lines before this point.
 */
export function drawableText(text: string, covers: GlyphCoverage): string {
  const normalised = text.normalize('NFC').replace(LINE_BREAKS_AND_TABS, ' ');
  // Grapheme segmentation is slow; most text is entirely drawable and can skip it.
  if (isEntirelyDrawable(normalised, covers)) return normalised;
  let result = '';
  for (const { segment } of graphemes.segment(normalised)) result += drawableGrapheme(segment, covers);
  return result;
}

function isEntirelyDrawable(text: string, covers: GlyphCoverage): boolean {
  if (CONTROL.test(text)) return false;
  for (const character of text) {
    if (!covers(character.codePointAt(0) ?? 0)) return false;
  }
  return true;
}

function drawableGrapheme(grapheme: string, covers: GlyphCoverage): string {
  let kept = '';
  for (const character of grapheme) {
    const codePoint = character.codePointAt(0) ?? 0;
    if (CONTROL.test(character)) return PLACEHOLDER;
    if (covers(codePoint)) kept += character;
    else if (!IGNORABLE.test(character)) return PLACEHOLDER;
  }
  return kept;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]$/;

/** Last resort for text the shaper rejected: keeps printable ASCII, replaces every other grapheme. */
export function asciiOrPlaceholders(text: string): string {
  let result = '';
  for (const { segment } of graphemes.segment(text))
    result += PRINTABLE_ASCII.test(segment) ? segment : PLACEHOLDER;
  return result;
}
